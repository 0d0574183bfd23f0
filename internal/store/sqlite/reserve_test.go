package sqlite

import (
	"testing"

	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/store/storetest"
)

// TestReserveIDsSearchIndex saves reserved ids out of order, beside a save
// without an id, and checks the full-text index holds every article once,
// and that the next run of story ids follows the last directly.
func TestReserveIDsSearchIndex(t *testing.T) {
	ctx := t.Context()
	s := newTest(t)
	firstA, firstS, err := s.ReserveIDs(ctx, 10, 5)
	if err != nil {
		t.Fatal(err)
	}
	storetest.MustSave(t, s, storetest.Record("other", "Outlet A", 0, nil))
	recs := []*store.Record{storetest.Record("late", "Outlet B", firstS, nil), storetest.Record("early", "Outlet B", firstS, nil)}
	recs[0].Article.ID, recs[1].Article.ID = firstA+7, firstA+2
	storetest.MustSave(t, s, recs...)
	// FTS5's own check fails when the index and the articles disagree.
	if _, err := s.write.ExecContext(ctx, `INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')`); err != nil {
		t.Fatalf("full-text index does not match the articles: %v", err)
	}
	if _, nextS, err := s.ReserveIDs(ctx, 3, 2); err != nil || nextS != firstS+5 {
		t.Errorf("second reservation of stories from %d, %v; want %d", nextS, err, firstS+5)
	}
}
