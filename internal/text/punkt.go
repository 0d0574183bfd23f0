package text

import (
	"strings"

	"github.com/neurosnap/sentences"
)

// Punkt's decision for an ASCII window of two words, without its regular
// expressions.
//
// The library annotates a window's tokens in three passes (by word type,
// by token pair, and English multi-punctuation words), testing each word
// against regular expressions and lower-casing it several times over: that
// was most of the cost of splitting sentences. punktBreaksASCII makes the
// same decisions from the same model with plain byte tests; each test
// below names the library's expression or method it stands for, and
// TestPunktASCIIAgrees checks the two on real and random windows. Windows
// with any other byte still go to the library.

// Flags of the sentence model's orthographic context (Kiss and Strunk's
// Punkt): how the training text wrote a word at the beginning, in the
// middle or at an unknown place of sentences, as the library defines them.
const (
	orthoBegUc = 1 << 1
	orthoMidUc = 1 << 2
	orthoUnkUc = 1 << 3
	orthoBegLc = 1 << 4
	orthoMidLc = 1 << 5
	orthoUnkLc = 1 << 6
	orthoUc    = orthoBegUc + orthoMidUc + orthoUnkUc
	orthoLc    = orthoBegLc + orthoMidLc + orthoUnkLc
)

// punktToken is the state the library keeps of one token.
type punktToken struct {
	tok             string
	sentBreak, abbr bool
}

// punktBreaksASCII reports whether Punkt breaks a sentence after one and
// before two, the two ASCII words of a window.
func punktBreaksASCII(st *sentences.Storage, one, two string) bool {
	t1, t2 := punktToken{tok: one}, punktToken{tok: two}
	typeAnnotation(st, &t1)
	typeAnnotation(st, &t2)
	tokenAnnotation(st, &t1, &t2)
	multiPunctAnnotation(st, &t1, &t2)
	return t1.sentBreak
}

// typeAnnotation is TypeBasedAnnotation.typeAnnotation.
func typeAnnotation(st *sentences.Storage, t *punktToken) {
	switch {
	case hasSentEndChars(t.tok):
		t.sentBreak = true
	case strings.HasSuffix(t.tok, ".") && !strings.HasSuffix(t.tok, ".."):
		noPeriod := lowerASCII(t.tok[:len(t.tok)-1])
		lastPart := noPeriod[strings.LastIndexByte(noPeriod, '-')+1:]
		if st.AbbrevTypes.Has(noPeriod) || st.AbbrevTypes.Has(lastPart) {
			t.abbr = true
		} else {
			t.sentBreak = true
		}
	}
}

// tokenAnnotation is TokenBasedAnnotation.tokenAnnotation.
func tokenAnnotation(st *sentences.Storage, one, two *punktToken) {
	if !strings.HasSuffix(one.tok, ".") {
		return
	}
	typ := typeNoPeriod(one.tok)
	nextTyp := typeNoSentPeriod(two)
	initial := isInitial(one.tok)
	if st.Collocations[typ+","+nextTyp] != 0 {
		one.sentBreak, one.abbr = false, true
		return
	}
	if (one.abbr || strings.HasSuffix(one.tok, "..")) && !initial {
		if orthoHeuristic(st, two) == 1 || firstUpper(two.tok) && st.SentStarters[nextTyp] != 0 {
			one.sentBreak = true
			return
		}
	}
	if one.tok == "." && two.tok == "." {
		one.sentBreak, two.sentBreak = false, false
		return
	}
	if initial || typ == "##number##" {
		h := orthoHeuristic(st, two)
		if h == 0 || h == -1 && initial && firstUpper(two.tok) && st.OrthoContext[nextTyp]&orthoLc == 0 {
			one.sentBreak, one.abbr = false, true
		}
	}
}

// multiPunctAnnotation is english.MultiPunctWordAnnotation.tokenAnnotation.
func multiPunctAnnotation(st *sentences.Storage, one, two *punktToken) {
	// The library's IsCoordinatePartOne ("N°.") is never ASCII.
	if isListNumber(one.tok) || strings.HasSuffix(one.tok, ".") && two.tok == "." {
		one.sentBreak = false
		return
	}
	unreliable := hasUnreliableEndChars(one.tok)
	coordinate := isCoordinatePartTwo(one.tok)
	if !hasDottedAbbrev(one.tok) && one.tok != "." && !unreliable && !coordinate || isInitial(one.tok) {
		return
	}
	one.abbr, one.sentBreak = true, false
	nextTyp := typeNoSentPeriod(two)
	if orthoHeuristic(st, two) == 1 ||
		firstUpper(two.tok) && (st.SentStarters[nextTyp] != 0 || unreliable || one.tok == "." || coordinate) {
		one.sentBreak = true
	}
}

// orthoHeuristic is OrthoContext.Heuristic: 1 if t starts a sentence, 0
// if it does not, -1 if unknown.
func orthoHeuristic(st *sentences.Storage, t *punktToken) int {
	if len(t.tok) == 1 && strings.IndexByte(";:,.!?", t.tok[0]) >= 0 {
		return 0
	}
	ctx := st.OrthoContext[typeNoSentPeriod(t)]
	if firstUpper(t.tok) && ctx&orthoLc > 0 && ctx&orthoMidUc == 0 {
		return 1
	}
	if firstLower(t.tok) && (ctx&orthoUc > 0 || ctx&orthoBegLc == 0) {
		return 0
	}
	return -1
}

// punktType is WordTokenizer.Type: the word in lower case, a number at its
// end replaced by "##number##", commas dropped.
func punktType(tok string) string {
	typ := lowerASCII(tok)
	if i := numberSuffix(typ); i >= 0 {
		typ = typ[:i] + "##number##"
	}
	if len(typ) == 1 {
		return typ
	}
	return strings.ReplaceAll(typ, ",", "")
}

// numberSuffix returns where the leftmost match of the library's number
// expression `-?[\.,]?\d[\d,\.-]*\.?$` starts in s, or -1: the first i from
// which s is an optional "-", an optional "." or ",", a digit, and digits,
// commas, dots and hyphens to the end.
func numberSuffix(s string) int {
	// Whether s[j:] is all digits, commas, dots and hyphens, for the
	// j after each candidate digit: one scan from the end.
	tail := len(s) // the least j such that s[j:] is all such bytes
	for tail > 0 && isNumberByte(s[tail-1]) {
		tail--
	}
	for i := range len(s) {
		j := i
		if s[j] == '-' {
			j++
		}
		if j < len(s) && (s[j] == '.' || s[j] == ',') {
			j++
		}
		if j < len(s) && isDigit(s[j]) && j+1 >= tail {
			return i
		}
	}
	return -1
}

func isNumberByte(c byte) bool { return isDigit(c) || c == ',' || c == '.' || c == '-' }

// typeNoPeriod is WordTokenizer.TypeNoPeriod.
func typeNoPeriod(tok string) string {
	typ := punktType(tok)
	if len(typ) > 1 && typ[len(typ)-1] == '.' {
		return typ[:len(typ)-1]
	}
	return typ
}

// typeNoSentPeriod is WordTokenizer.TypeNoSentPeriod.
func typeNoSentPeriod(t *punktToken) string {
	if t.sentBreak {
		return typeNoPeriod(t.tok)
	}
	return punktType(t.tok)
}

func firstUpper(s string) bool { return s != "" && 'A' <= s[0] && s[0] <= 'Z' }
func firstLower(s string) bool { return s != "" && 'a' <= s[0] && s[0] <= 'z' }

// isInitial is the library's `^[A-Za-z]\.$`.
func isInitial(s string) bool { return len(s) == 2 && isASCIILetter(s[0]) && s[1] == '.' }

// isListNumber is the library's `^\d+.?\)?$`: digits, then at most one
// byte and a ")".
func isListNumber(s string) bool {
	k := 0
	for k < len(s) && isDigit(s[k]) {
		k++
	}
	r := s[k:]
	return k > 0 && (len(r) <= 1 || len(r) == 2 && r[1] == ')')
}

// isCoordinatePartTwo is the library's `^[0-9]*\.[0-9]*\.[0-9]*\.$`.
func isCoordinatePartTwo(s string) bool {
	dots := 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '.':
			dots++
		case !isDigit(s[i]):
			return false
		}
	}
	return dots == 3 && strings.HasSuffix(s, ".")
}

// hasDottedAbbrev is the English tokenizer's `((?:[\w]\.)+[\w]*\.)`
// matching somewhere in s: a word byte and a dot, then word bytes and a
// dot.
func hasDottedAbbrev(s string) bool {
	for i := 0; i+2 < len(s); i++ {
		if !isWordByte(s[i]) || s[i+1] != '.' {
			continue
		}
		j := i + 2
		for j < len(s) && isWordByte(s[j]) {
			j++
		}
		if j < len(s) && s[j] == '.' {
			return true
		}
	}
	return false
}

// isWordByte is \w of Go's regular expressions.
func isWordByte(c byte) bool { return asciiWord[c] || c == '_' }

// hasSentEndChars is the English tokenizer's HasSentEndChars, for ASCII:
// it ends in "?" or "!", or in one of ".?!" and a closing quote or
// bracket, or holds ".[", ".(", ".\"", ".'", "?[", "?(", "![" or "!(".
func hasSentEndChars(s string) bool {
	if s == "" {
		return false
	}
	if c := s[len(s)-1]; c == '?' || c == '!' || hasUnreliableEndChars(s) {
		return true
	}
	for i := 0; i+1 < len(s); i++ {
		switch d := s[i+1]; s[i] {
		case '.':
			if d == '[' || d == '(' || d == '"' || d == '\'' {
				return true
			}
		case '?', '!':
			if d == '[' || d == '(' {
				return true
			}
		}
	}
	return false
}

// hasUnreliableEndChars is the English tokenizer's HasUnreliableEndChars,
// for ASCII: it ends in one of ".?!" and a closing quote or bracket.
func hasUnreliableEndChars(s string) bool {
	if len(s) < 2 {
		return false
	}
	switch s[len(s)-1] {
	case '"', '\'', ')':
		c := s[len(s)-2]
		return c == '.' || c == '?' || c == '!'
	}
	return false
}

// lowerASCII lower-cases an ASCII string, without allocating when it has
// no upper case.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}
