package text

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/testutil"
)

// TestPunktASCIIAgrees checks punktBreaksASCII against the library on the
// word pairs of real news and on random pairs built from the model's own
// words and the punctuation its rules look at.
func TestPunktASCIIAgrees(t *testing.T) {
	tok, err := sentenceModel()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	spaces := []string{" ", " ", "  ", "\n", " \t", "\r\n"}
	var checked, disagree int
	check := func(one, two string) {
		checked++
		window := one + spaces[rng.IntN(len(spaces))] + two + spaces[rng.IntN(len(spaces))][:1]
		got := breaksAfter(tok, window, len(one))
		if want := libraryBreaksAfter(tok, window, len(one)); got != want {
			disagree++
			if disagree <= 10 {
				t.Errorf("%q | %q: break %v, library %v", one, two, got, want)
			}
		}
	}
	for _, name := range []string{"basil-dev.jsonl", "ecbplus-dev.jsonl", "allsides-dev.jsonl"} {
		for _, body := range readTexts(t, testutil.SharedDir(t, "data", name)) {
			words := strings.Fields(body)
			for i := 0; i+1 < len(words); i++ {
				if isASCII(words[i]) && isASCII(words[i+1]) && strings.ContainsAny(words[i], ".!?") {
					check(words[i], words[i+1])
				}
			}
		}
	}
	// Random pairs: words of the model with random case and punctuation.
	var vocab []string
	add := func(w string) {
		// A window's words hold no white space.
		if isASCII(w) && !strings.ContainsAny(w, " \t\n") {
			vocab = append(vocab, w)
		}
	}
	for _, m := range []map[string]int{tok.AbbrevTypes, tok.SentStarters, tok.OrthoContext} {
		for w := range m {
			add(w)
		}
	}
	for c := range tok.Collocations {
		for w := range strings.SplitSeq(c, ",") {
			add(w)
		}
	}
	slices.Sort(vocab)
	vocab = append(vocab, "1", "12", "3.5", "1,000", "-2", ".5", "a", "J", "N", "u.s", "f.b.i", "10.2.3", "", "_")
	marks := []string{"", "", ".", ".", ".", "..", "...", "?", "!", ",", ")", "(", "\"", "'", "-", ";", ":", "[", "5", "."}
	word := func() string {
		var b strings.Builder
		b.WriteString(marks[rng.IntN(len(marks))])
		w := vocab[rng.IntN(len(vocab))]
		switch rng.IntN(4) {
		case 0:
			w = strings.ToUpper(w)
		case 1:
			if w != "" {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
		}
		b.WriteString(w)
		for range rng.IntN(3) {
			b.WriteString(marks[rng.IntN(len(marks))])
		}
		if b.Len() == 0 {
			return "x"
		}
		return b.String()
	}
	for range 100_000 {
		check(word(), word())
	}
	if disagree > 0 {
		t.Errorf("%d of %d pairs decided differently from the library", disagree, checked)
	}
	t.Logf("%d pairs checked", checked)
}
