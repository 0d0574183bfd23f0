package server

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

// TestAtomFeeds parses both feeds with gofeed, as a feed reader would.
func TestAtomFeeds(t *testing.T) {
	f := newFixture(t, "")
	tests := []struct {
		name     string
		path     string
		entries  int
		idPrefix string
		titles   []string // titles the entries must have, text as stored
		self     string
	}{
		{name: "stories", path: "/stories.atom", entries: 2, idPrefix: "tag:parallax.localhost,2026:story/",
			titles: []string{"Back-channel talks " + xssScript, "Harvest festival opens"}, self: "/stories.atom"},
		{name: "one story", path: fmt.Sprintf("/stories/%d.atom", f.story), entries: 3, idPrefix: "tag:parallax.localhost,2026:article/",
			titles: []string{"Alpha News: Talks " + xssScript, "Beta Post: Secret talks with Lavrov", "Gamma Wire: Talks " + xssScript},
			self:   fmt.Sprintf("/stories/%d.atom", f.story)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(t, nil, request{path: tc.path})
			feed, err := gofeed.NewParser().ParseString(r.body)
			if err != nil {
				t.Fatalf("gofeed: %v\n%s", err, r.body)
			}
			if feed.FeedType != "atom" || feed.FeedVersion != "1.0" {
				t.Errorf("feed type %s %s, want atom 1.0", feed.FeedType, feed.FeedVersion)
			}
			if feed.UpdatedParsed == nil {
				t.Error("feed has no parsable updated time")
			}
			if feed.FeedLink != f.ts.URL+tc.self {
				t.Errorf("self link %q, want %q", feed.FeedLink, f.ts.URL+tc.self)
			}
			if len(feed.Items) != tc.entries {
				t.Fatalf("%d entries, want %d", len(feed.Items), tc.entries)
			}
			var titles []string
			for _, it := range feed.Items {
				titles = append(titles, it.Title)
				if !strings.HasPrefix(it.GUID, tc.idPrefix) {
					t.Errorf("entry id %q, want a tag: URI starting %q", it.GUID, tc.idPrefix)
				}
				if it.UpdatedParsed == nil {
					t.Errorf("entry %q has no parsable updated time", it.Title)
				}
				if !strings.HasPrefix(it.Link, f.ts.URL+"/") {
					t.Errorf("entry %q links to %q, want this site", it.Title, it.Link)
				}
			}
			for _, want := range tc.titles {
				if !strings.Contains(strings.Join(titles, "\n"), want) {
					t.Errorf("no entry titled %q in %q", want, titles)
				}
			}
		})
	}
}

// TestAtomNewestCoverageFirst: a story's feed lists its latest coverage first.
func TestAtomNewestCoverageFirst(t *testing.T) {
	f := newFixture(t, "")
	r := f.do(t, nil, request{path: fmt.Sprintf("/stories/%d.atom", f.story)})
	feed, err := gofeed.NewParser().ParseString(r.body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(feed.Items); i++ {
		if feed.Items[i].UpdatedParsed.After(*feed.Items[i-1].UpdatedParsed) {
			t.Errorf("entry %d (%s) is newer than entry %d (%s)", i, feed.Items[i].Updated, i-1, feed.Items[i-1].Updated)
		}
	}
}

// TestAtomDepartures: a story's feed tells its readers where the articles
// split out of it went, and why.
func TestAtomDepartures(t *testing.T) {
	f := newFixture(t, "")
	cs, err := f.st.SplitStory(t.Context(), f.story, []int64{f.alpha}, "another event")
	if err != nil {
		t.Fatal(err)
	}
	to := cs[0].Target
	r := f.do(t, nil, request{path: fmt.Sprintf("/stories/%d.atom", f.story)})
	feed, err := gofeed.NewParser().ParseString(r.body)
	if err != nil {
		t.Fatalf("gofeed: %v\n%s", err, r.body)
	}
	var left []*gofeed.Item
	for _, it := range feed.Items {
		if strings.HasPrefix(it.Title, fmt.Sprintf("Left for story %d: ", to)) {
			left = append(left, it)
		}
		if it.GUID == fmt.Sprintf("tag:parallax.localhost,2026:article/%d", f.alpha) {
			t.Errorf("the article split out is still an entry of the story's feed")
		}
	}
	// The article and its copy left.
	if len(left) != 2 {
		t.Fatalf("%d entries say an article left for story %d, want 2: %d entries", len(left), to, len(feed.Items))
	}
	for _, it := range left {
		if it.Link != fmt.Sprintf("%s/stories/%d", f.ts.URL, to) || !strings.HasPrefix(it.GUID, fmt.Sprintf("tag:parallax.localhost,2026:story/%d/left/", f.story)) ||
			!strings.Contains(it.Description, fmt.Sprintf("split from story %d by hand: another event", f.story)) {
			t.Errorf("entry %q: link %q, id %q, summary %q", it.Title, it.Link, it.GUID, it.Description)
		}
	}
	if !strings.Contains(left[0].Title+left[1].Title, "Alpha News: Talks") {
		t.Errorf("no departure names Alpha News's article: %q, %q", left[0].Title, left[1].Title)
	}
	if left[0].GUID == left[1].GUID {
		t.Errorf("two departures share the id %q", left[0].GUID)
	}
}

// TestAtomArticleWithoutOutlet: an article whose outlet is not known is an
// entry titled as it is, under the feed's author, and a story's summary
// does not credit its articles to the outlets it names.
func TestAtomArticleWithoutOutlet(t *testing.T) {
	f := newFixture(t, "")
	mustSave(t, f.st, &store.Record{
		Article: &model.Article{Title: "Festival crowds grow", Published: at(9, 9), Language: "de", Story: &f.other,
			ContentHash: "h-nameless", Text: "Crowds at the harvest festival grew on Monday."},
		Decision: model.Decision{Kind: model.DecisionJoin, Score: 0.5, Reason: "shares harvest festival"},
	})
	story := f.do(t, nil, request{path: fmt.Sprintf("/stories/%d.atom", f.other)})
	feed, err := gofeed.NewParser().ParseString(story.body)
	if err != nil {
		t.Fatalf("gofeed: %v\n%s", err, story.body)
	}
	var found bool
	for _, it := range feed.Items {
		if strings.HasSuffix(it.Title, "Festival crowds grow") {
			found = true
			if it.Title != "Festival crowds grow" {
				t.Errorf("entry titled %q, want the article's title alone", it.Title)
			}
		}
	}
	if !found {
		t.Errorf("no entry for the article without an outlet: %s", story.body)
	}
	if strings.Contains(story.body, "<name></name>") {
		t.Errorf("an entry has an author without a name:\n%s", story.body)
	}
	stories := f.do(t, nil, request{path: "/stories.atom"})
	if want := "2 articles. Outlets: Delta Daily."; !strings.Contains(stories.body, want) {
		t.Errorf("stories feed lacks the summary %q:\n%s", want, stories.body)
	}
}

// TestAtomConditional: a feed reader asking again with the ETag or the
// time it was given gets 304 while the feed is unchanged, and the feed
// when it has changed.
func TestAtomConditional(t *testing.T) {
	f := newFixture(t, "")
	for _, path := range []string{"/stories.atom", fmt.Sprintf("/stories/%d.atom", f.story)} {
		first := f.do(t, nil, request{path: path})
		etag, modified := first.header.Get("ETag"), first.header.Get("Last-Modified")
		if first.code != 200 || etag == "" || modified == "" {
			t.Fatalf("GET %s: status %d, ETag %q, Last-Modified %q", path, first.code, etag, modified)
		}
		if r := f.do(t, nil, request{path: path, header: map[string]string{"If-None-Match": etag}}); r.code != 304 || r.body != "" {
			t.Errorf("GET %s with its ETag: status %d, %d bytes; want 304 and none", path, r.code, len(r.body))
		}
		if r := f.do(t, nil, request{path: path, header: map[string]string{"If-Modified-Since": modified}}); r.code != 304 {
			t.Errorf("GET %s with its time: status %d, want 304", path, r.code)
		}
	}
	before := f.do(t, nil, request{path: "/stories.atom"}).header.Get("ETag")
	mustSave(t, f.st, &store.Record{
		Article: &model.Article{Outlet: "Delta Daily", Title: "Festival closes", Published: at(9, 20), Language: "de", Story: &f.other,
			ContentHash: "h-closes", Text: "The harvest festival closed on Friday."},
		Decision: model.Decision{Kind: model.DecisionJoin, Score: 0.5, Reason: "shares harvest festival"},
	})
	if r := f.do(t, nil, request{path: "/stories.atom", header: map[string]string{"If-None-Match": before}}); r.code != 200 {
		t.Errorf("GET /stories.atom with the ETag of before an article arrived: status %d, want 200", r.code)
	}
}
