package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/store/storetest"
	"github.com/parallax-news/parallax/internal/testutil"
)

func searchStore(t testing.TB) *Store {
	t.Helper()
	s := newTest(t)
	storetest.MustSave(t, s, storetest.SearchRecords()...)
	return s
}

// TestTokenRunes checks that FTS5 reads every rune store.WordRune keeps in a
// word as part of one token: a query string of two tokens is an error on an
// index without positions.
func TestTokenRunes(t *testing.T) {
	s := searchStore(t)
	var kept []rune
	for r := range rune(unicode.MaxRune + 1) {
		if store.WordRune(r) {
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
		r := storetest.Record(fmt.Sprintf("w%d", i), outlet, 1, storetest.Day(i+1))
		r.Article.Text = "Lavrov spoke."
		recs = append(recs, r)
	}
	// In the window, a title match ranks first, then the newest.
	recs[8].Article.Title = "Lavrov in the title"
	storetest.MustSave(t, s, recs...)
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
			if !slices.Equal(ids, tc.want) {
				t.Errorf("ids = %v, want %v", ids, tc.want)
			}
		})
	}
}
