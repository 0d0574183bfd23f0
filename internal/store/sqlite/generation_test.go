package sqlite

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/store/storetest"
)

// TestGenerationNewFile: a database made anew at the same path, after as
// many writes, does not pass for the old one.
func TestGenerationNewFile(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "parallax.db")
	s := openTest(t, path)
	storetest.MustSave(t, s, storetest.Record("a", "AP", 1, storetest.Day(1)))
	old, err := s.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	s = openTest(t, path)
	storetest.MustSave(t, s, storetest.Record("a", "AP", 1, storetest.Day(1)))
	fresh, err := s.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.Writes != old.Writes || fresh.Store == old.Store {
		t.Errorf("a new database at the same path: generation %+v, the old one's %+v; want as many writes and another store", fresh, old)
	}
}

// TestChangedRowsSeek: a page of ChangedRows seeks the index of writes,
// whatever the store holds.
func TestChangedRowsSeek(t *testing.T) {
	plan := queryPlan(t, newTest(t), sqlChangedPage, 10, 5, clusterPage)
	if strings.Contains(plan, "SCAN a") || !strings.Contains(plan, "INDEX articles_changed (") {
		t.Errorf("plan %q: want a search of articles_changed", plan)
	}
}
