package main

import (
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/store"
)

func TestSearch(t *testing.T) {
	db, arts := ingestSeeds(t)
	fox := arts[0]
	if fox.Outlet != "Fox News" {
		fox = arts[1]
	}

	var found store.Found
	mustJSON(t, db, &found, "search", "Koffler")
	if len(found.Articles) != 1 || found.Articles[0].Article.ID != fox.ID {
		t.Fatalf("search Koffler = %+v, want only the Fox News article %d", found.Articles, fox.ID)
	}
	if s := found.Articles[0].Snippet; !strings.Contains(s, store.HighlightStart+"Koffler"+store.HighlightEnd) {
		t.Errorf("snippet %q does not mark Koffler", s)
	}
	if len(found.Stories) != 1 || found.Stories[0].ID != *fox.Story || found.Stories[0].Articles != 2 {
		t.Errorf("search Koffler stories = %+v, want story %d of 2 articles", found.Stories, *fox.Story)
	}

	for _, tc := range []struct {
		name string
		args []string
		want int // articles found
	}{
		{"words of both articles", []string{"Lavrov", "Haass"}, 2},
		{"an outlet's only", []string{"--outlet", "Fox News", "Lavrov"}, 1},
		{"another outlet", []string{"--outlet", "Reuters", "Lavrov"}, 0},
		{"the day of the dated article", []string{"--since", "2024-11-25", "--until", "2024-11-25", "Lavrov"}, 1},
		{"before any date", []string{"--until", "2020-01-01", "Lavrov"}, 0},
		{"limited", []string{"--limit", "1", "Lavrov"}, 1},
		{"a word in neither", []string{"Blinken"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got store.Found
			mustJSON(t, db, &got, append([]string{"search"}, tc.args...)...)
			if len(got.Articles) != tc.want {
				t.Errorf("search %v found %d articles, want %d: %+v", tc.args, len(got.Articles), tc.want, got.Articles)
			}
		})
	}

	out, _, code := parallax(t, db, "search", "Koffler")
	if code != 0 || !strings.Contains(out, "[Koffler]") || !strings.Contains(out, "in the stories:") {
		t.Errorf("search Koffler printed (exit %d):\n%s", code, out)
	}
	if out, _, code := parallax(t, db, "search", "Blinken"); code != 0 || !strings.Contains(out, `no article matches "Blinken"`) {
		t.Errorf("search Blinken printed (exit %d):\n%s", code, out)
	}

	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no words", []string{"search"}, 2, "usage: parallax search"},
		{"a bad date", []string{"search", "--since", "yesterday", "Lavrov"}, 2, `--since "yesterday": want YYYY-MM-DD`},
		{"a bad language", []string{"search", "--language", "zz", "Lavrov"}, 2, "--language: want an ISO 639-1 code"},
		{"too many words", append([]string{"search"}, distinctWords(store.MaxQueryWords+1)...), 1, "too many words"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := parallax(t, db, tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Errorf("parallax %v: exit %d, stderr %q; want exit %d and %q", tc.args, code, errOut, tc.code, tc.want)
			}
		})
	}
}

// distinctWords returns n different words: "a", "b", ..., "aa", "ab", ...
func distinctWords(n int) []string {
	words := make([]string, n)
	for i := range words {
		for j := i + 1; j > 0; j = (j - 1) / 26 {
			words[i] = string(rune('a'+(j-1)%26)) + words[i]
		}
	}
	return words
}
