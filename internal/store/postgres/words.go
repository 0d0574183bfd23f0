package postgres

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/parallax-news/parallax/internal/store"
)

// The full-text index is made here, not by to_tsvector: an article's words
// are its store.QueryWords, folded (see fold), so that the index and the
// queries split and fold words by one rule, the one the SQLite store has,
// whatever PostgreSQL's parser, text search configuration and locale would
// make of them (eachWord is store.QueryWords made quick: TestEachWord). It
// is cheaper too, and the server's CPU is what a save waits on: PostgreSQL
// 15 parsed 400 generated words into a tsvector in some 550 µs, and read
// the same words written out as a tsvector in some 150 µs.
//
// The vector keeps no positions but two, as SQLite's index keeps only the
// column a word is in: position 1, weight A, marks a word of the title;
// position 2, weight B, a word of the text.

// maxLexeme is the longest word, in bytes, a tsvector or tsquery holds: the
// index leaves longer words out, as to_tsvector does, and a query asking
// for one finds nothing.
const maxLexeme = 2047

// fold is what the index holds of a word: lower case, without diacritics
// (the nonspacing marks of its decomposed form), so that "creme" finds
// "Crème", as SQLite's unicode61 tokenizer has it. PostgreSQL would fold
// accents only through the unaccent extension, and case by the server's
// locale.
func fold(word string) string {
	word = strings.ToLower(word)
	if isASCII(word) {
		return word
	}
	return norm.NFC.String(strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, norm.NFD.String(word)))
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// lexeme quotes a folded word for a tsvector or tsquery. Words are letters,
// numbers and marks (store.WordRune), so no quote or backslash needs
// escaping.
func lexeme(word string) string { return "'" + word + "'" }

// searchVector is the tsvector, as text, of an article's title and text.
func searchVector(title, text string) string {
	const inTitle, inText = 1, 2
	where := make(map[string]int, 256)
	eachWord(title, func(w string) { where[w] |= inTitle })
	eachWord(text, func(w string) { where[w] |= inText })
	size := 0
	for w := range where {
		size += len(w) + len(" '':1A,2B")
	}
	var b strings.Builder
	b.Grow(size)
	for w, in := range where { // the server sorts them
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(lexeme(w))
		switch in {
		case inTitle:
			b.WriteString(":1A")
		case inText:
			b.WriteString(":2B")
		default:
			b.WriteString(":1A,2B")
		}
	}
	return b.String()
}

// eachWord calls fn with each word of s folded, the words store.QueryWords
// finds (runs of store.WordRune), but for those too long to index. It is
// QueryWords and fold made quick for a whole article's text, which it
// reads once, without a copy of each word: an ASCII rune is in a word when
// it is a letter or digit, and a word of ASCII letters and digits folds to
// its lower case.
func eachWord(s string, fn func(string)) {
	start, ascii, upper := -1, true, false
	end := func(i int) {
		w := s[start:i]
		switch {
		case !ascii:
			w = fold(w)
		case upper:
			w = strings.ToLower(w)
		}
		if w != "" && len(w) <= maxLexeme {
			fn(w)
		}
		start, ascii, upper = -1, true, false
	}
	for i, r := range s {
		var in bool
		if r < utf8.RuneSelf {
			in = 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
			upper = upper || in && r <= 'Z' && r >= 'A'
		} else if in = store.WordRune(r); in {
			ascii = false
		}
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			end(i)
		}
	}
	if start >= 0 {
		end(len(s))
	}
}

// searchQuery returns the tsquery, as text, that requires every word (op
// "&") or any word (op "|"), folded. ok is false when a word is too long
// for any article to hold it.
func searchQuery(words []string, op string) (query string, ok bool) {
	lexemes := make([]string, 0, len(words))
	for _, w := range words {
		f := fold(w)
		if len(f) > maxLexeme {
			return "", false
		}
		if f != "" && !slices.Contains(lexemes, lexeme(f)) {
			lexemes = append(lexemes, lexeme(f))
		}
	}
	return strings.Join(lexemes, " "+op+" "), len(lexemes) > 0
}
