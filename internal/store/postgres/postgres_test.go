package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/store/storetest"
)

// dsnEnv names the variable holding the DSN of the server the tests use.
// Each test works in a schema of its own, made and dropped by the test, so
// any database the DSN's user may create schemas in will do.
const dsnEnv = "PARALLAX_TEST_POSTGRES"

// serverDSN returns the test server's DSN, or skips t without one.
func serverDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(dsnEnv)
	if dsn == "" {
		t.Skipf("set %s to a PostgreSQL DSN (see .ci/postgres) to run the PostgreSQL store's tests", dsnEnv)
	}
	return dsn
}

// withParam returns dsn, a URL or a key=value DSN, with parameter key set.
func withParam(t testing.TB, dsn, key, value string) string {
	t.Helper()
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return dsn + " " + key + "=" + value
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("%s: %v", dsnEnv, err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// serverExec runs statements on the test server outside any store.
func serverExec(ctx context.Context, dsn string, stmts ...string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("connect to the test server: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for _, q := range stmts {
		if _, err := conn.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// newSchema makes a schema of a random name, dropped when t ends (after
// the stores opened on it close), and returns a DSN that works in it.
func newSchema(t testing.TB) string {
	t.Helper()
	dsn := serverDSN(t)
	name := fmt.Sprintf("parallax_test_%016x", rand.Uint64())
	if err := serverExec(t.Context(), dsn, "CREATE SCHEMA "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := serverExec(context.WithoutCancel(t.Context()), dsn, "DROP SCHEMA "+name+" CASCADE"); err != nil {
			t.Error(err)
		}
	})
	return withParam(t, dsn, "search_path", name)
}

// dsns maps the stores tests opened to their DSNs, for Reopen.
var dsns sync.Map

func openTest(t testing.TB, dsn string) *Store {
	t.Helper()
	s, err := Open(t.Context(), dsn, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	dsns.Store(s, dsn)
	t.Cleanup(func() { s.Close() })
	return s
}

func newTest(t testing.TB) *Store {
	t.Helper()
	return openTest(t, newSchema(t))
}

// reopen opens a second store on s's schema, as another process would.
func reopen(t testing.TB, s store.Store) *Store {
	t.Helper()
	dsn, ok := dsns.Load(s)
	if !ok {
		t.Fatalf("reopen: %T %p was not opened by openTest", s, s)
	}
	return openTest(t, dsn.(string))
}

// snapshot returns every row of every table of s's schema as text.
func snapshot(t *testing.T, st store.Store) string {
	t.Helper()
	s := st.(*Store)
	tables := []string{"counters", "stories", "articles", "raws", "article_features", "article_entities",
		"story_facets", "outlets", "decisions", "corrections", "comparisons", "feeds", "schema_version"}
	var b strings.Builder
	for _, table := range tables {
		var rows string
		if err := s.pool.QueryRow(t.Context(), `SELECT coalesce(string_agg(t::text, E'\n' ORDER BY t::text), '') FROM `+
			table+` t`).Scan(&rows); err != nil {
			t.Fatalf("snapshot of %s: %v", table, err)
		}
		fmt.Fprintf(&b, "%s:\n%s\n", table, rows)
	}
	return b.String()
}

// TestStore runs the behavioural suite every store.Store passes.
func TestStore(t *testing.T) {
	serverDSN(t)
	storetest.Run(t, storetest.Opener{
		New:      func(t *testing.T) store.Store { return newTest(t) },
		Reopen:   func(t *testing.T, s store.Store) store.Store { return reopen(t, s) },
		Page:     clusterPage,
		Snapshot: snapshot,
	})
}
