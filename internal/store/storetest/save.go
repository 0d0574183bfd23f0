package storetest

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

func testSaveRoundTrip(t *testing.T, o Opener) {
	ctx := t.Context()
	s := o.New(t)
	story, err := s.NextStoryID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	orig := MustSave(t, s, Record("orig", "NBC News", story, Day(2)))[0]
	v1, err := s.StoryVersion(ctx, story)
	if err != nil {
		t.Fatal(err)
	}
	ingested := time.Date(2024, 11, 25, 8, 30, 1, 123456789, time.UTC)
	want := model.Article{
		ExternalID:  "ext-1",
		Outlet:      "Fox News",
		Title:       "Ex-US officials held secret talks",
		URL:         "https://www.foxnews.com/world/talks",
		Published:   Day(25),
		Language:    "en",
		Story:       ptr(story),
		CopyOf:      ptr(orig),
		Text:        "Former U.S. officials held talks.\n\nLavrov met them in New York — in April.",
		Removed:     []model.Removal{{Kind: model.RemovalPromo, Text: "RUSSIAN MISSILE STRIKE"}, {Kind: model.RemovalCopyright, Text: "Copyright 2023,"}},
		Source:      "seeds/004.txt",
		Format:      "text",
		ContentHash: "abc123",
		Ingested:    ingested,
	}
	a := want
	rec := &store.Record{
		Article:  &a,
		Raw:      model.Raw{ContentType: "text/plain; charset=utf-8", Bytes: []byte("raw \x00\xff bytes")},
		Features: []byte{0, 1, 2, 255},
		Decision: model.Decision{Kind: model.DecisionCopy, Score: 0.93, Compared: orig,
			Entities: []string{"Sergey Lavrov"}, Terms: []string{"lavrov", "talks"}, Reason: "near-duplicate"},
		StoryTitle: "ignored: the story exists",
		Entities:   []string{"Sergey Lavrov", "NBC News"},
	}
	id, err := s.Save(ctx, rec)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Article.ID != id {
		t.Errorf("record's article id = %d, want %d", rec.Article.ID, id)
	}
	want.ID = id
	got, err := s.Article(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	// Times come back in UTC, to the microsecond at least.
	if !got.Published.Equal(*want.Published) || got.Ingested.Sub(want.Ingested).Abs() >= time.Microsecond ||
		got.Published.Location() != time.UTC || got.Ingested.Location() != time.UTC {
		t.Errorf("times: got %v %v, want %v %v", got.Published, got.Ingested, want.Published, want.Ingested)
	}
	got.Published, want.Published = nil, nil
	got.Ingested, want.Ingested = time.Time{}, time.Time{}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("article:\n got %+v\nwant %+v", *got, want)
	}

	raw, err := s.Raw(ctx, id)
	if err != nil || !reflect.DeepEqual(raw, rec.Raw) {
		t.Errorf("raw = %+v, %v; want %+v", raw, err, rec.Raw)
	}
	if f, err := s.Features(ctx, id); err != nil || string(f) != string(rec.Features) {
		t.Errorf("features = %v, %v; want %v", f, err, rec.Features)
	}
	rows := ClusterRows(t, s)
	if len(rows) != 2 || rows[1].Article != id || rows[1].Story != story || rows[1].CopyOf != orig ||
		!rows[1].Published.Equal(*Day(25)) || string(rows[1].Features) != string(rec.Features) {
		t.Errorf("cluster rows = %+v", rows)
	}
	ds, err := s.Decisions(ctx, story)
	if err != nil {
		t.Fatal(err)
	}
	wantD := rec.Decision
	wantD.Article, wantD.Story = id, story
	if len(ds) != 2 || ds[1].At.IsZero() {
		t.Fatalf("decisions = %+v", ds)
	}
	ds[1].At = time.Time{}
	if !reflect.DeepEqual(ds[1], wantD) {
		t.Errorf("decision:\n got %+v\nwant %+v", ds[1], wantD)
	}
	sum, err := s.Story(ctx, story)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Title != "Title orig" || sum.Articles != 2 || !reflect.DeepEqual(sum.Outlets, []string{"Fox News", "NBC News"}) ||
		!sum.FirstPublished.Equal(*Day(2)) || !sum.LastPublished.Equal(*Day(25)) {
		t.Errorf("story = %+v", sum)
	}
	if v2, err := s.StoryVersion(ctx, story); err != nil || v2 == v1 {
		t.Errorf("story version = %d, %v; want other than %d, before the second article", v2, err, v1)
	}
	if n, err := s.CountArticles(ctx); err != nil || n != 2 {
		t.Errorf("CountArticles = %d, %v", n, err)
	}
	if n, err := s.CountStories(ctx); err != nil || n != 1 {
		t.Errorf("CountStories = %d, %v", n, err)
	}
}

func testSaveWithoutStory(t *testing.T, o Opener) {
	ctx := t.Context()
	s := o.New(t)
	// Ingest before clustering: no story, no decision.
	id := MustSave(t, s, Record("plain", "AP", 0, nil))[0]
	a, err := s.Article(ctx, id)
	if err != nil || a.Story != nil || a.Published != nil {
		t.Fatalf("article = %+v, %v", a, err)
	}
	if n, _ := s.CountStories(ctx); n != 0 {
		t.Errorf("stories = %d, want 0", n)
	}
}

// testReopen: what a store saved is there when it is opened again, by
// another handle beside it and by one after it closed.
func testReopen(t *testing.T, o Opener) {
	ctx := t.Context()
	s := o.New(t)
	first := Record("first", "AP", 1, Day(1), "Sergey Lavrov")
	id := MustSave(t, s, first)[0]
	beside := o.Reopen(t, s)
	second := Record("second", "BBC", 1, Day(2))
	id2 := MustSave(t, beside, second)[0]
	if a, err := s.Article(ctx, id2); err != nil || a.Title != second.Article.Title {
		t.Errorf("the first handle reads %+v, %v; want what the second saved", a, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	later := o.Reopen(t, s)
	for _, r := range []*store.Record{first, second} {
		a, err := later.Article(ctx, r.Article.ID)
		if err != nil || a.Title != r.Article.Title || a.Text != r.Article.Text || *a.Story != 1 {
			t.Errorf("article %d after reopening = %+v, %v", r.Article.ID, a, err)
		}
	}
	if sum, err := later.Story(ctx, 1); err != nil || sum.Articles != 2 {
		t.Errorf("story 1 after reopening = %+v, %v; want 2 articles", sum, err)
	}
	if got, err := later.Stories(ctx, store.StoryQuery{Entity: "Sergey Lavrov"}); err != nil || len(got) != 1 || got[0].ID != 1 {
		t.Errorf("stories of the entity after reopening = %+v, %v; want story 1", got, err)
	}
	if hits, err := later.Search(ctx, "first", store.ArticleQuery{}); err != nil || len(hits) != 1 || hits[0].Article.ID != id {
		t.Errorf("search after reopening = %+v, %v; want article %d", hits, err, id)
	}
	var dup *store.DuplicateError
	if _, err := later.Save(ctx, Record("first", "AP", 1, Day(1))); !errors.As(err, &dup) || dup.ID != id {
		t.Errorf("saving the first article again after reopening: err = %v, want a duplicate of %d", err, id)
	}
	if g, err := later.Generation(ctx); err != nil || g.Writes != 2 {
		t.Errorf("generation after reopening = %+v, %v; want 2 writes", g, err)
	}
}

func testNotFound(t *testing.T, o Opener) {
	ctx := t.Context()
	s := o.New(t)
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"article", func() error { _, err := s.Article(ctx, 42); return err }},
		{"raw", func() error { _, err := s.Raw(ctx, 42); return err }},
		{"features", func() error { _, err := s.Features(ctx, 42); return err }},
		{"story", func() error { _, err := s.Story(ctx, 42); return err }},
		{"story version", func() error { _, err := s.StoryVersion(ctx, 42); return err }},
		{"known", func() error { _, err := s.Known(ctx, "https://x.example/", "h"); return err }},
		{"known empty", func() error { _, err := s.Known(ctx, "", ""); return err }},
		{"comparison", func() error { _, err := s.Comparison(ctx, 1, 1); return err }},
		{"update feed", func() error { return s.UpdateFeed(ctx, model.Feed{ID: 42, URL: "u"}) }},
		{"remove feed", func() error { return s.RemoveFeed(ctx, 42) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("err = %v, want ErrNotFound", err)
			}
		})
	}
}

func testDuplicate(t *testing.T, o Opener) {
	ctx := t.Context()
	s := o.New(t)
	first := Record("first", "AP", 1, Day(1))
	id := MustSave(t, s, first)[0]
	noURL := Record("nourl", "AP", 1, Day(1))
	noURL.Article.URL = ""
	noURLID := MustSave(t, s, noURL)[0]

	for _, tc := range []struct {
		name    string
		url     string
		hash    string
		wantID  int64
		field   string
		wantDup bool
	}{
		{"same url and hash", first.Article.URL, first.Article.ContentHash, id, "url", true},
		{"same url, new text", first.Article.URL, "other", id, "url", true},
		{"new url, same text", "https://mirror.example/x", first.Article.ContentHash, id, "content_hash", true},
		{"no url, same text", "", noURL.Article.ContentHash, noURLID, "content_hash", true},
		{"no url, new text", "", "fresh-hash", 0, "", false},
		{"no hash, new url", "https://new.example/", "", 0, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := s.CountArticles(ctx)
			rec := Record("dup", "AP", 1, Day(1))
			rec.Article.URL, rec.Article.ContentHash = tc.url, tc.hash
			got, err := s.Save(ctx, rec)
			var dup *store.DuplicateError
			if !tc.wantDup {
				if err != nil {
					t.Fatalf("Save: %v", err)
				}
				if got <= noURLID {
					t.Errorf("new id %d", got)
				}
				return
			}
			if !errors.Is(err, store.ErrDuplicate) || !errors.As(err, &dup) {
				t.Fatalf("err = %v, want a DuplicateError", err)
			}
			if dup.ID != tc.wantID || dup.Field != tc.field {
				t.Errorf("duplicate of %d by %s, want %d by %s", dup.ID, dup.Field, tc.wantID, tc.field)
			}
			if after, _ := s.CountArticles(ctx); after != before {
				t.Errorf("articles %d -> %d after a duplicate", before, after)
			}
			if k, err := s.Known(ctx, tc.url, tc.hash); err != nil || k != tc.wantID {
				t.Errorf("Known = %d, %v; want %d", k, err, tc.wantID)
			}
		})
	}
}

// EntityCases are entity names an article is saved with, and the keys
// (store.EntityKey, sorted) they are kept and found under: the suite
// checks the filter finds them, a store's own test the rows it keeps.
var EntityCases = []struct {
	Name     string
	Entities []string
	Keys     []string
}{
	{"none", nil, nil},
	{"plain", []string{"Sergey Lavrov", "NBC News"}, []string{"nbc news", "sergey lavrov"}},
	{"same key twice", []string{"Lavrov", " LAVROV "}, []string{"lavrov"}},
	{"empty dropped", []string{"", "  ", "Kyiv"}, []string{"kyiv"}},
	{"quotes and markup", []string{`"Dr." O'Brien <b>`, `a\b`}, []string{`"dr." o'brien <b>`, `a\b`}},
	{"beyond ASCII", []string{"Zelenskyy Володимир", "Ü🙂"}, []string{"zelenskyy володимир", "ü🙂"}},
	{"invalid UTF-8", []string{"Kiev\xff"}, []string{"kiev\uFFFD"}},
}

// testSaveEntities checks that the entity filter finds the story of an
// article by each entity it was stored with, and by its key (case
// folded, space trimmed), whatever it holds, and by nothing else.
func testSaveEntities(t *testing.T, o Opener) {
	tests := EntityCases
	s := o.New(t)
	ctx := t.Context()
	for i, tc := range tests {
		t.Run(tc.Name, func(t *testing.T) {
			story := int64(i + 1)
			MustSave(t, s, Record(tc.Name, "AP", story, Day(1), tc.Entities...))
			var names []string
			for _, e := range append(tc.Entities, tc.Keys...) {
				if strings.TrimSpace(e) != "" {
					names = append(names, e)
				}
			}
			for _, e := range names {
				got, err := s.Stories(ctx, store.StoryQuery{Entity: e})
				if err != nil {
					t.Fatal(err)
				}
				if ids := storyIDs(got); !slices.Equal(ids, []int64{story}) {
					t.Errorf("stories of entity %q = %v, want [%d]", e, ids, story)
				}
			}
			if got, err := s.Stories(ctx, store.StoryQuery{Entity: tc.Name + " nobody"}); err != nil || len(got) != 0 {
				t.Errorf("stories of an entity never stored = %v, %v", storyIDs(got), err)
			}
		})
	}
}

// testSaveBatchStoryAfterMerge saves, in one batch, articles of a story
// both before and after another article's merge folds that story away:
// the articles after it land in the story it joined.
func testSaveBatchStoryAfterMerge(t *testing.T, o Opener) {
	tests := []struct {
		name      string
		merge     bool
		wantLast  int64
		wantCount int // articles of story 2 at the end
	}{
		{"no merge", false, 1, 1},
		{"merge in the batch", true, 2, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := o.New(t)
			ctx := t.Context()
			first := Record("first", "AP", 1, Day(1))
			second := Record("second", "AP", 2, Day(2))
			if tc.merge {
				second.Merges = []store.Merge{{From: 1, Into: 2}}
			}
			last := Record("last", "AP", 1, Day(3))
			MustSave(t, s, first, second, last)
			if got := *last.Article.Story; got != tc.wantLast {
				t.Errorf("last article's story = %d, want %d", got, tc.wantLast)
			}
			st, err := s.Story(ctx, 2)
			if err != nil {
				t.Fatal(err)
			}
			if st.Articles != tc.wantCount {
				t.Errorf("story 2 has %d articles, want %d", st.Articles, tc.wantCount)
			}
		})
	}
}

// testReserveIDs checks that reserved ids are used as given, that saves
// without an id never take a reserved one, and that every article is
// found by search exactly once whatever the order of the ids.
func testReserveIDs(t *testing.T, o Opener) {
	ctx := t.Context()
	s := o.New(t)
	firstA, firstS, err := s.ReserveIDs(ctx, 10, 5)
	if err != nil {
		t.Fatal(err)
	}
	if firstA != 1 || firstS != 1 {
		t.Fatalf("first reservation = article %d, story %d; want 1, 1", firstA, firstS)
	}
	// A save without an id, by another writer, takes an id past the reservation.
	other := MustSave(t, s, Record("other", "Outlet A", 0, nil))[0]
	if other <= firstA+9 {
		t.Fatalf("unreserved save got id %d inside the reserved run %d..%d", other, firstA, firstA+9)
	}
	// Reserved ids saved later and out of order keep their ids.
	recs := []*store.Record{Record("late", "Outlet B", firstS, nil), Record("early", "Outlet B", firstS, nil)}
	recs[0].Article.ID, recs[1].Article.ID = firstA+7, firstA+2
	ids := MustSave(t, s, recs...)
	if ids[0] != firstA+7 || ids[1] != firstA+2 {
		t.Fatalf("saved ids = %v, want [%d %d]", ids, firstA+7, firstA+2)
	}
	nextA, nextS, err := s.ReserveIDs(ctx, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if nextA <= other || nextS < firstS+5 {
		t.Fatalf("second reservation = article %d, story %d; want past %d and from %d on", nextA, nextS, other, firstS+5)
	}
	if next, err := s.NextStoryID(ctx); err != nil || next < nextS+2 {
		t.Errorf("NextStoryID = %d, %v; want past the reserved %d..%d", next, err, nextS, nextS+1)
	}
	for _, name := range []string{"other", "late", "early"} {
		hits, err := s.Search(ctx, name, store.ArticleQuery{})
		if err != nil || len(hits) != 1 {
			t.Errorf("search %q: %d hits, %v; want 1", name, len(hits), err)
		}
	}
}

// testKnownMany checks the one look-up of a batch against the article by
// article Known, key by key.
func testKnownMany(t *testing.T, o Opener) {
	ctx := t.Context()
	s := o.New(t)
	ids := MustSave(t, s, Record("a", "Wire", 0, nil), Record("b", "Paper", 0, nil))
	noURL := Record("c", "Paper", 0, nil)
	noURL.Article.URL = ""
	ids = append(ids, MustSave(t, s, noURL)...)
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
	if len(got) != len(tests) {
		t.Fatalf("KnownMany gives %d ids for %d keys", len(got), len(tests))
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

// testStoriesOf reads the stories of articles in one look-up, in the
// order asked, an article not stored giving 0.
func testStoriesOf(t *testing.T, o Opener) {
	ctx := t.Context()
	s := o.New(t)
	ids := MustSave(t, s, Record("a", "Wire", 7, nil), Record("b", "Paper", 9, nil), Record("c", "Paper", 0, nil))
	got, err := s.StoriesOf(ctx, []int64{ids[1], 999, ids[0], ids[2], ids[1]})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{9, 0, 7, 0, 9}; !slices.Equal(got, want) {
		t.Errorf("StoriesOf = %v, want %v", got, want)
	}
	if got, err := s.StoriesOf(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("no articles: %v, %v", got, err)
	}
}

// testReadWhileWriting runs readers beside batches of writes, as serve
// does while feeds are ingested: both must go on without errors, and
// readers must never see a story counted without its articles.
func testReadWhileWriting(t *testing.T, o Opener) {
	ctx := t.Context()
	s := o.New(t)
	g := NewGenerator(t, 5)
	const batches, size = 10, 50
	var wg sync.WaitGroup
	done := make(chan struct{})
	errs := make(chan error, 16)
	for range 3 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				list, err := s.Stories(ctx, store.StoryQuery{Sort: "biggest", Limit: 1})
				if err != nil {
					errs <- err
					return
				}
				for _, st := range list {
					arts, err := s.Articles(ctx, store.ArticleQuery{Story: st.ID})
					if err != nil {
						errs <- err
						return
					}
					// A story only grows here, so what was counted is there.
					if len(arts) < st.Articles {
						t.Errorf("story %d counted %d articles, %d readable", st.ID, st.Articles, len(arts))
					}
				}
				if _, err := s.Search(ctx, "Lavrov", store.ArticleQuery{Limit: 5}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for range batches {
		recs := make([]*store.Record, size)
		for i := range recs {
			recs[i] = g.Record()
		}
		if _, err := s.SaveBatch(ctx, recs); err != nil {
			close(done)
			wg.Wait()
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("reader: %v", err)
	}
	if n, _ := s.CountArticles(ctx); n != batches*size {
		t.Errorf("articles = %d, want %d", n, batches*size)
	}
}
