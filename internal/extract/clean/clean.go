// Package clean takes boilerplate out of an article's paragraphs: inline
// promo headlines, copyright lines, share and subscribe lines, photo
// credits, bullet date lines, trailing URLs and stripped datelines. Every
// removal is kept with its kind so it can be shown. It is conservative:
// each rule needs a whole paragraph to look like boilerplate (or, for the
// dateline, a known remnant at its start), because losing a sentence of
// the article is worse than keeping a stray line.
package clean

import (
	"math"
	"regexp"
	"regexp/syntax"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/source/date"
	"github.com/parallax-news/parallax/internal/text"
)

// Lead names what a page may repeat at the top of its body, kept apart
// from the text: its title, and the summary from its metadata.
type Lead struct {
	Title   string
	Summary string
}

// Paragraphs cleans the paragraphs of one article body, in order. Each
// paragraph is normalised first (Normalize), so the rules see one form of
// the text; empty paragraphs are dropped without a record. A first
// paragraph repeating lead's title or summary is removed. It returns the
// kept paragraphs and what was removed, in order of appearance.
func Paragraphs(paras []string, lead Lead) (kept []string, removed []model.Removal) {
	ps := make([]string, 0, len(paras))
	for _, p := range paras {
		if p = Normalize(p); p != "" {
			ps = append(ps, p)
		}
	}
	// Trailing URLs are found first, from the end, so that the "inside the
	// body" test of the promo rule knows where the body really ends.
	end := len(ps)
	for end > 0 && IsURL(ps[end-1]) {
		end--
	}
	title, summary := Normalize(lead.Title), Normalize(lead.Summary)
	kept = make([]string, 0, len(ps))
	for i, p := range ps {
		if i >= end {
			removed = append(removed, model.Removal{Kind: model.RemovalTrailingURL, Text: p})
			continue
		}
		if len(kept) == 0 {
			// Before the first kept paragraph, the page's repeats of its
			// own title and summary, and links standing alone.
			switch {
			case title != "" && strings.EqualFold(p, title):
				removed = append(removed, model.Removal{Kind: model.RemovalTitle, Text: p})
				title = ""
				continue
			case summary != "" && strings.EqualFold(p, summary):
				removed = append(removed, model.Removal{Kind: model.RemovalSummary, Text: p})
				summary = ""
				continue
			case IsURL(p):
				removed = append(removed, model.Removal{Kind: model.RemovalURL, Text: p})
				continue
			}
		}
		if m := datelineRemnant.FindString(p); m != "" {
			removed = append(removed, model.Removal{Kind: model.RemovalDateline, Text: strings.TrimSpace(m)})
			if p = p[len(m):]; p == "" {
				continue
			}
		}
		if k := kind(p, i > 0 && i < end-1); k != "" {
			removed = append(removed, model.Removal{Kind: k, Text: p})
			continue
		}
		kept = append(kept, p)
	}
	return kept, removed
}

// kind returns the removal kind of a whole paragraph that is boilerplate,
// or "" for article text. inside says whether the paragraph has article
// paragraphs on both sides, which an inline promo headline needs.
func kind(p string, inside bool) string {
	// No rule takes a paragraph this long; most article text stops here.
	// The rules get the count rather than count again.
	n := wordCount(p, maxBoilerWords)
	if n > maxBoilerWords {
		return ""
	}
	switch {
	case isCopyright(p, n):
		return model.RemovalCopyright
	case isShare(p, n):
		return model.RemovalShare
	case isPhotoCredit(p, n):
		return model.RemovalPhotoCredit
	case isDateLine(p):
		return model.RemovalDateLine
	case inside && isPromo(p, n):
		return model.RemovalPromo
	}
	return ""
}

// Normalize puts a paragraph in Unicode NFC, drops invisible format
// characters that split words (zero-width space, word joiner, byte order
// mark, soft hyphen) and control characters (a NUL from a broken export,
// which PostgreSQL refuses to store), writes a byte that is no UTF-8 as
// U+FFFD, and collapses every run of white space, no-break spaces
// included, to one space.
func Normalize(s string) string {
	if isNormalASCII(s) {
		return s // most paragraphs: nothing to change, nothing to copy
	}
	return normalize(s)
}

func normalize(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\u200b' || r == '\u2060' || r == '\ufeff' || r == '\u00ad':
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isNormalASCII reports whether s is ASCII (so in NFC, without invisible
// characters) with no control characters and no white space but single
// spaces between words.
func isNormalASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf, c < ' ', c == 0x7f:
			return false
		case c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' '):
			return false
		}
	}
	return true
}

var (
	// datelineRemnant is what is left of "WASHINGTON (AP) — " when a
	// publisher's feed strips the place and agency: "( — ", "() — ".
	// A space must follow the dash: "(-5 degrees)" opens a parenthesis.
	datelineRemnant = regexp.MustCompile(`^\(\s*\)?\s*(?:[—–]|--?)\s+`)

	urlLine = regexp.MustCompile(`^(?:https?://|www\.)\S+$`)

	copyrightStart = regexp.MustCompile(`(?i)^(?:copyright\b|©|\(c\)\s*\d)`)
	yearOrRights   = regexp.MustCompile(`(?i)\b(?:1[89]|20)\d\d\b|all rights reserved`)
	rightsLine     = regexp.MustCompile(`(?i)(?:^|[.,;]\s*)all rights reserved\.?$|^this material may not be (?:published|reproduced)`)

	shareLabel   = regexp.MustCompile(`(?i)^(?:advertisement|advert|sponsored(?: content)?|ad|story continues below(?: advertisement)?|continue reading(?: below| the main story)?|scroll to continue(?: with content)?|skip (?:to )?(?:content|advertisement|ad)|share(?: this)?(?: article| story| page)?|share on (?:facebook|twitter|x|linkedin|whatsapp)|tweet|email|e-mail|print|copy link|link copied|comments?|show comments|read more|related(?: articles| stories| content| coverage)?|recommended(?: stories)?|trending(?: now)?|most read|most popular|you may also like|sign up|subscribe|follow us|listen(?: to this article)?)\W*$`)
	shareButtons = regexp.MustCompile(`(?i)^(?:(?:share|tweet|email|print|facebook|twitter|linkedin|whatsapp|reddit|pinterest|copy link|save|comment|comments)[\s|·•,/]*){2,}$`)
	clickHere    = regexp.MustCompile(`(?i)\bclick(?:ing)? here\b`)
	linkPrefix   = regexp.MustCompile(`(?i)^(?:read more|related|see also|also read|more|watch|listen|video|read next|next|previously|recommended|don't miss)\s*:`)
	promoVerb    = regexp.MustCompile(`(?i)^(?:subscribe|sign up|sign-up|register|get|join|follow|like us|download|listen|watch|read more|tap|don't miss|never miss|want more|for more|stay (?:up|informed|updated|connected)|be the first|bookmark)\b`)
	promoObject  = regexp.MustCompile(`(?i)\b(?:newsletters?|inbox|subscribe|subscriptions?|podcasts?|apps?|twitter|facebook|instagram|youtube|tiktok|linkedin|whatsapp|telegram|bluesky|google news|alerts?|rss)\b|\bon x\b|@\w`)

	creditStart  = regexp.MustCompile(`(?i)^[\(\[]?\s*(?:photos?|photograph|image|picture|video|graphic|illustration|file photo)(?:\s+(?:credit|courtesy))?\s*[:/|]|^[\(\[]?\s*(?:photos?|images?|pictures?)\s+(?:by|courtesy(?: of)?)\s`)
	creditAlone  = regexp.MustCompile(`(?i)^[\(\[]?(?:ap photo|getty images|afp|reuters|epa(?:-efe)?|shutterstock|istock(?:photo)?|pool photo)\b[^.!?]{0,60}[\)\]]?$`)
	creditGroup  = regexp.MustCompile(`[\(\[]([^()\[\]]{1,160})[\)\]]\.?$`)
	creditSource = regexp.MustCompile(`(?i)\b(?:photos?|photograph|getty images|shutterstock|istock(?:photo)?|afp via|via reuters|reuters/|ap photo|epa-efe)\b|/\s*(?:getty images|afp|ap|reuters|epa)\b`)

	bullet    = regexp.MustCompile(`^[•·*▪►|–—-]+\s*`)
	dateLabel = regexp.MustCompile(`(?i)^(?:article\s+)?(?:first published|last updated|last modified|published|updated|posted|date)(?:\s+on)?\s*:?\s*`)
	zoneTail  = regexp.MustCompile(`(?i)\s+(?:` + strings.Join(zones, "|") + `)$`)
	// timeOnly is what is left of "Updated at 1:23 p.m." once labelled.
	timeOnly = regexp.MustCompile(`(?i)^(?:at\s+)?\d{1,2}(?:[:.]\d\d)?\s*(?:[ap]\.?m\.?)?$`)
)

// IsURL reports whether a paragraph is one bare URL.
func IsURL(p string) bool { return urlLine.MatchString(p) }

// IsCopyright reports whether a paragraph is a copyright notice:
// "Copyright 2023,", "© 2024 Reuters", "... All rights reserved." A
// paragraph that only begins with the word ("Copyright law has long ...")
// needs a year or a rights statement, and notices are short.
func IsCopyright(p string) bool { return isCopyright(p, wordCount(p, maxBoilerWords)) }

// isCopyright is IsCopyright of a paragraph of n words.
func isCopyright(p string, n int) bool {
	if n > 25 {
		return false
	}
	if copyrightStart.MatchString(p) {
		return yearOrRights.MatchString(p) || n <= 3
	}
	// The expression scans the whole paragraph: most have no word of it.
	return (mayContainFold(p, "all rights reserved") || mayContainFold(p, "this material")) &&
		rightsLine.MatchString(p)
}

// isShare reports lines asking the reader to do something other than read
// on: share buttons, subscribe and follow prompts, advertisement markers,
// "click here" and "Read more:" links. n is the paragraph's word count.
func isShare(p string, n int) bool {
	// Cheap tests first: most paragraphs have more letters and digits than
	// any label, and a full stop, which no line of share buttons has.
	if fewWordBytes(p, shareLabelWordBytes) && shareLabel.MatchString(p) ||
		strings.IndexByte(p, '.') < 0 && shareButtons.MatchString(p) {
		return true
	}
	if n > 30 {
		return false
	}
	return mayContainFold(p, "click") && clickHere.MatchString(p) ||
		(n <= 25 && linkPrefix.MatchString(p)) ||
		(promoVerb.MatchString(p) && promoObject.MatchString(p))
}

// isPhotoCredit reports a credit line ("Photo: AP", "(Getty Images)") or
// a caption that ends in one ("Biden in Delaware. (AP Photo/Evan Vucci)").
// n is the paragraph's word count.
func isPhotoCredit(p string, n int) bool {
	if (n <= 25 && mayStartCredit(p) && creditStart.MatchString(p)) || (n <= 8 && creditAlone.MatchString(p)) {
		return true
	}
	if n > maxBoilerWords {
		return false
	}
	if !strings.HasSuffix(p, ")") && !strings.HasSuffix(p, "]") && !strings.HasSuffix(p, ").") {
		return false
	}
	m := creditGroup.FindStringSubmatch(p)
	return m != nil && creditSource.MatchString(m[1])
}

// mayStartCredit is a cheap test a paragraph must pass to match
// creditStart: past an opening bracket and spaces, the expression's words
// all begin with one of "pivgf" (letters without non-ASCII case forms,
// which (?i) would also match). Keep it in step with creditStart.
func mayStartCredit(p string) bool {
	p = strings.TrimLeft(p, "([ \t\n\f\r")
	return p != "" && strings.IndexByte("pivgf", p[0]|0x20) >= 0
}

// shareLabelWordBytes is the most ASCII letters, digits and underscores a
// paragraph matching shareLabel can hold.
var shareLabelWordBytes = maxWordBytes(shareLabel)

// fewWordBytes reports whether s has at most max ASCII letters, digits and
// underscores. It stops reading past max: most paragraphs pass it early.
func fewWordBytes(s string, max int) bool {
	for i := 0; i < len(s) && max >= 0; i++ {
		if isWordByte(s[i]) {
			max--
		}
	}
	return max >= 0
}

func isWordByte(c byte) bool {
	return 'a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' || c == '_'
}

// maxWordBytes returns the most ASCII word bytes ([0-9A-Za-z_]) a match of
// re can hold, or math.MaxInt if there is no bound. Each such byte of a
// match is matched by one literal rune or class of the expression.
func maxWordBytes(re *regexp.Regexp) int {
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return math.MaxInt // cannot happen: re compiled
	}
	return wordBytesOf(tree.Simplify())
}

func wordBytesOf(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		n := 0
		for _, r := range re.Rune {
			// A folded letter may match a non-ASCII rune ("K" for k):
			// counting it anyway only loosens the bound.
			if r < utf8.RuneSelf && isWordByte(byte(r)) {
				n++
			}
		}
		return n
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for c := re.Rune[i]; c <= min(re.Rune[i+1], utf8.RuneSelf-1); c++ {
				if isWordByte(byte(c)) {
					return 1
				}
			}
		}
		return 0
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture, syntax.OpQuest:
		return wordBytesOf(re.Sub[0])
	case syntax.OpStar, syntax.OpPlus:
		if wordBytesOf(re.Sub[0]) == 0 {
			return 0
		}
		return math.MaxInt
	case syntax.OpConcat:
		n := 0
		for _, sub := range re.Sub {
			m := wordBytesOf(sub)
			if m == math.MaxInt {
				return m
			}
			n += m
		}
		return n
	case syntax.OpAlternate:
		n := 0
		for _, sub := range re.Sub {
			n = max(n, wordBytesOf(sub))
		}
		return n
	case syntax.OpRepeat:
		// Simplify leaves none; kept whole for safety.
		return math.MaxInt
	}
	return 0 // empty-width assertions, empty match, no match
}

// DateLine reads a paragraph that is nothing but a date, possibly after a
// bullet or a label: "• 11/25/2024", "Updated: November 25, 2024 5:01pm ET".
func DateLine(p string) (time.Time, bool) {
	if len(p) > 80 || !strings.ContainsAny(p, "0123456789") {
		return time.Time{}, false
	}
	// The date parser is lenient with words around a date; a date line
	// holds none but month and day names, clock words and labels. Most
	// paragraphs fail here, before any rewriting.
	for _, w := range letterRuns.FindAllString(p, -1) {
		if !dateWords[strings.ToLower(w)] {
			return time.Time{}, false
		}
	}
	p = joinNumbers(p)
	s := bullet.ReplaceAllString(p, "")
	s = dateLabel.ReplaceAllString(s, "")
	s = zoneTail.ReplaceAllString(s, "")
	if t, err := date.Parse(s); err == nil {
		return t, true
	}
	// The general parser takes no weekday before the date ("Thursday,
	// December 11, 2008") and no clock or label around it; the time finder
	// the analysis uses on bodies reads the date out of the line.
	for _, tm := range text.Analyze("", p).Times {
		if tm.Kind == text.TimeDate {
			return time.Date(tm.Year, time.Month(tm.Month), tm.Day, 0, 0, 0, 0, time.UTC), true
		}
	}
	return time.Time{}, false
}

// spacedNumbers are the numbers of a date or time that a tokenizer split
// ("10: 04", "2 / 3 / 2009", "08. 07. 2012").
var spacedNumbers = regexp.MustCompile(`\d(?: [:/.] ?| ?[:/.] )\d`)

// joinNumbers closes the gaps of spacedNumbers. A match takes the digit
// that may start the next one ("3" of "2 / 3 / 2009"), hence the loop.
func joinNumbers(p string) string {
	for {
		q := spacedNumbers.ReplaceAllStringFunc(p, func(m string) string { return strings.ReplaceAll(m, " ", "") })
		if q == p {
			return p
		}
		p = q
	}
}

var (
	letterRuns = regexp.MustCompile(`\pL+`)
	// speech is the end of a quoted utterance: punctuation, then the mark.
	speech = regexp.MustCompile(`[,.!?…]["”’']`)
)

// zones are the time zones a date line may end with, by abbreviation: of
// North America and Europe, and of the outlets of India, East Asia and
// Oceania. Those that are English words ("cat", "eat", "west") are left out.
var zones = []string{"ET", "EST", "EDT", "CT", "CST", "CDT", "MT", "MST", "MDT", "PT", "PST", "PDT",
	"AKST", "AKDT", "HST", "GMT", "UTC", "BST", "WET", "CET", "CEST", "EET", "EEST", "MSK",
	"IST", "PKT", "SGT", "HKT", "JST", "KST", "WIB", "AEST", "AEDT", "ACST", "AWST", "NZST", "NZDT"}

// dateWords are the words a written date or time may hold.
var dateWords = func() map[string]bool {
	m := map[string]bool{"at": true, "am": true, "pm": true, "a": true, "p": true, "m": true, "of": true,
		"st": true, "nd": true, "rd": true, "th": true, "t": true, "z": true, "utc": true, "gmt": true,
		// the labels of a date line, wherever in the line they stand
		"on": true, "posted": true, "published": true, "updated": true, "modified": true, "last": true,
		"first": true, "article": true, "date": true}
	for _, z := range zones {
		m[strings.ToLower(z)] = true
	}
	for mo := time.January; mo <= time.December; mo++ {
		n := strings.ToLower(mo.String())
		m[n], m[n[:3]] = true, true
	}
	m["sept"] = true
	for d := time.Sunday; d <= time.Saturday; d++ {
		n := strings.ToLower(d.String())
		m[n], m[n[:3]] = true, true
	}
	return m
}()

// isDateLine reports a date line, or page furniture that dates nothing: a
// labelled time without a date ("Updated at 1:23 p.m."), a live blog's
// clock standing alone ("8:24am:"), or a day of the month without its year
// ("APR 28", "Dec. 24 4:33 AM EST").
func isDateLine(p string) bool {
	if _, ok := DateLine(p); ok {
		return true
	}
	if len(p) > 40 {
		return false
	}
	s := zoneTail.ReplaceAllString(strings.TrimRight(joinNumbers(p), " :|-–—"), "")
	if timeOnly.MatchString(s) && strings.Contains(s, ":") || yearlessDate.MatchString(s) {
		return true
	}
	label := dateLabel.FindString(p)
	return label != "" && timeOnly.MatchString(zoneTail.ReplaceAllString(p[len(label):], ""))
}

// yearlessDate is a month's day, after an optional weekday and before an
// optional clock, with no year.
var yearlessDate = regexp.MustCompile(`(?i)^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?` +
	`(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?` +
	`(?:\s+(?:at\s+)?\d{1,2}(?::\d\d)?\s*(?:[ap]\.?\s?m\.?)?)?$`)

// isPromo reports an inline promo headline: a standalone line in
// capitals inside the body, the headline of another story. What is not
// one: a sentence in capitals (it ends in a full stop or exclamation), a
// quote, an acronym or two, a line of figures, or a subheading (short, or
// a question: "WHAT SAY YOU, IMPEACHMENT JURY?"). Headlines of other
// stories run to seven words and more. n is the paragraph's word count.
func isPromo(p string, n int) bool {
	if n < 7 || n > 25 {
		return false
	}
	first, _ := utf8.DecodeRuneInString(p)
	last, _ := utf8.DecodeLastRuneInString(p)
	// A quote ends in a quotation mark, opens one it does not close, or
	// closes one after sentence punctuation (“WE WON,” HE SAID); a
	// headline may quote a title ('DANCING WITH THE STARS' JUDGE ...).
	if strings.ContainsRune(`.!?:;,"“”‘’'»`, last) ||
		(strings.ContainsRune(`"“‘'«„`, first) && !strings.ContainsAny(p[utf8.RuneLen(first):], `"”’'»“`)) ||
		speech.MatchString(p) {
		return false
	}
	var upper, letters, other int
	for _, r := range p {
		switch {
		case unicode.IsUpper(r):
			upper++
			letters++
		case unicode.IsLower(r):
			return false
		case unicode.IsLetter(r):
			letters++
		case !unicode.IsSpace(r):
			other++
		}
	}
	// Caseless scripts have no capitals: their lines are never promos here.
	return upper >= 15 && upper*10 >= letters*9 && letters*10 >= (letters+other)*7
}

// maxBoilerWords is the longest paragraph any rule removes (a caption
// ending in a photo credit).
const maxBoilerWords = 60

// wordCount counts the space-separated words of p without allocating, up
// to max+1: the rules compare counts with bounds of at most
// maxBoilerWords, and most paragraphs are longer. It runs on every
// paragraph of every article, so ASCII is read through a table and
// counted without branches, which the mix of letters and spaces
// mispredicts.
func wordCount(p string, max int) int {
	n, in := 0, 0
	for i := 0; i < len(p) && n <= max; {
		var w int
		if c := p[i]; c < utf8.RuneSelf {
			w = int(asciiNotSpace[c])
			i++
		} else {
			r, size := utf8.DecodeRuneInString(p[i:])
			if !unicode.IsSpace(r) {
				w = 1
			}
			i += size
		}
		n += w &^ in
		in = w
	}
	return n
}

// asciiNotSpace is 1 for the ASCII bytes other than the spaces of
// unicode.IsSpace.
var asciiNotSpace = func() (t [utf8.RuneSelf]uint8) {
	for c := range t {
		if c != ' ' && (c < '\t' || c > '\r') {
			t[c] = 1
		}
	}
	return t
}()

// mayContainFold reports whether s may match an expression that needs
// sub (ASCII, lower case) in any case: false only for an ASCII s without
// it. Case-insensitive expressions also fold a few non-ASCII letters into
// ASCII ones (the Kelvin sign into "k"), so any other s may match.
func mayContainFold(s, sub string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i]|0x20 == sub[0] && strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}
