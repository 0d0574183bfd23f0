package server

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

func TestStoryAnswersCached(t *testing.T) {
	tests := []struct {
		name  string
		path  func(id int64) string
		ctype string
	}{
		{name: "story page", path: storyPath, ctype: htmlType},
		{name: "story json", path: func(id int64) string { return fmt.Sprintf("/api/v1/stories/%d", id) }, ctype: jsonType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, testToken)
			now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			f.srv.cache.now = func() time.Time { return now }
			path := tc.path(f.story)
			first := f.do(t, nil, request{path: path})
			second := f.do(t, nil, request{path: path})
			etag := first.header.Get("ETag")
			if first.code != 200 || first.header.Get("X-Cache") != cacheMiss || etag == "" {
				t.Fatalf("first GET: %d, X-Cache %q, ETag %q; want 200, miss and an ETag", first.code, first.header.Get("X-Cache"), etag)
			}
			if second.code != 200 || second.header.Get("X-Cache") != cacheHit || second.header.Get("ETag") != etag ||
				second.body != first.body || second.header.Get("Content-Type") != tc.ctype {
				t.Fatalf("second GET: %d, X-Cache %q, ETag %q, type %q, same body %v; want 200, hit, %s, %s, the same body",
					second.code, second.header.Get("X-Cache"), second.header.Get("ETag"), second.header.Get("Content-Type"),
					second.body == first.body, etag, tc.ctype)
			}
			if c := second.header.Get("Content-Security-Policy"); c == "" {
				t.Error("a cached answer lost the security headers")
			}
			metrics := f.do(t, nil, request{path: "/metrics"}).body
			for _, want := range []string{`parallax_answer_cache_total{result="hit"} 1`, `parallax_answer_cache_total{result="miss"} 1`} {
				if !strings.Contains(metrics, want) {
					t.Errorf("/metrics lacks %s", want)
				}
			}

			// A client that takes no gzip gets the same answer inflated,
			// under the identity form's own ETag.
			plain := f.do(t, nil, request{path: path, header: map[string]string{"Accept-Encoding": "identity"}})
			if plain.body != first.body || plain.header.Get("Content-Encoding") != "" ||
				plain.header.Get("ETag") != strings.TrimSuffix(etag, gzipTag+`"`)+`"` {
				t.Errorf("identity: same body %v, Content-Encoding %q, ETag %q (gzip form's %q)",
					plain.body == first.body, plain.header.Get("Content-Encoding"), plain.header.Get("ETag"), etag)
			}

			same := f.do(t, nil, request{path: path, header: map[string]string{"If-None-Match": `"other", ` + etag}})
			if same.code != http.StatusNotModified || same.body != "" {
				t.Errorf("If-None-Match with the current ETag: %d with %d bytes; want 304, no body", same.code, len(same.body))
			}

			// An article joining the story is a new version: within
			// versionRecheck the answer drawn before is served, then it is
			// drawn again, under a new ETag, and an old ETag no longer
			// matches.
			mustSave(t, f.st, &store.Record{
				Article: &model.Article{Outlet: "Epsilon Times", Title: "Late coverage of the talks", URL: "https://epsilon.example/talks",
					Published: at(8, 10), Language: "en", Story: &f.story, ContentHash: "h-epsilon", Text: "Officials met in New York."},
				Decision: model.Decision{Kind: model.DecisionJoin, Score: 0.5, Reason: "shares New York"},
			})
			now = now.Add(versionRecheck - time.Nanosecond)
			if r := f.do(t, nil, request{path: path}); r.header.Get("X-Cache") != cacheHit || r.body != first.body {
				t.Errorf("within %s of the last check: X-Cache %q, same body %v; want the answer drawn before",
					versionRecheck, r.header.Get("X-Cache"), r.body == first.body)
			}
			now = now.Add(time.Nanosecond)
			changed := f.do(t, nil, request{path: path, header: map[string]string{"If-None-Match": etag}})
			if changed.code != 200 || changed.header.Get("X-Cache") != cacheMiss || changed.header.Get("ETag") == etag ||
				!strings.Contains(changed.body, "Late coverage of the talks") {
				t.Errorf("after the story changed: %d, X-Cache %q, ETag %q (was %q), new article shown %v; want 200, miss, a new ETag, shown",
					changed.code, changed.header.Get("X-Cache"), changed.header.Get("ETag"), etag,
					strings.Contains(changed.body, "Late coverage of the talks"))
			}
		})
	}
}

func TestStoryPagesNotShared(t *testing.T) {
	f := newFixture(t, testToken)
	path := storyPath(f.story)
	anonymous := f.do(t, nil, request{path: path})
	tests := []struct {
		name   string
		client *http.Client
		path   string
		want   []string // in the page
	}{
		// A signed-in reader's page carries their own CSRF token and the
		// write controls, which no one else may be served.
		{name: "signed in", client: f.signIn(t, testToken), path: path, want: []string{`name="csrf"`, `action="/stories/`}},
		// Another spelling of the address has its own sign-in link.
		{name: "query string", path: path + "?from=feed", want: []string{"from%3dfeed"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(t, tc.client, request{path: tc.path})
			if r.code != 200 || r.header.Get("X-Cache") != "" || r.header.Get("ETag") != "" {
				t.Fatalf("GET %s: %d, X-Cache %q, ETag %q; want 200, drawn for this request alone",
					tc.path, r.code, r.header.Get("X-Cache"), r.header.Get("ETag"))
			}
			for _, w := range tc.want {
				if !strings.Contains(r.body, w) {
					t.Errorf("GET %s: page lacks %q", tc.path, w)
				}
			}
			if again := f.do(t, nil, request{path: path}); again.body != anonymous.body || again.header.Get("X-Cache") != cacheHit {
				t.Errorf("after GET %s the anonymous page changed or was drawn again (X-Cache %q)", tc.path, again.header.Get("X-Cache"))
			}
		})
	}
}

func TestStoryErrorsNotCached(t *testing.T) {
	f := newFixture(t, testToken)
	tests := []struct {
		name string
		path string
		code int
	}{
		{name: "page of a missing story", path: "/stories/99999", code: 404},
		{name: "json of a missing story", path: "/api/v1/stories/99999", code: 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for range 2 {
				r := f.do(t, nil, request{path: tc.path})
				if r.code != tc.code || r.header.Get("ETag") != "" || r.header.Get("X-Cache") != "" {
					t.Fatalf("GET %s: %d, ETag %q, X-Cache %q; want %d and nothing cached",
						tc.path, r.code, r.header.Get("ETag"), r.header.Get("X-Cache"), tc.code)
				}
			}
		})
	}
}

func TestAnswerCacheBound(t *testing.T) {
	ans := func(key string, version int64, size int) *answer {
		return &answer{key: key, version: version, gz: make([]byte, size)}
	}
	tests := []struct {
		name    string
		max     int64
		put     []*answer
		touch   string // read between the puts' last two, to make it recent
		present map[string]int64
		absent  []string
	}{
		{name: "least recently used goes first", max: 250,
			put: []*answer{ans("a", 1, 100), ans("b", 1, 100), ans("c", 1, 100)}, touch: "a",
			present: map[string]int64{"a": 1, "c": 1}, absent: []string{"b"}},
		{name: "a new version replaces the old", max: 250,
			put:     []*answer{ans("a", 1, 100), ans("a", 2, 100), ans("b", 1, 100)},
			present: map[string]int64{"a": 2, "b": 1}},
		{name: "an older version does not replace a newer", max: 250,
			put:     []*answer{ans("a", 3, 100), ans("a", 2, 100)},
			present: map[string]int64{"a": 3}},
		{name: "too big to keep", max: 250,
			put: []*answer{ans("a", 1, 100), ans("huge", 1, 251)}, present: map[string]int64{"a": 1}, absent: []string{"huge"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newAnswerCache(tc.max)
			for i, a := range tc.put {
				if i == len(tc.put)-1 && tc.touch != "" {
					c.get(tc.touch, 1, time.Now())
				}
				c.put(a)
			}
			for key, v := range tc.present {
				if _, ok := c.get(key, v, time.Now()); !ok {
					t.Errorf("%s at version %d: not kept", key, v)
				}
			}
			for _, key := range tc.absent {
				if _, ok := c.byKey[key]; ok {
					t.Errorf("%s: kept, want dropped", key)
				}
			}
			var sum int64
			for _, e := range c.byKey {
				sum += int64(len(e.Value.(*answer).gz))
			}
			if sum != c.size || c.size > tc.max {
				t.Errorf("size %d, answers hold %d, bound %d", c.size, sum, tc.max)
			}
		})
	}
}

func TestETagMatch(t *testing.T) {
	const etag = `"g-page-1-2"`
	tests := []struct {
		name   string
		header string
		want   bool
	}{
		{name: "none", header: "", want: false},
		{name: "same", header: etag, want: true},
		{name: "weak", header: "W/" + etag, want: true},
		{name: "in a list", header: `"x", ` + etag + `, "y"`, want: true},
		{name: "any", header: "*", want: true},
		{name: "other version", header: `"g-page-1-3"`, want: false},
		{name: "unquoted", header: `g-page-1-2`, want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := etagMatch(tc.header, etag); got != tc.want {
				t.Errorf("etagMatch(%q) = %v, want %v", tc.header, got, tc.want)
			}
		})
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		name   string
		header string
		want   bool
	}{
		{name: "none", header: "", want: false},
		{name: "gzip", header: "gzip", want: true},
		{name: "browser", header: "gzip, deflate, br, zstd", want: true},
		{name: "upper case", header: "GZIP", want: true},
		{name: "any", header: "*", want: true},
		{name: "refused", header: "gzip;q=0", want: false},
		{name: "refused spaced", header: "br, gzip; q=0", want: false},
		{name: "weighted", header: "gzip;q=0.5", want: true},
		{name: "identity only", header: "identity", want: false},
		{name: "lookalike", header: "x-gzip2", want: false},
		{name: "refused before any", header: "gzip;q=0, *", want: false},
		{name: "any then refused", header: "*, gzip;q=0", want: false},
		{name: "any refused", header: "*;q=0", want: false},
		{name: "bad weight", header: "gzip;q=x", want: false},
		{name: "weight out of range", header: "gzip;q=5", want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := acceptsGzip(tc.header); got != tc.want {
				t.Errorf("acceptsGzip(%q) = %v, want %v", tc.header, got, tc.want)
			}
		})
	}
}

func TestSearchAnswersCached(t *testing.T) {
	tests := []struct {
		name   string
		path   string
		signed bool
	}{
		{name: "api", path: "/api/v1/search?q=Lavrov"},
		{name: "page", path: "/search?q=Lavrov"},
		{name: "page signed in", path: "/search?q=Lavrov", signed: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, testToken)
			now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			f.srv.cache.now = func() time.Time { return now }
			var c *http.Client
			if tc.signed {
				c = f.signIn(t, testToken)
			}
			xcache := func(want string, wantShown bool) {
				t.Helper()
				r := f.do(t, c, request{path: tc.path})
				if tc.signed {
					want = "" // drawn for the one reader
				}
				if r.code != 200 || r.header.Get("X-Cache") != want || strings.Contains(r.body, "Lavrov returns") != wantShown {
					t.Fatalf("GET %s: %d, X-Cache %q, new article shown %v; want 200, %q, %v",
						tc.path, r.code, r.header.Get("X-Cache"), strings.Contains(r.body, "Lavrov returns"), want, wantShown)
				}
			}
			xcache(cacheMiss, false)
			xcache(cacheHit, false)
			if other := f.do(t, c, request{path: tc.path + "+Koffler"}); !tc.signed && other.header.Get("X-Cache") != cacheMiss {
				t.Errorf("another query: X-Cache %q, want miss", other.header.Get("X-Cache"))
			}
			mustSave(t, f.st, &store.Record{
				Article: &model.Article{Outlet: "Epsilon Times", Title: "Lavrov returns", URL: "https://epsilon.example/lavrov",
					Published: at(8, 10), Language: "en", Story: &f.other, ContentHash: "h-epsilon", Text: "Lavrov returned to Moscow."},
				Decision: model.Decision{Kind: model.DecisionNew, Reason: "nothing close enough"},
			})
			// Within searchTTL the answer drawn before is served again ...
			now = now.Add(searchTTL - time.Nanosecond)
			xcache(cacheHit, tc.signed)
			// ... and after it, drawn again with the new article.
			now = now.Add(time.Nanosecond)
			xcache(cacheMiss, true)
		})
	}
}

func TestAnswerRecent(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name    string
		answer  answer
		confirm time.Duration // when get confirms the version again; 0: never
		at      time.Duration
		want    bool
	}{
		{name: "just drawn", answer: answer{confirmed: t0}, at: versionRecheck / 2, want: true},
		{name: "due a check", answer: answer{confirmed: t0}, at: versionRecheck, want: false},
		{name: "checked again", answer: answer{confirmed: t0}, confirm: versionRecheck, at: versionRecheck * 3 / 2, want: true},
		{name: "bounded by time, not version", answer: answer{confirmed: t0, expires: t0.Add(time.Hour)}, at: 0, want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newAnswerCache(1 << 20)
			a := tc.answer
			a.key, a.version, a.gz = "page/1", 7, []byte("x")
			c.put(&a)
			if tc.confirm > 0 {
				if _, ok := c.get("page/1", 7, t0.Add(tc.confirm)); !ok {
					t.Fatal("the kept version was not found")
				}
			}
			if _, got := c.recent("page/1", t0.Add(tc.at)); got != tc.want {
				t.Errorf("recent at +%s = %v, want %v", tc.at, got, tc.want)
			}
		})
	}
}

// Headers real clients send: a browser, Go, curl --compressed, Python.
var acceptEncodings = []string{"gzip, deflate, br, zstd", "gzip", "deflate, gzip", "gzip, deflate", "identity", "*;q=0.1, gzip;q=0"}

// reversed is a comma-separated list in the other order.
func reversed(list string) string {
	parts := strings.Split(list, ",")
	slices.Reverse(parts)
	return strings.Join(parts, ",")
}

func FuzzAcceptsGzip(f *testing.F) {
	for _, h := range acceptEncodings {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, header string) {
		got := acceptsGzip(header)
		if rev := acceptsGzip(reversed(header)); rev != got {
			t.Errorf("acceptsGzip(%q) = %v, but %v with the codings reversed", header, got, rev)
		}
		if acceptsGzip(header + ", gzip;q=0") {
			t.Errorf("%q with gzip refused still takes gzip", header)
		}
		if !strings.Contains(strings.ToLower(header), "gzip") && !strings.Contains(header, "*") && got {
			t.Errorf("acceptsGzip(%q) = true without naming gzip or *", header)
		}
	})
}

func FuzzETagMatch(f *testing.F) {
	const etag = `"4S7UW5IR-page-12-3-gz"`
	for _, h := range []string{etag, `W/` + etag, `"x", ` + etag, "*", `"4S7UW5IR-page-12-2-gz"`, ""} {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, header string) {
		got := etagMatch(header, etag)
		if rev := etagMatch(reversed(header), etag); rev != got {
			t.Errorf("etagMatch(%q) = %v, but %v with the list reversed", header, got, rev)
		}
		if !etagMatch(header+", "+etag, etag) {
			t.Errorf("%q followed by the ETag does not match it", header)
		}
		if got && !strings.Contains(header, etag) && !strings.Contains(header, "*") {
			t.Errorf("etagMatch(%q) = true without the ETag or *", header)
		}
	})
}
