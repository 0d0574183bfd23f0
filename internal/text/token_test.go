package text

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/kljensen/snowball/english"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		norms []string
		stems []string
		stops []bool
	}{
		{name: "plain words drop punctuation", in: "Talks, held quietly.", norms: []string{"talks", "held", "quietly"}, stems: []string{"talk", "held", "quiet"}, stops: []bool{false, false, false}},
		{name: "possessive left out", in: "Zelensky’s office, NBC News’ report", norms: []string{"zelensky", "office", "nbc", "news", "report"}},
		{name: "contraction kept and folded", in: "I’m sure they don't", norms: []string{"i'm", "sure", "they", "don't"}, stops: []bool{true, false, true, true}},
		{name: "dotted acronym", in: "the U.S. and D.C.", norms: []string{"the", "us", "and", "dc"}, stops: []bool{true, false, true, false}},
		{name: "US is not the pronoun", in: "US officials told us", norms: []string{"us", "officials", "told", "us"}, stops: []bool{false, false, true, true}},
		{name: "numbers", in: "In 2023, 1,000 troops and 3.5% on 11/25/2024.", norms: []string{"in", "2023", "1000", "troops", "and", "3.5", "on", "11", "25", "2024"}},
		{name: "hyphen splits", in: "back-channel decision-makers", norms: []string{"back", "channel", "decision", "makers"}},
		{name: "diacritics folded", in: "Café Zürich São Paulo", norms: []string{"cafe", "zurich", "sao", "paulo"}},
		{name: "decomposed input folds the same", in: "Cafe\u0301", norms: []string{"cafe"}},
		{name: "initial is not an acronym", in: "J. Smith", norms: []string{"j", "smith"}},
		{name: "empty", in: "", norms: []string{}},
		{name: "only punctuation", in: "— “…” ( — ", norms: []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			toks := Tokens(tc.in)
			norms := make([]string, len(toks))
			stems := make([]string, len(toks))
			stops := make([]bool, len(toks))
			for i, tok := range toks {
				norms[i], stems[i], stops[i] = tok.Norm, tok.Stem, tok.Stop
				if tc.in[tok.Start:tok.End] != tok.Text {
					t.Errorf("token %d: in[%d:%d] = %q, Text %q", i, tok.Start, tok.End, tc.in[tok.Start:tok.End], tok.Text)
				}
			}
			if !slices.Equal(norms, tc.norms) {
				t.Errorf("norms = %q, want %q", norms, tc.norms)
			}
			if tc.stems != nil && !slices.Equal(stems, tc.stems) {
				t.Errorf("stems = %q, want %q", stems, tc.stems)
			}
			if tc.stops != nil && !slices.Equal(stops, tc.stops) {
				t.Errorf("stops = %v, want %v", stops, tc.stops)
			}
		})
	}
}

func TestTokensStemCacheConsistent(t *testing.T) {
	// The second pass reads stems from the cache; they must not differ.
	first := Tokens("negotiations negotiated Russians communications")
	second := Tokens("negotiations negotiated Russians communications")
	if !slices.Equal(first, second) {
		t.Errorf("cached stems differ: %v vs %v", first, second)
	}
	if first[0].Stem != first[1].Stem {
		t.Errorf("stem(negotiations) = %q, stem(negotiated) = %q; want equal", first[0].Stem, first[1].Stem)
	}
}

// TestLookupWordConcurrent looks up words from several goroutines while
// the cache grows and merges its new words: each answer must be the
// word's own stem and stop mark.
func TestLookupWordConcurrent(t *testing.T) {
	words := make([]string, 50_000)
	for i := range words {
		words[i] = fmt.Sprintf("negotiat%ding", i%20_000)
	}
	words = append(words, "the", "said", "governments", "talks")
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range words {
				n := words[(i*(g+1))%len(words)]
				w, _ := lookupWord(n)
				if want := english.Stem(n, false); w.stem != want || (w.flags&flagStop != 0) != isStop(n) {
					t.Errorf("lookupWord(%q) = %+v, want stem %q stop %v", n, w, want, isStop(n))
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestTokenFlags checks that the flags a token carries, from the word
// cache or the memo, are the word lists' and the sentence model's answers
// for its Norm.
func TestTokenFlags(t *testing.T) {
	model, err := sentenceModel()
	if err != nil {
		t.Fatal(err)
	}
	words := []string{"the", "said", "talks", "Lavrov", "pie", "negotiations-are-long-words", "Given", "citing", "Citing"}
	for w := range timeWords {
		words = append(words, w, strings.ToUpper(w[:1])+w[1:])
	}
	modelLower := 0
	for _, w := range words {
		// The second token is answered by the memo, the first may not be.
		for _, tok := range Tokens(w + " " + w) {
			n := tok.Norm
			if got := tok.flags&flagTime != 0; got != timeWords[n] {
				t.Errorf("%q: time flag %v, want %v", tok.Text, got, timeWords[n])
			}
			if got := tok.isCalendar(); got != IsTimeWord(n) {
				t.Errorf("%q: calendar flag %v, want %v", tok.Text, got, IsTimeWord(n))
			}
			if got := tok.flags&flagStop != 0; got != isStop(n) {
				t.Errorf("%q: stop flag %v, want %v", tok.Text, got, isStop(n))
			}
			o := model.OrthoContext[n]
			want := o&orthoMidLc != 0 && o&orthoMidUc == 0
			if got := tok.flags&flagModelLower != 0; got != want {
				t.Errorf("%q: model's lower-case flag %v, want %v", tok.Text, got, want)
			}
			if want {
				modelLower++
			}
		}
	}
	if modelLower == 0 {
		t.Error("no word of the test has the model's lower-case flag")
	}
}
