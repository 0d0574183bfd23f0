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
	tests := storetest.EntityCases
	s := newTest(t)
	ctx := t.Context()
	for i, tc := range tests {
		t.Run(tc.Name, func(t *testing.T) {
			rec := storetest.Record(tc.Name, "AP", int64(i+1), storetest.Day(1), tc.Entities...)
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
			if !slices.Equal(got, tc.Keys) {
				t.Errorf("entities stored = %q, want %q", got, tc.Keys)
			}
			for _, e := range tc.Entities {
				if k := store.EntityKey(e); k != "" && !slices.Contains(got, k) {
					t.Errorf("key %q of %q not stored", k, e)
				}
			}
		})
	}
}
