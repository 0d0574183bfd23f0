package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
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
	"github.com/parallax-news/parallax/internal/source/fetch"
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

// TestServeSharesHostLimit: serve polls feeds of teasers on two host names
// whose entries link to pages on one of them, which its feeds are also
// fetched from. The feeds and the pages are fetched with one limit per
// host: that host never has more requests at once than the limit, and
// every entry is read from its page.
func TestServeSharesHostLimit(t *testing.T) {
	var (
		mu       sync.Mutex
		inflight = map[string]int{}
		peak     = map[string]int{}
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, port, _ := net.SplitHostPort(r.Host)
		mu.Lock()
		inflight[host]++
		peak[host] = max(peak[host], inflight[host])
		mu.Unlock()
		defer func() {
			mu.Lock()
			inflight[host]--
			mu.Unlock()
		}()
		if subject, ok := strings.CutPrefix(r.URL.Path, "/art/"); ok {
			// Longer than the gap between requests, so that the pages keep
			// the host's slots busy while the feeds are polled.
			time.Sleep(300 * time.Millisecond)
			io.WriteString(w, articlePage(strings.ReplaceAll(subject, "-", " ")))
			return
		}
		// Feeds /l* on localhost give five entries each, feeds /c* on
		// 127.0.0.1 one; every page is on 127.0.0.1.
		n := 1
		if host == "localhost" {
			n = 5
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed %s</title>`, r.URL.Path[1:])
		for i := range n {
			subject := fmt.Sprintf("flood-%s-%d", r.URL.Path[1:], i)
			fmt.Fprintf(w, `<item><title>%[2]s</title><link>http://127.0.0.1:%[1]s/art/%[2]s</link><description>A teaser.</description></item>`, port, subject)
		}
		fmt.Fprint(w, `</channel></rss>`)
	}))
	t.Cleanup(srv.Close)
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	db := filepath.Join(t.TempDir(), "p.db")
	var feeds []string
	for _, f := range []string{"http://localhost:%d/l0", "http://localhost:%d/l1",
		"http://127.0.0.1:%d/c0", "http://127.0.0.1:%d/c1", "http://127.0.0.1:%d/c2", "http://127.0.0.1:%d/c3"} {
		feeds = append(feeds, fmt.Sprintf(f, port))
	}
	for _, f := range feeds {
		if _, errOut, code := parallax(t, db, "feeds", "add", f); code != 0 {
			t.Fatalf("feeds add %s: exit %d: %s", f, code, errOut)
		}
	}
	const entries = 2*5 + 4*1
	_, _, stop := serving(t, db, nil, []string{"--poll-interval", "1h", "--allow-private"})
	defer stop()
	var arts []model.Article
	for deadline := time.Now().Add(30 * time.Second); len(arts) < entries && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		mustJSON(t, db, &arts, "articles")
	}
	if len(arts) != entries {
		t.Fatalf("%d articles stored, want %d", len(arts), entries)
	}
	for _, a := range arts {
		var full struct {
			Text string `json:"text"`
		}
		mustJSON(t, db, &full, "article", itoa(a.ID))
		if !strings.Contains(full.Text, "Paragraph 10 on the "+strings.ReplaceAll(a.Title, "-", " ")) {
			t.Errorf("%q was not read from its page: %.100q", a.Title, full.Text)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for host, n := range peak {
		if n > fetch.DefaultPerHost {
			t.Errorf("%d requests at once to %s, want at most %d", n, host, fetch.DefaultPerHost)
		}
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
