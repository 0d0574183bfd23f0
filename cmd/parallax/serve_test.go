package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/testutil"
)

// lockedBuffer is a buffer that serve's goroutines may write to while the
// test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestServeSaysIndexReady: serve answers readers at once and makes the
// story index beside them; the operator is told when it is ready, since
// arrivals wait until then, and whether it was read from the file a
// process kept or rebuilt from every stored article.
func TestServeSaysIndexReady(t *testing.T) {
	db, arts := ingestSeeds(t)
	// The ingest kept its story index beside the database.
	if m := serveUntilReady(t, db); m[1] != "read from "+db+".index" {
		t.Errorf("after an ingest: story index %s, want it read from the file the ingest kept", m[1])
	}
	if err := os.Remove(db + ".index"); err != nil {
		t.Fatal(err)
	}
	if m := serveUntilReady(t, db); m[1] != "rebuilt from "+strconv.Itoa(len(arts))+" stored articles" {
		t.Errorf("without the file: story index %s, want it rebuilt from the %d stored articles", m[1], len(arts))
	}
	// The server kept it as it stopped.
	if m := serveUntilReady(t, db); !strings.HasPrefix(m[1], "read from ") {
		t.Errorf("after a server stopped: story index %s, want it read from the file the server kept", m[1])
	}
}

// TestIndexFlag: --index puts the story index where asked, or nowhere.
func TestIndexFlag(t *testing.T) {
	dir := t.TempDir()
	db, elsewhere := filepath.Join(dir, "p.db"), filepath.Join(dir, "elsewhere", "story.index")
	if err := os.Mkdir(filepath.Dir(elsewhere), 0o755); err != nil {
		t.Fatal(err)
	}
	seeds := testutil.Seeds(t)
	if _, errOut, code := parallax(t, db, append([]string{"--index", "off", "ingest"}, seeds[0])...); code != 0 {
		t.Fatalf("ingest --index off: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(db + ".index"); !os.IsNotExist(err) {
		t.Errorf("--index off: %s.index: %v, want no file", db, err)
	}
	if _, errOut, code := parallax(t, db, append([]string{"ingest", "--index", elsewhere}, seeds[1])...); code != 0 {
		t.Fatalf("ingest --index %s: exit %d: %s", elsewhere, code, errOut)
	}
	if m := serveUntilReady(t, db, "--index", elsewhere); m[1] != "read from "+elsewhere {
		t.Errorf("serve --index %s: story index %s, want it read from there", elsewhere, m[1])
	}
	if m := serveUntilReady(t, db, "--index", "off"); !strings.HasPrefix(m[1], "rebuilt from 2 ") {
		t.Errorf("serve --index off: story index %s, want it rebuilt from the 2 stored articles", m[1])
	}
}

// serveUntilReady serves db, with global flags, until it says its story
// index is ready, then stops it, and returns the line's submatches: how
// the index was made.
func serveUntilReady(t *testing.T, db string, flags ...string) []string {
	t.Helper()
	_, m, stop := serving(t, db, flags, nil)
	stop()
	return m
}

// serving serves db, with global flags and serve's own, until it says its
// story index is ready, and returns its address, the ready line's
// submatches (how the index was made) and a stop function that fails the
// test unless serve exits cleanly.
func serving(t *testing.T, db string, flags, serveFlags []string) (base string, ready []string, stop func()) {
	t.Helper()
	var out, errOut lockedBuffer
	app := newApp(strings.NewReader(""), &out, &errOut)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	args := append(append([]string{"--db", db}, flags...), "serve", "--addr", "127.0.0.1:0")
	go func() { done <- run(ctx, append(args, serveFlags...), app) }()
	stop = func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d: %s", code, errOut.String())
		}
	}

	addr := regexp.MustCompile(`parallax serve: (http://\S+/) `)
	readyLine := regexp.MustCompile(`parallax serve: story index ready in \S+ \(([^)]*)\): arrivals no longer wait`)
	deadline := time.Now().Add(30 * time.Second)
	for ready == nil && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		ready = readyLine.FindStringSubmatch(errOut.String())
	}
	if ready == nil {
		stop()
		t.Fatalf("no line saying the story index is ready in serve's output:\n%s", errOut.String())
	}
	return addr.FindStringSubmatch(errOut.String())[1], ready, stop
}

// TestServeBesideIngest: an article posted to a running server joins the
// story of one a `parallax ingest` beside it stored since the server
// started: the seeds, one through each, are one story.
func TestServeBesideIngest(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	seeds := testutil.Seeds(t)
	base, _, stop := serving(t, db, nil, []string{"--token", "secret"})
	defer stop()
	if _, errOut, code := parallax(t, db, "ingest", seeds[0]); code != 0 {
		t.Fatalf("ingest %s: exit %d: %s", seeds[0], code, errOut)
	}
	text, err := os.ReadFile(seeds[1])
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(map[string]string{"text": string(text)})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, base+"api/v1/articles", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST %s: %s, want 201 Created", seeds[1], resp.Status)
	}
	var stories []model.StorySummary
	mustJSON(t, db, &stories, "stories")
	if len(stories) != 1 || stories[0].Articles != 2 {
		t.Errorf("stories %+v: want one story of both seeds", stories)
	}
}

// TestServeFollowsPrivateFeed: serve follows a feed on a loopback address
// only when told to with --allow-private; without, each poll is refused and
// the feed says why. A feed added without a title takes its own, and the
// outlets page lists it beside the outlet its entries are credited to. The
// entry, a teaser, is read from the page it links to.
func TestServeFollowsPrivateFeed(t *testing.T) {
	const rss = `<?xml version="1.0"?><rss version="2.0"><channel><title>Intranet Desk</title>
<item><title>Council approves harbour plan</title><link>http://%s/harbour</link>
<description>The city council approved the harbour plan on Tuesday after a long debate about the cost of dredging the old channel and moving the ferry landing.</description></item>
</channel></rss>`
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/harbour" {
			io.WriteString(w, articlePage("harbour plan"))
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, rss, r.Host)
	}))
	t.Cleanup(feed.Close)
	for _, tc := range []struct {
		name  string
		flags []string
		want  func(f model.Feed, articles int) bool
	}{
		{"allowed", []string{"--allow-private"}, func(f model.Feed, n int) bool {
			return n == 1 && f.Failures == 0 && f.Title == "Intranet Desk"
		}},
		{"refused", nil, func(f model.Feed, n int) bool {
			return n == 0 && f.Failures > 0 && strings.Contains(f.LastError, "refusing loopback, private or link-local address (--allow-private allows it)")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "p.db")
			if _, errOut, code := parallax(t, db, "feeds", "add", feed.URL+"/rss.xml"); code != 0 {
				t.Fatalf("feeds add: exit %d: %s", code, errOut)
			}
			base, _, stop := serving(t, db, nil, append([]string{"--poll-interval", "1h"}, tc.flags...))
			defer stop()
			var (
				feeds []model.Feed
				arts  []model.Article
			)
			for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				mustJSON(t, db, &feeds, "feeds", "list")
				mustJSON(t, db, &arts, "articles")
				if len(feeds) == 1 && tc.want(feeds[0], len(arts)) {
					if len(arts) > 0 {
						outletHasFeed(t, base, arts[0].Outlet, feed.URL)
						var full struct {
							Text string `json:"text"`
						}
						mustJSON(t, db, &full, "article", itoa(arts[0].ID))
						if !strings.Contains(full.Text, "Paragraph 10 on the harbour plan") {
							t.Errorf("the entry was not read from its page: %.200q", full.Text)
						}
					}
					return
				}
			}
			t.Errorf("after the first poll: feeds %+v, %d articles", feeds, len(arts))
		})
	}
}

// outletHasFeed checks that the outlets page lists feed in outlet's row.
func outletHasFeed(t *testing.T, base, outlet, feed string) {
	t.Helper()
	resp, err := http.Get(base + "outlets")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	for row := range strings.SplitSeq(string(page), "<tr>") {
		if strings.Contains(row, ">"+outlet+"</a>") {
			if !strings.Contains(row, feed) {
				t.Errorf("the outlets page's row of %q does not list its feed %s:\n%s", outlet, feed, row)
			}
			return
		}
	}
	t.Errorf("the outlets page has no row for %q", outlet)
}
