// Package loadtest drives a running Parallax server on this machine with
// many concurrent readers and reports latency percentiles per kind of
// request. It only ever talks to loopback addresses, checked on every
// connection, so a mistyped URL cannot turn it on someone else's site.
package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"
)

// Limits that bound every run, whatever the options say.
const (
	MaxRequests = 2_000_000 // latency samples are kept in memory: 16 MB at most
	MaxDuration = time.Hour
	MaxClients  = 1000
)

// Defaults for zero Options fields.
const (
	DefaultClients = 50
	DefaultTimeout = 10 * time.Second
)

var (
	// ErrNotLoopback is returned for a base URL, or a connection, that is
	// not to 127.0.0.0/8, ::1 or localhost.
	ErrNotLoopback = errors.New("load tests run against loopback addresses only")
	// ErrUnbounded is returned when neither Duration nor Requests is set.
	ErrUnbounded = errors.New("set Duration or Requests to bound the load test")
	// ErrNoTargets is returned when there is nothing to request.
	ErrNoTargets = errors.New("no target paths")
)

// Target is one kind of request and the paths it cycles through.
type Target struct {
	Kind  string   // e.g. "story_page", "story_json", "search"
	Paths []string // relative to BaseURL, e.g. "/stories/12", "/api/v1/search?q=lavrov"
}

// Options configures a run. It stops at Duration or after Requests requests,
// whichever comes first.
type Options struct {
	BaseURL  string // http://127.0.0.1:8080
	Clients  int    // concurrent clients, each with one request in flight
	Duration time.Duration
	Requests int
	Targets  []Target
	Timeout  time.Duration // per request
	// Warmup, if set, comes before Duration: its requests are sent as any
	// other but only their errors are counted, so the report describes a
	// server that has been up a while, its caches filled, rather than the
	// first seconds after a start, which are reported apart.
	Warmup time.Duration
	// Background, if set, runs beside the load (ingestion, say) from the
	// first request until the last, when its context is cancelled. An
	// error it returns, other than that cancellation, is Run's error.
	Background func(ctx context.Context) error
}

// Report is the outcome of a run.
type Report struct {
	Elapsed  time.Duration `json:"elapsed_ns"`
	Requests int           `json:"requests"`
	Errors   int           `json:"errors"`
	// PerSecond is completed requests per second of Elapsed.
	PerSecond float64      `json:"per_second"`
	Kinds     []KindReport `json:"kinds"`
	// SampleErrors holds the first few distinct error messages.
	SampleErrors []string `json:"sample_errors,omitempty"`
	// WarmupRequests and WarmupErrors count the requests of the warm-up,
	// which the latencies above leave out.
	WarmupRequests int `json:"warmup_requests,omitempty"`
	WarmupErrors   int `json:"warmup_errors,omitempty"`
}

// KindReport gives the latencies of one kind of request, errors included:
// a slow failure is as slow for the reader as a slow success.
type KindReport struct {
	Kind     string        `json:"kind"`
	Requests int           `json:"requests"`
	Errors   int           `json:"errors"`
	P50      time.Duration `json:"p50_ns"`
	P95      time.Duration `json:"p95_ns"`
	P99      time.Duration `json:"p99_ns"`
	Max      time.Duration `json:"max_ns"`
	// CacheHits counts answers the server marked "X-Cache: hit"; the
	// Miss percentiles are of every other answer, so a cache cannot hide
	// what drawing an answer costs.
	CacheHits int           `json:"cache_hits"`
	MissP50   time.Duration `json:"miss_p50_ns"`
	MissP95   time.Duration `json:"miss_p95_ns"`
	MissP99   time.Duration `json:"miss_p99_ns"`
}

// CacheHeader is the answer header a server marks cache hits with
// (CacheHit).
const (
	CacheHeader = "X-Cache"
	CacheHit    = "hit"
)

const maxSampleErrors = 5

// Run sends requests from opt.Clients concurrent clients until opt.Duration
// has passed, opt.Requests have been sent, or ctx ends, and reports what it
// measured. When ctx ends early the report so far comes with ctx's error.
func Run(ctx context.Context, opt Options) (Report, error) {
	opt, urls, err := check(opt)
	if err != nil {
		return Report{}, err
	}
	client := loopbackClient(opt)
	defer client.CloseIdleConnections()

	runCtx, cancel := context.WithTimeout(ctx, opt.Warmup+opt.Duration)
	defer cancel()

	bgCtx, stopBackground := context.WithCancel(runCtx)
	defer stopBackground()
	bgErr := make(chan error, 1)
	if opt.Background != nil {
		go func() { bgErr <- opt.Background(bgCtx) }()
	} else {
		bgErr <- nil
	}

	r := &recorder{kinds: make([]kindSamples, len(opt.Targets))}
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	measured := start.Add(opt.Warmup)
	for range opt.Clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= opt.Requests || runCtx.Err() != nil {
					return
				}
				// Kinds alternate, and each kind walks its own paths in
				// turn, so every kind is sampled evenly.
				k := i % len(urls)
				warm := time.Now().Before(measured)
				d, hit, err := get(runCtx, client, urls[k][(i/len(urls))%len(urls[k])])
				if err != nil && runCtx.Err() != nil {
					return // cut short by the end of the run: not the server's fault
				}
				if warm {
					r.warm(err)
					continue
				}
				r.add(k, d, hit, err)
			}
		})
	}
	wg.Wait()
	rep := r.report(opt.Targets, time.Since(measured))
	stopBackground()
	if err := <-bgErr; err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return rep, fmt.Errorf("load test of %s: background work: %w", opt.BaseURL, err)
	}
	if err := ctx.Err(); err != nil {
		return rep, fmt.Errorf("load test of %s stopped early: %w", opt.BaseURL, err)
	}
	return rep, nil
}

// check validates opt, fills in defaults and returns each target's URLs.
func check(opt Options) (Options, [][]string, error) {
	base, err := url.Parse(opt.BaseURL)
	if err != nil {
		return opt, nil, fmt.Errorf("load test base URL %q: %w", opt.BaseURL, err)
	}
	if base.Scheme != "http" && base.Scheme != "https" {
		return opt, nil, fmt.Errorf("load test base URL %q: scheme must be http or https", opt.BaseURL)
	}
	if !loopbackHost(base.Hostname()) {
		return opt, nil, fmt.Errorf("load test base URL %q: %w", opt.BaseURL, ErrNotLoopback)
	}
	if opt.Duration <= 0 && opt.Requests <= 0 {
		return opt, nil, ErrUnbounded
	}
	if len(opt.Targets) == 0 {
		return opt, nil, ErrNoTargets
	}
	urls := make([][]string, len(opt.Targets))
	for i, t := range opt.Targets {
		if len(t.Paths) == 0 {
			return opt, nil, fmt.Errorf("target %q: %w", t.Kind, ErrNoTargets)
		}
		for _, p := range t.Paths {
			ref, err := url.Parse(p)
			if err != nil {
				return opt, nil, fmt.Errorf("target %q path %q: %w", t.Kind, p, err)
			}
			urls[i] = append(urls[i], base.ResolveReference(ref).String())
		}
	}
	if opt.Duration <= 0 || opt.Duration > MaxDuration {
		opt.Duration = MaxDuration
	}
	if opt.Requests <= 0 || opt.Requests > MaxRequests {
		opt.Requests = MaxRequests
	}
	if opt.Clients <= 0 {
		opt.Clients = DefaultClients
	}
	opt.Clients = min(opt.Clients, MaxClients)
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	return opt, urls, nil
}

func loopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// loopbackClient returns a client whose every connection, redirects
// included, is checked to go to a loopback address after name resolution.
func loopbackClient(opt Options) *http.Client {
	d := &net.Dialer{
		Timeout: opt.Timeout,
		Control: func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !ap.Addr().IsLoopback() {
				return fmt.Errorf("connect to %s: %w", address, ErrNotLoopback)
			}
			return nil
		},
	}
	tr := &http.Transport{
		// Requests ask for gzip as browsers do (see get), and the bytes
		// are read as they come: inflating them is the reader's machine's
		// work, and here it would take the CPU the server is measured on.
		DisableCompression:  true,
		DialContext:         d.DialContext,
		MaxIdleConns:        opt.Clients,
		MaxIdleConnsPerHost: opt.Clients,
		IdleConnTimeout:     30 * time.Second,
	}
	return &http.Client{Transport: tr, Timeout: opt.Timeout}
}

// get fetches u, reading the whole body, and returns how long it took and
// whether the server says it answered from its cache. A status other than
// 2xx is an error.
func get(ctx context.Context, c *http.Client, u string) (time.Duration, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, false, fmt.Errorf("GET %s: %w", u, err)
	}
	req.Header.Set("Accept-Encoding", "gzip")
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return time.Since(start), false, err // *url.Error names the URL
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	hit := resp.Header.Get(CacheHeader) == CacheHit
	if err != nil {
		return d, hit, fmt.Errorf("GET %s: reading body: %w", u, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return d, hit, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return d, hit, nil
}

type kindSamples struct {
	latencies []time.Duration
	misses    []time.Duration // the latencies of answers not from a cache
	errors    int
}

// recorder collects samples from every client.
type recorder struct {
	mu                  sync.Mutex
	kinds               []kindSamples
	samples             []string
	warmups, warmErrors int
}

// warm counts a request of the warm-up.
func (r *recorder) warm(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.warmups++
	if err != nil {
		r.warmErrors++
		r.sample(err)
	}
}

// sample keeps the message of err if it is new and there is room.
func (r *recorder) sample(err error) {
	if msg := err.Error(); len(r.samples) < maxSampleErrors && !slices.Contains(r.samples, msg) {
		r.samples = append(r.samples, msg)
	}
}

func (r *recorder) add(kind int, d time.Duration, hit bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := &r.kinds[kind]
	k.latencies = append(k.latencies, d)
	if !hit {
		k.misses = append(k.misses, d)
	}
	if err != nil {
		k.errors++
		r.sample(err)
	}
}

func (r *recorder) report(targets []Target, elapsed time.Duration) Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep := Report{Elapsed: elapsed, SampleErrors: slices.Clone(r.samples), WarmupRequests: r.warmups, WarmupErrors: r.warmErrors}
	for i, k := range r.kinds {
		lat, miss := slices.Sorted(slices.Values(k.latencies)), slices.Sorted(slices.Values(k.misses))
		rep.Kinds = append(rep.Kinds, KindReport{
			Kind:      targets[i].Kind,
			Requests:  len(lat),
			Errors:    k.errors,
			P50:       percentile(lat, 50),
			P95:       percentile(lat, 95),
			P99:       percentile(lat, 99),
			Max:       percentile(lat, 100),
			CacheHits: len(lat) - len(miss),
			MissP50:   percentile(miss, 50),
			MissP95:   percentile(miss, 95),
			MissP99:   percentile(miss, 99),
		})
		rep.Requests += len(lat)
		rep.Errors += k.errors
	}
	if elapsed > 0 {
		rep.PerSecond = float64(rep.Requests) / elapsed.Seconds()
	}
	return rep
}

// percentile returns the nearest-rank p-th percentile of sorted samples.
// Written here because exact percentiles over kept samples are a sort and
// an index; the histogram libraries approximate.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[max(rank, 1)-1]
}

// Write prints the report as a table, latencies in milliseconds; the
// last three columns are of the answers not taken from a cache.
func (rep Report) Write(w io.Writer) error {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\trequests\terrors\tp50 ms\tp95 ms\tp99 ms\tmax ms\tcache hits\tmiss p50\tmiss p95\tmiss p99\t")
	ms := func(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }
	for _, k := range rep.Kinds {
		hits := 0.0
		if k.Requests > 0 {
			hits = 100 * float64(k.CacheHits) / float64(k.Requests)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t%.0f%%\t%s\t%s\t%s\t\n", k.Kind, k.Requests, k.Errors,
			ms(k.P50), ms(k.P95), ms(k.P99), ms(k.Max), hits, ms(k.MissP50), ms(k.MissP95), ms(k.MissP99))
	}
	tw.Flush() // cannot fail: it writes to a strings.Builder
	fmt.Fprintf(&b, "%d requests in %.1fs (%.0f/s), %d errors\n", rep.Requests, rep.Elapsed.Seconds(), rep.PerSecond, rep.Errors)
	if rep.WarmupRequests > 0 {
		fmt.Fprintf(&b, "after a warm-up of %d requests, not in the figures above, with %d errors\n", rep.WarmupRequests, rep.WarmupErrors)
	}
	for _, e := range rep.SampleErrors {
		fmt.Fprintf(&b, "  error: %s\n", e)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write load test report: %w", err)
	}
	return nil
}
