package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/store"
)

// testSearch checks what a reader typing a search may rely on: every word
// is required, whatever the text holds (quotes, operators, stars,
// columns); accents are folded; a title match ranks first; filters and
// limits hold; matches are marked in the snippet.
func testSearch(t *testing.T, o Opener) {
	ctx := t.Context()
	s := o.New(t)
	MustSave(t, s, SearchRecords()...)
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
		{"filter since", "lavrov", store.ArticleQuery{Since: *Day(2)}, []int64{2}},
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
		{"a combining mark ends a word", "lavrov\u0305", store.ArticleQuery{}, []int64{1, 2}},
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
			if !slices.Equal(ids, tc.want) {
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
		for _, h := range hits {
			if !strings.Contains(h.Snippet, mark) {
				t.Errorf("snippet %q of article %d lacks %q", h.Snippet, h.Article.ID, mark)
			}
			if h.Article.Title == "" || h.Article.URL == "" {
				t.Errorf("hit %d not filled: %+v", h.Article.ID, h.Article)
			}
		}
		if hits[0].Rank < hits[1].Rank || hits[1].Rank <= 0 {
			t.Errorf("ranks %v, %v: want positive, best first", hits[0].Rank, hits[1].Rank)
		}
	})
}
