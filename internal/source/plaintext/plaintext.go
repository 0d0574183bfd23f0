// Package plaintext parses articles kept as plain text, in the form of the
// seed articles: optional leading boilerplate (a copyright notice, a bullet
// date line), a headline, an optional date line ("• 11/25/2024"), an
// optional outlet line ("Fox News"), the paragraphs, and an optional
// trailing URL. Parse finds that structure; cleaning the paragraphs
// themselves is the extract stage's job.
package plaintext

import (
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/parallax-news/parallax/internal/extract/clean"
	"github.com/parallax-news/parallax/internal/model"
)

// Sentinel errors for inputs that are not a plain text article.
var (
	ErrInvalidUTF8 = errors.New("not valid UTF-8 text")
	ErrEmpty       = errors.New("no text")
)

// Article is what Parse finds in a plain text article.
type Article struct {
	Headline string
	// Date is the first date line's date, or nil.
	Date *time.Time
	// Outlet is the outlet line as written, or "".
	Outlet string
	// URL is the trailing URL, or "".
	URL string
	// Paragraphs are the body's paragraphs, lines of one paragraph joined
	// by a space; they are not cleaned yet.
	Paragraphs []string
	// Head lists the pieces before the paragraphs recognised as not
	// article (notices, date and outlet lines), Tail those after them
	// (a trailing URL, copyright lines), each in order of appearance.
	Head, Tail []model.Removal
}

// Options tune Parse.
type Options struct {
	// IsOutlet recognises an outlet name (from a table of known outlets).
	// Lines it accepts right after the headline are outlet lines, as are
	// those that look like one (see looksLikeOutlet).
	IsOutlet func(line string) bool
}

// gluedDate finds a bullet date stuck to the previous line, as when one
// file ends in "Copyright 2023," without a newline and another is appended.
var gluedDate = regexp.MustCompile(`\s*•\s*\S`)

// Parse reads a plain text article. Paragraphs are separated by blank
// lines; a text without any blank line has one paragraph per line.
func Parse(body []byte, opt Options) (Article, error) {
	if !utf8.Valid(body) {
		return Article{}, ErrInvalidUTF8
	}
	blocks := splitBlocks(string(body))
	if len(blocks) == 0 {
		return Article{}, ErrEmpty
	}
	var a Article
	remove := func(kind, text string) { a.Head = append(a.Head, model.Removal{Kind: kind, Text: text}) }
	setDate := func(p string) bool {
		t, ok := clean.DateLine(p)
		if !ok {
			return false
		}
		if a.Date == nil {
			a.Date = &t
		}
		remove(model.RemovalDateLine, p)
		return true
	}

	// Leading boilerplate, up to the headline.
	i := 0
	for ; i < len(blocks); i++ {
		p := blocks[i]
		if loc := gluedDate.FindStringIndex(p); loc != nil && loc[0] > 0 && clean.IsCopyright(p[:loc[0]]) {
			if _, ok := clean.DateLine(p[loc[0]:]); ok {
				remove(model.RemovalCopyright, strings.TrimSpace(p[:loc[0]]))
				setDate(strings.TrimSpace(p[loc[0]:]))
				continue
			}
		}
		if setDate(p) {
			continue
		}
		// Only notices lead: a headline may well start "Watch:" or "Read".
		if clean.IsCopyright(p) {
			remove(model.RemovalCopyright, p)
			continue
		}
		break
	}
	blocks = blocks[i:]

	// The tail: a trailing URL, possibly among copyright lines.
	var tail []model.Removal
	end := len(blocks)
	for ; end > 0; end-- {
		p := blocks[end-1]
		switch {
		case clean.IsURL(p):
			if a.URL == "" {
				a.URL = p
			}
			tail = append(tail, model.Removal{Kind: model.RemovalTrailingURL, Text: p})
			continue
		case clean.IsCopyright(p):
			tail = append(tail, model.Removal{Kind: model.RemovalCopyright, Text: p})
			continue
		}
		break
	}
	blocks = blocks[:end]

	// The headline, then date and outlet lines in either order.
	if len(blocks) > 0 && isHeadline(blocks[0]) {
		a.Headline = blocks[0]
		blocks = blocks[1:]
		for len(blocks) > 1 {
			p := blocks[0]
			if setDate(p) {
				blocks = blocks[1:]
				continue
			}
			if a.Outlet == "" && (looksLikeOutlet(p) || (opt.IsOutlet != nil && opt.IsOutlet(p))) {
				a.Outlet = p
				remove(model.RemovalOutletLine, p)
				blocks = blocks[1:]
				continue
			}
			break
		}
	}
	a.Paragraphs = blocks
	for j := len(tail) - 1; j >= 0; j-- {
		a.Tail = append(a.Tail, tail[j])
	}
	if a.Headline == "" && len(a.Paragraphs) == 0 {
		return Article{}, ErrEmpty
	}
	return a, nil
}

// splitBlocks cuts text into paragraphs with their white space collapsed.
func splitBlocks(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	// Blank lines at the ends, the file's final newline among them, part
	// no paragraphs.
	lines := strings.Split(strings.TrimSpace(text), "\n")
	byLine := true
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			byLine = false
			break
		}
	}
	var blocks []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			blocks = append(blocks, clean.Normalize(strings.Join(cur, " ")))
			cur = cur[:0]
		}
	}
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			flush()
			continue
		}
		cur = append(cur, l)
		if byLine {
			flush()
		}
	}
	flush()
	return blocks
}

// isHeadline: a headline is one short line that does not read as a
// sentence of body text. Forty words is longer than any headline.
func isHeadline(p string) bool {
	return len(strings.Fields(p)) <= 40
}

// outletWord is a word that names a news outlet's kind, which a short
// subtitle in capitals does not usually carry.
var outletWord = regexp.MustCompile(`\b(?:News|Times|Post|Press|Journal|Herald|Tribune|Daily|Guardian|Telegraph|Gazette|Magazine|Radio|TV|Network|Media|Wire|Observer|Chronicle|Mail|Star|Sun|Express|Independent|Today|Insider|Standard|Examiner|Register|Courier|Globe|Dispatch|Bulletin|Monitor|Digital|Broadcasting|Agency|Reuters|Bloomberg|Politico|Axios)\b`)

// looksLikeOutlet: an outlet line is a name of one to four capitalised
// words with no sentence punctuation and no digits, holding a word outlets
// use ("Fox News", "The Washington Post"). A byline ("By Jane Doe") or a
// subtitle ("The Ukraine Problem") is not one.
func looksLikeOutlet(p string) bool {
	words := strings.Fields(p)
	if len(words) == 0 || len(words) > 4 || strings.EqualFold(words[0], "by") || !outletWord.MatchString(p) {
		return false
	}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return !strings.ContainsAny(p, "0123456789.,;:!?\"“”()")
}
