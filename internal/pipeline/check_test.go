package pipeline

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/store"
)

// knownCalls is a store counting its known look-ups and article reads;
// KnownMany fails with manyErr and StoriesOf with storiesErr when set, and
// Known fails for the content hash failHash.
type knownCalls struct {
	store.Store
	manyErr, storiesErr  error
	failHash             string
	known, many, article atomic.Int64
}

func (s *knownCalls) StoriesOf(ctx context.Context, articles []int64) ([]int64, error) {
	if s.storiesErr != nil {
		return nil, s.storiesErr
	}
	return s.Store.StoriesOf(ctx, articles)
}

func (s *knownCalls) Article(ctx context.Context, id int64) (*model.Article, error) {
	s.article.Add(1)
	return s.Store.Article(ctx, id)
}

func (s *knownCalls) Known(ctx context.Context, url, hash string) (int64, error) {
	s.known.Add(1)
	if s.failHash != "" && hash == s.failHash {
		return 0, errors.New("disk on fire")
	}
	return s.Store.Known(ctx, url, hash)
}

func (s *knownCalls) KnownMany(ctx context.Context, urls, hashes []string) ([]int64, error) {
	s.many.Add(1)
	if s.manyErr != nil {
		return nil, s.manyErr
	}
	return s.Store.KnownMany(ctx, urls, hashes)
}

var topics = []string{"budget", "bridge", "school", "harbour"}

// storeItems ingests items 0 to n-1 into a fresh store and returns it with
// their results.
func storeItems(t *testing.T, n int) (store.Store, []Result) {
	t.Helper()
	p, st := newPipeline(t)
	var items []source.Item
	for i := range n {
		items = append(items, item(i, topics[i%len(topics)]))
	}
	var stored []Result
	p.IngestItems(t.Context(), items, func(r Result) {
		if r.Status != StatusNew {
			t.Errorf("%s: %s %v", r.Input, r.Status, r.Err)
		}
		stored = append(stored, r)
	})
	return st, stored
}

// TestCheckRun: a worker's run of items is checked against the store in
// one look-up; a stored article is known, with its id, and not analysed.
// When that look-up fails, each article is looked up alone, and a failure
// there fails its own article only.
func TestCheckRun(t *testing.T) {
	const stored, run = 3, 8
	tests := []struct {
		name        string
		manyErr     error
		failItem    int // an item whose own look-up fails; -1 for none
		known, many int64
		warnings    int
	}{
		{"one look-up", nil, -1, 0, 1, 0},
		{"look-up fails", errors.New("database is locked"), -1, run, 1, 1},
		{"look-up and one article's fail", errors.New("database is locked"), 5, run, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			real, first := storeItems(t, stored)
			st := &knownCalls{Store: real, manyErr: tt.manyErr}
			var w warnings
			p, err := New(st, Options{}, slog.New(&w))
			if err != nil {
				t.Fatal(err)
			}
			if tt.failItem >= 0 {
				st.failHash = p.extract(t.Context(), item(tt.failItem, topics[tt.failItem%len(topics)])).article.ContentHash
			}
			var jobs []job
			for i := range run {
				jobs = append(jobs, job{item: item(i, topics[i%len(topics)]), out: make(chan prepared, 1)})
			}
			p.prepareRun(t.Context(), jobs)
			for i, j := range jobs {
				pr := <-j.out
				switch {
				case i == tt.failItem:
					if pr.err == nil {
						t.Errorf("item %d: no error, want its look-up's", i)
					}
				case i < stored:
					if pr.err != nil || pr.known != first[i].Article || pr.features != nil {
						t.Errorf("item %d: known %d, analysed %t, err %v; want known as %d, not analysed", i, pr.known, pr.features != nil, pr.err, first[i].Article)
					}
				default:
					if pr.err != nil || pr.known != 0 || pr.features == nil {
						t.Errorf("item %d: known %d, analysed %t, err %v; want new and analysed", i, pr.known, pr.features != nil, pr.err)
					}
				}
			}
			if got := st.many.Load(); got != tt.many {
				t.Errorf("%d batched look-ups, want %d", got, tt.many)
			}
			if got := st.known.Load(); got != tt.known {
				t.Errorf("%d look-ups of one article, want %d", got, tt.known)
			}
			if len(w.msgs) != tt.warnings {
				t.Errorf("warnings %q, want %d", w.msgs, tt.warnings)
			}
		})
	}
}

// TestReingestKnown re-ingests a stream of stored articles mixed with new
// ones, longer than a worker's run: each stored one is known as the article
// and story it is stored as, each new one is new, in input order, whether
// the batched look-ups work or fail. Working, they read no article.
func TestReingestKnown(t *testing.T) {
	const stored = 3 * checkRun
	failed := errors.New("database is locked")
	tests := []struct {
		name                string
		manyErr, storiesErr error
	}{
		{"batched look-ups", nil, nil},
		{"known look-ups fail", failed, nil},
		{"story look-ups fail", nil, failed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			real, first := storeItems(t, stored)
			st := &knownCalls{Store: real, manyErr: tt.manyErr, storiesErr: tt.storiesErr}
			p := newPipelineOn(t, st)
			var items []source.Item
			for i := range 2 * stored {
				items = append(items, item(i, topics[i%len(topics)]))
			}
			i := 0
			p.IngestItems(t.Context(), items, func(r Result) {
				switch {
				case r.Input != items[i].Input:
					t.Errorf("result %d is for %s, want %s", i, r.Input, items[i].Input)
				case i < stored && (r.Status != StatusKnown || r.Article != first[i].Article || r.Story != first[i].Story):
					t.Errorf("%s: %s article %d story %d (%v), want known as %d in %d", r.Input, r.Status, r.Article, r.Story, r.Err, first[i].Article, first[i].Story)
				case i >= stored && r.Status != StatusNew:
					t.Errorf("%s: %s %v, want new", r.Input, r.Status, r.Err)
				}
				i++
			})
			if i != len(items) {
				t.Fatalf("%d results, want %d", i, len(items))
			}
			if n, err := real.CountArticles(t.Context()); err != nil || n != 2*stored {
				t.Errorf("%d articles stored (%v), want %d", n, err, 2*stored)
			}
			if n := st.article.Load(); tt.storiesErr == nil && n != 0 {
				t.Errorf("%d articles read to report their stories, want none", n)
			}
		})
	}
}

// reserveFails is a store whose first ID reservations fail.
type reserveFails struct {
	store.Store
	fails atomic.Int64
}

func (s *reserveFails) ReserveIDs(ctx context.Context, articles, stories int) (int64, int64, error) {
	if s.fails.Add(-1) >= 0 {
		return 0, 0, errors.New("disk full")
	}
	return s.Store.ReserveIDs(ctx, articles, stories)
}

// TestRunRepeats: an article a worker's run holds twice is analysed once;
// the repeat is the first arrival's, known as its article and story. When
// the first arrival fails to be stored, the repeat is analysed then and
// stored in its place.
func TestRunRepeats(t *testing.T) {
	tests := []struct {
		name string
		// fails: the ID reservations that fail, failing the first arrival.
		fails                 int64
		firstStatus, repeated string
	}{
		{"first arrival stored", 0, StatusNew, StatusKnown},
		{"first arrival failed", 1, StatusFailed, StatusNew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, real := newPipeline(t)
			st := &reserveFails{Store: real}
			p := newPipelineOn(t, st)
			st.fails.Store(tt.fails)
			items := []source.Item{item(1, "budget"), item(2, "bridge"), item(1, "budget")}
			var jobs []job
			for _, it := range items {
				jobs = append(jobs, job{item: it, out: make(chan prepared, 1)})
			}
			p.prepareRun(t.Context(), jobs)
			var prs []prepared
			for i, j := range jobs {
				pr := j.wait()
				if repeat := i == 2; pr.deferred != repeat || (pr.features == nil) != repeat {
					t.Errorf("item %d: deferred %t, analysed %t; want the repeat alone deferred and not analysed", i, pr.deferred, pr.features != nil)
				}
				prs = append(prs, pr)
			}
			res := p.commitBatch(t.Context(), prs)
			if res[0].Status != tt.firstStatus || res[1].Status != StatusNew || res[2].Status != tt.repeated {
				t.Fatalf("statuses %s, %s, %s (%v); want %s, new, %s", res[0].Status, res[1].Status, res[2].Status, res[0].Err, tt.firstStatus, tt.repeated)
			}
			stored := res[2]
			if tt.firstStatus == StatusNew {
				if stored.Article != res[0].Article || stored.Story != res[0].Story {
					t.Errorf("repeat known as article %d in %d, want %d in %d", stored.Article, stored.Story, res[0].Article, res[0].Story)
				}
			}
			if n, err := real.CountArticles(t.Context()); err != nil || n != 2 {
				t.Errorf("%d articles stored (%v), want 2", n, err)
			}
			if b, err := real.Features(t.Context(), stored.Article); err != nil || len(b) == 0 {
				t.Errorf("article %d: %d bytes of features (%v), want its analysis stored", stored.Article, len(b), err)
			}
		})
	}
}
