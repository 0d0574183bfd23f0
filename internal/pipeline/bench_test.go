package pipeline

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/parallax-news/parallax/internal/eval"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/store/sqlite"
	"github.com/parallax-news/parallax/internal/testutil"
)

// readItems reads every item of the inputs, failing on any error.
func readItems(b *testing.B, inputs ...string) []source.Item {
	b.Helper()
	var items []source.Item
	for _, in := range inputs {
		for it, err := range source.Read(context.Background(), in, source.Options{}) {
			if err != nil {
				continue // ground-truth.json beside the pages is no article
			}
			items = append(items, it)
		}
	}
	if len(items) == 0 {
		b.Fatal("no items read")
	}
	return items
}

// ingestAll runs items through the whole pipeline into a fresh store: one op.
func ingestAll(b *testing.B, items []source.Item) {
	b.StopTimer()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), log)
	if err != nil {
		b.Fatal(err)
	}
	// Closing checkpoints the WAL: the store's lifetime, not the ingest's.
	defer func() {
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}()
	p, err := New(st, Options{}, log)
	if err != nil {
		b.Fatal(err)
	}
	b.StartTimer()
	failed := 0
	p.IngestItems(ctx, items, func(r Result) {
		if r.Status == StatusFailed {
			failed++
		}
	})
	if failed == len(items) {
		b.Fatal("every item failed")
	}
}

// BenchmarkIngestJSONL: the labeled news texts (BASIL and AllSides) through
// read, extract, clean, analyse, copies, clustering and the store.
func BenchmarkIngestJSONL(b *testing.B) {
	items := readItems(b, testutil.SharedDir(b, "data", "basil-dev.jsonl"), testutil.SharedDir(b, "data", "allsides-dev.jsonl"))
	for b.Loop() {
		ingestAll(b, items)
	}
	b.ReportMetric(float64(len(items)*b.N)/b.Elapsed().Seconds(), "articles/s")
}

// BenchmarkIngestHTML: the extraction benchmark's real pages through the
// whole pipeline; compare pages/s with BenchmarkTrafilaturaBare of the same run.
func BenchmarkIngestHTML(b *testing.B) {
	items := readItems(b, testutil.SharedDir(b, "data", "extraction", "html"))
	for b.Loop() {
		ingestAll(b, items)
	}
	b.ReportMetric(float64(len(items)*b.N)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkTrafilaturaBare: the same pages through bare go-trafilatura, the
// reference the HTML ingest speed is held to (at least 80% of it).
func BenchmarkTrafilaturaBare(b *testing.B) {
	items := readItems(b, testutil.SharedDir(b, "data", "extraction", "html"))
	ctx := context.Background()
	for b.Loop() {
		for _, it := range items {
			if _, err := eval.TrafilaturaExtractor(ctx, it.Input, it.Body, ""); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(items)*b.N)/b.Elapsed().Seconds(), "pages/s")
}
