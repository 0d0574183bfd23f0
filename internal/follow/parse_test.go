package follow

import (
	"errors"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/source/feed"
)

func TestParseFeed(t *testing.T) {
	published := time.Date(2023, 7, 6, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		doc     string
		want    []source.Item // Body, Raw left out of the comparison
		wantErr []error       // per entry
	}{
		{
			name: "RSS with HTML and plain entries, a headline alone and one empty",
			doc: `<rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link><language>en</language>
<item><guid>g1</guid><link>/a</link><title>Talks</title><pubDate>Thu, 06 Jul 2023 12:00:00 GMT</pubDate>
<description>&lt;p&gt;Former officials met.&lt;/p&gt;</description></item>
<item><guid>g2</guid><link>https://wire.example/b</link><title>Plain</title><description>Just text.</description></item>
<item><guid>g3</guid><title>Headline only</title></item>
<item><guid>g4</guid></item>
</channel></rss>`,
			want: []source.Item{
				{Input: "https://wire.example/rss#1", Kind: "feed", Format: source.FormatHTML,
					Hint: source.Hint{ExternalID: "g1", Outlet: "Wire", URL: "https://wire.example/a", Title: "Talks", Published: &published, Language: "en"}},
				{Input: "https://wire.example/rss#2", Kind: "feed", Format: source.FormatText,
					Hint: source.Hint{ExternalID: "g2", Outlet: "Wire", URL: "https://wire.example/b", Title: "Plain", Language: "en"}},
				{Input: "https://wire.example/rss#3", Kind: "feed", Format: source.FormatText,
					Hint: source.Hint{ExternalID: "g3", Outlet: "Wire", Title: "Headline only", Language: "en"}},
				{Input: "https://wire.example/rss#4"},
			},
			wantErr: []error{nil, nil, nil, feed.ErrNoContent},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seq, err := ParseFeed("https://wire.example/rss", []byte(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			i := 0
			for it, err := range seq {
				if i >= len(tc.want) {
					t.Fatalf("more entries than the %d expected", len(tc.want))
				}
				if !errors.Is(err, tc.wantErr[i]) {
					t.Errorf("entry %d error = %v, want %v", i+1, err, tc.wantErr[i])
				}
				if err == nil && (len(it.Body) == 0 && it.Hint.Title == "" || it.Raw.ContentType != feed.RawContentType || len(it.Raw.Bytes) == 0) {
					t.Errorf("entry %d has no body or raw entry: %+v", i+1, it)
				}
				w := tc.want[i]
				got := it
				got.Body, got.Raw = nil, w.Raw
				if got.Hint.Published != nil && w.Hint.Published != nil && got.Hint.Published.Equal(*w.Hint.Published) {
					got.Hint.Published = w.Hint.Published
				}
				if got.Input != w.Input || got.Kind != w.Kind || got.Format != w.Format || got.Hint != w.Hint {
					t.Errorf("entry %d:\n got %+v\nwant %+v", i+1, got, w)
				}
				i++
			}
			if i != len(tc.want) {
				t.Errorf("%d entries, want %d", i, len(tc.want))
			}
		})
	}
}

func TestParseFeedMalformed(t *testing.T) {
	tests := []struct{ name, doc string }{
		{"empty", ""},
		{"a web page", "<html><body>not a feed</body></html>"},
		{"broken JSON", "{not json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseFeed("https://x.example/feed", []byte(tc.doc)); !errors.Is(err, feed.ErrMalformed) {
				t.Errorf("ParseFeed error = %v, want ErrMalformed", err)
			}
		})
	}
}
