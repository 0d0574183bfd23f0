package sqlite

import (
	"context"
	"testing"

	"github.com/parallax-news/parallax/internal/store"
)

// TestReserveIDs checks that reserved ids are used as given, that saves
// without an id never take a reserved one, and that every article is in the
// full-text index exactly once whatever the order of the ids.
func TestReserveIDs(t *testing.T) {
	ctx := context.Background()
	s := newTest(t)
	firstA, firstS, err := s.ReserveIDs(ctx, 10, 5)
	if err != nil {
		t.Fatal(err)
	}
	if firstA != 1 || firstS != 1 {
		t.Fatalf("first reservation = article %d, story %d; want 1, 1", firstA, firstS)
	}
	// A save without an id, by another writer, takes an id past the reservation.
	other := mustSave(t, s, article("other", "Outlet A", 0, nil))[0]
	if other <= firstA+9 {
		t.Fatalf("unreserved save got id %d inside the reserved run %d..%d", other, firstA, firstA+9)
	}
	// Reserved ids saved later and out of order keep their ids.
	recs := []*store.Record{article("late", "Outlet B", firstS, nil), article("early", "Outlet B", firstS, nil)}
	recs[0].Article.ID, recs[1].Article.ID = firstA+7, firstA+2
	ids := mustSave(t, s, recs...)
	if ids[0] != firstA+7 || ids[1] != firstA+2 {
		t.Fatalf("saved ids = %v, want [%d %d]", ids, firstA+7, firstA+2)
	}
	nextA, nextS, err := s.ReserveIDs(ctx, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if nextA <= other || nextS != firstS+5 {
		t.Fatalf("second reservation = article %d, story %d; want past %d and %d", nextA, nextS, other, firstS+5)
	}
	// FTS5's own check fails when the index and the articles disagree.
	if _, err := s.write.ExecContext(ctx, `INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')`); err != nil {
		t.Fatalf("full-text index does not match the articles: %v", err)
	}
	for _, name := range []string{"other", "late", "early"} {
		hits, err := s.Search(ctx, name, store.ArticleQuery{})
		if err != nil || len(hits) != 1 {
			t.Errorf("search %q: %d hits, %v; want 1", name, len(hits), err)
		}
	}
}
