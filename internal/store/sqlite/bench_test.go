//go:build unix

package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/store/storetest"
)

// template is a store of storetest.BenchStored generated articles, built once per
// test binary and copied by benchmarks that write.
var template struct {
	once sync.Once
	dir  string // a temporary directory to remove, if any
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if template.dir != "" {
		os.RemoveAll(template.dir)
	}
	os.Exit(code)
}

// benchDirEnv names a directory where the template store is kept between
// runs, so benchmarks can be run one at a time without rebuilding it.
const benchDirEnv = "PARALLAX_BENCH_DIR"

func templatePath(b *testing.B) string {
	b.Helper()
	template.once.Do(func() {
		dir := os.Getenv(benchDirEnv)
		if dir == "" {
			if dir, template.err = os.MkdirTemp("", "parallax-store-bench-"); template.err != nil {
				return
			}
			template.dir = dir // removed by TestMain
		}
		template.path = filepath.Join(dir, fmt.Sprintf("store-%d-v%d.db", storetest.BenchStored(b), SchemaVersion()))
		if _, err := os.Stat(template.path); err == nil {
			return
		}
		template.err = buildTemplate(b, template.path)
	})
	if template.err != nil {
		b.Fatalf("building the %d-article store: %v", storetest.BenchStored(b), template.err)
	}
	return template.path
}

// buildTemplate writes the template under a temporary name and renames it
// when complete, so an interrupted build is never reused.
func buildTemplate(b *testing.B, path string) error {
	tmp := path + ".building"
	os.Remove(tmp)
	s, err := Open(context.Background(), tmp, nil)
	if err != nil {
		return err
	}
	g := storetest.NewGenerator(b, 1)
	for done := 0; done < storetest.BenchStored(b) && err == nil; done += 1000 {
		batch := make([]*store.Record, 1000)
		for i := range batch {
			batch[i] = g.Record()
		}
		_, err = s.SaveBatch(context.Background(), batch)
	}
	if err := errors.Join(err, s.Close()); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// writableCopy opens a private copy of the template store.
func writableCopy(b *testing.B) *Store {
	b.Helper()
	src, err := os.Open(templatePath(b))
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	path := filepath.Join(b.TempDir(), "bench.db")
	dst, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		b.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		b.Fatal(err)
	}
	return openTest(b, path)
}

// reportCPU reports the CPU used per operation since start.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64((storetest.CPUTime(b)-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// latencies records the wall time of each call, to report its median and
// 95th percentile: a page must be fast nearly every time, not on average.
type latencies []time.Duration

func (l *latencies) time(fn func()) {
	start := time.Now()
	fn()
	*l = append(*l, time.Since(start))
}

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	slices.Sort(l)
	at := func(q float64) float64 { return float64(l[int(q*float64(len(l)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.5), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
}

func BenchmarkSave(b *testing.B) {
	s := writableCopy(b)
	g := storetest.Continuing(b)
	ctx := context.Background()
	var (
		recs []*store.Record
		n    int
		cpu  time.Duration
	)
	for b.Loop() {
		if len(recs) == 0 {
			b.StopTimer()
			for range 1000 {
				recs = append(recs, g.Record())
			}
			b.StartTimer()
		}
		before := storetest.CPUTime(b)
		if _, err := s.Save(ctx, recs[0]); err != nil {
			b.Fatal(err)
		}
		cpu += storetest.CPUTime(b) - before
		recs = recs[1:]
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "articles/s")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/article")
}

func BenchmarkSaveBatch(b *testing.B) {
	storetest.BenchSaveBatch(b, func(b *testing.B) store.Store { return writableCopy(b) }, storetest.Continuing, "cpu-ns/article")
}

func BenchmarkStories(b *testing.B) {
	s := openTest(b, templatePath(b))
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		q    store.StoryQuery
	}{
		{"newest", store.StoryQuery{Limit: 50}},
		{"newest page 100", store.StoryQuery{Limit: 50, Offset: 5000}},
		{"biggest", store.StoryQuery{Sort: "biggest", Limit: 50}},
		{"updated", store.StoryQuery{Sort: "updated", Limit: 50}},
		{"outlet", store.StoryQuery{Outlet: "Outlet 7", Limit: 50}},
		{"entity", store.StoryQuery{Entity: "Entity 42", Limit: 50}},
		{"language", store.StoryQuery{Language: "en", Limit: 50}},
		{"entity biggest", store.StoryQuery{Entity: "Entity 42", Sort: "biggest", Limit: 50}},
		{"outlet and language", store.StoryQuery{Outlet: "Outlet 7", Language: "en", Limit: 50}},
		{"since", store.StoryQuery{Since: time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC), Limit: 50}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var lat latencies
			start := storetest.CPUTime(b)
			for b.Loop() {
				lat.time(func() {
					list, err := s.Stories(ctx, tc.q)
					if err != nil || len(list) == 0 {
						b.Fatalf("Stories = %d, %v", len(list), err)
					}
				})
			}
			reportCPU(b, start)
			lat.report(b)
		})
	}
}

// BenchmarkStory is what a story page reads from the store: the summary,
// its articles and the decisions that explain them.
func BenchmarkStory(b *testing.B) {
	s := openTest(b, templatePath(b))
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	stories := storetest.BenchStored(b) / 5
	var lat latencies
	start := storetest.CPUTime(b)
	for b.Loop() {
		id := int64(rng.IntN(stories) + 1)
		lat.time(func() {
			if _, err := s.Story(ctx, id); err != nil {
				b.Fatal(err)
			}
			if _, err := s.Articles(ctx, store.ArticleQuery{Story: id}); err != nil {
				b.Fatal(err)
			}
			if _, err := s.Decisions(ctx, id); err != nil {
				b.Fatal(err)
			}
		})
	}
	reportCPU(b, start)
	lat.report(b)
}

func BenchmarkSearch(b *testing.B) {
	s := openTest(b, templatePath(b))
	ctx := context.Background()
	// Every article says "Item N", so a number is a word of one article.
	rare := strconv.Itoa(storetest.BenchStored(b) / 3)
	for _, q := range []string{"Lavrov", "Zelenskyy Prague", "Koffler", rare, "Lavrov " + rare, "nowhere"} {
		b.Run(q, func(b *testing.B) {
			var lat latencies
			start := storetest.CPUTime(b)
			for b.Loop() {
				lat.time(func() {
					if _, err := s.Search(ctx, q, store.ArticleQuery{Limit: 20}); err != nil {
						b.Fatal(err)
					}
				})
			}
			reportCPU(b, start)
			lat.report(b)
		})
	}
}

func BenchmarkClusterRows(b *testing.B) {
	s := openTest(b, templatePath(b))
	ctx := context.Background()
	stored := storetest.BenchStored(b)
	before := storetest.CPUTime(b)
	for b.Loop() {
		n := 0
		if err := s.ClusterRows(ctx, func(store.ClusterRow) error { n++; return nil }); err != nil || n < stored {
			b.Fatalf("ClusterRows: %d rows, %v", n, err)
		}
	}
	b.ReportMetric(float64(stored*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64((storetest.CPUTime(b)-before).Nanoseconds())/float64(stored*b.N), "cpu-ns/row")
}
