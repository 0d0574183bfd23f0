package sqlite

import (
	"context"
	"sync"
	"testing"

	"github.com/parallax-news/parallax/internal/store"
)

// TestReadWhileWriting runs readers beside batches of writes, as serve does
// while feeds are ingested: WAL must let both go on without busy errors,
// and readers must never see a story counted without its articles.
func TestReadWhileWriting(t *testing.T) {
	ctx := context.Background()
	s := newTest(t)
	g := newGenerator(t, 5)
	const batches, size = 10, 50
	var wg sync.WaitGroup
	done := make(chan struct{})
	errs := make(chan error, 16)
	for range 3 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				list, err := s.Stories(ctx, store.StoryQuery{Sort: "biggest", Limit: 1})
				if err != nil {
					errs <- err
					return
				}
				for _, st := range list {
					arts, err := s.Articles(ctx, store.ArticleQuery{Story: st.ID})
					if err != nil {
						errs <- err
						return
					}
					// A story only grows here, so what was counted is there.
					if len(arts) < st.Articles {
						t.Errorf("story %d counted %d articles, %d readable", st.ID, st.Articles, len(arts))
					}
				}
				if _, err := s.Search(ctx, "Lavrov", store.ArticleQuery{Limit: 5}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for range batches {
		recs := make([]*store.Record, size)
		for i := range recs {
			recs[i] = g.record()
		}
		if _, err := s.SaveBatch(ctx, recs); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("reader: %v", err)
	}
	if n, _ := s.CountArticles(ctx); n != batches*size {
		t.Errorf("articles = %d, want %d", n, batches*size)
	}
}
