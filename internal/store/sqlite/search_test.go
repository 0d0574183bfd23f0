package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/testutil"
)

func searchStore(t testing.TB) *Store {
	t.Helper()
	s := newTest(t)
	recs := []*store.Record{
		article("lavrov", "NBC News", 1, day(1)),
		article("zelensky", "Fox News", 2, day(2)),
		article("prague", "Fox News", 2, day(3)),
	}
	recs[0].Article.Title = "Lavrov met former US officials"
	recs[0].Article.Text = "Russian Foreign Minister Sergey Lavrov met former officials in New York in April."
	recs[1].Article.Title = "Zelenskyy in Prague"
	recs[1].Article.Text = "Zelenskyy visited Prague; Czech President Petr Pavel said it was AND OR NOT a * test. Lavrov was not there."
	recs[2].Article.Title = "Café society in Praha"
	recs[2].Article.Text = "Crème brûlée with \"quotes\" — naïve résumé, 北京 news."
	mustSave(t, s, recs...)
	return s
}

func TestSearch(t *testing.T) {
	ctx := context.Background()
	s := searchStore(t)
	for _, tc := range []struct {
		name  string
		query string
		q     store.ArticleQuery
		want  []int64
	}{
		{"one word", "lavrov", store.ArticleQuery{}, []int64{1, 2}},
		{"title counts more", "Lavrov", store.ArticleQuery{}, []int64{1, 2}},
		{"every word required", "Lavrov Prague", store.ArticleQuery{}, []int64{2}},
		{"filter outlet", "lavrov", store.ArticleQuery{Outlet: "Fox News"}, []int64{2}},
		{"filter story", "lavrov", store.ArticleQuery{Story: 1}, []int64{1}},
		{"filter since", "lavrov", store.ArticleQuery{Since: *day(2)}, []int64{2}},
		{"lone quote", `"`, store.ArticleQuery{}, nil},
		{"unbalanced quote", `"lavrov`, store.ArticleQuery{}, []int64{1, 2}},
		{"operator word", "AND", store.ArticleQuery{}, []int64{2}},
		{"operators are words", "lavrov OR prague", store.ArticleQuery{}, []int64{2}},
		{"star", "*", store.ArticleQuery{}, nil},
		{"prefix star", "lav*", store.ArticleQuery{}, nil},
		{"minus", "-lavrov", store.ArticleQuery{}, []int64{1, 2}},
		{"column filter", "title:lavrov", store.ArticleQuery{}, nil},
		{"parentheses", "(lavrov", store.ArticleQuery{}, []int64{1, 2}},
		{"NEAR", "NEAR(lavrov prague)", store.ArticleQuery{}, nil},
		{"diacritics folded", "creme brulee", store.ArticleQuery{}, []int64{3}},
		{"accents typed", "résumé naïve", store.ArticleQuery{}, []int64{3}},
		{"accents decomposed", "re\u0301sume\u0301", store.ArticleQuery{}, []int64{3}},
		{"mark unicode61 splits on", "lavrov\u0305", store.ArticleQuery{}, []int64{1, 2}},
		{"unicode", "北京", store.ArticleQuery{}, []int64{3}},
		{"empty", "   ", store.ArticleQuery{}, nil},
		{"limit", "lavrov", store.ArticleQuery{Limit: 1}, []int64{1}},
		{"a word again asks nothing more", strings.Repeat("lavrov LAVROV ", 40) + "prague", store.ArticleQuery{}, []int64{2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits, err := s.Search(ctx, tc.query, tc.q)
			if err != nil {
				t.Fatalf("Search(%q): %v", tc.query, err)
			}
			var ids []int64
			for _, h := range hits {
				ids = append(ids, h.Article.ID)
			}
			if !equalIDs(ids, tc.want) {
				t.Errorf("Search(%q) = %v, want %v", tc.query, ids, tc.want)
			}
		})
	}
	t.Run("too many words", func(t *testing.T) {
		words := make([]string, store.MaxQueryWords+1)
		for i := range words {
			words[i] = fmt.Sprintf("w%d", i)
		}
		_, err := s.Search(ctx, strings.Join(words, " "), store.ArticleQuery{})
		if !errors.Is(err, store.ErrLongQuery) || !strings.Contains(err.Error(), "search of 33 words") {
			t.Errorf("a search of %d words: %v, want ErrLongQuery saying how many", len(words), err)
		}
		if _, err := s.Search(ctx, strings.Join(words[1:], " "), store.ArticleQuery{}); err != nil {
			t.Errorf("a search of %d words: %v", len(words)-1, err)
		}
	})
	t.Run("snippet and rank", func(t *testing.T) {
		hits, err := s.Search(ctx, "lavrov", store.ArticleQuery{})
		if err != nil || len(hits) != 2 {
			t.Fatalf("hits = %+v, %v", hits, err)
		}
		mark := store.HighlightStart + "Lavrov" + store.HighlightEnd
		if !strings.Contains(hits[0].Snippet, mark) {
			t.Errorf("snippet %q lacks %q", hits[0].Snippet, mark)
		}
		if hits[0].Rank < hits[1].Rank || hits[1].Rank <= 0 {
			t.Errorf("ranks %v, %v: want positive, best first", hits[0].Rank, hits[1].Rank)
		}
	})
}

// TestTokenRunes checks that FTS5 reads every rune tokenRune keeps in a
// word as part of one token: a query string of two tokens is an error on an
// index without positions.
func TestTokenRunes(t *testing.T) {
	s := searchStore(t)
	var kept []rune
	for r := range rune(unicode.MaxRune + 1) {
		if tokenRune(r) {
			kept = append(kept, r)
		}
	}
	// Many runes a query, halved where one fails to find which.
	var check func(rs []rune)
	check = func(rs []rune) {
		words := make([]string, len(rs))
		for i, r := range rs {
			words[i] = `"a` + string(r) + `b"`
		}
		var n int
		err := s.read.QueryRow(`SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?`,
			strings.Join(words, " OR ")).Scan(&n)
		switch {
		case err == nil:
		case len(rs) == 1:
			t.Errorf("%U: %v", rs[0], err)
		default:
			check(rs[:len(rs)/2])
			check(rs[len(rs)/2:])
		}
	}
	for len(kept) > 0 {
		n := min(len(kept), 2000)
		check(kept[:n])
		kept = kept[n:]
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzSearch checks that no typed text breaks the query: Search never
// fails, text without words finds nothing, and since every word is
// required, the hits are among those of the first word alone.
func FuzzSearch(f *testing.F) {
	for _, p := range testutil.Seeds(f) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		for _, l := range lines[:min(len(lines), 12)] {
			f.Add(l)
		}
	}
	for _, q := range []string{`"`, `AND`, `*`, `-`, `a OR b`, `"x" NEAR/2 y`, `title:x`, `^start`, "\x00", `{title text}: a`} {
		f.Add(q)
	}
	s := searchStore(f)
	f.Fuzz(func(t *testing.T, query string) {
		words := quotedWords(query)
		hits, err := s.Search(context.Background(), query, store.ArticleQuery{})
		if errors.Is(err, store.ErrLongQuery) && len(words) > store.MaxQueryWords {
			return
		}
		if err != nil {
			t.Fatalf("Search(%q): %v", query, err)
		}
		if len(words) == 0 && len(hits) != 0 {
			t.Fatalf("Search(%q) without words found %d", query, len(hits))
		}
		if len(hits) == 0 {
			return
		}
		first := words[0]
		wider, err := s.Search(context.Background(), first, store.ArticleQuery{})
		if err != nil {
			t.Fatalf("Search(%q): %v", first, err)
		}
		found := map[int64]bool{}
		for _, h := range wider {
			found[h.Article.ID] = true
		}
		for _, h := range hits {
			if !found[h.Article.ID] {
				t.Errorf("Search(%q) found %d, Search(%q) does not", query, h.Article.ID, first)
			}
			if !utf8.ValidString(h.Snippet) {
				t.Errorf("snippet %q is not UTF-8", h.Snippet)
			}
		}
	})
}

func TestSearchWindows(t *testing.T) {
	ctx := context.Background()
	s := newTest(t)
	// Ten matching articles, the two oldest from the outlet filtered on.
	var recs []*store.Record
	for i := range 10 {
		outlet := "Daily"
		if i < 2 {
			outlet = "Weekly"
		}
		r := article(fmt.Sprintf("w%d", i), outlet, 1, day(i+1))
		r.Article.Text = "Lavrov spoke."
		recs = append(recs, r)
	}
	// In the window, a title match ranks first, then the newest.
	recs[8].Article.Title = "Lavrov in the title"
	mustSave(t, s, recs...)
	defer func(w []int) { searchWindows = w }(searchWindows)
	searchWindows = []int{3, 0}
	for _, tc := range []struct {
		name string
		q    store.ArticleQuery
		want []int64
	}{
		{"unfiltered ranks the newest window", store.ArticleQuery{Limit: 3}, []int64{9, 10, 8}},
		{"offset in the window", store.ArticleQuery{Limit: 1, Offset: 1}, []int64{10}},
		{"filtered widens the window", store.ArticleQuery{Outlet: "Weekly", Limit: 3}, []int64{2, 1}},
		{"offset past the window", store.ArticleQuery{Limit: 3, Offset: 8}, []int64{2, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits, err := s.Search(ctx, "lavrov", tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, h := range hits {
				ids = append(ids, h.Article.ID)
				if h.Article.Title == "" || !strings.Contains(h.Snippet, store.HighlightStart) {
					t.Errorf("hit %d not filled: %+v", h.Article.ID, h)
				}
			}
			if !equalIDs(ids, tc.want) {
				t.Errorf("ids = %v, want %v", ids, tc.want)
			}
		})
	}
}
