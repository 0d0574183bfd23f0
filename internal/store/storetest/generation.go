package storetest

import (
	"errors"
	"maps"
	"testing"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

// testGeneration checks that every change to articles or stories, and
// nothing else, counts one write, and that another store does not pass
// for this one: a story index saved from one generation must not be taken
// for current in another.
func testGeneration(t *testing.T, o Opener) {
	ctx := t.Context()
	s := o.New(t)
	ids := MustSave(t, s, Record("a", "AP", 1, Day(1)), Record("b", "CNN", 2, Day(3)))
	at, err := s.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if at.Writes != 1 {
		t.Errorf("after one batch: writes = %d, want 1", at.Writes)
	}
	steps := []struct {
		name   string
		do     func() error
		counts bool
	}{
		{"save", func() error { _, err := s.Save(ctx, Record("c", "BBC", 1, Day(2))); return err }, true},
		{"batch", func() error { _, err := s.SaveBatch(ctx, []*store.Record{Record("d", "AP", 3, Day(4))}); return err }, true},
		{"refused batch", func() error {
			_, err := s.SaveBatch(ctx, []*store.Record{Record("a", "AP", 1, Day(1))})
			return nilIfErr(err)
		}, false},
		{"merge", func() error { _, err := s.MergeStories(ctx, 2, 1, "same event"); return err }, true},
		{"move", func() error { _, err := s.MoveArticle(ctx, ids[0], 0, "another event"); return err }, true},
		{"unknown move", func() error { _, err := s.MoveArticle(ctx, 999, 1, "no such article"); return nilIfErr(err) }, false},
		{"split", func() error { _, err := s.SplitStory(ctx, 1, []int64{ids[1]}, "two events"); return err }, true},
		{"reserve ids", func() error { _, _, err := s.ReserveIDs(ctx, 10, 10); return err }, false},
		{"comparison", func() error { return s.PutComparison(ctx, 1, 1, []byte("{}")) }, false},
		{"feed", func() error { _, err := s.AddFeed(ctx, model.Feed{URL: "https://a.example/rss"}); return err }, false},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		now, err := s.Generation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := at
		if st.counts {
			want.Writes++
		}
		if now != want {
			t.Errorf("%s: generation %+v -> %+v, want %+v", st.name, at, now, want)
		}
		at = now
	}

	// Another store, made after as many writes.
	fresh, err := o.New(t).Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.Writes != 0 || fresh.Store == at.Store {
		t.Errorf("a new store: generation %+v, the old one's %+v; want no writes and another store", fresh, at)
	}
}

// nilIfErr turns the error a step is expected to fail with into success,
// and its success into an error.
func nilIfErr(err error) error {
	if err == nil {
		return errors.New("succeeded, want an error")
	}
	return nil
}

// testSaveBatchAt: a batch made for one count of writes is stored only
// while the store is at that count. Another handle on the same store (as
// another process would be) that wrote since makes it ErrChanged, with
// nothing of the batch written; at the new count it is stored.
func testSaveBatchAt(t *testing.T, o Opener) {
	ctx := t.Context()
	s := o.New(t)
	other := o.Reopen(t, s)
	MustSave(t, s, Record("a", "AP", 1, Day(1)))
	at, err := s.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}

	MustSave(t, other, Record("b", "CNN", 1, Day(2)))
	_, writes, err := s.SaveBatchAt(ctx, at.Writes, []*store.Record{Record("c", "BBC", 1, Day(3))})
	if !errors.Is(err, store.ErrChanged) || writes != 0 {
		t.Fatalf("after another writer: SaveBatchAt = %d, %v; want ErrChanged", writes, err)
	}
	if n, err := s.CountArticles(ctx); err != nil || n != 2 {
		t.Errorf("articles stored = %d, %v; want 2, the refused batch's not among them", n, err)
	}
	if now, err := s.Generation(ctx); err != nil || now.Writes != at.Writes+1 {
		t.Errorf("generation %+v, %v; want %d writes, the refused batch not counted", now, err, at.Writes+1)
	}

	ids, writes, err := s.SaveBatchAt(ctx, at.Writes+1, []*store.Record{Record("c", "BBC", 1, Day(3))})
	if err != nil || len(ids) != 1 || writes != at.Writes+2 {
		t.Fatalf("at the current count: SaveBatchAt = %v, %d, %v; want one article stored, %d writes", ids, writes, err, at.Writes+2)
	}
	if _, writes, err := s.SaveBatchAt(ctx, -1, []*store.Record{Record("d", "AP", 2, Day(4))}); err != nil || writes != at.Writes+3 {
		t.Errorf("at any count: SaveBatchAt = %d, %v; want stored, %d writes", writes, err, at.Writes+3)
	}
}

// testChangedRows: after a count of writes, ChangedRows gives exactly the
// articles stored or moved to another story since, each once, where the
// store has it now, in the order of the writes, page after page; and
// CorrectionsSince the corrections made since.
func testChangedRows(t *testing.T, o Opener) {
	ctx := t.Context()
	s := o.New(t)
	g := NewGenerator(t, 1)
	var early []*store.Record
	for i := range 5 {
		r := g.Record()
		story := int64(1001 + i) // a story each
		r.Article.Story = &story
		early = append(early, r)
	}
	earlyIDs := MustSave(t, s, early...)
	if _, err := s.MoveArticle(ctx, earlyIDs[0], 0, "before"); err != nil {
		t.Fatal(err)
	}
	since, err := s.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// Over two pages of articles stored since, then two earlier ones moved.
	var late []*store.Record
	for range o.Page + 17 {
		late = append(late, g.Record())
	}
	lateIDs := MustSave(t, s, late...)
	moved, err := s.MoveArticle(ctx, earlyIDs[1], 0, "apart")
	if err != nil {
		t.Fatal(err)
	}
	into := *early[3].Article.Story
	merged, err := s.MergeStories(ctx, *early[2].Article.Story, into, "one event")
	if err != nil {
		t.Fatal(err)
	}

	want := map[int64]int64{earlyIDs[1]: moved.Target}
	for i, id := range lateIDs {
		want[id] = *late[i].Article.Story
	}
	for i, r := range early {
		if *r.Article.Story == merged.Story && i != 1 {
			want[earlyIDs[i]] = into
		}
	}
	got := map[int64]int64{}
	var last int64
	err = s.ChangedRows(ctx, since.Writes, func(r store.ClusterRow) error {
		if _, twice := got[r.Article]; twice {
			t.Errorf("article %d given twice", r.Article)
		}
		if r.Changed < last || r.Changed <= since.Writes {
			t.Errorf("article %d changed at write %d, after %d and since %d: want later writes, in order", r.Article, r.Changed, last, since.Writes)
		}
		last = r.Changed
		got[r.Article] = r.Story
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("ChangedRows since %d: %d articles, want %d", since.Writes, len(got), len(want))
		for id, story := range want {
			if got[id] != story {
				t.Errorf("article %d: story %d, want %d", id, got[id], story)
			}
		}
	}

	cs, err := s.CorrectionsSince(ctx, since.Writes)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].ID != moved.ID || cs[1].ID != merged.ID {
		t.Errorf("CorrectionsSince(%d) = %+v, want the move then the merge", since.Writes, cs)
	}
	if all, err := s.Corrections(ctx); err != nil || len(all) != 3 {
		t.Errorf("Corrections = %d, %v; want all 3", len(all), err)
	}
}
