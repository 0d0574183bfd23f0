package extract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-shiori/dom"
	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"

	"github.com/parallax-news/parallax/internal/source"
)

func pageItem(t testing.TB, file, url string) source.Item {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "linkpage", file))
	if err != nil {
		t.Fatal(err)
	}
	return source.Item{Input: file, Kind: source.FormatHTML, Format: source.FormatHTML, Body: b, Hint: source.Hint{URL: url}}
}

// TestLinkPage: list pages (a home page, a section page, a tag page,
// search results) are refused as ErrLinkPage, read from a file or from
// their address; articles with many links around them (a mega-menu,
// related stories, most read, a "Read more" link in the text) are kept
// whole. The pages are written for the test, modelled on no one site.
func TestLinkPage(t *testing.T) {
	tests := []struct {
		name, file, url string
		want            error
		// has is a sentence of an accepted article's text; hasNot one of
		// the links around it.
		has, hasNot string
	}{
		{name: "home page, lead teaser and sections", file: "home.html", want: ErrLinkPage},
		{name: "home page at its address", file: "home.html", url: "https://www.harwickcourier.example/", want: ErrLinkPage},
		{name: "section page of linked cards", file: "section.html", want: ErrLinkPage},
		{name: "tag page of headlines only", file: "tag.html", url: "https://meridian.example/topic/minimum-wage", want: ErrLinkPage},
		{name: "search results", file: "search.html", url: "https://coastalpost.example/search?q=flood+defences", want: ErrLinkPage},
		{name: "article with mega-menu and related stories", file: "article-related.html",
			url:    "https://www.harwickcourier.example/news/2026/11/25/ferry-operator-to-cut-winter-crossings-to-the-islands",
			has:    "Four good days is better than seven unreliable ones.",
			hasNot: "Ferry fares to rise by nine percent"},
		{name: "article from a file, no address", file: "article-related.html", has: "This is how an island empties."},
		{name: "short article with a read-more link and more stories", file: "brief-related.html",
			has: "The cause of the fault was not yet known.", hasNot: "Gritters are ready"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Article(context.Background(), pageItem(t, tc.file, tc.url), Options{})
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Fatalf("Article = %v, want %v", err, tc.want)
				}
				if msg := err.Error(); !strings.Contains(msg, tc.file) || !strings.Contains(msg, "other pages it links to") {
					t.Errorf("error %q does not name the input and the reason", msg)
				}
				return
			}
			if err != nil {
				t.Fatalf("Article: %v", err)
			}
			if !strings.Contains(a.Text, tc.has) {
				t.Errorf("text lacks %q:\n%s", tc.has, a.Text)
			}
			if tc.hasNot != "" && strings.Contains(a.Text, tc.hasNot) {
				t.Errorf("text has the link %q:\n%s", tc.hasNot, a.Text)
			}
		})
	}
}

// TestMeasureLinks checks what counts as a card on small pages: links in
// the article's sentences, links to the page itself or to other sites,
// and menu items are none.
func TestMeasureLinks(t *testing.T) {
	card := func(path, headline string) string {
		return `<li><h3><a href="` + path + `">` + headline + `</a></h3><p>A teaser of a few words.</p></li>`
	}
	list := "<ul>" + card("/a/one", "First of the listed headlines here") + card("/a/two", "Second of the listed headlines here") +
		card("/a/three", "Third of the listed headlines here") + "</ul>"
	tests := []struct {
		name  string
		page  string
		url   string
		kept  []string
		cards int
		// keptCards is the words of kept that are the cards' text.
		keptCards int
	}{
		{name: "cards", page: list, url: "https://example.com/", cards: 3,
			kept: []string{"Second of the listed headlines here", "A teaser of a few words.", "Our own words, not a card's."}, keptCards: 12},
		{name: "teaser joined to its headline by extraction", page: list, url: "https://example.com/", cards: 3,
			kept: []string{"Third of the listed headlines here A teaser of a few words."}, keptCards: 12},
		{name: "short paragraph only as a whole block", page: `<ul>` + card("/a/1", "A headline of five words") + card("/a/2", "Another headline of five words") + `<li><a href="/a/3">Third headline of five words</a><p>Opinion</p></li></ul>`,
			url: "https://example.com/", cards: 3, kept: []string{"Opinion", "Analysis"}, keptCards: 1},
		{name: "links in sentences", url: "https://example.com/",
			page: `<div><p>The council <a href="/a/one">approved the plan on Monday evening</a> after a long debate.</p>` +
				`<p>Critics <a href="/a/two">said it would cost far too much money</a> and take years.</p></div>`},
		{name: "links to the page itself", url: "https://example.com/a/one",
			page: "<ul>" + card("/a/one", "This page's own headline here") + card("https://www.example.com/a/one/", "This page's own headline again") + "</ul>"},
		{name: "links to other sites", url: "https://example.com/",
			page: "<ul>" + card("https://other.org/a/one", "A headline on another site") + card("https://other.org/a/two", "One more headline on another site") + "</ul>"},
		{name: "subdomain of the site", url: "https://www.example.com/", cards: 2,
			page: "<ul>" + card("https://news.example.com/a/one", "A headline on the news subdomain") + card("/a/two", "A headline on the site itself") + "</ul>"},
		{name: "menu items are short", url: "https://example.com/",
			page: `<nav><ul><li><a href="/world">World</a></li><li><a href="/arts">Arts and Culture</a></li><li><a href="/sport">Sport</a></li></ul></nav>`},
		{name: "site from the links of a saved page", cards: 2,
			page: "<ul>" + card("https://example.com/a/one", "A headline with an absolute link") + card("https://example.com/a/two", "Another headline with an absolute link") +
				card("https://other.org/a/three", "A headline of another site") + "</ul>"},
		{name: "titled block with one link is no card", url: "https://example.com/",
			page: `<div><section><h1>The article's own title here</h1><p>Text.</p><p><a href="/a/zero">Read more on this subject here</a></p></section>` + list + `</div>`, cards: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader("<html><body>" + tc.page + "</body></html>"))
			if err != nil {
				t.Fatal(err)
			}
			s := measureLinks(doc, tc.url).stats(tc.kept)
			if s.cards != tc.cards || s.keptCards != tc.keptCards {
				t.Errorf("cards %d, kept card words %d; want %d and %d", s.cards, s.keptCards, tc.cards, tc.keptCards)
			}
		})
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		name   string
		ogType string
		types  []string
		want   pageKind
	}{
		{name: "nothing said", want: kindUnknown},
		{name: "og article", ogType: "article", want: kindArticle},
		{name: "og website", ogType: "website", want: kindListing},
		{name: "json-ld news article on a site calling itself a website", ogType: "website", types: []string{"WebSite", "NewsArticle"}, want: kindArticle},
		{name: "collection page", types: []string{"WebSite", "CollectionPage"}, want: kindListing},
		{name: "search results page", types: []string{"SearchResultsPage"}, want: kindListing},
		{name: "blog posting", types: []string{"BlogPosting"}, want: kindArticle},
		{name: "web page only", types: []string{"WebPage", "Organization"}, want: kindUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := kindOf(tc.ogType, tc.types); got != tc.want {
				t.Errorf("kindOf(%q, %q) = %d, want %d", tc.ogType, tc.types, got, tc.want)
			}
		})
	}
}

func TestSchemaTypes(t *testing.T) {
	var v any
	in := `{"@context": "https://schema.org", "@graph": [{"@type": "WebSite"}, {"@type": ["NewsArticle", "Article"], "author": {"@type": "Person"}}]}`
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(schemaTypes(v, nil), ",")
	for _, want := range []string{"WebSite", "NewsArticle", "Article", "Person"} {
		if !strings.Contains(got, want) {
			t.Errorf("types %s lack %s", got, want)
		}
	}
}

// TestLinkPageSharedData: none of the extraction benchmark's articles is
// taken for a list page (internal/eval's benchmark test runs the whole
// extraction on them). It logs the highest share of card text kept, the
// margin below the thresholds.
func TestLinkPageSharedData(t *testing.T) {
	if testing.Short() {
		t.Skip("extracts every page of the benchmark")
	}
	pages := benchPages(t)
	var highest linkStats
	at := ""
	for _, page := range pages {
		doc, err := dom.Parse(bytes.NewReader(page.body))
		if err != nil {
			t.Fatal(err)
		}
		m := measureLinks(doc, page.url)
		res, err := trafilatura.ExtractDocument(doc, trafilaturaOptions(page.url))
		if err != nil {
			t.Errorf("%s: %v", page.id, err)
			continue
		}
		var kept []string
		for _, b := range paragraphs(res.ContentNode) {
			kept = append(kept, b.text)
		}
		s := m.stats(kept)
		if err := s.verdict(); err != nil {
			t.Errorf("%s (%s): %v", page.id, page.url, err)
		}
		if s.cards >= minCards && s.share() > highest.share() {
			highest, at = s, page.url
		}
	}
	t.Logf("%d articles; highest share of card text kept %.2f (%d cards, page kind %d: %s)", len(pages), highest.share(), highest.cards, highest.kind, at)
}

// fuzzPages seed the fuzz tests: small pages, since the fuzzer minimises
// every input it finds new, which takes minutes on a whole page. Through
// trafilatura nearly every input is new: fuzz FuzzArticleHTML with
// -fuzzminimizetime 10x.
func fuzzPages() []string {
	var list strings.Builder
	list.WriteString(`<html><head><meta property="og:type" content="website"></head><body><nav><a href="/world">World</a></nav><ul>`)
	for _, h := range []string{"Bridge to close for repairs", "Hospital opens its new wing", "Council tax rise of five percent",
		"Brewery expands with new jobs", "Town sack their manager again", "Museum puts coins on display"} {
		list.WriteString(`<li><h3><a href="/news/` + strings.ReplaceAll(strings.ToLower(h), " ", "-") + `">` + h + `</a></h3><p>A teaser of a few words.</p></li>`)
	}
	list.WriteString(`</ul></body></html>`)
	return []string{
		list.String(),
		`<html><body><h1>Talks</h1><p>Former officials held talks with Russians on the war, <a href="/a/report">a report said on Monday</a>.</p>` +
			`<p>The meetings were held in New York in April and lasted several hours, the report said.</p>` +
			`<p><strong>Read more:</strong> <a href="/a/earlier-talks-in-geneva">Earlier talks in Geneva ended without a deal</a></p></body></html>`,
	}
}

// FuzzMeasureLinks: on any markup the measures stay consistent: the
// words in links and the card words kept are parts of their wholes, and
// no more pages are listed than there are links.
func FuzzMeasureLinks(f *testing.F) {
	for _, p := range fuzzPages() {
		f.Add([]byte(p), "https://www.example.com/news/", "Hospital opens its new wing\nA teaser of a few words.")
	}
	f.Fuzz(func(t *testing.T, page []byte, url, kept string) {
		doc, err := html.Parse(bytes.NewReader(page))
		if err != nil {
			t.Skip()
		}
		s := measureLinks(doc, url).stats(strings.Split(kept, "\n"))
		links := 0
		walk(doc, func(n *html.Node) {
			if n.Data == "a" {
				links++
			}
		})
		switch {
		case s.linkWords > s.words:
			t.Fatalf("%d words in links of %d", s.linkWords, s.words)
		case s.keptCards > s.kept || s.kept != len(strings.Fields(kept)):
			t.Fatalf("%d card words of %d kept (%d given)", s.keptCards, s.kept, len(strings.Fields(kept)))
		case s.cards > links:
			t.Fatalf("%d cards from %d links", s.cards, links)
		}
	})
}

// FuzzArticleHTML checks the whole web page path: any page either fails
// with a sentinel error, ErrLinkPage saying why, or gives an article
// with valid UTF-8 text.
func FuzzArticleHTML(f *testing.F) {
	for _, p := range fuzzPages() {
		f.Add([]byte(p), "")
		f.Add([]byte(p), "https://example.com/a/talks")
	}
	f.Fuzz(func(t *testing.T, page []byte, url string) {
		item := source.Item{Input: "fuzz.html", Kind: source.FormatHTML, Format: source.FormatHTML, Body: page, Hint: source.Hint{URL: url}}
		a, err := Article(context.Background(), item, Options{Outlets: builtin()})
		switch {
		case errors.Is(err, ErrLinkPage):
			if !strings.Contains(err.Error(), "other pages it links to") {
				t.Fatalf("link page error without its reason: %v", err)
			}
			return
		case errors.Is(err, ErrNoArticle):
			return
		case err != nil:
			t.Fatalf("unexpected error %v", err)
		}
		if !utf8.ValidString(a.Text) || strings.TrimSpace(a.Text) == "" {
			t.Fatalf("text %q: want valid UTF-8, not empty", a.Text)
		}
	})
}
