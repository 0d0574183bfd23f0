package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/store/sqlite"
)

// TestMain lets the test binary act as the parallax command, so a test can
// run it as a child process and kill it.
func TestMain(m *testing.M) {
	if os.Getenv("PARALLAX_TEST_AS_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// writeSyntheticJSONL writes n distinct articles: sentences of random words
// with a unique serial, so none is a copy of another.
func writeSyntheticJSONL(t *testing.T, path string, n int) {
	t.Helper()
	words := strings.Fields("minister talks officials agreement parliament vote election court ruling " +
		"storm flood police arrest company shares market report council budget strike union " +
		"hospital vaccine school protest border treaty summit senator governor mayor city")
	rng := rand.New(rand.NewPCG(1, 2))
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	for i := range n {
		var body strings.Builder
		for p := range 4 {
			for range 3 {
				for range 12 {
					body.WriteString(words[rng.IntN(len(words))])
					body.WriteByte(' ')
				}
				fmt.Fprintf(&body, "serial%dx%d. ", i, p)
			}
			body.WriteString("\n")
		}
		rec := map[string]any{"id": fmt.Sprintf("syn-%d", i), "title": fmt.Sprintf("Report number %d", i), "text": body.String()}
		if err := enc.Encode(rec); err != nil {
			t.Fatal(err)
		}
	}
}

// TestKilledIngestLosesNothing kills an ingest with SIGKILL part-way, checks
// every article it reported stored is there, then runs the same ingest again
// and checks it completes with no duplicates.
func TestKilledIngestLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a child ingest of 3,000 articles; run without -short")
	}
	const total = 3000
	dir := t.TempDir()
	input := filepath.Join(dir, "big.jsonl")
	db := filepath.Join(dir, "p.db")
	writeSyntheticJSONL(t, input, total)

	cmd := exec.Command(os.Args[0], "--db", db, "ingest", "-v", input)
	cmd.Env = append(os.Environ(), "PARALLAX_TEST_AS_MAIN=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	reported := map[int64]bool{}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && len(reported) < total/3 {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) < 2 || fields[0] != "new" {
			continue
		}
		id, err := strconv.ParseInt(fields[1], 10, 64)
		if err != nil {
			t.Fatalf("bad progress line %q", sc.Text())
		}
		reported[id] = true
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if len(reported) < total/3 {
		t.Fatalf("child reported only %d articles before ending", len(reported))
	}

	ctx := context.Background()
	st, err := sqlite.Open(ctx, db, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	for id := range reported {
		a, err := st.Article(ctx, id)
		if err != nil {
			t.Fatalf("article %d was reported stored but is lost: %v", id, err)
		}
		if !strings.HasPrefix(a.ExternalID, "syn-") || a.Story == nil || a.Text == "" {
			t.Fatalf("article %d is damaged: %+v", id, a)
		}
	}
	st.Close()

	out, errOut, code := parallax(t, db, "ingest", input)
	if code != 0 {
		t.Fatalf("second ingest: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "already known") {
		t.Fatalf("second ingest summary = %q", out)
	}
	st, err = sqlite.Open(ctx, db, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	arts, err := st.Articles(ctx, store.ArticleQuery{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, a := range arts {
		if seen[a.ExternalID] {
			t.Fatalf("article %s stored twice", a.ExternalID)
		}
		seen[a.ExternalID] = true
	}
	if len(seen) != total {
		t.Fatalf("after the second ingest %d articles are stored, want %d", len(seen), total)
	}
}
