package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

// feedRoutes are the Atom feeds; /stories/{id}.atom is reached through the
// story page's pattern (see pageRoutes).
func (s *Server) feedRoutes() []route {
	return []route{
		{"GET /stories.atom", http.HandlerFunc(s.storiesFeed)},
	}
}

// Atom 1.0 (RFC 4287), only the elements Parallax fills. encoding/xml
// escapes every text, so article text cannot become markup in a reader.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomEntry struct {
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Updated   string      `xml:"updated"`
	Published string      `xml:"published,omitempty"`
	Author    *atomPerson `xml:"author,omitempty"`
	Links     []atomLink  `xml:"link"`
	Summary   atomText    `xml:"summary"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

const (
	feedEntries    = 50
	summaryRunes   = 400
	tagDate        = "2026"
	defaultTagHost = "parallax.localhost"
)

// base is the site's absolute address for links in feeds.
func (s *Server) base(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return s.cfg.BaseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// tagHost is the authority of the feeds' tag: URIs: the public host when
// one is configured.
func (s *Server) tagHost() string {
	if u, err := url.Parse(s.cfg.BaseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return defaultTagHost
}

// tag is a tag: URI (RFC 4151) naming a story or an article for good,
// whatever address the server is reached at.
func (s *Server) tag(kind string, id int64) string {
	return fmt.Sprintf("tag:%s,%s:%s/%d", s.tagHost(), tagDate, kind, id)
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (s *Server) storiesFeed(w http.ResponseWriter, r *http.Request) {
	stories, err := s.st.Stories(r.Context(), store.StoryQuery{Sort: "updated", Limit: feedEntries})
	if err != nil {
		s.feedFail(w, r, fmt.Errorf("list stories: %w", err))
		return
	}
	base := s.base(r)
	feed := atomFeed{
		ID:     "tag:" + s.tagHost() + "," + tagDate + ":stories",
		Title:  "Parallax: stories",
		Author: atomPerson{Name: "Parallax"},
		Links: []atomLink{
			{Href: base + "/stories.atom", Rel: "self", Type: "application/atom+xml"},
			{Href: base + "/", Rel: "alternate", Type: "text/html"},
		},
	}
	var newest time.Time
	for _, st := range stories {
		updated := orNow(storyUpdated(st))
		newest = later(newest, updated)
		feed.Entries = append(feed.Entries, atomEntry{
			ID:      s.tag("story", st.ID),
			Title:   st.Title,
			Updated: atomTime(updated),
			Links:   []atomLink{{Href: fmt.Sprintf("%s/stories/%d", base, st.ID), Rel: "alternate", Type: "text/html"}},
			Summary: atomText{Type: "text", Body: storySummary(st)},
		})
	}
	feed.Updated = atomTime(orNow(newest))
	s.writeFeed(w, r, feed)
}

func (s *Server) storyFeed(w http.ResponseWriter, r *http.Request) {
	id, err := parseID(strings.TrimSuffix(r.PathValue("id"), atomSuffix))
	if err != nil {
		s.feedFail(w, r, err)
		return
	}
	sum, err := s.st.Story(r.Context(), id)
	if err != nil {
		s.feedFail(w, r, err) // it names the story
		return
	}
	arts, err := s.st.Articles(r.Context(), store.ArticleQuery{Story: id, WithText: true})
	if err != nil {
		s.feedFail(w, r, fmt.Errorf("articles of story %d: %w", id, err))
		return
	}
	base := s.base(r)
	feed := atomFeed{
		ID:     s.tag("story", id),
		Title:  "Parallax: " + sum.Title,
		Author: atomPerson{Name: "Parallax"},
		Links: []atomLink{
			{Href: fmt.Sprintf("%s/stories/%d.atom", base, id), Rel: "self", Type: "application/atom+xml"},
			{Href: fmt.Sprintf("%s/stories/%d", base, id), Rel: "alternate", Type: "text/html"},
		},
	}
	left, err := s.departures(r.Context(), base, id, arts)
	if err != nil {
		s.feedFail(w, r, err)
		return
	}
	// Newest coverage first; only the entries shown are built.
	slices.SortStableFunc(arts, func(a, b model.Article) int { return articleUpdated(b).Compare(articleUpdated(a)) })
	entries := left
	for _, a := range arts[:min(len(arts), feedEntries)] {
		e := atomEntry{
			ID:      s.tag("article", a.ID),
			Title:   outletTitle(a),
			Links:   []atomLink{{Href: fmt.Sprintf("%s/articles/%d", base, a.ID), Rel: "alternate", Type: "text/html"}},
			Summary: atomText{Type: "text", Body: shorten(summaryRunes, strings.Join(strings.Fields(a.Text), " "))},
		}
		if a.Outlet != "" { // else the feed's author stands
			e.Author = &atomPerson{Name: a.Outlet}
		}
		if a.Published != nil {
			e.Published = atomTime(*a.Published)
		}
		if a.URL != "" {
			e.Links = append(e.Links, atomLink{Href: a.URL, Rel: "related", Type: "text/html"})
		}
		entries = append(entries, datedEntry{orNow(articleUpdated(a)), e})
	}
	slices.SortStableFunc(entries, func(a, b datedEntry) int { return b.at.Compare(a.at) })
	var newest time.Time
	for _, e := range entries[:min(len(entries), feedEntries)] {
		newest = later(newest, e.at)
		e.entry.Updated = atomTime(e.at)
		feed.Entries = append(feed.Entries, e.entry)
	}
	feed.Updated = atomTime(orNow(later(newest, storyUpdated(*sum))))
	s.writeFeed(w, r, feed)
}

// datedEntry is a feed entry with the time that orders it.
type datedEntry struct {
	at    time.Time
	entry atomEntry
}

// departures are the story feed's entries for the articles that left the
// story, on regrouping or by a person's hand: a reader following a story
// learns where its coverage went, not only that it is gone.
func (s *Server) departures(ctx context.Context, base string, id int64, arts []model.Article) ([]datedEntry, error) {
	ds, err := s.st.Decisions(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("decisions of story %d: %w", id, err)
	}
	here := make(map[int64]bool, len(arts))
	for _, a := range arts {
		here[a.ID] = true
	}
	left := slices.DeleteFunc(ds, func(d model.Decision) bool { return d.Article == 0 || d.Story == id || here[d.Article] })
	if len(left) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(left))
	for i, d := range left {
		ids[i] = d.Article
	}
	gone, err := s.st.Articles(ctx, store.ArticleQuery{IDs: ids})
	if err != nil {
		return nil, fmt.Errorf("articles that left story %d: %w", id, err)
	}
	titles := make(map[int64]string, len(gone))
	for _, a := range gone {
		titles[a.ID] = outletTitle(a)
	}
	var out []datedEntry
	for _, d := range left {
		title, ok := titles[d.Article]
		if !ok { // not stored: named by its id
			title = fmt.Sprintf("article %d", d.Article)
		}
		out = append(out, datedEntry{at: orNow(d.At), entry: atomEntry{
			ID:      fmt.Sprintf("%s/left/%d/%d", s.tag("story", id), d.Article, d.At.UnixNano()),
			Title:   fmt.Sprintf("Left for story %d: %s", d.Story, title),
			Links:   []atomLink{{Href: fmt.Sprintf("%s/stories/%d", base, d.Story), Rel: "alternate", Type: "text/html"}},
			Summary: atomText{Type: "text", Body: d.Reason},
		}})
	}
	return out, nil
}

func (s *Server) writeFeed(w http.ResponseWriter, r *http.Request, feed atomFeed) {
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		s.feedFail(w, r, fmt.Errorf("encode feed: %w", err))
		return
	}
	body := append([]byte(xml.Header), out...)
	// Feed readers poll: with the ETag and the feed's time they ask again
	// conditionally, and an unchanged feed costs them a 304. The tag is the
	// body's hash, as the feed is drawn anew for each request anyway.
	sum := sha256.Sum256(body)
	h := w.Header()
	h.Set("Content-Type", "application/atom+xml; charset=utf-8")
	h.Set("ETag", `"`+hex.EncodeToString(sum[:12])+`"`)
	h.Set("Cache-Control", "no-cache")
	updated, _ := time.Parse(time.RFC3339, feed.Updated) // written by atomTime
	http.ServeContent(w, r, "", updated, bytes.NewReader(body))
}

// feedFail answers a feed reader in plain text: it shows no pages.
func (s *Server) feedFail(w http.ResponseWriter, r *http.Request, err error) {
	if loc, _, ok := mergedLocation(r, err); ok {
		http.Redirect(w, r, loc, http.StatusMovedPermanently)
		return
	}
	code := status(err)
	msg := err.Error()
	if code >= 500 {
		s.log.ErrorContext(r.Context(), "feed failed", slog.String("path", r.URL.Path), slog.Any("error", err))
		msg = http.StatusText(code)
	}
	http.Error(w, msg, code)
}

// storyUpdated is when a story last changed, as best the summary knows.
func storyUpdated(st model.StorySummary) time.Time {
	switch {
	case !st.Updated.IsZero():
		return st.Updated
	case st.LastPublished != nil:
		return *st.LastPublished
	}
	return time.Time{}
}

// articleUpdated is when an article reached Parallax, else when it was published.
func articleUpdated(a model.Article) time.Time {
	switch {
	case !a.Ingested.IsZero():
		return a.Ingested
	case a.Published != nil:
		return *a.Published
	}
	return time.Time{}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// orNow stands in for an unknown time: Atom requires an updated time.
func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}

// outletTitle is an article's title after its outlet's name, where it has one.
func outletTitle(a model.Article) string {
	if a.Outlet == "" {
		return a.Title
	}
	return a.Outlet + ": " + a.Title
}

// storySummary counts a story's articles and names its outlets; articles
// with no outlet named are counted but not named, so the outlets are not
// said to be all of it.
func storySummary(st model.StorySummary) string {
	s := plural(st.Articles, "article", "articles") + "."
	if len(st.Outlets) > 0 {
		s += " Outlets: " + strings.Join(st.Outlets, ", ") + "."
	}
	return s
}
