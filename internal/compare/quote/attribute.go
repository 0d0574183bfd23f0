package quote

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
)

// extractor carries what an article has said so far, so that "he said",
// "Zelenskyy said" and "The official said" resolve to someone named earlier.
type extractor struct {
	body string
	// people are the persons named so far, in order of appearance.
	people []mention
	// spans are the quotes of the current paragraph.
	spans []span
	// prevQuote* describe the last quote of the previous paragraph, which a
	// paragraph of bare quotation continues.
	prevQuoteSpeaker string
	prevHadQuote     bool
	// paraSpeaker is the speaker of the last attributed quote of the
	// current paragraph, which unattributed quotes of the paragraph share.
	paraSpeaker string
	paraIndex   int
	// seenUpTo is the end of the text whose people are in people.
	seenUpTo int
	// byRole maps a role ("governor") to the last person the article gave
	// it ("Texas Gov. Rick Perry", "Rick Perry, the Texas governor"), so that
	// "the Texas governor said" names him.
	byRole map[string]roleHolder
	// gender maps a person to 'm' or 'f' where the article says which
	// ("Mr. Roe", "spokeswoman Jane Roe"), for "he" and "she".
	gender map[string]byte
}

// speechVerbs introduce reported speech.
var speechVerbs = set("said", "says", "say", "told", "tells", "added", "adds", "asked", "asks",
	"explained", "explains", "noted", "notes", "wrote", "writes", "argued", "argues", "warned",
	"warns", "stated", "states", "declared", "declares", "insisted", "insists", "claimed",
	"claims", "recalled", "recalls", "continued", "continues", "shouted", "replied", "replies",
	"responded", "responds", "announced", "announces", "acknowledged", "admitted", "admits",
	"conceded", "concedes", "suggested", "suggests", "cautioned", "testified", "tweeted",
	"posted", "quipped", "joked", "remarked", "observed", "predicted", "vowed", "urged",
	"stressed", "emphasized", "maintained", "contended", "countered", "complained",
	"concluded", "concludes", "pointed", "posited", "mused", "asserted", "asserts",
	"reiterated", "summarized", "summed", "demanded", "pleaded", "boasted", "wondered",
	"recounted", "explained", "affirmed", "charged", "scoffed", "lamented", "agreed",
	"cried", "yelled", "whispered", "barked", "snapped", "retorted", "interjected", "ruled",
	"demands", "went", "commented", "shot")

// indirectVerbs introduce reported clauses without quotation marks; "asked"
// and "wrote" rarely report a statement in indirect speech.
var indirectVerbs = set("said", "says", "told", "tells", "added", "argued", "argues", "warned",
	"warns", "stated", "declared", "insisted", "insists", "claimed", "claims", "acknowledged",
	"admitted", "conceded", "suggested", "cautioned", "testified", "predicted", "stressed",
	"maintained", "contended", "announced", "noted", "explained")

// speaks reports whether ws[i] is a speech verb here: "pointed" is one
// only as "pointed out", and is otherwise an adjective ("an even more
// pointed email").
func speaks(ws []word, i int) bool {
	v := lower(ws[i])
	if particle, ok := needsParticle[v]; ok {
		return i+1 < len(ws) && lower(ws[i+1]) == particle && (!particleEnds[v] || i+2 == len(ws) || ws[i+2].punct)
	}
	return speechVerbs[v]
}

// needsParticle maps speech verbs that report speech only with a particle
// to it.
var needsParticle = map[string]string{"pointed": "out", "points": "out", "summed": "up", "went": "on",
	"shot": "back"}

// particleEnds are the verbs whose particle must end the phrase: "He went
// on, “…”" reports speech, "went on to win" does not.
var particleEnds = set("went")

// otherSenses are speech verbs that are as often something else: a verb
// of adding, a plural noun.
var otherSenses = set("added", "adds", "claims")

// cuePreps open the phrase that completes a cue: "said in Prague",
// "said in a statement to Reuters", "said on Thursday".
var cuePreps = set("in", "at", "on", "during", "to", "after", "before", "from", "with",
	"outside", "while", "via", "through", "monday", "tuesday", "wednesday", "thursday",
	"friday", "saturday", "sunday", "yesterday", "today", "tonight", "earlier", "later",
	"last", "this", "recently", "repeatedly", "publicly", "privately", "afterward", "afterwards")

// titles are capitalised words of roles that precede a name inside a
// capitalised run ("Czech President Petr Pavel", "Sen. John McCain").
var titles = set("President", "Vice", "Prime", "Minister", "Secretary", "Senator", "Sen.",
	"Rep.", "Representative", "Gov.", "Governor", "Mayor", "Chancellor", "King", "Queen",
	"Prince", "Princess", "Pope", "General", "Gen.", "Lt.", "Col.", "Maj.", "Capt.", "Adm.",
	"Sgt.", "Dr.", "Mr.", "Mrs.", "Ms.", "Miss", "Judge", "Justice", "Chief", "Speaker",
	"Leader", "Director", "Chairman", "Chairwoman", "Chair", "Commissioner", "Ambassador",
	"Attorney", "Spokesman", "Spokeswoman", "Sheriff", "Officer", "Agent", "Detective",
	"Professor", "Prof.", "Rev.", "Reverend", "Pastor", "Rabbi", "Imam", "Bishop", "Cardinal", "Archbishop", "Premier", "Foreign",
	"Defense", "Defence", "State", "Deputy", "Assistant", "Former", "Acting", "Majority",
	"Minority", "Whip", "Chairperson", "Host", "Anchor", "Candidate", "Nominee", "Coach",
	"CEO", "Founder", "Executive", "Councilman", "Councilwoman", "Lawmaker", "Sens.", "Reps.",
	"Mr", "Mrs", "Ms", "Dr", "Sen", "Rep", "Gov", "Gen", "Lt", "Col")

// orgWords mark a capitalised run as an organisation or a place, not a person.
var orgWords = set("News", "Party", "House", "Department", "Ministry", "Council", "Committee",
	"Agency", "Association", "Institute", "University", "College", "Bank", "Court", "Commission",
	"Union", "Organization", "Corp.", "Inc.", "Company", "Times", "Post", "Press", "Office",
	"Administration", "Pentagon", "Kremlin", "Congress", "Senate", "Army", "Police", "Service",
	"Network", "Foundation", "Center", "Centre", "Group", "Campaign", "Embassy", "Government",
	"Republic", "States", "Kingdom", "York", "City", "County", "Street", "Island", "Islands",
	"Democrats", "Republicans", "Journal", "Magazine", "Digital", "Reuters", "Agence",
	"Federation", "Board", "Authority", "Force", "Forces", "Guard", "Navy", "Club", "Fund",
	"Church", "Hospital", "School", "Times", "Tribune", "Herald", "Daily", "Radio", "Television",
	"NBC", "CBS", "ABC", "CNN", "Fox", "BBC", "AP", "NPR", "Post", "Monday", "Tuesday",
	"Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March",
	"April", "May", "June", "July", "August", "September", "October", "November", "December",
	"America", "Europe", "Africa", "Asia", "Ukraine", "Russia", "China", "Iran", "Israel",
	"Korea", "Capitol", "Hill", "Valley", "Square", "Coast", "Sea", "Bay", "Day", "Act", "Bill",
	"Care", "Security", "Affairs", "Relations", "Studies", "Watch", "Project", "Coalition",
	"Conference", "Summit", "Assembly", "Parliament", "Cabinet", "Ministry", "Prize", "Award")

// nameJoiners may sit inside a person's name between capitalised words.
var nameJoiners = set("de", "van", "von", "bin", "al", "da", "del", "la", "le", "der", "den", "ibn")

// notNames are capitalised function words that start sentences, not names.
var notNames = set("The", "A", "An", "But", "And", "Or", "So", "Yet", "In", "On", "At", "As",
	"When", "While", "If", "Though", "Although", "After", "Before", "Since", "Because", "That",
	"This", "These", "Those", "It", "He", "She", "They", "We", "I", "You", "His", "Her", "Their",
	"Our", "My", "Its", "Meanwhile", "However", "Still", "Also", "Now", "Then", "There", "Here",
	"According", "Asked", "Speaking", "Among", "Both", "Other", "Some", "Many", "Most", "One",
	"Former", "Earlier", "Later", "Last", "Next", "For", "With", "From", "By", "To", "Of", "Not",
	"What", "Who", "Why", "How", "Where", "Which", "Mr", "Mrs", "Ms", "Dr", "Mr.", "Mrs.", "Ms.",
	"Dr.")

// roleNouns name unnamed speakers: "The official said", "a spokesman said".
var roleNouns = set("official", "officials", "spokesman", "spokeswoman", "spokesperson",
	"source", "sources", "aide", "aides", "adviser", "advisers", "advisor", "advisors", "analyst",
	"analysts", "diplomat", "diplomats", "officer", "officers", "lawyer", "lawyers", "attorney",
	"attorneys", "expert", "experts", "representative", "representatives", "statement",
	"spokespeople", "lawmaker", "lawmakers", "minister", "ministry", "administration", "police",
	"witness", "witnesses", "resident", "residents", "organizers", "prosecutors", "prosecutor",
	"blogger", "bloggers")

// nobody are subjects that name no one: the quote stays unattributed.
var nobody = set("someone", "somebody", "one", "many", "others", "some", "people", "they",
	"we", "i", "you", "it", "everyone", "anyone", "nobody", "this", "that", "which", "who")

var pronouns = set("he", "she", "him", "her")

// subject is what an attribution names as the speaker.
type subject struct {
	speaker string // resolved speaker, "" when none
	cue     string
	ok      bool // an attribution was found (the speaker may still be "")
}

// direct builds the quote of span s in paragraph p.
// Words before prev (the end of the paragraph's previous quote) belong to
// that quote's attribution, not this one's.
func (x *extractor) direct(pi int, p para, s span, prev, next int, words []word, ends []int) (Quote, bool) {
	if pi != x.paraIndex {
		x.paraIndex, x.paraSpeaker = pi, ""
	}
	ts, te := trimQuote(x.body, s.start, s.end)
	if ts >= te || !hasLetter(x.body[ts:te]) {
		return Quote{}, false
	}
	sStart, sEnd := sentenceAround(words, ends, s)
	// Attributions sit next to their quote; the window keeps a huge
	// paragraph without full stops from costing time per quote.
	sStart, sEnd = max(sStart, s.start-window), min(sEnd, s.end+window)
	near := wordsIn(words, sStart, sEnd)
	// A quote ending its own sentence ("… San Francisco East.” And, he
	// warned, “…”) leaves the words after it to the next quote.
	lead := strings.TrimRight(x.body[p.start:prev], " ")
	closed := lead != "" && strings.IndexByte(".!?", lead[len(lead)-1]) >= 0
	sub := x.attribution(near, s, max(sStart, prev), min(sEnd, next), prev > p.start && prev > sStart && !closed)
	q := Quote{Text: x.body[ts:te], Direct: true, Para: pi, Start: ts, End: te,
		Sentence: strings.TrimSpace(x.body[sStart:sEnd])}
	n := len(strings.Fields(q.Text))
	switch {
	case n < minDirectWords && (!setOff(x.body, s) || isTitle(q.Text)):
		// A scare quote, a title, a term, even beside a verb that may
		// report speech ("have agreed to an infrastructure “framework”").
		return Quote{}, false
	case sub.ok:
		q.Speaker, q.Cue = sub.speaker, sub.cue
		// An attribution naming no one may have taken a noun for a verb
		// ("as officials grow concerned about misleading claims").
		if sub.speaker == "" && n >= minDirectWords {
			x.fromComplement(&q, wordsIn(words, sStart, s.start))
		}
	case n < minDirectWords:
		return Quote{}, false
	case x.paraSpeaker != "":
		q.Speaker = x.paraSpeaker // a later quote of the same speaker's paragraph
	case x.prevHadQuote && opensParagraph(x.body, p, s):
		q.Speaker = x.prevQuoteSpeaker // a continuation paragraph
	default:
		if x.fromComplement(&q, wordsIn(words, sStart, s.start)) {
			break
		}
		// A quote standing as its own sentence after "Lenahan says he sees
		// a bigger issue." belongs to the speaker of that sentence.
		if prevS := x.previousSentence(words, ends, sStart, p.start); prevS != nil {
			// Its own quotes are no attribution: "“The Speaker met the
			// President,” said the statement." names neither.
			prevS = slices.DeleteFunc(slices.Clone(prevS), func(w word) bool { return x.quoted(w.start) })
			if sub := x.fromBefore(prevS, s.start); sub.speaker != "" {
				q.Speaker, q.Cue = sub.speaker, sub.cue
			}
		}
	}
	if q.Speaker != "" {
		x.paraSpeaker = q.Speaker
		x.notePerson(q.Speaker)
	}
	return q, true
}

// fromComplement gives q the speaker of a speech verb of its sentence
// whose complement holds it, before being the words before q, and reports
// whether there is one. A quote all in capitals is a title even there
// ("said he saw “Fox News Sunday Morning”").
func (x *extractor) fromComplement(q *Quote, before []word) bool {
	sub := x.complement(before, q.Start)
	if sub.speaker == "" || isTitle(q.Text) {
		return false
	}
	q.Speaker, q.Cue = sub.speaker, sub.cue
	return true
}

// complement finds the speaker of a quote in the complement of a speech
// verb of its sentence, ws being the words before the quote: "Ryan said he
// had a “special place” but it was “very clear …”", "Biden called Putin a
// “killer” and said he “doesn't have a soul.”" The attribution next to the
// quote misses these: an earlier quote cuts it off, or a verb phrase stands
// between the subject and the verb. The verb's subject must be its own
// (see verbSubject), and a clause opening after the verb ("…, but Lee was
// “…”") has a subject of its own too. A quote with no speech verb before
// it is a scare quote, and stays unattributed.
func (x *extractor) complement(ws []word, at int) subject {
	ws = dropParens(slices.DeleteFunc(slices.Clone(ws), func(w word) bool {
		return x.quoted(w.start) || w.punct && (isOpen(runeOf(w.s)) || isClose(runeOf(w.s)) || w.s == "\"")
	}))
	v := len(ws) - 1
	for v >= 0 && (ws[v].punct || !speaks(ws, v) && !participles[lower(ws[v])] && !labels(ws, v) || v > 0 && passive[lower(ws[v-1])]) {
		v--
	}
	if v < 0 {
		return subject{}
	}
	// A mark right before the quote introduces it: "said: “…”".
	to := len(ws)
	if to > v+1 && ws[to-1].punct {
		to--
	}
	// Another clause opens at a semicolon or a colon, at a comma before a
	// conjunction, at "and" or "but" before a name, and at a participle or
	// an "according to" with a subject of their own.
	for k, w := range ws[v+1 : to] {
		after := ws[v+1+k:]
		if w.punct && (w.s == ";" || w.s == ":" || w.s == "," && len(after) > 1 && (coordinators[lower(after[1])] || subordinators[lower(after[1])])) ||
			!w.punct && (participles[lower(w)] || lower(w) == "according") ||
			coordinators[lower(w)] && len(after) > 1 && isNameWord(after[1]) && !isNameWord(ws[v+k]) {
			return subject{}
		}
	}
	before := ws[:v]
	// "Roe posted an apology, saying": the participle hangs on the clause.
	if n := len(before); n > 0 && before[n-1].s == "," && participles[lower(ws[v])] {
		before = before[:n-1]
	}
	np := verbSubject(before)
	if np == nil {
		return subject{}
	}
	// "Gibbs called his rhetoric “well over the line”" quotes Gibbs; in "a
	// story called “…”" the verb names a title. The subject of a verb of
	// calling stands right before it, with at most an appositive or an
	// adverb between them.
	if labels(ws, v) {
		gap := before[slices.IndexFunc(before, func(w word) bool { return w.start == np[len(np)-1].start })+1:]
		if len(gap) > 0 && gap[len(gap)-1].s != "," && slices.ContainsFunc(gap, func(w word) bool { return !isAdverb(w) && !auxiliaries[lower(w)] }) {
			return subject{}
		}
	}
	sub := x.subjectOf(np, x.cue(ws[v:]), at)
	// A role no one named holds ("the congressman") is left to the
	// sentences around the quote, which may name him.
	if isRolePhrase(np) && sub.speaker == x.span(np[1:]) {
		return subject{}
	}
	return sub
}

// labels reports whether ws[i] is a verb of calling something by the
// quoted words, or of praising or blaming for them: "called it “a cruel
// hoax”", "accused him of trying to “undermine …”", but not "called for".
func labels(ws []word, i int) bool {
	return labelVerbs[lower(ws[i])] && (i+1 == len(ws) || !labelParticles[lower(ws[i+1])])
}

// labelParticles make verbs of calling verbs of something else: "called
// for", "called on", "called out".
var labelParticles = set("for", "on", "out", "up", "in", "off", "back")

var labelVerbs = set("called", "calls", "described", "branded", "characterized", "praised",
	"lauded", "criticized", "accused")

var auxiliaries = set("has", "have", "had", "did", "does")

// verbSubject returns the subject of the verb that follows ws, when the
// verb is the subject's own: that of the sentence ("President Joe Biden
// has bluntly called Vladimir Putin a killer and", "She went on to"), or
// that of an adverbial clause holding the verb ("The surge came after
// Chick-fil-A president Dan Cathy"). A subordinate clause or a mark
// between the subject and the verb gives the verb another subject.
func verbSubject(ws []word) []word {
	// The subject opens the first clause that is not a fronted phrase.
	i := 0
	for i < len(ws) {
		end := len(ws)
		if j := slices.IndexFunc(ws[i:], isClauseMark); j >= 0 {
			end = i + j
		}
		for i < end && coordinators[lower(ws[i])] {
			i++
		}
		if i < end && !isFronted(ws[i:end]) {
			break
		}
		i = end + 1
	}
	if np := ownSubject(ws[min(i, len(ws)):]); np != nil {
		return np
	}
	// Else the subject opens the clause holding the verb, after "after",
	// "when" and the like, or after "and" or "but" between a clause and a
	// name ("… certification and Justice Ruth Bader Ginsburg said"; in
	// "Roe and Baker said" both speak).
	for k := len(ws) - 2; k >= 0; k-- {
		l := lower(ws[k])
		if !adverbial[l] && !((l == "and" || l == "but") && k > 0 && !isNameWord(ws[k-1]) && isNameWord(ws[k+1])) {
			continue
		}
		// A pronoun there may be anyone: "when he grabbed the “student”
		// after he asked the congressman if he “…”".
		if pronouns[lower(ws[k+1])] {
			return nil
		}
		return ownSubject(ws[k+1:])
	}
	return nil
}

// ownSubject returns the noun phrase opening ws when the rest of ws is
// its verb phrase up to the verb.
func ownSubject(ws []word) []word {
	np := headPhrase(ws)
	// "Hotline On Call": a capitalised function word inside is a title.
	if np == nil || slices.ContainsFunc(np[1:], func(w word) bool { return notNames[w.s] && !honorifics[w.s] }) {
		return nil
	}
	rest := ws[len(np):]
	// "Roe and Baker said": no one of them is the speaker.
	if len(rest) > 1 && coordinators[lower(rest[0])] && isNameWord(rest[1]) {
		return nil
	}
	// "Sen. Marco Rubio, R-Fla., accused": the party tag leaves its commas.
	if len(rest) > 1 && rest[0].s == "," && rest[1].s == "," {
		rest = rest[2:]
	}
	// "Charles E. Schumer of New York said"
	if len(rest) > 1 && lower(rest[0]) == "of" && isCap(rest[1]) {
		rest = rest[1:]
		for len(rest) > 0 && isCap(rest[0]) {
			rest = rest[1:]
		}
	}
	// "Santorum, who has pulled ahead of Romney, said", "Cathi Herrod,
	// president of the Center for Arizona Policy, an architect of the
	// bill, issued": appositives up to the last mark, which speak not.
	if len(rest) > 0 && rest[0].s == "," {
		if len(rest) < 2 || !isAppositive(rest[1:]) && (pronouns[lower(np[0])] || rest[1].punct || isCap(rest[1])) {
			return nil
		}
		last := len(rest) - 1
		for !isClauseMark(rest[last]) {
			last--
		}
		if slices.ContainsFunc(rest[:last], func(w word) bool { return speechVerbs[lower(w)] }) {
			return nil
		}
		rest = rest[last+1:]
		if len(rest) > 0 && (coordinators[lower(rest[0])] || subordinators[lower(rest[0])]) {
			return nil
		}
	}
	if len(rest) > 12 || slices.ContainsFunc(rest, func(w word) bool { return w.punct || subordinators[lower(w)] }) {
		return nil
	}
	return np
}

// adverbial open the subordinate clauses whose subject may speak: "after
// Roe said", "as Roe put it". A clause opened by "that" or "which" is
// reported or relative, and its subject is found otherwise.
var adverbial = set("after", "when", "as", "because", "since", "while", "before", "until",
	"although", "though", "once")

// isClauseMark reports a mark separating the clauses of a sentence.
func isClauseMark(w word) bool {
	return w.punct && (w.s == "," || w.s == ";" || w.s == "—" || w.s == "–" || w.s == ":")
}

// subordinators open a subordinate clause, whose verb is not the main one.
var subordinators = set("that", "which", "who", "whom", "whose", "when", "where", "while",
	"after", "before", "because", "if", "since", "although", "though", "as", "until", "unless",
	"whether", "whereas")

// previousSentence returns the words of the sentence ending at start, in
// the paragraph, when the quote's sentence has nothing but the quote.
func (x *extractor) previousSentence(words []word, ends []int, start, pstart int) []word {
	if start <= pstart || start-pstart > 5*window {
		return nil
	}
	i, _ := slices.BinarySearch(ends, start)
	from := pstart
	if i > 0 {
		from = ends[i-1]
	}
	return wordsIn(words, max(from, start-window), start)
}

// opensParagraph reports whether p starts with the span's opening mark
// (one mark, at most three bytes, before the quoted words).
func opensParagraph(body string, p para, s span) bool {
	lead := strings.TrimSpace(body[p.start:s.start])
	return lead != "" && len(lead) <= 3
}

// isTitle reports a quoted span of two or more words, all capitalised: the
// name of a show or a book ("Fox News Sunday,"), not speech.
func isTitle(s string) bool {
	ws := strings.Fields(s)
	return len(ws) >= 2 && !slices.ContainsFunc(ws, func(w string) bool {
		r := runeOf(w)
		return !unicode.IsUpper(r) && !unicode.IsDigit(r)
	})
}

// trimQuote drops white space and a trailing comma inside the marks.
func trimQuote(body string, s, e int) (int, int) {
	for s < e && isSpaceByte(body[s]) {
		s++
	}
	for e > s && (isSpaceByte(body[e-1]) || body[e-1] == ',') {
		e--
	}
	return s, e
}

// setOff reports a quoted span set off as speech is: ending in a comma or
// a sentence's end inside its marks ("“Nah,” Malia said"), or after a
// comma or colon ("he said: “No.”").
func setOff(body string, s span) bool {
	inner := strings.TrimRight(body[s.start:s.end], " ")
	if strings.HasSuffix(inner, ",") || strings.HasSuffix(inner, ".") || strings.HasSuffix(inner, "!") || strings.HasSuffix(inner, "?") {
		return true
	}
	before := strings.TrimRight(body[:s.start], " \"'“‘")
	return strings.HasSuffix(before, ",") || strings.HasSuffix(before, ":")
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// window bounds, in bytes, the text around a quote read for its
// attribution and the text before a pronoun searched for its antecedent.
const window = 600

// sentenceEnds returns the offsets where the paragraph's sentences end,
// ignoring sentence ends inside quotation marks.
func sentenceEnds(words []word, spans []span) []int {
	var out []int
	k := 0
	for i, w := range words {
		for k < len(spans) && spans[k].end <= w.start {
			k++
		}
		if k < len(spans) && w.start >= spans[k].start && w.end <= spans[k].end {
			continue // inside a quote
		}
		if !w.punct || (w.s != "." && w.s != "!" && w.s != "?") {
			continue
		}
		if i+1 < len(words) && !startsSentence(words[i+1]) {
			continue
		}
		out = append(out, w.end)
	}
	return out
}

// sentenceAround returns the bounds of the sentence holding span s.
func sentenceAround(words []word, ends []int, s span) (int, int) {
	start, end := words[0].start, words[len(words)-1].end
	i, _ := slices.BinarySearch(ends, s.start+1)
	if i > 0 {
		start = ends[i-1]
	}
	j, _ := slices.BinarySearch(ends, s.end+1)
	if j < len(ends) {
		end = ends[j]
	}
	return start, end
}

// wordsIn returns the words lying within [start, end).
func wordsIn(words []word, start, end int) []word {
	i, _ := slices.BinarySearchFunc(words, start, func(w word, t int) int { return cmp.Compare(w.start, t) })
	j, _ := slices.BinarySearchFunc(words, end, func(w word, t int) int { return cmp.Compare(w.start, t) })
	return words[i:j]
}

func startsSentence(w word) bool {
	if w.punct {
		return isOpen(runeOf(w.s)) || w.s == "\""
	}
	return isCap(w)
}

func runeOf(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}

// attribution looks for the speaker after the quote ("…,” Koffler told Fox
// News Digital") and then before it ("Beck told the crowd, “…").
// When the quote follows another in its sentence (afterQuote), the words
// between them attribute the earlier quote unless the verb leads straight
// into this one ("“A,” Smith said, “B.”", not "Smith said, adding that an
// “ideal” result").
func (x *extractor) attribution(words []word, s span, sStart, sEnd int, afterQuote bool) subject {
	var after, before []word
	for _, w := range words {
		switch {
		case w.start == s.end:
			// the closing mark itself
		case w.start >= s.end && w.end <= sEnd:
			after = append(after, w)
		case w.start >= sStart && w.end <= s.start:
			before = append(before, w)
		}
	}
	if sub := x.fromAfter(after, s.start); sub.ok {
		return sub
	}
	sub := x.fromBefore(before, s.start)
	if afterQuote && sub.ok {
		cueEnd := strings.LastIndex(x.body[:s.start], sub.cue) + len(sub.cue)
		// "warning that “…”" leads straight into the quote too.
		between := strings.TrimSpace(x.body[cueEnd:s.start])
		if hasLetter(strings.TrimPrefix(between, "that ")) {
			return subject{}
		}
	}
	return sub
}

// fromAfter reads "SPEAKER VERB cue" or "VERB SPEAKER" right after a quote.
func (x *extractor) fromAfter(after []word, at int) subject {
	i := 0
	for i < len(after) && after[i].punct && !isOpen(runeOf(after[i].s)) && after[i].s != "\"" {
		i++ // the closing mark, a comma, a dash
	}
	rest := after[i:]
	// A name set off by a comma may carry an appositive of any length
	// ("Rep. Jerrold Nadler, D-N.Y., the former chairman of the House
	// Judiciary subcommittee on the Constitution, Civil Rights and Civil
	// Liberties, told"): the speaker is the name, whatever the appositive
	// names.
	lead := splitClauses(dropParens(rest))[0]
	named := len(lead) < len(rest) && onlyName(lead)
	limit := 14
	if named {
		limit = 40
	}
	for j, w := range rest {
		// The subject may hold an appositive between commas ("the lawyer,
		// Mark D. Sheridan, said"); any other mark ends the attribution.
		if j > limit || (w.punct && w.s != "," && w.s != "(" && w.s != ")") || isOpen(runeOf(w.s)) {
			break
		}
		// "reads" reports a document's words only before the document:
		// "…,” reads a statement from Roe's office"; in "the letter to Roe
		// reads" the name is the addressee.
		reads := j == 0 && lower(w) == "reads"
		// "…,” Mr. Roe is shown saying": a film or a recording quotes him.
		shown := j > 1 && participles[lower(w)] && recorded[lower(rest[j-1])] && passive[lower(rest[j-2])]
		if w.punct || !speaks(rest, j) && !reads && !shown || j > 0 && passive[lower(rest[j-1])] {
			continue
		}
		cue := x.cue(rest[j:])
		if j == 0 { // "said Smith": the speaker follows the verb
			if name := nameAfter(rest[1:]); name != nil {
				return subject{speaker: x.resolve(x.span(name), at), cue: x.body[w.start:w.end], ok: true}
			}
			return x.subjectAfter(rest[1:], x.body[w.start:w.end], at)
		}
		if named && rest[j-1].s == "," {
			return x.subjectOf(lead, cue, at)
		}
		subj := rest[:j]
		if shown {
			subj = rest[:j-2] // the subject ends before "is shown"
		}
		if c := pickClause(splitClauses(dropParens(subj))); c != nil {
			return x.subjectOf(c, cue, at)
		}
		return subject{}
	}
	return subject{}
}

var recorded = set("shown", "seen", "heard")

// subjectAfter reads a speaker that follows its verb and opens with a
// lower-case word: "said senior adviser Jane Roe", "said the governor",
// "said a spokesman for the group, Jane Roe". A phrase with more after it
// ("said a man who was there") names no one, and no one else either.
func (x *extractor) subjectAfter(ws []word, cue string, at int) subject {
	end := slices.IndexFunc(ws, func(w word) bool {
		return w.punct && w.s != "," || isOpen(runeOf(w.s))
	})
	if end < 0 {
		end = len(ws)
	}
	clauses := splitClauses(ws[:end])
	c := clauses[0]
	// "said his wife, Jane Roe": a possessive opens an appositive too.
	if len(clauses) > 1 && len(c) > 0 && (isAppositive(c) || possessives[lower(c[0])]) && onlyName(clauses[1]) {
		c = clauses[1]
	}
	if np := headPhrase(c); len(c) == 0 || len(np) != len(c) {
		if role := indefiniteRole(c); role > 0 {
			// "said a senior administration official": unnamed, but as
			// much a speaker as "said the governor".
			return subject{speaker: x.unnamed(c, role, at), cue: cue, ok: true}
		}
		if len(c) > 0 && isAppositive(c) {
			// "said the staffer": someone unnamed, whom neither the
			// paragraph before nor an earlier quote names.
			return subject{cue: cue, ok: true}
		}
		return subject{}
	}
	return x.subjectOf(c, cue, at)
}

var possessives = set("his", "her", "their", "its")

// indefiniteRole returns the index of the role noun heading an indefinite
// phrase c, "a senior administration official", "a spokesman for the
// group", or -1 when c is another phrase ("a man who lives near the plant").
func indefiniteRole(c []word) int {
	if len(c) < 2 || lower(c[0]) != "a" && lower(c[0]) != "an" {
		return -1
	}
	for i := 1; i < len(c) && i <= 5; i++ {
		if !roleNouns[lower(c[i])] {
			continue
		}
		for i+1 < len(c) && roleNouns[lower(c[i+1])] {
			i++ // "administration official"
		}
		// What follows the noun may only say whose it is.
		if i+1 == len(c) || ofWhom[lower(c[i+1])] && !slices.ContainsFunc(c[i+1:], func(w word) bool { return subordinators[lower(w)] }) {
			return i
		}
		return -1
	}
	return -1
}

// ofWhom open the phrase after a role noun that says whose it is: "a
// spokesman for the group", "a statement from Roe's office".
var ofWhom = set("for", "from", "of", "with", "at", "in", "on", "close", "familiar")

// dropParens removes parenthetical words: "Rep. Stephen Fincher (R-Tenn.)",
// "Rep. Jane Roe, D-Ill.,".
func dropParens(ws []word) []word {
	out := make([]word, 0, len(ws))
	depth := 0
	for _, w := range ws {
		switch {
		case w.punct && w.s == "(":
			depth++
		case w.punct && w.s == ")":
			depth = max(depth-1, 0)
		case depth == 0 && !isPartyTag(w.s):
			out = append(out, w)
		}
	}
	return out
}

// pickClause chooses, among the comma-separated parts of a subject, the
// one naming the speaker: the last with a name or pronoun, else the last
// that is not an appositive ("the lawyer", "an outspoken critic of ...").
func pickClause(clauses [][]word) []word {
	// "Managers, he went on, …": a pronoun right before the verb.
	if c := clauses[len(clauses)-1]; len(c) == 1 && pronouns[lower(c[0])] {
		return c
	}
	// A clause that is nothing but a name is the subject; a name inside an
	// appositive ("Mary Roe, married to John Doe since 2012, wrote") is not.
	for k := len(clauses) - 1; k >= 0 && k >= len(clauses)-4; k-- {
		if onlyName(clauses[k]) {
			return clauses[k]
		}
	}
	// Else a role phrase right before the verb is its subject: "Before
	// meeting John Doe, the president said".
	for k := len(clauses) - 1; k >= 0; k-- {
		if len(clauses[k]) > 0 {
			if isRolePhrase(clauses[k]) {
				return clauses[k]
			}
			break
		}
	}
	for k := len(clauses) - 1; k >= 0 && k >= len(clauses)-4; k-- {
		c := clauses[k]
		if len(c) > 0 && (lastName(c) != nil || len(c) == 1 && (pronouns[lower(c[0])] || nobody[lower(c[0])])) {
			return c
		}
	}
	for k := len(clauses) - 1; k >= 0; k-- {
		if c := clauses[k]; len(c) > 0 && (k == 0 || !isAppositive(c)) {
			return c
		}
	}
	return nil
}

// relativeAntecedent returns the name a relative pronoun subject refers
// to: "Jane Roe, a nurse, who said" names Roe, "the Roe Foundation, which
// said" the foundation. "which" must refer to an organisation, "who" to a
// person; a place ("officials in Ohio, which") is neither.
func (x *extractor) relativeAntecedent(clauses [][]word) []word {
	last := clauses[len(clauses)-1]
	if len(last) != 1 || lower(last[0]) != "who" && lower(last[0]) != "which" {
		return nil
	}
	for k := len(clauses) - 2; k >= 0; k-- {
		c := clauses[k]
		if len(c) == 0 || k > 0 && isAppositive(c) {
			continue
		}
		name := lastName(c)
		if name == nil || name[len(name)-1].start != c[len(c)-1].start {
			return nil
		}
		isOrg := slices.ContainsFunc(name, func(w word) bool { return orgWords[w.s] })
		if isOrg != (lower(last[0]) == "which") || !isOrg && !isPersonName(x.span(name)) {
			return nil
		}
		return name
	}
	return nil
}

// nameLead are the lower-case words that may open a clause naming a
// person: "and former Sen. John Roe".
var nameLead = set("the", "former", "late", "then", "and", "but", "while")

// onlyName reports whether c names a person and nothing else.
func onlyName(c []word) bool {
	i := 0
	for i < len(c) && nameLead[c[i].s] {
		i++
	}
	if i == len(c) || lastName(c[i:]) == nil {
		return false
	}
	for _, w := range c[i:] {
		// Initials ("R. Clarke Cooper") are capitals too.
		if !isCap(w) && !nameJoiners[w.s] || orgWords[trimPossessive(w.s)] {
			return false
		}
	}
	return true
}

// fromBefore reads "SPEAKER VERB ...“" in the quote's sentence.
func (x *extractor) fromBefore(before []word, at int) subject {
	for j := len(before) - 1; j > 0; j-- {
		w := before[j]
		if !w.punct && participles[lower(w)] {
			if sub, ok := x.participleSubject(before[:j], x.cue(before[j:]), at); ok {
				return sub
			}
			continue
		}
		if w.punct || !speaks(before, j) {
			continue
		}
		// The subject runs back to the start of its clause; an appositive
		// between commas ("Beck, an outspoken critic of the president, said")
		// is skipped to reach the name.
		clauses := splitClauses(dropParens(before[:j]))
		if len(clauses) > 4 {
			clauses = clauses[len(clauses)-4:]
		}
		if name := x.relativeAntecedent(clauses); name != nil {
			return x.subjectOf(name, x.cue(before[j:]), at)
		}
		if c := pickClause(clauses); c != nil {
			return x.subjectOf(c, x.cue(before[j:]), at)
		}
		return subject{cue: x.cue(before[j:]), ok: true}
	}
	return subject{}
}

// participles report speech in a phrase hanging on the sentence's main
// clause, whose subject is the speaker: "Mr. Roe left the hall, saying “…”".
var participles = set("saying", "adding", "telling", "writing", "stating", "declaring",
	"noting", "arguing", "warning", "insisting", "claiming", "explaining", "acknowledging",
	"admitting", "conceding", "vowing", "promising", "tweeting", "posting", "replying",
	"responding", "recalling", "asserting", "predicting", "stressing", "complaining",
	"quipping", "joking", "announcing", "boasting", "cautioning", "testifying", "pleading")

// participleSubject finds the speaker of a participle whose preceding words
// are ws: a person named right before it ("a video of Jane Roe saying"),
// or, after a comma or a conjunction, the subject opening the sentence
// ("Roe, a nurse, wrote to the board on Monday, adding"). ok is false when
// the participle is neither, or follows its own attribution ("Roe said,
// adding"), which the caller reads instead.
func (x *extractor) participleSubject(ws []word, cue string, at int) (subject, bool) {
	for len(ws) > 1 && timeTail[lower(ws[len(ws)-1])] {
		ws = ws[:len(ws)-1] // "a statement late Friday saying"
	}
	prev := ws[len(ws)-1]
	if isNameWord(prev) {
		name := lastName(ws)
		i := len(ws) - len(name)
		if isPersonName(x.span(name)) && (i == 0 || ws[i-1].punct || showsSpeech[lower(ws[i-1])]) {
			return x.subjectOf(name, cue, at), true
		}
		return subject{}, false
	}
	// "video emerged of him warning": the pronoun's antecedent speaks.
	if n := len(ws); n > 1 && (lower(prev) == "him" || lower(prev) == "her") && showsSpeech[lower(ws[n-2])] {
		return x.subjectOf(ws[n-1:], cue, at), true
	}
	if !(prev.punct && prev.s == ",") && !conjunctions[lower(prev)] && !isAdverb(prev) && !issuesDocument(ws) {
		return subject{}, false
	}
	clauses := splitClauses(dropParens(ws))
	if last := clauses[len(clauses)-1]; len(last) == 0 && len(clauses) > 1 {
		last = clauses[len(clauses)-2]
		for i := range last {
			if !last[i].punct && speaks(last, i) {
				return subject{}, false
			}
		}
	}
	for k, c := range clauses {
		for len(c) > 0 && coordinators[lower(c[0])] {
			c = c[1:]
		}
		if len(c) == 0 || isFronted(c) {
			continue
		}
		np := headPhrase(c)
		if np == nil {
			return subject{}, false
		}
		// "the aide, Jane Roe, 31, wrote": the name in apposition.
		if len(np) == len(c) && isAppositive(c) && k+1 < len(clauses) && onlyName(clauses[k+1]) {
			np = clauses[k+1]
		}
		return x.subjectOf(np, cue, at), true
	}
	return subject{}, false
}

// issuesDocument reports words ending in a document their subject put out,
// which the participle quotes: "Roe issued a statement".
func issuesDocument(ws []word) bool {
	n := len(ws)
	if n < 3 || !documents[lower(ws[n-1])] {
		return false
	}
	for k := n - 2; k >= max(1, n-4); k-- {
		if l := lower(ws[k]); l == "a" || l == "an" {
			return issueVerbs[lower(ws[k-1])]
		}
	}
	return false
}

var documents = set("statement", "letter", "post", "tweet", "message", "email", "e-mail", "memo",
	"note", "video", "op-ed", "essay", "column", "release")

var issueVerbs = set("issued", "issues", "released", "releases", "posted", "posts", "sent",
	"sends", "wrote", "writes", "put", "puts", "published", "publishes", "tweeted", "shared")

// showsSpeech are the words before a person whose participle reports
// speech: "ends with Roe saying", "a clip of Roe warning".
var showsSpeech = set("with", "of", "shows", "showed", "show", "featuring", "features")

var coordinators = set("and", "but", "so", "yet", "or", "then")

// isFronted reports an adverbial clause standing before a sentence's
// subject: "On Monday", "Meanwhile", "Ten minutes later", a dateline.
func isFronted(c []word) bool {
	last := lower(c[len(c)-1])
	// A participle opening the sentence ("Trying to calm them, Roe said")
	// is fronted too.
	return fronted[lower(c[0])] || len(c) == 1 && isAdverb(c[0]) ||
		len(c) > 1 && strings.HasSuffix(lower(c[0]), "ing") ||
		last == "later" || last == "earlier" || last == "ago" ||
		!slices.ContainsFunc(c, func(w word) bool { return strings.ToUpper(w.s) != w.s })
}

// fronted open the adverbial phrases that may stand before a sentence's
// subject: "On Monday, Roe said", "When asked, ...".
var fronted = set("in", "on", "at", "after", "before", "during", "for", "with", "from", "by",
	"since", "as", "while", "when", "although", "though", "if", "because", "despite",
	"meanwhile", "however", "instead", "indeed", "still", "earlier", "later", "last", "this",
	"speaking", "asked", "according", "unlike", "like", "under", "over", "amid", "to", "once")

// headPhrase returns the noun phrase opening clause c: a pronoun, a
// definite role ("the seven-term congressman"), or capitalised words with
// the lower-case words of a title among them ("senior adviser David Roe",
// "Former GOP candidate Jane Roe"), with the role noun a name qualifies
// ("Senior White House officials"); nil when c opens with anything else
// ("The letter", "Officials", "It's").
func headPhrase(c []word) []word {
	if len(c) == 0 {
		return nil
	}
	if pronouns[lower(c[0])] {
		return c[:1]
	}
	if notNames[trimPossessive(c[0].s)] && !articles[lower(c[0])] && !titles[c[0].s] {
		return nil
	}
	for k := min(len(c), 4); k >= 2; k-- {
		if isRolePhrase(c[:k]) {
			return c[:k]
		}
	}
	k := 0
	if articles[lower(c[0])] {
		k = 1
	}
	for k < len(c) && !c[k].punct && (isCap(c[k]) || nameJoiners[c[k].s] || titleWords[lower(c[k])] || roleOf(c[k]) != "") {
		k++
	}
	// After an article a name qualifies a noun ("The Roe campaign said").
	if lastName(c[:k]) == nil || articles[lower(c[0])] {
		return nil
	}
	if k < len(c) && roleNouns[lower(c[k])] {
		k++
	}
	return c[:k]
}

// titleWords are the lower-case words of a title before a name.
var titleWords = set("senior", "former", "late", "presidential", "vice", "chief", "top", "deputy",
	"longtime", "acting", "assistant", "executive", "special", "general", "press", "campaign",
	"communications", "policy", "economic", "national", "security", "state", "party")

func isAppositive(c []word) bool {
	l := lower(c[0])
	return l == "a" || l == "an" || l == "the" || l == "who"
}

func splitClauses(ws []word) [][]word {
	var out [][]word
	cur := []word{}
	for _, w := range ws {
		if w.punct && (w.s == "," || w.s == ";" || w.s == "—" || w.s == "–" || w.s == ":") {
			out = append(out, cur)
			cur = []word{}
			continue
		}
		cur = append(cur, w)
	}
	return append(out, cur)
}

// passive auxiliaries: "Lavrov was said to have met" reports no speech.
var passive = set("was", "were", "is", "are", "be", "been", "being")

var conjunctions = set("and", "but", "though", "although", "when", "while", "as", "so", "then",
	"because", "since", "if", "after", "before", "where", "whereas")

// subjectOf resolves the words naming a speaker.
func (x *extractor) subjectOf(ws []word, cue string, at int) subject {
	for len(ws) > 0 && (ws[0].punct || conjunctions[lower(ws[0])]) {
		ws = ws[1:]
	}
	// "Jane Roe on Thursday said": the time is no part of the subject.
	for len(ws) > 0 && (ws[len(ws)-1].punct || timeTail[lower(ws[len(ws)-1])]) {
		ws = ws[:len(ws)-1]
	}
	// "Tom Baker of Ohio said": the place is no part of the name.
	// A title before "of" is part of a role ("Secretary of State").
	if i := slices.IndexFunc(ws, func(w word) bool { return w.s == "of" }); i > 0 && i+1 < len(ws) && !titles[ws[i-1].s] &&
		!slices.ContainsFunc(ws[i+1:], func(w word) bool { return !isCap(w) }) {
		if name := lastName(ws[:i]); len(name) >= 2 && name[len(name)-1].start == ws[i-1].start &&
			!slices.ContainsFunc(name, func(w word) bool { return orgWords[w.s] }) {
			ws = ws[:i]
		}
	}
	if len(ws) == 0 || len(ws) > 12 {
		return subject{}
	}
	last := lower(ws[len(ws)-1])
	if len(ws) == 1 && pronouns[last] {
		return subject{speaker: x.lastPerson(last, at), cue: cue, ok: true}
	}
	if len(ws) == 1 && nobody[last] {
		return subject{cue: cue, ok: true}
	}
	if isRolePhrase(ws) {
		// The role may have been given earlier in this paragraph.
		x.peopleIn(max(x.seenUpTo, at-window), at)
	}
	if who, ok := x.roleSubject(ws); ok {
		return subject{speaker: who, cue: cue, ok: true}
	}
	// "A blogger on the Web site Freedom’s Lighthouse said": the name
	// says whose the speaker is.
	if role := indefiniteRole(ws); role > 0 {
		return subject{speaker: x.unnamed(ws, role, at), cue: cue, ok: true}
	}
	if name := lastName(ws); name != nil && !qualifies(ws, name) {
		return subject{speaker: x.resolve(x.span(name), at), cue: cue, ok: true}
	}
	for i := len(ws) - 1; i >= 0; i-- {
		if roleNouns[lower(ws[i])] {
			return subject{speaker: x.unnamed(ws, i, at), cue: cue, ok: true}
		}
	}
	return subject{}
}

var timeTail = set("on", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
	"sunday", "yesterday", "today", "tonight", "earlier", "later", "late", "early")

// qualifies reports a name of subject ws that qualifies the noun after it,
// which is who speaks: "Georgia’s secretary of state", "Senate aides",
// "Jobless claims". A comma after the name opens an appositive ("Tom
// Baker, a spokesman for the group"), and the name is the speaker.
func qualifies(ws, name []word) bool {
	last := name[len(name)-1]
	if strings.HasSuffix(last.s, "’s") || strings.HasSuffix(last.s, "'s") {
		return true
	}
	// Adverbs before the verb are no head: "Liz Cheney reportedly said".
	for len(ws) > 0 && isAdverb(ws[len(ws)-1]) {
		ws = ws[:len(ws)-1]
	}
	// The head is a noun or two right after the name, ending the subject;
	// more words are a clause of their own ("Mr. Romney laid out his
	// belief ..., even as he acknowledged").
	i := slices.IndexFunc(ws, func(w word) bool { return w.start == last.start })
	if i < 0 {
		return false
	}
	rest := ws[i+1:]
	// "Jane Roe who said": a relative clause, not a head noun.
	if len(rest) == 0 || len(rest) > 2 || lower(rest[0]) == "who" {
		return false
	}
	// A verb in the past ("Grimm stormed back") is no head either.
	return !slices.ContainsFunc(rest, func(w word) bool {
		return w.punct || isCap(w) || nameJoiners[w.s] || strings.HasSuffix(lower(w), "ed")
	})
}

// isAdverb: a word ending in -ly ("reportedly", "later on" aside), or one
// of the short adverbs that stand before a speech verb.
func isAdverb(w word) bool {
	l := lower(w)
	return !w.punct && (len(l) > 4 && strings.HasSuffix(l, "ly") || shortAdverbs[l])
}

var shortAdverbs = set("also", "later", "then", "again", "once", "too", "now", "still", "first", "often", "never", "always", "since", "already", "previously", "recently", "repeatedly", "further")

// span returns the body text from the first to the last word.
func (x *extractor) span(ws []word) string { return x.body[ws[0].start:ws[len(ws)-1].end] }

// lastName returns the last capitalised run of ws with its role titles
// removed ("Czech President Petr Pavel" -> "Petr Pavel"), or nil.
func lastName(ws []word) []word {
	end := -1
	for i := len(ws) - 1; i >= 0; i-- {
		if isNameWord(ws[i]) {
			end = i
			break
		}
	}
	if end < 0 {
		return nil
	}
	start := end
	for start > 0 && (isNameWord(ws[start-1]) || nameJoiners[ws[start-1].s] && start-1 > 0 && isCap(ws[start-2])) {
		start--
	}
	run := ws[start : end+1]
	for i := len(run) - 1; i >= 0; i-- {
		if titles[run[i].s] && i < len(run)-1 {
			return run[i+1:]
		}
	}
	for len(run) > 1 && titles[run[0].s] {
		run = run[1:]
	}
	return run
}

// isNameWord: a capitalised word that is not a sentence-initial function
// word or role noun ("Sources told NBC News").
func isNameWord(w word) bool {
	return isCap(w) && !notNames[w.s] && !roleNouns[lower(w)]
}

// nameAfter reads a name following a verb: "said Sen. John McCain".
func nameAfter(ws []word) []word {
	n := 0
	for n < len(ws) && n < 6 && (isCap(ws[n]) || nameJoiners[ws[n].s] && n > 0) {
		n++
	}
	if n == 0 || notNames[ws[0].s] {
		return nil
	}
	return lastName(ws[:n])
}

// cue returns the attribution phrase starting at the verb ws[0].
func (x *extractor) cue(ws []word) string {
	end := ws[0].end
	verb := lower(ws[0])
	for i := 1; i < len(ws) && i <= 6; i++ {
		w := ws[i]
		if w.punct || lower(w) == "that" {
			break
		}
		if i == 1 && verb != "told" && verb != "tells" && !cuePreps[lower(w)] {
			break
		}
		if (verb == "told" || verb == "tells") && i == 1 && !isCap(w) && !articles[lower(w)] && !cuePreps[lower(w)] {
			break
		}
		end = w.end
	}
	return x.body[ws[0].start:end]
}

var articles = set("the", "a", "an", "reporters", "journalists", "lawmakers", "supporters")

// unnamed returns the role phrase of an unnamed speaker. A definite phrase
// ("The official") refers back to its fuller first mention ("An official
// from Ukrainian President Volodymyr Zelensky’s office").
func (x *extractor) unnamed(ws []word, role, at int) string {
	first := 0
	if articles[lower(ws[0])] {
		first = 1
	}
	if first > role {
		return ""
	}
	// Without an article, a role is a noun or two with their modifiers
	// ("senior officials", "police"); more is a clause the role noun
	// stands in ("put out a statement shortly after ...").
	if first == 0 && len(ws) > 3 {
		return ""
	}
	if lower(ws[0]) == "the" && role == len(ws)-1 {
		if ante := x.antecedent(lower(ws[role]), at); ante != "" {
			return ante
		}
	}
	return x.body[ws[first].start:ws[len(ws)-1].end]
}

// antecedent finds the last indefinite mention of a role noun before at
// ("An official from ... office") and returns it with its modifiers.
func (x *extractor) antecedent(role string, at int) string {
	ws := lex(x.body, max(0, at-5*window), at)
	for i := len(ws) - 1; i >= 0; i-- {
		if lower(ws[i]) != role {
			continue
		}
		j := i
		for j > 0 && i-j < 4 && !ws[j-1].punct && !articles[lower(ws[j-1])] {
			j--
		}
		if j == 0 || (lower(ws[j-1]) != "a" && lower(ws[j-1]) != "an") {
			continue
		}
		// Modifiers after the noun: "from ... office", up to a verb or a mark.
		k := i
		if k+1 < len(ws) && (lower(ws[k+1]) == "from" || lower(ws[k+1]) == "of" || lower(ws[k+1]) == "with" || lower(ws[k+1]) == "at" || lower(ws[k+1]) == "in" || lower(ws[k+1]) == "for") {
			k++
			for k+1 < len(ws) && k-i < 10 && !ws[k+1].punct && !stopsPhrase[lower(ws[k+1])] {
				k++
			}
		}
		return x.body[ws[j].start:ws[k].end]
	}
	return ""
}

var stopsPhrase = set("would", "will", "said", "told", "says", "who", "was", "is", "has", "had",
	"declined", "did", "does", "could", "can", "may", "might", "should", "and", "but", "spoke")

// resolve turns a name as written at a quote into the fullest form seen in
// the article: "Zelenskyy" -> "Volodymyr Zelenskyy". Organisations and
// names not seen before stay as written.
func (x *extractor) resolve(name string, at int) string {
	if strings.ContainsRune(name, ' ') {
		return name
	}
	if full := x.known(name); full != "" {
		return full
	}
	// The full name may come earlier in the same paragraph.
	for _, p := range x.peopleIn(max(x.seenUpTo, at-window), at) {
		if sameSurname(lastWord(p.name), name) {
			return p.name
		}
	}
	return name
}

// sameSurname matches a surname with its transliteration variants
// ("Zelensky", "Zelenskyy"): equal, or one a prefix of the other by at
// most two letters.
func sameSurname(a, b string) bool {
	a, b = strings.ToLower(a), strings.ToLower(b)
	if len(a) > len(b) {
		a, b = b, a
	}
	return len(a) >= 4 && strings.HasPrefix(b, a) && len(b)-len(a) <= 2 || a == b
}

func lastWord(s string) string {
	if i := strings.LastIndexByte(s, ' '); i >= 0 {
		return s[i+1:]
	}
	return s
}

// mention is a person named in the article; subject marks a name early
// in its sentence (or a speaker), the usual antecedent of "he said".
type mention struct {
	name    string
	subject bool
}

// lastPerson is the person pronoun ("he", "she") at at refers to: the last
// subject of the paragraph so far, else the last speaker or subject before
// it, else the last person named; a person known to be of the other gender
// is passed over.
func (x *extractor) lastPerson(pronoun string, at int) string {
	want := byte('m')
	if pronoun == "she" || pronoun == "her" {
		want = 'f'
	}
	fits := func(m mention) bool { g := x.gender[m.name]; return g == 0 || g == want }
	cur := x.peopleIn(max(x.seenUpTo, at-window), at)
	for _, subjectOnly := range []bool{true, false} {
		for _, ms := range [][]mention{cur, x.people} {
			for i := len(ms) - 1; i >= 0; i-- {
				if (ms[i].subject || !subjectOnly) && fits(ms[i]) {
					return ms[i].name
				}
			}
		}
	}
	return ""
}

// notePerson records a speaker as the latest person mentioned.
func (x *extractor) notePerson(name string) {
	if !strings.ContainsRune(name, ' ') || !isPersonName(name) {
		return
	}
	x.remember(mention{name, true})
}

// maxPeople bounds the people remembered: antecedents are recent, and a
// huge article must not make every lookup slower.
const maxPeople = 200

func (x *extractor) remember(ms ...mention) {
	x.people = append(x.people, ms...)
	if len(x.people) > 2*maxPeople {
		x.people = append(x.people[:0], x.people[len(x.people)-maxPeople:]...)
	}
}

// notePeople records the people named in body[start:end].
func (x *extractor) notePeople(start, end int) {
	x.remember(x.peopleIn(start, end)...)
	x.seenUpTo = end
}

// peopleIn returns the likely person names of body[start:end] outside
// quotation marks: capitalised runs of two to four words with no
// organisation or place word, role titles removed, and surnames of people
// named before.
func (x *extractor) peopleIn(start, end int) []mention {
	var out []mention
	for _, sent := range sentences(lex(x.body, start, end)) {
		// n counts the words of the sentence's frame so far: quoted words
		// are none of it ("“…,” Jane Roe said" opens with Roe), and a
		// fronted phrase ends at its comma ("In a letter to Roe, Lee said"
		// opens with Lee). A sentence opening with "he" or "she" has that
		// person for its subject: "He said Roe would chair it".
		n, inFront := 0, false
		for i := 0; i < len(sent); {
			w := sent[i]
			if n == 0 && !w.punct && !x.quoted(w.start) {
				// "As Roe put it, …" names its speaker in front.
				inFront = fronted[lower(w)] && lower(w) != "as"
				if pronouns[lower(w)] {
					n = 6
				}
			}
			if inFront && w.punct && w.s == "," {
				n, inFront = 0, false
				i++
				continue
			}
			if x.quoted(w.start) || !isCap(w) {
				if !w.punct && !x.quoted(w.start) {
					n++
				}
				i++
				continue
			}
			j := i
			for j < len(sent) && (isCap(sent[j]) || nameJoiners[sent[j].s] && j+1 < len(sent) && isCap(sent[j+1])) {
				j++
			}
			run := sent[i:j]
			// A name after an article or with a possessive qualifies a
			// noun ("the Roe administration", "Roe's lawyer").
			early := n < 6 && !inFront && !possessive(sent[j-1].s) && (i == 0 || !articles[lower(sent[i-1])])
			n += j - i
			from := i
			i = j
			for len(run) > 0 && (notNames[run[0].s] || titles[run[0].s]) {
				run = run[1:]
			}
			name := lastName(run)
			if len(name) == 0 {
				continue
			}
			k := from + slices.IndexFunc(sent[from:j], func(w word) bool { return w.start == name[0].start })
			g := genderBefore(sent, k)
			switch {
			case len(name) >= 2 && len(name) <= 4 && isPersonName(x.span(name)):
				full := trimPossessive(x.span(name))
				out = append(out, x.gendered(mention{full, early}, g))
				x.noteRoles(full, sent, from, j)
			case len(name) == 1 && isPersonName(name[0].s):
				surname := trimPossessive(name[0].s)
				if full := x.known(surname); full != "" {
					out = append(out, x.gendered(mention{full, early}, g))
				} else if k > 0 && honorifics[sent[k-1].s] {
					// "Mr. Roe": an honorific makes a person of a surname
					// the article gives alone. Other titles do not: "President
					// Roe" is as often talked about as talking.
					out = append(out, x.gendered(mention{surname, early}, g))
				}
				// "President Obama": the surname as written, for a known
				// full name may be a relative's ("Sasha Obama").
				x.noteRoles(surname, sent, from, j)
			}
		}
	}
	return out
}

var honorifics = set("Mr.", "Mrs.", "Ms.", "Miss", "Dr.", "Mr", "Mrs", "Ms", "Dr")

func possessive(s string) bool { return trimPossessive(s) != s }

// genderBefore reads a person's gender off the word before their name at
// sent[i]: "Mr.", "Ms.", "spokeswoman"; 0 when it says none.
func genderBefore(sent []word, i int) byte {
	if i <= 0 {
		return 0
	}
	return genders[strings.TrimSuffix(lower(sent[i-1]), ".")]
}

var genders = map[string]byte{"mr": 'm', "mrs": 'f', "ms": 'f', "miss": 'f', "king": 'm',
	"queen": 'f', "prince": 'm', "princess": 'f', "spokesman": 'm', "spokeswoman": 'f',
	"chairman": 'm', "chairwoman": 'f', "congressman": 'm', "congresswoman": 'f',
	"councilman": 'm', "councilwoman": 'f', "businessman": 'm', "businesswoman": 'f',
	"actor": 'm', "actress": 'f', "father": 'm', "mother": 'f', "son": 'm', "daughter": 'f',
	"husband": 'm', "wife": 'f', "brother": 'm', "sister": 'f'}

// gendered records m's gender g, when known, for the pronouns that refer
// to m later.
func (x *extractor) gendered(m mention, g byte) mention {
	if g != 0 {
		if x.gender == nil {
			x.gender = map[string]byte{}
		}
		x.gender[m.name] = g
	}
	return m
}

// known returns the full name of a person named before whose surname is
// s, else the surname itself if a title named it before ("Mr. Roe").
func (x *extractor) known(s string) string {
	alone := ""
	for i := len(x.people) - 1; i >= 0; i-- {
		name := x.people[i].name
		if sameSurname(lastWord(name), s) {
			if strings.ContainsRune(name, ' ') {
				return name
			}
			alone = cmp.Or(alone, name)
		}
	}
	return alone
}

// quoted reports whether offset i lies inside a quote of the current
// paragraph: names said by a speaker are not antecedents.
func (x *extractor) quoted(i int) bool {
	for _, s := range x.spans {
		if i >= s.start && i < s.end {
			return true
		}
	}
	return false
}

func trimPossessive(s string) string {
	return strings.TrimSuffix(strings.TrimSuffix(s, "’s"), "'s")
}

// isPersonName rejects capitalised runs that name organisations and places.
func isPersonName(s string) bool {
	for _, w := range strings.Fields(s) {
		w = trimPossessive(w)
		if orgWords[w] || notNames[w] || strings.ToUpper(w) == w && len(w) > 1 {
			return false
		}
	}
	return true
}

// indirect finds reported speech without quotation marks in paragraph p:
// "Czech President Petr Pavel said it is in the interest ...". Only named
// speakers (or "he"/"she" resolved to one) count: "officials said" is too
// common and too vague to be a quote.
func (x *extractor) indirect(pi int, p para) []Quote {
	words := lex(x.body, p.start, p.end)
	var out []Quote
	for _, sent := range sentences(words) {
		q, ok := x.reported(pi, sent)
		if ok {
			out = append(out, q)
		}
	}
	return out
}

func (x *extractor) reported(pi int, ws []word) (Quote, bool) {
	for j := 1; j < len(ws) && j <= 10; j++ {
		if ws[j].punct || !indirectVerbs[lower(ws[j])] || passive[lower(ws[j-1])] {
			continue
		}
		// "Employers added 266,000 jobs", "Jobless claims declined": these
		// report speech only when "that" or a comma follows.
		if otherSenses[lower(ws[j])] && (j+1 >= len(ws) || lower(ws[j+1]) != "that" && ws[j+1].s != ",") {
			continue
		}
		clauses := splitClauses(dropParens(ws[:j]))
		subj := clauses[len(clauses)-1]
		named := lastName(subj) != nil || len(subj) == 1 && pronouns[lower(subj[0])]
		if !named {
			return Quote{}, false
		}
		sub := x.subjectOf(subj, x.cue(ws[j:]), ws[j].start)
		if sub.speaker == "" {
			return Quote{}, false
		}
		k := j + 1
		for k < len(ws) && ws[k].end <= ws[j].start+len(sub.cue) {
			k++
		}
		for k < len(ws) && (ws[k].punct && ws[k].s == "," || lower(ws[k]) == "that") {
			k++
		}
		end := len(ws)
		for end > k && ws[end-1].punct {
			end--
		}
		if end-k < minDirectWords {
			return Quote{}, false
		}
		return Quote{Text: x.body[ws[k].start:ws[end-1].end], Speaker: sub.speaker, Cue: sub.cue,
			Para: pi, Start: ws[k].start, End: ws[end-1].end,
			Sentence: x.body[ws[0].start:ws[len(ws)-1].end]}, true
	}
	return Quote{}, false
}

// sentences splits a paragraph's words at sentence ends.
func sentences(ws []word) [][]word {
	var out [][]word
	start := 0
	for i, w := range ws {
		if w.punct && (w.s == "." || w.s == "!" || w.s == "?") && (i+1 == len(ws) || startsSentence(ws[i+1])) {
			out = append(out, ws[start:i+1])
			start = i + 1
		}
	}
	if start < len(ws) {
		out = append(out, ws[start:])
	}
	return out
}

// roles name the positions by which news refers back to a person already
// named ("the governor said"), keyed by their lower-case form; titles and
// their abbreviations map to the same role.
var roles = func() map[string]string {
	m := map[string]string{}
	for _, r := range []string{"governor", "senator", "representative", "president", "minister",
		"chancellor", "mayor", "chairman", "chairwoman", "secretary", "ambassador", "judge",
		"general", "director", "spokesman", "lawyer", "attorney", "partner", "candidate",
		"nominee", "host", "anchor", "founder", "commissioner", "sheriff", "pope", "king",
		"queen", "prince", "princess", "premier", "commentator", "blogger", "columnist",
		"professor", "coach", "pastor", "bishop", "rabbi", "cardinal", "archbishop", "ceo",
		"executive", "speaker", "leader", "aide", "adviser", "advisor", "prosecutor"} {
		m[r] = r
	}
	for k, v := range map[string]string{"gov": "governor", "sen": "senator", "sens": "senator",
		"rep": "representative", "reps": "representative", "congressman": "representative",
		"congresswoman": "representative", "spokeswoman": "spokesman", "spokesperson": "spokesman",
		"gen": "general", "prof": "professor", "rev": "pastor", "reverend": "pastor",
		"chair": "chairman", "chairperson": "chairman", "advisor": "adviser"} {
		m[k] = v
	}
	return m
}()

// roleOf returns the role a word names, or "".
func roleOf(w word) string { return roles[strings.TrimSuffix(lower(w), ".")] }

// noteRoles records the roles sent gives the person named by the
// capitalised run sent[from:to]: titles inside the run ("Texas Gov. Rick
// Perry"), lower-case ones just before it ("former governor Rick Perry"),
// and an appositive just after it ("Rick Perry, the Texas governor,").
// A bare title ("President Ann Lee") outranks the others: "the president"
// means her, not "Czech President Petr Pavel" named after her.
func (x *extractor) noteRoles(name string, sent []word, from, to int) {
	note := func(k, rank int) {
		if r := roleKey(sent, k); r != "" && x.byRole[r].rank <= rank {
			if x.byRole == nil {
				x.byRole = map[string]roleHolder{}
			}
			x.byRole[r] = roleHolder{name, rank}
		}
	}
	rank := 1 // while every word of the run so far is a title
	for k := from; k < to; k++ {
		if !titles[sent[k].s] {
			rank = 0
		} else {
			note(k, rank)
		}
	}
	for k := from - 1; k >= 0 && k >= from-3 && !sent[k].punct && !isCap(sent[k]); k-- {
		note(k, 0)
	}
	if to+1 < len(sent) && sent[to].punct && sent[to].s == "," && isAppositive(sent[to+1:to+2]) {
		for k := to + 2; k < len(sent) && k < to+8 && !sent[k].punct; k++ {
			if !isCap(sent[k]) && roleOf(sent[k]) != "" {
				note(k, 0)
				break // "the governor of Texas": the head noun comes first
			}
		}
	}
}

// roleHolder is the person an article gave a role; rank 1 for a bare title.
type roleHolder struct {
	name string
	rank int
}

// roleKey returns the role ws[i] names, with a qualifier before it that
// makes it another role: a vice president, a former senator or a
// lieutenant governor is not the president, the senator or the governor.
func roleKey(ws []word, i int) string {
	r := roleOf(ws[i])
	if r == "" || i == 0 {
		return r
	}
	if q := strings.TrimSuffix(lower(ws[i-1]), "."); roleQualifiers[q] {
		return q + " " + r
	}
	return r
}

var roleQualifiers = set("vice", "former", "late", "lt", "lieutenant", "deputy", "assistant")

// isRolePhrase reports whether ws is a definite role phrase: "the
// governor", "the Texas governor".
func isRolePhrase(ws []word) bool {
	last := ws[len(ws)-1]
	return len(ws) >= 2 && lower(ws[0]) == "the" && !isCap(last) && roleOf(last) != ""
}

// roleSubject resolves a definite role phrase ("the Texas governor", "the
// former senator") to the person last given that role; with no such person
// it names the role as written, never a modifier of it ("Texas").
func (x *extractor) roleSubject(ws []word) (string, bool) {
	if !isRolePhrase(ws) {
		return "", false
	}
	last := ws[len(ws)-1]
	if who := x.byRole[roleKey(ws, len(ws)-1)].name; who != "" {
		return who, true
	}
	if roleNouns[lower(last)] {
		return "", false // "the official": its antecedent is found by unnamed
	}
	return x.span(ws[1:]), true
}
