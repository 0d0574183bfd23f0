package pipeline

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/parallax-news/parallax/demo"
	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/store/sqlite"
)

// TestRestartDecidesAlike: stopping half way and starting again, with the
// index rebuilt from the store, must give the stories one run gives.
// Researchers re-run an ingest and expect the same stories.
func TestRestartDecidesAlike(t *testing.T) {
	ctx := context.Background()
	root, err := demo.WriteCorpus(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "ecbplus.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	// The corpus is in topic order: alternate lines make two halves that
	// both hold every topic, so the second half's decisions lean on the
	// stories of the first.
	var halves [2][]byte
	for i, line := range bytes.SplitAfter(bytes.TrimSpace(data), []byte("\n")) {
		halves[i%2] = append(halves[i%2], line...)
		if !bytes.HasSuffix(line, []byte("\n")) {
			halves[i%2] = append(halves[i%2], '\n')
		}
	}
	half := filepath.Join(t.TempDir(), "first.jsonl")
	rest := filepath.Join(t.TempDir(), "rest.jsonl")
	if err := os.WriteFile(half, halves[0], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rest, halves[1], 0o644); err != nil {
		t.Fatal(err)
	}

	// ingest runs each group of inputs in a pipeline of its own, on a
	// store opened afresh, and returns the stories as sets of external ids.
	ingest := func(groups ...[]string) [][]string {
		path := filepath.Join(t.TempDir(), "s.db")
		for _, inputs := range groups {
			st, err := sqlite.Open(ctx, path, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			p := newPipelineOn(t, st)
			p.Ingest(ctx, inputs, func(r Result) {
				if r.Err != nil {
					t.Errorf("%s: %v", r.Input, r.Err)
				}
			})
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
		}
		st, err := sqlite.Open(ctx, path, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		arts, err := st.Articles(ctx, store.ArticleQuery{})
		if err != nil {
			t.Fatal(err)
		}
		byStory := map[int64][]string{}
		for _, a := range arts {
			byStory[*a.Story] = append(byStory[*a.Story], a.ExternalID)
		}
		var stories [][]string
		for _, ids := range byStory {
			slices.Sort(ids)
			stories = append(stories, ids)
		}
		slices.SortFunc(stories, func(a, b []string) int { return slices.Compare(a, b) })
		return stories
	}
	once := ingest([]string{half, rest})
	restarted := ingest([]string{half}, []string{rest})
	if len(once) < 10 {
		t.Fatalf("%d stories from the demo corpus: the test has nothing to compare", len(once))
	}
	if !slices.EqualFunc(once, restarted, slices.Equal) {
		t.Errorf("one run made %d stories, a run restarted half way %d, and they differ", len(once), len(restarted))
	}
}
