package sqlite

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/store"
)

// TestKnownMany checks the one look-up of a batch against the article by
// article Known, key by key.
func TestKnownMany(t *testing.T) {
	ctx := context.Background()
	s := newTest(t)
	ids := mustSave(t, s, article("a", "Wire", 0, nil), article("b", "Paper", 0, nil))
	noURL := article("c", "Paper", 0, nil)
	noURL.Article.URL = ""
	ids = append(ids, mustSave(t, s, noURL)...)
	tests := []struct {
		name, url, hash string
		want            int64
	}{
		{"by url", "https://example.com/a", "hash-new", ids[0]},
		{"by hash", "https://example.com/new", "hash-b", ids[1]},
		{"by hash, no url", "", "hash-c", ids[2]},
		{"url wins over another's hash", "https://example.com/a", "hash-b", ids[0]},
		{"unknown", "https://example.com/new", "hash-new", 0},
		{"empty keys", "", "", 0},
	}
	var urls, hashes []string
	for _, tt := range tests {
		urls, hashes = append(urls, tt.url), append(hashes, tt.hash)
	}
	got, err := s.KnownMany(ctx, urls, hashes)
	if err != nil {
		t.Fatal(err)
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got[i] != tt.want {
				t.Errorf("KnownMany gives %d, want %d", got[i], tt.want)
			}
			one, err := s.Known(ctx, tt.url, tt.hash)
			if errors.Is(err, store.ErrNotFound) {
				one, err = 0, nil
			}
			if err != nil || one != got[i] {
				t.Errorf("Known gives %d (%v), KnownMany %d", one, err, got[i])
			}
		})
	}
	if _, err := s.KnownMany(ctx, urls, hashes[1:]); err == nil {
		t.Error("keys of different lengths: no error")
	}
	if got, err := s.KnownMany(ctx, nil, nil); err != nil || len(got) != 0 {
		t.Errorf("no keys: %v, %v", got, err)
	}
}

// TestKnownManyUsesIndexes: the look-up must seek, not scan the articles,
// or a batch's check grows with the store.
func TestKnownManyUsesIndexes(t *testing.T) {
	plan := queryPlan(t, newTest(t), sqlKnownMany, `["x"]`, `["y"]`)
	if strings.Count(plan, "SEARCH a USING COVERING INDEX") != 2 || strings.Contains(plan, "SCAN a") {
		t.Errorf("plan %q: want both arms to search an index of articles", plan)
	}
}

// TestDecisionsUseIndexes: a story's decisions are found through indexes,
// or every story read grows with the decisions stored.
func TestDecisionsUseIndexes(t *testing.T) {
	plan := queryPlan(t, newTest(t), sqlDecisions, 1)
	if strings.Contains(plan, "SCAN decisions") || !strings.Contains(plan, "INDEX decisions_compared") {
		t.Errorf("plan %q: want every arm to search an index of decisions, one of them decisions_compared", plan)
	}
}

// TestMergeUsesIndexes: a merge, which the regrouping makes whenever it
// empties a story, finds the articles and the stories it changes through
// indexes, or it grows with the stories stored.
func TestMergeUsesIndexes(t *testing.T) {
	s := newTest(t)
	tests := []struct {
		name, query, index string
	}{
		{"articles moved", sqlMoveArticles, "articles_story"},
		{"stories redirected", sqlRedirectMerged, "stories_merged_into"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plan := queryPlan(t, s, tc.query, 2, 1)
			if strings.Contains(plan, "SCAN") || !strings.Contains(plan, "INDEX "+tc.index) {
				t.Errorf("plan %q: want a search of %s", plan, tc.index)
			}
		})
	}
}

// TestStoriesOf reads the stories of articles in one look-up, in the order
// asked, an article not stored giving 0.
func TestStoriesOf(t *testing.T) {
	ctx := context.Background()
	s := newTest(t)
	ids := mustSave(t, s, article("a", "Wire", 7, nil), article("b", "Paper", 9, nil))
	got, err := s.StoriesOf(ctx, []int64{ids[1], 999, ids[0], ids[1]})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{9, 0, 7, 9}; !slices.Equal(got, want) {
		t.Errorf("StoriesOf = %v, want %v", got, want)
	}
	if got, err := s.StoriesOf(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("no articles: %v, %v", got, err)
	}
}
