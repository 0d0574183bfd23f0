package pipeline

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/source/fetch"
	"github.com/parallax-news/parallax/internal/store"
)

// teaserFeed serves an RSS feed at /feed.xml of n entries, each a headline
// and a sentence, whose pages under /art/ give the whole article. It
// records the most requests it had in flight at once.
type teaserFeed struct {
	*httptest.Server
	n int

	mu             sync.Mutex
	inflight, peak int
	pages          map[string]int
}

func newTeaserFeed(t *testing.T, n int) *teaserFeed {
	t.Helper()
	tf := &teaserFeed{n: n, pages: map[string]int{}}
	tf.Server = httptest.NewServer(http.HandlerFunc(tf.serve))
	t.Cleanup(tf.Close)
	return tf
}

func (tf *teaserFeed) serve(w http.ResponseWriter, r *http.Request) {
	tf.mu.Lock()
	tf.inflight++
	tf.peak = max(tf.peak, tf.inflight)
	if strings.HasPrefix(r.URL.Path, "/art/") {
		tf.pages[r.URL.Path]++
	}
	tf.mu.Unlock()
	defer func() {
		tf.mu.Lock()
		tf.inflight--
		tf.mu.Unlock()
	}()
	// Held a little, so that requests sent at once overlap.
	time.Sleep(5 * time.Millisecond)
	if town, ok := strings.CutPrefix(r.URL.Path, "/art/"); ok {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		var b strings.Builder
		fmt.Fprintf(&b, "<html><head><title>Flood in %[1]s</title></head><body><article><h1>Flood in %[1]s</h1>", town)
		for i := range 8 {
			fmt.Fprintf(&b, "<p>Paragraph %d from %s: the river rose through the night, crews from %s moved families to the school, "+
				"and the mayor of %s said the bridge would stay closed until engineers had checked it.</p>", i+1, town, town, town)
		}
		b.WriteString("</article></body></html>")
		fmt.Fprint(w, b.String())
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml")
	fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Valley Post</title><link>%s/</link>`, tf.URL)
	for i := range tf.n {
		fmt.Fprintf(w, `<item><title>Flood in town%[2]d</title><link>%[1]s/art/town%[2]d</link><guid>t%[2]d</guid>`+
			`<description>The river flooded town%[2]d.</description></item>`, tf.URL, i)
	}
	fmt.Fprint(w, `</channel></rss>`)
}

// TestLinkedPagesPerHost ingests a feed of teasers with more workers than
// the fetching client allows requests to one host: the pages wait for its
// slots, and every one is still fetched and stored.
func TestLinkedPagesPerHost(t *testing.T) {
	const entries, perHost = 16, 3
	tf := newTeaserFeed(t, entries)
	_, st := newPipeline(t)
	client := fetch.New(fetch.Options{AllowPrivate: true, PerHost: perHost, HostGap: -1})
	p := newPipelineWith(t, st, Options{Workers: 8, LinkedPages: true, Source: source.Options{Fetch: client}})
	var news int
	p.Ingest(t.Context(), []string{tf.URL + "/feed.xml"}, func(r Result) {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Input, r.Err)
		}
		if r.Status == StatusNew {
			news++
		}
	})
	if news != entries {
		t.Errorf("%d new articles, want %d", news, entries)
	}
	tf.mu.Lock()
	defer tf.mu.Unlock()
	if tf.peak < 1 || tf.peak > perHost {
		t.Errorf("%d requests at once to the feed's host, want 1 to %d", tf.peak, perHost)
	}
	if len(tf.pages) != entries {
		t.Errorf("%d pages fetched, want %d", len(tf.pages), entries)
	}
	arts, err := st.Articles(t.Context(), store.ArticleQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range arts {
		town := strings.TrimPrefix(a.Title, "Flood in ")
		if full, err := st.Article(t.Context(), a.ID); err != nil || !strings.Contains(full.Text, "Paragraph 8 from "+town) {
			t.Errorf("article %q was not read from its page: %v %.100q", a.Title, err, full.Text)
		}
	}
}
