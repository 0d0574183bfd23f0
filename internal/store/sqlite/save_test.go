package sqlite

import (
	"slices"
	"testing"

	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/store/storetest"
)

// TestSaveEntities checks the rows an article's entities are stored as:
// one per key (case folded, space trimmed, empty dropped), each exactly
// the key the facet filter looks up, whatever it holds. The suite checks
// the filter finds them.
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
	ctx := t.Context()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := storetest.Record(tc.name, "AP", int64(i+1), storetest.Day(1), tc.entities...)
			id := storetest.MustSave(t, s, rec)[0]
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
				if k := store.EntityKey(e); k != "" && !slices.Contains(got, k) {
					t.Errorf("key %q of %q not stored", k, e)
				}
			}
		})
	}
}
