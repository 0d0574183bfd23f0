package text

import (
	"os"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/testutil"
)

// FuzzAnalyze checks, for any title and body, that analysis does not
// panic and that every offset it returns is in range, on a rune boundary
// and consistent with the text it claims, with sentences in order and
// apart.
func FuzzAnalyze(f *testing.F) {
	for _, p := range testutil.Seeds(f) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		title, body, _ := strings.Cut(string(data), "\n\n")
		f.Add(title, body)
	}
	f.Add("", "Sen. Bob Casey (D-Pa.) met U.S. officials on Jan. 5, 2023. “We’ll see,” he said.\n\nNext week’s summit…")
	f.Add("ALL CAPS HEADLINE", "RUSSIAN MISSILE STRIKE KILLS 4 CIVILIANS IN LVIV\n \nCafe\u0301 Zürich’s 1,000 troops 11/25/2024 12/45/99")
	f.Add("", "\xff\xfe U.\u00a0S. ’s '' .. ... ?! —\n\n\n\n\t")
	f.Fuzz(func(t *testing.T, title, body string) {
		d := Analyze(title, body)
		last := 0
		for i, s := range d.Sentences {
			if s.Start < last || s.End <= s.Start || s.End > len(body) {
				t.Fatalf("sentence %d [%d:%d] out of order or range (previous end %d, body %d bytes)", i, s.Start, s.End, last, len(body))
			}
			if body[s.Start:s.End] != s.Text || !boundary(body, s.Start) || !boundary(body, s.End) {
				t.Fatalf("sentence %d [%d:%d] = %q, Text %q", i, s.Start, s.End, body[s.Start:s.End], s.Text)
			}
			if i > 0 && s.Para < d.Sentences[i-1].Para {
				t.Fatalf("sentence %d paragraph %d after %d", i, s.Para, d.Sentences[i-1].Para)
			}
			last = s.End
		}
		checkTokens(t, body, d.Tokens)
		checkTokens(t, title, d.TitleTokens)
		for _, tm := range d.Times {
			if tm.Start < 0 || tm.End > len(body) || tm.Start >= tm.End || body[tm.Start:tm.End] != tm.Text {
				t.Fatalf("time %+v out of range or inconsistent", tm)
			}
			if tm.Sentence < 0 || tm.Sentence >= len(d.Sentences) {
				t.Fatalf("time %q in sentence %d of %d", tm.Text, tm.Sentence, len(d.Sentences))
			}
		}
		for _, e := range d.Entities {
			if e.Count < 1 || len(e.Variants) == 0 || e.Name == "" {
				t.Fatalf("entity %+v", e)
			}
			for _, v := range e.Variants {
				if !strings.Contains(body, v) && !strings.Contains(title, v) {
					t.Fatalf("variant %q of %q is in neither title nor body", v, e.Name)
				}
			}
			for _, s := range e.Sentences {
				if s < 0 || s >= len(d.Sentences) {
					t.Fatalf("entity %q in sentence %d of %d", e.Name, s, len(d.Sentences))
				}
			}
		}
	})
}

func checkTokens(t *testing.T, s string, toks []Token) {
	t.Helper()
	last := 0
	for _, tok := range toks {
		if tok.Start < last || tok.End <= tok.Start || tok.End > len(s) {
			t.Fatalf("token %+v out of order or range", tok)
		}
		if s[tok.Start:tok.End] != tok.Text || !boundary(s, tok.Start) || !boundary(s, tok.End) {
			t.Fatalf("token [%d:%d] = %q, Text %q", tok.Start, tok.End, s[tok.Start:tok.End], tok.Text)
		}
		if tok.Norm == "" || tok.Stem == "" {
			t.Fatalf("token %q has empty Norm or Stem", tok.Text)
		}
		last = tok.End
	}
}

// boundary reports whether i is at the start of a rune (or the end) of s,
// as ranging over s decodes it: a byte of invalid UTF-8 is a rune of its own.
func boundary(s string, i int) bool {
	if i == len(s) {
		return true
	}
	for j := range s {
		if j >= i {
			return j == i
		}
	}
	return false
}
