package postgres

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/store/storetest"
)

// These tests are of what only the PostgreSQL store does: several
// processes (here, stores with pools of their own) on one database.

// TestSaveBatchAtTwoProcesses has two stores write, at once, batches made
// for the same count of writes: the row lock on the count serialises them,
// so exactly one is stored and the other is ErrChanged with nothing of it
// written.
func TestSaveBatchAtTwoProcesses(t *testing.T) {
	ctx := t.Context()
	a := newTest(t)
	b := reopen(t, a)
	storetest.MustSave(t, a, storetest.Record("first", "AP", 1, storetest.Day(1)))
	for round := range 10 {
		at, err := a.Generation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		batches := [][]*store.Record{
			{storetest.Record(name("a", round, 0), "AP", 1, storetest.Day(2)), storetest.Record(name("a", round, 1), "AP", 2, storetest.Day(3))},
			{storetest.Record(name("b", round, 0), "BBC", 1, storetest.Day(2)), storetest.Record(name("b", round, 1), "BBC", 3, storetest.Day(3))},
		}
		errs := make([]error, 2)
		writes := make([]int64, 2)
		var start, done sync.WaitGroup
		start.Add(1)
		for i, s := range []*Store{a, b} {
			done.Go(func() {
				start.Wait()
				_, writes[i], errs[i] = s.SaveBatchAt(ctx, at.Writes, batches[i])
			})
		}
		start.Done()
		done.Wait()
		won := -1
		for i, err := range errs {
			switch {
			case err == nil && won < 0 && writes[i] == at.Writes+1:
				won = i
			case errors.Is(err, store.ErrChanged):
			default:
				t.Fatalf("round %d: store %d: SaveBatchAt = %d, %v; want one stored at %d writes, the other ErrChanged",
					round, i, writes[i], err, at.Writes+1)
			}
		}
		if won < 0 {
			t.Fatalf("round %d: both batches refused: %v", round, errs)
		}
		for i, batch := range batches {
			for _, rec := range batch {
				_, err := a.Known(ctx, rec.Article.URL, "")
				if stored := err == nil; stored != (i == won) {
					t.Errorf("round %d: %s stored = %v (%v); want only the winner's", round, rec.Article.URL, stored, err)
				}
			}
		}
		if g, err := b.Generation(ctx); err != nil || g.Writes != at.Writes+1 {
			t.Errorf("round %d: generation %+v, %v; want %d writes", round, g, err, at.Writes+1)
		}
	}
}

func name(who string, round, i int) string {
	return who + "-" + strings.Repeat("x", round) + "-" + string(rune('0'+i))
}

// TestReserveIDsTwoProcesses has two stores reserve article and story ids
// at once, beside saves taking ids of their own: no id is handed out twice.
func TestReserveIDsTwoProcesses(t *testing.T) {
	ctx := t.Context()
	a := newTest(t)
	b := reopen(t, a)
	type owner struct{ store, round int }
	var (
		mu       sync.Mutex
		articles = map[int64]owner{}
		stories  = map[int64]owner{}
		wg       sync.WaitGroup
	)
	claim := func(t *testing.T, ids map[int64]owner, first int64, n int, o owner) {
		mu.Lock()
		defer mu.Unlock()
		for id := first; id < first+int64(n); id++ {
			if prev, ok := ids[id]; ok {
				t.Errorf("id %d handed to %+v and %+v", id, prev, o)
			}
			ids[id] = o
		}
	}
	for i, s := range []*Store{a, b} {
		wg.Go(func() {
			for round := range 30 {
				o := owner{i, round}
				firstA, firstS, err := s.ReserveIDs(ctx, 7, 3)
				if err != nil {
					t.Errorf("ReserveIDs: %v", err)
					return
				}
				claim(t, articles, firstA, 7, o)
				claim(t, stories, firstS, 3, o)
				story, err := s.NextStoryID(ctx)
				if err != nil {
					t.Errorf("NextStoryID: %v", err)
					return
				}
				claim(t, stories, story, 1, o)
				rec := storetest.Record(name(string(rune('a'+i)), round, 0), "AP", 0, nil)
				id, err := s.Save(ctx, rec)
				if err != nil {
					t.Errorf("Save: %v", err)
					return
				}
				claim(t, articles, id, 1, o)
			}
		})
	}
	wg.Wait()
	if want := 2 * 30 * 8; len(articles) != want {
		t.Errorf("%d article ids handed out, want %d", len(articles), want)
	}
}

// TestReopenKeepsGeneration: the store's identity is drawn once, when its
// schema is made, not at each opening.
func TestReopenKeepsGeneration(t *testing.T) {
	ctx := t.Context()
	s := newTest(t)
	storetest.MustSave(t, s, storetest.Record("a", "AP", 1, storetest.Day(1)))
	before, err := s.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	after, err := reopen(t, s).Generation(ctx)
	if err != nil || after != before {
		t.Errorf("generation after reopening = %+v, %v; want %+v", after, err, before)
	}
}

// TestRefuseNewerSchema: code that knows fewer migrations than the schema
// had refuses it, and its error names the database but not the password.
func TestRefuseNewerSchema(t *testing.T) {
	dsn := newSchema(t)
	openTest(t, dsn).Close()
	// The test server trusts its user: any password will do.
	_, err := open(t.Context(), withParam(t, dsn, "password", "hunter2"), nil, migrations[:len(migrations)-1])
	if !errors.Is(err, store.ErrNewerSchema) {
		t.Fatalf("open with %d of %d migrations: err = %v, want ErrNewerSchema", len(migrations)-1, len(migrations), err)
	}
	if strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "search_path=parallax_test_") {
		t.Errorf("error %q: want the schema named and no password", err)
	}
}

// TestOpenAtOnce opens a fresh schema from several stores at once: the
// advisory lock makes them migrate in turn, so each opens, and the schema
// is made once.
func TestOpenAtOnce(t *testing.T) {
	dsn := newSchema(t)
	stores := make([]*Store, 4)
	errs := make([]error, len(stores))
	var wg sync.WaitGroup
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = Open(t.Context(), dsn, nil) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("store %d: %v", i, err)
		}
		t.Cleanup(func() { stores[i].Close() })
	}
	var versions, ids int
	s := stores[0]
	if err := s.pool.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM schema_version WHERE version = $1),
		(SELECT count(*) FROM counters WHERE name = 'store')`, len(migrations)).Scan(&versions, &ids); err != nil {
		t.Fatal(err)
	}
	if versions != 1 || ids != 1 {
		t.Errorf("%d schema versions at %d, %d store ids; want one of each", versions, len(migrations), ids)
	}
}

// TestBatchFailsMidway fails a record in the middle of a batch written
// set-wise (see saveRecords): the server refuses the run's statement, not
// the record. The error names the record all the same, and nothing of the
// batch is kept.
func TestBatchFailsMidway(t *testing.T) {
	serverDSN(t)
	ctx := t.Context()
	for _, tc := range []struct {
		name string
		bad  func(stored int64) *store.Record
	}{
		{"copy of an unknown article", func(int64) *store.Record {
			r := storetest.Record("bad", "AP", 2, storetest.Day(3))
			r.Article.CopyOf = new(int64(999))
			return r
		}},
		{"id of a stored article", func(stored int64) *store.Record {
			r := storetest.Record("bad", "AP", 2, storetest.Day(3))
			r.Article.ID = stored
			return r
		}},
		// PostgreSQL's text holds no NUL and only valid UTF-8, where
		// SQLite's holds any bytes: such an article is refused.
		{"text with a NUL byte", func(int64) *store.Record {
			r := storetest.Record("bad", "AP", 2, storetest.Day(3))
			r.Article.Text = "before\x00after"
			return r
		}},
		{"title not UTF-8", func(int64) *store.Record {
			r := storetest.Record("bad", "AP", 2, storetest.Day(3))
			r.Article.Title = "caf\xe9"
			return r
		}},
		{"merge of an unknown story", func(int64) *store.Record {
			r := storetest.Record("bad", "AP", 2, storetest.Day(3))
			r.Merges = []store.Merge{{From: 77, Into: 2}}
			return r
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newTest(t)
			stored := storetest.MustSave(t, s, storetest.Record("a", "AP", 1, storetest.Day(1)))[0]
			before := snapshot(t, s)
			batch := []*store.Record{
				storetest.Record("n0", "BBC", 2, storetest.Day(2), "Petr Pavel"),
				storetest.Record("n1", "CNN", 1, storetest.Day(2)),
				tc.bad(stored),
				storetest.Record("n3", "BBC", 3, storetest.Day(4)),
				storetest.Record("n4", "NBC", 1, storetest.Day(5)),
			}
			if _, err := s.SaveBatch(ctx, batch); err == nil || !strings.Contains(err.Error(), "record 2 ") {
				t.Fatalf("SaveBatch: err = %v, want record 2 named", err)
			}
			if after := snapshot(t, s); after != before {
				t.Errorf("the failed batch changed the store:\nbefore\n%s\nafter\n%s", before, after)
			}
			if _, err := s.SaveBatch(ctx, append(batch[:2:2], batch[3:]...)); err != nil {
				t.Errorf("the good records after the failure: %v", err)
			}
		})
	}
}
