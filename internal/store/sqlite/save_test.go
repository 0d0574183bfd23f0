package sqlite

import (
	"context"
	"slices"
	"testing"

	"github.com/parallax-news/parallax/internal/store"
)

// TestSaveEntities checks the entities an article is stored with: one
// row per key (case folded, space trimmed, empty dropped), each readable
// back exactly as the facet filter looks it up, whatever it holds.
func TestSaveEntities(t *testing.T) {
	tests := []struct {
		name     string
		entities []string
		want     []string
	}{
		{"none", nil, nil},
		{"plain", []string{"Sergey Lavrov", "NBC News"}, []string{"nbc news", "sergey lavrov"}},
		{"same key twice", []string{"Lavrov", " LAVROV "}, []string{"lavrov"}},
		{"empty dropped", []string{"", "  ", "Kyiv"}, []string{"kyiv"}},
		{"quotes and markup", []string{`"Dr." O'Brien <b>`, `a\b`}, []string{`"dr." o'brien <b>`, `a\b`}},
		{"beyond ASCII", []string{"Zelenskyy Володимир", "Ü🙂"}, []string{"zelenskyy володимир", "ü🙂"}},
		{"invalid UTF-8", []string{"Kiev\xff"}, []string{"kiev\uFFFD"}},
	}
	s := newTest(t)
	ctx := context.Background()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := article(tc.name, "AP", int64(i+1), day(1), tc.entities...)
			id := mustSave(t, s, rec)[0]
			rows, err := s.read.QueryContext(ctx, `SELECT entity FROM article_entities WHERE article = ? ORDER BY entity`, id)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var got []string
			for rows.Next() {
				var e string
				if err := rows.Scan(&e); err != nil {
					t.Fatal(err)
				}
				got = append(got, e)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("entities stored = %q, want %q", got, tc.want)
			}
			for _, e := range tc.entities {
				if k := entityKey(e); k != "" && !slices.Contains(got, k) {
					t.Errorf("key %q of %q not stored", k, e)
				}
			}
		})
	}
}

// TestSaveBatchStoryAfterMerge saves, in one batch, articles of a story
// both before and after another article's merge folds that story away:
// the articles after it land in the story it joined.
func TestSaveBatchStoryAfterMerge(t *testing.T) {
	tests := []struct {
		name      string
		merge     bool
		wantLast  int64
		wantCount int // articles of story 2 at the end
	}{
		{"no merge", false, 1, 1},
		{"merge in the batch", true, 2, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTest(t)
			ctx := context.Background()
			first := article("first", "AP", 1, day(1))
			second := article("second", "AP", 2, day(2))
			if tc.merge {
				second.Merges = []store.Merge{{From: 1, Into: 2}}
			}
			last := article("last", "AP", 1, day(3))
			mustSave(t, s, first, second, last)
			if got := *last.Article.Story; got != tc.wantLast {
				t.Errorf("last article's story = %d, want %d", got, tc.wantLast)
			}
			st, err := s.Story(ctx, 2)
			if err != nil {
				t.Fatal(err)
			}
			if st.Articles != tc.wantCount {
				t.Errorf("story 2 has %d articles, want %d", st.Articles, tc.wantCount)
			}
		})
	}
}
