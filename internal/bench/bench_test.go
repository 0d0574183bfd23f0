package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/loadtest"
	"github.com/parallax-news/parallax/internal/pipeline"
	"github.com/parallax-news/parallax/internal/server"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/store/sqlite"
	"github.com/parallax-news/parallax/internal/synth"
)

var quiet = slog.New(slog.DiscardHandler)

var corpusOnce = sync.OnceValues(func() (*synth.Corpus, error) { return synth.DemoCorpus() })

func corpus(tb testing.TB) *synth.Corpus {
	tb.Helper()
	c, err := corpusOnce()
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// open opens a pipeline on the store at path.
func open(tb testing.TB, path string) (*pipeline.Pipeline, store.Store) {
	tb.Helper()
	st, err := sqlite.Open(context.Background(), path, quiet)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	p, err := pipeline.New(st, pipeline.Options{}, quiet)
	if err != nil {
		tb.Fatal(err)
	}
	return p, st
}

func TestIngest(t *testing.T) {
	p, st := open(t, filepath.Join(t.TempDir(), "bench.db"))
	var seen []Checkpoint
	rep, err := Ingest(t.Context(), p, st, IngestOptions{
		Articles: 500, Batch: 64, Every: 100, Seed: 1, Score: true,
		Synth:    synth.Options{Corpus: corpus(t)},
		Progress: func(cp Checkpoint) { seen = append(seen, cp) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Articles != 500 || rep.New != 500 || rep.Known != 0 || rep.Failed != 0 || rep.Stored != 500 {
		t.Fatalf("articles %d, new %d, known %d, failed %d (%s), stored %d; want 500 new and stored",
			rep.Articles, rep.New, rep.Known, rep.Failed, rep.FirstError, rep.Stored)
	}
	// Mean story size is about 3.6; far fewer stories means the generator's
	// stories run together, far more that its articles fall apart.
	if rep.Stories < 60 || rep.Stories > 400 {
		t.Errorf("stories = %d, want 60-400 for 500 articles", rep.Stories)
	}
	if len(rep.Checkpoints) != 5 || len(seen) != 5 {
		t.Fatalf("checkpoints = %d, progress calls = %d; want 5", len(rep.Checkpoints), len(seen))
	}
	for i, cp := range rep.Checkpoints {
		if cp.Articles != 100*(i+1) {
			t.Errorf("checkpoint %d at %d articles, want %d", i, cp.Articles, 100*(i+1))
		}
		if cp.Rate <= 0 || cp.MedianCost < 0 || cp.P90Cost <= 0 || cp.P90Cost < cp.MedianCost || cp.CPUCost <= 0 || cp.AssignCost < 0 || cp.RegroupCost < 0 || cp.StoreCost < 0 || cp.Postings < 0 || cp.HeapBytes == 0 || cp.RSSBytes == 0 || cp.Stories == 0 {
			t.Errorf("checkpoint %d not filled: %+v", i, cp)
		}
		if i > 0 && cp.Stories < rep.Checkpoints[i-1].Stories {
			t.Errorf("stories fell from %d to %d", rep.Checkpoints[i-1].Stories, cp.Stories)
		}
	}
	// A window's stage costs are those of the articles decided and stored
	// in it, which a small window may have none of; the run as a whole has.
	var assign, store, postings float64
	for _, cp := range rep.Checkpoints {
		assign, store, postings = assign+cp.AssignCost, store+cp.StoreCost, postings+cp.Postings
	}
	if assign <= 0 || store <= 0 || postings <= 0 {
		t.Errorf("no assignment cost, store cost or postings read in any window: %+v", rep.Checkpoints)
	}
	if rep.Rate <= 0 || rep.Seconds <= 0 || rep.CPURate <= 0 || rep.PeakHeapBytes == 0 || rep.PeakRSSBytes < rep.Checkpoints[0].RSSBytes {
		t.Errorf("report not filled: %+v", rep)
	}
	if rep.Score == nil || rep.Score.Articles != 500 || rep.Score.B3F1 <= 0 || rep.Score.B3F1 > 1 {
		t.Fatalf("score = %+v, want 500 articles scored", rep.Score)
	}
	t.Logf("%.0f articles/s, %d stories, B-cubed F1 %.3f (P %.3f, R %.3f)",
		rep.Rate, rep.Stories, rep.Score.B3F1, rep.Score.B3P, rep.Score.B3R)

	// The same seed again: every article is known, nothing new is stored.
	again, err := Ingest(t.Context(), p, st, IngestOptions{Articles: 100, Seed: 1, Synth: synth.Options{Corpus: corpus(t)}})
	if err != nil {
		t.Fatal(err)
	}
	if again.Known != 100 || again.Stored != 500 {
		t.Errorf("same seed again: %d known, %d stored; want 100 known, 500 stored", again.Known, again.Stored)
	}
}

func TestIngestErrors(t *testing.T) {
	p, st := open(t, filepath.Join(t.TempDir(), "bench.db"))
	tests := []struct {
		name string
		opt  IngestOptions
	}{
		{"no articles", IngestOptions{Synth: synth.Options{Corpus: corpus(t)}}},
		{"no corpus", IngestOptions{Articles: 10}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Ingest(t.Context(), p, st, tc.opt); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestIngestCancelled(t *testing.T) {
	p, st := open(t, filepath.Join(t.TempDir(), "bench.db"))
	ctx, cancel := context.WithCancel(t.Context())
	rep, err := Ingest(ctx, p, st, IngestOptions{
		Articles: 100_000, Batch: 50, Every: 50, Synth: synth.Options{Corpus: corpus(t)},
		Progress: func(Checkpoint) { cancel() },
	})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Interrupted || rep.Articles < 50 || rep.Articles >= 100_000 || rep.Failed != 0 || int64(rep.New) != rep.Stored {
		t.Errorf("after cancel: %+v; want interrupted with no failures and every new article stored", rep)
	}
}

func TestLoad(t *testing.T) {
	p, st := open(t, filepath.Join(t.TempDir(), "bench.db"))
	if _, err := Ingest(t.Context(), p, st, IngestOptions{Articles: 300, Seed: 1, Synth: synth.Options{Corpus: corpus(t)}}); err != nil {
		t.Fatal(err)
	}
	rep, err := Load(t.Context(), p, st, server.New(server.Config{}, st, p, quiet), LoadOptions{
		// The request count ends the run; the duration only bounds it, and
		// the timeout is generous: this test is about answers, not speed,
		// and a race-detector build on a busy machine is slow.
		Load:   loadtest.Options{Clients: 4, Requests: 150, Duration: 5 * time.Minute, Timeout: time.Minute},
		Ingest: IngestOptions{Articles: 1000, Batch: 10, Seed: 2, Rate: 200, Synth: synth.Options{Corpus: corpus(t)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Stored != 300 || rep.Load.Requests != 150 || len(rep.Load.Kinds) != 3 {
		t.Fatalf("stored %d, requests %d, kinds %d; want 300, 150, 3", rep.Stored, rep.Load.Requests, len(rep.Load.Kinds))
	}
	if rep.Load.Errors != 0 {
		t.Errorf("%d errors: %q", rep.Load.Errors, rep.Load.SampleErrors)
	}
	if rep.Ingest == nil || rep.Ingest.Failed != 0 || rep.Ingest.Stored != 300+int64(rep.Ingest.New) {
		t.Errorf("ingest beside the load: %+v", rep.Ingest)
	}
	t.Logf("%+v; %d ingested beside", rep.Load.Kinds, rep.Ingest.New)
}

func TestStatusField(t *testing.T) {
	status := "Name:\tparallax\nVmPeak:\t 2000 kB\nVmHWM:\t    1234 kB\nVmRSS:\t  1000 kB\nThreads:\t9\n"
	tests := []struct {
		name  string
		field string
		want  uint64
	}{
		{"peak", "VmHWM", 1234 * 1024},
		{"resident", "VmRSS", 1000 * 1024},
		{"no unit", "Threads", 9},
		{"missing", "VmSwap", 0},
		{"prefix is not a field", "Vm", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := statusField([]byte(status), tc.field); got != tc.want {
				t.Errorf("statusField(%s) = %d, want %d", tc.field, got, tc.want)
			}
		})
	}
}

func TestQuantile(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		q    float64
		want float64
	}{
		{"empty", nil, 0.5, 0},
		{"one", []float64{7}, 0.9, 7},
		{"median of unsorted", []float64{5, 1, 3, 2, 4}, 0.5, 3},
		{"p90 of ten", []float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 0.9, 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := quantile(tc.xs, tc.q); got != tc.want {
				t.Errorf("quantile = %g, want %g", got, tc.want)
			}
		})
	}
}

// storedEnv lists the store sizes BenchmarkPipeline runs at, e.g.
// "0,10000,100000"; templates of each size are kept in PARALLAX_BENCH_DIR
// when it is set, so later runs skip the filling.
const storedEnv = "PARALLAX_BENCH_STORED"

// BenchmarkPipeline is the rate of generated text articles through the
// whole pipeline into a store already holding a number of articles. One
// iteration is one batch of 1000 articles; the figure is articles/s.
//
//	PARALLAX_BENCH_STORED=100000 PARALLAX_BENCH_DIR=/tmp/pb go test ./internal/bench -run X -bench Pipeline -benchtime 5x
func BenchmarkPipeline(b *testing.B) {
	sizes := []int{0, 10_000}
	if s := os.Getenv(storedEnv); s != "" {
		sizes = nil
		for f := range strings.SplitSeq(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				b.Fatalf("%s=%q: %v", storedEnv, s, err)
			}
			sizes = append(sizes, n)
		}
	}
	for _, stored := range sizes {
		b.Run(fmt.Sprintf("stored=%d", stored), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "bench.db")
			if stored > 0 {
				copyFile(b, template(b, stored), path)
			}
			p, _ := open(b, path)
			gen, err := synth.New(2, synth.Options{Corpus: corpus(b)})
			if err != nil {
				b.Fatal(err)
			}
			const batch = 1000
			n := 0
			for b.Loop() {
				b.StopTimer()
				items := make([]source.Item, batch)
				for i := range items {
					items[i] = gen.Next().Item
				}
				b.StartTimer()
				p.IngestItems(b.Context(), items, func(r pipeline.Result) {
					if r.Status != pipeline.StatusNew {
						b.Fatalf("%s: %s: %v", r.Input, r.Status, r.Err)
					}
				})
				n += batch
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "articles/s")
		})
	}
}

// template returns a store of n generated articles (seed 1), built once.
func template(b *testing.B, n int) string {
	b.Helper()
	dir := os.Getenv("PARALLAX_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	path := filepath.Join(dir, fmt.Sprintf("synth-%d-v%d.db", n, sqlite.SchemaVersion()))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := path + ".building"
	os.Remove(tmp)
	p, st := open(b, tmp)
	rep, err := Ingest(context.Background(), p, st, IngestOptions{Articles: n, Seed: 1, Synth: synth.Options{Corpus: corpus(b)}})
	if err != nil || rep.Failed > 0 {
		b.Fatalf("filling a store of %d: %v %s", n, err, rep.FirstError)
	}
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

func copyFile(b *testing.B, from, to string) {
	b.Helper()
	src, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		b.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		b.Fatal(err)
	}
}
