package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/bench"
	"github.com/parallax-news/parallax/internal/model"
)

// TestBenchIngest runs `bench ingest` small, as a user would, in both
// outputs: the table names every column the JSON fills, and the JSON's
// windows carry the stage costs and the look-up work.
func TestBenchIngest(t *testing.T) {
	dir := t.TempDir()
	out, errOut, code := parallax(t, filepath.Join(dir, "table.db"), "bench", "ingest", "--articles", "400", "--every", "200")
	if code != 0 {
		t.Fatalf("bench ingest: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"assign µs", "regroup µs", "postings", "store µs", "400 articles (400 new, 0 known, 0 failed)", "peak RSS", "against the generator's gold"} {
		if !strings.Contains(out, want) {
			t.Errorf("bench ingest output lacks %q:\n%s", want, out)
		}
	}

	// --db before the command is where the run stores, as after it.
	var articles []model.Article
	mustJSON(t, filepath.Join(dir, "table.db"), &articles, "articles")
	if len(articles) != 400 {
		t.Errorf("the store named by --db holds %d articles after the run, want 400", len(articles))
	}

	var rep bench.IngestReport
	mustJSON(t, filepath.Join(dir, "json.db"), &rep, "bench", "ingest", "--articles", "400", "--every", "200")
	if rep.New != 400 || rep.Stored != 400 || len(rep.Checkpoints) != 2 {
		t.Fatalf("report: %d new, %d stored, %d windows; want 400, 400, 2", rep.New, rep.Stored, len(rep.Checkpoints))
	}
	var postings float64
	for _, cp := range rep.Checkpoints {
		postings += cp.Postings
	}
	if postings <= 0 {
		t.Errorf("no postings read per look-up in any window: %+v", rep.Checkpoints)
	}

	if _, errOut, code := parallax(t, filepath.Join(dir, "bad.db"), "bench", "ingest", "extra"); code == 0 || !strings.Contains(errOut, "usage") {
		t.Errorf("bench ingest with an argument: exit %d, stderr %q; want a usage error", code, errOut)
	}
}

// TestBenchIngestKeepsIndexFile: a run of a few articles into a store
// whose index it read from the file leaves the file as it was, and says so;
// the next run reads the file and follows those articles.
func TestBenchIngestKeepsIndexFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	steps := []struct {
		args []string
		want []string
	}{
		{[]string{"--articles", "400"}, []string{"story index kept for the next run"}},
		{[]string{"--articles", "5", "--seed", "2"}, []string{"story index file kept as it was", "the next run follows the 5 articles stored since"}},
		{[]string{"--articles", "5", "--seed", "3"}, []string{"with 5 articles stored or moved since"}},
	}
	for _, s := range steps {
		// --db after the subcommand: without it, bench ingest makes a
		// temporary store.
		out, errOut, code := parallax(t, db, append([]string{"bench", "ingest", "--db", db}, s.args...)...)
		if code != 0 {
			t.Fatalf("bench ingest %v: exit %d: %s", s.args, code, errOut)
		}
		for _, want := range s.want {
			if !strings.Contains(out, want) {
				t.Errorf("bench ingest %v: output lacks %q:\n%s", s.args, want, out)
			}
		}
	}
}
