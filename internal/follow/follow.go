// Package follow keeps Parallax's followed feeds polled: each due feed is
// fetched with a conditional request, its entries go through the whole
// pipeline, and its state (validators, last error, back-off) is written
// back to the store. It also reads and writes OPML subscription lists.
//
// One poll of a feed, in order, and why:
//
//		due? -> host slot -> worker slot -> conditional GET -> parse -> ingest each entry -> record
//
//	  - The host slot is taken before a worker slot, so feeds waiting on a busy
//	    host hold no worker and the other hosts go on.
//	  - The host slot bounds the polls of a host's feeds, not its requests:
//	    the Fetcher limits those, for the feeds and, as serve shares it with
//	    the pipeline, for the pages their entries link to. A poll keeps its
//	    host slot while its entries' pages are fetched: were the two limits
//	    one, a host's polls could hold every slot their pages wait for.
//	  - Each poll has its own deadline, so a slow feed costs one worker for at
//	    most Options.Timeout and never holds back the others.
//	  - New validators are recorded only when every entry was ingested; after
//	    a failure the next poll fetches the whole feed again and the entries
//	    already stored are recognised cheaply, so nothing is skipped.
package follow

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parallax-news/parallax/internal/extract/clean"
	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/pipeline"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/source/fetch"
	"github.com/parallax-news/parallax/internal/store"
)

// Store is what the poller needs of storage.
type Store interface {
	Feeds(ctx context.Context) ([]model.Feed, error)
	UpdateFeed(ctx context.Context, f model.Feed) error
	Known(ctx context.Context, url, contentHash string) (int64, error)
}

// Fetcher makes conditional GET requests; *fetch.Client is one, which
// limits the requests to each host.
type Fetcher interface {
	Get(ctx context.Context, url string, cond fetch.Conditional) (*fetch.Response, error)
}

// Ingester runs one item through the pipeline; *pipeline.Pipeline is one.
type Ingester interface {
	IngestItem(ctx context.Context, it source.Item) (pipeline.Result, error)
}

// Defaults for zero Options fields.
const (
	DefaultInterval   = 15 * time.Minute
	DefaultPerHost    = fetch.DefaultPerHost
	DefaultMaxBackoff = 24 * time.Hour
	DefaultTimeout    = 2 * time.Minute
	DefaultWorkers    = 8
	// DefaultTick bounds how long a newly added feed waits for its first poll.
	DefaultTick = time.Minute
)

// Options configures a Poller. Zero fields take the defaults above.
type Options struct {
	// Interval is the time between polls of a healthy feed.
	Interval time.Duration
	// PerHost is how many feeds of one host are polled at once.
	PerHost int
	// MaxBackoff caps the wait after repeated errors (never below Interval).
	MaxBackoff time.Duration
	// Timeout bounds one feed's poll: fetching, parsing and ingesting.
	Timeout time.Duration
	// Workers is how many feeds are polled at once in all.
	Workers int
	// Tick is how often Run looks for due feeds.
	Tick time.Duration
	// Parse reads a feed document; ParseFeed when nil.
	Parse Parser
	// OnPoll, if set, is called after each feed's poll, from the polling
	// goroutine, e.g. to update metrics.
	OnPoll func(Poll)
}

// Poll is the outcome of polling one feed.
type Poll struct {
	Feed        model.Feed // as recorded after the poll
	NotModified bool
	// Counts of entries by pipeline status.
	New, Known, Failed int
	// Err is why the poll failed (fetch, parse, timeout), or nil; failed
	// entries alone do not fail a poll.
	Err error
}

// Stats counts what the poller has done since it was made.
type Stats struct {
	Polls       int64 // feed polls finished
	NotModified int64 // of which answered 304
	FetchErrors int64 // of which failed: fetch, parse or timeout
	New         int64 // entries stored as new articles
	Known       int64 // entries already stored
	Failed      int64 // entries the pipeline refused
}

// Poller polls the feeds of a store.
type Poller struct {
	st     Store
	fetch  Fetcher
	ingest Ingester
	opt    Options
	log    *slog.Logger
	now    func() time.Time // replaced in tests

	workers chan struct{}
	hosts   *fetch.Hosts // the feeds being polled, by host
	wake    chan struct{}

	mu       sync.Mutex
	inflight map[int64]bool

	polls, notModified, fetchErrors, entriesNew, entriesKnown, entriesFailed atomic.Int64
}

// New returns a poller of st's feeds that fetches with f and ingests with in.
func New(st Store, f Fetcher, in Ingester, opt Options, log *slog.Logger) *Poller {
	if opt.Parse == nil {
		opt.Parse = ParseFeed
	}
	if opt.Interval <= 0 {
		opt.Interval = DefaultInterval
	}
	if opt.PerHost <= 0 {
		opt.PerHost = DefaultPerHost
	}
	if opt.MaxBackoff <= 0 {
		opt.MaxBackoff = DefaultMaxBackoff
	}
	opt.MaxBackoff = max(opt.MaxBackoff, opt.Interval)
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.Workers <= 0 {
		opt.Workers = DefaultWorkers
	}
	if opt.Tick <= 0 {
		opt.Tick = min(DefaultTick, opt.Interval)
	}
	return &Poller{
		st: st, fetch: f, ingest: in, opt: opt, log: log, now: time.Now,
		workers:  make(chan struct{}, opt.Workers),
		hosts:    fetch.NewHosts(opt.PerHost, 0),
		wake:     make(chan struct{}, 1),
		inflight: map[int64]bool{},
	}
}

// Stats returns the poller's counters.
func (p *Poller) Stats() Stats {
	return Stats{
		Polls:       p.polls.Load(),
		NotModified: p.notModified.Load(),
		FetchErrors: p.fetchErrors.Load(),
		New:         p.entriesNew.Load(),
		Known:       p.entriesKnown.Load(),
		Failed:      p.entriesFailed.Load(),
	}
}

// Run polls due feeds every Options.Tick until ctx ends, then waits for the
// polls under way to stop. A feed still being polled from an earlier tick
// is not started again, so one slow feed holds back nothing else.
func (p *Poller) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	t := time.NewTicker(p.opt.Tick)
	defer t.Stop()
	for {
		if err := p.start(ctx, &wg); err != nil && ctx.Err() == nil {
			p.log.Warn("listing feeds to poll", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-p.wake:
		}
	}
}

// Wake makes Run look for due feeds now rather than at the next tick, e.g.
// after a feed was added. It never blocks.
func (p *Poller) Wake() {
	select {
	case p.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// PollOnce polls every feed that is due and waits for them all. Each
// feed's outcome is recorded with the feed; the error is only for failing
// to list the feeds.
func (p *Poller) PollOnce(ctx context.Context) error {
	var wg sync.WaitGroup
	err := p.start(ctx, &wg)
	wg.Wait()
	return err
}

// start begins polling every due feed that is not already being polled.
func (p *Poller) start(ctx context.Context, wg *sync.WaitGroup) error {
	feeds, err := p.st.Feeds(ctx)
	if err != nil {
		return fmt.Errorf("list feeds: %w", err)
	}
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, f := range feeds {
		if p.inflight[f.ID] || (f.NextPoll != nil && f.NextPoll.After(now)) {
			continue
		}
		p.inflight[f.ID] = true
		wg.Go(func() {
			defer func() {
				p.mu.Lock()
				delete(p.inflight, f.ID)
				p.mu.Unlock()
			}()
			release, err := p.hosts.Acquire(ctx, f.URL)
			if err != nil {
				return // shutting down
			}
			defer release()
			select {
			case p.workers <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-p.workers }()
			p.poll(ctx, f)
		})
	}
	return nil
}

// poll fetches one feed, ingests its entries and records the outcome.
func (p *Poller) poll(ctx context.Context, f model.Feed) {
	log := p.log.With(slog.Int64("feed_id", f.ID), slog.String("feed_url", f.URL))
	started := p.now()
	pctx, cancel := context.WithTimeout(ctx, p.opt.Timeout)
	defer cancel()

	res := p.fetchAndIngest(pctx, f)
	if ctx.Err() != nil {
		// Shutting down is not the feed's fault; what was ingested is
		// stored, and the next run polls the feed again.
		return
	}
	f.LastPolled = &started
	switch {
	case res.Err != nil:
		f.Failures++
		f.LastError = res.Err.Error()
		f.NextPoll = timePtr(started.Add(p.backoff(f.Failures)))
		p.fetchErrors.Add(1)
		log.Warn("feed poll failed", slog.Int("failures", f.Failures), slog.Any("error", res.Err))
	default:
		f.Failures = 0
		f.LastError = ""
		// A feed added without a title takes its own, so lists name it
		// and the outlets page finds the outlet it supplies.
		f.Title = cmp.Or(f.Title, res.title)
		if res.Failed > 0 {
			f.LastError = fmt.Sprintf("%d of %d entries failed: %v", res.Failed, res.New+res.Known+res.Failed, res.firstErr)
		} else if res.resp != nil {
			f.ETag, f.LastModified = validators(f, res.resp)
		}
		f.NextPoll = timePtr(started.Add(p.opt.Interval))
		log.Debug("feed polled", slog.Bool("not_modified", res.NotModified),
			slog.Int("new", res.New), slog.Int("known", res.Known), slog.Int("failed", res.Failed))
	}
	res.Feed = f
	p.polls.Add(1)
	if res.NotModified {
		p.notModified.Add(1)
	}
	p.entriesNew.Add(int64(res.New))
	p.entriesKnown.Add(int64(res.Known))
	p.entriesFailed.Add(int64(res.Failed))

	// Shutdown may begin while the outcome is written: finish writing it.
	uctx, ucancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer ucancel()
	if err := p.st.UpdateFeed(uctx, f); err != nil && !errors.Is(err, store.ErrNotFound) {
		log.Error("recording feed poll", slog.Any("error", err))
	}
	if p.opt.OnPoll != nil {
		p.opt.OnPoll(res.Poll)
	}
}

// pollResult is a Poll with what the recording step needs besides.
type pollResult struct {
	Poll
	resp     *fetch.Response
	firstErr error
	// title is the feed's own name, which its entries carry as their
	// outlet (see source.FeedItem).
	title string
}

func (p *Poller) fetchAndIngest(ctx context.Context, f model.Feed) pollResult {
	var res pollResult
	resp, err := p.fetch.Get(ctx, f.URL, fetch.Conditional{ETag: f.ETag, LastModified: f.LastModified})
	if err != nil {
		res.Err = err // fetch errors name the URL
		return res
	}
	res.resp = resp
	if resp.NotModified {
		res.NotModified = true
		return res
	}
	items, err := p.opt.Parse(f.URL, resp.Body)
	if err != nil {
		res.Err = err
		return res
	}
	for it, err := range items {
		if err != nil {
			res.Failed++
			res.firstErr = cmp.Or(res.firstErr, err)
			continue
		}
		// Taken from every entry, known ones too, as extraction writes it
		// into the articles' outlet.
		res.title = cmp.Or(res.title, clean.Normalize(it.Hint.Outlet))
		// An entry whose link is stored already is known without the
		// pipeline's extraction: feeds without validators repeat every
		// entry at every poll. A link that is not yet canonical falls
		// through to the pipeline, which recognises it after cleaning.
		if it.Hint.URL != "" {
			if _, err := p.st.Known(ctx, it.Hint.URL, ""); err == nil {
				res.Known++
				continue
			}
		}
		if f.Outlet != "" {
			it.Hint.Outlet = f.Outlet // the user's word for whose feed it is wins
		}
		r, err := p.ingest.IngestItem(ctx, it)
		if ctx.Err() != nil {
			res.Err = fmt.Errorf("feed %s: ingesting %s: %w", f.URL, it.Input, ctx.Err())
			return res
		}
		switch r.Status {
		case pipeline.StatusNew:
			res.New++
		case pipeline.StatusKnown:
			res.Known++
		default:
			res.Failed++
			if res.firstErr == nil {
				res.firstErr = cmp.Or(err, r.Err, errors.New("unknown failure"))
			}
		}
	}
	return res
}

// validators returns the ETag and Last-Modified to send next time: the
// server's new ones, or the feed's own when a 304 carried none.
func validators(f model.Feed, resp *fetch.Response) (etag, lastModified string) {
	etag, lastModified = resp.ETag, resp.LastModified
	if resp.NotModified {
		etag = cmp.Or(etag, f.ETag)
		lastModified = cmp.Or(lastModified, f.LastModified)
	}
	return etag, lastModified
}

// backoff is the wait after the failures-th consecutive failed poll:
// Interval doubled per failure, capped at MaxBackoff, and up to a fifth
// shorter at random so feeds that failed together do not retry together.
func (p *Poller) backoff(failures int) time.Duration {
	d := p.opt.Interval
	for range failures {
		if d >= p.opt.MaxBackoff {
			break
		}
		d *= 2
	}
	d = min(d, p.opt.MaxBackoff)
	return d - rand.N(d/5+1)
}

func timePtr(t time.Time) *time.Time { return &t }
