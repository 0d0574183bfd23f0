package eval

import (
	"context"
	"math"
	"testing"

	"github.com/parallax-news/parallax/internal/extract"
	"github.com/parallax-news/parallax/internal/testutil"
)

func TestShingleScores(t *testing.T) {
	tests := []struct {
		name         string
		want, got    string
		wantP, wantR float64
	}{
		{name: "identical", want: "one two three four five", got: "one two three four five", wantP: 1, wantR: 1},
		{name: "punctuation and spacing do not count", want: "one, two; three four five.", got: "one two\n\nthree   four five", wantP: 1, wantR: 1},
		{name: "both empty agree", want: "", got: "", wantP: 1, wantR: 1},
		{name: "empty extraction", want: "one two three four five", got: "", wantP: 0, wantR: 0},
		{name: "extra text costs precision", want: "a b c d e", got: "a b c d e f g", wantP: 2.0 / 4, wantR: 1},
		{name: "missing text costs recall", want: "a b c d e f g", got: "a b c d e", wantP: 1, wantR: 2.0 / 4},
		{name: "repeated shingle matches once", want: "a b c d", got: "a b c d a b c d", wantP: 1.0 / 5, wantR: 1},
		{name: "short texts are one shingle", want: "a b", got: "a b", wantP: 1, wantR: 1},
		{name: "unicode words are whole tokens", want: "Zelenskyy’s café résumé naïve über", got: "Zelenskyy s café résumé naïve über", wantP: 1, wantR: 1},
		{name: "accented word differs", want: "café a b c", got: "cafe a b c", wantP: 0, wantR: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, r := ShingleScores(tc.want, tc.got)
			if math.Abs(p-tc.wantP) > 1e-9 || math.Abs(r-tc.wantR) > 1e-9 {
				t.Errorf("ShingleScores = %.4f, %.4f; want %.4f, %.4f", p, r, tc.wantP, tc.wantR)
			}
		})
	}
}

// TestExtractBenchmark holds Parallax's extraction to at least the F1 of
// bare go-trafilatura on the shared benchmark pages.
func TestExtractBenchmark(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two extractors over the whole benchmark")
	}
	dir := testutil.SharedDir(t, "data", "extraction")
	ctx := context.Background()
	outlets, err := extract.LoadOutlets("")
	if err != nil {
		t.Fatal(err)
	}
	ours, err := Extract(ctx, dir, ParallaxExtractor(extract.Options{Outlets: outlets}))
	if err != nil {
		t.Fatal(err)
	}
	bare, err := Extract(ctx, dir, TrafilaturaExtractor)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("parallax:    P %.4f R %.4f F1 %.4f (failed %d)", ours.Precision, ours.Recall, ours.F1, ours.Failed)
	t.Logf("trafilatura: P %.4f R %.4f F1 %.4f (failed %d)", bare.Precision, bare.Recall, bare.F1, bare.Failed)
	if ours.Pages == 0 {
		t.Fatal("no pages in the benchmark")
	}
	if ours.F1 < bare.F1 {
		t.Errorf("Parallax F1 %.4f below bare go-trafilatura's %.4f", ours.F1, bare.F1)
	}
}
