package source

import (
	"bytes"
	"compress/gzip"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/parallax-news/parallax/internal/source/fetch"
	"github.com/parallax-news/parallax/internal/testutil"
)

// Small inputs written for these tests.
const (
	textArticle = "Harbour reopens\n\nThe harbour reopened on Monday.\n"
	htmlPage    = "<!DOCTYPE html><html><head><title>Harbour</title></head><body><p>The harbour reopened.</p></body></html>"
	jsonlTwo    = `{"id": "a", "outlet": "Gazette", "url": "https://g.example/a", "title": "A", "published": "2012-05-03", "text": "First."}` + "\n" +
		`{"id": "b", "title": "B", "text": "Second."}` + "\n"
	rssFeed = `<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title><link>https://g.example/</link>` +
		`<item><title>One</title><link>https://g.example/1</link><guid>g1</guid><description>&lt;p&gt;First entry.&lt;/p&gt;</description></item>` +
		`<item><title>Two</title><link>https://g.example/2</link><guid>g2</guid><description>Second entry.</description></item>` +
		`</channel></rss>`
	jsonFeed = `{"version": "https://jsonfeed.org/version/1.1", "title": "Plains", "items": [{"id": "p1", "url": "https://p.example/1", "content_text": "Harvest."}]}`
)

func gz(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// got is one yielded item or error, flattened for comparison.
type got struct {
	input, kind, format, outlet, url, title, id string
	body                                        string
	err                                         error
}

// utf16Bytes is s in UTF-16 with its byte order mark, as Windows saves
// "Unicode" text.
func utf16Bytes(s string, bigEndian bool) []byte {
	out := []byte{0xFF, 0xFE}
	if bigEndian {
		out = []byte{0xFE, 0xFF}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

func read(t testing.TB, input string, opt Options) []got {
	t.Helper()
	var out []got
	for it, err := range Read(t.Context(), input, opt) {
		if err != nil {
			if it.Input == "" {
				t.Errorf("error %v yielded without Item.Input", err)
			}
			if !strings.Contains(err.Error(), it.Input) {
				t.Errorf("error %q does not name its input %q", err, it.Input)
			}
			out = append(out, got{input: it.Input, err: err})
			continue
		}
		if it.Raw.ContentType == "" || len(it.Raw.Bytes) == 0 {
			t.Errorf("%s: no raw input kept", it.Input)
		}
		out = append(out, got{input: it.Input, kind: it.Kind, format: it.Format, outlet: it.Hint.Outlet,
			url: it.Hint.URL, title: it.Hint.Title, id: it.Hint.ExternalID, body: string(it.Body)})
	}
	return out
}

// check compares results, matching errors with errors.Is and ignoring the
// body where want leaves it empty.
func check(t *testing.T, results, want []got) {
	t.Helper()
	if len(results) != len(want) {
		t.Fatalf("got %d results:\n%+v\nwant %d:\n%+v", len(results), results, len(want), want)
	}
	for i, w := range want {
		g := results[i]
		if w.err != nil || g.err != nil {
			if !errors.Is(g.err, w.err) || g.input != w.input {
				t.Errorf("result %d = %s: %v, want %s: %v", i, g.input, g.err, w.input, w.err)
			}
			continue
		}
		if w.body == "" {
			g.body = ""
		}
		if g != w {
			t.Errorf("result %d =\n%+v\nwant\n%+v", i, g, w)
		}
	}
}

func TestReadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		file string
		data []byte
		opt  Options
		want func(p string) []got
	}{
		{name: "text", file: "a.txt", data: []byte(textArticle), want: func(p string) []got {
			return []got{{input: p, kind: KindText, format: FormatText, body: textArticle}}
		}},
		{name: "text with outlet override", file: "b.txt", data: []byte(textArticle), opt: Options{Outlet: "Fox News"}, want: func(p string) []got {
			return []got{{input: p, kind: KindText, format: FormatText, outlet: "Fox News"}}
		}},
		{name: "text with a byte order mark", file: "bom.txt", data: []byte("\ufeff" + textArticle), want: func(p string) []got {
			return []got{{input: p, kind: KindText, format: FormatText, body: textArticle}}
		}},
		{name: "text in UTF-16, little-endian", file: "le.txt", data: utf16Bytes(textArticle, false), want: func(p string) []got {
			return []got{{input: p, kind: KindText, format: FormatText, body: textArticle}}
		}},
		{name: "text in UTF-16, big-endian", file: "be.txt", data: utf16Bytes(textArticle, true), want: func(p string) []got {
			return []got{{input: p, kind: KindText, format: FormatText, body: textArticle}}
		}},
		{name: "JSONL in UTF-16", file: "u16", data: utf16Bytes(jsonlTwo, false), want: func(p string) []got {
			return []got{{input: p + ":1", kind: KindJSONL, format: FormatText, title: "A", id: "a", outlet: "Gazette", url: "https://g.example/a"},
				{input: p + ":2", kind: KindJSONL, format: FormatText, title: "B", id: "b"}}
		}},
		{name: "a JSON array of articles", file: "articles.json", data: []byte(`[{"title": "A", "text": "First."}]`), want: func(p string) []got {
			return []got{{input: p, err: ErrMalformedFeed}}
		}},
		{name: "html", file: "a.html", data: []byte(htmlPage), want: func(p string) []got {
			return []got{{input: p, kind: KindHTML, format: FormatHTML, body: htmlPage}}
		}},
		{name: "gzipped html", file: "a.html.gz", data: gz(t, htmlPage), want: func(p string) []got {
			return []got{{input: p, kind: KindHTML, format: FormatHTML, body: htmlPage}}
		}},
		{name: "jsonl", file: "a.jsonl", data: []byte(jsonlTwo), want: func(p string) []got {
			return []got{
				{input: p + ":1", kind: KindJSONL, format: FormatText, outlet: "Gazette", url: "https://g.example/a", title: "A", id: "a", body: "First."},
				{input: p + ":2", kind: KindJSONL, format: FormatText, title: "B", id: "b", body: "Second."},
			}
		}},
		{name: "jsonl outlet override", file: "b.ndjson", data: []byte(jsonlTwo), opt: Options{Outlet: "Mine"}, want: func(p string) []got {
			return []got{
				{input: p + ":1", kind: KindJSONL, format: FormatText, outlet: "Mine", url: "https://g.example/a", title: "A", id: "a"},
				{input: p + ":2", kind: KindJSONL, format: FormatText, outlet: "Mine", title: "B", id: "b"},
			}
		}},
		{name: "gzipped jsonl", file: "c.jsonl.gz", data: gz(t, jsonlTwo), want: func(p string) []got {
			return []got{
				{input: p + ":1", kind: KindJSONL, format: FormatText, outlet: "Gazette", url: "https://g.example/a", title: "A", id: "a"},
				{input: p + ":2", kind: KindJSONL, format: FormatText, title: "B", id: "b"},
			}
		}},
		{name: "jsonl with a broken line", file: "d.jsonl", data: []byte(`{"id": "x"` + "\n" + jsonlTwo), want: func(p string) []got {
			return []got{
				{input: p + ":1", err: ErrJSON},
				{input: p + ":2", kind: KindJSONL, format: FormatText, outlet: "Gazette", url: "https://g.example/a", title: "A", id: "a"},
				{input: p + ":3", kind: KindJSONL, format: FormatText, title: "B", id: "b"},
			}
		}},
		{name: "rss", file: "a.rss", data: []byte(rssFeed), want: func(p string) []got {
			return []got{
				{input: p + "#1", kind: KindFeed, format: FormatHTML, outlet: "Gazette", url: "https://g.example/1", title: "One", id: "g1", body: "<p>First entry.</p>"},
				{input: p + "#2", kind: KindFeed, format: FormatText, outlet: "Gazette", url: "https://g.example/2", title: "Two", id: "g2", body: "Second entry."},
			}
		}},
		{name: "feed outlet override", file: "b.xml", data: []byte(rssFeed), opt: Options{Outlet: "Mine"}, want: func(p string) []got {
			return []got{
				{input: p + "#1", kind: KindFeed, format: FormatHTML, outlet: "Mine", url: "https://g.example/1", title: "One", id: "g1"},
				{input: p + "#2", kind: KindFeed, format: FormatText, outlet: "Mine", url: "https://g.example/2", title: "Two", id: "g2"},
			}
		}},
		{name: "json feed", file: "feed.json", data: []byte(jsonFeed), want: func(p string) []got {
			return []got{{input: p + "#1", kind: KindFeed, format: FormatText, outlet: "Plains", url: "https://p.example/1", id: "p1", body: "Harvest."}}
		}},
		{name: "jsonl named json", file: "export.json", data: []byte(jsonlTwo), want: func(p string) []got {
			return []got{
				{input: p + ":1", kind: KindJSONL, format: FormatText, outlet: "Gazette", url: "https://g.example/a", title: "A", id: "a"},
				{input: p + ":2", kind: KindJSONL, format: FormatText, title: "B", id: "b"},
			}
		}},
		{name: "json that is neither feed nor lines", file: "other.json", data: []byte("{\n  \"a\": 1\n}\n"), want: func(p string) []got {
			return []got{{input: p, err: ErrMalformedFeed}}
		}},
		{name: "sniffed html", file: "page", data: []byte(htmlPage), want: func(p string) []got {
			return []got{{input: p, kind: KindHTML, format: FormatHTML}}
		}},
		{name: "sniffed feed", file: "feed", data: []byte(rssFeed), want: func(p string) []got {
			return []got{
				{input: p + "#1", kind: KindFeed, format: FormatHTML, outlet: "Gazette", url: "https://g.example/1", title: "One", id: "g1"},
				{input: p + "#2", kind: KindFeed, format: FormatText, outlet: "Gazette", url: "https://g.example/2", title: "Two", id: "g2"},
			}
		}},
		{name: "sniffed json feed", file: "jf.dat", data: []byte(jsonFeed), want: func(p string) []got {
			return []got{{input: p + "#1", kind: KindFeed, format: FormatText, outlet: "Plains", url: "https://p.example/1", id: "p1"}}
		}},
		{name: "sniffed jsonl", file: "export", data: []byte(jsonlTwo), want: func(p string) []got {
			return []got{
				{input: p + ":1", kind: KindJSONL, format: FormatText, outlet: "Gazette", url: "https://g.example/a", title: "A", id: "a"},
				{input: p + ":2", kind: KindJSONL, format: FormatText, title: "B", id: "b"},
			}
		}},
		{name: "sniffed text", file: "README", data: []byte(textArticle), want: func(p string) []got {
			return []got{{input: p, kind: KindText, format: FormatText}}
		}},
		{name: "empty", file: "empty.txt", data: nil, want: func(p string) []got { return []got{{input: p, err: ErrEmpty}} }},
		{name: "only whitespace", file: "blank.txt", data: []byte(" \n\t\n"), want: func(p string) []got { return []got{{input: p, err: ErrEmpty}} }},
		{name: "empty jsonl", file: "empty.jsonl", data: []byte("\n\n"), want: func(p string) []got { return []got{{input: p, err: ErrEmpty}} }},
		{name: "empty html", file: "empty.html", data: nil, want: func(p string) []got { return []got{{input: p, err: ErrEmpty}} }},
		{name: "nul bytes", file: "nul.txt", data: []byte("Head\x00line\n"), want: func(p string) []got { return []got{{input: p, err: ErrBinary}} }},
		{name: "png", file: "photo", data: []byte("\x89PNG\r\n\x1a\nIHDR"), want: func(p string) []got { return []got{{input: p, err: ErrBinary}} }},
		{name: "binary named html", file: "x.html", data: []byte("\x00\x01\x02<html>"), want: func(p string) []got { return []got{{input: p, err: ErrBinary}} }},
		{name: "invalid utf-8 text", file: "latin1.txt", data: []byte("Caf\xe9 opens\n"), want: func(p string) []got { return []got{{input: p, err: ErrInvalidUTF8}} }},
		{name: "over the limit", file: "big.txt", data: bytes.Repeat([]byte("news "), 300), opt: Options{MaxFileSize: 1000}, want: func(p string) []got {
			return []got{{input: p, err: ErrTooLarge}}
		}},
		{name: "gzip expanding over the limit", file: "bomb.html.gz", data: gz(t, strings.Repeat("<p>x</p>", 1000)), opt: Options{MaxFileSize: 1000}, want: func(p string) []got {
			return []got{{input: p, err: ErrTooLarge}}
		}},
		{name: "corrupt gzip", file: "bad.html.gz", data: []byte("not gzip at all"), want: func(p string) []got {
			return []got{{input: p, err: gzip.ErrHeader}}
		}},
		{name: "malformed feed", file: "bad.xml", data: []byte(`<rss><channel><item><title>cut`), want: func(p string) []got {
			return []got{{input: p, err: ErrMalformedFeed}}
		}},
		{name: "feed without entries", file: "none.rss", data: []byte(`<rss version="2.0"><channel><title>T</title></channel></rss>`), want: func(p string) []got {
			return []got{{input: p, err: ErrEmpty}}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := write(tc.file, tc.data)
			check(t, read(t, p, tc.opt), tc.want(p))
		})
	}
}

func TestReadMissing(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nope.txt")
	check(t, read(t, p, Options{}), []got{{input: p, err: os.ErrNotExist}})
}

func TestReadUnsupportedScheme(t *testing.T) {
	check(t, read(t, "ftp://example.com/a.txt", Options{}), []got{{input: "ftp://example.com/a.txt", err: ErrScheme}})
}

// TestReadURLWithPassword: a URL holding a password is refused before any
// request, and neither the error nor the input it names shows the password.
func TestReadURLWithPassword(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request made for %s", r.URL)
	}))
	defer srv.Close()
	u := strings.Replace(srv.URL, "http://", "http://user:secretpw@", 1) + "/a.html"
	var n int
	for it, err := range Read(t.Context(), u, Options{AllowPrivate: true}) {
		n++
		if !errors.Is(err, ErrCredentials) {
			t.Errorf("Read(%s): error %v, want ErrCredentials", u, err)
		}
		if err != nil && strings.Contains(err.Error()+it.Input, "secretpw") {
			t.Errorf("the password shows: input %q, error %q", it.Input, err)
		}
	}
	if n != 1 {
		t.Errorf("%d results, want 1", n)
	}
}

// TestReadLinkedDirectory: a link to a directory, named as the input, is
// read as the directory; the files Options.Skip names are passed over,
// however the two are written.
func TestReadLinkedDirectory(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "articles")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"a.txt": textArticle, "parallax.db": "SQLite format 3\x00"} {
		if err := os.WriteFile(filepath.Join(real, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(dir, "linked")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	skip := []string{filepath.Join(real, "..", "articles", "parallax.db")}
	check(t, read(t, link, Options{Skip: skip}), []got{
		{input: filepath.Join(link, "a.txt"), kind: KindText, format: FormatText, body: textArticle},
	})
}

// TestReadDirectory checks that a directory with good and bad files yields
// every good item, one error per bad file, in lexical order, and skips
// hidden files and directories.
func TestReadDirectory(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"a.txt":             []byte(textArticle),
		"b/c.jsonl":         []byte(jsonlTwo),
		"b/d.bin":           {0x7f, 'E', 'L', 'F', 0, 0, 0},
		"e.txt":             nil,
		"f.html.gz":         gz(t, htmlPage),
		"g.xml":             []byte("<rss><channel><item>"),
		"h.txt":             []byte("bad \xff byte\n"),
		"i.rss":             []byte(rssFeed),
		".hidden.txt":       []byte(textArticle),
		".git/config.txt":   []byte(textArticle),
		"b/.cache/x.jsonl":  []byte(jsonlTwo),
		"z/deep/last.jsonl": []byte(`{"text": "deep"}`),
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	j := func(name string) string { return filepath.Join(dir, filepath.FromSlash(name)) }
	want := []got{
		{input: j("a.txt"), kind: KindText, format: FormatText, body: textArticle},
		{input: j("b/c.jsonl") + ":1", kind: KindJSONL, format: FormatText, outlet: "Gazette", url: "https://g.example/a", title: "A", id: "a"},
		{input: j("b/c.jsonl") + ":2", kind: KindJSONL, format: FormatText, title: "B", id: "b"},
		{input: j("b/d.bin"), err: ErrBinary},
		{input: j("e.txt"), err: ErrEmpty},
		{input: j("f.html.gz"), kind: KindHTML, format: FormatHTML, body: htmlPage},
		{input: j("g.xml"), err: ErrMalformedFeed},
		{input: j("h.txt"), err: ErrInvalidUTF8},
		{input: j("i.rss") + "#1", kind: KindFeed, format: FormatHTML, outlet: "Gazette", url: "https://g.example/1", title: "One", id: "g1"},
		{input: j("i.rss") + "#2", kind: KindFeed, format: FormatText, outlet: "Gazette", url: "https://g.example/2", title: "Two", id: "g2"},
		{input: j("z/deep/last.jsonl") + ":1", kind: KindJSONL, format: FormatText, body: "deep"},
	}
	check(t, read(t, dir, Options{}), want)
}

func TestReadStopsWhenAsked(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.txt", "b.txt", "c.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(textArticle), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	for range Read(t.Context(), dir, Options{}) {
		n++
		break
	}
	if n != 1 {
		t.Fatalf("ranged over %d items after break, want 1", n)
	}
}

func TestReadStdin(t *testing.T) {
	tests := []struct {
		name string
		in   string
		opt  Options
		want []got
	}{
		{name: "text", in: textArticle, want: []got{{input: "-", kind: KindText, format: FormatText, body: textArticle}}},
		{name: "jsonl", in: jsonlTwo, want: []got{
			{input: "-:1", kind: KindJSONL, format: FormatText, outlet: "Gazette", url: "https://g.example/a", title: "A", id: "a"},
			{input: "-:2", kind: KindJSONL, format: FormatText, title: "B", id: "b"},
		}},
		{name: "html", in: htmlPage, want: []got{{input: "-", kind: KindHTML, format: FormatHTML}}},
		{name: "feed", in: jsonFeed, want: []got{{input: "-#1", kind: KindFeed, format: FormatText, outlet: "Plains", url: "https://p.example/1", id: "p1"}}},
		{name: "gzipped html", in: string(gz(t, htmlPage)), want: []got{{input: "-", kind: KindHTML, format: FormatHTML, body: htmlPage}}},
		{name: "empty", in: "", want: []got{{input: "-", err: ErrEmpty}}},
		{name: "too large", in: strings.Repeat("word ", 1000), opt: Options{MaxFileSize: 100}, want: []got{{input: "-", err: ErrTooLarge}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.opt.Stdin = strings.NewReader(tc.in)
			check(t, read(t, "-", tc.opt), tc.want)
		})
	}
}

func TestReadSeeds(t *testing.T) {
	for _, p := range testutil.Seeds(t) {
		want, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		check(t, read(t, p, Options{}), []got{{input: p, kind: KindText, format: FormatText, body: string(want)}})
	}
}

// pages serves every URL case the reader must handle, by path.
func pages(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	serve := func(path, ctype, body string) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			if ctype != "" {
				w.Header().Set("Content-Type", ctype)
			}
			w.Write([]byte(body))
		})
	}
	serve("/article", "text/html; charset=utf-8", htmlPage)
	serve("/rss", "application/rss+xml", rssFeed)
	serve("/rss-as-xml", "text/xml", rssFeed)
	serve("/rss-as-html", "text/html", rssFeed)
	serve("/feed.json", "application/json", jsonFeed)
	serve("/export", "text/plain", jsonlTwo)
	serve("/plain", "text/plain; charset=utf-8", textArticle)
	serve("/empty", "text/html", "")
	serve("/image", "image/png", "\x89PNG\r\n\x1a\n")
	serve("/broken-feed", "application/atom+xml", "<feed><entry>")
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/article", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/fail", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/endless", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		chunk := []byte(strings.Repeat("<p>more</p>", 512))
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestReadURL(t *testing.T) {
	srv := pages(t)
	client := fetch.New(fetch.Options{AllowPrivate: true, Timeout: 5 * time.Second, MaxBodySize: 64 << 10, MaxRedirects: 3})
	// A short timeout only where it is the point, so a loaded machine
	// cannot turn another case into a timeout.
	impatient := fetch.New(fetch.Options{AllowPrivate: true, Timeout: 300 * time.Millisecond})
	u := func(path string) string { return srv.URL + path }
	rssItems := func(name string) []got {
		return []got{
			{input: name + "#1", kind: KindFeed, format: FormatHTML, outlet: "Gazette", url: "https://g.example/1", title: "One", id: "g1", body: "<p>First entry.</p>"},
			{input: name + "#2", kind: KindFeed, format: FormatText, outlet: "Gazette", url: "https://g.example/2", title: "Two", id: "g2", body: "Second entry."},
		}
	}
	tests := []struct {
		name string
		path string
		opt  Options
		want []got
	}{
		{name: "page", path: "/article", want: []got{{input: u("/article"), kind: KindHTML, format: FormatHTML, url: u("/article"), body: htmlPage}}},
		{name: "page after redirect has the final url", path: "/moved", want: []got{{input: u("/moved"), kind: KindHTML, format: FormatHTML, url: u("/article")}}},
		{name: "page with outlet", path: "/article", opt: Options{Outlet: "Gazette"}, want: []got{{input: u("/article"), kind: KindHTML, format: FormatHTML, outlet: "Gazette", url: u("/article")}}},
		{name: "rss by content type", path: "/rss", want: rssItems(u("/rss"))},
		{name: "rss served as text/xml is sniffed", path: "/rss-as-xml", want: rssItems(u("/rss-as-xml"))},
		{name: "rss served as text/html is sniffed", path: "/rss-as-html", want: rssItems(u("/rss-as-html"))},
		{name: "json feed served as json", path: "/feed.json", want: []got{{input: u("/feed.json") + "#1", kind: KindFeed, format: FormatText, outlet: "Plains", url: "https://p.example/1", id: "p1"}}},
		{name: "jsonl served as text", path: "/export", want: []got{
			{input: u("/export") + ":1", kind: KindJSONL, format: FormatText, outlet: "Gazette", url: "https://g.example/a", title: "A", id: "a"},
			{input: u("/export") + ":2", kind: KindJSONL, format: FormatText, title: "B", id: "b"},
		}},
		{name: "plain text", path: "/plain", want: []got{{input: u("/plain"), kind: KindText, format: FormatText, url: u("/plain"), body: textArticle}}},
		{name: "page with no body", path: "/empty", want: []got{{input: u("/empty"), err: ErrEmpty}}},
		{name: "image", path: "/image", want: []got{{input: u("/image"), err: ErrUnsupported}}},
		{name: "malformed feed", path: "/broken-feed", want: []got{{input: u("/broken-feed"), err: ErrMalformedFeed}}},
		{name: "redirects forever", path: "/loop", want: []got{{input: u("/loop"), err: ErrTooManyRedirects}}},
		{name: "answers 500", path: "/fail", want: []got{{input: u("/fail"), err: ErrStatus}}},
		{name: "times out", path: "/slow", opt: Options{Fetch: impatient}, want: []got{{input: u("/slow"), err: ErrTimeout}}},
		{name: "endless body", path: "/endless", want: []got{{input: u("/endless"), err: ErrTooLarge}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.opt.Fetch == nil {
				tc.opt.Fetch = client
			}
			check(t, read(t, u(tc.path), tc.opt), tc.want)
		})
	}
}

// TestReadURLPrivate checks the default client: httptest listens on
// 127.0.0.1, so loopback is refused unless AllowPrivate is set.
func TestReadURLPrivate(t *testing.T) {
	srv := pages(t)
	u := srv.URL + "/article"
	check(t, read(t, u, Options{}), []got{{input: u, err: ErrPrivateAddress}})
	check(t, read(t, u, Options{AllowPrivate: true}), []got{{input: u, kind: KindHTML, format: FormatHTML, url: u}})
}

// TestReadSharedData reads the whole shared data folder through the
// dispatcher: every JSONL line and every benchmark page is an item; the
// benchmark's ground-truth JSON is the one input that is not an article.
func TestReadSharedData(t *testing.T) {
	dir := testutil.SharedDir(t, "data")
	kinds := map[string]int{}
	var errs []error
	for it, err := range Read(t.Context(), dir, Options{}) {
		if err != nil {
			errs = append(errs, err)
			if !errors.Is(err, ErrMalformedFeed) || filepath.Base(it.Input) != "ground-truth.json" {
				t.Errorf("unexpected error: %v", err)
			}
			continue
		}
		if it.Kind == KindJSONL && !utf8.Valid(it.Body) {
			t.Errorf("%s: body is not UTF-8", it.Input)
		}
		kinds[it.Kind]++
	}
	if len(errs) != 1 {
		t.Errorf("%d errors, want 1 (the ground truth)", len(errs))
	}
	if kinds[KindJSONL] != 772+150+856 || kinds[KindHTML] != 91 {
		t.Errorf("items by kind %v, want 1778 jsonl and 91 html", kinds)
	}
}

// BenchmarkReadJSONL reads a shared JSONL file through the dispatcher,
// from disk, into Items.
func BenchmarkReadJSONL(b *testing.B) {
	path := filepath.Join(testutil.SharedDir(b, "data"), "basil-dev.jsonl")
	n := 0
	for b.Loop() {
		for _, err := range Read(b.Context(), path, Options{}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "articles/s")
}

// BenchmarkReadHTMLGz reads the extraction benchmark's gzipped pages.
func BenchmarkReadHTMLGz(b *testing.B) {
	dir := filepath.Join(testutil.SharedDir(b, "data", "extraction"), "html")
	n := 0
	for b.Loop() {
		for _, err := range Read(b.Context(), dir, Options{}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "pages/s")
}
