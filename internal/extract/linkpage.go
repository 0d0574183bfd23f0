package extract

import (
	"encoding/json"
	"fmt"
	"maps"
	"net"
	nurl "net/url"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/publicsuffix"
)

// A home page, a section or tag page and a page of search results are
// lists of other pages: a headline linking to each, often with a teaser.
// trafilatura, asked for the main text, returns some of that list, which
// stored as an article would join or start a story. Such a page is told
// from an article by what extraction kept: an article's text is its own
// prose, a list page's is the headlines and teasers of its cards. The
// links of the page (menus, related stories, most read) say nothing on
// their own: an article has as many as a section page, only not as its
// text.

// headlineWords is the fewest words of a link's text for it to be taken
// as a headline: menu items ("World", "Arts and Culture") are shorter.
const headlineWords = 4

// maxTeaser is the most words of text outside links a card may hold
// besides its headline: a teaser, a byline and a date. A block holding one
// link and more text is an article (or a part of one) that links once.
const maxTeaser = 120

// maxKicker is the most words of a card before its headline link: a
// section label, a date, "Analysis". A short article whose text comes
// before its one "Read more" link is no card.
const maxKicker = 8

// Thresholds of linkStats.verdict.
const (
	// minCards: a page listing fewer other pages is no list page,
	// whatever its text; an article may link to a few in its text.
	minCards = 6
	// cardShare is the share of the kept text that, made of cards, makes
	// the page a list page. On the extraction benchmark's 91 articles the
	// most is 0.22 (related stories kept with the text); the list pages of
	// testdata/linkpage are above 0.85.
	cardShare = 0.6
	// cardShareArticle is that share for a page its metadata calls an
	// article, and cardShareListing for one it calls a listing (a
	// website, a collection page): metadata is often missing or wrong,
	// so it moves the threshold, never decides alone.
	cardShareArticle = 0.8
	cardShareListing = 0.4
)

// pageKind is what a page's metadata (og:type, JSON-LD @type) says it is.
type pageKind int

const (
	kindUnknown pageKind = iota
	kindArticle
	kindListing
)

// linkStats are the measures a list page is told by.
type linkStats struct {
	// words and linkWords are the visible words of the page, and those
	// inside links.
	words, linkWords int
	// cards are the distinct other pages of the site the page's cards
	// (a headline link, with a teaser or without) lead to.
	cards int
	// kept and keptCards are the words extraction kept, and those of them
	// that are the text of cards.
	kept, keptCards int
	kind            pageKind
}

// share is the share of the kept words that are the text of cards.
func (s linkStats) share() float64 {
	if s.kept == 0 {
		return 0
	}
	return float64(s.keptCards) / float64(s.kept)
}

// verdict is ErrLinkPage, with the figures that tell, for a list page,
// and nil for an article.
func (s linkStats) verdict() error {
	threshold := cardShare
	switch s.kind {
	case kindArticle:
		threshold = cardShareArticle
	case kindListing:
		threshold = cardShareListing
	}
	if s.cards < minCards || s.share() < threshold {
		return nil
	}
	density := 0.0
	if s.words > 0 {
		density = float64(s.linkWords) / float64(s.words)
	}
	return fmt.Errorf("%w: %.0f%% of the text extracted is the headlines and teasers of %d other pages it links to (links are %.0f%% of the page's text)",
		ErrLinkPage, 100*s.share(), s.cards, 100*density)
}

// measureLinks measures doc's links and cards. It runs before extraction,
// which prunes the tree, and stats then reads the paragraphs extraction kept.
func measureLinks(doc *html.Node, pageURL string) *measure {
	m := &measure{cards: map[string]bool{}, cardShingles: map[string]bool{}, cardShort: map[string]bool{}, own: map[*html.Node]int{}}
	m.meta(doc)
	m.base, _ = nurl.Parse(pageURL)
	if m.base == nil || m.base.Host == "" {
		m.base = m.declared
	}
	if m.base != nil {
		m.self = pageKey(m.base)
	}
	if m.declared != nil {
		m.selfDeclared = pageKey(m.declared)
	}
	m.host = m.siteHost(doc)
	m.visit(doc, false)
	return m
}

// stats are the page's measures with the cards among the kept paragraphs.
func (m *measure) stats(kept []string) linkStats {
	s := linkStats{words: m.words, linkWords: m.linkWords, cards: len(m.cards), kind: m.kind}
	for _, p := range kept {
		s.kept, s.keptCards = s.kept+len(strings.Fields(p)), s.keptCards+m.cardWords(p)
	}
	return s
}

// cardWords returns how many words of a kept paragraph are the text of
// cards. trafilatura may split or join a card's blocks, so a word is the
// cards' when one of the runs of shingle words it is in is; a paragraph
// shorter than that only when it is a whole block of a card, since a
// name or a date is anywhere.
func (m *measure) cardWords(p string) int {
	w := strings.Fields(normText(p))
	if len(w) < shingle {
		if m.cardShort[strings.Join(w, " ")] {
			return len(w)
		}
		return 0
	}
	n, covered := 0, 0 // covered: the words before it are counted
	for i := 0; i+shingle <= len(w); i++ {
		if m.cardShingles[strings.Join(w[i:i+shingle], " ")] {
			n += i + shingle - max(i, covered)
			covered = i + shingle
		}
	}
	return n
}

// shingle is the length of the runs of words compared: long enough that
// an article and the teasers of its related stories, on one subject, seldom
// share one by chance.
const shingle = 4

// measure walks a page.
type measure struct {
	// base resolves relative links; declared is the page's own address as
	// its canonical link or og:url gives it.
	base, declared *nurl.URL
	// self and selfDeclared are the page's keys: links to them are not to
	// other pages.
	self, selfDeclared string
	// host is the site's registered domain, "" when unknown: then only
	// relative links are the site's.
	host string
	kind pageKind
	// published is the publication time the page's metadata gives, read
	// in this one walk of the head for extractHTML (see withTimeOfDay).
	published string

	words, linkWords int
	cards            map[string]bool
	// cardShingles are the runs of shingle words of the cards' text,
	// cardShort their paragraphs of fewer words.
	cardShingles, cardShort map[string]bool
	// own caches ownWords by block.
	own map[*html.Node]int
}

// summary is what visit reports of a subtree: the distinct headline links
// in it (href when one, many when more), its words outside links, those of
// them before its first headline link (lead), and whether it has a heading
// of its own, not a link (titled).
type summary struct {
	href   string
	many   bool
	prose  int
	lead   int
	titled bool
}

func (s *summary) linked() bool { return s.href != "" || s.many }

func (s *summary) add(c summary) {
	if !s.linked() {
		if c.linked() {
			s.lead = s.prose + c.lead
		} else {
			s.lead = s.prose + c.prose
		}
	}
	s.prose += c.prose
	s.titled = s.titled || c.titled
	switch {
	case s.many || c.href == "" && !c.many:
	case c.many || s.href != "" && s.href != c.href:
		s.many, s.href = true, ""
	default:
		s.href = c.href
	}
}

// visit counts the words of n and marks the cards in it. A card is the
// largest element holding one headline link, little other text, and
// little of it before the link; its parent holds the headline links of
// several. An element with a heading of its own (an article's title, not
// a link) is no card, whatever links it holds.
func (m *measure) visit(n *html.Node, inLink bool) summary {
	var s summary
	switch n.Type {
	case html.TextNode:
		w := len(strings.Fields(n.Data))
		m.words += w
		if inLink {
			m.linkWords += w
		} else {
			s.prose = w
		}
		return s
	case html.ElementNode:
		if invisible(n) {
			return s
		}
		if n.Data == "a" && !inLink {
			if key, ok := m.otherPage(attr(n, "href")); ok {
				if w := len(strings.Fields(textOf(n))); w >= headlineWords && m.standalone(n, w) {
					s.href = key
				}
			}
			inLink = true
		}
		if headingTags[n.Data] && !inLink && ownWords(n) >= headlineWords {
			s.titled = true
		}
	}
	children := make([]summary, 0, 4)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		cs := m.visit(c, inLink)
		children = append(children, cs)
		s.add(cs)
	}
	if !s.many {
		return s
	}
	i := 0
	for c := n.FirstChild; c != nil; c, i = c.NextSibling, i+1 {
		if cs := children[i]; cs.href != "" && cs.prose <= maxTeaser && cs.lead <= maxKicker && !cs.titled {
			m.card(c, cs.href)
		}
	}
	return s
}

func (m *measure) card(n *html.Node, href string) {
	m.cards[href] = true
	for _, b := range paragraphs(n) {
		w := strings.Fields(normText(b.text))
		if len(w) < shingle {
			m.cardShort[strings.Join(w, " ")] = true
		}
		for i := 0; i+shingle <= len(w); i++ {
			m.cardShingles[strings.Join(w[i:i+shingle], " ")] = true
		}
	}
}

// inlineTags are the elements that run inside a line of text.
var inlineTags = map[string]bool{
	"a": true, "abbr": true, "b": true, "bdi": true, "cite": true, "code": true, "em": true,
	"font": true, "i": true, "label": true, "mark": true, "q": true, "s": true, "small": true,
	"span": true, "strong": true, "sub": true, "sup": true, "time": true, "u": true,
}

// standalone tells whether link a, of words words, stands on its own, as a
// headline does, rather than running in a sentence: the words of its block
// outside links ("Read more:", a date) are fewer than half its own. A link
// whose block is a card grid, or a list item with the teaser in a
// paragraph of its own, is standalone; one inside a paragraph of the
// article is not.
func (m *measure) standalone(a *html.Node, words int) bool {
	block := a.Parent
	for block != nil && block.Type == html.ElementNode && inlineTags[block.Data] {
		block = block.Parent
	}
	if block == nil {
		return true
	}
	n, ok := m.own[block]
	if !ok {
		n = ownWords(block)
		m.own[block] = n
	}
	return 2*n < words
}

// ownWords counts the words of block's text outside links, leaving out
// the blocks nested in it.
func ownWords(block *html.Node) int {
	n := 0
	for c := block.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode:
			n += len(strings.Fields(c.Data))
		case c.Type == html.ElementNode && c.Data != "a" && inlineTags[c.Data] && !invisible(c):
			n += ownWords(c)
		}
	}
	return n
}

// otherPage returns the key of the page href leads to when it is another
// page of the site.
func (m *measure) otherPage(href string) (string, bool) {
	href = strings.TrimSpace(href)
	if href == "" || strings.HasPrefix(href, "#") {
		return "", false
	}
	u, err := nurl.Parse(href)
	if err != nil {
		return "", false
	}
	relative := u.Host == ""
	if m.base != nil {
		u = m.base.ResolveReference(u)
	}
	if u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" {
		return "", false
	}
	if !relative && (m.host == "" || siteHost(u.Host) != m.host) {
		return "", false
	}
	if strings.Trim(u.Path, "/") == "" && u.RawQuery == "" {
		return "", false // the home page is no article
	}
	key := pageKey(u)
	return key, key != m.self && key != m.selfDeclared
}

// pageKey identifies a page by host, path and query.
func pageKey(u *nurl.URL) string {
	return strings.TrimPrefix(strings.ToLower(u.Host), "www.") + strings.TrimSuffix(u.Path, "/") + "?" + u.RawQuery
}

// siteHost names the site of a host by its registered domain, so that
// www.example.com and news.example.com are one site.
func siteHost(host string) string {
	host = strings.ToLower(host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return d
	}
	return host
}

// siteHost returns the host of the site the page belongs to: its URL's,
// else the one it declares, else the one most of its absolute links go to
// (a saved page gives no address of its own).
func (m *measure) siteHost(doc *html.Node) string {
	if m.base != nil && m.base.Host != "" {
		return siteHost(m.base.Host)
	}
	count := map[string]int{}
	walk(doc, func(n *html.Node) {
		if n.Data != "a" {
			return
		}
		if u, err := nurl.Parse(attr(n, "href")); err == nil && u.Host != "" {
			count[siteHost(u.Host)]++
		}
	})
	best := ""
	for h, c := range count {
		if c > count[best] || c == count[best] && h < best {
			best = h
		}
	}
	return best
}

// meta reads what the page says of itself: its address (canonical link,
// og:url) and its kind (og:type, JSON-LD @type).
func (m *measure) meta(doc *html.Node) {
	var ogType string
	var types []string
	walk(doc, func(n *html.Node) {
		switch n.Data {
		case "meta":
			switch strings.ToLower(attr(n, "property")) {
			case "og:type":
				ogType = strings.ToLower(strings.TrimSpace(attr(n, "content")))
			case "og:url":
				m.declare(attr(n, "content"))
			case "article:published_time":
				m.publish(attr(n, "content"))
			}
			if strings.EqualFold(attr(n, "itemprop"), "datePublished") {
				m.publish(attr(n, "content"))
			}
		case "link":
			if strings.EqualFold(attr(n, "rel"), "canonical") {
				m.declare(attr(n, "href"))
			}
		case "script":
			if strings.EqualFold(strings.TrimSpace(attr(n, "type")), "application/ld+json") && n.FirstChild != nil {
				var v any
				if json.Unmarshal([]byte(n.FirstChild.Data), &v) == nil {
					types = schemaTypes(v, types)
					m.publish(schemaPublished(v))
				}
			}
		}
	})
	m.kind = kindOf(ogType, types)
}

// publish keeps the first publication time the metadata gives.
func (m *measure) publish(stamp string) {
	if m.published == "" {
		m.published = strings.TrimSpace(stamp)
	}
}

// schemaPublished returns the first datePublished of a JSON-LD value, ""
// when none.
func schemaPublished(v any) string {
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			if p := schemaPublished(e); p != "" {
				return p
			}
		}
	case map[string]any:
		if p, ok := v["datePublished"].(string); ok && p != "" {
			return p
		}
		for _, k := range slices.Sorted(maps.Keys(v)) { // "@graph" and the like, in a fixed order
			if p := schemaPublished(v[k]); p != "" {
				return p
			}
		}
	}
	return ""
}

func (m *measure) declare(addr string) {
	if u, err := nurl.Parse(strings.TrimSpace(addr)); err == nil && u.Host != "" && m.declared == nil {
		m.declared = u
	}
}

// kindOf weighs the page's metadata: a JSON-LD article type says article,
// whatever else the page declares (sites describe themselves as a
// WebSite on every page); a listing type (CollectionPage, ItemList,
// SearchResultsPage) or og:type "website" without one says listing.
func kindOf(ogType string, types []string) pageKind {
	listing := ogType == "website"
	for _, t := range types {
		t = strings.ToLower(t)
		switch {
		case strings.Contains(t, "article") || strings.Contains(t, "posting") || t == "report":
			return kindArticle
		case t == "collectionpage" || t == "itemlist" || t == "searchresultspage":
			listing = true
		}
	}
	switch {
	case ogType == "article":
		return kindArticle
	case listing:
		return kindListing
	}
	return kindUnknown
}

// schemaTypes appends the @type values found anywhere in a JSON-LD value
// (in @graph, in lists, nested) to types.
func schemaTypes(v any, types []string) []string {
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			types = schemaTypes(e, types)
		}
	case map[string]any:
		switch t := v["@type"].(type) {
		case string:
			types = append(types, t)
		case []any:
			for _, e := range t {
				if s, ok := e.(string); ok {
					types = append(types, s)
				}
			}
		}
		for k, e := range v {
			if k != "@type" {
				types = schemaTypes(e, types)
			}
		}
	}
	return types
}

// invisible tells the elements whose text a reader does not see.
func invisible(n *html.Node) bool {
	switch n.Data {
	case "head", "script", "style", "noscript", "template", "svg":
		return true
	}
	for _, a := range n.Attr {
		if a.Key == "hidden" || a.Key == "aria-hidden" && a.Val == "true" {
			return true
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// textOf is the visible text of n.
func textOf(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
			b.WriteByte(' ')
		case n.Type == html.ElementNode && invisible(n):
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return b.String()
}

// walk calls f on every element of the tree, in document order.
func walk(n *html.Node, f func(*html.Node)) {
	if n.Type == html.ElementNode {
		f(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

// normText lower-cases s and collapses its white space, for comparing
// the text of two renderings of a block.
func normText(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}
