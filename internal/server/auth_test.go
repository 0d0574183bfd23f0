package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

// TestAPIWrites: every API write is refused without the token, with a wrong
// one, and when the server has none; accepted with it.
func TestAPIWrites(t *testing.T) {
	f := newFixture(t, testToken)
	none := newFixture(t, "")
	bearer := map[string]string{"Authorization": "Bearer " + testToken}
	wrong := map[string]string{"Authorization": "Bearer not-" + testToken}
	article := `{"id":"x-1","outlet":"Epsilon Times","url":"https://epsilon.example/a","title":"Lavrov speaks","published":"2023-07-08","text":"Lavrov spoke in Moscow on Saturday."}`
	writes := []request{
		{method: http.MethodPost, path: "/api/v1/articles", body: article},
		{method: http.MethodPost, path: fmt.Sprintf("/api/v1/stories/%d/merge", f.other), body: fmt.Sprintf(`{"into":%d}`, f.story)},
		{method: http.MethodPost, path: fmt.Sprintf("/api/v1/articles/%d/move", f.beta), body: `{"to":0}`},
		{method: http.MethodPost, path: fmt.Sprintf("/api/v1/stories/%d/split", f.story), body: fmt.Sprintf(`{"articles":[%d]}`, f.alpha)},
		{method: http.MethodPost, path: "/api/v1/feeds", body: `{"url":"https://feeds.example/rss"}`},
		{method: http.MethodDelete, path: "/api/v1/feeds/1"},
	}
	for _, w := range writes {
		t.Run("refused "+w.method+" "+w.path, func(t *testing.T) {
			cases := []struct {
				name   string
				fx     *fixture
				header map[string]string
				code   int
				msg    string
			}{
				{name: "no token", fx: f, code: http.StatusUnauthorized, msg: "Authorization: Bearer"},
				{name: "wrong token", fx: f, header: wrong, code: http.StatusUnauthorized, msg: "Authorization: Bearer"},
				{name: "basic auth", fx: f, header: map[string]string{"Authorization": "Basic " + testToken}, code: http.StatusUnauthorized},
				{name: "server without token", fx: none, header: bearer, code: http.StatusForbidden, msg: "writes are disabled"},
			}
			for _, tc := range cases {
				rq := w
				rq.header = tc.header
				r := tc.fx.do(t, nil, rq)
				if r.code != tc.code || !strings.Contains(r.body, tc.msg) {
					t.Errorf("%s: status %d body %s; want %d with %q", tc.name, r.code, r.body, tc.code, tc.msg)
				}
			}
		})
	}

	tests := []struct {
		name     string
		rq       request
		code     int
		contains string
	}{
		{name: "post article", rq: request{method: http.MethodPost, path: "/api/v1/articles", body: article}, code: 201, contains: `"status": "new"`},
		{name: "post article again", rq: request{method: http.MethodPost, path: "/api/v1/articles", body: article}, code: 200, contains: `"status": "known"`},
		{name: "post known url", rq: request{method: http.MethodPost, path: "/api/v1/articles", body: `{"url":"https://beta.example/talks"}`}, code: 200,
			contains: fmt.Sprintf(`"id": %d`, f.beta)},
		{name: "post url that fails", rq: request{method: http.MethodPost, path: "/api/v1/articles", body: `{"url":"https://nowhere.example/x"}`}, code: 422, contains: "tests reach no network"},
		{name: "post unreadable", rq: request{method: http.MethodPost, path: "/api/v1/articles", body: `{"text":"UNREADABLE"}`}, code: 422, contains: "no article text found"},
		{name: "post nothing", rq: request{method: http.MethodPost, path: "/api/v1/articles", body: `{}`}, code: 400, contains: "to fetch an article"},
		{name: "post not json", rq: request{method: http.MethodPost, path: "/api/v1/articles", body: `text`}, code: 400, contains: "not a JSON object"},
		{name: "post bad date", rq: request{method: http.MethodPost, path: "/api/v1/articles", body: `{"text":"x y z","published":"soon"}`}, code: 400, contains: "published"},
		{name: "post id with a NUL", rq: request{method: http.MethodPost, path: "/api/v1/articles", body: `{"id":"a\u0000b","text":"x y z"}`}, code: 400, contains: "id holds a control character"},
		{name: "post too large", rq: request{method: http.MethodPost, path: "/api/v1/articles", body: `{"text":"` + strings.Repeat("a", maxArticleBytes) + `"}`}, code: 413},
		{name: "merge", rq: request{method: http.MethodPost, path: fmt.Sprintf("/api/v1/stories/%d/merge", f.other), body: fmt.Sprintf(`{"into":%d,"reason":"same event"}`, f.story)},
			code: 200, contains: fmt.Sprintf(`"target": %d`, f.story)},
		{name: "merge into itself", rq: request{method: http.MethodPost, path: fmt.Sprintf("/api/v1/stories/%d/merge", f.story), body: fmt.Sprintf(`{"into":%d}`, f.story)},
			code: 409, contains: fmt.Sprintf("story %d into itself", f.story)},
		{name: "wrong method", rq: request{method: http.MethodDelete, path: fmt.Sprintf("/api/v1/stories/%d", f.story)},
			code: 405, contains: fmt.Sprintf(`"error": "DELETE /api/v1/stories/%d: use GET"`, f.story)},
		{name: "merge unknown story", rq: request{method: http.MethodPost, path: "/api/v1/stories/9999/merge", body: fmt.Sprintf(`{"into":%d}`, f.story)}, code: 404},
		{name: "merge without into", rq: request{method: http.MethodPost, path: fmt.Sprintf("/api/v1/stories/%d/merge", f.story), body: `{}`}, code: 400, contains: "into"},
		{name: "merge unknown field", rq: request{method: http.MethodPost, path: fmt.Sprintf("/api/v1/stories/%d/merge", f.story), body: `{"onto":1}`}, code: 400},
		{name: "move to new story", rq: request{method: http.MethodPost, path: fmt.Sprintf("/api/v1/articles/%d/move", f.beta), body: `{"to":0,"reason":"different event"}`}, code: 200, contains: `"kind": "move"`},
		{name: "move without to", rq: request{method: http.MethodPost, path: fmt.Sprintf("/api/v1/articles/%d/move", f.beta), body: `{}`}, code: 400},
		// The story now holds Alpha News's article, its copy and the other story's.
		{name: "split without articles", rq: request{method: http.MethodPost, path: fmt.Sprintf("/api/v1/stories/%d/split", f.story), body: `{"articles":[]}`}, code: 400, contains: "articles"},
		{name: "split unknown story", rq: request{method: http.MethodPost, path: "/api/v1/stories/9999/split", body: fmt.Sprintf(`{"articles":[%d]}`, f.alpha)}, code: 404, contains: "9999"},
		{name: "split article of another story", rq: request{method: http.MethodPost, path: fmt.Sprintf("/api/v1/stories/%d/split", f.story), body: fmt.Sprintf(`{"articles":[%d]}`, f.beta)},
			code: 409, contains: fmt.Sprintf("article %d is not in story %d", f.beta, f.story)},
		{name: "split every article", rq: request{method: http.MethodPost, path: fmt.Sprintf("/api/v1/stories/%d/split", f.story), body: fmt.Sprintf(`{"articles":[%d,%d]}`, f.alpha, f.otherID)},
			code: 409, contains: "leaves at least one"},
		{name: "split with the copy", rq: request{method: http.MethodPost, path: fmt.Sprintf("/api/v1/stories/%d/split", f.story), body: fmt.Sprintf(`{"articles":[%d],"reason":"another event"}`, f.alpha)},
			code: 200, contains: `"kind": "split"`},
		{name: "add feed", rq: request{method: http.MethodPost, path: "/api/v1/feeds", body: `{"url":"https://feeds.example/rss","outlet":"Feeds Example"}`}, code: 201, contains: `"id": 2`},
		{name: "add feed again", rq: request{method: http.MethodPost, path: "/api/v1/feeds", body: `{"url":"https://feeds.example/rss"}`}, code: 409},
		{name: "add feed not http", rq: request{method: http.MethodPost, path: "/api/v1/feeds", body: `{"url":"file:///etc/passwd"}`}, code: 400},
		{name: "list feeds", rq: request{path: "/api/v1/feeds"}, code: 200, contains: "Feeds Example"},
		{name: "remove feed", rq: request{method: http.MethodDelete, path: "/api/v1/feeds/1"}, code: 204},
		{name: "remove feed again", rq: request{method: http.MethodDelete, path: "/api/v1/feeds/1"}, code: 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.rq.header = bearer
			r := f.do(t, nil, tc.rq)
			if r.code != tc.code || !strings.Contains(r.body, tc.contains) {
				t.Fatalf("%s %s: status %d body %s; want %d with %q", tc.rq.method, tc.rq.path, r.code, shortBody(r.body), tc.code, tc.contains)
			}
		})
	}

	// The split took Alpha News's article out with its copy.
	alpha, err := f.st.Article(t.Context(), f.alpha)
	if err != nil {
		t.Fatal(err)
	}
	if cp, err := f.st.Article(t.Context(), f.copyID); err != nil || *alpha.Story == f.story || *cp.Story != *alpha.Story {
		t.Errorf("after the split, Alpha News's article is in story %d and its copy in %v (%v); want both in a new story", *alpha.Story, cp, err)
	}
	// The story left says where the article went, and why.
	page := f.do(t, nil, request{method: http.MethodGet, path: storyPath(f.story)})
	for _, want := range []string{
		fmt.Sprintf(`split from story %d by hand: another event <span class="muted">(left for <a href="/stories/%d">story %d</a>)`, f.story, *alpha.Story, *alpha.Story),
	} {
		if page.code != 200 || !strings.Contains(page.body, want) {
			t.Errorf("story %d page: status %d, does not hold %q", f.story, page.code, want)
		}
	}

	// The posted article is stored with what it said about itself.
	hits, err := f.st.Search(t.Context(), "Moscow", store.ArticleQuery{})
	if err != nil || len(hits) != 1 {
		t.Fatalf("search for the posted article: %d hits, %v", len(hits), err)
	}
	if a := hits[0].Article; a.Outlet != "Epsilon Times" || a.ExternalID != "x-1" || a.Published == nil || a.Published.Format("2006-01-02") != "2023-07-08" {
		t.Errorf("posted article stored as %+v", a)
	}
}

func shortBody(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// TestPageWrites: page forms need writes enabled, a session and the form's
// CSRF token.
func TestPageWrites(t *testing.T) {
	f := newFixture(t, testToken)
	signed := f.signIn(t, testToken)
	csrf := f.csrfFrom(t, signed, storyPath(f.story))
	move := func(to, token string) request {
		return request{method: http.MethodPost, path: articlePath(f.beta) + "/move", form: url.Values{"to": {to}, "csrf": {token}, "reason": {"test"}}}
	}

	// The split below makes the only new story, after the id this takes.
	taken, err := f.st.NextStoryID(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	split := taken + 1

	anon := noRedirect(newJar(t))
	anonCSRF := f.csrfFrom(t, anon, "/signin")
	otherBrowser := noRedirect(newJar(t))
	f.csrfFrom(t, otherBrowser, "/signin")

	tests := []struct {
		name     string
		c        *http.Client
		rq       request
		code     int
		location string
		contains string
	}{
		{name: "anonymous", c: anon, rq: move("0", anonCSRF), code: 403, contains: "sign in"},
		{name: "no csrf", c: signed, rq: move("0", ""), code: 403, contains: "security token"},
		{name: "wrong csrf", c: signed, rq: move("0", csrf+"x"), code: 403, contains: "security token"},
		{name: "another browser's csrf", c: otherBrowser, rq: move("0", csrf), code: 403},
		{name: "bad story number", c: signed, rq: move("soon", csrf), code: 400, contains: "not a story number"},
		{name: "move to the other story", c: signed, rq: move(fmt.Sprint(f.other), csrf), code: 303, location: storyPath(f.other)},
		{name: "merge back", c: signed, rq: request{method: http.MethodPost, path: storyPath(f.other) + "/merge",
			form: url.Values{"into": {fmt.Sprint(f.story)}, "csrf": {csrf}}}, code: 303, location: storyPath(f.story)},
		{name: "split nothing ticked", c: signed, rq: request{method: http.MethodPost, path: storyPath(f.story) + "/split",
			form: url.Values{"csrf": {csrf}}}, code: 400, contains: "tick the articles"},
		{name: "split not a number", c: signed, rq: request{method: http.MethodPost, path: storyPath(f.story) + "/split",
			form: url.Values{"article": {"first"}, "csrf": {csrf}}}, code: 400, contains: "not an article number"},
		{name: "split ticked", c: signed, rq: request{method: http.MethodPost, path: storyPath(f.story) + "/split",
			form: url.Values{"article": {fmt.Sprint(f.alpha), fmt.Sprint(f.beta)}, "csrf": {csrf}, "reason": {"test"}}}, code: 303, location: storyPath(split)},
		{name: "sign out", c: signed, rq: request{method: http.MethodPost, path: "/signout", form: url.Values{"csrf": {csrf}}}, code: 303, location: "/"},
		{name: "signed out", c: signed, rq: move("0", csrf), code: 403, contains: "sign in"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(t, tc.c, tc.rq)
			if r.code != tc.code {
				t.Fatalf("status %d, want %d; body %s", r.code, tc.code, shortBody(r.body))
			}
			if got := r.header.Get("Location"); got != tc.location {
				t.Errorf("Location %q, want %q", got, tc.location)
			}
			if !strings.Contains(r.body, tc.contains) {
				t.Errorf("body lacks %q", tc.contains)
			}
		})
	}
	// The move, the merge and the split happened: Beta Post went and came
	// back, then left with Alpha News and its copy; the corrections are kept.
	for _, id := range []int64{f.alpha, f.beta, f.copyID} {
		a, err := f.st.Article(t.Context(), id)
		if err != nil || a.Story == nil || *a.Story != split {
			t.Errorf("article %d after the corrections: %+v, %v; want in story %d", id, a, err, split)
		}
	}
	cs, err := f.st.Corrections(t.Context())
	if kinds := correctionKinds(cs); err != nil || kinds != "move merge split split split" {
		t.Errorf("corrections: %s, %v; want a move, a merge and three splits", kinds, err)
	}
}

func correctionKinds(cs []model.Correction) string {
	kinds := make([]string, len(cs))
	for i, c := range cs {
		kinds[i] = c.Kind
	}
	return strings.Join(kinds, " ")
}

func TestSignIn(t *testing.T) {
	f := newFixture(t, testToken)
	none := newFixture(t, "")
	tests := []struct {
		name     string
		fx       *fixture
		token    string
		csrf     bool
		next     string
		code     int
		location string
		contains string
	}{
		{name: "right token", fx: f, token: testToken, csrf: true, next: "/outlets", code: 303, location: "/outlets"},
		{name: "offsite next", fx: f, token: testToken, csrf: true, next: "//evil.example/", code: 303, location: "/"},
		{name: "wrong token", fx: f, token: "guess", csrf: true, code: 401, contains: "not the server"},
		{name: "no csrf", fx: f, token: testToken, code: 403, contains: "security token"},
		{name: "server without token", fx: none, token: "", csrf: true, code: 403, contains: "writes are disabled"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := noRedirect(newJar(t))
			token := tc.fx.csrfFrom(t, c, "/signin")
			if !tc.csrf {
				token = ""
			}
			r := tc.fx.do(t, c, request{method: http.MethodPost, path: "/signin", form: url.Values{"csrf": {token}, "token": {tc.token}, "next": {tc.next}}})
			if r.code != tc.code {
				t.Fatalf("status %d, want %d; body %s", r.code, tc.code, shortBody(r.body))
			}
			if got := r.header.Get("Location"); got != tc.location {
				t.Errorf("Location %q, want %q", got, tc.location)
			}
			if !strings.Contains(r.body, tc.contains) {
				t.Errorf("body lacks %q", tc.contains)
			}
			session := false
			for _, ck := range c.Jar.Cookies(mustURL(t, tc.fx.ts.URL)) {
				session = session || ck.Name == sessionCookie
			}
			if session != (tc.code == 303) {
				t.Errorf("session cookie held: %v, want %v", session, tc.code == 303)
			}
		})
	}
}

// TestCookieAttributes: the session and CSRF cookies are HttpOnly and
// SameSite=Strict.
func TestCookieAttributes(t *testing.T) {
	f := newFixture(t, testToken)
	c := noRedirect(newJar(t))
	csrf := f.csrfFrom(t, c, "/signin")
	r := f.do(t, c, request{method: http.MethodPost, path: "/signin", form: url.Values{"csrf": {csrf}, "token": {testToken}}})
	first := f.do(t, nil, request{path: "/signin"})
	for _, set := range append(r.header.Values("Set-Cookie"), first.header.Values("Set-Cookie")...) {
		if !strings.Contains(set, "HttpOnly") || !strings.Contains(set, "SameSite=Strict") {
			t.Errorf("cookie %q: want HttpOnly and SameSite=Strict", set)
		}
	}
	if len(r.header.Values("Set-Cookie")) == 0 || len(first.header.Values("Set-Cookie")) == 0 {
		t.Error("no cookies set by the sign-in page or sign-in")
	}
}

// TestSignedInControls: the merge, move and split controls appear only to a
// signed-in user, each form with its CSRF token.
func TestSignedInControls(t *testing.T) {
	f := newFixture(t, testToken)
	signed := f.signIn(t, testToken)
	r := f.do(t, signed, request{path: storyPath(f.story)})
	for _, want := range []string{fmt.Sprintf(`action="/stories/%d/merge"`, f.story), fmt.Sprintf(`action="/articles/%d/move"`, f.beta),
		fmt.Sprintf(`id="split" method="post" action="/stories/%d/split"`, f.story), fmt.Sprintf(`name="article" value="%d" form="split"`, f.beta),
		"Split out", "Sign out"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("signed-in story page lacks %q", want)
		}
	}
	forms := strings.Count(r.body, `method="post"`)
	tokens := strings.Count(r.body, `name="csrf"`)
	if forms == 0 || forms != tokens {
		t.Errorf("%d post forms, %d CSRF fields: want one each", forms, tokens)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestMetrics: the counters move with what the server does.
func TestMetrics(t *testing.T) {
	f := newFixture(t, testToken)
	f.do(t, nil, request{path: storyPath(f.story)})
	f.do(t, nil, request{path: fmt.Sprintf("/stories/%d.atom", f.story)})
	f.do(t, nil, request{method: http.MethodPost, path: "/api/v1/articles", header: map[string]string{"Authorization": "Bearer " + testToken},
		body: `{"url":"https://nowhere.example/x"}`})
	r := f.do(t, nil, request{path: "/metrics"})
	for _, want := range []string{
		`parallax_http_request_duration_seconds_count{code="200",route="GET /stories/{id}"} 1`,
		`parallax_http_request_duration_seconds_count{code="200",route="GET /stories/{id}.atom"} 1`,
		`parallax_http_request_duration_seconds_count{code="422",route="POST /api/v1/articles"} 1`,
		`parallax_articles_ingested_total{status="failed"} 1`,
		`parallax_fetch_errors_total 1`,
		`parallax_articles 4`,
		`parallax_stories 2`,
		`parallax_feeds_failing 1`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("metrics lack %q\n%s", want, r.body)
		}
	}
}

// TestWriteOutlivesClient: a write whose client has gone away (its
// request's context ended) is carried through, on the API and on the
// pages, rather than cut short half way.
func TestWriteOutlivesClient(t *testing.T) {
	f := newFixture(t, testToken)
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	article := `{"id":"x-9","outlet":"Epsilon Times","url":"https://epsilon.example/gone","title":"Lavrov leaves","published":"2023-07-09","text":"Lavrov left Moscow on Sunday."}`
	req := httptest.NewRequestWithContext(gone, http.MethodPost, "/api/v1/articles", strings.NewReader(article))
	req.Header.Set("Authorization", "Bearer "+testToken)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusCreated {
		t.Fatalf("article posted by a client gone away: status %d %s; want 201", rec.Code, rec.Body)
	}
	if _, err := f.st.Known(context.Background(), "https://epsilon.example/gone", ""); err != nil {
		t.Errorf("the article is not stored: %v", err)
	}

	signed := f.signIn(t, testToken)
	csrf := f.csrfFrom(t, signed, storyPath(f.story))
	form := url.Values{"into": {fmt.Sprint(f.story)}, "csrf": {csrf}}
	req = httptest.NewRequestWithContext(gone, http.MethodPost, storyPath(f.other)+"/merge", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	base, err := url.Parse(f.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range signed.Jar.Cookies(base) {
		req.AddCookie(c)
	}
	rec = httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("merge asked by a browser gone away: status %d %s; want 303", rec.Code, rec.Body)
	}
	merged, err := f.st.MergedStories(context.Background())
	if err != nil || merged[f.other] != f.story {
		t.Errorf("merged stories %v (%v): want story %d merged into %d", merged, err, f.other, f.story)
	}
}
