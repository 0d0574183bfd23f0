package dedup

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/cespare/xxhash/v2"

	"github.com/parallax-news/parallax/internal/dedup/blocks"
	"github.com/parallax-news/parallax/internal/testutil"
)

func seeds(t testing.TB) []string {
	var out []string
	for _, p := range testutil.Seeds(t) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

// paragraphs splits a seed body on blank lines.
func paragraphs(s string) []string { return strings.Split(strings.TrimSpace(s), "\n\n") }

func TestCompare(t *testing.T) {
	s := seeds(t)
	orig := s[0]
	ps := paragraphs(orig)
	tests := []struct {
		name     string
		next     string
		earlier  string
		wantCopy bool
	}{
		{name: "identical", next: orig, earlier: orig, wantCopy: true},
		{name: "case and punctuation", next: strings.ToUpper(strings.ReplaceAll(orig, ",", " ;")), earlier: orig, wantCopy: true},
		{name: "new headline", next: "Ex-officials held secret talks with Lavrov\n\n" + strings.Join(ps[1:], "\n\n"), earlier: orig, wantCopy: true},
		{name: "trimmed last paragraph", next: strings.Join(ps[:len(ps)-1], "\n\n"), earlier: orig, wantCopy: true},
		{name: "advertisement inserted", next: strings.Join(ps[:4], "\n\n") + "\n\nADVERTISEMENT\n\n" + strings.Join(ps[4:], "\n\n"), earlier: orig, wantCopy: true},
		{
			name:     "another outlet's boilerplate",
			next:     "Sign up for our newsletter to get the top stories of the day.\n\n" + orig + "\n\nCopyright 2023 The Associated Press. All rights reserved.",
			earlier:  orig,
			wantCopy: true,
		},
		{
			name:     "all four",
			next:     "Follow us for the latest updates from Europe and the world.\n\nEx-officials held secret talks\n\n" + strings.Join(ps[1:4], "\n\n") + "\n\nStory continues below advertisement\n\n" + strings.Join(ps[4:len(ps)-1], "\n\n"),
			earlier:  orig,
			wantCopy: true,
		},
		{name: "the seeds: two write-ups of one story", next: s[1], earlier: s[0], wantCopy: false},
		{name: "the seeds, other order", next: s[0], earlier: s[1], wantCopy: false},
		{name: "first paragraph only of a long text", next: ps[1] + "\n\n" + strings.Repeat("Unrelated reporting on a different matter entirely, with its own words. ", 40), earlier: orig, wantCopy: false},
		{name: "empty", next: "", earlier: orig, wantCopy: false},
	}
	rule := DefaultRule()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := Sign(tc.next), Sign(tc.earlier)
			sim := Compare(&a, &b)
			if got := rule.IsCopy(sim); got != tc.wantCopy {
				t.Errorf("IsCopy(%+v) = %v, want %v", sim, got, tc.wantCopy)
			}
		})
	}
}

func TestIndex(t *testing.T) {
	s := seeds(t)
	ps := paragraphs(s[0])
	trimmed := strings.Join(ps[:len(ps)-1], "\n\n")
	ad := strings.Join(ps[:3], "\n\n") + "\n\nADVERTISEMENT\n\n" + strings.Join(ps[3:len(ps)-1], "\n\n")
	tests := []struct {
		name string
		// texts arrive in order with ids 1, 2, ...; want[i] is the
		// original text i+1 is linked to (0: none).
		texts []string
		want  []int64
	}{
		{name: "copy links to the original", texts: []string{s[0], s[1], trimmed}, want: []int64{0, 0, 1}},
		{name: "copy of a copy links to the first", texts: []string{s[0], trimmed, ad}, want: []int64{0, 1, 1}},
		{name: "the seeds are not copies", texts: []string{s[1], s[0]}, want: []int64{0, 0}},
		{name: "empty texts join nothing", texts: []string{"", "", s[0], ""}, want: []int64{0, 0, 0, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := NewIndex(DefaultRule())
			for i, text := range tc.texts {
				sig := Sign(text)
				var got int64
				if m, ok := x.Find(sig); ok {
					got = m.Original
				}
				if got != tc.want[i] {
					t.Errorf("text %d linked to %d, want %d", i+1, got, tc.want[i])
				}
				x.Add(int64(i+1), sig, got)
			}
		})
	}
}

func TestUnmarshalBinaryErrors(t *testing.T) {
	good, err := Sign("one two three four five six seven\nsecond line has six words here").MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   []byte
	}{
		{name: "empty", in: nil},
		{name: "short header", in: good[:100]},
		{name: "missing paragraph", in: good[:len(good)-6]},
		{name: "trailing bytes", in: append(bytes.Clone(good), 0)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var s Signature
			if err := s.UnmarshalBinary(tc.in); !errors.Is(err, ErrSignatureSize) {
				t.Errorf("UnmarshalBinary(%d bytes) = %v, want ErrSignatureSize", len(tc.in), err)
			}
		})
	}
}

// FuzzSign checks, on any text, that a signature survives encoding, that a
// text is a copy of itself exactly when it has words, and that case and
// punctuation do not change the signature.
// TestForEachWord checks the byte-wise ASCII reading of forEachWord
// against the definition, rune by rune: stored signatures depend on it.
func TestForEachWord(t *testing.T) {
	type word struct {
		h   uint64
		brk bool
	}
	reference := func(text string) []word {
		var out []word
		var w []rune
		brk := false
		for _, r := range text + " " {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				w = append(w, unicode.ToLower(r))
				continue
			}
			if len(w) > 0 {
				out = append(out, word{xxhash.Sum64String(string(w)), brk})
				w, brk = w[:0], false
			}
			brk = brk || r == '\n'
		}
		return out
	}
	inputs := []string{"", "One two, THREE_4\n\nfive-six\tSeven.", "Café Zürich ÉCOLE 12½ ٣", "a\xffb \xe2\x80 c", "x\n\ny\u00a0z\u2028w"}
	inputs = append(inputs, seeds(t)...)
	for _, text := range inputs {
		var got []word
		forEachWord(text, func(h uint64, brk bool) { got = append(got, word{h, brk}) })
		if want := reference(text); !slices.Equal(got, want) {
			t.Errorf("forEachWord(%.40q) = %v, want %v", text, got, want)
		}
	}
}

func FuzzSign(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
		f.Add(paragraphs(s)[1])
	}
	f.Add("")
	f.Add("one")
	f.Fuzz(func(t *testing.T, text string) {
		s := Sign(text)
		b, err := s.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var back Signature
		if err := back.UnmarshalBinary(b); err != nil {
			t.Fatalf("decode own encoding: %v", err)
		}
		if back.Shingles != s.Shingles || back.Mins != s.Mins || len(back.Paragraphs) != len(s.Paragraphs) {
			t.Fatalf("round trip changed the signature")
		}
		self := Compare(&s, &s)
		if s.Empty() != (self.Jaccard == 0) || (!s.Empty() && (self.Jaccard != 1 || self.Containment != 1)) {
			t.Fatalf("Compare(s, s) = %+v for %d shingles", self, s.Shingles)
		}
		if up := Sign(strings.ToUpper(text) + "!"); strings.ToLower(strings.ToUpper(text)) == strings.ToLower(text) && up.Mins != s.Mins {
			t.Fatalf("case or punctuation changed the signature of %q", text)
		}
	})
}

func BenchmarkSign(b *testing.B) {
	text := seeds(b)[0]
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Sign(text)
	}
}

var textWords = strings.Fields("council vote harbour storm minister river budget school court rail clinic market festival bridge")

// randomText returns 1 to 12 paragraphs of 8 to 27 words numbered at
// random, so that two texts hardly share a shingle.
func randomText(rng *rand.Rand) string {
	var b strings.Builder
	for p := range 1 + rng.IntN(12) {
		if p > 0 {
			b.WriteString("\n\n")
		}
		for range 8 + rng.IntN(20) {
			fmt.Fprintf(&b, "%s%d ", textWords[rng.IntN(len(textWords))], rng.IntN(1000))
		}
	}
	return b.String()
}

// TestIndexBlocks checks that articles stored beyond the first blocks of the
// index are found as they were added.
func TestIndexBlocks(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := NewIndex(DefaultRule())
	const n = 2*blocks.Len + 100
	sigs := make([]Signature, n)
	for i := range sigs {
		sigs[i] = Sign(randomText(rng))
		x.Add(int64(i+1), sigs[i], 0)
	}
	if x.Len() != n {
		t.Fatalf("Len() = %d, want %d", x.Len(), n)
	}
	for i, s := range sigs {
		m, ok := x.Find(s)
		if !ok || m.Article != int64(i+1) || m.Jaccard != 1 || m.Paragraphs != 1 {
			t.Fatalf("Find(signature of article %d) = %+v, %v; want itself at Jaccard 1 and every paragraph", i+1, m, ok)
		}
	}
}
