package pipeline

import (
	"context"
	"slices"
	"testing"

	"github.com/parallax-news/parallax/internal/source"
)

// TestIDPool takes ids across a reservation made ahead and one made when
// the pool ran dry: every id is fresh, in order, and none is skipped.
func TestIDPool(t *testing.T) {
	p, st := newPipeline(t)
	ctx := context.Background()
	if err := p.reserveAhead(ctx, 3, 2); err != nil {
		t.Fatal(err)
	}
	if got := p.articleIDs.available(); got != 3 {
		t.Errorf("article ids available after reserving 3 ahead = %d", got)
	}
	if got := p.storyIDs.available(); got != 2 {
		t.Errorf("story ids available after reserving 2 ahead = %d", got)
	}
	// Topping up to what the pool already holds reserves nothing.
	if err := p.reserveAhead(ctx, 2, 1); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for left := 5; left > 0; left-- {
		id, err := p.articleIDs.take(ctx, st, left)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if want := []int64{1, 2, 3, 4, 5}; !slices.Equal(ids, want) {
		t.Errorf("article ids = %v, want %v", ids, want)
	}
	if got := p.articleIDs.available(); got != 0 {
		t.Errorf("article ids left after taking the batch = %d, want 0", got)
	}
	if got := p.idsAhead(); got != 0 {
		t.Errorf("articles the pools serve after the batch = %d, want 0", got)
	}
}

// TestStreamIDsWithoutGaps ingests a stream longer than a batch: the
// article ids reserved ahead while it runs are all used, so articles are
// numbered from 1 without a gap, and one more article afterwards gets the
// next id.
func TestStreamIDsWithoutGaps(t *testing.T) {
	p, st := newPipeline(t)
	ctx := context.Background()
	const n = 3 * maxBatch / 2
	var items []source.Item
	for i := range n {
		items = append(items, item(i, []string{"budget", "bridge", "school"}[i%3]))
	}
	var ids []int64
	p.IngestItems(ctx, items, func(r Result) {
		if r.Status != StatusNew {
			t.Errorf("%s: %s %v", r.Input, r.Status, r.Err)
		}
		ids = append(ids, r.Article)
	})
	slices.Sort(ids)
	for i, id := range ids {
		if id != int64(i+1) {
			t.Fatalf("article ids have a gap: %d at position %d", id, i)
		}
	}
	res, err := p.IngestItem(ctx, item(n, "harbour"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Article != int64(len(ids)+1) {
		t.Errorf("next article id = %d, want %d", res.Article, len(ids)+1)
	}
	stories, err := st.CountStories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stories == 0 {
		t.Errorf("no stories stored")
	}
}
