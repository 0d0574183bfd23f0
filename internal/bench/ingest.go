// Package bench measures Parallax as a whole: how fast generated articles
// (internal/synth) go through the whole pipeline into a store, whether the
// cost of one article grows as stories accumulate, how much memory that
// takes, and how fast the server answers readers while ingestion runs.
// `parallax bench` prints what it measures; BenchmarkPipeline gives the
// pipeline's rate to `go test -bench`.
package bench

import (
	"context"
	"errors"
	"fmt"
	"runtime/metrics"
	"slices"
	"sync"
	"time"

	"github.com/parallax-news/parallax/internal/eval"
	"github.com/parallax-news/parallax/internal/pipeline"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/synth"
)

// ErrNoArticles is returned when a run is asked for no articles.
var ErrNoArticles = errors.New("no articles to ingest")

// Defaults for zero IngestOptions fields.
const (
	DefaultBatch       = 1000
	DefaultCheckpoints = 10
)

// IngestOptions configures Ingest. Zero values take the defaults.
type IngestOptions struct {
	// Articles is how many generated articles to ingest (required).
	Articles int
	// Batch is how many articles are generated at a time (default 1000),
	// a batch ahead of the pipeline, which takes them as one stream.
	Batch int
	// Every is the checkpoint interval in articles (default a tenth of
	// Articles).
	Every int
	// Seed and Synth make the stream (Synth.Corpus is required). A store
	// that already holds a seed's articles needs another seed for new ones.
	Seed  uint64
	Synth synth.Options
	// Score keeps the gold story of every article and scores the store's
	// stories against them at the end (memory grows with Articles).
	Score bool
	// Rate, if set, caps the articles per second (a feed-like trickle
	// beside a load test); 0 is as fast as the pipeline goes.
	Rate float64
	// Progress, if set, is called at each checkpoint.
	Progress func(Checkpoint)
}

// Checkpoint is the state of a run after a number of articles, with the
// figures of the window since the previous checkpoint.
type Checkpoint struct {
	Articles int     `json:"articles"`
	Stories  int64   `json:"stories"`
	Seconds  float64 `json:"seconds"`
	// Rate is articles per second over the window.
	Rate float64 `json:"rate"`
	// MedianCost and P90Cost are the wall time per article of blocks of
	// consecutive articles in the window (blocks of 1000, or a tenth of
	// the window if smaller), in microseconds: the cost of one article to
	// the whole pipeline, which must not grow with the number of stories.
	// The pipeline stores articles in batches of up to 1,024 and reports
	// them in bursts, so a single article's time says nothing; blocks
	// smaller than a batch still blur, so judge the trend on windows of
	// 10,000 or more.
	MedianCost float64 `json:"median_cost_us"`
	P90Cost    float64 `json:"p90_cost_us"`
	// CPUCost is the process's CPU time (all cores, user and system) per
	// article over the window, in microseconds: on a machine shared with
	// other work it shows the pipeline's own cost where the wall-clock
	// figures show the machine's load too.
	CPUCost float64 `json:"cpu_cost_us"`
	// AssignCost is the clusterer's time per article over the window (its
	// Assign and Commit, run one article at a time): the cost of one
	// assignment, which must stay flat as stories accumulate. RegroupCost
	// is the clusterer's regrouping after each assignment, per article.
	// StoreCost is the store's batch-write time per article.
	AssignCost  float64 `json:"assign_cost_us"`
	RegroupCost float64 `json:"regroup_cost_us"`
	StoreCost   float64 `json:"store_cost_us"`
	// Postings is the stories an article's look-up read from the
	// clusterer's inverted index over the window: the work of one
	// assignment, which grows until the posting lists reach their cap and
	// then stays flat, where its time also grows with cache misses.
	Postings  float64 `json:"postings_per_lookup"`
	HeapBytes uint64  `json:"heap_bytes"`
	RSSBytes  uint64  `json:"rss_bytes"`
}

// IngestReport is the outcome of a run.
type IngestReport struct {
	Articles int     `json:"articles"`
	New      int     `json:"new"`
	Known    int     `json:"known"`
	Failed   int     `json:"failed"`
	Stories  int64   `json:"stories"`
	Stored   int64   `json:"stored"` // articles in the store at the end
	Seconds  float64 `json:"seconds"`
	Rate     float64 `json:"rate"`
	// CPUSeconds is the process's CPU time over the run; CPURate the
	// articles per CPU-second, which bounds the rate on an idle machine:
	// at most CPURate times the cores, less where one core's serial work
	// (assign and store) is the limit.
	CPUSeconds float64 `json:"cpu_seconds"`
	CPURate    float64 `json:"cpu_rate"`
	// PeakRSSBytes is the process's peak resident memory (VmHWM: over the
	// process's whole life, so it includes what ran before); PeakHeapBytes
	// the largest Go heap seen during the run.
	PeakRSSBytes  uint64              `json:"peak_rss_bytes"`
	PeakHeapBytes uint64              `json:"peak_heap_bytes"`
	Checkpoints   []Checkpoint        `json:"checkpoints"`
	Score         *eval.ClusterScores `json:"score,omitempty"`
	FirstError    string              `json:"first_error,omitempty"`
	Interrupted   bool                `json:"interrupted,omitempty"`
}

// Ingest streams opt.Articles generated articles through p into st (the
// pipeline's store) and reports the rates, the per-article cost per window
// and the memory used. When ctx ends it stops and reports how far it got,
// with Interrupted set.
func Ingest(ctx context.Context, p *pipeline.Pipeline, st store.Store, opt IngestOptions) (IngestReport, error) {
	if opt.Articles <= 0 {
		return IngestReport{}, ErrNoArticles
	}
	if opt.Batch <= 0 {
		opt.Batch = DefaultBatch
	}
	if opt.Every <= 0 {
		opt.Every = max(opt.Articles/DefaultCheckpoints, 1)
	}
	gen, err := synth.New(opt.Seed, opt.Synth)
	if err != nil {
		return IngestReport{}, fmt.Errorf("bench ingest: %w", err)
	}

	heap := newHeapWatch()
	defer heap.stop()

	// Generation runs a batch ahead of the pipeline, which takes the
	// articles as one stream: handed over a batch at a time, each batch's
	// end would leave the workers idle while its last articles are stored.
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type batch struct {
		items []source.Item
		gold  []string
	}
	batches := make(chan batch, 1)
	go func() {
		defer close(batches)
		for done := 0; done < opt.Articles; {
			n := min(opt.Batch, opt.Articles-done)
			b := batch{items: make([]source.Item, n)}
			if opt.Score {
				b.gold = make([]string, n)
			}
			for i := range n {
				a := gen.Next()
				b.items[i] = a.Item
				if opt.Score {
					b.gold[i] = a.Story
				}
			}
			done += n
			select {
			case batches <- b:
			case <-gctx.Done():
				return
			}
		}
	}()

	var (
		rep     IngestReport
		gold    map[int64]string // article id -> gold story
		golds   []string         // gold story of each article handed over, in order
		block   = max(1, min(costBlock, opt.Every/10))
		costs   []float64
		start   = time.Now()
		last    = start
		winFrom = start
		cpu0    = cpuTime()
		winCPU  = cpu0
		winWork = p.Stats()
		winLook = p.ClusterWork()
	)
	if opt.Score {
		gold = make(map[int64]string, opt.Articles)
		golds = make([]string, 0, opt.Articles)
	}
	// The pipeline's reading goroutine appends to golds before it takes an
	// article; report reads it once the article came out.
	var goldMu sync.Mutex
	items := func(yield func(source.Item) bool) {
		handed := 0
		for b := range batches {
			if opt.Rate > 0 {
				// Wait until the articles so far are due at Rate.
				due := start.Add(time.Duration(float64(handed) / opt.Rate * float64(time.Second)))
				select {
				case <-time.After(time.Until(due)):
				case <-ctx.Done():
					return
				}
			}
			for i, it := range b.items {
				if opt.Score {
					goldMu.Lock()
					golds = append(golds, b.gold[i])
					goldMu.Unlock()
				}
				if !yield(it) {
					return
				}
				handed++
			}
		}
	}
	reported := 0 // results so far: the index of this one in golds
	p.IngestSeq(ctx, items, func(r pipeline.Result) {
		k := reported
		reported++
		if r.Status != pipeline.StatusNew && ctx.Err() != nil {
			return // cut off by the end of the run, not an outcome
		}
		now := time.Now()
		rep.Articles++
		if rep.Articles%block == 0 {
			costs = append(costs, float64(now.Sub(last).Nanoseconds())/1e3/float64(block))
			last = now
		}
		switch r.Status {
		case pipeline.StatusNew:
			rep.New++
			if gold != nil {
				goldMu.Lock()
				gold[r.Article] = golds[k]
				goldMu.Unlock()
			}
		case pipeline.StatusKnown:
			rep.Known++
		default:
			rep.Failed++
			if rep.FirstError == "" && r.Err != nil {
				rep.FirstError = r.Err.Error()
			}
		}
		if rep.Articles%opt.Every == 0 {
			cp := checkpoint(ctx, st, rep.Articles, opt.Every, start, winFrom, now, costs, heap)
			c := cpuTime()
			cp.CPUCost = float64((c - winCPU).Microseconds()) / float64(opt.Every)
			work := p.Stats()
			cp.AssignCost = perArticle(work.AssignTime-winWork.AssignTime, work.Assigned-winWork.Assigned)
			cp.RegroupCost = perArticle(work.RegroupTime-winWork.RegroupTime, work.Assigned-winWork.Assigned)
			cp.StoreCost = perArticle(work.StoreTime-winWork.StoreTime, work.Stored-winWork.Stored)
			winWork = work
			look := p.ClusterWork()
			if n := look.Lookups - winLook.Lookups; n > 0 && look.Lookups >= winLook.Lookups {
				cp.Postings = float64(look.Postings-winLook.Postings) / float64(n)
			}
			winLook = look
			rep.Checkpoints = append(rep.Checkpoints, cp)
			if opt.Progress != nil {
				opt.Progress(cp)
			}
			winFrom, costs, winCPU = now, costs[:0], c
		}
	})
	rep.Interrupted = ctx.Err() != nil
	rep.Seconds = time.Since(start).Seconds()
	rep.CPUSeconds = (cpuTime() - cpu0).Seconds()
	if rep.Seconds > 0 {
		rep.Rate = float64(rep.Articles) / rep.Seconds
	}
	if rep.CPUSeconds > 0 {
		rep.CPURate = float64(rep.Articles) / rep.CPUSeconds
	}
	// The counts and score are read even after an interrupt: they say how
	// far the run got. A context that ended needs one of their own.
	rctx := context.WithoutCancel(ctx)
	if rep.Stories, err = st.CountStories(rctx); err != nil {
		return rep, fmt.Errorf("bench ingest: %w", err)
	}
	if rep.Stored, err = st.CountArticles(rctx); err != nil {
		return rep, fmt.Errorf("bench ingest: %w", err)
	}
	rep.PeakHeapBytes = heap.peak()
	rep.PeakRSSBytes = ProcStatus("VmHWM")
	if gold != nil {
		s, err := score(rctx, st, gold)
		if err != nil {
			return rep, fmt.Errorf("bench ingest: %w", err)
		}
		rep.Score = &s
	}
	return rep, nil
}

// perArticle is d over n articles, in microseconds; 0 for none.
func perArticle(d time.Duration, n int64) float64 {
	if n <= 0 {
		return 0
	}
	return float64(d.Nanoseconds()) / 1e3 / float64(n)
}

// costBlock is the largest block of articles timed together.
const costBlock = 1000

func checkpoint(ctx context.Context, st store.Store, n, window int, start, from, now time.Time, costs []float64, heap *heapWatch) Checkpoint {
	cp := Checkpoint{
		Articles:  n,
		Seconds:   now.Sub(start).Seconds(),
		HeapBytes: heap.sample(),
		RSSBytes:  ProcStatus("VmRSS"),
	}
	if d := now.Sub(from).Seconds(); d > 0 {
		cp.Rate = float64(window) / d
	}
	cp.MedianCost, cp.P90Cost = quantile(costs, 0.5), quantile(costs, 0.9)
	// A failed count leaves Stories at zero; the run goes on.
	cp.Stories, _ = st.CountStories(ctx)
	return cp
}

// quantile sorts xs in place and returns its q-quantile (nearest rank).
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	return xs[min(int(q*float64(len(xs))), len(xs)-1)]
}

// score compares the stories the articles ended in with their gold
// stories. Copies count in their original's story, as the store has them.
func score(ctx context.Context, st store.Store, gold map[int64]string) (eval.ClusterScores, error) {
	g := make([]string, 0, len(gold))
	pred := make([]string, 0, len(gold))
	err := st.ClusterRows(ctx, func(r store.ClusterRow) error {
		if s, ok := gold[r.Article]; ok {
			g = append(g, s)
			pred = append(pred, fmt.Sprint(r.Story))
		}
		return nil
	})
	if err != nil {
		return eval.ClusterScores{}, fmt.Errorf("score: %w", err)
	}
	return eval.Score(g, pred), nil
}

// heapWatch samples the Go heap every 100 ms and keeps the largest value,
// so the peak between checkpoints is seen too. runtime/metrics reads it
// without stopping the world.
type heapWatch struct {
	mu   sync.Mutex
	max  uint64
	done chan struct{}
	wg   sync.WaitGroup
}

const heapMetric = "/memory/classes/heap/objects:bytes"

func newHeapWatch() *heapWatch {
	h := &heapWatch{done: make(chan struct{})}
	h.wg.Go(func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-h.done:
				return
			case <-t.C:
				h.sample()
			}
		}
	})
	return h
}

// sample reads the heap now, records it and returns it.
func (h *heapWatch) sample() uint64 {
	s := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(s)
	v := s[0].Value.Uint64()
	h.mu.Lock()
	h.max = max(h.max, v)
	h.mu.Unlock()
	return v
}

func (h *heapWatch) peak() uint64 {
	h.sample()
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.max
}

func (h *heapWatch) stop() {
	close(h.done)
	h.wg.Wait()
}
