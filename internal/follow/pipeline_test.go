package follow

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/pipeline"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/source/fetch"
	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/store/sqlite"
)

// article renders an RSS item with an HTML body, as most feeds carry, long
// enough for the pipeline to keep and distinct per id.
func article(base, id, title string) string {
	para := fmt.Sprintf("&lt;p&gt;Reporters in %s followed the talks closely and filed story %s. ", title, id)
	body := strings.Repeat(para+strings.Repeat("Officials met again on the next day. ", 3)+"&lt;/p&gt;", 4)
	return fmt.Sprintf(`<item><guid>%[1]s/%[2]s</guid><link>%[1]s/%[2]s</link><title>%[3]s</title>`+
		`<pubDate>Thu, 06 Jul 2023 12:00:00 GMT</pubDate><description>%[4]s</description></item>`, base, id, title, body)
}

type countingIngester struct {
	Ingester
	calls atomic.Int64
}

func (c *countingIngester) IngestItem(ctx context.Context, it source.Item) (pipeline.Result, error) {
	c.calls.Add(1)
	return c.Ingester.IngestItem(ctx, it)
}

// TestPipelineNoDuplicates polls, through the real pipeline and store, a
// feed whose entries repeat within a document and across polls.
func TestPipelineNoDuplicates(t *testing.T) {
	var mu sync.Mutex
	items := []string{
		article("https://wire.example", "1", "Vilnius"),
		article("https://wire.example", "2", "Prague"),
		article("https://wire.example", "1", "Vilnius"),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link>%s</channel></rss>`,
			strings.Join(items, ""))
	}))
	defer srv.Close()

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "p.db"), log)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	pl, err := pipeline.New(st, pipeline.Options{}, log)
	if err != nil {
		t.Fatal(err)
	}
	f, err := st.AddFeed(t.Context(), model.Feed{URL: srv.URL, Outlet: "Wire Service"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	in := &countingIngester{Ingester: pl}
	p := New(st, fetch.New(fetch.Options{AllowPrivate: true}), in, Options{Interval: time.Minute}, log)
	p.now = func() time.Time { return now }

	if err := p.PollOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	items = append(items, article("https://wire.example", "3", "Kyiv"))
	mu.Unlock()
	now = now.Add(2 * time.Minute)
	if err := p.PollOnce(t.Context()); err != nil {
		t.Fatal(err)
	}

	if s := p.Stats(); s.New != 3 || s.Known != 4 || s.Failed != 0 || s.FetchErrors != 0 {
		t.Errorf("Stats() = %+v, want 3 new and 4 known entries over two polls", s)
	}
	if n := in.calls.Load(); n != 3 {
		t.Errorf("pipeline ran %d times, want 3: entries with a stored link skip it", n)
	}
	arts, err := st.Articles(t.Context(), store.ArticleQuery{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, a := range arts {
		if seen[a.URL] {
			t.Errorf("article %s stored twice", a.URL)
		}
		seen[a.URL] = true
		if a.Outlet != "Wire Service" || a.Format != "feed" {
			t.Errorf("article %d: outlet %q, format %q; want the feed's outlet and format feed", a.ID, a.Outlet, a.Format)
		}
	}
	if len(arts) != 3 {
		t.Errorf("%d articles stored, want 3", len(arts))
	}
	feeds, err := st.Feeds(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got := feeds[0]; got.ID != f.ID || got.Failures != 0 || got.LastError != "" {
		t.Errorf("feed after polls = %+v", got)
	}
}

// TestPollerSharesHostLimit polls feeds of teasers through the real
// pipeline, which fetches the pages the entries link to, with one client
// for both, as serve does: however many feeds of the host are polled at
// once, the host never has more requests at once than the client allows,
// and every page is still read and stored.
func TestPollerSharesHostLimit(t *testing.T) {
	const feeds, entries, perHost = 4, 4, 2
	var (
		mu             sync.Mutex
		inflight, peak int
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inflight++
		peak = max(peak, inflight)
		mu.Unlock()
		defer func() {
			mu.Lock()
			inflight--
			mu.Unlock()
		}()
		// Held a little, so that requests sent at once overlap.
		time.Sleep(5 * time.Millisecond)
		base := "http://" + r.Host
		if town, ok := strings.CutPrefix(r.URL.Path, "/art/"); ok {
			var b strings.Builder
			fmt.Fprintf(&b, "<html><head><title>Storm in %[1]s</title></head><body><article><h1>Storm in %[1]s</h1>", town)
			for i := range 8 {
				fmt.Fprintf(&b, "<p>Paragraph %d from %s: the wind brought down power lines across %s overnight, "+
					"and the council of %s opened two halls for families whose homes were without heat.</p>", i+1, town, town, town)
			}
			fmt.Fprint(w, b.String()+"</article></body></html>")
			return
		}
		var items strings.Builder
		for i := range entries {
			town := fmt.Sprintf("town%s-%d", strings.TrimPrefix(r.URL.Path, "/"), i)
			fmt.Fprintf(&items, `<item><title>Storm in %[2]s</title><link>%[1]s/art/%[2]s</link><guid>%[2]s</guid>`+
				`<description>A storm hit %[2]s.</description></item>`, base, town)
		}
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>Coast News</title><link>%s/</link>%s</channel></rss>`, base, items.String())
	}))
	defer srv.Close()

	log := slog.New(slog.DiscardHandler)
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "p.db"), log)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	client := fetch.New(fetch.Options{AllowPrivate: true, PerHost: perHost, HostGap: -1})
	pl, err := pipeline.New(st, pipeline.Options{LinkedPages: true, Source: source.Options{Fetch: client}}, log)
	if err != nil {
		t.Fatal(err)
	}
	for i := range feeds {
		if _, err := st.AddFeed(t.Context(), model.Feed{URL: fmt.Sprintf("%s/f%d", srv.URL, i)}); err != nil {
			t.Fatal(err)
		}
	}
	// More polls of one host at once than the client allows requests.
	p := New(st, client, pl, Options{PerHost: feeds, Workers: feeds}, log)
	if err := p.PollOnce(t.Context()); err != nil {
		t.Fatal(err)
	}

	if s := p.Stats(); s.Polls != feeds || s.New != feeds*entries || s.FetchErrors != 0 || s.Failed != 0 {
		t.Errorf("Stats() = %+v, want %d polls storing %d entries", s, feeds, feeds*entries)
	}
	mu.Lock()
	if peak < 1 || peak > perHost {
		t.Errorf("%d requests at once to one host, want 1 to %d", peak, perHost)
	}
	mu.Unlock()
	arts, err := st.Articles(t.Context(), store.ArticleQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range arts {
		town := strings.TrimPrefix(a.Title, "Storm in ")
		if full, err := st.Article(t.Context(), a.ID); err != nil || !strings.Contains(full.Text, "Paragraph 8 from "+town) {
			t.Errorf("article %q was not read from its page: %v", a.Title, err)
		}
	}
}
