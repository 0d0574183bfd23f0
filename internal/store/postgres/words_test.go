package postgres

import (
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/testutil"
)

// TestEachWord checks that the index holds exactly the words a query asks
// for: eachWord finds, folded, the words store.QueryWords finds.
func TestEachWord(t *testing.T) {
	cases := []struct{ name, text string }{
		{"empty", ""},
		{"ascii", "Lavrov met former US officials in New York, in April 2023."},
		{"operators", `AND OR NOT a * "quoted" title:lavrov NEAR(x y) -minus re-sume`},
		{"accents", "Crème brûlée — naïve résumé, RÉSUMÉ, re\u0301sume\u0301"},
		{"marks split", "lavrov\u0305 x\u0305y"},
		{"scripts", "北京 news, Zelenskyy Зеленський Ζελένσκι İstanbul ǅemal"},
		{"long word", strings.Repeat("a", maxLexeme+1) + " short " + strings.Repeat("b", maxLexeme)},
		{"invalid UTF-8", "abc\xffdef \xc3"},
	}
	for _, p := range testutil.Seeds(t) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, struct{ name, text string }{p, string(b)})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := map[string]bool{}
			for _, w := range store.QueryWords(tc.text) {
				if f := fold(w); f != "" && len(f) <= maxLexeme {
					want[f] = true
				}
			}
			got := map[string]bool{}
			eachWord(tc.text, func(w string) { got[w] = true })
			if !maps.Equal(got, want) {
				t.Errorf("eachWord = %q\nwant %q", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
			}
		})
	}
}
