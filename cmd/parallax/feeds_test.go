package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/follow"
	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

// feedsRun runs `parallax --db db feeds args...` and returns its output.
func feedsRun(t *testing.T, db string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	app := newApp(strings.NewReader(""), &out, &errOut)
	rest, err := app.parseGlobal(append([]string{"--db", db}, args...))
	if err != nil {
		t.Fatal(err)
	}
	err = runFeeds(t.Context(), app, rest)
	return out.String(), err
}

func listedFeeds(t *testing.T, db string) []model.Feed {
	t.Helper()
	out, err := feedsRun(t, db, "list", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var feeds []model.Feed
	if err := json.Unmarshal([]byte(out), &feeds); err != nil {
		t.Fatalf("feeds list --json: %v\n%s", err, out)
	}
	return feeds
}

func TestFeedsCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")

	// Listing is reading: no database is made for it.
	if _, err := feedsRun(t, db, "list"); err == nil || !strings.Contains(err.Error(), "no database at "+db) {
		t.Fatalf("feeds list before any feed: %v; want no database named", err)
	}
	if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("feeds list made %s: %v", db, err)
	}
	if _, err := feedsRun(t, db, "add", "https://wire.example/top.rss", "--outlet", "Wire"); err != nil {
		t.Fatal(err)
	}
	if _, err := feedsRun(t, db, "add", "https://wire.example/top.rss"); err == nil || !strings.Contains(err.Error(), "already followed as feed 1") {
		t.Errorf("adding a feed twice: %v, want it named as already followed", err)
	}

	opml := filepath.Join(dir, "in.opml")
	doc := `<opml version="2.0"><body><outline text="Desk">` +
		`<outline text="Desk feed" xmlUrl="https://desk.example/feed.atom"/>` +
		`<outline text="Dup" xmlUrl="https://wire.example/top.rss"/>` +
		`<outline text="Broken" xmlUrl="gopher://old.example/"/>` +
		`</outline></body></opml>`
	if err := os.WriteFile(opml, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := feedsRun(t, db, "import", opml)
	if !errors.Is(err, follow.ErrBadOutline) || !strings.Contains(err.Error(), "Broken") {
		t.Errorf("import with a bad outline: %v, want an error naming it", err)
	}
	if !strings.Contains(out, "1 feeds added, 1 already followed") {
		t.Errorf("import summary = %q", out)
	}

	feeds := listedFeeds(t, db)
	if len(feeds) != 2 || feeds[0].Outlet != "Wire" || feeds[1].URL != "https://desk.example/feed.atom" || feeds[1].Outlet != "Desk" {
		t.Fatalf("feeds after import = %+v", feeds)
	}

	out, err = feedsRun(t, db, "export")
	if err != nil {
		t.Fatal(err)
	}
	back, err := follow.ReadOPML(strings.NewReader(out))
	if err != nil || len(back) != 2 || back[1].Outlet != "Desk" {
		t.Errorf("export read back as %+v, %v\n%s", back, err, out)
	}

	if _, err := feedsRun(t, db, "remove", "https://desk.example/feed.atom"); err != nil {
		t.Fatal(err)
	}
	if _, err := feedsRun(t, db, "remove", "1"); err != nil {
		t.Fatal(err)
	}
	if out, err := feedsRun(t, db, "list", "--json"); err != nil || strings.TrimSpace(out) != "[]" {
		t.Errorf("feeds list after removing both = %q, %v; want []", out, err)
	}
}

func TestFeedsErrors(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	bad := filepath.Join(dir, "bad.opml")
	if err := os.WriteFile(bad, []byte("<opml><body><outline"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := feedsRun(t, db, "add", "https://kept.example/rss"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want error
	}{
		{"no subcommand", nil, errUsage},
		{"unknown subcommand", []string{"follow"}, errUsage},
		{"add without URL", []string{"add"}, errUsage},
		{"add a path", []string{"add", "/etc/feed.xml"}, follow.ErrBadURL},
		{"remove unknown id", []string{"remove", "42"}, store.ErrNotFound},
		{"remove unknown URL", []string{"remove", "https://none.example/rss"}, store.ErrNotFound},
		{"remove neither id nor URL", []string{"remove", "nothing"}, errUsage},
		{"import malformed OPML", []string{"import", bad}, follow.ErrBadOPML},
		{"import missing file", []string{"import", filepath.Join(dir, "none.opml")}, os.ErrNotExist},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := feedsRun(t, db, tc.args...); !errors.Is(err, tc.want) {
				t.Errorf("feeds %q: %v, want %v", tc.args, err, tc.want)
			}
		})
	}
}
