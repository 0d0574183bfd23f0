package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/pipeline"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/store/sqlite"
)

// Untrusted text that must come out escaped everywhere.
const (
	xssScript = `<script>alert(1)</script>`
	xssImg    = `<img src=x onerror=alert(2)>`
)

// fakePipeline stands in for the pipeline: it saves posted articles
// straight into the real store and answers Story from the store plus a
// fixed comparison, so the tests control every field a page shows.
type fakePipeline struct {
	st      store.Store
	compare func(*model.Story)
}

func (p *fakePipeline) IngestItem(ctx context.Context, it source.Item) (pipeline.Result, error) {
	res := pipeline.Result{Input: it.Input}
	if strings.Contains(string(it.Body), "UNREADABLE") {
		res.Status, res.Err = pipeline.StatusFailed, fmt.Errorf("%s: no article text found", it.Input)
		return res, res.Err
	}
	sum := sha256.Sum256(it.Body)
	hash := hex.EncodeToString(sum[:])
	if id, err := p.st.Known(ctx, it.Hint.URL, hash); err == nil {
		res.Status, res.Article = pipeline.StatusKnown, id
		return res, nil
	}
	sid, err := p.st.NextStoryID(ctx)
	if err != nil {
		return res, err
	}
	a := &model.Article{
		ExternalID: it.Hint.ExternalID, Outlet: it.Hint.Outlet, Title: it.Hint.Title, URL: it.Hint.URL,
		Published: it.Hint.Published, Language: "en", Story: &sid, Text: string(it.Body),
		Source: it.Input, Format: it.Kind, ContentHash: hash,
	}
	id, err := p.st.Save(ctx, &store.Record{Article: a, Raw: it.Raw, Decision: model.Decision{Kind: model.DecisionNew, Reason: "nothing close enough"}})
	if err != nil {
		return res, err
	}
	res.Status, res.Article, res.Story = pipeline.StatusNew, id, sid
	return res, nil
}

func (p *fakePipeline) IngestURL(ctx context.Context, u string) (pipeline.Result, error) {
	if id, err := p.st.Known(ctx, u, ""); err == nil {
		return pipeline.Result{Input: u, Article: id, Status: pipeline.StatusKnown}, nil
	}
	err := fmt.Errorf("%s: fetch refused: tests reach no network", u)
	return pipeline.Result{Input: u, Status: pipeline.StatusFailed, Err: err}, err
}

func (p *fakePipeline) Story(ctx context.Context, id int64) (*model.Story, error) {
	sum, err := p.st.Story(ctx, id) // its errors name the story
	if err != nil {
		return nil, err
	}
	arts, err := p.st.Articles(ctx, store.ArticleQuery{Story: id})
	if err != nil {
		return nil, err
	}
	decs, err := p.st.Decisions(ctx, id)
	if err != nil {
		return nil, err
	}
	st := &model.Story{ID: id, Title: sum.Title, Articles: arts, Explanations: decs}
	if p.compare != nil {
		p.compare(st)
	}
	return st, nil
}

func (p *fakePipeline) Merge(ctx context.Context, from, into int64, reason string) (model.Correction, error) {
	c, err := p.st.MergeStories(ctx, from, into, reason)
	if err != nil {
		return c, fmt.Errorf("merge story %d into %d: %w", from, into, err)
	}
	return c, nil
}

func (p *fakePipeline) Move(ctx context.Context, article, to int64, reason string) (model.Correction, error) {
	c, err := p.st.MoveArticle(ctx, article, to, reason)
	if err != nil {
		return c, fmt.Errorf("move article %d: %w", article, err)
	}
	return c, nil
}

func (p *fakePipeline) Split(ctx context.Context, story int64, articles []int64, reason string) ([]model.Correction, error) {
	return p.st.SplitStory(ctx, story, articles, reason) // its errors name the story
}

// fixture is a server over a real SQLite store holding one compared story
// (two outlets and a copy, with hostile text) and a second plain story.
type fixture struct {
	srv     *Server
	ts      *httptest.Server
	st      store.Store
	story   int64 // the compared story
	other   int64 // a second story
	alpha   int64 // Alpha News's article, hostile text
	beta    int64 // Beta Post's article
	copyID  int64 // Gamma Wire's copy of alpha
	otherID int64 // the second story's article
}

func at(day, hour int) *time.Time {
	t := time.Date(2023, 7, day, hour, 0, 0, 0, time.UTC)
	return &t
}

func newFixture(t testing.TB, token string) *fixture {
	t.Helper()
	ctx := t.Context()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "parallax.db"), log)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{st: st}
	f.story = mustStoryID(t, st)
	f.other = mustStoryID(t, st)

	alphaText := "Officials met in New York in April, NBC News reported.\n\n" +
		"Only Alpha says " + xssScript + " and " + xssImg + " happened.\n\n" +
		"Mary Beth Long took part."
	f.alpha = mustSave(t, st, &store.Record{
		Article: &model.Article{Outlet: "Alpha News", Title: "Talks " + xssScript, URL: "https://alpha.example/talks",
			Published: at(6, 9), Language: "en", Story: &f.story, Text: alphaText, ContentHash: "h-alpha",
			Removed: []model.Removal{{Kind: model.RemovalPromo, Text: "PROMO " + xssImg}}},
		StoryTitle: "Back-channel talks " + xssScript,
		Decision:   model.Decision{Kind: model.DecisionNew, Reason: "nothing close enough " + xssImg},
		Entities:   []string{"Sergey Lavrov", "New York"},
	})
	f.beta = mustSave(t, st, &store.Record{
		Article: &model.Article{Outlet: "Beta Post", Title: "Secret talks with Lavrov", URL: "https://beta.example/talks",
			Published: at(7, 15), Language: "en", Story: &f.story, ContentHash: "h-beta",
			Text: "Officials met in New York in April, NBC News reported.\n\nRebekah Koffler told Beta Post the sides are far apart."},
		Decision: model.Decision{Kind: model.DecisionJoin, Score: 0.61, Reason: "shares Lavrov and New York", Entities: []string{"Sergey Lavrov"}},
		Entities: []string{"Sergey Lavrov"},
	})
	f.copyID = mustSave(t, st, &store.Record{
		Article: &model.Article{Outlet: "Gamma Wire", Title: "Talks " + xssScript, URL: "https://gamma.example/talks",
			Published: at(6, 11), Language: "en", Story: &f.story, CopyOf: &f.alpha, ContentHash: "h-gamma", Text: alphaText + " Gamma."},
		Decision: model.Decision{Kind: model.DecisionCopy, Score: 0.97, Compared: f.alpha, Reason: "near-duplicate of Alpha News"},
	})
	f.otherID = mustSave(t, st, &store.Record{
		Article: &model.Article{Outlet: "Delta Daily", Title: "Harvest festival opens", URL: "https://delta.example/harvest",
			Published: at(9, 8), Language: "de", Story: &f.other, ContentHash: "h-delta", Text: "The harvest festival opened on Sunday."},
		Decision: model.Decision{Kind: model.DecisionNew, Reason: "nothing close enough"},
	})

	feed, err := st.AddFeed(ctx, model.Feed{URL: "https://alpha.example/feed", Title: "Alpha feed " + xssScript, Outlet: "Alpha News"})
	if err != nil {
		t.Fatalf("add feed: %v", err)
	}
	feed.LastError, feed.Failures = "HTTP 500 "+xssImg, 2
	if err := st.UpdateFeed(ctx, feed); err != nil {
		t.Fatalf("update feed: %v", err)
	}

	p := &fakePipeline{st: st, compare: func(s *model.Story) {
		if s.ID != f.story {
			s.Note = "One article: nothing to compare."
			return
		}
		both := []string{"Alpha News", "Beta Post"}
		s.Facts = []model.Fact{
			{Text: "Officials met in New York in April, NBC News reported.", Outlets: both, Kind: model.FactCommon},
			{Text: "Only Alpha says " + xssScript + " and " + xssImg + " happened.", Outlets: []string{"Alpha News"}, Kind: model.FactUnique,
				Evidence: []model.Evidence{{Article: f.alpha, Outlet: "Alpha News", Sentence: "Only Alpha says " + xssScript + " and " + xssImg + " happened."}}},
			{Text: "Mary Beth Long took part.", Outlets: []string{"Alpha News"}, Kind: model.FactUnique,
				Evidence: []model.Evidence{{Article: f.alpha, Outlet: "Alpha News", Sentence: "Mary Beth Long took part."}}},
			{Text: "Rebekah Koffler told Beta Post the sides are far apart.", Outlets: []string{"Beta Post"}, Kind: model.FactUnique,
				Evidence: []model.Evidence{{Article: f.beta, Outlet: "Beta Post", Sentence: "Rebekah Koffler told Beta Post the sides are far apart."}}},
		}
		s.Quotes = []model.Quote{{Speaker: "Rebekah Koffler", Text: "the sides are far apart " + xssImg, Cue: "told", Outlets: []string{"Beta Post"}}}
		s.Citations = []model.Citation{{Source: "NBC News", Outlets: both}, {Source: "The Associated Press " + xssScript, Outlets: []string{"Beta Post"}}}
		s.Entities = []model.Entity{{Name: "Sergey Lavrov", Kind: model.EntityPerson, Variants: []string{"Lavrov"}, Outlets: both},
			{Name: "Council on Foreign Relations", Kind: model.EntityOrg, Variants: []string{"CFR", "Council of Foreign Relations " + xssImg}, Outlets: both}}
		s.Discrepancies = []model.Discrepancy{{Kind: "publication_date", Description: "Dated a day apart " + xssScript, Outlets: both}}
		s.Lineage = &model.Lineage{Original: "NBC News", Rereporting: both, Independent: 1}
	}}
	f.srv = New(Config{Token: token}, st, p, log)
	f.ts = httptest.NewServer(f.srv)
	t.Cleanup(f.ts.Close)
	return f
}

func mustStoryID(t testing.TB, st store.Store) int64 {
	t.Helper()
	id, err := st.NextStoryID(t.Context())
	if err != nil {
		t.Fatalf("reserve story id: %v", err)
	}
	return id
}

func mustSave(t testing.TB, st store.Store, rec *store.Record) int64 {
	t.Helper()
	if rec.Raw.ContentType == "" {
		rec.Raw = model.Raw{ContentType: "text/plain", Bytes: []byte(rec.Article.Text)}
	}
	id, err := st.Save(t.Context(), rec)
	if err != nil {
		t.Fatalf("save %q: %v", rec.Article.Title, err)
	}
	return id
}

// request is one HTTP exchange against the fixture's server.
type request struct {
	method, path string
	body         string
	header       map[string]string
	form         url.Values
}

type response struct {
	code   int
	header http.Header
	body   string
}

func (f *fixture) do(t *testing.T, c *http.Client, rq request) response {
	t.Helper()
	if c == nil {
		c = noRedirect(nil)
	}
	var body io.Reader
	if rq.form != nil {
		body = strings.NewReader(rq.form.Encode())
	} else if rq.body != "" {
		body = strings.NewReader(rq.body)
	}
	req, err := http.NewRequestWithContext(t.Context(), cmpOr(rq.method, http.MethodGet), f.ts.URL+rq.path, body)
	if err != nil {
		t.Fatalf("%s %s: %v", rq.method, rq.path, err)
	}
	if rq.form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range rq.header {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", rq.method, rq.path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", rq.method, rq.path, err)
	}
	return response{code: resp.StatusCode, header: resp.Header, body: string(b)}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// noRedirect is a client (with a cookie jar when given) that reports
// redirects instead of following them, so tests see the 303.
func noRedirect(jar http.CookieJar) *http.Client {
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func newJar(t *testing.T) http.CookieJar {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return jar
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrfFrom fetches a page with the client and returns the CSRF token of its forms.
func (f *fixture) csrfFrom(t *testing.T, c *http.Client, path string) string {
	t.Helper()
	r := f.do(t, c, request{path: path})
	m := csrfInput.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("GET %s: no CSRF field in the page", path)
	}
	return m[1]
}

// signIn returns a client holding a session on the fixture's server.
func (f *fixture) signIn(t *testing.T, token string) *http.Client {
	t.Helper()
	c := noRedirect(newJar(t))
	csrf := f.csrfFrom(t, c, "/signin")
	r := f.do(t, c, request{method: http.MethodPost, path: "/signin", form: url.Values{"csrf": {csrf}, "token": {token}, "next": {"/outlets"}}})
	if r.code != http.StatusSeeOther || r.header.Get("Location") != "/outlets" {
		t.Fatalf("sign in: got %d to %q, want 303 to /outlets; body: %s", r.code, r.header.Get("Location"), r.body)
	}
	return c
}

func storyPath(id int64) string   { return fmt.Sprintf("/stories/%d", id) }
func articlePath(id int64) string { return fmt.Sprintf("/articles/%d", id) }
