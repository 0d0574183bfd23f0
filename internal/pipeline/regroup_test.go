package pipeline

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/parallax-news/parallax/demo"
	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

// TestRegroupStoredAsDecided ingests the demo's look-alike events, where
// regrouping moves articles, and wants the store to hold every article in
// the story the clusterer holds it in, and every move explained.
func TestRegroupStoredAsDecided(t *testing.T) {
	ctx := context.Background()
	root, err := demo.WriteCorpus(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p, st := newPipeline(t)
	reported := map[int64]int64{}
	p.Ingest(ctx, []string{filepath.Join(root, "ecbplus.jsonl")}, func(r Result) {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Input, r.Err)
		}
		reported[r.Article] = r.Story
	})
	arts, err := st.Articles(ctx, store.ArticleQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) < 50 {
		t.Fatalf("%d articles from the demo corpus: too few to regroup", len(arts))
	}
	moved := map[int64]bool{}
	for _, a := range arts {
		if want := p.cl.StoryOf(a.ID); *a.Story != want {
			t.Errorf("article %d stored in story %d, the clusterer holds it in %d", a.ID, *a.Story, want)
		}
		ds, err := st.Decisions(ctx, *a.Story)
		if err != nil {
			t.Fatal(err)
		}
		// An article is reported in the story it was stored in; a later
		// arrival may regroup it, and its decisions then say from where.
		been := map[int64]bool{*a.Story: true}
		for _, d := range ds {
			if d.Kind != model.DecisionRegroup || d.Article != a.ID {
				continue
			}
			moved[a.ID] = true
			been[d.Compared] = true
			if d.Reason == "" || d.Compared == 0 || d.Compared == d.Story {
				t.Errorf("regrouping decision does not explain itself: %+v", d)
			}
		}
		if r := reported[a.ID]; !been[r] {
			// Or the story it was reported in was merged into another.
			if _, err := st.Story(ctx, r); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("ingest reported article %d in story %d, where its decisions never put it (%v)", a.ID, r, err)
			}
		}
	}
	if len(moved) == 0 {
		t.Error("no article of the demo's look-alike events was regrouped")
	}
	t.Logf("%d of %d articles regrouped", len(moved), len(arts))
}
