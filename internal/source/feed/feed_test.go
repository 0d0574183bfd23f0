package feed

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden is an entry as the golden files show it.
type golden struct {
	Input     string `json:"input"`
	Title     string `json:"title,omitempty"`
	URL       string `json:"url,omitempty"`
	GUID      string `json:"guid,omitempty"`
	Published string `json:"published,omitempty"`
	Outlet    string `json:"outlet,omitempty"`
	Language  string `json:"language,omitempty"`
	HTML      bool   `json:"html"`
	Content   string `json:"content,omitempty"`
	Err       string `json:"err,omitempty"`
}

func TestParseGolden(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		typ     string
		entries int
	}{
		{name: "rss 2.0 with content:encoded", file: "rss.xml", typ: "rss", entries: 4},
		{name: "atom", file: "atom.xml", typ: "atom", entries: 2},
		{name: "json feed", file: "feed.json", typ: "json", entries: 3},
		{name: "rss 1.0 rdf", file: "rdf.xml", typ: "rss", entries: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join("testdata", tc.file)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(data, path)
			if err != nil {
				t.Fatal(err)
			}
			if f.Type != tc.typ || f.Len() != tc.entries {
				t.Errorf("type %q with %d entries, want %q with %d", f.Type, f.Len(), tc.typ, tc.entries)
			}
			var got []golden
			for e, err := range f.Entries() {
				g := golden{Input: e.Input, Title: e.Title, URL: e.URL, GUID: e.GUID, Outlet: e.Outlet,
					Language: e.Language, HTML: e.HTML, Content: e.Content}
				if e.Published != nil {
					g.Published = e.Published.UTC().Format(time.RFC3339)
				}
				if err != nil {
					g.Err = err.Error()
				} else if !json.Valid(e.Raw) {
					t.Errorf("%s: Raw is not JSON: %q", e.Input, e.Raw)
				}
				got = append(got, g)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false) // keep the markup readable in the golden file
			enc.SetIndent("", "  ")
			if err := enc.Encode(got); err != nil {
				t.Fatal(err)
			}
			out := buf.Bytes()
			goldenPath := path + ".golden"
			if *update {
				if err := os.WriteFile(goldenPath, out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if string(out) != string(want) {
				t.Errorf("entries differ from %s (go test -update rewrites it):\n%s", goldenPath, out)
			}
		})
	}
}

func TestParseMalformed(t *testing.T) {
	truncated, err := os.ReadFile(filepath.Join("testdata", "truncated.xml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   string
	}{
		{name: "truncated rss", in: string(truncated)},
		{name: "html page", in: "<!doctype html><html><body><p>Not a feed</p></body></html>"},
		{name: "plain text", in: "Headline\n\nA paragraph."},
		{name: "empty", in: ""},
		{name: "broken json feed", in: `{"version": "https://jsonfeed.org/version/1.1", "items": [`},
		{name: "json that is not a json feed", in: `{"a1": {"articleBody": "text", "url": "https://x.example/"}}`},
		{name: "json feed with invalid utf-8", in: "{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [{\"content_text\": \"caf\xe9\"}]}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse([]byte(tc.in), "in.xml")
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Parse = %+v, %v; want ErrMalformed", f, err)
			}
			if !strings.HasPrefix(err.Error(), "in.xml: ") {
				t.Errorf("error %q does not name the input", err)
			}
		})
	}
}

// TestEntryWithoutContent: an entry of a headline alone is an entry; one
// with no headline and no text is ErrNoContent, naming it.
func TestEntryWithoutContent(t *testing.T) {
	f, err := Parse([]byte(`{"version": "https://jsonfeed.org/version/1", "title": "T", "items": [{"id": "1", "url": "https://t.example/a"}, {"id": "2", "content_text": "kept"}, {"id": "3", "title": "Headline only"}]}`), "https://t.example/feed.json")
	if err != nil {
		t.Fatal(err)
	}
	var errs, good int
	for e, err := range f.Entries() {
		switch {
		case err != nil:
			errs++
			if !errors.Is(err, ErrNoContent) || !strings.Contains(err.Error(), "https://t.example/feed.json#1") {
				t.Errorf("error %q: want ErrNoContent naming entry #1", err)
			}
		case e.Content == "kept" && e.Input == "https://t.example/feed.json#2",
			e.Title == "Headline only" && e.Content == "" && e.Input == "https://t.example/feed.json#3":
			good++
		default:
			t.Errorf("unexpected entry %+v", e)
		}
	}
	if errs != 1 || good != 2 {
		t.Errorf("%d errors and %d entries, want 1 and 2", errs, good)
	}
}

func TestHasMarkup(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{name: "plain", in: "Prices rose by 10% and queues grew.", want: false},
		{name: "less-than in text", in: "a < b and c > d", want: false},
		{name: "bare ampersand", in: "Fish & chips", want: false},
		{name: "paragraph", in: "<p>Text</p>", want: true},
		{name: "line break", in: "One<br/>two", want: true},
		{name: "entity", in: "Fish &amp; chips", want: true},
		{name: "numeric reference", in: "&#8220;Back&#8221;", want: true},
		{name: "comment", in: "<!-- ad -->Text", want: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := hasMarkup(tc.in); got != tc.want {
				t.Errorf("hasMarkup(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"rss.xml", "atom.xml", "feed.json", "rdf.xml", "truncated.xml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		feed, err := Parse(in, "fuzz")
		if err != nil {
			if !errors.Is(err, ErrMalformed) || !strings.HasPrefix(err.Error(), "fuzz: ") {
				t.Fatalf("error %q is not ErrMalformed naming the input", err)
			}
			return
		}
		for e, err := range feed.Entries() {
			if !strings.HasPrefix(e.Input, "fuzz#") {
				t.Fatalf("Input %q does not name the feed", e.Input)
			}
			if err != nil {
				if !strings.HasPrefix(err.Error(), e.Input+": ") {
					t.Fatalf("error %q does not name %s", err, e.Input)
				}
				continue
			}
			if !utf8.ValidString(e.Content) {
				t.Fatalf("%s: content is not valid UTF-8", e.Input)
			}
			if len(e.Content) > len(in) {
				t.Fatalf("%s: content (%d bytes) longer than the feed (%d)", e.Input, len(e.Content), len(in))
			}
			if !json.Valid(e.Raw) {
				t.Fatalf("%s: Raw is not JSON", e.Input)
			}
		}
	})
}

func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "rss.xml"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		f, err := Parse(data, "bench")
		if err != nil {
			b.Fatal(err)
		}
		for range f.Entries() {
		}
	}
}
