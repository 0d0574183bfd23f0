package text

import (
	"hash/maphash"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"golang.org/x/text/unicode/norm"
)

// Token is one word or number of a text.
type Token struct {
	// Text is the token as written (a possessive "'s" is left out).
	Text string
	// Norm is Text lower-cased, in NFC, with diacritics and apostrophes
	// folded ("Café" -> "cafe", "don’t" -> "don't"), dots of dotted
	// acronyms and thousands separators dropped ("U.S." -> "us",
	// "1,000" -> "1000").
	Norm string
	// Stem is the Snowball English stem of Norm.
	Stem string
	// Stop marks English function words ("the", "of", "said").
	Stop bool
	// flags are those of Norm, for the analysis (in Stop's padding).
	flags wordFlags
	// Start and End are byte offsets of Text in the input.
	Start, End int
}

// Tokens splits s into word and number tokens; punctuation is dropped.
// Hyphenated words give one token per part ("back-channel" -> "back",
// "channel"), so that spelling variants with and without the hyphen match.
func Tokens(s string) []Token {
	memo := memoPool.Get().(*wordMemo)
	defer memoPool.Put(memo)
	// News has about six bytes a token; a fifth of the length bounds the
	// count where dots split every letter ("a.a.a.", one token in eight).
	toks := make([]Token, 0, min(countWordStarts(s), len(s)/5+1))
	for i := 0; i < len(s); {
		r, n := rune(s[i]), 1
		if r < utf8.RuneSelf && !asciiWord[r] {
			i++ // spaces and punctuation, without decoding
			continue
		}
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		// A combining mark continues a word but does not start one.
		if !isWordRune(r) || r >= utf8.RuneSelf && unicode.Is(unicode.Mn, r) {
			i += n
			continue
		}
		end, next, acronym := scanToken(s, i)
		if t := makeToken(memo, s[i:end], i, acronym); t.Norm != "" {
			toks = append(toks, t)
		}
		i = next
	}
	return toks
}

// countWordStarts counts the runs of letters, digits and non-ASCII bytes
// of s, about its tokens (a few more: "U.S." and "1,000" are one token):
// one pass over the bytes spares most texts the copies of a growing
// slice, where a guess from the length was too small for a third of them.
func countWordStarts(s string) int {
	// Without branches, which the mix of letters and spaces mispredicts.
	n, prev := 0, 0
	for i := 0; i < len(s); i++ {
		w := int(wordByte[s[i]])
		n += w &^ prev
		prev = w
	}
	return n
}

// wordByte is 1 for the bytes of words: ASCII letters and digits, and
// every byte of a multi-byte character.
var wordByte = func() (t [256]uint8) {
	for c := range t {
		if c >= utf8.RuneSelf || asciiWord[c] {
			t[c] = 1
		}
	}
	return t
}()

// asciiWord marks the ASCII bytes that are part of words.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()

// isWordRune reports whether r can start or continue a token.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWord[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' }

// scanToken returns the end of the token starting at i, where scanning
// goes on (after a possessive "'s"), and whether it is a dotted acronym
// such as "U.S.".
func scanToken(s string, i int) (end, next int, acronym bool) {
	if end, ok := scanAcronym(s, i); ok {
		return end, end, true
	}
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf && asciiWord[c] {
			i++ // the common case, without decoding
			continue
		}
		r, n := decode(s, i)
		if isWordRune(r) {
			i += n
			continue
		}
		// Keep "1,000" and "3.5" whole: a separator between digits.
		if (r == ',' || r == '.') && i > 0 && isDigit(s[i-1]) && i+1 < len(s) && isDigit(s[i+1]) {
			i++
			continue
		}
		// Keep contractions and names like "O'Brien" whole, but leave out
		// a possessive "'s", which only hides the word it follows.
		if isApostrophe(r) && i+n < len(s) {
			next, m := decode(s, i+n)
			if !isWordRune(next) {
				break
			}
			if (next == 's' || next == 'S') && (i+n+m == len(s) || !isWordRuneAt(s, i+n+m)) {
				return i, i + n + m, false
			}
			i += n
			continue
		}
		break
	}
	return i, i, false
}

// maxAcronym bounds the letters of a dotted acronym ("U.S.S.R." has 4), so
// that a long run of "a.a.a." costs linear time, not quadratic.
const maxAcronym = 8

// scanAcronym matches single letters each followed by a dot: "U.S.", "D.C.".
func scanAcronym(s string, i int) (int, bool) {
	j, letters := i, 0
	for letters < maxAcronym && j+1 < len(s) && isASCIILetter(s[j]) && s[j+1] == '.' {
		if j+2 < len(s) && isASCIILetter(s[j+2]) && (j+3 >= len(s) || s[j+3] != '.') {
			// "U.Sa" is not an acronym; a word follows the dot.
			break
		}
		j += 2
		letters++
	}
	if letters < 2 || j < len(s) && isWordRuneAt(s, j) {
		return i, false
	}
	return j, true
}

func decode(s string, i int) (rune, int) {
	if s[i] < utf8.RuneSelf {
		return rune(s[i]), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

func isWordRuneAt(s string, i int) bool { r, _ := decode(s, i); return isWordRune(r) }
func isDigit(b byte) bool               { return '0' <= b && b <= '9' }
func isASCIILetter(b byte) bool         { c := b | 0x20; return 'a' <= c && c <= 'z' }

func makeToken(memo *wordMemo, text string, start int, acronym bool) Token {
	n := normalize(text, acronym)
	t := Token{Text: text, Norm: n, Start: start, End: start + len(text)}
	w := memo.lookup(n)
	t.Stem, t.flags = w.stem, w.flags
	// "US" and "U.S." are the country, not the pronoun.
	t.Stop = w.flags&flagStop != 0 && !acronym && !(n == "us" && text[0] == 'U')
	return t
}

// normalize lower-cases and folds text. ASCII words already in lower case,
// the common case, are returned without allocating.
func normalize(text string, acronym bool) string {
	simple := true
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' || c == ',' || c == '.' || c == '\'' {
			simple = false
			break
		}
	}
	if simple {
		return text
	}
	if !isASCII(text) {
		text = foldUnicode(text)
	}
	var b strings.Builder
	b.Grow(len(text))
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case 'A' <= c && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		case c == '.' && acronym, c == ',':
			// dots of acronyms and thousands separators carry no meaning
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldUnicode applies NFC, removes combining marks (diacritics) and maps
// typographic apostrophes to "'" and non-ASCII upper case to lower case.
func foldUnicode(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case isApostrophe(r):
			b.WriteByte('\'')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return norm.NFC.String(b.String())
}

// wordCacheLimit bounds the word cache: news vocabulary is mostly a few
// hundred thousand words, and names and numbers beyond that are rare
// enough to stem each time.
const wordCacheLimit = 500_000

// word is what the cache knows of a normalised word.
type word struct {
	stem  string
	flags wordFlags
}

// wordFlags are what the analysis asks of every token, answered once per
// word with its stem and kept in the word cache and memo: looking each
// token up in small word lists was a few percent of the analysis.
type wordFlags uint8

const (
	flagStop     wordFlags = 0x80 // a stop word (isStop)
	flagTime     wordFlags = 0x40 // may start a time expression (timeWords)
	flagCalendar wordFlags = 0x20 // a weekday or month (IsTimeWord)
	// flagModelLower: the sentence model's training text writes the word
	// in lower case and never capitalises it inside a sentence.
	flagModelLower wordFlags = 0x10
	// The low bits are free for the key length of a memo slot.
	memoLenMask = 0x0f
)

// newWord stems a normalised word and reads its flags.
func newWord(n string) word {
	w := word{stem: english.Stem(n, false)}
	if isStop(n) {
		w.flags |= flagStop
	}
	if timeWords[n] {
		w.flags |= flagTime
	}
	if IsTimeWord(n) {
		w.flags |= flagCalendar
	}
	if tok, err := sentenceModel(); err == nil {
		o := tok.OrthoContext[n]
		if o&orthoMidLc != 0 && o&orthoMidUc == 0 {
			w.flags |= flagModelLower
		}
	}
	return w
}

// wordCache maps normalised words to their stems. Reads, nearly all
// look-ups once the common vocabulary is in, go to a map that is never
// written (published through an atomic pointer), so they take no lock
// and box nothing, unlike sync.Map. New words go to a small locked map,
// merged into a fresh read map when it has grown by a quarter: each word
// is copied a bounded number of times.
var wordCache struct {
	read    atomic.Pointer[map[string]word]
	mu      sync.Mutex
	pending map[string]word
	size    int // words in read and pending
}

// lookupWord returns the Snowball stem of a normalised word and its flags,
// cached because stemming allocates and the same words recur in every
// article. cached reports whether the cache holds the word
// (then w holds no part of n).
func lookupWord(n string) (w word, cached bool) {
	if len(n) > 0 && isDigit(n[0]) {
		return word{stem: n}, false // numbers are their own stem, never cached
	}
	if m := wordCache.read.Load(); m != nil {
		if w, ok := (*m)[n]; ok {
			return w, true
		}
	}
	c := &wordCache
	c.mu.Lock()
	if w, ok := c.pending[n]; ok {
		c.mu.Unlock()
		return w, true
	}
	if c.size >= wordCacheLimit {
		// Stemmed outside the lock: once the cache is full, every
		// rare word comes here.
		c.mu.Unlock()
		return newWord(n), false
	}
	defer c.mu.Unlock()
	w = newWord(n)
	// The key may be a substring of a large article: copy it so the
	// cache does not keep the article alive.
	key := strings.Clone(n)
	if w.stem == n {
		w.stem = key
	}
	if c.pending == nil {
		c.pending = make(map[string]word)
	}
	c.pending[key] = w
	c.size++
	read := c.read.Load()
	readLen := 0
	if read != nil {
		readLen = len(*read)
	}
	if len(c.pending) > 256+readLen/4 {
		merged := make(map[string]word, readLen+len(c.pending))
		if read != nil {
			maps.Copy(merged, *read)
		}
		maps.Copy(merged, c.pending)
		c.read.Store(&merged)
		c.pending = nil
	}
	return w, true
}

// wordMemo is a small table of words in front of the word cache, one per
// goroutine at a time (from memoPool). The cache's map grows to hundreds
// of thousands of words, so that a look-up in it mostly misses the CPU
// caches: that was most of the cost of Tokens. The words of news are few:
// a few thousand make four fifths of a text, and a table that size stays
// close. Keys are kept in the slot, so that a hit reads no other memory.
//
// A word may sit in either slot of its set, the last used first, and a
// set is one 64-byte cache line: on generated news, 4,096 such sets send
// two fifths fewer look-ups to the cache than 4,096 single slots did.
type wordMemo [memoSets][2]memoSlot

const (
	memoSets    = 1 << 12
	memoKeySize = 15 // longer words, a few in a hundred, skip the memo
)

// memoSlot is 32 bytes: the flags share the byte of the length.
type memoSlot struct {
	n    uint8 // key length, with the word's flags
	key  [memoKeySize]byte
	stem string
}

var (
	memoPool = sync.Pool{New: func() any { return new(wordMemo) }}
	memoSeed = maphash.MakeSeed()
)

// lookup is lookupWord through the memo.
func (m *wordMemo) lookup(n string) word {
	if len(n) > memoKeySize {
		w, _ := lookupWord(n)
		return w
	}
	set := &m[maphash.String(memoSeed, n)%memoSets]
	for i := range set {
		if s := &set[i]; int(s.n&memoLenMask) == len(n) && string(s.key[:len(n)]) == n {
			w := word{stem: s.stem, flags: wordFlags(s.n) &^ memoLenMask}
			if i > 0 {
				set[0], set[1] = set[1], set[0]
			}
			return w
		}
	}
	w, cached := lookupWord(n)
	// Only cached words: others' stems may be part of the text.
	if cached {
		set[1] = set[0] // the least recently used leaves
		s := &set[0]
		s.n = uint8(copy(s.key[:], n)) | uint8(w.flags)
		s.stem = w.stem
	}
	return w
}
