package sqlite

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

// TestGeneration checks that every change to articles or stories, and
// nothing else, counts one write, and that a database made anew at the
// same path does not pass for the old one: a story index saved from one
// generation must not be taken for current in another.
func TestGeneration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "parallax.db")
	s := openTest(t, path)
	s0, ids := s, mustSave(t, s, article("a", "AP", 1, day(1)), article("b", "CNN", 2, day(3)))
	at, err := s.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if at.Writes != 1 {
		t.Errorf("after one batch: writes = %d, want 1", at.Writes)
	}
	steps := []struct {
		name   string
		do     func() error
		counts bool
	}{
		{"save", func() error { _, err := s.Save(ctx, article("c", "BBC", 1, day(2))); return err }, true},
		{"batch", func() error { _, err := s.SaveBatch(ctx, []*store.Record{article("d", "AP", 3, day(4))}); return err }, true},
		{"refused batch", func() error {
			_, err := s.SaveBatch(ctx, []*store.Record{article("a", "AP", 1, day(1))})
			return nilIfErr(err)
		}, false},
		{"merge", func() error { _, err := s.MergeStories(ctx, 2, 1, "same event"); return err }, true},
		{"move", func() error { _, err := s.MoveArticle(ctx, ids[0], 0, "another event"); return err }, true},
		{"unknown move", func() error { _, err := s.MoveArticle(ctx, 999, 1, "no such article"); return nilIfErr(err) }, false},
		{"split", func() error { _, err := s.SplitStory(ctx, 1, []int64{ids[1]}, "two events"); return err }, true},
		{"reserve ids", func() error { _, _, err := s.ReserveIDs(ctx, 10, 10); return err }, false},
		{"comparison", func() error { return s.PutComparison(ctx, 1, 1, []byte("{}")) }, false},
		{"feed", func() error { _, err := s.AddFeed(ctx, model.Feed{URL: "https://a.example/rss"}); return err }, false},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		now, err := s.Generation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := at
		if st.counts {
			want.Writes++
		}
		if now != want {
			t.Errorf("%s: generation %+v -> %+v, want %+v", st.name, at, now, want)
		}
		at = now
	}

	// Made anew at the same path, after as many writes.
	s0.Close()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	s = openTest(t, path)
	fresh, err := s.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.Writes != 0 || fresh.Store == at.Store {
		t.Errorf("a new database at the same path: generation %+v, the old one's %+v; want no writes and another store", fresh, at)
	}
}

// nilIfErr turns the error a step is expected to fail with into success,
// and its success into an error.
func nilIfErr(err error) error {
	if err == nil {
		return errors.New("succeeded, want an error")
	}
	return nil
}
