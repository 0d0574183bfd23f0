package text

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/parallax-news/parallax/internal/model"
)

// Entity is a person, organisation or place named in one article, under
// its canonical name.
type Entity struct {
	// Name is the canonical name: the gazetteer's, or the fullest form
	// the article uses ("Sergey Lavrov" for a later "Lavrov").
	Name string
	// Kind is model.EntityPerson, model.EntityOrg or model.EntityPlace.
	Kind string
	// Key is EntityKey(Name), for matching across articles.
	Key string
	// Surname is, for a person named in more than one word, the family
	// name as written ("Lavrov" for "Sergey Lavrov", "Downey" for "Robert
	// Downey Jr"): readers look a person up by it as often as by the full
	// name.
	Surname string
	// Variants are the distinct spellings used, in order of appearance
	// (at most maxVariants).
	Variants []string
	// Roles are the titles given to a person ("Russian Foreign Minister").
	Roles []string
	// Count is the number of mentions in the title and body.
	Count int
	// Sentences are the indices in Doc.Sentences of the sentences that
	// mention the entity, ascending.
	Sentences []int
	// InTitle is set when the title mentions the entity.
	InTitle bool
	// Weak is set when only adjectives of nationality point at the entity
	// ("Russian" -> Russia): a hint of the topic, not a named participant.
	Weak bool
}

// mention is one occurrence of a name.
type mention struct {
	text    string   // as written
	words   []string // folded words without function words
	kind    string
	gaz     *gazEntry
	role    string
	sent    int // index in Doc.Sentences, or titleSentence
	sure    bool
	weak    bool
	acronym bool
	// unsure marks a one-word name opening a sentence or left over from a
	// longer capitalised run ("American Pie", "X-Men"), which counts only
	// if the article names it elsewhere too.
	unsure bool
	// tentative marks a person's kind guessed for want of another: a name
	// of two or more words with no head word, no given name first, no role,
	// and a word of common use. It stays a person's only if the article
	// also names it by its last word alone, as news names people and not
	// firms or events.
	tentative bool
}

const titleSentence = -1

// maxNameWords bounds the words of one run of capitalised words, and
// maxVariants the spellings kept per entity, so that adversarial text
// costs linear time.
const (
	maxNameWords = 12
	maxVariants  = 32
)

// Flags of the sentence model's orthographic context (Kiss and Strunk's
// Punkt): how the training text wrote a word inside sentences.
const (
	orthoMidUc = 1 << 2
	orthoMidLc = 1 << 5
)

// extractor finds the mentions of one article. Its maps and slices are
// reused from article to article (extractorPool): made afresh, they were a
// third of the bytes the analysis allocates.
type extractor struct {
	toks     []Token
	lower    map[string]bool // norms the body writes in lower case
	lowered  bool            // lower is filled
	mentions []mention
	shouting [][3]int // token ranges and indices of sentences in capitals
	known    map[string]bool
	// The tables of group.
	groups               []groupT
	byKey                map[string]*groupT
	order                []*groupT
	bySurname, byFirst   map[string][]*groupT
	byInitials, byPrefix map[string][]*groupT
}

var extractorPool = sync.Pool{New: func() any {
	return &extractor{
		lower: map[string]bool{}, known: map[string]bool{}, byKey: map[string]*groupT{},
		bySurname: map[string][]*groupT{}, byFirst: map[string][]*groupT{},
		byInitials: map[string][]*groupT{}, byPrefix: map[string][]*groupT{},
	}
}}

// maxPooled bounds the mentions, sentences in capitals and lower-case
// words of an extractor going back to the pool: maps never shrink, and
// one long article must not leave large tables that every later article
// would clear (news has a few hundred of each).
const maxPooled = 4096

// release empties x, dropping what refers to the article, and returns it
// to the pool unless an unusually large article grew it.
func (x *extractor) release() {
	if cap(x.mentions) > maxPooled || cap(x.shouting) > maxPooled || len(x.lower) > maxPooled {
		return
	}
	clear(x.mentions)
	clear(x.groups)
	clear(x.order)
	clear(x.lower)
	clear(x.known)
	clear(x.byKey)
	clear(x.bySurname)
	clear(x.byFirst)
	clear(x.byInitials)
	clear(x.byPrefix)
	*x = extractor{
		lower: x.lower, known: x.known, byKey: x.byKey, bySurname: x.bySurname, byFirst: x.byFirst,
		byInitials: x.byInitials, byPrefix: x.byPrefix,
		mentions: x.mentions[:0], shouting: x.shouting[:0], groups: x.groups[:0], order: x.order[:0],
	}
	extractorPool.Put(x)
}

// findEntities finds the named entities of a document by rules for news:
// runs of capitalised words are split into gazetteer names, titles and
// roles, and names; a sentence's first word and words the article also
// writes in lower case are not names on their own. Mentions are then
// grouped under one canonical name: same key, a surname to its full name,
// an acronym to its expansion.
func findEntities(d *Doc, body string) []Entity {
	x := extractorPool.Get().(*extractor)
	defer x.release()
	x.toks = d.Tokens
	// About one token in six is a name or part of one in news.
	x.mentions = slices.Grow(x.mentions, len(d.Tokens)/6+len(d.TitleTokens)/2+4)
	g := gazetteer()
	k := 0
	// A line of several sentences may be a headline all the same: "Gunman
	// Kills L. A. Deputy", "Lohan Checks Out Of Rehab... To Check Into
	// Another" are cut into sentences that look ended.
	lineEnd, lineShouting := -1, false
	for si, s := range d.Sentences {
		for k < len(x.toks) && x.toks[k].Start < s.Start {
			k++
		}
		a := k
		for k < len(x.toks) && x.toks[k].End <= s.End {
			k++
		}
		if a < k && x.toks[a].Start >= lineEnd {
			lineEnd = len(body)
			if n := strings.IndexByte(body[x.toks[a].Start:], '\n'); n >= 0 {
				lineEnd = x.toks[a].Start + n
			}
			j := k
			for j < len(x.toks) && x.toks[j].End <= lineEnd {
				j++
			}
			lineShouting = j > k && isShouting(body, x.toks[a:j])
		}
		if lineShouting || isShouting(body, x.toks[a:k]) {
			x.shouting = append(x.shouting, [3]int{a, k, si})
			continue
		}
		x.scanSentence(g, body, x.toks, a, k, si)
	}
	// A title is a headline: in title case it is shouting even when it
	// ends with a full stop or a question mark.
	titleShouting := shouting(d.Title, d.TitleTokens, true)
	if len(x.shouting) > 0 || titleShouting {
		// Most articles have no sentence in capitals and need no keys.
		x.knownKeys()
	}
	for _, r := range x.shouting {
		x.scanShouting(g, body, x.toks, r[0], r[1], r[2], x.known)
	}
	if titleShouting {
		x.scanShouting(g, d.Title, d.TitleTokens, 0, len(d.TitleTokens), titleSentence, x.known)
	} else {
		x.scanSentence(g, d.Title, d.TitleTokens, 0, len(d.TitleTokens), titleSentence)
	}
	return x.group()
}

// sentenceOf returns the index of the sentence holding token k.
func sentenceOf(d *Doc, toks []Token, k int) int {
	i, _ := slices.BinarySearchFunc(d.Sentences, toks[k].Start, func(s Sentence, off int) int {
		return cmp.Compare(s.End, off+1)
	})
	return i
}

// isShouting reports whether a sentence is written in capitals, or in
// title case like a headline (without a full stop: a sentence full of names
// is not a headline), where capitals say nothing about names.
func isShouting(src string, toks []Token) bool { return shouting(src, toks, false) }

// shouting is isShouting; a headline is in title case whether or not it
// ends like a sentence.
func shouting(src string, toks []Token, headline bool) bool {
	words, caps, upper := 0, 0, 0
	for i := range toks {
		t := &toks[i]
		r, _ := utf8.DecodeRuneInString(t.Text)
		if !unicode.IsLetter(r) {
			continue
		}
		if isUpperWord(t.Text) || len(t.Text) == 1 && unicode.IsUpper(r) {
			upper++
		}
		if t.Stop && len(t.Norm) <= 3 {
			continue
		}
		words++
		if unicode.IsUpper(r) {
			caps++
		}
	}
	if words < 3 {
		return false
	}
	if upper*10 >= words*9 {
		return true
	}
	last := toks[len(toks)-1].End
	ended := last < len(src) && strings.ContainsRune(".!?\"”", firstRune(src[last:]))
	return (headline || !ended) && words >= 4 && caps*10 >= words*8
}

// isAllCaps reports whether a sentence has no lower-case letter.
func isAllCaps(toks []Token) bool {
	for _, t := range toks {
		for _, r := range t.Text {
			if unicode.IsLower(r) {
				return false
			}
		}
	}
	return true
}

func isCapitalised(t *Token) bool {
	r, _ := utf8.DecodeRuneInString(t.Text)
	return unicode.IsUpper(r)
}

func isUpperWord(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 2
}

// isCalendar reports IsTimeWord of the token's Norm.
func (t *Token) isCalendar() bool { return t.flags&flagCalendar != 0 }

// IsTimeWord reports weekdays and months (folded, as Token.Norm), which are
// capitalised but are time expressions, not names.
func IsTimeWord(norm string) bool {
	_, ok := weekdays[norm]
	if !ok {
		_, ok = months[norm]
	}
	return ok
}

// joins reports whether tokens k and k+1 of src belong to one name.
func joins(src string, toks []Token, k int) bool {
	gap := src[toks[k].End:toks[k+1].Start]
	switch gap {
	case " ", "\u00a0", " & ", "&":
		return true
	case "-":
		// "Jean-Pierre", not the party and state tag "D-N.Y."
		return len(toks[k].Text) > 1 && len(toks[k+1].Text) > 1
	case ". ":
		// "Gov. Brian Kemp", "George W. Bush"
		return honorifics[toks[k].Norm] || utf8.RuneCountInString(toks[k].Text) == 1
	}
	return false
}

// scanSentence finds the mentions of toks[a:b], a sentence (or title)
// written in ordinary case.
func (x *extractor) scanSentence(g *gazIndex, src string, toks []Token, a, b, sent int) {
	caseName := false // the run after "v." in "Roe v. Wade"
	for k := a; k < b; {
		t := &toks[k]
		if !isCapitalised(t) || t.isCalendar() {
			k++
			continue
		}
		e := k + 1
		// No name has more words: cut the run (a heading the shouting
		// test missed), which also keeps the loops on it short.
		for e < b && e-k < maxNameWords {
			if joins(src, toks, e-1) && isCapitalised(&toks[e]) && !toks[e].isCalendar() {
				e++
				continue
			}
			// Connectors inside a name: after a head ("Bank of America",
			// "Council on Foreign Relations", "Secretary of State").
			if c := connectorRun(src, toks, e-1, b); c > 0 && isHead(toks[e-1].Norm) {
				e += c + 1
				continue
			}
			break
		}
		// A gazetteer name may run on over "and": "Centers for Disease
		// Control and Prevention", "Food and Drug Administration".
		for i := k; i < e; i++ {
			if _, n := matchGaz(g, toks, i, b, false); i+n > e {
				e = i + n
			}
		}
		// "Roe v. Wade", "Brown v. Board of Education": the name of a
		// court case, neither party's.
		after := e+1 < b && toks[e].Norm == "v" && isCapitalised(&toks[e+1])
		if !caseName && !after {
			x.scanRun(g, src, toks, a, k, e, sent)
		}
		caseName = after
		k = e
	}
}

// connectorRun returns how many connector words (at most two) follow token
// k before a capitalised word that joins, or 0.
func connectorRun(src string, toks []Token, k, b int) int {
	for n := 1; n <= 2 && k+n < b; n++ {
		c := &toks[k+n]
		if !joins(src, toks, k+n-1) || !isConnector(c.Norm) || isCapitalised(c) {
			return 0
		}
		// "and" and "the" open no name's inner part: "the Committee and
		// the Ministry" are two names ("the" may follow "of").
		if n == 1 && (c.Norm == "and" || c.Norm == "the") {
			return 0
		}
		if k+n+1 < b && joins(src, toks, k+n) && isCapitalised(&toks[k+n+1]) && !toks[k+n+1].isCalendar() {
			return n
		}
	}
	return 0
}

func isHead(norm string) bool { return orgHeads[norm] || placeHeads[norm] || roleCores[norm] }

// scanRun splits the capitalised run toks[s:e] (a is the sentence's first
// token) into names, roles and gazetteer entries.
func (x *extractor) scanRun(g *gazIndex, src string, toks []Token, a, s, e, sent int) {
	// A sentence's first word is capitalised anyway: it is part of a name
	// only if it is not a common word ("The", "But", "Officials").
	for s < e && (isConnector(toks[s].Norm) || opens(src, toks, a, s) && x.common(&toks[s]) && !startsGaz(g, toks, s, e)) {
		s++
	}
	// A word that is never a name alone does not open one before a known
	// name: "Western US", "Southern California".
	if s+1 < e && notNames[toks[s].Norm] && !startsGaz(g, toks, s, e) && startsGaz(g, toks, s+1, e) {
		s++
	}
	role := roleBefore(src, toks, a, s)
	for i := s; i < e; {
		if m, n := matchGaz(g, toks, i, e, false); n > 0 {
			// An adjective of nationality or party opening an
			// organisation's name is part of it: "Democratic National
			// Committee", "Russian Foreign Ministry".
			if m.demonym && i+n < e && orgHeads[toks[e-1].Norm] && roleEnd(toks, i+n, e) == i+n {
				x.addName(src, toks, a, i, e, sent, "", model.EntityOrg)
				return
			}
			x.addGaz(m, src, toks, i, i+n, sent)
			i += n
			continue
		}
		if j := roleEnd(toks, i, e); j > i && j < e {
			// The portfolio belongs to the role: "Secretary of Commerce
			// Gary Locke", "Minister of Foreign Affairs Sergey Lavrov". Its
			// end is not marked, so the name is taken to be the last two
			// words, as most full names are.
			if toks[j].Norm == "of" && e-j >= 4 && e-j <= 5 {
				j = e - 2
			}
			// A role before a known name or an acronym is no person's:
			// "Fellow CFR members", "Senate Majority Leader".
			if startsGaz(g, toks, j, e) || isUpperWord(toks[j].Text) {
				i = j
				continue
			}
			if !hasHead(toks, j, e) {
				x.addName(src, toks, a, j, e, sent, roleText(src, toks, s, j), model.EntityPerson)
				return
			}
		}
		// A role after words that qualify it: "Homicide Capt. James
		// Clark", "HHS Secretary Xavier Becerra".
		for p := i + 1; p < e-1; p++ {
			if !roleCores[toks[p].Norm] && !honorifics[toks[p].Norm] {
				continue
			}
			j := roleEnd(toks, p, e)
			if j == e || startsGaz(g, toks, j, e) || hasHead(toks, j, e) || isUpperWord(toks[j].Text) {
				continue
			}
			// An organisation may lead: "Woodburn Police Department Chief".
			if h := lastHead(toks, i, p); h >= 0 {
				x.addName(src, toks, a, i, h+1, sent, "", "")
			}
			x.addName(src, toks, a, j, e, sent, roleText(src, toks, s, j), model.EntityPerson)
			return
		}
		x.splitName(src, toks, a, i, e, sent, role)
		return
	}
}

// opens reports whether token s opens the sentence starting at token a, a
// clause after a colon, or a quotation, which are capitalised too: "US
// heatwave: Wildfires rage", with a nonchalant, "Nah."
func opens(src string, toks []Token, a, s int) bool {
	if s <= a {
		return s == a
	}
	gap := strings.TrimRight(src[toks[s-1].End:toks[s].Start], " \u00a0")
	// An opening quote is curly, or straight after a space or a colon: in
	// `Nah," Malia` the straight quote closes.
	switch {
	case strings.HasSuffix(gap, "\u201c"), strings.HasSuffix(gap, "\u2018"):
		return true
	case strings.HasSuffix(gap, `"`):
		before := strings.TrimSuffix(gap, `"`)
		return strings.HasSuffix(before, " ") || strings.HasSuffix(before, ":")
	}
	return strings.HasSuffix(gap, ":")
}

// roleBefore returns the role written in lower case right before a name
// ("former diplomat" Richard Haass, "Russia expert" Thomas Graham), or "".
func roleBefore(src string, toks []Token, a, s int) string {
	k := s - 1
	if k < a || !roleCores[toks[k].Norm] || isCapitalised(&toks[k]) || !joins(src, toks, k) {
		return ""
	}
	start := k
	for start > a && s-start < 5 && joins(src, toks, start-1) {
		p := &toks[start-1]
		if !roleModifiers[p.Norm] && !roleCores[p.Norm] && !(isCapitalised(p) && !p.Stop) {
			break
		}
		start--
	}
	return src[toks[start].Start:toks[k].End]
}

// roleText returns the role toks[s:j], with the dot of an abbreviated
// title ("Capt.").
func roleText(src string, toks []Token, s, j int) string {
	end := toks[j-1].End
	if honorifics[toks[j-1].Norm] && end < len(src) && src[end] == '.' {
		end++
	}
	return src[toks[s].Start:end]
}

// roleEnd returns the end of the role (titles such as "Foreign Minister",
// "Sen.") starting at token i, or i if none does.
func roleEnd(toks []Token, i, e int) int {
	end := i
	for j := i; j < e; j++ {
		n := toks[j].Norm
		switch {
		case roleCores[n] || honorifics[n]:
			end = j + 1
		case roleModifiers[n] || isConnector(n) && end > i:
		default:
			return end
		}
	}
	return end
}

// hasMisc reports whether a name is of a law, an event or a prize rather
// than a person, organisation or place: "First Amendment", "World War II".
func hasMisc(toks []Token, s, e int) bool {
	for k := s; k < e; k++ {
		if miscHeads[toks[k].Norm] {
			return true
		}
	}
	return false
}

// lastHead returns the last organisation or place head in toks[s:e], or -1.
func lastHead(toks []Token, s, e int) int {
	for k := e - 1; k >= s; k-- {
		if orgHeads[toks[k].Norm] || placeHeads[toks[k].Norm] {
			return k
		}
	}
	return -1
}

func hasHead(toks []Token, s, e int) bool {
	for k := s; k < e; k++ {
		if orgHeads[toks[k].Norm] || placeHeads[toks[k].Norm] {
			return true
		}
	}
	return false
}

func startsGaz(g *gazIndex, toks []Token, s, e int) bool {
	_, n := matchGaz(g, toks, s, e, false)
	return n > 0
}

// common reports whether a capitalised word is a common word rather than a
// name: a function word, a frequent sentence opener, a word the training
// text of the sentence model writes in lower case and never capitalises
// inside a sentence ("Given", "Citing"), or a word the article also writes
// in lower case.
func (x *extractor) common(t *Token) bool {
	if t.Stop || notNames[t.Norm] {
		return true
	}
	if t.flags&flagModelLower != 0 {
		return true
	}
	if !x.lowered {
		x.lowered = true
		for i := range x.toks {
			// A word the model writes in lower case is common before it
			// is looked up here: it need not be kept.
			if x.toks[i].flags&flagModelLower != 0 {
				continue
			}
			r, _ := utf8.DecodeRuneInString(x.toks[i].Text)
			if unicode.IsLower(r) {
				x.lower[x.toks[i].Norm] = true
			}
		}
	}
	return x.lower[t.Norm]
}

// matchGaz returns the longest gazetteer spelling at token i (within e),
// and how many tokens it covers. In shouting text, acronym spellings are
// skipped when allCaps: "WHO" in a headline in capitals is a pronoun.
func matchGaz(g *gazIndex, toks []Token, i, e int, allCaps bool) (gazMatch, int) {
	cands := g.byFirst[toks[i].Norm]
	for _, m := range cands {
		if m.acronym && (allCaps || !isUpperWord(toks[i].Text)) {
			continue
		}
		if n := matchWords(toks, i, e, m.words); n > 0 {
			return m, n
		}
	}
	return gazMatch{}, 0
}

// matchWords returns how many tokens from i spell words, connectors
// inside skipped, or 0.
func matchWords(toks []Token, i, e int, words []string) int {
	k := i
	for w, word := range words {
		for w > 0 && k < e && isConnector(toks[k].Norm) {
			k++
		}
		if k >= e || toks[k].Norm != word {
			return 0
		}
		k++
	}
	return k - i
}

func (x *extractor) addGaz(m gazMatch, src string, toks []Token, s, e, sent int) {
	x.mentions = append(x.mentions, mention{
		text: src[toks[s].Start:toks[e-1].End], words: m.words, kind: m.entry.kind,
		gaz: m.entry, sent: sent, sure: true, weak: m.demonym,
	})
}

// splitName adds the name toks[s:e], splitting off an organisation that
// runs into a person ("Council of Foreign Relations Richard Haass").
func (x *extractor) splitName(src string, toks []Token, a, s, e, sent int, role string) {
	for p := s; p < e-1; p++ {
		if !orgHeads[toks[p].Norm] || isConnector(toks[p+1].Norm) {
			continue
		}
		if n := e - (p + 1); (n == 2 || n == 3) && !hasHead(toks, p+1, e) {
			x.addName(src, toks, a, s, p+1, sent, "", "")
			x.addName(src, toks, a, p+1, e, sent, role, model.EntityPerson)
			return
		}
	}
	kind := ""
	if role != "" {
		kind = model.EntityPerson
	}
	x.addName(src, toks, a, s, e, sent, role, kind)
}

// addName adds toks[s:e], a name not in the gazetteer. kind is known from
// a role or left "" to guess.
func (x *extractor) addName(src string, toks []Token, a, s, e, sent int, role, kind string) {
	for s < e && isConnector(toks[s].Norm) {
		s++
	}
	for e > s && isConnector(toks[e-1].Norm) {
		e--
	}
	if s == e || hasMisc(toks, s, e) {
		return
	}
	m := mention{text: src[toks[s].Start:toks[e-1].End], sent: sent, role: role, kind: kind, sure: kind != ""}
	if e-s == 1 {
		t := &toks[s]
		if t.Stop || notNames[t.Norm] || roleCores[t.Norm] || roleModifiers[t.Norm] || orgHeads[t.Norm] || placeHeads[t.Norm] ||
			utf8.RuneCountInString(t.Text) == 1 || !isUpperWord(t.Text) && x.common(t) {
			return
		}
		if s+1 < len(toks) && src[t.End:toks[s+1].Start] == "-" && !isCapitalised(&toks[s+1]) {
			return // a compound word: "Back-channel"
		}
		m.acronym = isUpperWord(t.Text) && utf8.RuneCountInString(t.Text) <= 6
		leftOver := s > a && (src[toks[s-1].End:t.Start] == "-" ||
			joins(src, toks, s-1) && isCapitalised(&toks[s-1]) && !x.common(&toks[s-1]))
		m.unsure = (opens(src, toks, a, s) || leftOver) && kind == "" && !(s+1 < len(toks) && speechVerbs[toks[s+1].Norm]) ||
			// "Officers said", "Calls to his office", but "Spears" after
			// Britney Spears, and "the Angels"
			kind == "" && !m.acronym && commonPlural(t.Norm) && !isGroup(src, toks, a, s, s+1)
		if kind == "" {
			m.kind = guessSingle(src, toks, a, s, m.acronym)
		}
	} else if kind == "" {
		m.kind = guessMulti(src, toks, a, s, e)
		m.tentative = m.kind == model.EntityPerson && !looksPersonal(toks, s, e) && x.hasCommonWord(toks, s, e)
	}
	m.words = make([]string, 0, e-s)
	for k := s; k < e; k++ {
		if !isConnector(toks[k].Norm) {
			m.words = append(m.words, foldWord(toks[k].Norm))
		}
	}
	x.mentions = append(x.mentions, m)
}

// guessSingle guesses the kind of a one-word name: an acronym (also in the
// plural), a brand written in camel case or a group (isGroup) is an
// organisation, a word after "in" or "from" or a point of the compass a
// place, anything else a person (most one-word names in news are surnames).
func guessSingle(src string, toks []Token, a, s int, acronym bool) string {
	if acronym || isCamel(toks[s].Text) || isPluralAcronym(toks[s].Text) || isGroup(src, toks, a, s, s+1) {
		return model.EntityOrg
	}
	if s > a && locatives[toks[s-1].Norm] && joins(src, toks, s-1) || compass[toks[s].Norm] {
		return model.EntityPlace // "in Aleppo", "the West"
	}
	return model.EntityPerson
}

// commonPlural reports the plural of a role or of a word the sentence
// model's training text writes in lower case: "Officers", "Calls",
// "Residents". A surname in s ("Williams", "Jones") has no such singular.
func commonPlural(norm string) bool {
	singular, ok := strings.CutSuffix(norm, "s")
	if !ok || strings.HasSuffix(singular, "s") || len(singular) < 3 {
		return false
	}
	w, _ := lookupWord(singular)
	return roleCores[singular] || w.flags&flagModelLower != 0
}

// isPluralAcronym reports an acronym in the plural: "ISPs", "NGOs".
func isPluralAcronym(w string) bool {
	stem, ok := strings.CutSuffix(w, "s")
	return ok && isUpperWord(stem)
}

// isCamel reports whether a word turns from lower to upper case twice:
// "MyFoxHouston", "PlayStation" has once, like the surnames "McDonald" and
// "DeGeneres", which stay persons.
func isCamel(w string) bool {
	turns, lower := 0, false
	for _, r := range w {
		if lower && unicode.IsUpper(r) {
			turns++
		}
		lower = unicode.IsLower(r)
	}
	return turns >= 2
}

// isGroup reports a name in the plural after "the": "the Angels", "the
// Trail Blazers", "the Democrats" name a team, a band, a party's members or
// a family, never one person.
func isGroup(src string, toks []Token, a, s, e int) bool {
	last := toks[e-1].Text
	return s > a && toks[s-1].Norm == "the" && joins(src, toks, s-1) &&
		len(last) > 3 && last[len(last)-1] == 's' && !strings.HasSuffix(last, "ss") &&
		!strings.HasSuffix(last, "us") && !strings.HasSuffix(last, "is")
}

// guessMulti guesses the kind of a longer name from its head words.
func guessMulti(src string, toks []Token, a, s, e int) string {
	last := toks[e-1].Norm
	switch {
	case orgHeads[last], isGroup(src, toks, a, s, e):
		return model.EntityOrg
	case placeHeads[last], placeHeads[toks[s].Norm]: // "Gulf of Aden", "Lake Erie"
		return model.EntityPlace
	case hasHead(toks, s, e), isUpperWord(toks[s].Text), e-s > 4:
		return model.EntityOrg
	case compass[toks[s].Norm], s > a && placeBefore[toks[s-1].Norm] && joins(src, toks, s-1) && !looksPersonal(toks, s, e):
		return model.EntityPlace // "Upper East Side", "in Bandar Abbas", not "in Anthony Fauci's view"
	}
	return model.EntityPerson
}

// looksPersonal reports a name of two or more words written as people's
// are: a given name first, an initial ("J. Edgar Hoover"), or a Gaelic
// surname or a generational suffix last ("Thomas J. Bliley Jr").
func looksPersonal(toks []Token, s, e int) bool {
	if givenNames()[toks[s].Norm] || IsGenerational(toks[e-1].Norm) || isGaelic(toks[e-1].Text) {
		return true
	}
	// An initial before a word of more letters: "J. Edgar Hoover",
	// "Allyson Y. Schwartz", but not "U. S", "N. J" nor "A CinemaScore".
	for k := s; k < e-1; k++ {
		if utf8.RuneCountInString(toks[k].Text) == 1 && !toks[k].Stop && utf8.RuneCountInString(toks[k+1].Text) > 1 {
			return true
		}
	}
	return false
}

// hasCommonWord reports whether a word of toks[s:e] is one the article,
// or the sentence model's training text, writes in lower case inside a
// sentence: "Catholic Charities", "Best Buy" and "Anybody But Cantor" have
// one; "Hasim Rahman", a person whose given name is not listed, has none.
func (x *extractor) hasCommonWord(toks []Token, s, e int) bool {
	punkt, err := sentenceModel()
	for k := s; k < e; k++ {
		// The model first: common fills the article's lower-case words on
		// first use, a scan of every token.
		if err == nil && punkt.OrthoContext[toks[k].Norm]&orthoMidLc != 0 || x.common(&toks[k]) {
			return true
		}
	}
	return false
}

// isGaelic reports a surname of Irish or Scottish form: "McNabb",
// "MacArthur", "O'Neal".
func isGaelic(w string) bool {
	for _, prefix := range [...]string{"Mc", "Mac", "O'", "O’"} {
		if rest, ok := strings.CutPrefix(w, prefix); ok && rest != "" && unicode.IsUpper(firstRune(rest)) {
			return true
		}
	}
	return false
}

// knownKeys fills x.known with the keys of the names found so far, and the
// surnames of persons, which a sentence in capitals may repeat.
func (x *extractor) knownKeys() {
	for _, m := range x.mentions {
		if m.gaz != nil {
			continue
		}
		x.known[keyOf(m.words)] = true
		if m.kind == model.EntityPerson && len(m.words) > 1 {
			x.known[m.words[len(m.words)-1]] = true
		}
	}
}

// scanShouting finds mentions in toks[a:b], written in capitals or title
// case: only gazetteer names and names the body already uses count.
func (x *extractor) scanShouting(g *gazIndex, src string, toks []Token, a, b, sent int, known map[string]bool) {
	allCaps := isAllCaps(toks[a:b])
	for k := a; k < b; {
		t := &toks[k]
		if t.Stop || notNames[t.Norm] || !unicode.IsLetter(firstRune(t.Text)) {
			k++
			continue
		}
		if m, n := matchGaz(g, toks, k, b, allCaps); n > 0 {
			x.addGaz(m, src, toks, k, k+n, sent)
			k += n
			continue
		}
		n := knownAt(toks, k, b, known)
		if n == 0 {
			k++
			continue
		}
		words := make([]string, n)
		for i := range n {
			words[i] = foldWord(toks[k+i].Norm)
		}
		x.mentions = append(x.mentions, mention{text: src[toks[k].Start:toks[k+n-1].End], words: words, sent: sent})
		k += n
	}
}

// knownAt returns the length of the longest known name at token k.
func knownAt(toks []Token, k, b int, known map[string]bool) int {
	var buf [64]byte
	for n := min(3, b-k); n >= 1; n-- {
		key := buf[:0]
		for i := range n {
			if i > 0 {
				key = append(key, ' ')
			}
			key = append(key, foldWord(toks[k+i].Norm)...)
		}
		if known[string(key)] { // no allocation: the compiler sees the look-up
			return n
		}
	}
	return 0
}

func firstRune(s string) rune { r, _ := utf8.DecodeRuneInString(s); return r }

// groupT gathers the mentions of one entity.
type groupT struct {
	key      string
	mentions []int
	gaz      *gazEntry
	merged   bool
}

// group groups the mentions into entities.
func (x *extractor) group() []Entity {
	ms := x.mentions
	if len(ms) == 0 {
		return nil
	}
	// Groups point into x.groups, which therefore must not grow.
	x.groups = slices.Grow(x.groups, len(ms))
	byKey, order := x.byKey, x.order
	for i := range ms {
		key := keyOf(ms[i].words)
		if ms[i].gaz != nil {
			key = ms[i].gaz.key
		}
		gr := byKey[key]
		if gr == nil {
			x.groups = append(x.groups, groupT{key: key, gaz: ms[i].gaz})
			gr = &x.groups[len(x.groups)-1]
			byKey[key] = gr
			order = append(order, gr)
		}
		gr.mentions = append(gr.mentions, i)
	}
	x.order = order
	x.foldPrefixes(ms)
	// A lone surname joins the person of that surname with most mentions;
	// a lone acronym the organisation it abbreviates; a lone first name
	// ("Lindsay", "Bettie") the one person of that first name, as celebrity
	// and sports news write. Longer names are indexed by surname, first name
	// and initials so that this stays linear.
	bySurname, byFirst, byInitials := x.bySurname, x.byFirst, x.byInitials
	for _, gr := range order {
		m := &ms[gr.mentions[0]]
		if gr.gaz != nil || gr.merged || len(m.words) < 2 {
			continue
		}
		if kindOf(ms, gr) == model.EntityPerson {
			last := m.words[len(m.words)-1]
			bySurname[last] = append(bySurname[last], gr)
			byFirst[m.words[0]] = append(byFirst[m.words[0]], gr)
		}
		ini := initials(m.words)
		byInitials[ini] = append(byInitials[ini], gr)
	}
	for _, gr := range order {
		m := &ms[gr.mentions[0]]
		if gr.gaz != nil || len(m.words) != 1 {
			continue
		}
		cands := bySurname[m.words[0]]
		switch {
		case m.acronym:
			cands = byInitials[m.words[0]]
		case len(cands) == 0 && len(byFirst[m.words[0]]) == 1 && firstSent(ms, byFirst[m.words[0]][0]) <= firstSent(ms, gr):
			// Only after the full name: a word used before it ("Medicare"
			// ... "Medicare Advantage") is no first name.
			cands = byFirst[m.words[0]]
		}
		var best *groupT
		for _, c := range cands {
			if best == nil || len(c.mentions) > len(best.mentions) {
				best = c
			}
		}
		if best != nil {
			best.mentions = append(best.mentions, gr.mentions...)
			gr.merged = true
		}
	}
	out := make([]Entity, 0, len(order))
	for _, gr := range order {
		if !gr.merged && !onlyUnsure(ms, gr) {
			out = append(out, entityOf(ms, gr))
		}
	}
	slices.SortStableFunc(out, func(a, b Entity) int { return cmp.Compare(b.Count, a.Count) })
	return out
}

// foldPrefixes merges a name that opens a longer organisation or place
// name of the article into it: a hospital, a firm or a clinic named after a
// person is written in full once and shortened after ("the Betty Ford
// Center" ... "at Betty Ford"), and the shortened name is no participant.
// A name a role marks as a person's stays apart.
func (x *extractor) foldPrefixes(ms []mention) {
	byPrefix := x.byPrefix
	for _, gr := range x.order {
		m := &ms[gr.mentions[0]]
		if gr.gaz != nil || len(m.words) < 3 {
			continue
		}
		if k := kindOf(ms, gr); k != model.EntityOrg && k != model.EntityPlace {
			continue
		}
		for n := 2; n < len(m.words); n++ {
			key := keyOf(m.words[:n])
			byPrefix[key] = append(byPrefix[key], gr)
		}
	}
	if len(byPrefix) == 0 {
		return
	}
	for _, gr := range x.order {
		m := &ms[gr.mentions[0]]
		if gr.gaz != nil || len(m.words) < 2 || kindOf(ms, gr) != model.EntityPerson || hasRole(ms, gr) {
			continue
		}
		if into := byPrefix[gr.key]; len(into) == 1 {
			into[0].mentions = append(into[0].mentions, gr.mentions...)
			gr.merged = true
		}
	}
}

// firstSent returns the first sentence naming the group, the title first.
func firstSent(ms []mention, gr *groupT) int {
	first := math.MaxInt
	for _, i := range gr.mentions {
		first = min(first, ms[i].sent)
	}
	return first
}

// hasRole reports whether a mention of the group carries a role.
func hasRole(ms []mention, gr *groupT) bool {
	for _, i := range gr.mentions {
		if ms[i].role != "" {
			return true
		}
	}
	return false
}

// onlyUnsure reports whether every mention of a group is unsure: more
// likely a common word than a name.
func onlyUnsure(ms []mention, gr *groupT) bool {
	for _, i := range gr.mentions {
		if !ms[i].unsure {
			return false
		}
	}
	return true
}

// initials returns the first letters of words: "council foreign relations" -> "cfr".
func initials(words []string) string {
	b := make([]byte, 0, len(words))
	for _, w := range words {
		b = append(b, w[0])
	}
	return string(b)
}

// finalKind is kindOf once lone surnames have joined their groups: a
// person's kind only guessed (mention.tentative) holds if the article also
// names the group by one word ("Bibi Netanyahu" ... "Netanyahu"), and is
// an organisation's otherwise ("Catholic Charities", "Aggregate
// Knowledge"), whose names more often lack a head word than people's lack
// a given name.
func finalKind(ms []mention, gr *groupT) string {
	kind := kindOf(ms, gr)
	if kind != model.EntityPerson || gr.gaz != nil {
		return kind
	}
	for _, i := range gr.mentions {
		if !ms[i].tentative {
			return kind // a role, a fuller spelling or the surname alone
		}
	}
	return model.EntityOrg
}

// kindOf decides a group's kind: the gazetteer's, else a person if a role
// says so, else the guess of its fullest mention.
func kindOf(ms []mention, gr *groupT) string {
	if gr.gaz != nil {
		return gr.gaz.kind
	}
	best := -1
	for _, i := range gr.mentions {
		if ms[i].sure {
			return ms[i].kind
		}
		if best < 0 || len(ms[i].words) > len(ms[best].words) {
			best = i
		}
	}
	return ms[best].kind
}

func entityOf(ms []mention, gr *groupT) Entity {
	slices.Sort(gr.mentions)
	e := Entity{Kind: finalKind(ms, gr), Count: len(gr.mentions), Weak: true}
	best := -1
	for _, i := range gr.mentions {
		if !ms[i].weak {
			e.Weak = false
		}
	}
	for _, i := range gr.mentions {
		m := &ms[i]
		// "Russian" is no spelling of Russia, unless nothing else names it.
		if (e.Weak || !m.weak) && len(e.Variants) < maxVariants && !slices.Contains(e.Variants, m.text) {
			e.Variants = append(e.Variants, m.text)
		}
		if m.role != "" && !slices.Contains(e.Roles, m.role) {
			e.Roles = append(e.Roles, m.role)
		}
		if m.sent == titleSentence {
			e.InTitle = true
		} else {
			e.Sentences = append(e.Sentences, m.sent)
		}
		if !m.weak {
			if best < 0 || len(m.words) > len(ms[best].words) {
				best = i
			}
		}
	}
	slices.Sort(e.Sentences)
	e.Sentences = slices.Compact(e.Sentences)
	switch {
	case gr.gaz != nil:
		e.Name = gr.gaz.name
	case best >= 0:
		e.Name = ms[best].text
	default:
		e.Name = ms[gr.mentions[0]].text
	}
	// The group's key is EntityKey(e.Name), computed from words at hand.
	e.Key = gr.key
	if g, ok := gazetteer().byKey[gr.key]; ok {
		e.Key = g.key
	}
	if e.Kind == model.EntityPerson {
		e.Surname = surname(e.Name)
	}
	return e
}

// generational are the suffixes that may end a person's name after the
// surname ("Jr", "III"), lower-cased and without a full stop.
var generational = map[string]bool{"jr": true, "sr": true, "ii": true, "iii": true, "iv": true}

// IsGenerational reports a suffix that may end a person's name after the
// surname, given lower-cased without its full stop ("jr", "iii").
func IsGenerational(word string) bool { return generational[word] }

// surname returns the last word of a name of two or more words that is not
// a generational suffix, as written, or "". Names are split at spaces, not
// tokenised: this runs for every person of every article.
func surname(name string) string {
	words := strings.Fields(name)
	for len(words) > 1 && IsGenerational(strings.ToLower(strings.TrimRight(words[len(words)-1], ".,"))) {
		words = words[:len(words)-1]
	}
	if len(words) < 2 {
		return ""
	}
	return strings.TrimRight(words[len(words)-1], ".,")
}
