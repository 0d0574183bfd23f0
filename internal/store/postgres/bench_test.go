//go:build unix

package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"testing"

	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/store/storetest"
)

// template is a database of storetest.BenchStored generated articles, built once per
// test binary; benchmarks that write get a copy (CREATE DATABASE ...
// TEMPLATE), as the sqlite package's copy a file.
var template struct {
	once sync.Once
	name string // the database, dropped by TestMain
	dsn  string // the server's
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if template.name != "" {
		if err := dropDatabase(template.dsn, template.name); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

func dropDatabase(dsn, name string) error {
	return serverExec(context.Background(), dsn, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
}

func templateName(b *testing.B) string {
	b.Helper()
	dsn := serverDSN(b)
	template.once.Do(func() {
		name := fmt.Sprintf("parallax_bench_%d_v%d_%08x", storetest.BenchStored(b), len(migrations), rand.Uint32())
		if template.err = serverExec(context.Background(), dsn, "CREATE DATABASE "+name); template.err != nil {
			return
		}
		template.name, template.dsn = name, dsn
		template.err = buildTemplate(b, withParam(b, dsn, "dbname", name))
	})
	if template.err != nil {
		b.Fatalf("building the %d-article store: %v", storetest.BenchStored(b), template.err)
	}
	return template.name
}

func buildTemplate(b *testing.B, dsn string) error {
	ctx := context.Background()
	s, err := Open(ctx, dsn, nil)
	if err != nil {
		return err
	}
	g := storetest.NewGenerator(b, 1)
	for done := 0; done < storetest.BenchStored(b) && err == nil; done += 1000 {
		batch := make([]*store.Record, 1000)
		for i := range batch {
			batch[i] = g.Record()
		}
		_, err = s.SaveBatch(ctx, batch)
	}
	// A copy of a database keeps its statistics: the planner of each copy
	// knows the articles from the start.
	if err == nil {
		_, err = s.pool.Exec(ctx, "ANALYZE")
	}
	return errors.Join(err, s.Close())
}

// writableCopy opens a private copy of the template database, dropped
// when b ends.
func writableCopy(b *testing.B) *Store {
	b.Helper()
	tmpl := templateName(b)
	dsn := serverDSN(b)
	name := fmt.Sprintf("parallax_bench_copy_%08x", rand.Uint32())
	if err := serverExec(b.Context(), dsn, "CREATE DATABASE "+name+" TEMPLATE "+tmpl); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := dropDatabase(dsn, name); err != nil {
			b.Error(err)
		}
	})
	return openTest(b, withParam(b, dsn, "dbname", name))
}

// BenchmarkSaveBatch is the sqlite package's (storetest.BenchSaveBatch): batches
// of generated articles saved into a store of storetest.BenchStored.
func BenchmarkSaveBatch(b *testing.B) {
	serverDSN(b)
	storetest.BenchSaveBatch(b, func(b *testing.B) store.Store { return writableCopy(b) }, storetest.Continuing, "client-cpu-ns/article")
}
