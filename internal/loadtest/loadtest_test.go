package loadtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

// missDelay is how long the test server takes over an answer it does not
// have ready.
const missDelay = 5 * time.Millisecond

// server answers like Parallax would, with one broken story, and counts
// the requests it saw per path.
func server(t *testing.T) (*httptest.Server, func(string) int) {
	t.Helper()
	var mu sync.Mutex
	seen := map[string]int{}
	mux := http.NewServeMux()
	count := func(r *http.Request) {
		mu.Lock()
		seen[r.URL.RequestURI()]++
		mu.Unlock()
	}
	mux.HandleFunc("GET /stories/{id}", func(w http.ResponseWriter, r *http.Request) {
		count(r)
		if r.PathValue("id") == "13" {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "<html><body>story %s</body></html>", r.PathValue("id"))
	})
	mux.HandleFunc("GET /api/v1/stories/{id}", func(w http.ResponseWriter, r *http.Request) {
		count(r)
		// Story 1 is kept ready; the others take a while to draw.
		if r.PathValue("id") == "1" {
			w.Header().Set(CacheHeader, CacheHit)
		} else {
			w.Header().Set(CacheHeader, "miss")
			time.Sleep(missDelay)
		}
		fmt.Fprintf(w, `{"id":%s}`, r.PathValue("id"))
	})
	mux.HandleFunc("GET /api/v1/search", func(w http.ResponseWriter, r *http.Request) {
		count(r)
		if r.Header.Get("Accept-Encoding") != "gzip" {
			http.Error(w, "ask for gzip, as browsers do", http.StatusBadRequest)
			return
		}
		// Not gzip at all: a client that inflated answers would fail here.
		w.Header().Set("Content-Encoding", "gzip")
		fmt.Fprint(w, `[]`)
	})
	mux.HandleFunc("GET /away", func(w http.ResponseWriter, r *http.Request) {
		count(r)
		// 192.0.2.0/24 is TEST-NET-1: never loopback, never reachable.
		http.Redirect(w, r, "http://192.0.2.1/stories/1", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, func(p string) int { mu.Lock(); defer mu.Unlock(); return seen[p] }
}

func TestRun(t *testing.T) {
	srv, seen := server(t)
	opt := Options{
		BaseURL:  srv.URL,
		Clients:  8,
		Requests: 300,
		Targets: []Target{
			{Kind: "story_page", Paths: []string{"/stories/1", "/stories/13"}},
			{Kind: "story_json", Paths: []string{"/api/v1/stories/1", "/api/v1/stories/2"}},
			{Kind: "search", Paths: []string{"/api/v1/search?q=lavrov"}},
		},
	}
	rep, err := Run(t.Context(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Requests != 300 {
		t.Errorf("requests = %d, want 300", rep.Requests)
	}
	want := map[string]struct{ requests, errors, hits int }{
		"story_page": {100, 50, 0}, // every other story page is the broken one
		"story_json": {100, 0, 50}, // every other story is ready
		"search":     {100, 0, 0},
	}
	for _, k := range rep.Kinds {
		w := want[k.Kind]
		if k.Requests != w.requests || k.Errors != w.errors || k.CacheHits != w.hits {
			t.Errorf("%s: %d requests, %d errors, %d hits; want %d, %d, %d",
				k.Kind, k.Requests, k.Errors, k.CacheHits, w.requests, w.errors, w.hits)
		}
		if k.P50 <= 0 || k.P50 > k.P95 || k.P95 > k.P99 || k.P99 > k.Max {
			t.Errorf("%s: percentiles out of order: %+v", k.Kind, k)
		}
		if k.MissP50 <= 0 || k.MissP50 > k.MissP95 || k.MissP95 > k.MissP99 || k.MissP99 > k.Max {
			t.Errorf("%s: miss percentiles out of order: %+v", k.Kind, k)
		}
		if k.CacheHits == 0 && (k.MissP50 != k.P50 || k.MissP99 != k.P99) {
			t.Errorf("%s: no hits, yet the miss percentiles differ from all answers': %+v", k.Kind, k)
		}
	}
	// Only misses wait, so every miss percentile is at least the wait.
	if k := rep.Kinds[1]; k.MissP50 < missDelay {
		t.Errorf("story_json: miss p50 %s, under the %s every miss takes: hits counted as misses", k.MissP50, missDelay)
	}
	if rep.Errors != 50 {
		t.Errorf("errors = %d, want 50", rep.Errors)
	}
	if len(rep.SampleErrors) != 1 || !strings.Contains(rep.SampleErrors[0], "500") {
		t.Errorf("sample errors = %q, want the one 500", rep.SampleErrors)
	}
	if n := seen("/api/v1/search?q=lavrov"); n != 100 {
		t.Errorf("server saw %d searches, want 100", n)
	}
	var out strings.Builder
	if err := rep.Write(&out); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"story_page", "p95 ms", "cache hits", "50%", "miss p95", "300 requests", "50 errors"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("report lacks %q:\n%s", s, out.String())
		}
	}
}

func TestRunDurationBound(t *testing.T) {
	srv, _ := server(t)
	rep, err := Run(t.Context(), Options{
		BaseURL:  srv.URL,
		Clients:  2,
		Duration: 50 * time.Millisecond,
		Targets:  []Target{{Kind: "search", Paths: []string{"/api/v1/search?q=x"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Requests cut off by the end of the run are not errors.
	if rep.Requests == 0 || rep.Errors != 0 {
		t.Errorf("got %d requests, %d errors; want some requests and no errors", rep.Requests, rep.Errors)
	}
}

// TestRunWarmup: the warm-up's requests are sent and their errors counted,
// but they are not among the measured requests.
func TestRunWarmup(t *testing.T) {
	srv, seen := server(t)
	rep, err := Run(t.Context(), Options{
		BaseURL:  srv.URL,
		Clients:  2,
		Warmup:   100 * time.Millisecond,
		Duration: 100 * time.Millisecond,
		Targets:  []Target{{Kind: "story_page", Paths: []string{"/stories/1", "/stories/13"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.WarmupRequests == 0 || rep.Requests == 0 {
		t.Fatalf("%d warm-up and %d measured requests; want some of each", rep.WarmupRequests, rep.Requests)
	}
	// The server may also have seen the requests the end of the run cut
	// off, at most one per client, which count nowhere.
	const clients = 2
	if sent, counted := seen("/stories/1")+seen("/stories/13"), rep.Requests+rep.WarmupRequests; sent < counted || sent > counted+clients {
		t.Errorf("server saw %d requests, report counts %d + %d", sent, rep.Requests, rep.WarmupRequests)
	}
	if rep.WarmupErrors == 0 || rep.Errors == 0 {
		t.Errorf("%d warm-up and %d measured errors; the broken story is asked for in both", rep.WarmupErrors, rep.Errors)
	}
	if broken, counted := seen("/stories/13"), rep.Errors+rep.WarmupErrors; broken < counted || broken > counted+clients {
		t.Errorf("errors %d + %d, but the broken story was asked for %d times", rep.Errors, rep.WarmupErrors, broken)
	}
	var out strings.Builder
	if err := rep.Write(&out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "warm-up") {
		t.Errorf("report does not mention the warm-up:\n%s", out.String())
	}
}

func TestRunCancelled(t *testing.T) {
	srv, _ := server(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := Run(ctx, Options{
		BaseURL: srv.URL, Requests: 10,
		Targets: []Target{{Kind: "search", Paths: []string{"/api/v1/search?q=x"}}},
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}

func TestRunRedirectAway(t *testing.T) {
	srv, seen := server(t)
	rep, err := Run(t.Context(), Options{
		BaseURL: srv.URL, Requests: 4, Clients: 2,
		Targets: []Target{{Kind: "away", Paths: []string{"/away"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Errors != 4 || seen("/away") != 4 {
		t.Fatalf("errors = %d, server saw %d; want 4 refused redirects", rep.Errors, seen("/away"))
	}
	if !strings.Contains(rep.SampleErrors[0], ErrNotLoopback.Error()) {
		t.Errorf("error %q does not say the address is not loopback", rep.SampleErrors[0])
	}
}

func TestRunRefuses(t *testing.T) {
	targets := []Target{{Kind: "k", Paths: []string{"/"}}}
	tests := []struct {
		name string
		opt  Options
		want error
	}{
		{"public host", Options{BaseURL: "http://example.com", Requests: 1, Targets: targets}, ErrNotLoopback},
		{"private address", Options{BaseURL: "http://10.0.0.1:8080", Requests: 1, Targets: targets}, ErrNotLoopback},
		{"unspecified address", Options{BaseURL: "http://0.0.0.0:8080", Requests: 1, Targets: targets}, ErrNotLoopback},
		{"unbounded", Options{BaseURL: "http://127.0.0.1:1", Targets: targets}, ErrUnbounded},
		{"no targets", Options{BaseURL: "http://[::1]:1", Requests: 1}, ErrNoTargets},
		{"target without paths", Options{BaseURL: "http://localhost:1", Requests: 1, Targets: []Target{{Kind: "k"}}}, ErrNoTargets},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Run(t.Context(), tc.opt); !errors.Is(err, tc.want) {
				t.Errorf("Run error = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	ms := func(n ...int) []time.Duration {
		var out []time.Duration
		for _, v := range n {
			out = append(out, time.Duration(v)*time.Millisecond)
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one sample", ms(7), 99, 7 * time.Millisecond},
		{"median of four", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p95 of 1..100", ms(hundred...), 95, 95 * time.Millisecond},
		{"p99 of 1..100", ms(hundred...), 99, 99 * time.Millisecond},
		{"max", ms(1, 2, 3), 100, 3 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := percentile(tc.sorted, tc.p); got != tc.want {
				t.Errorf("percentile(%v) = %v, want %v", tc.p, got, tc.want)
			}
		})
	}
}

func TestRunBackground(t *testing.T) {
	errIngest := errors.New("ingest broke")
	tests := []struct {
		name    string
		work    func(ctx context.Context, ran *atomic.Bool) error
		wantErr error
	}{
		{
			name: "runs until the load ends",
			work: func(ctx context.Context, ran *atomic.Bool) error {
				ran.Store(true)
				<-ctx.Done()
				return ctx.Err()
			},
		},
		{
			name: "its failure is the run's",
			work: func(ctx context.Context, ran *atomic.Bool) error {
				ran.Store(true)
				return errIngest
			},
			wantErr: errIngest,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := server(t)
			var ran, stopped atomic.Bool
			rep, err := Run(t.Context(), Options{
				BaseURL: srv.URL, Requests: 20, Clients: 2,
				Targets: []Target{{Kind: "search", Paths: []string{"/api/v1/search?q=x"}}},
				Background: func(ctx context.Context) error {
					defer stopped.Store(true)
					return tc.work(ctx, &ran)
				},
			})
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Fatalf("Run error = %v, want %v", err, tc.wantErr)
			}
			if !ran.Load() || !stopped.Load() {
				t.Errorf("background ran %v, stopped %v; want it run and finished when Run returns", ran.Load(), stopped.Load())
			}
			if rep.Requests != 20 {
				t.Errorf("requests = %d, want 20", rep.Requests)
			}
		})
	}
}

type storyList []model.StorySummary

func (l storyList) Stories(_ context.Context, q store.StoryQuery) ([]model.StorySummary, error) {
	if q.Sort != "biggest" {
		return nil, fmt.Errorf("sort %q", q.Sort)
	}
	return l[:min(q.Limit, len(l))], nil
}

func TestTargets(t *testing.T) {
	stories := storyList{{ID: 7, Title: "Lavrov met former US officials"}, {ID: 9, Title: "Zelenskyy in Prague"}, {ID: 11, Title: "x"}}
	tests := []struct {
		name    string
		n       int
		queries []string
		want    []Target
	}{
		{
			name: "queries from titles",
			n:    2,
			want: []Target{
				{Kind: KindStoryPage, Paths: []string{"/stories/7", "/stories/9"}},
				{Kind: KindStoryJSON, Paths: []string{"/api/v1/stories/7", "/api/v1/stories/9"}},
				{Kind: KindSearch, Paths: []string{"/api/v1/search?q=officials", "/api/v1/search?q=Zelenskyy"}},
			},
		},
		{
			name:    "given queries, escaped",
			n:       1,
			queries: []string{"Mary Beth Long", "a&b"},
			want: []Target{
				{Kind: KindStoryPage, Paths: []string{"/stories/7"}},
				{Kind: KindStoryJSON, Paths: []string{"/api/v1/stories/7"}},
				{Kind: KindSearch, Paths: []string{"/api/v1/search?q=Mary+Beth+Long", "/api/v1/search?q=a%26b"}},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Targets(t.Context(), stories, tc.n, tc.queries)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Targets:\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
	if _, err := Targets(t.Context(), storyList{}, 5, nil); !errors.Is(err, ErrNoTargets) {
		t.Errorf("Targets on an empty store: %v, want ErrNoTargets", err)
	}
}
