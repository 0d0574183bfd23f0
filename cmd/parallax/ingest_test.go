package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/synth"
)

// TestIngestListsMoves ingests generated articles, three batches' worth,
// with -v. Later batches regroup some stories of earlier ones, so some
// articles end up outside the story their line gave: each such article
// gets a "moved" line naming the story the store holds it in, and every
// other listed article is in the story its line gave.
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
	var lines []byte
	for range 3000 {
		lines = append(lines, gen.Next().Item.Raw.Bytes...)
		lines = append(lines, '\n')
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
	listed, moved := map[int64]int64{}, map[int64]int64{}
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
			listed[id] = story
		case "moved":
			if _, ok := moved[id]; ok {
				t.Errorf("article %d moved twice", id)
			}
			moved[id] = story
		default:
			t.Errorf("line %q: unexpected status", line)
		}
	}
	if len(listed) != len(arts) {
		t.Errorf("%d articles listed, %d stored", len(listed), len(arts))
	}
	t.Logf("%d of %d articles moved", len(moved), len(listed))
	if len(moved) == 0 {
		t.Fatal("no article listed as moved: the demo corpus regroups some stories")
	}
	for id, story := range listed {
		want := stored[id]
		got, ok := moved[id]
		if !ok {
			got = story
		}
		if got != want {
			t.Errorf("article %d: the output leaves it in story %d, the store has story %d", id, got, want)
		}
		if ok && story == want {
			t.Errorf("article %d listed as moved, but it is in the story its line gave, %d", id, story)
		}
	}
}
