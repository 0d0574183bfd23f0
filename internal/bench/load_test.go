package bench

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/loadtest"
	"github.com/parallax-news/parallax/internal/server"
	"github.com/parallax-news/parallax/internal/synth"
)

func TestLoadCountsCPU(t *testing.T) {
	p, st := open(t, filepath.Join(t.TempDir(), "bench.db"))
	var served atomic.Int64
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		fmt.Fprintf(w, "page %s", r.URL.Path)
	})
	rep, err := Load(t.Context(), p, st, handler, LoadOptions{Load: loadtest.Options{
		Clients: 4, Requests: 200, Duration: time.Minute,
		Targets: []loadtest.Target{{Kind: loadtest.KindStoryPage, Paths: []string{"/stories/1", "/stories/2"}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Load.Requests != 200 || served.Load() != 200 || rep.Load.Errors != 0 {
		t.Fatalf("%d requests, %d served, %d errors; want 200, 200, 0", rep.Load.Requests, served.Load(), rep.Load.Errors)
	}
	if rep.CPUSeconds <= 0 || rep.Ingest != nil {
		t.Errorf("CPU %.6f s, ingest %+v; want some CPU and no ingestion", rep.CPUSeconds, rep.Ingest)
	}
}

const (
	loadDBEnv       = "PARALLAX_LOAD_DB"
	loadDurationEnv = "PARALLAX_LOAD_DURATION"
	loadProfileEnv  = "PARALLAX_LOAD_CPUPROFILE"
)

// BenchmarkLoad is `parallax bench load` inside the test binary, so the
// server under load can be profiled: 50 clients on a copy of the store
// named by PARALLAX_LOAD_DB, with ingestion beside as fast as it goes, for
// PARALLAX_LOAD_DURATION (default 20s). One iteration is one whole run.
// PARALLAX_LOAD_CPUPROFILE names a file for a CPU profile of the load
// alone: go test's -cpuprofile would also take in the copy and the
// clusterer's rebuild of its index.
//
//	PARALLAX_LOAD_DB=/tmp/load100k.db PARALLAX_LOAD_CPUPROFILE=/tmp/load.cpu go test ./internal/bench -run X -bench Load -benchtime 1x
func BenchmarkLoad(b *testing.B) {
	from := os.Getenv(loadDBEnv)
	if from == "" {
		b.Skipf("set %s to a store (made by `parallax bench ingest --db PATH`) to run the load test", loadDBEnv)
	}
	duration := 20 * time.Second
	if v := os.Getenv(loadDurationEnv); v != "" {
		var err error
		if duration, err = time.ParseDuration(v); err != nil {
			b.Fatalf("%s=%q: %v", loadDurationEnv, v, err)
		}
	}
	for b.Loop() {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "load.db")
		copyFile(b, from, path)
		p, st := open(b, path)
		stopProfile := startProfile(b, os.Getenv(loadProfileEnv))
		b.StartTimer()
		rep, err := Load(b.Context(), p, st, server.New(server.Config{}, st, p, quiet), LoadOptions{
			Load:   loadtest.Options{Clients: loadtest.DefaultClients, Duration: duration},
			Ingest: IngestOptions{Articles: 10_000_000, Batch: 50, Seed: 1_000_004, Synth: synth.Options{Corpus: corpus(b)}},
		})
		stopProfile()
		if err != nil {
			b.Fatal(err)
		}
		for _, k := range rep.Load.Kinds {
			b.ReportMetric(float64(k.P95)/float64(time.Millisecond), "p95-ms-"+k.Kind)
			b.ReportMetric(float64(k.MissP95)/float64(time.Millisecond), "miss-p95-ms-"+k.Kind)
			b.ReportMetric(100*float64(k.CacheHits)/float64(max(k.Requests, 1)), "hit-%-"+k.Kind)
		}
		b.ReportMetric(float64(rep.Load.Errors), "errors")
		b.ReportMetric(rep.Load.PerSecond, "req/s")
		b.ReportMetric(1000*rep.CPUSeconds/float64(max(rep.Load.Requests, 1)), "cpu-ms/req")
		b.ReportMetric(float64(rep.Ingest.New)/rep.Load.Elapsed.Seconds(), "ingested/s")
		st.Close()
	}
}

// startProfile starts a CPU profile into path (none when path is empty)
// and returns what stops it.
func startProfile(b *testing.B, path string) (stop func()) {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
