// Package extract turns one source.Item into a model.Article: it extracts
// the article text and metadata, cleans boilerplate out, and describes the
// article (title, outlet, date, canonical URL, language, content hash).
package extract

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/RadhiFadlillah/whatlanggo"

	"github.com/parallax-news/parallax/internal/extract/clean"
	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/source/plaintext"
	"github.com/parallax-news/parallax/internal/text"
)

// Sentinel errors callers test with errors.Is.
var (
	// ErrNoArticle: no article text is left after extraction and cleaning.
	ErrNoArticle = errors.New("no article text")
	// ErrInvalidUTF8: a text input is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("not valid UTF-8 text")
	// ErrFormat: the item's Format is neither text nor html.
	ErrFormat = errors.New("unknown body format")
	// ErrLinkPage: a web page lists other pages (a home page, a section,
	// tag or search page) and is no article.
	ErrLinkPage = errors.New("a page of links, not an article")
)

// Options tune Article.
type Options struct {
	// Outlet (the --outlet flag) names the outlet of every article,
	// whatever the input says.
	Outlet string
	// Outlets is the domain table used to name outlets; nil means the
	// built-in table, extended by OutletFile when that is set. Callers
	// extracting many articles load it once with LoadOutlets.
	Outlets *Outlets
	// OutletFile is a user's outlet table (see LoadOutlets), read on each
	// call when Outlets is nil.
	OutletFile string
	// Logger receives debug records of what was removed, and a warning
	// for a publication date not kept; nil discards.
	Logger *slog.Logger
	// Now is the time of reading, time.Now when nil: a publication date
	// more than maxAhead after it is not kept.
	Now func() time.Time
}

// maxAhead is how far past the time of reading a publication date may lie.
// Time zones put a fresh article up to 14 hours ahead of the reader; a
// date beyond a day ahead is a typo or a wrong clock, and kept it would
// head the newest stories for years.
const maxAhead = 24 * time.Hour

var builtin = sync.OnceValue(func() *Outlets {
	o, _ := LoadOutlets("") // cannot fail without a file
	return o
})

// content is what the extraction step finds, before cleaning.
type content struct {
	// paragraphs are the body's, not yet cleaned.
	paragraphs []string
	// head and tail are removals found around the paragraphs.
	head, tail []model.Removal
	title      string
	summary    string
	language   string
	outletLine string
	siteName   string
	url        string
	published  *time.Time
}

// Article extracts, cleans and describes one item. The steps run in this
// order, each for a reason:
//
//  1. extract: web pages through trafilatura, HTML fragments (feed
//     entries) rendered as they are; plain text files through the
//     plaintext parser; texts that come with a title (JSONL, feeds) as one
//     paragraph a line. It comes first because every later step works on
//     paragraphs.
//  2. clean: boilerplate out, Unicode and white space normalised. Before
//     describing, so that language and hash see only the article.
//  3. describe: title, outlet, date, canonical URL, language. The input's
//     own statements (Options.Outlet, the item's Hint) win over what the
//     text suggests, since the user or the feed knows better than a guess.
//  4. hash the clean text, last, as it must cover exactly what is stored.
//
// An item with no article text left is ErrNoArticle, and a web page that
// lists other pages (a home, section or search page) ErrLinkPage, each
// naming the input.
func Article(ctx context.Context, item source.Item, opt Options) (*model.Article, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("extract %s: %w", item.Input, err)
	}
	outlets := opt.Outlets
	if outlets == nil {
		outlets = builtin()
		if opt.OutletFile != "" {
			var err error
			if outlets, err = LoadOutlets(opt.OutletFile); err != nil {
				return nil, fmt.Errorf("extract %s: %w", item.Input, err)
			}
		}
	}

	c, err := extractContent(item, outlets)
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", item.Input, err)
	}

	kept, removed := clean.Paragraphs(c.paragraphs, clean.Lead{Title: c.title, Summary: c.summary})
	// A record or entry with a headline and no body left (none given, or
	// only boilerplate) is kept as a headline; a page or file without
	// article text is no article.
	headlineOnly := item.Kind != source.FormatHTML && item.Kind != source.FormatText && c.title != ""
	if len(kept) == 0 && len(removed) == 0 && item.Kind == source.FormatText && c.title != "" {
		return nil, fmt.Errorf("extract %s: %w, only the headline %q: a text file's first line is its headline", item.Input, ErrNoArticle, c.title)
	}
	if len(kept) == 0 && !headlineOnly || (item.Kind == source.FormatHTML && wordCount(kept) < minPageWords) {
		return nil, fmt.Errorf("extract %s: %w", item.Input, ErrNoArticle)
	}
	all := make([]model.Removal, 0, len(c.head)+len(removed)+len(c.tail))
	all = append(append(append(all, c.head...), removed...), c.tail...)
	if opt.Logger != nil && len(all) > 0 {
		opt.Logger.DebugContext(ctx, "boilerplate removed", slog.String("input", item.Input), slog.Int("pieces", len(all)))
	}

	text := strings.Join(kept, "\n\n")
	a := &model.Article{
		ExternalID: item.Hint.ExternalID,
		Text:       text,
		Removed:    all,
		Source:     item.Input,
		Format:     item.Kind,
	}
	describe(a, item.Hint, c, opt.Outlet, outlets)
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	if p := a.Published; p != nil && p.After(now().Add(maxAhead)) {
		if opt.Logger != nil {
			opt.Logger.WarnContext(ctx, "publication date ahead of the clock, not kept",
				slog.String("input", item.Input), slog.Time("published", *p))
		}
		a.Published = nil
	}
	a.ContentHash = ContentHash(text)
	if text == "" {
		// A headline is all a headline-only article holds: two of them
		// are the same article only if their headlines are.
		a.ContentHash = ContentHash(a.Title)
	}
	return a, nil
}

func extractContent(item source.Item, outlets *Outlets) (content, error) {
	switch item.Format {
	case source.FormatHTML:
		if item.Kind != source.FormatHTML {
			// HTML content of a feed entry or a JSONL field is the article
			// itself, a fragment: trafilatura's page heuristics are made
			// for whole pages and drop or repeat parts of fragments.
			return fragment(item.Body, item.Hint.Title)
		}
		return extractHTML(item.Body, item.Hint.URL)
	case source.FormatText:
		if !utf8.Valid(item.Body) {
			return content{}, ErrInvalidUTF8
		}
		if item.Kind == source.FormatText && item.Hint.Title == "" {
			return parsePlain(item.Body, outlets)
		}
		// One paragraph a line (JSONL, feeds); cleaning drops a first line
		// repeating the title.
		return content{paragraphs: strings.Split(string(item.Body), "\n"), title: item.Hint.Title}, nil
	}
	return content{}, fmt.Errorf("%q: %w", item.Format, ErrFormat)
}

func parsePlain(body []byte, outlets *Outlets) (content, error) {
	known := func(line string) bool { _, ok := outlets.Name(line); return ok }
	a, err := plaintext.Parse(body, plaintext.Options{IsOutlet: known})
	switch {
	case errors.Is(err, plaintext.ErrEmpty):
		return content{}, fmt.Errorf("%w: %w", ErrNoArticle, err)
	case errors.Is(err, plaintext.ErrInvalidUTF8):
		return content{}, fmt.Errorf("%w: %w", ErrInvalidUTF8, err)
	case err != nil:
		return content{}, err
	}
	c := content{paragraphs: a.Paragraphs, head: a.Head, tail: a.Tail, title: a.Headline, outletLine: a.Outlet, url: a.URL, published: a.Date}
	return c, nil
}

// describe fills in the article's metadata from the hint, the content
// and the outlet table, in that order of trust.
func describe(a *model.Article, h source.Hint, c content, outlet string, outlets *Outlets) {
	a.Title = clean.Normalize(firstOf(h.Title, c.title))
	if a.Title == "" {
		a.Title = leadTitle(a.Text)
	}

	a.URL = CanonicalURL(firstOf(h.URL, c.url))
	if a.URL == "" {
		// A hint that is not a usable URL must not hide the page's own.
		a.URL = CanonicalURL(c.url)
	}

	a.Outlet = clean.Normalize(firstOf(outlet, h.Outlet))
	if a.Outlet == "" && c.outletLine != "" {
		a.Outlet = c.outletLine
		if n, ok := outlets.Name(c.outletLine); ok {
			a.Outlet = n
		}
	}
	if a.Outlet == "" {
		a.Outlet = firstOf(outlets.ByURL(a.URL), clean.Normalize(c.siteName), domain(a.URL))
	}

	switch {
	case h.Published != nil:
		a.Published = h.Published
	case c.published != nil:
		a.Published = c.published
	default:
		// A date line the cleaning took out of the body dates the article
		// when nothing else does (JSONL records without a date field).
		for _, r := range a.Removed {
			if t, ok := clean.DateLine(r.Text); ok && r.Kind == model.RemovalDateLine {
				a.Published = &t
				break
			}
		}
	}
	if a.Published != nil {
		t := a.Published.UTC()
		a.Published = &t
	}

	// trafilatura has already detected a page's language on its text. A
	// language the input names ("en-us" in a feed) is stored as the code
	// that language filters use.
	a.Language = firstOf(LanguageCode(h.Language), c.language)
	if a.Language == "" {
		a.Language = Language(a.Text)
	}
}

// minPageWords is the least text a web page must yield to be an article:
// on a page without one, trafilatura falls back to whatever text it finds,
// a menu or a cookie notice, which is shorter than any news brief.
const minPageWords = 15

// leadTitle stands in for a missing headline (ECB+ and many exports have
// none): the article's first sentence, cut at a word boundary, so lists and
// story pages name it by what it reports. The sentence splitter knows the
// abbreviations of news ("vs.", "U.S.", initials) that end no sentence.
func leadTitle(body string) string {
	const max = 110
	lead, _, _ := strings.Cut(body, "\n")
	if sents := text.Sentences(lead); len(sents) > 0 {
		lead = sents[0].Text
	}
	lead = strings.TrimSuffix(lead, ".")
	if len(lead) <= max {
		return lead
	}
	cut := strings.LastIndexByte(lead[:max], ' ')
	if cut <= 0 {
		cut = max
	}
	for cut > 0 && !utf8.RuneStart(lead[cut]) {
		cut--
	}
	return strings.TrimRight(lead[:cut], " ,;:") + "…"
}

func wordCount(paras []string) int {
	n := 0
	for _, p := range paras {
		n += len(strings.Fields(p))
	}
	return n
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// languageSample bounds the text given to the detector: a paragraph or
// two settle the language, and detection time grows with the text (it
// was most of the cost of a text article with the whole text).
const languageSample = 600

// Language returns the ISO 639-1 code of text's language, or "" when the
// detector is not confident.
func Language(text string) string {
	if len(text) > languageSample {
		cut := languageSample
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	if englishShare(text) >= englishThreshold {
		return "en"
	}
	info := whatlanggo.Detect(text)
	if !info.IsReliable() {
		return ""
	}
	return info.Lang.Iso6391()
}

// englishThreshold: English news runs at 0.12 to 0.3 of these words;
// other languages stay near zero, since words common to several languages
// ("a", "in", "is", "on", "to") are left out of the list.
const englishThreshold = 0.1

// englishFunctionWords are frequent in any English text and rare as
// words of the other languages news is written in.
var englishFunctionWords = map[string]bool{
	"the": true, "of": true, "and": true, "that": true, "for": true, "it": true,
	"was": true, "with": true, "as": true, "at": true, "by": true, "this": true, "have": true,
	"from": true, "are": true, "has": true, "his": true, "were": true, "said": true, "which": true,
	"their": true, "would": true, "will": true, "not": true, "but": true, "they": true, "who": true,
}

// englishShare is the share of English function words among the words of
// text. A fast path before the detector, which compares every text with
// the profiles of dozens of languages and was half the cost of a text
// article: where about one word in five is "the", "of", "and"..., the
// text is English.
func englishShare(text string) float64 {
	var n, hits int
	// Words are runs of letters, read byte by byte in ASCII and lower-cased
	// on the stack: it runs on every article.
	var lower [5]byte
	count := func(w string) {
		n++
		if len(w) > len(lower) {
			return
		}
		ascii := true
		for i := 0; i < len(w) && ascii; i++ {
			ascii = w[i] < utf8.RuneSelf
			lower[i] = w[i] | 0x20 // w holds only letters
		}
		if ascii && englishFunctionWords[string(lower[:len(w)])] ||
			!ascii && englishFunctionWords[strings.ToLower(w)] {
			hits++
		}
	}
	start := -1
	for i := 0; i < len(text); {
		letter, size := false, 1
		if c := text[i]; c < utf8.RuneSelf {
			letter = 'a' <= c|0x20 && c|0x20 <= 'z'
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(text[i:])
			letter = unicode.IsLetter(r)
		}
		switch {
		case letter && start < 0:
			start = i
		case !letter && start >= 0:
			count(text[start:i])
			start = -1
		}
		i += size
	}
	if start >= 0 {
		count(text[start:])
	}
	if n < 20 {
		return 0
	}
	return float64(hits) / float64(n)
}

// ContentHash is the hex SHA-256 of text lower-cased with its white space
// collapsed, so that the same article under two URLs, or re-wrapped,
// hashes the same.
func ContentHash(text string) string {
	// The words joined by single spaces, built in one buffer: hashing word
	// by word copied each word to the heap.
	sum := sha256.Sum256(appendWords(nil, text))
	return hex.EncodeToString(sum[:])
}

// appendWords appends the lower-cased words of text to buf, joined by
// single spaces, as strings.Fields of strings.ToLower would give them.
// ASCII, the common case, is read through a table and written in place
// into a buffer grown once; from the first other character on,
// appendWordsUnicode goes on rune by rune.
func appendWords(buf []byte, text string) []byte {
	n := len(buf)
	// ASCII words and one space between two take no more than text.
	buf = slices.Grow(buf, len(text))[:n+len(text)]
	j, space := n, false
	for i := 0; i < len(text); i++ {
		c := asciiLower[text[i]]
		switch c {
		case nonASCII:
			return appendWordsUnicode(buf[:j], n, text[i:], space)
		case ' ':
			space = true
			continue
		}
		if space && j > n {
			buf[j] = ' '
			j++
		}
		space = false
		buf[j] = c
		j++
	}
	return buf[:j]
}

// appendWordsUnicode is appendWords from a non-ASCII character on (the
// words begin at buf[n], and space tells whether white space came just
// before text). Runes are lower-cased with unicode.ToLower and split at
// unicode.IsSpace, as strings.ToLower and strings.Fields do; an invalid
// byte becomes U+FFFD, as in strings.ToLower.
func appendWordsUnicode(buf []byte, n int, text string, space bool) []byte {
	for _, r := range text {
		if r < utf8.RuneSelf && asciiLower[r] == ' ' || r >= utf8.RuneSelf && unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && len(buf) > n {
			buf = append(buf, ' ')
		}
		space = false
		if r < utf8.RuneSelf {
			buf = append(buf, asciiLower[r])
		} else {
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
		}
	}
	return buf
}

// nonASCII marks the bytes of multi-byte characters in asciiLower.
const nonASCII = 0xff

// asciiLower maps an ASCII byte to its lower case, the ASCII spaces of
// strings.Fields to ' ', and other bytes to nonASCII.
var asciiLower = func() (t [256]byte) {
	for c := range t {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = nonASCII
		case c == ' ' || '\t' <= c && c <= '\r':
			t[c] = ' '
		case 'A' <= c && c <= 'Z':
			t[c] = byte(c) + 'a' - 'A'
		default:
			t[c] = byte(c)
		}
	}
	return t
}()
