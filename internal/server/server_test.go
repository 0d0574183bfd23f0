package server

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

const testToken = "s3cret-token"

func TestRoutes(t *testing.T) {
	f := newFixture(t, testToken)
	html, js, atom := "text/html; charset=utf-8", "application/json; charset=utf-8", "application/atom+xml; charset=utf-8"
	tests := []struct {
		name     string
		path     string
		code     int
		ctype    string
		contains []string
		absent   []string
	}{
		{name: "stories page", path: "/", code: 200, ctype: html,
			contains: []string{`data-page="stories"`, "Back-channel talks", "Harvest festival opens", "Alpha News", "Beta Post", `<svg`, "<circle"}},
		{name: "stories biggest first", path: "/?sort=biggest", code: 200, ctype: html,
			contains: []string{`aria-current="true">Biggest`}},
		{name: "stories first page", path: "/?limit=1&sort=biggest", code: 200, ctype: html,
			contains: []string{"Back-channel talks", `<a href="/?limit=1&amp;page=2&amp;sort=biggest" rel="next">`, "Page 1"},
			absent:   []string{"Harvest festival opens", `rel="prev"`}},
		{name: "stories last page", path: "/?limit=1&page=2&sort=biggest", code: 200, ctype: html,
			contains: []string{"Harvest festival opens", `<a href="/?limit=1&amp;sort=biggest" rel="prev">`, "Page 2"},
			absent:   []string{"Back-channel talks", `rel="next"`}},
		{name: "stories one page", path: "/", code: 200, ctype: html, absent: []string{`class="pager"`}},
		{name: "stories bad page", path: "/?page=0", code: 400, ctype: html, contains: []string{`page &#34;0&#34; is not a positive number`}},
		{name: "stories page too deep", path: "/?page=400", code: 400, ctype: html, contains: []string{"page 400 is past the first 10000: narrow the filters"}},
		{name: "api stories second page", path: "/api/v1/stories?limit=1&page=2&sort=biggest", code: 200, ctype: js,
			contains: []string{"Harvest festival opens"}, absent: []string{"Back-channel talks"}},
		{name: "stories by outlet", path: "/?outlet=Delta+Daily", code: 200, ctype: html,
			contains: []string{"Harvest festival opens"}, absent: []string{"Back-channel talks"}},
		{name: "stories by entity", path: "/?entity=Sergey+Lavrov", code: 200, ctype: html,
			contains: []string{"Back-channel talks"}, absent: []string{"Harvest festival opens"}},
		{name: "stories by another spelling of a place", path: "/?entity=N.Y.", code: 200, ctype: html,
			contains: []string{"Back-channel talks"}, absent: []string{"Harvest festival opens"}},
		{name: "stories by an entity no story names", path: "/api/v1/stories?entity=Blinken", code: 200, ctype: js,
			contains: []string{"[]"}, absent: []string{"Back-channel talks"}},
		{name: "stories page by an entity no story names offers a search", path: "/?entity=Mary+Beth+Long", code: 200, ctype: html,
			contains: []string{"No stories match", `<a href="/search?q=Mary%20Beth%20Long">search the articles naming Mary Beth Long</a>`}},
		{name: "stories by language", path: "/?lang=de", code: 200, ctype: html,
			contains: []string{"Harvest festival opens"}, absent: []string{"Back-channel talks"}},
		{name: "stories by date", path: "/?since=2023-07-09&until=2023-07-09", code: 200, ctype: html,
			contains: []string{"Harvest festival opens"}, absent: []string{"Back-channel talks"}},
		{name: "stories bad date", path: "/?since=yesterday", code: 400, ctype: html,
			contains: []string{`data-page="error"`, "not a date"}},
		{name: "story page", path: storyPath(f.story), code: 200, ctype: html,
			contains: []string{`data-page="story"`, "Common ground", "Officials met in New York in April",
				"Mary Beth Long took part.", "Rebekah Koffler", "NBC News", "Sergey Lavrov", "publication_date",
				`class="lineage"`, "<mark>Mary Beth Long took part.</mark>", "Gamma Wire", "shares Lavrov and New York",
				fmt.Sprintf(`href="/stories/%d.atom"`, f.story), "Sign in</a> to merge"},
			absent: []string{`action="/stories/`}},
		{name: "story of one article", path: storyPath(f.other), code: 200, ctype: html,
			contains: []string{"One article: nothing to compare."}},
		{name: "story missing", path: "/stories/99999", code: 404, ctype: html, contains: []string{"not found"}},
		{name: "story bad id", path: "/stories/abc", code: 400, ctype: html, contains: []string{`&#34;abc&#34; is not an id, a whole number from 1`}},
		{name: "article id too large", path: "/articles/99999999999999999999", code: 400, ctype: html, contains: []string{"is not an id, a whole number from 1 to 9223372036854775807"}},
		{name: "article page", path: articlePath(f.alpha), code: 200, ctype: html,
			contains: []string{`data-page="article"`, "What cleaning removed", "promo", "Gamma Wire", "Mary Beth Long took part."}},
		{name: "article of a copy", path: articlePath(f.copyID), code: 200, ctype: html,
			contains: []string{fmt.Sprintf(`a copy of <a href="/articles/%d">`, f.alpha)}},
		{name: "article missing", path: "/articles/424242", code: 404, ctype: html},
		{name: "outlets page", path: "/outlets", code: 200, ctype: html,
			contains: []string{`data-page="outlets"`, "Alpha News", "Delta Daily", `<td class="num">1</td>`, "last error: HTTP 500"}},
		{name: "search page", path: "/search?q=Koffler", code: 200, ctype: html,
			contains: []string{`data-page="search"`, "<mark>Koffler</mark>", "Secret talks with Lavrov", "Back-channel talks", "every word you type"}},
		{name: "search page filtered out", path: "/search?q=Koffler&outlet=Delta+Daily", code: 200, ctype: html,
			contains: []string{"No article matches."}},
		{name: "search page empty", path: "/search", code: 200, ctype: html, absent: []string{"No article matches."}},
		{name: "signin page", path: "/signin", code: 200, ctype: html, contains: []string{`data-page="signin"`, `name="csrf"`, `type="password"`}},
		{name: "unknown page", path: "/nowhere", code: 404, ctype: html, contains: []string{`data-page="error"`, "no page at /nowhere"}},
		{name: "story address with a slash after", path: storyPath(f.story) + "/", code: 404, ctype: html, contains: []string{`data-page="error"`}},
		{name: "healthz", path: "/healthz", code: 200, ctype: "text/plain; charset=utf-8", contains: []string{"ok"}},
		{name: "api stories", path: "/api/v1/stories?limit=1&sort=biggest", code: 200, ctype: js,
			contains: []string{`"title": "Back-channel talks`, `"articles": 3`}, absent: []string{"Harvest"}},
		{name: "api stories bad sort", path: "/api/v1/stories?sort=loudest", code: 400, ctype: js, contains: []string{`"error":`}},
		{name: "api stories bad limit", path: "/api/v1/stories?limit=-3", code: 400, ctype: js},
		{name: "api stories by language tag", path: "/api/v1/stories?lang=DE-at", code: 200, ctype: js,
			contains: []string{"Harvest festival opens"}, absent: []string{"Back-channel talks"}},
		{name: "api stories bad language", path: "/api/v1/stories?lang=german", code: 400, ctype: js,
			contains: []string{`"error": "lang \"german\" is not an ISO 639-1 code`}},
		{name: "api unknown route", path: "/api/v1/nope", code: 404, ctype: js, contains: []string{`"error": "no API route /api/v1/nope`}},
		{name: "api story", path: fmt.Sprintf("/api/v1/stories/%d", f.story), code: 200, ctype: js,
			contains: []string{`"facts":`, `"kind": "common"`, `"speaker": "Rebekah Koffler"`, `"explanations":`}},
		{name: "api story missing", path: "/api/v1/stories/777", code: 404, ctype: js, contains: []string{`"error": "story 777: not found"`}},
		{name: "api article", path: fmt.Sprintf("/api/v1/articles/%d", f.alpha), code: 200, ctype: js,
			contains: []string{`"outlet": "Alpha News"`, `"text":`, `"removed":`, `"copies": [`, `"outlet": "Gamma Wire"`}},
		{name: "api article missing", path: "/api/v1/articles/31337", code: 404, ctype: js},
		{name: "api search", path: "/api/v1/search?q=Lavrov", code: 200, ctype: js,
			contains: []string{`"query": "Lavrov"`, `"snippet":`, `"stories": [`}},
		{name: "api search needs q", path: "/api/v1/search", code: 400, ctype: js},
		{name: "api search has one page", path: "/api/v1/search?q=Lavrov&page=2", code: 400, ctype: js, contains: []string{"a search has one page"}},
		{name: "api search of too many words", path: "/api/v1/search?q=" + distinctWords(33), code: 400, ctype: js,
			contains: []string{`"error": "search of 33 words: too many words: at most 32"`}},
		{name: "search page of bytes not UTF-8", path: "/search?q=Koffler%FF%FE", code: 200, ctype: html,
			contains: []string{"Koffler\uFFFD"}, absent: []string{"\xff"}},
		{name: "api search of no word", path: "/api/v1/search?q=%22*", code: 200, ctype: js,
			contains: []string{`"articles": []`, `"stories": []`}, absent: []string{"null"}},
		{name: "api feeds", path: "/api/v1/feeds", code: 200, ctype: js, contains: []string{`"url": "https://alpha.example/feed"`, `"failures": 2`}},
		{name: "openapi", path: "/api/v1/openapi.json", code: 200, ctype: "application/json", contains: []string{`"openapi": "3.0.3"`}},
		{name: "stories feed", path: "/stories.atom", code: 200, ctype: atom, contains: []string{"<feed xmlns=\"http://www.w3.org/2005/Atom\">", "tag:"}},
		{name: "story feed", path: fmt.Sprintf("/stories/%d.atom", f.story), code: 200, ctype: atom, contains: []string{"<entry>", "Beta Post: Secret talks"}},
		{name: "story feed missing", path: "/stories/5555.atom", code: 404, ctype: "text/plain; charset=utf-8"},
		{name: "metrics", path: "/metrics", code: 200, contains: []string{"parallax_articles 4", "parallax_stories 2", "parallax_http_request_duration_seconds"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(t, nil, request{path: tc.path})
			if r.code != tc.code {
				t.Fatalf("GET %s: status %d, want %d; body:\n%s", tc.path, r.code, tc.code, r.body)
			}
			if got := r.header.Get("Content-Type"); tc.ctype != "" && got != tc.ctype {
				t.Errorf("GET %s: Content-Type %q, want %q", tc.path, got, tc.ctype)
			}
			for _, want := range tc.contains {
				if !strings.Contains(r.body, want) {
					t.Errorf("GET %s: body lacks %q:\n%s", tc.path, want, shortBody(r.body))
				}
			}
			for _, not := range tc.absent {
				if strings.Contains(r.body, not) {
					t.Errorf("GET %s: body has %q", tc.path, not)
				}
			}
		})
	}
}

// TestSecurityHeaders checks what every answer carries.
func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t, "")
	for _, path := range []string{"/", storyPath(f.story), "/api/v1/stories", "/stories.atom", "/nowhere"} {
		t.Run(path, func(t *testing.T) {
			r := f.do(t, nil, request{path: path})
			csp := r.header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("Content-Security-Policy %q: want default-src 'self' and no unsafe-inline", csp)
			}
			if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q, want nosniff", got)
			}
			if r.header.Get("Referrer-Policy") == "" {
				t.Error("no Referrer-Policy")
			}
		})
	}
}

// TestNoInlineScriptOrStyle holds the pages to the policy they are sent
// with: no inline script, no style attributes or elements.
func TestNoInlineScriptOrStyle(t *testing.T) {
	f := newFixture(t, testToken)
	c := f.signIn(t, testToken)
	inline := regexp.MustCompile(`<script>|<script [^>]*>[^<]|<style|<[a-z][^>]*\s(style|on[a-z]+)=`)
	for _, path := range []string{"/", storyPath(f.story), articlePath(f.alpha), "/outlets", "/search?q=Lavrov", "/signin"} {
		t.Run(path, func(t *testing.T) {
			r := f.do(t, c, request{path: path})
			if m := inline.FindString(r.body); m != "" {
				t.Errorf("GET %s: inline script or style %q", path, m)
			}
		})
	}
}

// TestEscaping: hostile article text, titles, outlets and comparison text
// come out as text on every page and in every feed, never as markup.
func TestEscaping(t *testing.T) {
	f := newFixture(t, testToken)
	signed := f.signIn(t, testToken)
	paths := []string{"/", storyPath(f.story), articlePath(f.alpha), articlePath(f.copyID), "/outlets",
		"/search?q=Alpha", fmt.Sprintf("/stories/%d.atom", f.story), "/stories.atom"}
	for _, signedIn := range []bool{false, true} {
		for _, path := range paths {
			t.Run(fmt.Sprintf("%s signed in %v", path, signedIn), func(t *testing.T) {
				c := noRedirect(nil)
				if signedIn {
					c = signed
				}
				r := f.do(t, c, request{path: path})
				if r.code != http.StatusOK {
					t.Fatalf("GET %s: status %d", path, r.code)
				}
				for _, raw := range []string{"<script>alert", "<img src=x", "onerror=alert(2)>"} {
					if strings.Contains(r.body, raw) {
						t.Errorf("GET %s: raw %q in the answer", path, raw)
					}
				}
				if !strings.Contains(r.body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
					t.Errorf("GET %s: the escaped script text is missing", path)
				}
			})
		}
	}
}

// TestOpenAPICoversRoutes: every route of the API table is documented, and
// nothing is documented that the table lacks.
func TestOpenAPICoversRoutes(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	s := New(Config{}, nil, nil, slog.New(slog.DiscardHandler))
	routed := map[string]bool{}
	for _, rt := range s.apiRoutes() {
		method, path, _ := strings.Cut(rt.pattern, " ")
		key := strings.ToLower(method) + " " + strings.TrimPrefix(path, "/api/v1")
		routed[key] = true
		t.Run(key, func(t *testing.T) {
			p, ok := doc.Paths[strings.TrimPrefix(path, "/api/v1")]
			if !ok {
				t.Fatalf("path %s is not in openapi.json", path)
			}
			if _, ok := p[strings.ToLower(method)]; !ok {
				t.Fatalf("%s %s is not in openapi.json", method, path)
			}
		})
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if !routed[method+" "+path] {
				t.Errorf("openapi.json documents %s %s, which no route serves", method, path)
			}
		}
	}
}

// TestEveryTemplateUsed: each page template is drawn by some route, and
// each static asset is linked from the layout.
func TestEveryTemplateUsed(t *testing.T) {
	f := newFixture(t, testToken)
	drawn := map[string]bool{}
	page := regexp.MustCompile(`<body data-page="([a-z]+)">`)
	for _, path := range []string{"/", storyPath(f.story), articlePath(f.alpha), "/outlets", "/search?q=x", "/signin", "/stories/0"} {
		r := f.do(t, nil, request{path: path})
		m := page.FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("GET %s: no data-page", path)
		}
		drawn[m[1]] = true
		for name, u := range f.srv.assets.byName {
			if !strings.Contains(r.body, u) {
				t.Errorf("GET %s: asset %s (%s) not linked", path, name, u)
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(f.srv.pages.pages)) {
		if !drawn[name] {
			t.Errorf("template pages/%s.html is drawn by no route", name)
		}
	}
}

func TestStaticAssets(t *testing.T) {
	f := newFixture(t, "")
	tests := []struct {
		name  string
		path  string
		code  int
		ctype string
	}{
		{name: "stylesheet", path: f.srv.assets.byName["style.css"], code: 200, ctype: "text/css; charset=utf-8"},
		{name: "script", path: f.srv.assets.byName["app.js"], code: 200, ctype: "text/javascript; charset=utf-8"},
		{name: "unhashed name", path: "/static/style.css", code: 404},
		{name: "stale checksum", path: "/static/style.000000000000.css", code: 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(t, nil, request{path: tc.path})
			if r.code != tc.code {
				t.Fatalf("GET %s: status %d, want %d", tc.path, r.code, tc.code)
			}
			if tc.code != 200 {
				return
			}
			if got := r.header.Get("Content-Type"); got != tc.ctype {
				t.Errorf("Content-Type %q, want %q", got, tc.ctype)
			}
			if got := r.header.Get("Cache-Control"); !strings.Contains(got, "max-age=31536000") {
				t.Errorf("Cache-Control %q, want a year", got)
			}
		})
	}
}

// TestUnsafeArticleURL: an article's URL is a link only when it is safe;
// html/template defuses a javascript: URL.
func TestUnsafeArticleURL(t *testing.T) {
	f := newFixture(t, "")
	sid := mustStoryID(t, f.st)
	id := mustSave(t, f.st, &store.Record{Article: &model.Article{Outlet: "Zeta", Title: "Link", URL: "javascript:alert(3)",
		Story: &sid, Text: "Some text.", ContentHash: "h-zeta"}})
	r := f.do(t, nil, request{path: articlePath(id)})
	if r.code != 200 || strings.Contains(r.body, "javascript:alert") {
		t.Errorf("GET %s: status %d; a javascript: URL is in the page: %v", articlePath(id), r.code, strings.Contains(r.body, "javascript:alert"))
	}
	if !strings.Contains(r.body, "#ZgotmplZ") {
		t.Errorf("GET %s: the unsafe link was not defused", articlePath(id))
	}
}

// TestMergedStoryRedirects: a story merged into another answers every read
// of its addresses with a permanent redirect to the same address of the
// story it went into, so saved links and feed entries keep working.
func TestMergedStoryRedirects(t *testing.T) {
	f := newFixture(t, "")
	if _, err := f.st.MergeStories(t.Context(), f.other, f.story, "one event"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, method, path, location string
	}{
		{"page", http.MethodGet, fmt.Sprintf("/stories/%d", f.other), fmt.Sprintf("/stories/%d", f.story)},
		{"page with a query", http.MethodGet, fmt.Sprintf("/stories/%d?tab=quotes", f.other), fmt.Sprintf("/stories/%d?tab=quotes", f.story)},
		{"page, head", http.MethodHead, fmt.Sprintf("/stories/%d", f.other), fmt.Sprintf("/stories/%d", f.story)},
		{"feed", http.MethodGet, fmt.Sprintf("/stories/%d.atom", f.other), fmt.Sprintf("/stories/%d.atom", f.story)},
		{"api", http.MethodGet, fmt.Sprintf("/api/v1/stories/%d", f.other), fmt.Sprintf("/api/v1/stories/%d", f.story)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := f.do(t, nil, request{method: tc.method, path: tc.path})
			if resp.code != http.StatusMovedPermanently || resp.header.Get("Location") != tc.location {
				t.Fatalf("%s %s = %d, Location %q; want 301 to %q", tc.method, tc.path, resp.code, resp.header.Get("Location"), tc.location)
			}
			followed := f.do(t, http.DefaultClient, request{method: tc.method, path: tc.path})
			if followed.code != http.StatusOK {
				t.Errorf("following the redirect of %s gives %d, want 200", tc.path, followed.code)
			}
		})
	}
	t.Run("api body", func(t *testing.T) {
		resp := f.do(t, nil, request{path: fmt.Sprintf("/api/v1/stories/%d", f.other)})
		var body apiError
		if err := json.Unmarshal([]byte(resp.body), &body); err != nil {
			t.Fatalf("body %q: %v", resp.body, err)
		}
		want := fmt.Sprintf("story %d is part of story %d now", f.other, f.story)
		if body.MergedInto != f.story || body.Error != want {
			t.Errorf("body = %+v, want merged_into %d and error %q", body, f.story, want)
		}
	})
	t.Run("unknown story", func(t *testing.T) {
		if resp := f.do(t, nil, request{path: "/stories/999"}); resp.code != http.StatusNotFound {
			t.Errorf("GET /stories/999 = %d, want 404", resp.code)
		}
	})
}

// distinctWords is n different words joined by "+", a query string's space.
func distinctWords(n int) string {
	words := make([]string, n)
	for i := range words {
		words[i] = fmt.Sprintf("w%d", i)
	}
	return strings.Join(words, "+")
}
