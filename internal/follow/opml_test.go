package follow

import (
	"bytes"
	"errors"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestReadOPML(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		want    []model.Feed
		wantErr error // errors.Is target; nil for none
	}{
		{
			name: "nested folders, duplicate and bad URL",
			file: "subscriptions.opml",
			want: []model.Feed{
				{URL: "https://wire.example/top.rss", Title: "Wire top stories", Outlet: "Wire"},
				{URL: "https://wire.example/world.rss", Title: "Wire world", Outlet: "Wire"},
				{URL: "https://desk.example/feed.atom", Title: "Desk feed", Outlet: "World desk"},
				{URL: "https://loose.example/rss"},
			},
			wantErr: ErrBadOutline,
		},
		{
			name: "ISO-8859-1 document",
			file: "latin1.opml",
			want: []model.Feed{{URL: "https://cafe.example/rss", Title: "Le café", Outlet: "Café news"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := ReadOPML(f)
			if tc.wantErr == nil && err != nil {
				t.Fatalf("ReadOPML: %v", err)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("ReadOPML error = %v, want %v", err, tc.wantErr)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ReadOPML feeds:\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestReadOPMLMalformed(t *testing.T) {
	tests := []struct {
		name string
		doc  string
	}{
		{name: "empty", doc: ""},
		{name: "truncated", doc: `<opml version="2.0"><body><outline text="a" xmlUrl="https://a.example/"`},
		{name: "an RSS feed, not OPML", doc: `<rss version="2.0"><channel><title>x</title></channel></rss>`},
		{name: "no body", doc: `<opml version="2.0"><head><title>x</title></head></opml>`},
		{name: "binary", doc: "\x00\x01\x02\xff"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			feeds, err := ReadOPML(strings.NewReader(tc.doc))
			if !errors.Is(err, ErrBadOPML) {
				t.Fatalf("ReadOPML error = %v, want ErrBadOPML", err)
			}
			if feeds != nil {
				t.Errorf("ReadOPML returned feeds %v with a malformed document", feeds)
			}
		})
	}
}

var exportFeeds = []model.Feed{
	{URL: "https://wire.example/top.rss", Title: "Top stories", Outlet: "Wire"},
	{URL: "https://loose.example/rss"},
	{URL: "https://desk.example/feed.atom", Title: "Desk <&> \"feed\"", Outlet: "World desk"},
	{URL: "https://wire.example/world.rss?x=1&y=2", Title: "World", Outlet: "Wire"},
}

func TestWriteOPMLGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteOPML(&buf, exportFeeds); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "export.opml")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("WriteOPML differs from %s (go test -update to accept):\n%s", golden, buf.Bytes())
	}
}

func TestOPMLRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteOPML(&buf, exportFeeds); err != nil {
		t.Fatal(err)
	}
	got, err := ReadOPML(&buf)
	if err != nil {
		t.Fatal(err)
	}
	// WriteOPML groups by outlet, so compare as sets keyed by URL.
	byURL := map[string]model.Feed{}
	for _, f := range got {
		byURL[f.URL] = f
	}
	if len(byURL) != len(exportFeeds) {
		t.Fatalf("read back %d feeds, want %d: %+v", len(byURL), len(exportFeeds), got)
	}
	for _, want := range exportFeeds {
		if g := byURL[want.URL]; g != want {
			t.Errorf("feed %s read back as %+v, want %+v", want.URL, g, want)
		}
	}
}

func FuzzReadOPML(f *testing.F) {
	for _, name := range []string{"subscriptions.opml", "latin1.opml", "export.opml"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<opml><body><outline xmlUrl="http://a"><outline xmlUrl="http://a"/></outline></body></opml>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		feeds, err := ReadOPML(bytes.NewReader(doc))
		if errors.Is(err, ErrBadOPML) && feeds != nil {
			t.Fatalf("feeds returned with ErrBadOPML: %v", feeds)
		}
		seen := map[string]bool{}
		for _, fd := range feeds {
			u, perr := url.Parse(fd.URL)
			if fd.URL == "" || perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Fatalf("feed with bad URL %q returned", fd.URL)
			}
			if seen[fd.URL] {
				t.Fatalf("URL %q returned twice", fd.URL)
			}
			seen[fd.URL] = true
		}
		// Whatever was read must survive a write and a read unchanged.
		var buf bytes.Buffer
		if err := WriteOPML(&buf, feeds); err != nil {
			t.Fatal(err)
		}
		again, err := ReadOPML(&buf)
		if err != nil {
			t.Fatalf("reading our own export: %v\n%s", err, buf.Bytes())
		}
		if len(again) != len(feeds) {
			t.Fatalf("round trip kept %d of %d feeds", len(again), len(feeds))
		}
	})
}

func TestCheckURL(t *testing.T) {
	tests := []struct {
		name, raw, want string
		ok              bool
	}{
		{"https", "https://news.example/feed.xml", "https://news.example/feed.xml", true},
		{"spaces trimmed", "  http://news.example/rss?a=1 ", "http://news.example/rss?a=1", true},
		{"relative", "/feed.xml", "", false},
		{"no scheme", "news.example/feed", "", false},
		{"file", "file:///etc/passwd", "", false},
		{"no host", "http:///feed", "", false},
		{"unparsable", "http://[::1", "", false},
		{"password", "https://user:secretpw@news.example/feed.xml", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CheckURL(tc.raw)
			if tc.ok != (err == nil) || got != tc.want {
				t.Fatalf("CheckURL(%q) = %q, %v; want %q, ok %v", tc.raw, got, err, tc.want, tc.ok)
			}
			if err != nil && !errors.Is(err, ErrBadURL) {
				t.Errorf("error %v is not ErrBadURL", err)
			}
			if err != nil && strings.Contains(err.Error(), "secretpw") {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}
