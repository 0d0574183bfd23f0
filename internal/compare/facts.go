package compare

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/text"
)

// sentence is one sentence of an article as the alignment sees it.
type sentence struct {
	text string
	// terms are the content words: stems of non-stop words (irregular forms
	// and news paraphrases folded to one stem) and normalised numbers,
	// distinct.
	terms []string
	// cased says, per term, how the sentence writes it (capMid, lowCase):
	// the story's names are the terms its sentences mostly capitalise.
	cased []uint8
	// inClause has, per term, bit c set when clause c holds it; clauses
	// counts the clauses (clauseCuts).
	inClause []uint16
	clauses  int
	// clauseIDs and clauseNorms are the ids and norms of each clause, when
	// the sentence has more than one; filled by alignment.
	clauseIDs   [][]int32
	clauseNorms []float64
	// ids are terms as sorted feature ids of the story, filled by alignment;
	// several terms may share an id (variants and paraphrases).
	ids []int32
	// namedIDs lists the sorted ids of the story's names in the sentence:
	// two sentences that share only names may name the same people and
	// still state different facts.
	namedIDs []int32
	// nums are the quantities the sentence states, for discrepancies.
	nums []stated
	// names are its capitalised words, for name discrepancies.
	names []string
	// dates are the months and years it names.
	dates []stated
	// norm is the length of the sentence's weighted term vector.
	norm float64
}

// minTerms keeps headline fragments and "UPDATE:" lines out of the facts:
// a fact needs a few content words to say anything.
const minTerms = 4

// irregular maps irregular verb forms Snowball leaves apart to the stem of
// their base form, so that "met" matches "meeting".
var irregular = map[string]string{
	"met": "meet", "told": "tell", "said": "say", "says": "say", "held": "hold", "took": "take",
	"taken": "take", "made": "make", "gave": "give", "given": "give", "went": "go", "gone": "go",
	"came": "come", "began": "begin", "begun": "begin", "spoke": "speak", "spoken": "speak",
	"wrote": "write", "written": "write", "ran": "run", "won": "win", "lost": "lose",
	"left": "leav", "sent": "send", "brought": "bring", "bought": "buy", "thought": "think",
	"sought": "seek", "fought": "fight", "led": "lead", "paid": "pay", "struck": "strike",
	"killed": "kill", "chose": "choos", "chosen": "choos", "knew": "know", "known": "know",
	"saw": "see", "seen": "see", "found": "find", "kept": "keep", "felt": "feel", "fell": "fall",
	"drew": "draw", "drawn": "draw", "rose": "rise", "risen": "rise", "stood": "stand",
	"hit": "hit", "quit": "quit", "shut": "shut", "cut": "cut", "put": "put",
}

// numberWords are spelled numbers news writes out, so that "one-in-three"
// and "1 in 3" state the same quantity.
var numberWords = map[string]float64{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "twenty": 20, "hundred": 100,
}

var scales = map[string]float64{"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}

// sentencesOf reads the sentences of an article from its analysis: the
// body's tokens are cut at sentence bounds rather than tokenised again.
func sentencesOf(a *article) []sentence {
	out := make([]sentence, 0, len(a.doc.Sentences))
	toks := a.doc.Tokens
	k := 0
	for _, s := range a.doc.Sentences {
		for k < len(toks) && toks[k].Start < s.Start {
			k++
		}
		j := k
		for j < len(toks) && toks[j].End <= s.End {
			j++
		}
		out = append(out, sentenceOf(s.Text, toks[k:j], s.Start))
		k = j
	}
	return out
}

func newSentence(s string) sentence { return sentenceOf(s, text.Tokens(s), 0) }

// sentenceOf reads sentence s from its tokens, whose offsets start at base.
func sentenceOf(s string, toks []text.Token, base int) sentence {
	st := sentence{text: s}
	cuts := clauseCuts(s)
	seen := make(map[string]int, len(toks))
	for i, t := range toks {
		if v, ok := quantity(toks, i); ok && !partOfName(s, toks, i, base) {
			st.nums = append(st.nums, counted(s, toks, i, base, v))
		}
		if r := firstRune(t.Text); r >= 'A' && r <= 'Z' && len(t.Text) > 1 {
			if !text.IsTimeWord(t.Norm) {
				st.names = append(st.names, t.Text)
			}
			if months[t.Norm] {
				st.dates = append(st.dates, placed(toks, i, t.Text))
			}
		}
		if isYear(t.Norm) {
			st.dates = append(st.dates, placed(toks, i, t.Norm))
		}
		if t.Stop && numberWords[t.Norm] == 0 {
			continue
		}
		term := termOf(t)
		if len(term) < 2 && !isDigits(term) {
			continue
		}
		k, ok := seen[term]
		if !ok {
			k = len(st.terms)
			seen[term] = k
			st.terms = append(st.terms, term)
			st.cased = append(st.cased, 0)
			st.inClause = append(st.inClause, 0)
		}
		c, _ := slices.BinarySearch(cuts, t.Start-base)
		st.inClause[k] |= 1 << min(c, maxClauses-1)
		st.clauses = max(st.clauses, min(c, maxClauses-1)+1)
		switch r := firstRune(t.Text); {
		case r >= 'A' && r <= 'Z':
			if i > 0 { // a sentence's first word is capitalised whatever it is
				st.cased[k] |= capMid
			}
		case unicode.IsLower(r):
			st.cased[k] |= lowCase
		}
	}
	return st
}

// termOf is the term a word stands for: its stem, irregular forms and
// paraphrases folded.
func termOf(t text.Token) string {
	term := t.Stem
	if base, ok := irregular[t.Norm]; ok {
		term = base
	}
	if p, ok := paraphrases[term]; ok {
		term = p
	}
	return term
}

// maxClauses bounds the clauses of a sentence told apart; later ones join
// the last.
const maxClauses = 16

// clauseCuts returns the offsets in s where a new clause starts: after a
// semicolon, a colon or a dash, and before a conjunction or relative
// pronoun that follows a comma. A long news sentence often packs two facts
// ("X dropped plans to moderate the debate, but ..."); each of its clauses
// may match another outlet's shorter sentence.
func clauseCuts(s string) []int {
	var cuts []int
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == ';' || s[i] == ':' && i+1 < len(s) && s[i+1] == ' ':
			cuts = append(cuts, i+1)
		case strings.HasPrefix(s[i:], "—") || strings.HasPrefix(s[i:], "–"):
			i += len("—") - 1 // both dashes are three bytes long
			cuts = append(cuts, i+1)
		case strings.HasPrefix(s[i:], " -- "):
			i += len(" --") - 1
			cuts = append(cuts, i+1)
		case s[i] == ',' && i+2 < len(s) && s[i+1] == ' ':
			w := s[i+2:]
			if j := strings.IndexByte(w, ' '); j > 0 && clauseWords[w[:j]] {
				cuts = append(cuts, i+1)
			}
		}
	}
	return cuts
}

// clauseWords open a clause after a comma.
var clauseWords = map[string]bool{"but": true, "while": true, "after": true, "although": true,
	"though": true, "because": true, "whereas": true, "when": true, "which": true, "who": true,
	"as": true, "and": true, "saying": true, "adding": true}

// Bits of sentence.cased.
const (
	capMid  uint8 = 1 << iota // written capitalised, not first in the sentence
	lowCase                   // written in lower case
)

// paraphrases maps the stems of words news uses interchangeably for one
// event to one stem of their group, so that "died" meets "killed" and
// "apologized" meets "regrets". Kept small and general: each group is a
// common way reporters vary the same verb or noun, never a story's words.
var paraphrases = func() map[string]string {
	groups := [][]string{
		{"kill", "die", "dead", "death"},
		{"meet", "talk"},
		{"arrest", "detain", "detent"},
		{"resign", "quit"},
		{"apolog", "apologis", "regret", "sorri"},
		{"withdraw", "withdrew"},
		{"support", "favor", "favour", "endors"},
		{"critic", "criticis", "condemn", "denounc", "decri", "slam", "blast"},
		{"investig", "probe", "inquiri"},
		{"hire", "retain"},
		{"child", "children", "kid"},
		{"ad", "advertis", "commerci"},
		{"video", "footag"},
		{"remark", "comment"},
		{"start", "begin", "launch"},
		{"announc", "unveil"},
		{"injur", "wound"},
		{"attack", "assault"},
		{"chairman", "chairwoman", "chair"},
		{"poll", "survey"},
		{"lawsuit", "sue", "su"},
		{"car", "vehicl"},
		{"elect", "reelect"},
	}
	m := map[string]string{}
	for _, g := range groups {
		for _, w := range g[1:] {
			m[w] = g[0]
		}
	}
	return m
}()

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// stated is a value a sentence states, in its slot: what a quantity
// counts, or where in the sentence a month or year is placed. Two outlets
// disagree only over values in one slot: "266,000 jobs" and "1 million"
// forecast gains, or "from 2005 levels" and "by 2030", are no conflict.
type stated struct {
	value string // formatNumber's, or the month or year as written
	slot  string // "" when none could be told: such a value is not compared
	shown string // the value as a reader is told it: "$1 million", "266,000 jobs"
	// near are the content words around a quantity (a unit, a sign, says
	// little of what it measures: "three times" divorced or arrested), or
	// the one before a date: two are in one slot only when they share one
	// ("$1 trillion infrastructure plan", "$1.2 trillion infrastructure
	// package"), or, for dates, when their sentences are alike throughout
	// (see conflict).
	near []string
	// names are the terms of the capitalised words of a quantity's phrase:
	// two quantities whose phrases name others are about different people
	// or places ("8.5% of gas stations in North Carolina", "nearly 8
	// percent of Virginia gas stations").
	names []string
	// who is the person an age is given to, when the sentence names them
	// there ("Smith, 45," or "45-year-old John Smith"): ages are compared
	// by person across the story (ageDiscrepancies).
	who string
	// lo and hi bound the quantity the words before it allow: "at least
	// 12" is 12 and up, "nearly $1 trillion" a little under it. Both are
	// zero for a date.
	lo, hi float64
	// v is the quantity as written, zero for a date.
	v float64
	// update says the sentence gives the quantity as the end of a change
	// ("the toll rose to 15"), later news than a figure given plainly.
	update bool
}

// agrees reports quantities that can both hold: ranges that overlap, or
// one given as a change over time where the other is given plainly.
func (x stated) agrees(y stated) bool {
	if x.hi == 0 || y.hi == 0 {
		return false
	}
	return x.update != y.update || x.lo <= y.hi && y.lo <= x.hi
}

// maxRatio is how many times apart two figures of one quantity may be.
// Outlets that disagree on a quantity give figures of one size: a toll of
// 12 against 13, $1 trillion against $1.2 trillion. A game's 63 yards and
// a season's 150, or one quake's 10 dead and another's 3 injured, are
// different things that happen to share a unit.
const maxRatio = 2

// farApart reports quantities more than maxRatio times apart.
func (x stated) farApart(y stated) bool {
	a, b := min(x.v, y.v), max(x.v, y.v)
	return a > 0 && b > maxRatio*a
}

// counted places quantity v, read at toks[i], in its slot: the currency
// sign before it, a percent sign after it, an age ("Smith, 45," or "a
// 45-year-old"), or else the word it counts (the next content word past a
// scale: "1 million jobs" counts jobs). Its near words leave out the slot's
// own, so that two counts of days share more than "days".
func counted(s string, toks []text.Token, i, base int, v float64) stated {
	st := stated{value: formatNumber(v), v: v, update: changedTo(toks, i)}
	st.lo, st.hi = bounds(toks, i, v)
	st.shown = st.value
	before, after := s[:toks[i].Start-base], s[toks[i].End-base:]
	unit := i // the last token of the quantity's own words
	sign := ""
	for _, c := range []string{"$", "£", "€", "¥"} {
		if strings.HasSuffix(before, c) {
			sign = c
		}
	}
	switch {
	case sign != "":
		st.slot, st.shown = sign, sign+st.value
	case strings.HasPrefix(after, "%") || i+1 < len(toks) && percentWords[toks[i+1].Norm]:
		st.slot, st.shown = "%", st.value+"%"
		if !strings.HasPrefix(after, "%") {
			unit = i + 1
		}
	case strings.HasPrefix(after, " of "):
		// "two of the victims", "one of Egypt's largest": a part of a
		// group, which outlets count out of different groups.
	case i > 0 && isCapitalised(toks[i-1].Text) && !text.IsTimeWord(toks[i-1].Norm) && strings.HasSuffix(before, ", ") && strings.HasPrefix(after, ","):
		st.slot, st.shown, st.who = "age", "an age of "+st.value, personAt(s, toks, i-1, -1, base) // "Smith, 45, was arrested"
	default:
		per := ""
		for j := i + 1; j < len(toks) && j <= i+3; j++ {
			t := toks[j]
			if rateWords[t.Norm] && !strings.ContainsAny(s[toks[i].End-base:t.Start-base], ",;:") {
				per = "per " // "23,600 a day" is a rate, "seven days" a time; "3,655,000, a decrease" neither
			}
			if _, ok := scales[t.Norm]; ok || t.Stop {
				continue
			}
			if _, word := numberWords[t.Norm]; word || isDigits(t.Norm) {
				break // "two-in-three": a ratio, not a count of threes
			}
			unit = j
			st.slot, st.shown = per+t.Stem, st.value+" "+per+t.Text
			switch {
			case increments[toks[i+1].Norm]:
				st.slot = "more " + st.slot // "married two more times": an increment, not a total
			case j+1 < len(toks) && pointWords[toks[j+1].Norm]:
				st.slot = "ago " + st.slot // "four years ago": when, not how long
			case clockWords[t.Norm]:
				// "0300 GMT" and "8 a.m. local time": a time of day, of one
				// of a story's many events, in one of many time zones.
				st.slot = ""
			case t.Norm == "year" && j+1 < len(toks) && toks[j+1].Norm == "old":
				unit = j + 1
				st.slot, st.shown = "age", "an age of "+st.value
				// A full name after it is whose age it is; one capitalised
				// word may be a place ("a 38-year-old Troy resident"), and
				// "the 29-year-old Mr. Gigante" of an old tale no name.
				if who := personAt(s, toks, j+2, 1, base); strings.Contains(who, " ") {
					st.who = who
				}
			}
			break
		}
	}
	st.near, st.names = nearWords(s, toks, i, unit, base)
	if st.slot == "age" && unit == i {
		// "Smith, 45,": the name the commas cut off is whose age it is.
		name := termOf(toks[i-1])
		st.near, st.names = append(st.near, name), append(st.names, name)
	}
	if expected(toks, i) {
		st.slot = "expected " + st.slot
	}
	return st
}

// forecastWords are the stems of words that make a quantity after them a
// forecast ("economists had expected prices to rise 3.6 percent"), not
// the figure it is compared with.
var forecastWords = map[string]bool{"expect": true, "forecast": true, "predict": true,
	"project": true, "anticip": true}

// expected reports a forecast word among the eight tokens before toks[i].
func expected(toks []text.Token, i int) bool {
	for j := max(0, i-8); j < i; j++ {
		if forecastWords[toks[j].Stem] {
			return true
		}
	}
	return false
}

// increments right after a number make it a count added to another.
var increments = map[string]bool{"more": true, "additional": true, "further": true, "extra": true}

// pointWords after a span of time make it a point in time.
var pointWords = map[string]bool{"ago": true, "earlier": true, "later": true}

// clockWords after a number make it a time of day.
var clockWords = map[string]bool{"gmt": true, "utc": true, "et": true, "est": true, "edt": true,
	"pst": true, "pdt": true, "am": true, "pm": true, "a.m": true, "p.m": true}

// honorifics stand before a name without being one.
var honorifics = map[string]bool{"mr": true, "mrs": true, "ms": true, "miss": true, "dr": true}

// personAt returns the last two words of the run of capitalised words
// from toks[k] on (step 1) or back (step -1), honorifics left out: "Robert
// Buckley" of "Robert Buckley, 32," or "the 31-year-old Robert Buckley of
// the U.K.".
func personAt(s string, toks []text.Token, k, step, base int) string {
	var run []string
	for ; k >= 0 && k < len(toks) && isCapitalised(toks[k].Text) && !honorifics[toks[k].Norm]; k += step {
		run = append(run, toks[k].Text)
		next := k + step
		if next < 0 || next >= len(toks) {
			break
		}
		lo, hi := min(k, next), max(k, next)
		if s[toks[lo].End-base:toks[hi].Start-base] != " " {
			break
		}
	}
	if step < 0 {
		slices.Reverse(run)
	}
	if len(run) > 2 {
		if step < 0 {
			run = run[len(run)-2:]
		} else {
			run = run[:2]
		}
	}
	return strings.Join(run, " ")
}

func isCapitalised(w string) bool {
	r := firstRune(w)
	return r >= 'A' && r <= 'Z'
}

// bounds returns the range a quantity v read at toks[i] is stated to lie
// in: news gives tolls and sums as floors ("at least 12 dead", "more than
// $920 billion"), ceilings ("fewer than 40", "nearly $139 million") or
// round figures ("about 40"), and a floor of 8 does not deny a count of 9.
func bounds(toks []text.Token, i int, v float64) (float64, float64) {
	word := func(k int) string {
		if k < 0 {
			return ""
		}
		return toks[k].Norm
	}
	w1 := word(i - 1)
	w2 := word(i-2) + " " + w1
	w3 := word(i-3) + " " + w2 // "no more than 40" is no floor
	switch {
	case floors[w3] || !ceilings[w3] && (floors[w2] || floors[w1]):
		return v, math.Inf(1)
	case ceilings[w3] || ceilings[w2] || ceilings[w1]:
		return 0, v
	case w1 == "nearly" || w1 == "almost" || w2 == "just under":
		return v * (1 - roundShare), v
	case roundWords[w1] || w2 == "close to":
		return v * (1 - roundShare), v * (1 + roundShare)
	}
	return v, v
}

// roundShare is how far a round figure ("about 40", "nearly 8 percent")
// may be from the count it stands for.
const roundShare = 0.1

var (
	floors = map[string]bool{"at least": true, "more than": true, "over": true, "above": true,
		"upwards of": true, "upward of": true, "exceeding": true, "in excess of": true,
		"no fewer than": true, "no less than": true}
	ceilings = map[string]bool{"less than": true, "fewer than": true, "up to": true, "at most": true,
		"under": true, "below": true, "no more than": true, "as much as": true, "as many as": true}
	roundWords = map[string]bool{"about": true, "around": true, "some": true, "approximately": true,
		"roughly": true, "estimated": true}
)

// changeVerbs are the stems of verbs that tell a figure changed: "the toll
// rose to 15", "has climbed to 15".
var changeVerbs = map[string]bool{"rise": true, "rose": true, "risen": true, "climb": true,
	"increas": true, "jump": true, "grew": true, "grow": true, "fell": true, "fall": true,
	"drop": true, "declin": true, "soar": true, "surg": true, "swell": true, "mount": true,
	"doubl": true}

// changedTo reports a quantity given as the end of a change: "rose to 15",
// "reached 15".
func changedTo(toks []text.Token, i int) bool {
	switch {
	case i >= 2 && toks[i-1].Norm == "to":
		return changeVerbs[toks[i-2].Stem]
	case i >= 1:
		return toks[i-1].Stem == "reach"
	}
	return false
}

// rateWords between a number and its unit make it a rate.
var rateWords = map[string]bool{"a": true, "an": true, "per": true, "each": true, "every": true}

// measureWords reports a scale or a percent sign written out: words that
// say how much, not of what.
func measureWords(norm string) bool {
	_, scale := scales[norm]
	return scale || percentWords[norm]
}

// percentWords write a percent sign out.
var percentWords = map[string]bool{"percent": true, "pct": true, "percentage": true}

// nearCount is how many content words on each side of a quantity say what
// it counts.
const nearCount = 2

// nearWords returns the terms of the nearCount content words each side of
// the quantity toks[i:unit+1], numbers, scales and percent signs written
// out left out (they say how much, not of what), and the names of its
// phrase. The phrase ends at punctuation ("who was divorced three times,
// died in Los Angeles" does not count deaths) and at another number, whose
// words are its own.
func nearWords(s string, toks []text.Token, i, unit, base int) (near, names []string) {
	// add takes word j, counting the content words taken on this side in
	// n, and reports whether the phrase goes on past it.
	add := func(j int, n *int) bool {
		t := toks[j]
		if _, err := strconv.ParseFloat(t.Norm, 64); err == nil || numberWords[t.Norm] != 0 {
			return false
		}
		if t.Stop || measureWords(t.Norm) {
			return true
		}
		if *n < nearCount {
			near = append(near, termOf(t))
			*n++
		}
		if j > 0 && isCapitalised(t.Text) && !text.IsTimeWord(t.Norm) {
			names = append(names, termOf(t))
		}
		return true
	}
	breaks := func(j int) bool { return strings.ContainsAny(s[toks[j-1].End-base:toks[j].Start-base], ",;:()—–") }
	for j, n := i-1, 0; j >= 0 && !breaks(j+1) && add(j, &n); j-- {
	}
	for j, n := unit+1, 0; j < len(toks) && !breaks(j) && add(j, &n); j++ {
	}
	return near, names
}

// placed places month or year toks[i] (written w) by the kind of the
// preposition before it (when, from, until, by) and the content word
// before that: "served from 1967 to 1979" and "held the seat from 1966 to
// 1978" put their years in the same slots, "from 2005 levels" and "by 2030"
// in two.
func placed(toks []text.Token, i int, w string) stated {
	j := i - 1
	for j >= 0 && dateModifiers[toks[j].Norm] {
		j-- // "in mid May", "in early 2020"
	}
	if j < 0 {
		return stated{value: w, shown: w}
	}
	class := prepositionClass[toks[j].Norm]
	if class == "" {
		class = toks[j].Norm
	}
	st := stated{value: w, slot: class, shown: w}
	for ; j >= 0; j-- {
		if t := toks[j]; !t.Stop && !isDigits(t.Norm) && !months[t.Norm] && !monthAbbrevs[t.Norm] {
			st.near = []string{t.Stem}
			break
		}
	}
	return st
}

// prepositionClass groups the prepositions that place a date alike.
var prepositionClass = map[string]string{
	"in": "when", "on": "when", "at": "when", "during": "when", "of": "when",
	"from": "from", "since": "from", "to": "until", "until": "until", "till": "until", "through": "until",
	"by": "by", "before": "by",
}

// dateModifiers stand between a preposition and its date.
var dateModifiers = map[string]bool{"mid": true, "early": true, "late": true, "the": true, "end": true}

// monthAbbrevs are the short forms of months a date is written with ("Jan.
// 6"): the number after one is a day, not a quantity.
var monthAbbrevs = map[string]bool{"jan": true, "feb": true, "mar": true, "apr": true, "jun": true,
	"jul": true, "aug": true, "sep": true, "sept": true, "oct": true, "nov": true, "dec": true}

// partOfName reports a number that is a day of a month ("Jan. 6", "April
// 12") or part of a name written with a hyphen ("COVID-19", "F-16").
func partOfName(s string, toks []text.Token, i, base int) bool {
	if i == 0 {
		return false
	}
	prev := toks[i-1]
	if months[prev.Norm] || monthAbbrevs[prev.Norm] {
		return true
	}
	start := toks[i].Start - base
	return prev.End == toks[i].Start-1 && start > 0 && s[start-1] == '-' && !isDigits(prev.Norm)
}

func isYear(norm string) bool {
	return len(norm) == 4 && isDigits(norm) && norm >= "1900" && norm <= "2100"
}

// quantity reads the number token i states, scaled by a following
// "million" and the like. Years are dates, not quantities.
func quantity(toks []text.Token, i int) (float64, bool) {
	n := toks[i].Norm
	v, ok := numberWords[n]
	if !ok {
		f, err := strconv.ParseFloat(n, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, false
		}
		if isYear(n) {
			return 0, false
		}
		v = f
	}
	if i > 0 {
		if _, prevNum := numberWords[toks[i-1].Norm]; prevNum || isDigits(toks[i-1].Norm) {
			return 0, false // "twenty five", "1 000": read once, from its first word
		}
	}
	if i+1 < len(toks) {
		if s, ok := scales[toks[i+1].Norm]; ok {
			v *= s
		}
	}
	return v, true
}

// link is an alignment of two sentences of different outlets.
type link struct {
	a, b int // global sentence ids
	sim  float64
}

// sref places a sentence of the story: its article and its index there.
type sref struct{ art, sent int }

// storySentences numbers the sentences of the story's independent articles
// in article and text order (global sentence ids): refs, the sentences and
// the article of each.
func storySentences(as []*article) (refs []sref, sents []*sentence, art []int) {
	for i, a := range as {
		if a.copyOf >= 0 {
			continue
		}
		for j := range a.sents {
			refs = append(refs, sref{i, j})
			sents = append(sents, &a.sents[j])
			art = append(art, i)
		}
	}
	return refs, sents, art
}

// alignFacts aligns the sentences of the story's independent articles
// across outlets and groups them into facts.
func alignFacts(ctx context.Context, as []*article, outlets []string, threshold float64) ([]model.Fact, error) {
	refs, sents, art := storySentences(as)
	w, df := featureIDs(as)
	cands, err := candidates(ctx, as, sents, art, w, df, threshold)
	if err != nil {
		return nil, err
	}
	links := linkAll(cands, art, threshold)

	// Facts are the connected groups of linked sentences.
	parent := make([]int, len(refs))
	for i := range parent {
		parent[i] = i
	}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	score := make([]float64, len(refs))
	for _, l := range links {
		parent[find(l.a)] = find(l.b)
		score[l.a] += l.sim
		score[l.b] += l.sim
	}
	groups := make(map[int][]int)
	for id := range refs {
		groups[find(id)] = append(groups[find(id)], id)
	}

	pos := make(map[int64]int, len(as))
	for i, a := range as {
		pos[a.a.ID] = i
	}
	var facts []model.Fact
	var order []int // first sentence id of each fact, for ordering
	for _, ids := range groups {
		// Every sentence of the fact is evidence: an article may say in two
		// sentences what another says in one. ids are in text order.
		slices.Sort(ids)
		byArt := make(map[int][]int)
		for _, id := range ids {
			byArt[refs[id].art] = append(byArt[refs[id].art], id)
		}
		if len(byArt) == 1 && len(as[refs[ids[0]].art].sents[refs[ids[0]].sent].terms) < minTerms {
			continue
		}
		f := model.Fact{}
		rep, repScore := -1, -1.0
		outs := map[string]bool{}
		for _, ai := range sortedInts(byArt) {
			a := as[ai]
			outs[a.outlet] = true
			f.Independent++
			for _, id := range byArt[ai] {
				s := a.sents[refs[id].sent]
				f.Evidence = append(f.Evidence, model.Evidence{Article: a.a.ID, Outlet: a.outlet, Sentence: s.text})
				if score[id] > repScore {
					rep, repScore = id, score[id]
				}
				// Copies carry what their original carries.
				for _, c := range as {
					if c.copyOf == ai {
						outs[c.outlet] = true
						f.Evidence = append(f.Evidence, model.Evidence{Article: c.a.ID, Outlet: c.outlet, Sentence: copySentence(c, s)})
					}
				}
			}
		}
		f.Text = as[refs[rep].art].sents[refs[rep].sent].text
		f.Outlets = sortedKeys(outs)
		f.Kind = kindOf(len(f.Outlets), len(outlets))
		sortEvidence(f.Evidence, pos)
		facts = append(facts, f)
		order = append(order, slices.Min(ids))
	}
	idx := make([]int, len(facts))
	for i := range idx {
		idx[i] = i
	}
	rank := map[string]int{model.FactCommon: 0, model.FactPartial: 1, model.FactUnique: 2}
	slices.SortFunc(idx, func(x, y int) int {
		fx, fy := facts[x], facts[y]
		return cmp.Or(cmp.Compare(rank[fx.Kind], rank[fy.Kind]), cmp.Compare(len(fy.Outlets), len(fx.Outlets)),
			cmp.Compare(fx.Outlets[0], fy.Outlets[0]), cmp.Compare(order[x], order[y]))
	})
	out := make([]model.Fact, len(facts))
	for i, k := range idx {
		out[i] = facts[k]
	}
	return out, nil
}

func kindOf(n, total int) string {
	switch {
	case n >= total:
		return model.FactCommon
	case n == 1:
		return model.FactUnique
	}
	return model.FactPartial
}

func sortedInts[V any](m map[int]V) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// copySentence finds in copy c the sentence matching its original's s.
func copySentence(c *article, s sentence) string {
	for _, cs := range c.sents {
		if strings.EqualFold(strings.Join(cs.terms, " "), strings.Join(s.terms, " ")) {
			return cs.text
		}
	}
	return s.text
}
