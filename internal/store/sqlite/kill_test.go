package sqlite

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/store/storetest"
)

// killChildEnv, when set to a database path, makes TestKilledSaveSurvives
// the child that saves until it is killed.
const killChildEnv = "PARALLAX_STORE_KILL_CHILD"

func killRecord(i int) *store.Record {
	return storetest.Record(fmt.Sprintf("k%d", i), fmt.Sprintf("Outlet %d", i%7), int64(i%13+1), storetest.Day(i%28+1), "Entity")
}

// saveUntilKilled is the child: it saves records one at a time and in
// batches of ten, printing "i id" for each only after its commit returned.
func saveUntilKilled(path string) error {
	s, err := Open(context.Background(), path, nil)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(os.Stdout)
	for i := 1; ; {
		if i%2 == 0 {
			batch := make([]*store.Record, 10)
			for j := range batch {
				batch[j] = killRecord(i + j)
			}
			ids, err := s.SaveBatch(context.Background(), batch)
			if err != nil {
				return err
			}
			for j, id := range ids {
				fmt.Fprintf(out, "%d %d\n", i+j, id)
			}
			i += len(batch)
		} else {
			id, err := s.Save(context.Background(), killRecord(i))
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "%d %d\n", i, id)
			i++
		}
		if err := out.Flush(); err != nil {
			return err
		}
	}
}

func TestKilledSaveSurvives(t *testing.T) {
	if path := os.Getenv(killChildEnv); path != "" {
		err := saveUntilKilled(path)
		fmt.Fprintln(os.Stderr, "child stopped:", err)
		os.Exit(2)
	}
	if testing.Short() {
		t.Skip("starts a child process; run without -short")
	}
	path := filepath.Join(t.TempDir(), "killed.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledSaveSurvives$")
	cmd.Env = append(os.Environ(), killChildEnv+"="+path)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	saved := map[int]int64{}
	lines := bufio.NewScanner(stdout)
	killed := false
	for lines.Scan() {
		var i int
		var id int64
		if _, err := fmt.Sscanf(lines.Text(), "%d %d", &i, &id); err != nil {
			t.Fatalf("child said %q: %v", lines.Text(), err)
		}
		saved[i] = id
		if len(saved) >= 300 && !killed {
			// SIGKILL: no deferred code, no Close, no checkpoint.
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	err = cmd.Wait()
	if !killed {
		t.Fatalf("child ended before it was killed: %v", err)
	}

	s := openTest(t, path)
	ctx := context.Background()
	var check string
	if err := s.read.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	n, _ := s.CountArticles(ctx)
	if n < int64(len(saved)) {
		t.Fatalf("%d articles stored, %d reported saved", n, len(saved))
	}
	for i, id := range saved {
		want := killRecord(i).Article
		got, err := s.Article(ctx, id)
		if err != nil {
			t.Fatalf("record %d, reported as article %d: %v", i, id, err)
		}
		if got.Title != want.Title || got.Text != want.Text || got.URL != want.URL || *got.Story != *want.Story {
			t.Errorf("article %d = %+v, want %+v", id, got, want)
		}
		// Running the same ingest again finds it: no duplicate.
		if _, err := s.Save(ctx, killRecord(i)); !errors.Is(err, store.ErrDuplicate) {
			t.Errorf("saving record %d again: err = %v, want ErrDuplicate", i, err)
		}
	}
	// The story counts were committed with the articles.
	var counted, stored int64
	if err := s.read.QueryRow(`SELECT sum(articles) FROM stories`).Scan(&counted); err != nil {
		t.Fatal(err)
	}
	if stored, _ = s.CountArticles(ctx); counted != stored {
		t.Errorf("stories count %d articles, %d stored", counted, stored)
	}
	t.Logf("%d records reported saved before kill -9, %d stored", len(saved), stored)
}
