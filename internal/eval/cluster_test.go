package eval

import (
	"context"
	"testing"

	"github.com/parallax-news/parallax/internal/cluster"
	"github.com/parallax-news/parallax/internal/testutil"
)

// TestClusterShared clusters the three labeled dev files with the one
// default configuration and checks the B-cubed F1 targets.
func TestClusterShared(t *testing.T) {
	tests := []struct {
		name   string
		minB3F float64
	}{
		{"ecbplus-dev.jsonl", 0.95},
		{"basil-dev.jsonl", 0.95},
		{"allsides-dev.jsonl", 0.85},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			run, err := ClusterFile(context.Background(), testutil.SharedDir(t, "data", tc.name), cluster.DefaultConfig(), nil)
			if err != nil {
				t.Fatal(err)
			}
			s := run.Scores
			t.Logf("%s: B3 P %.4f R %.4f F1 %.4f | pair F1 %.4f | ARI %.4f | stories %d (gold %d) | merges %d",
				tc.name, s.B3P, s.B3R, s.B3F1, s.PairF1, s.ARI, s.Stories, s.GoldStories, len(run.Merges))
			if s.B3F1 < tc.minB3F {
				t.Errorf("B-cubed F1 %.4f, want >= %.2f", s.B3F1, tc.minB3F)
			}
		})
	}
}
