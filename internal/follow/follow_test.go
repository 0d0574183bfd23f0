package follow

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/pipeline"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/source/feed"
	"github.com/parallax-news/parallax/internal/source/fetch"
	"github.com/parallax-news/parallax/internal/store/sqlite"
)

// entry is one feed entry the test servers publish; one without a title
// has no body either.
type entry struct{ id, title string }

// rss renders entries as an RSS 2.0 document whose links live under base.
func rss(base string, entries ...entry) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Test</title><link>` + base + `</link>`)
	for _, e := range entries {
		fmt.Fprintf(&b, `<item><guid>%[1]s/%[2]s</guid><link>%[1]s/%[2]s</link>`, base, e.id)
		if e.title != "" {
			fmt.Fprintf(&b, `<title>%[1]s</title><description>Body of %[1]s, long enough to be an article.</description>`, e.title)
		}
		b.WriteString(`</item>`)
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

// memIngester stands in for the pipeline: an entry is new the first time
// its URL is seen and known after.
type memIngester struct {
	mu     sync.Mutex
	stored []source.Item
	seen   map[string]bool
}

func (m *memIngester) IngestItem(_ context.Context, it source.Item) (pipeline.Result, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen == nil {
		m.seen = map[string]bool{}
	}
	if m.seen[it.Hint.URL] {
		return pipeline.Result{Input: it.Input, Status: pipeline.StatusKnown}, nil
	}
	m.seen[it.Hint.URL] = true
	m.stored = append(m.stored, it)
	return pipeline.Result{Input: it.Input, Status: pipeline.StatusNew, Article: int64(len(m.stored))}, nil
}

func (m *memIngester) items() []source.Item {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.stored)
}

// clock is a settable time source shared by the poller's goroutines.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// fixture is a poller over a fresh SQLite store, fetching from loopback.
type fixture struct {
	st    *sqlite.Store
	in    *memIngester
	p     *Poller
	clock *clock
	mu    sync.Mutex
	polls []Poll
}

func newFixture(t testing.TB, opt Options) *fixture {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "p.db"), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fx := &fixture{st: st, in: &memIngester{}, clock: &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}}
	user := opt.OnPoll
	opt.OnPoll = func(p Poll) {
		fx.mu.Lock()
		fx.polls = append(fx.polls, p)
		fx.mu.Unlock()
		if user != nil {
			user(p)
		}
	}
	// The client's own limits per host are above what any test reaches, so
	// that the tests see the poller's.
	fx.p = New(st, fetch.New(fetch.Options{AllowPrivate: true, PerHost: 64, HostGap: -1}), fx.in, opt, log)
	fx.p.now = fx.clock.now
	return fx
}

func (fx *fixture) add(t testing.TB, f model.Feed) model.Feed {
	t.Helper()
	f, err := fx.st.AddFeed(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (fx *fixture) feed(t *testing.T, id int64) model.Feed {
	t.Helper()
	feeds, err := fx.st.Feeds(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range feeds {
		if f.ID == id {
			return f
		}
	}
	t.Fatalf("feed %d not stored", id)
	return model.Feed{}
}

func (fx *fixture) pollOnce(t testing.TB) {
	t.Helper()
	if err := fx.p.PollOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// lastPoll returns the latest recorded poll of feed id.
func (fx *fixture) lastPoll(t *testing.T, id int64) Poll {
	t.Helper()
	fx.mu.Lock()
	defer fx.mu.Unlock()
	for i := len(fx.polls) - 1; i >= 0; i-- {
		if fx.polls[i].Feed.ID == id {
			return fx.polls[i]
		}
	}
	t.Fatalf("feed %d never polled", id)
	return Poll{}
}

func TestConditionalRequests(t *testing.T) {
	const etag = `"v1"`
	const lastMod = "Mon, 02 Jan 2006 15:04:05 GMT"
	tests := []struct {
		name string
		// header the server sends and the one it expects back
		send, sendValue, expect string
	}{
		{name: "ETag", send: "ETag", sendValue: etag, expect: "If-None-Match"},
		{name: "Last-Modified", send: "Last-Modified", sendValue: lastMod, expect: "If-Modified-Since"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var got []string // the validator each request carried
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				got = append(got, r.Header.Get(tc.expect))
				mu.Unlock()
				if r.Header.Get(tc.expect) == tc.sendValue {
					w.WriteHeader(http.StatusNotModified)
					return
				}
				w.Header().Set(tc.send, tc.sendValue)
				fmt.Fprint(w, rss("https://news.example", entry{"a", "Alpha"}, entry{"b", "Beta"}))
			}))
			defer srv.Close()

			fx := newFixture(t, Options{Interval: time.Hour})
			f := fx.add(t, model.Feed{URL: srv.URL, Outlet: "Example News"})
			fx.pollOnce(t)
			first := fx.lastPoll(t, f.ID)
			if first.Err != nil || first.New != 2 || first.NotModified {
				t.Fatalf("first poll = %+v, want 2 new entries", first)
			}
			stored := fx.feed(t, f.ID)
			if v := map[string]string{"ETag": stored.ETag, "Last-Modified": stored.LastModified}[tc.send]; v != tc.sendValue {
				t.Fatalf("stored %s = %q, want %q", tc.send, v, tc.sendValue)
			}
			for _, it := range fx.in.items() {
				if it.Hint.Outlet != "Example News" {
					t.Errorf("entry %s outlet = %q, want the feed's outlet", it.Input, it.Hint.Outlet)
				}
			}

			fx.pollOnce(t) // not due yet: nothing happens
			fx.clock.set(stored.NextPoll.Add(time.Second))
			fx.pollOnce(t)
			second := fx.lastPoll(t, f.ID)
			if !second.NotModified || second.Err != nil || second.New+second.Known != 0 {
				t.Errorf("second poll = %+v, want not modified and no entries", second)
			}
			if want := []string{"", tc.sendValue}; !slices.Equal(got, want) {
				t.Errorf("requests carried %s %q, want %q", tc.expect, got, want)
			}
			if after := fx.feed(t, f.ID); after.ETag != stored.ETag || after.LastModified != stored.LastModified {
				t.Errorf("validators after 304 = %q, %q; want them kept", after.ETag, after.LastModified)
			}
			if n := len(fx.in.items()); n != 2 {
				t.Errorf("%d entries stored, want 2", n)
			}
		})
	}
}

func TestErrorBackoff(t *testing.T) {
	var mu sync.Mutex
	broken := true
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if broken {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, rss("https://bad.example", entry{"x", "Recovered"}))
	}))
	defer bad.Close()
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, rss("https://good.example", entry{"g", "Good"}))
	}))
	defer good.Close()

	const interval = time.Minute
	fx := newFixture(t, Options{Interval: interval, MaxBackoff: 10 * time.Minute})
	badFeed := fx.add(t, model.Feed{URL: bad.URL})
	goodFeed := fx.add(t, model.Feed{URL: good.URL})

	var delays []time.Duration
	for i := 1; i <= 6; i++ {
		fx.pollOnce(t)
		f := fx.feed(t, badFeed.ID)
		if f.Failures != i || !strings.Contains(f.LastError, "500") {
			t.Fatalf("after poll %d: failures %d, last error %q; want %d and the 500", i, f.Failures, f.LastError, i)
		}
		if g := fx.feed(t, goodFeed.ID); g.Failures != 0 || g.LastError != "" || g.LastPolled == nil {
			t.Fatalf("after poll %d the good feed is %+v; want it polled without error", i, g)
		}
		delays = append(delays, f.NextPoll.Sub(*f.LastPolled))
		// Jump to the bad feed's next poll, so both are due again.
		fx.clock.set(f.NextPoll.Add(interval))
	}
	for i, d := range delays {
		if d > 10*time.Minute || d < interval {
			t.Errorf("delay %d = %v, outside [Interval, MaxBackoff]", i+1, d)
		}
		if i > 0 && i < 3 && d <= delays[i-1] {
			t.Errorf("delay %d = %v did not grow from %v", i+1, d, delays[i-1])
		}
	}
	if delays[5] < 8*time.Minute {
		t.Errorf("delay after 6 failures = %v, want near the 10m cap", delays[5])
	}
	if got := fx.p.Stats().FetchErrors; got != 6 {
		t.Errorf("Stats().FetchErrors = %d, want 6", got)
	}

	mu.Lock()
	broken = false
	mu.Unlock()
	fx.pollOnce(t)
	if f := fx.feed(t, badFeed.ID); f.Failures != 0 || f.LastError != "" || f.NextPoll.Sub(*f.LastPolled) != interval {
		t.Errorf("after recovery feed = %+v; want no failures, no error, next poll one interval on", f)
	}
}

func TestPollFailures(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		wantErr string
	}{
		{"not found", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, "404"},
		{"malformed feed", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<rss><channel><item>") }, feed.ErrMalformed.Error()},
		{"a web page", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<html><p>hello</p></html>") }, feed.ErrMalformed.Error()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			fx := newFixture(t, Options{})
			f := fx.add(t, model.Feed{URL: srv.URL})
			fx.pollOnce(t)
			got := fx.feed(t, f.ID)
			if got.Failures != 1 || !strings.Contains(got.LastError, tc.wantErr) || !strings.Contains(got.LastError, srv.URL) {
				t.Errorf("feed = %+v; want one failure with an error naming the URL and %q", got, tc.wantErr)
			}
		})
	}
}

func TestBackoffCapped(t *testing.T) {
	p := New(nil, nil, nil, Options{Interval: time.Minute, MaxBackoff: time.Hour}, slog.Default())
	tests := []struct {
		name     string
		failures int
		lo, hi   time.Duration
	}{
		{"first failure", 1, 96 * time.Second, 2 * time.Minute},
		{"third failure", 3, 384 * time.Second, 8 * time.Minute},
		{"capped", 10, 48 * time.Minute, time.Hour},
		{"no overflow", 1000, 48 * time.Minute, time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for range 50 {
				if d := p.backoff(tc.failures); d < tc.lo || d > tc.hi {
					t.Fatalf("backoff(%d) = %v, want within [%v, %v]", tc.failures, d, tc.lo, tc.hi)
				}
			}
		})
	}
}

func TestSlowFeed(t *testing.T) {
	fastDone := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Hang until the fast feeds are stored, then until the poller
		// gives up: were the fast feeds queued behind this one, they
		// would finish after it.
		select {
		case <-fastDone:
		case <-r.Context().Done():
		}
		<-r.Context().Done()
	}))
	defer slow.Close()
	fast := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, rss("https://fast.example"+r.URL.Path, entry{"1", "One " + r.URL.Path}))
	}))
	defer fast.Close()

	var once sync.Once
	var fastPolls sync.WaitGroup
	fastPolls.Add(2)
	fx := newFixture(t, Options{Timeout: time.Second, PerHost: 4})
	fx.p.opt.OnPoll = chain(fx.p.opt.OnPoll, func(p Poll) {
		if strings.HasPrefix(p.Feed.URL, fast.URL) {
			fastPolls.Done()
		}
	})
	go func() { fastPolls.Wait(); once.Do(func() { close(fastDone) }) }()

	slowFeed := fx.add(t, model.Feed{URL: slow.URL})
	fx.add(t, model.Feed{URL: fast.URL + "/a"})
	fx.add(t, model.Feed{URL: fast.URL + "/b"})
	fx.pollOnce(t)

	fx.mu.Lock()
	order := slices.Clone(fx.polls)
	fx.mu.Unlock()
	if len(order) != 3 || order[2].Feed.ID != slowFeed.ID {
		t.Fatalf("polls finished in order %v; want the slow feed last", feedURLs(order))
	}
	for _, p := range order[:2] {
		if p.Err != nil || p.New != 1 {
			t.Errorf("fast feed %s: %+v, want one new entry", p.Feed.URL, p)
		}
	}
	f := fx.feed(t, slowFeed.ID)
	if f.Failures != 1 || !strings.Contains(f.LastError, "deadline exceeded") {
		t.Errorf("slow feed: failures %d, last error %q; want a recorded timeout", f.Failures, f.LastError)
	}
	if !errors.Is(order[2].Err, context.DeadlineExceeded) {
		t.Errorf("slow feed error = %v, want context.DeadlineExceeded", order[2].Err)
	}
}

func TestRepeatingEntries(t *testing.T) {
	var mu sync.Mutex
	entries := []entry{{"1", "One"}, {"2", "Two"}, {"1", "One again"}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		// No validators: every poll gets the whole feed.
		fmt.Fprint(w, rss("https://repeat.example", entries...))
	}))
	defer srv.Close()
	fx := newFixture(t, Options{Interval: time.Minute})
	f := fx.add(t, model.Feed{URL: srv.URL})

	fx.pollOnce(t)
	if p := fx.lastPoll(t, f.ID); p.New != 2 || p.Known != 1 {
		t.Fatalf("first poll %+v, want 2 new and the repeated entry known", p)
	}
	mu.Lock()
	entries = append(entries, entry{"3", "Three"})
	mu.Unlock()
	fx.clock.set(fx.clock.now().Add(2 * time.Minute))
	fx.pollOnce(t)
	if p := fx.lastPoll(t, f.ID); p.New != 1 || p.Known != 3 || p.Err != nil {
		t.Fatalf("second poll %+v, want 1 new and 3 known", p)
	}
	var urls []string
	for _, it := range fx.in.items() {
		urls = append(urls, it.Hint.URL)
	}
	want := []string{"https://repeat.example/1", "https://repeat.example/2", "https://repeat.example/3"}
	if !slices.Equal(urls, want) {
		t.Errorf("stored %q, want each entry once: %q", urls, want)
	}
	if s := fx.p.Stats(); s.New != 3 || s.Known != 4 || s.Polls != 2 {
		t.Errorf("Stats() = %+v, want 3 new, 4 known, 2 polls", s)
	}
}

func TestFailedEntries(t *testing.T) {
	var mu sync.Mutex
	var conditional []bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		conditional = append(conditional, r.Header.Get("If-None-Match") != "")
		mu.Unlock()
		w.Header().Set("ETag", `"e"`)
		fmt.Fprint(w, rss("https://mixed.example", entry{"1", "Fine"}, entry{"2", ""}))
	}))
	defer srv.Close()
	fx := newFixture(t, Options{Interval: time.Minute})
	f := fx.add(t, model.Feed{URL: srv.URL})

	fx.pollOnce(t)
	got := fx.feed(t, f.ID)
	if got.Failures != 0 || !strings.Contains(got.LastError, "1 of 2 entries failed") || !strings.Contains(got.LastError, feed.ErrNoContent.Error()) {
		t.Errorf("feed = %+v; want no failures and a last error naming the failed entry", got)
	}
	if got.ETag != "" {
		t.Errorf("ETag %q stored after a failed entry; the next poll must fetch it again", got.ETag)
	}
	fx.clock.set(got.NextPoll.Add(time.Second))
	fx.pollOnce(t)
	if want := []bool{false, false}; !slices.Equal(conditional, want) {
		t.Errorf("conditional requests %v, want %v", conditional, want)
	}
}

func TestPerHostLimit(t *testing.T) {
	var mu sync.Mutex
	inflight, peak := 0, 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inflight++
		peak = max(peak, inflight)
		mu.Unlock()
		// Hold the request a little so that, were there no limit, the
		// six polls would overlap.
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		inflight--
		mu.Unlock()
		fmt.Fprint(w, rss("https://host.example"+r.URL.Path, entry{"1", "One"}))
	}))
	defer srv.Close()
	fx := newFixture(t, Options{PerHost: 2, Workers: 8})
	for i := range 6 {
		fx.add(t, model.Feed{URL: fmt.Sprintf("%s/feed%d", srv.URL, i)})
	}
	fx.pollOnce(t)
	if peak < 1 || peak > 2 {
		t.Errorf("peak concurrent requests to one host = %d, want at most 2", peak)
	}
	if s := fx.p.Stats(); s.Polls != 6 || s.FetchErrors != 0 {
		t.Errorf("Stats() = %+v, want 6 polls without errors", s)
	}
}

func TestRun(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, rss("https://run.example", entry{"1", "One"}))
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(t.Context())
	fx := newFixture(t, Options{Tick: time.Millisecond, OnPoll: func(Poll) { cancel() }})
	fx.add(t, model.Feed{URL: srv.URL})
	done := make(chan struct{})
	go func() { fx.p.Run(ctx); close(done) }()
	<-done
	if s := fx.p.Stats(); s.Polls != 1 || s.New != 1 {
		t.Errorf("Stats() after Run = %+v, want one poll storing one entry", s)
	}
}

// signalStore reports each listing of the feeds on listed.
type signalStore struct {
	Store
	ctx    context.Context
	listed chan struct{}
}

func (s signalStore) Feeds(ctx context.Context) ([]model.Feed, error) {
	feeds, err := s.Store.Feeds(ctx)
	select {
	case s.listed <- struct{}{}:
	case <-s.ctx.Done():
	}
	return feeds, err
}

func TestWake(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, rss("https://wake.example", entry{"1", "One"}))
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	fx := newFixture(t, Options{Tick: time.Hour, OnPoll: func(Poll) { cancel() }})
	listed := make(chan struct{})
	p := New(signalStore{fx.st, ctx, listed}, fx.p.fetch, fx.in, fx.p.opt, slog.New(slog.DiscardHandler))
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()

	<-listed // Run's first look, at no feeds
	fx.add(t, model.Feed{URL: srv.URL})
	p.Wake()
	select {
	case <-listed:
	case <-time.After(10 * time.Second):
		t.Fatal("Wake did not make Run look for due feeds again")
	}
	<-done
	if s := p.Stats(); s.Polls != 1 || s.New != 1 {
		t.Errorf("Stats() = %+v, want the woken poll", s)
	}
}

func chain(fns ...func(Poll)) func(Poll) {
	return func(p Poll) {
		for _, fn := range fns {
			fn(p)
		}
	}
}

func feedURLs(polls []Poll) []string {
	var out []string
	for _, p := range polls {
		out = append(out, p.Feed.URL)
	}
	return out
}
