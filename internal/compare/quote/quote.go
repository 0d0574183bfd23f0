// Package quote finds what people are reported to have said in a news
// article: direct quotes between quotation marks, quotes continued over
// paragraphs, and indirect speech ("Czech President Petr Pavel said it is
// ..."), each with its speaker resolved inside the article through roles,
// pronouns and continuation paragraphs, and the cue that introduces it
// ("told Fox News Digital", "said in Prague").
//
// It is written by hand because no Go library does quote attribution; the
// rules are those of English news writing. A speaker is always a span of the
// input (never invented): when no speaker can be found, Speaker is "".
package quote

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Quote is one reported utterance of an article.
type Quote struct {
	// Text is the quoted words without the quotation marks (direct) or the
	// reported clause (indirect); always a substring of the body.
	Text string
	// Speaker is the person or body quoted, as written in the article, in
	// its fullest form found there ("Volodymyr Zelenskyy" for a later
	// "Zelenskyy said"), or "" when the quote is unattributed.
	Speaker string
	// Cue is the attribution phrase: "told Fox News Digital", "said in Prague".
	Cue    string
	Direct bool
	// Para is the paragraph index (paragraphs are non-empty lines).
	Para int
	// Start and End are Text's byte offsets in the body.
	Start, End int
	// Sentence is the sentence carrying the quote, for evidence.
	Sentence string
}

// minDirectWords is the length from which a quoted span is a quote even
// without an attribution in its sentence; shorter spans ("progressivism",
// an "ideal" result) are scare quotes unless a speech verb attributes them.
const minDirectWords = 4

// Extract returns the quotes of body in order of appearance.
func Extract(body string) []Quote {
	paras := paragraphs(body)
	x := &extractor{body: body}
	var out []Quote
	for i, p := range paras {
		spans := quoteSpans(body, p, nextOpensQuote(body, paras, i))
		x.spans = spans
		words := lex(body, p.start, p.end)
		ends := sentenceEnds(words, spans)
		before := len(out)
		for k, s := range spans {
			prev, next := p.start, p.end
			if k > 0 {
				prev = spans[k-1].end
			}
			if k+1 < len(spans) {
				next = spans[k+1].start
			}
			if q, ok := x.direct(i, p, s, prev, next, words, ends); ok {
				out = append(out, q)
			}
		}
		// A paragraph with a stray mark holds a broken quote: reading it as
		// indirect speech would pass the broken quote off as a clause.
		if len(spans) == 0 && !strings.ContainsAny(body[p.start:p.end], "“”„«»\"") {
			out = append(out, x.indirect(i, p)...)
		}
		x.notePeople(p.start, p.end)
		x.prevQuoteSpeaker, x.prevHadQuote = "", false
		if len(out) > before {
			last := out[len(out)-1]
			x.prevQuoteSpeaker, x.prevHadQuote = last.Speaker, last.Direct
		}
		// "Jane Roe told reporters:" introduces the quote of the next
		// paragraph.
		if body[p.end-1] == ':' && len(words) > 0 {
			ss := sentences(words)
			if sub := x.fromBefore(ss[len(ss)-1], p.end); sub.speaker != "" {
				x.prevQuoteSpeaker, x.prevHadQuote = sub.speaker, true
			}
		}
	}
	return out
}

type span struct{ start, end int } // byte offsets in body

type para struct{ start, end int }

// paragraphs splits on line breaks: clean text separates paragraphs with a
// blank line, raw feeds with a single newline; both are paragraph breaks.
func paragraphs(body string) []para {
	var out []para
	start := 0
	for start < len(body) {
		end := strings.IndexByte(body[start:], '\n')
		if end < 0 {
			end = len(body)
		} else {
			end += start
		}
		s, e := start, end
		for s < e && isSpaceByte(body[s]) {
			s++
		}
		for e > s && isSpaceByte(body[e-1]) {
			e--
		}
		if s < e {
			out = append(out, para{s, e})
		}
		start = end + 1
	}
	return out
}

func isSpaceByte(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

func nextOpensQuote(body string, paras []para, i int) bool {
	if i+1 >= len(paras) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(body[paras[i+1].start:])
	return isOpen(r) || r == '"'
}

func isOpen(r rune) bool  { return r == '“' || r == '„' || r == '«' }
func isClose(r rune) bool { return r == '”' || r == '»' }

// quoteSpans finds the quoted spans of a paragraph. A mark opened and never
// closed is dropped, except at the end of a paragraph whose successor opens
// with a mark: the convention for a quote running over paragraphs.
func quoteSpans(body string, p para, continues bool) []span {
	var out []span
	open := -1 // byte offset just after the opening mark
	for i := p.start; i < p.end; {
		r, size := utf8.DecodeRuneInString(body[i:])
		switch {
		case isOpen(r):
			open = i + size // an earlier unclosed mark is dropped
		case isClose(r) || (r == '"' && open >= 0):
			if open >= 0 {
				out = append(out, span{open, i})
				open = -1
			}
		case r == '"':
			open = i + size
		}
		i += size
	}
	if open >= 0 && continues && open < p.end {
		out = append(out, span{open, p.end})
	}
	return out
}

// word is a token of a paragraph: a word (letters, digits, inner
// apostrophes, hyphens and dots of abbreviations) or one punctuation mark.
type word struct {
	s          string
	start, end int
	punct      bool
}

// lex splits body[start:end] into words and punctuation marks.
func lex(body string, start, end int) []word {
	var out []word
	for i := start; i < end; {
		r, size := utf8.DecodeRuneInString(body[i:end])
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			j := i + size
			for j < end {
				r2, s2 := utf8.DecodeRuneInString(body[j:end])
				if unicode.IsLetter(r2) || unicode.IsDigit(r2) {
					j += s2
					continue
				}
				if joins(body[i:j], r2, body[j+s2:end]) {
					j += s2
					continue
				}
				break
			}
			// A dot closing an abbreviation belongs to the word.
			if j < end && body[j] == '.' && isAbbrev(body[i:j]) {
				j++
			}
			out = append(out, word{s: body[i:j], start: i, end: j})
			i = j
		case unicode.IsSpace(r):
			i += size
		default:
			out = append(out, word{s: body[i : i+size], start: i, end: i + size, punct: true})
			i += size
		}
	}
	return out
}

// joins reports whether mark r continues the word before it when followed
// by rest: "Zelensky’s", "back-channel", "U.S", "1,000", "3.5".
func joins(before string, r rune, rest string) bool {
	next, _ := utf8.DecodeRuneInString(rest)
	prev, _ := utf8.DecodeLastRuneInString(before)
	switch r {
	case '\'', '’', '-':
		return unicode.IsLetter(next) || unicode.IsDigit(next)
	case '.':
		return unicode.IsLetter(next) && !unicode.IsLower(prev) || unicode.IsDigit(next) && unicode.IsDigit(prev)
	case ',':
		return unicode.IsDigit(next) && unicode.IsDigit(prev)
	}
	return false
}

var abbrevs = set("Mr", "Mrs", "Ms", "Dr", "Prof", "Sen", "Rep", "Gov", "Gen", "Lt", "Col",
	"Maj", "Capt", "Adm", "Sgt", "Rev", "Jr", "Sr", "St", "U.S", "U.N", "U.K", "D.C", "Jan",
	"Feb", "Aug", "Sept", "Oct", "Nov", "Dec", "Inc", "Corp", "Co", "No", "vs")

func isAbbrev(w string) bool {
	if abbrevs[w] || isPartyTag(w) {
		return true
	}
	r, size := utf8.DecodeRuneInString(w)
	return size == len(w) && unicode.IsUpper(r) // an initial: "John F. Kennedy"
}

// isPartyTag reports a party and state after a name: "D-Ill.", "R-Texas",
// "I-VT". The state must be one, so "D-Day" is no tag.
func isPartyTag(w string) bool {
	return len(w) > 2 && strings.IndexByte("DRI", w[0]) >= 0 && w[1] == '-' && usStates[strings.TrimSuffix(w[2:], ".")]
}

// usStates are the states as party tags write them: the AP's abbreviations,
// the names it never shortens, and the postal codes.
var usStates = set("Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill",
	"Ind", "Kan", "Ky", "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nev",
	"N.H", "N.J", "N.M", "N.Y", "N.C", "N.D", "Okla", "Ore", "Pa", "R.I", "S.C", "S.D", "Tenn",
	"Vt", "Va", "Wash", "W.Va", "Wis", "Wyo", "Alaska", "Hawaii", "Idaho", "Iowa", "Maine",
	"Ohio", "Texas", "Utah", "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI",
	"ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT",
	"NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
	"TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY")

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

func isCap(w word) bool {
	if w.punct {
		return false
	}
	r, _ := utf8.DecodeRuneInString(w.s)
	return unicode.IsUpper(r)
}

func lower(w word) string { return strings.ToLower(w.s) }
