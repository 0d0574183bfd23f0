package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

// entities are the entities the fixtures mention, whose filters state reads.
var entities = []string{"Sergey Lavrov", "Petr Pavel"}

func testSaveBatchAllOrNothing(t *testing.T, o Opener) {
	ctx := t.Context()
	for _, tc := range []struct {
		name string
		bad  func(ids []int64) *store.Record
		want error
	}{
		{"duplicate of a stored article", func(ids []int64) *store.Record { return Record("a", "AP", 1, Day(1)) }, store.ErrDuplicate},
		{"duplicate within the batch", func([]int64) *store.Record { return Record("new1", "AP", 3, Day(1)) }, store.ErrDuplicate},
		{"no article", func([]int64) *store.Record { return &store.Record{} }, nil},
		{"copy of an unknown article", func([]int64) *store.Record {
			r := Record("orphan", "AP", 3, Day(1))
			r.Article.CopyOf = ptr(int64(999))
			return r
		}, nil},
		{"merge of an unknown story", func(ids []int64) *store.Record {
			r := Record("merger", "AP", 1, Day(1))
			r.Merges = []store.Merge{{From: 77, Into: 1}}
			return r
		}, store.ErrNotFound},
		{"regrouping of an unknown article", func(ids []int64) *store.Record {
			r := Record("mover", "AP", 1, Day(1))
			r.Regroups = []store.Regroup{{Article: ids[0], From: 1, Story: 5}, {Article: 999, From: 1, Story: 5}}
			return r
		}, store.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := o.New(t)
			ids := MustSave(t, s, Record("a", "AP", 1, Day(1), "Sergey Lavrov"), Record("b", "CNN", 2, Day(2)))
			before := state(t, o, s, entities...)
			batch := []*store.Record{Record("new1", "BBC", 3, Day(3), "Petr Pavel"), Record("new2", "BBC", 1, Day(4)), tc.bad(ids)}
			got, err := s.SaveBatch(ctx, batch)
			if err == nil {
				t.Fatalf("SaveBatch = %v, want an error", got)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if want := "record 2"; !strings.Contains(err.Error(), want) {
				t.Errorf("err %q does not name %q", err, want)
			}
			if after := state(t, o, s, entities...); after != before {
				t.Errorf("a failed batch changed the store:\nbefore\n%s\nafter\n%s", before, after)
			}
			if batch[0].Article.ID != 0 {
				t.Errorf("rolled-back record keeps id %d", batch[0].Article.ID)
			}
			// The store still works after the rollback.
			if _, err := s.SaveBatch(ctx, batch[:2]); err != nil {
				t.Errorf("good part of the batch: %v", err)
			}
		})
	}
}

// corrected fills s with three stories: 1 (AP, CNN), 2 (BBC), 3 (AP).
func corrected(t *testing.T, s store.Store) (store.Store, []int64) {
	t.Helper()
	ids := MustSave(t, s,
		Record("a", "AP", 1, Day(1), "Sergey Lavrov"),
		Record("b", "CNN", 1, Day(3)),
		Record("c", "BBC", 2, Day(5), "Petr Pavel"),
		Record("d", "AP", 3, Day(7)))
	return s, ids
}

// wantMerged checks that story id reads as merged into story into, and
// as not found for callers with nowhere to send a reader.
func wantMerged(t *testing.T, s store.Store, id, into int64) {
	t.Helper()
	var merged *store.MergedError
	_, err := s.Story(t.Context(), id)
	if !errors.As(err, &merged) || merged.Story != id || merged.Into != into || !errors.Is(err, store.ErrNotFound) {
		t.Errorf("story %d: err = %v, want merged into %d, and not found", id, err, into)
	}
	if m, err := s.MergedStories(t.Context()); err != nil || m[id] != into {
		t.Errorf("MergedStories = %v, %v; want %d into %d", m, err, id, into)
	}
}

func testMergeStories(t *testing.T, o Opener) {
	ctx := t.Context()
	s, ids := corrected(t, o.New(t))
	v1, _ := s.StoryVersion(ctx, 1)
	c, err := s.MergeStories(ctx, 2, 1, "same summit")
	if err != nil {
		t.Fatal(err)
	}
	if c.ID == 0 || c.Kind != "merge" || c.Story != 2 || c.Target != 1 || c.Reason != "same summit" || c.At.IsZero() {
		t.Errorf("correction = %+v", c)
	}
	sum, err := s.Story(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Articles != 3 || !reflect.DeepEqual(sum.Outlets, []string{"AP", "BBC", "CNN"}) ||
		!sum.FirstPublished.Equal(*Day(1)) || !sum.LastPublished.Equal(*Day(5)) || sum.Title != "Title a" {
		t.Errorf("merged story = %+v; want it to keep its title", sum)
	}
	if v2, _ := s.StoryVersion(ctx, 1); v2 <= v1 {
		t.Errorf("version %d -> %d, want bumped", v1, v2)
	}
	wantMerged(t, s, 2, 1)
	var merged *store.MergedError
	if _, err := s.Story(ctx, 99); !errors.Is(err, store.ErrNotFound) || errors.As(err, &merged) {
		t.Errorf("unknown story: err = %v, want not found and not merged", err)
	}
	if a, _ := s.Article(ctx, ids[2]); *a.Story != 1 {
		t.Errorf("article of story 2 is in %d, want 1", *a.Story)
	}
	if got, _ := s.Stories(ctx, store.StoryQuery{Entity: "petr pavel"}); len(got) != 1 || got[0].ID != 1 {
		t.Errorf("entity filter after merge = %+v", got)
	}
	ds, _ := s.Decisions(ctx, 1)
	if len(ds) == 0 {
		t.Fatal("no decisions for the merged story")
	}
	if last := ds[len(ds)-1]; last.Kind != model.DecisionManual || last.Compared != 2 {
		t.Errorf("last decision = %+v, want manual against 2", last)
	}
	cs, err := s.Corrections(ctx)
	if err != nil || len(cs) != 1 || !reflect.DeepEqual(cs[0], c) {
		t.Errorf("corrections = %+v, %v; want [%+v]", cs, err, c)
	}
	// A later save naming the merged story lands in the one it joined.
	late := Record("late", "Reuters", 2, Day(6))
	id := MustSave(t, s, late)[0]
	if a, _ := s.Article(ctx, id); *a.Story != 1 {
		t.Errorf("save to merged story went to %d, want 1", *a.Story)
	}
}

// A story merged into one that is merged in turn names the live story: a
// link to it leads to its articles in one step.
func testStoryMergedTwice(t *testing.T, o Opener) {
	ctx := t.Context()
	s, _ := corrected(t, o.New(t))
	for _, m := range [][2]int64{{2, 1}, {1, 3}} {
		if _, err := s.MergeStories(ctx, m[0], m[1], "one event"); err != nil {
			t.Fatal(err)
		}
	}
	wantMerged(t, s, 1, 3)
	wantMerged(t, s, 2, 3)
	if sum, err := s.Story(ctx, 3); err != nil || sum.Articles != 4 {
		t.Errorf("story 3 = %+v, %v; want all 4 articles", sum, err)
	}
}

func testMoveArticle(t *testing.T, o Opener) {
	ctx := t.Context()
	s, ids := corrected(t, o.New(t))
	c, err := s.MoveArticle(ctx, ids[0], 2, "belongs with BBC")
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != "move" || c.Article != ids[0] || c.Story != 1 || c.Target != 2 {
		t.Errorf("correction = %+v", c)
	}
	one, err1 := s.Story(ctx, 1)
	two, err2 := s.Story(ctx, 2)
	if err := errors.Join(err1, err2); err != nil {
		t.Fatal(err)
	}
	if one.Articles != 1 || !reflect.DeepEqual(one.Outlets, []string{"CNN"}) || !one.FirstPublished.Equal(*Day(3)) {
		t.Errorf("story left = %+v", one)
	}
	// The story joined keeps its title, though the article is older.
	if two.Articles != 2 || !reflect.DeepEqual(two.Outlets, []string{"AP", "BBC"}) || !two.FirstPublished.Equal(*Day(1)) || two.Title != "Title c" {
		t.Errorf("story joined = %+v", two)
	}
	if got, _ := s.Stories(ctx, store.StoryQuery{Entity: "Sergey Lavrov"}); len(got) != 1 || got[0].ID != 2 {
		t.Errorf("entity follows the article: %+v", got)
	}

	// To 0: a new story titled after the article.
	c, err = s.MoveArticle(ctx, ids[1], 0, "its own story")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := s.Story(ctx, c.Target)
	if err != nil || sum.Title != "Title b" || sum.Articles != 1 || c.Target <= 3 {
		t.Errorf("new story %d = %+v, %v", c.Target, sum, err)
	}
	if next, _ := s.NextStoryID(ctx); next <= c.Target {
		t.Errorf("NextStoryID %d after new story %d", next, c.Target)
	}
	if n, _ := s.CountStories(ctx); n != 3 {
		t.Errorf("stories = %d, want 3 (story 1 is empty now)", n)
	}
	// Story 1 lost its last article: it leads to where that went.
	wantMerged(t, s, 1, c.Target)
	ds, _ := s.Decisions(ctx, c.Target)
	if len(ds) == 0 || ds[len(ds)-1].Kind != model.DecisionManual || ds[len(ds)-1].Article != ids[1] {
		t.Errorf("decisions of the new story = %+v", ds)
	}
}

func testSplitStory(t *testing.T, o Opener) {
	ctx := t.Context()
	s, ids := corrected(t, o.New(t))
	// Story 1 gains a third article, so that two can leave together, and
	// a copy of article a, which leaves with it.
	cp := Record("copy", "Reuters", 1, Day(2))
	cp.Article.CopyOf = &ids[0]
	added := MustSave(t, s, Record("e", "BBC", 1, Day(9)), cp)
	extra := added[0]
	v1, _ := s.StoryVersion(ctx, 1)
	cs, err := s.SplitStory(ctx, 1, []int64{extra, ids[0]}, "two events")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 3 {
		t.Fatalf("corrections = %+v, want one per article moved", cs)
	}
	to := cs[0].Target
	for i, want := range []int64{extra, ids[0], added[1]} {
		c := cs[i]
		if c.ID == 0 || c.Kind != "split" || c.Article != want || c.Story != 1 || c.Target != to || c.Reason != "two events" {
			t.Errorf("correction %d = %+v", i, c)
		}
	}
	if next, _ := s.NextStoryID(ctx); to <= 3 || next <= to {
		t.Errorf("new story %d, NextStoryID %d", to, next)
	}
	// The story left, titled after article a, which went, is retitled
	// after the article it keeps.
	left, err := s.Story(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if left.Articles != 1 || !reflect.DeepEqual(left.Outlets, []string{"CNN"}) || !left.FirstPublished.Equal(*Day(3)) || left.Title != "Title b" {
		t.Errorf("story left = %+v", left)
	}
	if v2, _ := s.StoryVersion(ctx, 1); v2 == v1 {
		t.Error("the story left kept its version: its cached comparison would be shown")
	}
	// The new story is titled after the first article named.
	split, err := s.Story(ctx, to)
	if err != nil || split.Title != "Title e" || split.Articles != 3 || !reflect.DeepEqual(split.Outlets, []string{"AP", "BBC", "Reuters"}) ||
		!split.FirstPublished.Equal(*Day(1)) || !split.LastPublished.Equal(*Day(9)) {
		t.Errorf("new story = %+v, %v", split, err)
	}
	if got, _ := s.Stories(ctx, store.StoryQuery{Entity: "Sergey Lavrov"}); len(got) != 1 || got[0].ID != to {
		t.Errorf("entity follows the article: %+v", got)
	}
	ds, _ := s.Decisions(ctx, to)
	if len(ds) < 3 || ds[len(ds)-1].Kind != model.DecisionManual || ds[len(ds)-1].Article != added[1] ||
		!strings.Contains(ds[len(ds)-1].Reason, "split from story 1 by hand: two events") {
		t.Errorf("decisions of the new story = %+v", ds)
	}
	// The story left says where its articles went.
	var gone []int64
	ds, _ = s.Decisions(ctx, 1)
	for _, d := range ds {
		if d.Kind == model.DecisionManual && d.Compared == 1 && d.Story == to {
			gone = append(gone, d.Article)
		}
	}
	if want := []int64{extra, ids[0], added[1]}; !slices.Equal(gone, want) {
		t.Errorf("the story left lists the articles split out as %v, want %v", gone, want)
	}
	if all, _ := s.Corrections(ctx); !reflect.DeepEqual(all, cs) {
		t.Errorf("stored corrections = %+v, want %+v", all, cs)
	}
}

func testCorrectionsUnknownChangeNothing(t *testing.T, o Opener) {
	ctx := t.Context()
	for _, tc := range []struct {
		name string
		call func(s store.Store, ids []int64) error
		want error
	}{
		{"merge unknown from", func(s store.Store, _ []int64) error { _, err := s.MergeStories(ctx, 99, 1, "x"); return err }, store.ErrNotFound},
		{"merge unknown into", func(s store.Store, _ []int64) error { _, err := s.MergeStories(ctx, 1, 99, "x"); return err }, store.ErrNotFound},
		{"merge into itself", func(s store.Store, _ []int64) error { _, err := s.MergeStories(ctx, 1, 1, "x"); return err }, store.ErrSameStory},
		{"merge merged-away story", func(s store.Store, _ []int64) error {
			if _, err := s.MergeStories(ctx, 3, 2, "x"); err != nil {
				return err
			}
			_, err := s.MergeStories(ctx, 3, 1, "again")
			return err
		}, store.ErrNotFound},
		{"move unknown article", func(s store.Store, _ []int64) error { _, err := s.MoveArticle(ctx, 99, 1, "x"); return err }, store.ErrNotFound},
		{"move to unknown story", func(s store.Store, ids []int64) error { _, err := s.MoveArticle(ctx, ids[0], 99, "x"); return err }, store.ErrNotFound},
		{"split unknown story", func(s store.Store, ids []int64) error { _, err := s.SplitStory(ctx, 99, ids[:1], "x"); return err }, store.ErrNotFound},
		{"split unknown article", func(s store.Store, ids []int64) error { _, err := s.SplitStory(ctx, 1, []int64{99}, "x"); return err }, store.ErrNotFound},
		{"split no article", func(s store.Store, _ []int64) error { _, err := s.SplitStory(ctx, 1, nil, "x"); return err }, store.ErrBadSplit},
		{"split article twice", func(s store.Store, ids []int64) error {
			_, err := s.SplitStory(ctx, 1, []int64{ids[0], ids[0]}, "x")
			return err
		}, store.ErrBadSplit},
		{"split article of another story", func(s store.Store, ids []int64) error {
			_, err := s.SplitStory(ctx, 1, []int64{ids[0], ids[2]}, "x")
			return err
		}, store.ErrBadSplit},
		{"split every article", func(s store.Store, ids []int64) error { _, err := s.SplitStory(ctx, 1, ids[:2], "x"); return err }, store.ErrBadSplit},
		{"split a copy from its original", func(s store.Store, ids []int64) error {
			_, err := s.SplitStory(ctx, 2, ids[4:5], "x")
			return err
		}, store.ErrBadSplit},
		{"split an article whose copy is the rest", func(s store.Store, ids []int64) error {
			_, err := s.SplitStory(ctx, 2, ids[2:3], "x")
			return err
		}, store.ErrBadSplit},
		{"split merged-away story", func(s store.Store, ids []int64) error {
			if _, err := s.MergeStories(ctx, 3, 2, "x"); err != nil {
				return err
			}
			_, err := s.SplitStory(ctx, 3, ids[3:], "again")
			return err
		}, store.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, ids := corrected(t, o.New(t))
			// Story 2 also holds a copy of its article c, ids[4].
			cp := Record("copy", "Reuters", 2, Day(6))
			cp.Article.CopyOf = &ids[2]
			ids = append(ids, MustSave(t, s, cp)...)
			before := state(t, o, s, entities...)
			err := tc.call(s, ids)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			after := state(t, o, s, entities...)
			if strings.HasSuffix(tc.name, "merged-away story") {
				// Only the first, valid merge may have changed anything.
				before = after
				if cs, _ := s.Corrections(ctx); len(cs) != 1 {
					t.Errorf("corrections = %+v, want only the first merge", cs)
				}
			}
			if after != before {
				t.Errorf("a refused correction changed the store:\nbefore\n%s\nafter\n%s", before, after)
			}
		})
	}
}

func testMergeInSave(t *testing.T, o Opener) {
	ctx := t.Context()
	s, ids := corrected(t, o.New(t))
	// An article whose arrival brings stories 1 and 2 together.
	rec := Record("bridge", "Reuters", 1, Day(4))
	rec.Merges = []store.Merge{{From: 2, Into: 1, Decision: model.Decision{Score: 0.8, Reason: "converged"}}}
	id := MustSave(t, s, rec)[0]
	sum, err := s.Story(ctx, 1)
	if err != nil || sum.Articles != 4 || len(sum.Outlets) != 4 {
		t.Fatalf("story 1 = %+v, %v", sum, err)
	}
	if a, _ := s.Article(ctx, ids[2]); *a.Story != 1 {
		t.Errorf("article of story 2 is in %d", *a.Story)
	}
	wantMerged(t, s, 2, 1)
	ds, _ := s.Decisions(ctx, 1)
	if len(ds) == 0 {
		t.Fatal("no decisions for story 1")
	}
	last := ds[len(ds)-1]
	if last.Kind != model.DecisionMerge || last.Article != id || last.Story != 1 || last.Reason != "converged" {
		t.Errorf("merge decision = %+v", last)
	}
	if cs, _ := s.Corrections(ctx); len(cs) != 0 {
		t.Errorf("an automatic merge is not a correction: %+v", cs)
	}
}

func testRegroupInSave(t *testing.T, o Opener) {
	ctx := t.Context()
	s, ids := corrected(t, o.New(t))
	// An article of story 2 whose arrival splits article b off story 1
	// into a new story 9, then merges story 2 into story 1.
	rec := Record("arrival", "Reuters", 2, Day(4))
	rec.Regroups = []store.Regroup{
		{Article: ids[1], From: 1, Story: 9, Decision: model.Decision{Kind: model.DecisionRegroup, Score: 0.05, Reason: "split"}},
		{From: 2, Story: 1, Decision: model.Decision{Kind: model.DecisionMerge, Score: 0.3, Reason: "converged"}},
	}
	id := MustSave(t, s, rec)[0]
	for _, want := range []struct{ article, story int64 }{{ids[0], 1}, {ids[1], 9}, {ids[2], 1}, {id, 1}} {
		if a, err := s.Article(ctx, want.article); err != nil || *a.Story != want.story {
			t.Errorf("article %d in story %v (%v), want %d", want.article, a.Story, err, want.story)
		}
	}
	split, err := s.Story(ctx, 9)
	if err != nil || split.Articles != 1 || split.Title != "Title b" {
		t.Errorf("story split off = %+v, %v; want one article, titled after it", split, err)
	}
	if sum, err := s.Story(ctx, 1); err != nil || sum.Articles != 3 {
		t.Errorf("story 1 = %+v, %v; want 3 articles", sum, err)
	}
	kinds := func(story int64) []string {
		ds, err := s.Decisions(ctx, story)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range ds {
			out = append(out, fmt.Sprintf("%s %d %s", d.Kind, d.Article, d.Reason))
		}
		return out
	}
	// Story 1 tells that b left it and that story 2 came in, on the
	// arrival's account; story 9 tells why b is there.
	if got := kinds(1); !slices.Contains(got, fmt.Sprintf("regroup %d split", ids[1])) || !slices.Contains(got, fmt.Sprintf("merge %d converged", id)) {
		t.Errorf("decisions of story 1 = %q", got)
	}
	if got := kinds(9); !slices.Contains(got, fmt.Sprintf("regroup %d split", ids[1])) {
		t.Errorf("decisions of story 9 = %q", got)
	}
	if cs, _ := s.Corrections(ctx); len(cs) != 0 {
		t.Errorf("regrouping is not a correction: %+v", cs)
	}
}

// testRegroupEmptiesStory: a story regrouping leaves without articles
// leads to where its last article went, even when that story is merged
// later in the same arrival's changes.
func testRegroupEmptiesStory(t *testing.T, o Opener) {
	ctx := t.Context()
	s, ids := corrected(t, o.New(t))
	rec := Record("arrival", "Reuters", 1, Day(4))
	rec.Regroups = []store.Regroup{
		{Article: ids[3], From: 3, Story: 2, Decision: model.Decision{Kind: model.DecisionRegroup, Reason: "moved"}},
		{From: 2, Story: 1, Decision: model.Decision{Kind: model.DecisionMerge, Reason: "converged"}},
	}
	MustSave(t, s, rec)
	wantMerged(t, s, 2, 1)
	wantMerged(t, s, 3, 1)
	if sum, err := s.Story(ctx, 1); err != nil || sum.Articles != 5 {
		t.Errorf("story 1 = %+v, %v; want all 5 articles", sum, err)
	}
	if n, _ := s.CountStories(ctx); n != 1 {
		t.Errorf("stories = %d, want 1", n)
	}
}
