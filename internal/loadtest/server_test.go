package loadtest_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/loadtest"
	"github.com/parallax-news/parallax/internal/pipeline"
	"github.com/parallax-news/parallax/internal/server"
	"github.com/parallax-news/parallax/internal/store/sqlite"
)

// TestLoopbackServer is issue 5's load test: Parallax's own server on
// loopback over a stored database, 50 readers of story pages, story JSON and
// search, optionally while ingestion runs. It reports figures and fails
// only on request errors; the latency target is read from the report.
//
//	PARALLAX_LOADTEST_DB=big.db \
//	PARALLAX_LOADTEST_INGEST=more.jsonl \
//	PARALLAX_LOADTEST_DURATION=30s \
//	go test ./internal/loadtest -run LoopbackServer -v
//
// PARALLAX_LOADTEST_INGEST adds articles to that database while the load runs.
func TestLoopbackServer(t *testing.T) {
	db := os.Getenv("PARALLAX_LOADTEST_DB")
	if db == "" {
		t.Skip("set PARALLAX_LOADTEST_DB to a Parallax database (and optionally PARALLAX_LOADTEST_INGEST, PARALLAX_LOADTEST_DURATION) to run the loopback load test")
	}
	duration := 20 * time.Second
	if s := os.Getenv("PARALLAX_LOADTEST_DURATION"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("PARALLAX_LOADTEST_DURATION: %v", err)
		}
		duration = d
	}
	ctx := t.Context()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := sqlite.Open(ctx, db, log)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, err := st.CountArticles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	pl, err := pipeline.New(ctx, st, pipeline.Options{}, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d articles stored; pipeline opened in %s", n, time.Since(start).Round(time.Millisecond))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{
		Handler:           server.New(server.Config{}, st, pl, log),
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      30 * time.Second,
	}
	go srv.Serve(ln)
	defer srv.Shutdown(context.WithoutCancel(ctx))

	targets, err := loadtest.Targets(ctx, st, 200, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ingested, failed atomic.Int64
	opt := loadtest.Options{
		BaseURL:  "http://" + ln.Addr().String(),
		Clients:  50,
		Duration: duration,
		Targets:  targets,
	}
	if in := os.Getenv("PARALLAX_LOADTEST_INGEST"); in != "" {
		opt.Background = func(ctx context.Context) error {
			pl.Ingest(ctx, strings.Split(in, ","), func(r pipeline.Result) {
				switch {
				case ctx.Err() != nil: // cut off by the end of the load
				case r.Status == pipeline.StatusFailed:
					failed.Add(1)
				default:
					ingested.Add(1)
				}
			})
			return nil
		}
	}
	rep, err := loadtest.Run(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := rep.Write(&out); err != nil {
		t.Fatal(err)
	}
	t.Logf("load test, %d clients, %s:\n%s", opt.Clients, duration, out.String())
	if opt.Background != nil {
		t.Logf("ingested during the load: %d inputs (%.0f/s), %d failed",
			ingested.Load(), float64(ingested.Load())/rep.Elapsed.Seconds(), failed.Load())
	}
	if rep.Errors > 0 {
		t.Errorf("%d requests failed, e.g. %q", rep.Errors, rep.SampleErrors)
	}
}
