package extract

import (
	"bytes"
	"fmt"
	nurl "net/url"
	"strings"
	"time"

	"github.com/go-shiori/dom"
	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/language"

	"github.com/parallax-news/parallax/internal/extract/clean"
	"github.com/parallax-news/parallax/internal/source/date"
)

// trafilaturaOptions are the settings measured best on the extraction
// benchmark (see internal/eval): recall first, since cleaning takes out
// the boilerplate that comes with it (F1 0.968 against 0.967 balanced and
// 0.939 favouring precision, with the first cleaning rules; the fallback
// extractors gained nothing and cost time); comments are not article
// text; the publication date is read from metadata and the page without
// the slow multilingual date parser.
func trafilaturaOptions(pageURL string) trafilatura.Options {
	opt := trafilatura.Options{
		Focus:           trafilatura.FavorRecall,
		ExcludeComments: true,
		HtmlDateMode:    trafilatura.Fast,
	}
	if u, err := nurl.ParseRequestURI(pageURL); err == nil {
		opt.OriginalURL = u
	}
	return opt
}

// extractHTML runs trafilatura on a page and renders its content with one
// paragraph per block element.
func extractHTML(body []byte, pageURL string) (content, error) {
	doc, err := dom.Parse(bytes.NewReader(body))
	if err != nil {
		return content{}, fmt.Errorf("%w: %w", ErrNoArticle, err)
	}
	// trafilatura keeps no links in its content, and prunes the tree: the
	// links are measured first, to see after which of the paragraphs kept
	// are the headlines and teasers of other pages.
	links := measureLinks(doc, pageURL)
	res, err := trafilatura.ExtractDocument(doc, trafilaturaOptions(pageURL))
	if err != nil {
		// trafilatura reports a page without enough text as a plain error.
		return content{}, fmt.Errorf("%w: %w", ErrNoArticle, err)
	}
	blocks := paragraphs(res.ContentNode)
	c := content{
		paragraphs: make([]string, len(blocks)),
		title:      res.Metadata.Title,
		summary:    standfirst(blocks, res.Metadata.Description),
		siteName:   res.Metadata.Sitename,
		url:        res.Metadata.URL,
		language:   LanguageCode(res.Metadata.Language),
	}
	for i, b := range blocks {
		c.paragraphs[i] = b.text
	}
	if err := links.stats(c.paragraphs).verdict(); err != nil {
		return content{}, err
	}
	if !res.Metadata.Date.IsZero() {
		d := withTimeOfDay(res.Metadata.Date, links.published)
		c.published = &d
	}
	return c, nil
}

// blockTags start a new paragraph. trafilatura's own text output joins
// every block with a space, losing the paragraph breaks the clean text
// keeps, so the content tree is rendered here.
var blockTags = map[string]bool{
	"p": true, "div": true, "section": true, "article": true, "main": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"ul": true, "ol": true, "li": true, "dl": true, "dt": true, "dd": true,
	"blockquote": true, "pre": true, "figure": true, "figcaption": true,
	"table": true, "thead": true, "tbody": true, "tfoot": true, "tr": true, "caption": true,
	"header": true, "footer": true, "aside": true, "address": true,
	"br": true, "hr": true, "body": true, "html": true,
}

// fragment renders an HTML fragment, such as a feed entry's content.
func fragment(body []byte, title string) (content, error) {
	nodes, err := html.ParseFragment(bytes.NewReader(body), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return content{}, fmt.Errorf("html fragment: %w", err)
	}
	c := content{title: title}
	for _, n := range nodes {
		for _, b := range paragraphs(n) {
			c.paragraphs = append(c.paragraphs, b.text)
		}
	}
	return c, nil
}

// block is one paragraph of a rendered page.
type block struct {
	text    string
	heading bool
}

// standfirst returns the page's summary when one of its first two blocks
// is a heading repeating it: a standfirst set above the article, which
// the article's own paragraphs then retell. A first paragraph (not a
// heading) equal to the summary is the article's lead, copied into the
// metadata, and is kept.
func standfirst(blocks []block, summary string) string {
	summary = clean.Normalize(summary)
	if summary == "" {
		return ""
	}
	for _, b := range blocks[:min(2, len(blocks))] {
		if b.heading && strings.EqualFold(clean.Normalize(b.text), summary) {
			return summary
		}
	}
	return ""
}

var headingTags = map[string]bool{"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true}

// paragraphs renders an HTML tree as text, one paragraph per block
// element or line break; table cells in a row are separated by a space.
func paragraphs(n *html.Node) []block {
	if n == nil {
		return nil
	}
	var out []block
	var cur strings.Builder
	heading := false
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, block{text: s, heading: heading})
		}
		cur.Reset()
		heading = false
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			cur.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.Data {
			case "script", "style", "noscript", "template":
				return
			case "td", "th":
				cur.WriteByte(' ')
			}
		}
		block := n.Type == html.ElementNode && blockTags[n.Data]
		if block {
			flush()
			heading = headingTags[n.Data]
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			flush()
		}
	}
	walk(n)
	flush()
	return out
}

// LanguageCode reduces a language tag (a page's lang attribute, a feed's
// language, trafilatura's detection) to the ISO 639-1 code articles are
// stored and filtered by: "en-US" and "EN_us" are "en". It is "" for
// anything else: "english", "eng", or "zz", which is no language.
func LanguageCode(lang string) string {
	lang, _, _ = strings.Cut(strings.ToLower(strings.TrimSpace(lang)), "-")
	lang, _, _ = strings.Cut(lang, "_")
	if len(lang) != 2 {
		return ""
	}
	if _, err := language.ParseBase(lang); err != nil {
		return ""
	}
	return lang
}

// withTimeOfDay returns the publication time stamp gives (the page's
// article:published_time or JSON-LD datePublished) where it falls on day,
// the date trafilatura read, which its fast date mode gives without the
// time of day: stories list their newest coverage first, and a day's
// reports would otherwise all be dated midnight. Otherwise day.
func withTimeOfDay(day time.Time, stamp string) time.Time {
	if !strings.Contains(stamp, ":") {
		return day // a date alone adds nothing
	}
	t, err := date.Parse(stamp)
	if err != nil {
		return day
	}
	ty, tm, td := t.Date()
	dy, dm, dd := day.Date()
	if ty != dy || tm != dm || td != dd {
		return day
	}
	return t
}
