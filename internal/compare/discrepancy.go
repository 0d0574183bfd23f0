package compare

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/text"
)

// Kinds of discrepancy.
const (
	DiscrepancyNumber          = "number"
	DiscrepancyDate            = "date"
	DiscrepancyName            = "name"
	DiscrepancyPublicationDate = "publication_date"
)

var months = map[string]bool{"january": true, "february": true, "march": true, "april": true,
	"may": true, "june": true, "july": true, "august": true, "september": true, "october": true,
	"november": true, "december": true}

// maxDiscrepancies bounds the differences listed for one story: past that
// many, a reader is better served by the facts themselves.
const maxDiscrepancies = 50

// factDiscrepancies compares the evidence sentences of each fact carried
// by several outlets: different quantities, months or years, or a name
// spelt two ways ("Priebus" and "Preibus").
func factDiscrepancies(as []*article, facts []model.Fact) []model.Discrepancy {
	copies := map[int64]bool{}
	// The evidence sentences were read during alignment: look them up
	// rather than read them again for every pair.
	read := map[string]*sentence{}
	lower := map[string]bool{} // the words the story writes in lower case
	for _, a := range as {
		if a.copyOf >= 0 {
			copies[a.a.ID] = true
		}
		for _, t := range a.doc.Tokens {
			if unicode.IsLower(firstRune(t.Text)) {
				lower[t.Norm] = true
			}
		}
		for i := range a.sents {
			read[a.sents[i].text] = &a.sents[i]
		}
	}
	sentenceOf := func(s string) *sentence {
		if r, ok := read[s]; ok {
			return r
		}
		r := newSentence(s)
		read[s] = &r
		return &r
	}
	var out []model.Discrepancy
	seen := map[string]bool{}
	add := func(d model.Discrepancy) {
		if !seen[d.Description] {
			seen[d.Description] = true
			out = append(out, d)
		}
	}
	for _, f := range facts {
		if len(f.Outlets) < 2 {
			continue
		}
		// One sentence per outlet, the first, and one discrepancy of each
		// kind per fact: a fact of a big story has many evidence sentences,
		// and comparing every pair of them flooded a 52-article story with
		// tens of thousands of mostly spurious differences.
		var ev []model.Evidence
		byOutlet := map[string]bool{}
		for _, e := range f.Evidence {
			if !byOutlet[e.Outlet] && !copies[e.Article] {
				byOutlet[e.Outlet] = true
				ev = append(ev, e)
			}
		}
		kinds := map[string]bool{}
		add := func(d model.Discrepancy) {
			if !kinds[d.Kind] && len(out) < maxDiscrepancies {
				kinds[d.Kind] = true
				add(d)
			}
		}
		for i, ei := range ev {
			for _, ej := range ev[i+1:] {
				si, sj := sentenceOf(ei.Sentence), sentenceOf(ej.Sentence)
				pair := []model.Evidence{ei, ej}
				outs := []string{ei.Outlet, ej.Outlet}
				// Sentences alike throughout place their dates alike, but
				// not their quantities: "divorced three times" and "married
				// two more times" share most words and count different
				// things, so a quantity's slot needs a word near it in
				// common.
				if a, b, ok := conflict(si.nums, sj.nums, false); ok {
					add(model.Discrepancy{Kind: DiscrepancyNumber, Outlets: outs, Evidence: pair,
						Description: fmt.Sprintf("%s gives %s where %s gives %s", ei.Outlet, a, ej.Outlet, b)})
				}
				if a, b, ok := conflict(si.dates, sj.dates, overlapShare(si.terms, sj.terms) >= alikeShare); ok {
					add(model.Discrepancy{Kind: DiscrepancyDate, Outlets: outs, Evidence: pair,
						Description: fmt.Sprintf("%s says %s where %s says %s", ei.Outlet, a, ej.Outlet, b)})
				}
				if a, b, ok := spelling(si.names, sj.names, lower); ok {
					add(model.Discrepancy{Kind: DiscrepancyName, Outlets: outs, Evidence: pair,
						Description: fmt.Sprintf("%s writes %q where %s writes %q", ei.Outlet, a, ej.Outlet, b)})
				}
			}
		}
	}
	return out
}

// ageDiscrepancies compares the ages outlets give one named person
// anywhere in their articles, not only in aligned facts: an age is told
// once, in whichever sentence first names the person, and two outlets
// seldom do that in sentences alike enough to align. A person is told by
// surname; a surname one outlet gives two ages, or written with two given
// names, is two people (a father and a son), and is left alone.
func ageDiscrepancies(as []*article) []model.Discrepancy {
	type told struct {
		shown   string
		outlets []string
		ev      model.Evidence
	}
	byName := map[string][]*told{} // in the order first told
	names := []string{}
	shown := map[string]string{} // a surname as first written
	givens := map[string][]string{}
	for _, a := range as {
		if a.copyOf >= 0 {
			continue
		}
		for _, s := range a.sents {
			for _, n := range s.nums {
				if n.who == "" {
					continue
				}
				given, surname, full := strings.Cut(n.who, " ")
				if !full {
					surname = given
				}
				key := text.EntityKey(surname)
				if _, ok := byName[key]; !ok {
					names = append(names, key)
					shown[key] = surname
				}
				if full && !slices.Contains(givens[key], given) {
					givens[key] = append(givens[key], given)
				}
				i := slices.IndexFunc(byName[key], func(t *told) bool { return t.shown == n.shown })
				if i < 0 {
					byName[key] = append(byName[key], &told{shown: n.shown,
						ev: model.Evidence{Article: a.a.ID, Outlet: a.outlet, Sentence: s.text}})
					i = len(byName[key]) - 1
				}
				if t := byName[key][i]; !slices.Contains(t.outlets, a.outlet) {
					t.outlets = append(t.outlets, a.outlet)
				}
			}
		}
	}
	var out []model.Discrepancy
	for _, key := range names {
		ages := byName[key]
		if len(ages) != 2 || len(givens[key]) > 1 || slices.ContainsFunc(ages[0].outlets, func(o string) bool { return slices.Contains(ages[1].outlets, o) }) {
			continue
		}
		x, y := ages[0], ages[1]
		out = append(out, model.Discrepancy{Kind: DiscrepancyNumber,
			Outlets:  append(slices.Clone(x.outlets), y.outlets...),
			Evidence: []model.Evidence{x.ev, y.ev},
			Description: fmt.Sprintf("%s %s %s %s where %s %s %s", outletList(x.outlets), verb(x.outlets), shown[key], x.shown,
				outletList(y.outlets), verb(y.outlets), strings.TrimPrefix(y.shown, "an age of "))})
	}
	return out
}

// outletList names outlets for a sentence: "A", "A and B", "A, B and 3 others".
func outletList(os []string) string {
	switch {
	case len(os) == 1:
		return os[0]
	case len(os) <= 3:
		return strings.Join(os[:len(os)-1], ", ") + " and " + os[len(os)-1]
	}
	return fmt.Sprintf("%s, %s and %d others", os[0], os[1], len(os)-2)
}

// verb is "gives" after one outlet and "give" after several.
func verb(os []string) string {
	if len(os) == 1 {
		return "gives"
	}
	return "give"
}

// formatNumber writes v as a reader would: "8.2 trillion" rather than the
// 8199999999999.999 that 8.2 times 10^12 comes to in floating point.
func formatNumber(v float64) string {
	for _, s := range []struct {
		f    float64
		name string
	}{{1e12, "trillion"}, {1e9, "billion"}, {1e6, "million"}} {
		x := v / s.f
		if r := math.Round(x*1000) / 1000; x >= 1 && math.Abs(x-r) < 1e-9*x {
			return strconv.FormatFloat(r, 'f', -1, 64) + " " + s.name
		}
	}
	return strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64)
}

// alikeShare is the share of the shorter sentence's words the longer must
// hold for two to say the same thing in other words.
const alikeShare = 0.4

// overlapShare is the share of the smaller term list found in the other.
func overlapShare(x, y []string) float64 {
	if len(x) > len(y) {
		x, y = y, x
	}
	if len(x) == 0 {
		return 0
	}
	n := 0
	for _, t := range x {
		if slices.Contains(y, t) {
			n++
		}
	}
	return float64(n) / float64(len(x))
}

// conflict reports values each side states in a slot the other fills with
// other values, naming none the other states anywhere: "$1 million"
// against "$500,000", but not "at least 8" against "9" (see
// stated.agrees). alike says the two sentences share most of their
// words, so a slot needs no word near its values in common. A slot both
// fill with one value as well ("rose 0.9% ... and 5.4%" against "rose 0.9%
// ... than the 0.6%") holds several measures, which the two sides need not
// give alike. Nor are two values in one slot when they are ranges that
// overlap, or too far apart to measure one thing (stated.farApart), or
// when their phrases name different people or places (stated.names), or
// when they are ages of named people, which ageDiscrepancies compares
// across the story.
func conflict(a, b []stated, alike bool) (string, string, bool) {
	var onlyA, onlyB []string
	shared := func(x, y []string) bool {
		return slices.ContainsFunc(x, func(w string) bool { return slices.Contains(y, w) })
	}
	sameSlot := func(x, y stated) bool {
		if x.who != "" && y.who != "" {
			return false // ages of named people are compared story-wide
		}
		if len(x.names) > 0 && len(y.names) > 0 && !shared(x.names, y.names) {
			return false
		}
		return x.slot == y.slot && (alike || x.near == nil && y.near == nil || shared(x.near, y.near))
	}
	for _, x := range a {
		if x.slot == "" || slices.ContainsFunc(b, func(y stated) bool { return y.value == x.value }) {
			continue
		}
		agreed := slices.ContainsFunc(a, func(z stated) bool {
			return z.slot == x.slot && slices.ContainsFunc(b, func(y stated) bool { return y.slot == z.slot && y.value == z.value })
		})
		if agreed {
			continue
		}
		for _, y := range b {
			if !sameSlot(x, y) || x.agrees(y) || x.farApart(y) || slices.ContainsFunc(a, func(z stated) bool { return z.value == y.value }) {
				continue
			}
			if !slices.Contains(onlyA, x.shown) {
				onlyA = append(onlyA, x.shown)
			}
			if !slices.Contains(onlyB, y.shown) {
				onlyB = append(onlyB, y.shown)
			}
		}
	}
	if len(onlyA) == 0 {
		return "", "", false
	}
	return strings.Join(onlyA, ", "), strings.Join(onlyB, ", "), true
}

// spelling finds a capitalised word of a that b spells differently: an
// edit or two apart, not a transliteration variant text.EntityKey folds,
// nor a word the story writes in lower case (lower): "Presinct" against
// "Precinct" is a typo of a common word, not two spellings of a name.
func spelling(a, b []string, lower map[string]bool) (string, string, bool) {
	for _, x := range a {
		if len(x) < 5 || slices.Contains(b, x) || lower[strings.ToLower(x)] {
			continue
		}
		for _, y := range b {
			if lower[strings.ToLower(y)] {
				continue
			}
			// A misspelling keeps a name's first and last letters; a word
			// made from another ("Marxism", "Marxist") or a nickname
			// ("Sandra", "Sandi") changes its ending.
			if len(y) < 5 || x[0] != y[0] || x[len(x)-1] != y[len(y)-1] || len(x)-len(y) > 2 || len(y)-len(x) > 2 || slices.Contains(a, y) {
				continue
			}
			// Two edits make a different short name ("Harris", "Hervis").
			limit := 1
			if min(len(x), len(y)) >= 8 {
				limit = 2
			}
			if d := editDistance(strings.ToLower(x), strings.ToLower(y)); d > 0 && d <= limit && !sameWord(x, y) {
				return x, y, true
			}
		}
	}
	return "", "", false
}

// sameWord reports spellings of one word or of words made from it: a
// plural, a possessive, a transliteration variant, a word and its ending
// ("America" and "American").
func sameWord(x, y string) bool {
	if text.EntityKey(x) == text.EntityKey(y) {
		return true
	}
	lx, ly := americanSpelling(strings.ToLower(x)), americanSpelling(strings.ToLower(y))
	if lx == ly {
		return true
	}
	if strings.HasPrefix(lx, ly) || strings.HasPrefix(ly, lx) {
		return true
	}
	tx, ty := text.Tokens(x), text.Tokens(y)
	return len(tx) == 1 && len(ty) == 1 && tx[0].Stem == ty[0].Stem
}

// britishEndings are word endings British and American spelling write two
// ways, each with its American form: an outlet's house style
// ("Organisation", "Centre"), not a name misspelt.
var britishEndings = [][2]string{{"isation", "ization"}, {"ising", "izing"}, {"ised", "ized"},
	{"ise", "ize"}, {"ises", "izes"}, {"yse", "yze"}, {"our", "or"}, {"ours", "ors"}, {"tre", "ter"}, {"tres", "ters"}}

// americanSpelling returns lower-case word w with a British ending written
// the American way.
func americanSpelling(w string) string {
	for _, e := range britishEndings {
		if s, ok := strings.CutSuffix(w, e[0]); ok {
			return s + e[1]
		}
	}
	return w
}

// editDistance is the Damerau (adjacent transposition) Levenshtein distance:
// "Priebus" and "Preibus" are one transposition apart. Written by hand: it
// is a dozen lines and no dependency of ours offers it.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			c := 1
			if ra[i-1] == rb[j-1] {
				c = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+c)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

var (
	copyrightYear = regexp.MustCompile(`(?i)(?:copyright|©)\s*(?:©\s*)?((?:19|20)\d\d)`)
	// relativeTime finds phrases that tie a text to the days around its
	// writing: "next week’s NATO summit in Vilnius", "on Thursday".
	relativeTime = regexp.MustCompile(`\b(?:[Nn]ext|[Tt]his|[Ll]ast) (?:week|month|year)(?:’s|'s)?(?: [\w’'-]+){0,4}|\b(?:[Yy]esterday|[Tt]omorrow|[Tt]onight)\b`)
)

// interval is a span of dates an article's text or metadata points to.
type interval struct {
	from, to time.Time
	what     string
}

func (iv interval) distance(t time.Time) time.Duration {
	switch {
	case t.Before(iv.from):
		return iv.from.Sub(t)
	case t.After(iv.to):
		return t.Sub(iv.to)
	}
	return 0
}

// evidenceOf returns the dates an article points to: its publication date
// and the years of its copyright lines (removed by cleaning or not).
func evidenceOf(a *article) []interval {
	var out []interval
	if a.a.Published != nil {
		p := a.a.Published.UTC()
		out = append(out, interval{p, p, "published " + p.Format("2006-01-02")})
	}
	texts := []string{a.a.Text}
	for _, r := range a.a.Removed {
		if r.Kind == model.RemovalCopyright {
			texts = append(texts, r.Text)
		}
	}
	for _, t := range texts {
		for _, m := range copyrightYear.FindAllStringSubmatch(t, -1) {
			y, _ := strconv.Atoi(m[1])
			out = append(out, interval{time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC),
				time.Date(y, 12, 31, 23, 59, 59, 0, time.UTC), strings.TrimSpace(strings.TrimRight(m[0], ","))})
		}
	}
	return out
}

// dateDiscrepancies flags articles whose publication date sits far from
// every other date evidence of the story, or from their own copyright line
// ("dated 2024-11-25" in a story whose other article carries "Copyright
// 2023"). A late republication keeps the old text, so the article's
// relative time phrases are cited as the sign it was written earlier.
func dateDiscrepancies(as []*article, slackDays int) []model.Discrepancy {
	slack := time.Duration(slackDays) * 24 * time.Hour
	ev := make([][]interval, len(as))
	for i, a := range as {
		ev[i] = evidenceOf(a)
	}
	var out []model.Discrepancy
	for i, a := range as {
		if a.a.Published == nil {
			continue
		}
		p := a.a.Published.UTC()
		var reasons []string
		for _, iv := range ev[i][1:] { // ev[i][0] is the publication date
			if iv.distance(p) > slack {
				reasons = append(reasons, fmt.Sprintf("its own text carries %q", iv.what))
			}
		}
		nearest, near := time.Duration(math.MaxInt64), ""
		for j := range as {
			if j == i {
				continue
			}
			for _, iv := range ev[j] {
				if d := iv.distance(p); d < nearest {
					nearest, near = d, fmt.Sprintf("%s (%s)", iv.what, as[j].outlet)
				}
			}
		}
		if near != "" && nearest > slack {
			reasons = append(reasons, fmt.Sprintf("the rest of the story points to %s, %d days away", near, int(nearest.Hours()/24)))
		}
		if len(reasons) == 0 {
			continue
		}
		desc := fmt.Sprintf("%s is dated %s, but %s", a.outlet, p.Format("2006-01-02"), strings.Join(reasons, "; and "))
		e := []model.Evidence{}
		for _, s := range a.doc.Sentences {
			if m := relativeTime.FindString(s.Text); m != "" {
				desc += fmt.Sprintf("; its text speaks of %q as current, so it was written near the events", strings.TrimRight(m, ",.;"))
				e = append(e, model.Evidence{Article: a.a.ID, Outlet: a.outlet, Sentence: s.Text})
				break
			}
		}
		out = append(out, model.Discrepancy{Kind: DiscrepancyPublicationDate, Description: desc,
			Outlets: []string{a.outlet}, Evidence: e})
	}
	return out
}
