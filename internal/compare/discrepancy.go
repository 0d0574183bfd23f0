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
// spelt two ways ("Priebus" and "Preibus"). lower holds the words the
// story writes in lower case (lowerWords); the pairs of spellings it
// flags go into spelt, for nameDiscrepancies to leave alone.
func factDiscrepancies(as []*article, facts []model.Fact, lower map[string]bool, spelt map[[2]string]bool) []model.Discrepancy {
	copies := map[int64]bool{}
	// The evidence sentences were read during alignment: look them up
	// rather than read them again for every pair.
	read := map[string]*sentence{}
	for _, a := range as {
		if a.copyOf >= 0 {
			copies[a.a.ID] = true
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
		add := func(d model.Discrepancy) bool {
			if kinds[d.Kind] || len(out) >= maxDiscrepancies {
				return false
			}
			kinds[d.Kind] = true
			add(d)
			return true
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
					if add(model.Discrepancy{Kind: DiscrepancyName, Outlets: outs, Evidence: pair,
						Description: fmt.Sprintf("%s writes %q where %s writes %q", ei.Outlet, a, ej.Outlet, b)}) {
						spelt[spellingPair(a, b)] = true
					}
				}
			}
		}
	}
	return out
}

// lowerWords returns the words the story writes in lower case somewhere,
// normalised: a capitalised one of them is a common word, not a name.
func lowerWords(as []*article) map[string]bool {
	lower := map[string]bool{}
	for _, a := range as {
		for _, t := range a.doc.Tokens {
			if unicode.IsLower(firstRune(t.Text)) {
				lower[t.Norm] = true
			}
		}
	}
	return lower
}

// spellingPair is the key of two spellings of a name, in either order.
func spellingPair(a, b string) [2]string {
	a, b = strings.ToLower(a), strings.ToLower(b)
	return [2]string{min(a, b), max(a, b)}
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
			Description: fmt.Sprintf("%s %s %s %s where %s %s %s", outletList(x.outlets), verb(x.outlets, "give"), shown[key], x.shown,
				outletList(y.outlets), verb(y.outlets, "give"), strings.TrimPrefix(y.shown, "an age of "))})
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

// verb is v for outlets os as subject: "gives" after one outlet and
// "give" after several.
func verb(os []string, v string) string {
	if len(os) == 1 {
		return v + "s"
	}
	return v
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

// spelling finds a capitalised word of a that b spells differently (see
// misspelt), where neither sentence writes the other's spelling too.
func spelling(a, b []string, lower map[string]bool) (string, string, bool) {
	for _, x := range a {
		if slices.Contains(b, x) {
			continue
		}
		for _, y := range b {
			if !slices.Contains(a, y) && misspelt(x, y, lower) {
				return x, y, true
			}
		}
	}
	return "", "", false
}

// misspelt reports two capitalised words that spell one name two ways: an
// edit or two apart, not a transliteration variant text.EntityKey folds,
// nor a word the story writes in lower case (lower): "Presinct" against
// "Precinct" is a typo of a common word, not two spellings of a name.
func misspelt(x, y string, lower map[string]bool) bool {
	if len(x) < 5 || len(y) < 5 || lower[strings.ToLower(x)] || lower[strings.ToLower(y)] {
		return false
	}
	// A misspelling keeps a name's first and last letters; a word made
	// from another ("Marxism", "Marxist") or a nickname ("Sandra",
	// "Sandi") changes its ending.
	if x[0] != y[0] || x[len(x)-1] != y[len(y)-1] || len(x)-len(y) > 2 || len(y)-len(x) > 2 {
		return false
	}
	// Two edits make a different short name ("Harris", "Hervis").
	limit := 1
	if min(len(x), len(y)) >= 8 {
		limit = 2
	}
	d := editDistance(strings.ToLower(x), strings.ToLower(y))
	return d > 0 && d <= limit && !sameWord(x, y)
}

// nameDiscrepancies finds a name outlets spell two ways anywhere in their
// articles, not only in aligned facts: a name is spelt in whichever
// sentence first gives it, and two outlets seldom write that sentence alike
// enough to align. It compares the names of people, bodies and places the
// entity analysis finds, not every capitalised word, which would pair the
// words that open sentences and headlines. Two names are one misspelt
// when they differ in one word (differing), the rest matching, and the
// two spellings are an edit or two apart (misspelt), each a name only
// (distinctive), and not romanisations of one name (romanised). Pairs
// that factDiscrepancies flagged (spelt) are left out, as is a spelling
// an outlet writes both ways: a typo of its own, not a disagreement
// between outlets.
func nameDiscrepancies(as []*article, lower map[string]bool, spelt map[[2]string]bool) []model.Discrepancy {
	var names []named
	seen := map[string]bool{}
	var outlets []string                   // in the order first met
	writes := map[string]map[string]bool{} // the capitalised words of each outlet
	for _, a := range as {
		if a.copyOf >= 0 {
			continue
		}
		if writes[a.outlet] == nil {
			writes[a.outlet] = map[string]bool{}
			outlets = append(outlets, a.outlet)
		}
		for _, t := range a.doc.Tokens {
			if unicode.IsUpper(firstRune(t.Text)) {
				writes[a.outlet][t.Text] = true
			}
		}
		for _, e := range a.doc.Entities {
			if e.Weak || seen[a.outlet+"\x00"+e.Name] {
				continue
			}
			seen[a.outlet+"\x00"+e.Name] = true
			n := named{outlet: a.outlet}
			if e.Kind == model.EntityPerson {
				n.surname = e.Surname
			}
			for _, t := range text.Tokens(e.Name) {
				n.words = append(n.words, t.Text)
			}
			names = append(names, n)
		}
	}
	var out []model.Discrepancy
	done := map[[2]string]bool{}
	shown := map[string]bool{}
	for i, n := range names {
		for _, m := range names[i+1:] {
			if n.outlet == m.outlet {
				continue
			}
			x, y, rest, ok := differing(n, m)
			if !ok || done[spellingPair(x, y)] || spelt[spellingPair(x, y)] || !misspelt(x, y, lower) ||
				!distinctive(x, rest) || !distinctive(y, rest) || romanised(x) == romanised(y) {
				continue
			}
			done[spellingPair(x, y)] = true
			// The third pair of a name written three ways says nothing
			// the first two did not.
			if shown[strings.ToLower(x)] && shown[strings.ToLower(y)] {
				continue
			}
			var xs, ys []string
			for _, o := range outlets {
				if writes[o][x] {
					xs = append(xs, o)
				}
				if writes[o][y] {
					ys = append(ys, o)
				}
			}
			if slices.ContainsFunc(xs, func(o string) bool { return slices.Contains(ys, o) }) {
				continue
			}
			if len(ys) < len(xs) {
				x, y, xs, ys = y, x, ys, xs // the lone spelling first
			}
			shown[strings.ToLower(x)], shown[strings.ToLower(y)] = true, true
			out = append(out, model.Discrepancy{Kind: DiscrepancyName,
				Outlets:  append(slices.Clone(xs), ys...),
				Evidence: append(writtenIn(as, xs[0], x), writtenIn(as, ys[0], y)...),
				Description: fmt.Sprintf("%s %s %q where %s %s %q", outletList(xs), verb(xs, "write"), x,
					outletList(ys), verb(ys, "write"), y)})
		}
	}
	// Outlets that spell many of a story's names two ways are romanising
	// names of another script each in their own way (the villages and
	// officials of an Iranian island), where no spelling is the wrong one.
	if len(out) >= romanisedStory {
		return nil
	}
	return out
}

// romanisedStory is the number of names spelt two ways from which a
// story's spellings are taken for romanisations rather than misspellings.
const romanisedStory = 4

// romanised folds the spellings that romanisations of one name from
// another script differ by ("Heidar", "Heydar"; "Hormuzgan", "Hormozgan";
// "Berdimuhamedov", "Berdymukhamedov"): a run of vowels is one vowel, kh
// is h, sch is sh, a doubled letter is one. A final y stays: "Shelley"
// and "Shelly" are two English spellings, one of them wrong.
func romanised(w string) string {
	w = strings.NewReplacer("kh", "h", "sch", "sh").Replace(strings.ToLower(w))
	var b strings.Builder
	var last rune
	for i, r := range w {
		if strings.ContainsRune("aeiou", r) || r == 'y' && i < len(w)-1 {
			r = 'a'
		}
		if r != last {
			b.WriteRune(r)
		}
		last = r
	}
	return b.String()
}

// distinctive reports whether a spelling can only be a name misspelt, and
// not a word or name in its own right an edit from another: not an English
// word ("Majority", "Minority"), nor a name the gazetteer knows
// ("Colorado" for "Coronado"), nor a given name ("Robin" for "Robyn",
// "Jonas" for "Jones") unless rest, the words the two names share, are
// enough to make them one person ("Shelley Moore Capito").
func distinctive(w string, rest int) bool {
	return !text.IsCommonWord(w) && !text.IsKnownName(w) && (rest >= 2 || !text.IsGivenName(w))
}

// named is a name an outlet gives, as the entity analysis finds it.
type named struct {
	outlet  string
	words   []string // as written, a possessive left out
	surname string   // of a person named in more than one word
}

// differing returns the one word in which two names differ and how many
// words they share besides, the others alike but for case; or a surname
// alone and the surname of a person's fuller name; or the surnames of two
// people of one given name, one with a middle name or initial ("Philip H.
// Hickock", "Philip Hickok").
func differing(n, m named) (string, string, int, bool) {
	switch {
	case len(n.words) == 1 && m.surname != "":
		return n.words[0], m.surname, 0, true
	case len(m.words) == 1 && n.surname != "":
		return n.surname, m.words[0], 0, true
	case len(n.words) != len(m.words) && n.surname != "" && m.surname != "" && strings.EqualFold(n.words[0], m.words[0]):
		return n.surname, m.surname, 1, true
	case len(n.words) != len(m.words):
		return "", "", 0, false
	}
	at := -1
	for i := range n.words {
		if !strings.EqualFold(n.words[i], m.words[i]) {
			if at >= 0 {
				return "", "", 0, false
			}
			at = i
		}
	}
	if at < 0 {
		return "", "", 0, false
	}
	return n.words[at], m.words[at], len(n.words) - 1, true
}

// writtenIn returns the first sentence of outlet's articles that writes
// word.
func writtenIn(as []*article, outlet, word string) []model.Evidence {
	for _, a := range as {
		if a.outlet != outlet || a.copyOf >= 0 {
			continue
		}
		for _, s := range a.sents {
			if slices.Contains(s.names, word) {
				return []model.Evidence{{Article: a.a.ID, Outlet: a.outlet, Sentence: s.text}}
			}
		}
	}
	return nil
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
