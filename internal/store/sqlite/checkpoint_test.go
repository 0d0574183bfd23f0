package sqlite

import (
	"context"
	"encoding/binary"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/parallax-news/parallax/internal/store"
)

// settle returns once the checkpointer has handled every commit before it.
func (c *checkpointer) settle() {
	reply := make(chan struct{})
	c.idle <- reply
	<-reply
}

// walFrames reads how many frames the WAL holds (mxFrame in the WAL-index
// header): it falls when the WAL starts over.
func walFrames(t *testing.T, s *Store) uint32 {
	t.Helper()
	var hdr [walIndexHeader]byte
	if err := s.ckpt.walIndex.header(hdr[:]); err != nil {
		t.Fatal(err)
	}
	return binary.NativeEndian.Uint32(hdr[16:])
}

// articlesInFile counts the articles in a copy of the database file alone,
// without its WAL: what checkpoints have copied into it.
func articlesInFile(t *testing.T, path string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(cp, data, 0o600); err != nil {
		t.Fatal(err)
	}
	s := openTest(t, cp)
	var n int
	if err := s.read.QueryRow(`SELECT count(*) FROM articles`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func saveBatches(t *testing.T, s *Store, from, batches, size int, after func()) {
	t.Helper()
	for b := range batches {
		recs := make([]*store.Record, size)
		for i := range recs {
			recs[i] = killRecord(from + b*size + i)
		}
		if _, err := s.SaveBatch(context.Background(), recs); err != nil {
			t.Fatal(err)
		}
		after()
	}
}

// TestCheckpointerBoundsWAL writes many times the checkpointer's limit and
// checks the WAL never holds more than the limit and one batch: the
// checkpointer copies it into the database file, and the writer then
// starts it over.
func TestCheckpointerBoundsWAL(t *testing.T) {
	const limit = 128
	path := filepath.Join(t.TempDir(), "parallax.db")
	s, err := open(context.Background(), path, slog.New(slog.DiscardHandler), limit)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var written, largest, grew, prev uint32
	restarts := 0
	saveBatches(t, s, 1, 100, 10, func() {
		s.ckpt.settle()
		n := walFrames(t, s)
		largest = max(largest, n)
		if n > prev {
			grew = max(grew, n-prev)
			written += n - prev
		} else {
			restarts++
			written += n
		}
		prev = n
	})
	if written < 4*limit {
		t.Fatalf("only %d frames went through the WAL; the test needs several times the limit %d", written, limit)
	}
	if s.ckpt.runs.Load() == 0 || restarts == 0 {
		t.Fatalf("%d checkpoints, WAL started over %d times; want both", s.ckpt.runs.Load(), restarts)
	}
	if largest > limit+grew {
		t.Errorf("WAL reached %d frames; want at most the limit %d and one batch (%d)", largest, limit, grew)
	}
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	if most := 32 + int64(largest)*(8192+24); fi.Size() > most {
		t.Errorf("WAL file of %d bytes; %d frames take %d", fi.Size(), largest, most)
	}
	if n := articlesInFile(t, path); n == 0 {
		t.Errorf("the database file holds no article after %d checkpoints", s.ckpt.runs.Load())
	}
}

// TestCloseCheckpoints checks Close still copies the whole WAL into the
// database file and removes it, the checkpointer's connection included.
func TestCloseCheckpoints(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parallax.db")
	s, err := Open(context.Background(), path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	saveBatches(t, s, 1, 5, 10, func() {})
	if s.ckpt.runs.Load() != 0 {
		t.Fatalf("%d checkpoints of a WAL below the limit", s.ckpt.runs.Load())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); !os.IsNotExist(err) {
		t.Errorf("WAL left after Close: %v", err)
	}
	if n := articlesInFile(t, path); n != 50 {
		t.Errorf("the database file holds %d articles, want 50", n)
	}
}

// TestCheckpointerCatchesUpAtOpen checks a WAL left over the limit by a
// process that stopped without closing is copied once the store opens.
func TestCheckpointerCatchesUpAtOpen(t *testing.T) {
	const limit = 128
	path := filepath.Join(t.TempDir(), "parallax.db")
	big, err := open(context.Background(), path, slog.New(slog.DiscardHandler), math.MaxUint32)
	if err != nil {
		t.Fatal(err)
	}
	defer big.Close()
	saveBatches(t, big, 1, 40, 10, func() {})
	if n := walFrames(t, big); n < limit {
		t.Fatalf("WAL of %d frames; the test needs more than %d", n, limit)
	}
	s, err := open(context.Background(), path, slog.New(slog.DiscardHandler), limit)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.ckpt.settle()
	if s.ckpt.runs.Load() != 1 {
		t.Errorf("%d checkpoints at open, want 1", s.ckpt.runs.Load())
	}
	if n := articlesInFile(t, path); n != 400 {
		t.Errorf("the database file holds %d articles, want 400", n)
	}
}
