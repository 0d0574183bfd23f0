package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

// listed fills s, fresh, with four stories:
//
//	1: AP day 1, CNN day 9 (entity Lavrov)    3 articles (two AP)
//	2: BBC day 5, in French                   1 article
//	3: AP day 3 (entity Pavel)                2 articles
//	4: Reuters, undated                       1 article
func listed(t *testing.T, s store.Store) store.Store {
	t.Helper()
	fr := Record("f", "BBC", 2, Day(5))
	fr.Article.Language = "fr"
	MustSave(t, s,
		Record("a", "AP", 1, Day(1), "Sergey Lavrov"),
		Record("b", "CNN", 1, Day(9)),
		Record("c", "AP", 1, Day(2)),
		fr,
		Record("d", "AP", 3, Day(3), "Petr Pavel"),
		Record("e", "AP", 3, Day(4)),
		Record("g", "Reuters", 4, nil))
	// Story 2 changes last.
	MustSave(t, s, Record("h", "BBC", 2, Day(5)))
	return s
}

func storyIDs(list []model.StorySummary) []int64 {
	ids := []int64{}
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	return ids
}

// ListStories checks the story listing, with every filter, sort and page,
// of s, a fresh store it fills first. Run runs it; a store that reads
// listings in more than one way runs it again for each.
func ListStories(t *testing.T, s store.Store) {
	ctx := t.Context()
	listed(t, s)
	for _, tc := range []struct {
		name string
		q    store.StoryQuery
		want []int64
	}{
		{"newest by default", store.StoryQuery{}, []int64{1, 2, 3, 4}},
		{"newest", store.StoryQuery{Sort: "newest"}, []int64{1, 2, 3, 4}},
		{"biggest", store.StoryQuery{Sort: "biggest"}, []int64{1, 3, 2, 4}},
		{"updated", store.StoryQuery{Sort: "updated"}, []int64{2, 4, 3, 1}},
		{"outlet", store.StoryQuery{Outlet: "AP"}, []int64{1, 3}},
		{"outlet unknown", store.StoryQuery{Outlet: "Nobody"}, []int64{}},
		{"entity", store.StoryQuery{Entity: "Sergey Lavrov"}, []int64{1}},
		{"entity any case", store.StoryQuery{Entity: "  petr PAVEL "}, []int64{3}},
		{"language", store.StoryQuery{Language: "fr"}, []int64{2}},
		{"since", store.StoryQuery{Since: *Day(5)}, []int64{1, 2}},
		{"until", store.StoryQuery{Until: *Day(2)}, []int64{1}},
		{"since and until", store.StoryQuery{Since: *Day(3), Until: *Day(4)}, []int64{1, 3}},
		{"outlet and language", store.StoryQuery{Outlet: "BBC", Language: "en"}, []int64{2}},
		{"limit", store.StoryQuery{Sort: "biggest", Limit: 2}, []int64{1, 3}},
		{"limit offset", store.StoryQuery{Sort: "biggest", Limit: 2, Offset: 2}, []int64{2, 4}},
		{"ids", store.StoryQuery{IDs: []int64{4, 1}}, []int64{1, 4}},
		{"ids and outlet", store.StoryQuery{IDs: []int64{4, 1, 3}, Outlet: "AP", Sort: "biggest"}, []int64{1, 3}},
		{"ids unknown", store.StoryQuery{IDs: []int64{99}}, []int64{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Stories(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if ids := storyIDs(got); !reflect.DeepEqual(ids, tc.want) {
				t.Errorf("stories = %v, want %v", ids, tc.want)
			}
		})
	}
	t.Run("summary", func(t *testing.T) {
		got, err := s.Stories(ctx, store.StoryQuery{Limit: 1})
		if err != nil || len(got) != 1 {
			t.Fatalf("Stories = %+v, %v; want one", got, err)
		}
		one := got[0]
		if one.Title != "Title a" || one.Articles != 3 || !reflect.DeepEqual(one.Outlets, []string{"AP", "CNN"}) ||
			!one.FirstPublished.Equal(*Day(1)) || !one.LastPublished.Equal(*Day(9)) || one.Updated.IsZero() {
			t.Errorf("summary = %+v", one)
		}
	})
	t.Run("bad sort", func(t *testing.T) {
		if _, err := s.Stories(ctx, store.StoryQuery{Sort: "oldest; DROP TABLE stories"}); !errors.Is(err, store.ErrBadSort) {
			t.Errorf("err = %v, want store.ErrBadSort", err)
		}
	})
}

func testArticles(t *testing.T, o Opener) {
	ctx := t.Context()
	s := listed(t, o.New(t))
	for _, tc := range []struct {
		name string
		q    store.ArticleQuery
		want []int64
	}{
		{"all", store.ArticleQuery{}, []int64{1, 2, 3, 4, 5, 6, 7, 8}},
		{"story", store.ArticleQuery{Story: 3}, []int64{5, 6}},
		{"stories", store.ArticleQuery{Stories: []int64{3, 2}}, []int64{4, 5, 6, 8}},
		{"one of stories", store.ArticleQuery{Stories: []int64{4}}, []int64{7}},
		{"story and stories", store.ArticleQuery{Story: 4, Stories: []int64{3}}, []int64{5, 6, 7}},
		{"stories and outlet", store.ArticleQuery{Stories: []int64{1, 3}, Outlet: "AP"}, []int64{1, 3, 5, 6}},
		{"unknown stories", store.ArticleQuery{Stories: []int64{98, 99}}, []int64{}},
		{"ids", store.ArticleQuery{IDs: []int64{7, 2, 99}}, []int64{2, 7}},
		{"one id", store.ArticleQuery{IDs: []int64{5}}, []int64{5}},
		{"ids and story", store.ArticleQuery{IDs: []int64{4, 5, 6}, Story: 3}, []int64{5, 6}},
		{"outlet", store.ArticleQuery{Outlet: "BBC"}, []int64{4, 8}},
		{"since until", store.ArticleQuery{Since: *Day(2), Until: *Day(4)}, []int64{3, 5, 6}},
		{"language", store.ArticleQuery{Language: "fr"}, []int64{4}},
		{"after id", store.ArticleQuery{AfterID: 6}, []int64{7, 8}},
		{"limit offset", store.ArticleQuery{Limit: 3, Offset: 1}, []int64{2, 3, 4}},
		{"keyset page", store.ArticleQuery{AfterID: 2, Limit: 2}, []int64{3, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Articles(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			ids := []int64{}
			for _, a := range got {
				ids = append(ids, a.ID)
				if a.Text != "" {
					t.Errorf("article %d has text without WithText", a.ID)
				}
			}
			if !reflect.DeepEqual(ids, tc.want) {
				t.Errorf("articles = %v, want %v", ids, tc.want)
			}
		})
	}
	t.Run("with text", func(t *testing.T) {
		got, err := s.Articles(ctx, store.ArticleQuery{WithText: true, Limit: 1})
		if err != nil || len(got) != 1 || got[0].Text != "Body of a." {
			t.Errorf("articles = %+v, %v", got, err)
		}
	})
}

func testOutlets(t *testing.T, o Opener) {
	ctx := t.Context()
	s := listed(t, o.New(t))
	unknown := Record("u", "", 5, Day(6))
	MustSave(t, s, unknown, Record("i", "CNN", 0, nil))
	want := []store.OutletCount{{Name: "AP", Articles: 4}, {Name: "BBC", Articles: 2}, {Name: "CNN", Articles: 2}, {Name: "", Articles: 1}, {Name: "Reuters", Articles: 1}}
	got, err := s.Outlets(ctx)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Outlets = %v, %v; want %v", got, err, want)
	}
	// A refused batch counts nothing.
	if _, err := s.SaveBatch(ctx, []*store.Record{Record("j", "AP", 1, nil), Record("a", "AP", 1, nil)}); err == nil {
		t.Fatal("a batch with a duplicate was saved")
	}
	// Moves and merges change stories, never outlets.
	if _, err := s.MoveArticle(ctx, 1, 0, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MergeStories(ctx, 3, 1, "test"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Outlets(ctx); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("after a refused batch, a move and a merge: Outlets = %v, %v; want %v", got, err, want)
	}
}

func testClusterRowsPages(t *testing.T, o Opener) {
	ctx := t.Context()
	s := o.New(t)
	g := NewGenerator(t, 1)
	n := 2*o.Page + 17
	var recs []*store.Record
	for range n {
		recs = append(recs, g.Record())
	}
	MustSave(t, s, recs...)
	var last int64
	count := 0
	err := s.ClusterRows(ctx, func(r store.ClusterRow) error {
		if r.Article <= last {
			t.Fatalf("row %d after %d: not in id order", r.Article, last)
		}
		rec := recs[r.Article-1]
		if r.Story != *rec.Article.Story || string(r.Features) != string(rec.Features) || !r.Published.Equal(*rec.Article.Published) {
			t.Fatalf("row %d = %+v", r.Article, r)
		}
		last = r.Article
		count++
		return nil
	})
	if err != nil || count != n {
		t.Fatalf("ClusterRows: %d rows, %v; want %d", count, err, n)
	}
	stop := errors.New("stop")
	err = s.ClusterRows(ctx, func(r store.ClusterRow) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("fn's error: got %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.ClusterRows(cancelled, func(store.ClusterRow) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
}

func testComparisonCache(t *testing.T, o Opener) {
	ctx := t.Context()
	s := o.New(t)
	for _, p := range []struct {
		version int64
		data    string
	}{{1, "v1"}, {2, "v2"}, {2, "v2 again"}} {
		if err := s.PutComparison(ctx, 7, p.version, []byte(p.data)); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.Comparison(ctx, 7, 2); err != nil || string(got) != "v2 again" {
		t.Errorf("version 2 = %q, %v", got, err)
	}
	if _, err := s.Comparison(ctx, 7, 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("stale version: err = %v, want ErrNotFound", err)
	}
}

func testFeeds(t *testing.T, o Opener) {
	ctx := t.Context()
	s := o.New(t)
	f, err := s.AddFeed(ctx, model.Feed{URL: "https://a.example/rss", Title: "A", Outlet: "A News"})
	if err != nil || f.ID == 0 {
		t.Fatalf("AddFeed = %+v, %v", f, err)
	}
	_, err = s.AddFeed(ctx, model.Feed{URL: "https://a.example/rss"})
	var dup *store.DuplicateError
	if !errors.As(err, &dup) || dup.ID != f.ID || dup.Field != "feed_url" {
		t.Errorf("second AddFeed: err = %v, want duplicate of %d by feed_url", err, f.ID)
	}
	f.ETag, f.LastModified, f.LastError, f.Failures = `"x"`, "Mon, 20 Nov 2023 10:00:00 GMT", "timeout", 2
	f.LastPolled, f.NextPoll = Day(1), Day(2)
	if err := s.UpdateFeed(ctx, f); err != nil {
		t.Fatal(err)
	}
	feeds, err := s.Feeds(ctx)
	if err != nil || len(feeds) != 1 {
		t.Fatalf("Feeds = %+v, %v", feeds, err)
	}
	got := feeds[0]
	if !got.LastPolled.Equal(*f.LastPolled) || !got.NextPoll.Equal(*f.NextPoll) {
		t.Errorf("poll times = %v %v", got.LastPolled, got.NextPoll)
	}
	got.LastPolled, got.NextPoll, f.LastPolled, f.NextPoll = nil, nil, nil, nil
	if !reflect.DeepEqual(got, f) {
		t.Errorf("feed = %+v, want %+v", got, f)
	}
	if err := s.RemoveFeed(ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	if feeds, _ := s.Feeds(ctx); len(feeds) != 0 {
		t.Errorf("feeds after remove = %+v", feeds)
	}
}
