package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/synth"
)

// TestIngestListsMoves ingests generated articles with -v. Later batches
// regroup some stories of earlier ones, so some articles end up outside
// the story their line gave. The last line naming each article must give
// the story the store holds it in: a "moved" line, once, where an earlier
// line gave another.
func TestIngestListsMoves(t *testing.T) {
	dir := t.TempDir()
	corpus, err := synth.DemoCorpus()
	if err != nil {
		t.Fatal(err)
	}
	gen, err := synth.New(1, synth.Options{Corpus: corpus})
	if err != nil {
		t.Fatal(err)
	}
	// Each article comes twice in a row: the second is known while the
	// first is still being stored, and is listed with the same story.
	var lines []byte
	for range 600 {
		line := append(gen.Next().Item.Raw.Bytes, '\n')
		lines = slices.Concat(lines, line, line)
	}
	input := filepath.Join(dir, "articles.jsonl")
	if err := os.WriteFile(input, lines, 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "p.db")
	out, errOut, code := parallax(t, db, "ingest", "-v", input)
	if code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errOut)
	}
	var arts []model.Article
	mustJSON(t, db, &arts, "articles")
	stored := make(map[int64]int64, len(arts))
	for _, a := range arts {
		if a.Story != nil {
			stored[a.ID] = *a.Story
		}
	}
	last := map[int64]int64{} // the story of the last line naming an article
	stale := map[int64]bool{} // a line gave another story than the store's
	moved := map[int64]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Split(line, "\t")
		if len(f) < 4 {
			continue // the summary
		}
		id, err1 := strconv.ParseInt(f[1], 10, 64)
		story, err2 := strconv.ParseInt(strings.TrimPrefix(f[2], "story "), 10, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("line %q: %v, %v", line, err1, err2)
		}
		switch f[0] {
		case "new", "known":
			stale[id] = stale[id] || story != stored[id]
		case "moved":
			if moved[id] {
				t.Errorf("article %d moved twice", id)
			}
			moved[id] = true
		default:
			t.Errorf("line %q: unexpected status", line)
		}
		last[id] = story
	}
	t.Logf("%d of %d articles moved", len(moved), len(last))
	if len(last) != len(arts) {
		t.Errorf("%d articles listed, %d stored", len(last), len(arts))
	}
	if len(moved) == 0 {
		t.Fatal("no article listed as moved: later batches regroup some stories of earlier ones")
	}
	for id, story := range last {
		if story != stored[id] {
			t.Errorf("article %d: the output leaves it in story %d, the store has story %d", id, story, stored[id])
		}
		if moved[id] != stale[id] {
			t.Errorf("article %d: listed as moved %v, but a line gave another story: %v", id, moved[id], stale[id])
		}
	}
}

// cancellingReader reads r and calls cancel once after bytes have been read:
// a person pressing Ctrl-C while an ingest runs.
type cancellingReader struct {
	r      io.Reader
	after  int
	read   int
	cancel context.CancelFunc
}

func (c *cancellingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.read < c.after && c.read+n >= c.after {
		c.cancel()
	}
	c.read += n
	return n, err
}

// TestIngestInterrupted: an ingest stopped part way says how many of the
// articles in hand it did not store, once, prints no error for each of
// them, and exits 1; what it reported as new is stored, and the same
// command again stores the rest.
func TestIngestInterrupted(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	const total = 3000
	jsonl, errOut, code := parallax(t, db, "bench", "gen", "--articles", strconv.Itoa(total))
	if code != 0 {
		t.Fatalf("bench gen: exit %d: %s", code, errOut)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errs bytes.Buffer
	in := &cancellingReader{r: strings.NewReader(jsonl), after: len(jsonl) / 2, cancel: cancel}
	code = run(ctx, []string{"--db", db, "ingest", "-"}, newApp(in, &out, &errs))
	if code != 1 || !strings.Contains(errs.String(), "interrupted") || strings.Contains(errs.String(), "error:") {
		t.Fatalf("interrupted ingest: exit %d, stderr:\n%s", code, errs.String())
	}
	var stored, known, failed, stopped int
	if _, err := fmt.Sscanf(out.String(), "%d new, %d already known, %d failed, %d not stored", &stored, &known, &failed, &stopped); err != nil || stopped == 0 {
		t.Fatalf("summary %q (%v): want the articles not stored counted", out.String(), err)
	}
	var arts []model.Article
	mustJSON(t, db, &arts, "articles", "--json")
	if len(arts) != stored {
		t.Errorf("%d articles stored, %d reported new", len(arts), stored)
	}
	out.Reset()
	errs.Reset()
	if code := run(context.Background(), []string{"--db", db, "ingest", "-"}, newApp(strings.NewReader(jsonl), &out, &errs)); code != 0 {
		t.Fatalf("ingest again: exit %d: %s", code, errs.String())
	}
	if want := fmt.Sprintf("%d new, %d already known, 0 failed\n", total-stored, stored); out.String() != want {
		t.Errorf("ingest again: %q, want %q", out.String(), want)
	}
}

// TestIngestDirectoryHoldingTheDatabase: ingesting the directory the
// database is in reads the articles there and passes over the database,
// its write-ahead log and its index file, which are no articles.
func TestIngestDirectoryHoldingTheDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "parallax.db")
	if err := os.WriteFile(filepath.Join(dir, "harbour.txt"), []byte("Harbour reopens\n\nThe harbour reopened on Monday after a week of repairs to the sea wall.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := parallax(t, db, "ingest", filepath.Join(dir, "harbour.txt")); code != 0 {
		t.Fatalf("first ingest: exit %d: %s", code, errOut)
	}
	if err := os.WriteFile(filepath.Join(dir, "dam.txt"), []byte("Dam holds\n\nThe dam held through the night as the river rose to a record height.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := parallax(t, db, "ingest", dir)
	if code != 0 || !strings.Contains(out, "1 new, 1 already known, 0 failed") {
		t.Errorf("ingest of the database's directory: exit %d, %q; stderr %q", code, out, errOut)
	}
}
