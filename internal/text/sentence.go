package text

import (
	"hash/maphash"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/neurosnap/sentences"
	"github.com/neurosnap/sentences/english"
)

// Sentence is one sentence of a body.
type Sentence struct {
	// Text is body[Start:End], without surrounding white space.
	Text       string
	Start, End int
	// Para is the index of the paragraph holding the sentence; paragraphs
	// are separated by blank lines.
	Para int
}

// newsAbbrevs are abbreviations frequent in news that the library's
// English model does not know, written without their final dot. A dot after
// them does not end a sentence unless the next word starts one.
var newsAbbrevs = []string{
	// titles and ranks
	"mr", "mrs", "ms", "dr", "prof", "sen", "sens", "rep", "reps", "gov", "govs", "lt", "gen",
	"col", "maj", "capt", "cmdr", "adm", "sgt", "cpl", "pvt", "det", "insp", "supt", "rev",
	"msgr", "pres", "atty", "amb", "hon", "jr", "sr", "st", "ft", "mt", "no", "nos", "vs",
	// months (AP style)
	"jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec",
	// companies
	"inc", "corp", "co", "ltd", "llc", "bros",
	// dotted acronyms, as the library types them (inner dots kept)
	"u.s", "u.k", "u.n", "e.u", "d.c", "l.a", "n.y", "n.j", "n.h", "n.c", "n.d", "n.m",
	"s.c", "s.d", "r.i", "w.va", "p.m", "a.m",
	// US states (AP style), but for those that are also words ("ill",
	// "miss", "mass") and would keep "He fell ill. Then..." one sentence
	"ala", "ariz", "ark", "calif", "colo", "conn", "fla", "ga", "kan", "ky", "md", "mich",
	"minn", "mont", "neb", "nev", "okla", "tenn", "vt", "va", "wis", "wyo",
}

// wordAbbrevs are words the model takes for abbreviations.
var wordAbbrevs = []string{"ill", "wash", "ore"}

// titleAbbrevs always precede a name, so a dot after them never ends a
// sentence, whatever the model thinks of the capitalised word that follows.
var titleAbbrevs = map[string]bool{
	"mr.": true, "mrs.": true, "ms.": true, "dr.": true, "prof.": true, "sen.": true,
	"sens.": true, "rep.": true, "reps.": true, "gov.": true, "lt.": true, "gen.": true,
	"col.": true, "maj.": true, "capt.": true, "cmdr.": true, "adm.": true, "sgt.": true,
	"det.": true, "rev.": true, "pres.": true, "atty.": true, "amb.": true, "hon.": true,
	"st.": true, "ft.": true, "mt.": true,
}

// sentenceModel loads the Punkt model shipped inside the library once, on
// first use (it takes some milliseconds to decode). The tokenizer only reads
// the model afterwards, so it is safe for concurrent use.
var sentenceModel = sync.OnceValues(func() (*sentences.DefaultSentenceTokenizer, error) {
	tok, err := english.NewSentenceTokenizer(nil)
	if err != nil {
		return nil, err
	}
	for _, a := range newsAbbrevs {
		tok.AbbrevTypes.Add(a)
	}
	// The model learnt state abbreviations that are also words; in news
	// "fell ill." ends sentences far more often than "Springfield, Ill."
	for _, w := range wordAbbrevs {
		tok.AbbrevTypes.Remove(w)
	}
	return tok, nil
})

// Sentences splits body into sentences, paragraph by paragraph, so that
// no sentence spans a blank line. It uses the Punkt model of
// github.com/neurosnap/sentences, taught the abbreviations of news.
//
// Paragraphs are separated by blank lines. A body without any blank line
// (as many datasets and feeds give it) has a paragraph per line instead:
// otherwise a headline or a byline would run into the first sentence.
func Sentences(body string) []Sentence {
	tok, err := sentenceModel()
	memo := windowPool.Get().(*windowMemo)
	defer windowPool.Put(memo)
	out := make([]Sentence, 0, len(body)/100+1)
	lines := paragraphEnd(body, 0, false) == len(body)
	para := 0
	for start := 0; start < len(body); {
		end := paragraphEnd(body, start, lines)
		if s, e := trimSpace(body, start, end); s < e {
			out = splitParagraph(out, memo, tok, err, body, start, end, para)
			para++
		}
		start = end
		// Skip the blank lines between paragraphs.
		for start < len(body) && isSpaceByte(body[start]) {
			start++
		}
	}
	return out
}

// paragraphEnd returns the end of the paragraph starting at i: the first
// line break followed by a line of only white space (or any line break, if
// lines), or the end of body.
func paragraphEnd(body string, i int, lines bool) int {
	for {
		j := strings.IndexByte(body[i:], '\n')
		if j < 0 {
			return len(body)
		}
		nl := i + j
		if lines {
			return nl
		}
		k := nl + 1
		for k < len(body) && (body[k] == ' ' || body[k] == '\t' || body[k] == '\r') {
			k++
		}
		if k == len(body) || body[k] == '\n' {
			return nl
		}
		i = nl + 1
	}
}

func isSpaceByte(b byte) bool { return b == ' ' || b == '\n' || b == '\t' || b == '\r' }

// trimSpace returns the bounds of body[start:end] without surrounding
// Unicode white space (news text is full of no-break spaces).
func trimSpace(body string, start, end int) (int, int) {
	for start < end {
		r, n := decode(body, start)
		if !unicode.IsSpace(r) {
			break
		}
		start += n
	}
	for end > start {
		r, n := utf8.DecodeLastRuneInString(body[start:end])
		if !unicode.IsSpace(r) {
			break
		}
		end -= n
	}
	return start, end
}

// splitParagraph appends the sentences of body[start:end] to out.
//
// Punkt decides each boundary from the word holding the full stop and the
// word after it (with statistics of the model), so instead of running the
// library over the whole paragraph, which costs a regular expression per
// word, it is run on each two-word window around a candidate full stop.
// The decisions are the library's own, at a tenth of the cost; a test
// checks the two agree on real news.
func splitParagraph(out []Sentence, memo *windowMemo, tok *sentences.DefaultSentenceTokenizer, err error, body string, start, end, para int) []Sentence {
	if err != nil {
		return appendTrimmed(out, body, start, end, para)
	}
	last := start
	for from := start; from < end; {
		// Only words holding a full stop, question or exclamation mark
		// can end a sentence: jump from one to the next.
		i := indexSentencePunct(body[from:end])
		if i < 0 {
			break
		}
		ws, we := wordAround(body, start, from+i, end)
		from = we
		if isTitleAbbrev(body[ws:we]) {
			continue
		}
		ns, ne := nextWord(body, we, end)
		if ns == ne {
			break // the paragraph ends here anyway
		}
		// Punkt runs regular expressions over whole words: give it only
		// the end of an overlong one (a URL, junk), which is all it needs.
		for we-ws > maxWindowWord || !utf8.RuneStart(body[ws]) {
			ws++
		}
		// The window ends in white space: the library drops a last word
		// that ends in a multi-byte character.
		window := body[ws:ne]
		if ne < end {
			_, n := decode(body, ne)
			window = body[ws : ne+n]
		} else {
			window += " "
		}
		if memo.breaksAfter(tok, window, we-ws) {
			out = appendTrimmed(out, body, last, we, para)
			last = we
		}
	}
	return appendTrimmed(out, body, last, end, para)
}

// maxWindowWord bounds the bytes of a word given to Punkt.
const maxWindowWord = 64

// indexSentencePunct returns the index of the first character of s that
// may end a sentence, as the library defines them (".!?。！？"), or -1. It
// scans bytes: strings.IndexAny is slow with a set that is not all ASCII.
func indexSentencePunct(s string) int {
	for i := 0; i < len(s); i++ {
		// One table load a byte: most bytes are none of these.
		switch sentencePunctByte[s[i]] {
		case 0:
		case '.':
			return i
		default: // lead bytes of the full-width marks
			if strings.HasPrefix(s[i:], "。") || strings.HasPrefix(s[i:], "！") || strings.HasPrefix(s[i:], "？") {
				return i
			}
		}
	}
	return -1
}

// sentencePunctByte is '.' for the bytes that end a sentence and 1 for the
// lead bytes of the full-width marks (0xE3, 0xEF); 0 for the others.
var sentencePunctByte = func() (t [256]byte) {
	t['.'], t['!'], t['?'] = '.', '.', '.'
	t[0xE3], t[0xEF] = 1, 1
	return t
}()

// isTitleAbbrev reports whether w, in any case and after any opening
// bracket or quote, is a title abbreviation.
func isTitleAbbrev(w string) bool {
	w = strings.TrimLeft(w, "(\"“‘'")
	var buf [8]byte
	if len(w) > len(buf) {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return titleAbbrevs[string(buf[:len(w)])]
}

// wordAround returns the bounds of the white-space-delimited word of
// body[start:end] holding byte i.
func wordAround(body string, start, i, end int) (int, int) {
	ws := i
	for ws > start {
		r, n := utf8.DecodeLastRuneInString(body[start:ws])
		if isSpace(r) {
			break
		}
		ws -= n
	}
	_, we := nextWord(body, i, end)
	return ws, we
}

func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\f' || r == '\v'
	}
	return unicode.IsSpace(r)
}

// nextWord returns the bounds of the first white-space-delimited word in
// body[i:end], or (end, end).
func nextWord(body string, i, end int) (int, int) {
	for i < end {
		r, n := decode(body, i)
		if !isSpace(r) {
			break
		}
		i += n
	}
	j := i
	for j < end {
		r, n := decode(body, j)
		if isSpace(r) {
			break
		}
		j += n
	}
	return i, j
}

// windowMemo remembers Punkt's decisions on recent windows, one per
// goroutine at a time (from windowPool). A decision depends on the window
// alone, and windows recur ("said. The", "Mr. Smith"): on generated news
// two in five are met again among the last few thousand, on real news one
// in ten to three, and each costs the library some microseconds of regular
// expressions. A window sits in either slot of its set, the last used
// first.
type windowMemo [windowSets][2]windowSlot

const windowSets = 1 << 12

// windowSlot holds a copy of the window, so that no article stays alive
// through the memo.
type windowSlot struct {
	window string
	breaks bool
}

var windowPool = sync.Pool{New: func() any { return new(windowMemo) }}

// breaksAfter reports whether Punkt puts a sentence break at byte offset
// at of window, the end of its first word (so at follows from window).
func (m *windowMemo) breaksAfter(tok *sentences.DefaultSentenceTokenizer, window string, at int) bool {
	set := &m[maphash.String(memoSeed, window)%windowSets]
	if set[0].window == window {
		return set[0].breaks
	}
	if set[1].window == window {
		set[0], set[1] = set[1], set[0]
		return set[0].breaks
	}
	breaks := slices.Contains(tok.SentencePositions(window), at)
	set[1] = set[0] // the least recently used leaves
	set[0] = windowSlot{window: strings.Clone(window), breaks: breaks}
	return breaks
}

// appendTrimmed appends body[start:end] without surrounding white space,
// if anything is left.
func appendTrimmed(out []Sentence, body string, start, end, para int) []Sentence {
	start, end = trimSpace(body, start, end)
	if start == end {
		return out
	}
	return append(out, Sentence{Text: body[start:end], Start: start, End: end, Para: para})
}
