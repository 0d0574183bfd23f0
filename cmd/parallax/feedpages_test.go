package main

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/parallax-news/parallax/internal/model"
)

// articlePage is a news page whose article runs to about 250 words, each
// sentence naming its subject so the text tells the pages apart.
func articlePage(subject string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html><html><head><title>%s</title></head><body><nav><a href=\"/\">Home</a></nav><article><h1>%s</h1>", subject, subject)
	for i := range 10 {
		fmt.Fprintf(&b, "<p>Paragraph %d on the %s: officials said on Monday that crews worked through the night, "+
			"residents were told to stay away from the area, and a fuller account of the %s would follow.</p>", i+1, subject, subject)
	}
	b.WriteString("</article><footer>Copyright the Example Post</footer></body></html>")
	return b.String()
}

// TestIngestFeedFetchesPages ingests a feed over the network whose entries
// give a teaser, a headline alone, a teaser whose page is gone, and a whole
// article. The first two are read from their pages, under the entry's
// headline; the third keeps its teaser; the fourth's page is not fetched.
// Ingesting the feed again fetches no page.
func TestIngestFeedFetchesPages(t *testing.T) {
	var mu sync.Mutex
	hits := map[string]int{}
	long := strings.Repeat("The harbour board met again on Tuesday and agreed the budget for repairs. ", 25)
	mux := http.NewServeMux()
	mux.HandleFunc("/rss.xml", func(w http.ResponseWriter, r *http.Request) {
		base := "http://" + r.Host
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Example Post</title><link>%[1]s/</link>
<item><title>Volcano erupts</title><link>%[1]s/art/volcano</link><guid>v1</guid><pubDate>Mon, 04 Nov 2024 09:30:00 GMT</pubDate><description>A volcano erupted.</description></item>
<item><title>Central bank holds rates</title><link>%[1]s/art/rates</link><guid>r1</guid></item>
<item><title>Dam gives way</title><link>%[1]s/art/gone</link><guid>d1</guid><description>A dam gave way upstream of the town.</description></item>
<item><title>Harbour budget agreed</title><link>%[1]s/art/harbour</link><guid>h1</guid><content:encoded>%[2]s</content:encoded></item>
</channel></rss>`, base, long)
	})
	mux.HandleFunc("/art/", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		mu.Unlock()
		switch r.URL.Path {
		case "/art/volcano":
			fmt.Fprint(w, articlePage("volcano eruption"))
		case "/art/rates":
			fmt.Fprint(w, articlePage("interest rate decision"))
		default:
			http.NotFound(w, r)
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "p.db")

	out, errOut, code := parallax(t, db, "ingest", "--allow-private", srv.URL+"/rss.xml")
	if code != 0 || !strings.Contains(out, "4 new, 0 already known, 0 failed") {
		t.Fatalf("ingest: exit %d, %q; stderr %q", code, out, errOut)
	}
	if !strings.Contains(errOut, "/art/gone") || !strings.Contains(errOut, "its own text is kept") {
		t.Errorf("stderr %q does not warn that the gone page's entry keeps its own text", errOut)
	}
	var arts []model.Article
	mustJSON(t, db, &arts, "articles")
	texts := map[string]string{}
	for _, a := range arts {
		var full struct {
			Text string `json:"text"`
		}
		mustJSON(t, db, &full, "article", itoa(a.ID))
		texts[a.Title] = full.Text
		if a.Title == "Volcano erupts" && (a.Published == nil || a.Published.Hour() != 9) {
			t.Errorf("the volcano article's date %v is not its entry's", a.Published)
		}
	}
	for title, want := range map[string]string{
		"Volcano erupts":           "Paragraph 10 on the volcano eruption",
		"Central bank holds rates": "Paragraph 10 on the interest rate decision",
		"Dam gives way":            "A dam gave way upstream of the town.",
		"Harbour budget agreed":    "The harbour board met again",
	} {
		if !strings.Contains(texts[title], want) {
			t.Errorf("%q: text %.120q lacks %q", title, texts[title], want)
		}
	}
	if strings.Contains(texts["Volcano erupts"], "Copyright") || strings.Contains(texts["Volcano erupts"], "Home") {
		t.Errorf("the volcano page's boilerplate was kept: %q", texts["Volcano erupts"])
	}
	// --pages=false keeps every entry as the feed gives it.
	teasers := filepath.Join(t.TempDir(), "teasers.db")
	if _, errOut, code := parallax(t, teasers, "ingest", "--allow-private", "--pages=false", srv.URL+"/rss.xml"); code != 0 {
		t.Fatalf("ingest --pages=false: exit %d: %s", code, errOut)
	}
	var volcano struct {
		Text string `json:"text"`
	}
	mustJSON(t, teasers, &arts, "articles")
	for _, a := range arts {
		if a.Title == "Volcano erupts" {
			mustJSON(t, teasers, &volcano, "article", itoa(a.ID))
		}
	}
	if volcano.Text != "A volcano erupted." {
		t.Errorf("with --pages=false the volcano entry reads %.80q, want its teaser", volcano.Text)
	}

	mu.Lock()
	if hits["/art/harbour"] != 0 {
		t.Errorf("the page of an entry giving the whole article was fetched")
	}
	before := maps.Clone(hits)
	mu.Unlock()

	out, errOut, code = parallax(t, db, "ingest", "--allow-private", srv.URL+"/rss.xml")
	if code != 0 || !strings.Contains(out, "0 new, 4 already known, 0 failed") {
		t.Fatalf("ingest again: exit %d, %q; stderr %q", code, out, errOut)
	}
	mu.Lock()
	defer mu.Unlock()
	// The gone page is asked for again: its entry is known by its own
	// text, which only the attempt shows to be all there is.
	delete(before, "/art/gone")
	delete(hits, "/art/gone")
	if !maps.Equal(before, hits) {
		t.Errorf("pages fetched again for known entries: %v, then %v", before, hits)
	}
}
