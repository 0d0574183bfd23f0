// Package pipeline runs each article through Parallax's stages, in this
// order, and keeps the clusterer's in-memory index in step with the store:
//
//	read -> extract, clean, describe -> known? -> analyse -> fingerprint
//	     -> assign (copy / story) -> store -> commit to the index
//
// Ordering rules, and why:
//   - The "known?" check runs after extraction because the canonical URL and
//     the content hash only exist once the article is clean; it runs before
//     analysis so re-ingesting a corpus costs little.
//   - Extraction and analysis are pure and run in parallel workers; assignment,
//     storing and committing run one article at a time in arrival order,
//     because each decision must see every article stored before it.
//   - The index is changed only after the store committed, so a failed write
//     leaves the index as it was and a killed process rebuilds it from the
//     store: nothing reported stored is lost, nothing half-written remains.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"

	"github.com/parallax-news/parallax/internal/cluster"
	"github.com/parallax-news/parallax/internal/extract"
	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/text"
)

// Status of one ingested input.
const (
	StatusNew    = "new"
	StatusKnown  = "known"
	StatusFailed = "failed"
)

// Result reports what became of one input item.
type Result struct {
	Input   string `json:"input"`
	Article int64  `json:"article,omitempty"`
	Story   int64  `json:"story,omitempty"`
	Status  string `json:"status"`
	Err     error  `json:"-"`
}

// Options configures a pipeline.
type Options struct {
	Source  source.Options
	Extract extract.Options
	// Cluster configures the clusterer; nil means cluster.DefaultConfig,
	// the one configuration used for all data.
	Cluster *cluster.Config
	// Workers run extraction and analysis; 0 means one per CPU.
	Workers int
}

// Pipeline ingests articles into a store and answers for stories.
type Pipeline struct {
	st  store.Store
	cl  *cluster.Clusterer
	log *slog.Logger
	opt Options

	// mu serialises assign, save and commit: each decision must see the
	// index exactly as the store has it.
	mu sync.Mutex
}

// New opens a pipeline on st, rebuilding the clusterer's index from what is
// stored and re-applying people's corrections.
func New(ctx context.Context, st store.Store, opt Options, log *slog.Logger) (*Pipeline, error) {
	if opt.Workers <= 0 {
		opt.Workers = runtime.NumCPU()
	}
	cfg := cluster.DefaultConfig()
	if opt.Cluster != nil {
		cfg = *opt.Cluster
	}
	p := &Pipeline{st: st, cl: cluster.New(cfg, log), log: log, opt: opt}
	err := st.ClusterRows(ctx, func(r store.ClusterRow) error {
		var f cluster.Features
		if err := f.UnmarshalBinary(r.Features); err != nil {
			return fmt.Errorf("article %d: features: %w", r.Article, err)
		}
		p.cl.Restore(r.Article, r.Story, r.CopyOf, &f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rebuild story index: %w", err)
	}
	corrections, err := st.Corrections(ctx)
	if err != nil {
		return nil, fmt.Errorf("load corrections: %w", err)
	}
	for _, c := range corrections {
		p.cl.Apply(c)
	}
	return p, nil
}

// Store returns the pipeline's store.
func (p *Pipeline) Store() store.Store { return p.st }

// prepared is an item after the parallel stages.
type prepared struct {
	input    string
	article  *model.Article
	raw      model.Raw
	features *cluster.Features
	known    int64
	err      error
}

// prepare runs the stages that need no shared state: extraction, cleaning,
// description, the known check, analysis and fingerprinting.
func (p *Pipeline) prepare(ctx context.Context, it source.Item) prepared {
	pr := prepared{input: it.Input, raw: it.Raw}
	a, err := extract.Article(ctx, it, p.opt.Extract)
	if err != nil {
		pr.err = err
		return pr
	}
	a.Source, a.Format = it.Input, it.Kind
	id, err := p.st.Known(ctx, a.URL, a.ContentHash)
	switch {
	case err == nil:
		pr.known = id
		return pr
	case !errors.Is(err, store.ErrNotFound):
		pr.err = fmt.Errorf("%s: %w", it.Input, err)
		return pr
	}
	doc := text.Analyze(a.Title, a.Text)
	pr.article = a
	pr.features = cluster.Extract(a, doc)
	return pr
}

// commit assigns a prepared article to a copy group and story, stores it,
// and only then changes the index.
func (p *Pipeline) commit(ctx context.Context, pr prepared) Result {
	res := Result{Input: pr.input}
	switch {
	case pr.err != nil:
		res.Status, res.Err = StatusFailed, pr.err
		return res
	case pr.known != 0:
		return p.knownResult(ctx, res, pr.known)
	}
	p.mu.Lock()
	defer p.mu.Unlock()

	asg := p.cl.Assign(pr.features)
	storyID := asg.Story
	if storyID == 0 {
		id, err := p.st.NextStoryID(ctx)
		if err != nil {
			res.Status, res.Err = StatusFailed, fmt.Errorf("%s: new story: %w", pr.input, err)
			return res
		}
		storyID = id
	}
	a := pr.article
	a.Story = &storyID
	if asg.CopyOf != 0 {
		copyOf := asg.CopyOf
		a.CopyOf = &copyOf
	}
	blob, err := pr.features.MarshalBinary()
	if err != nil {
		res.Status, res.Err = StatusFailed, fmt.Errorf("%s: features: %w", pr.input, err)
		return res
	}
	dec := asg.Decision
	dec.Story = storyID
	rec := &store.Record{
		Article:    a,
		Raw:        pr.raw,
		Features:   blob,
		Decision:   dec,
		StoryTitle: a.Title,
	}
	for _, m := range asg.Merges {
		rec.Merges = append(rec.Merges, store.Merge{From: m.From, Into: m.Into, Decision: m.Decision})
	}
	id, err := p.st.Save(ctx, rec)
	if dup, ok := errors.AsType[*store.DuplicateError](err); ok {
		// Another writer stored the same article since the known check.
		return p.knownResult(ctx, res, dup.ID)
	}
	if err != nil {
		res.Status, res.Err = StatusFailed, fmt.Errorf("%s: store: %w", pr.input, err)
		return res
	}
	p.cl.Commit(id, storyID, pr.features, asg)
	res.Status, res.Article, res.Story = StatusNew, id, storyID
	return res
}

func (p *Pipeline) knownResult(ctx context.Context, res Result, id int64) Result {
	res.Status, res.Article = StatusKnown, id
	if a, err := p.st.Article(ctx, id); err == nil && a.Story != nil {
		res.Story = *a.Story
	}
	return res
}

// IngestItem runs one item through the whole pipeline.
func (p *Pipeline) IngestItem(ctx context.Context, it source.Item) (Result, error) {
	res := p.commit(ctx, p.prepare(ctx, it))
	return res, res.Err
}

// IngestItems runs items through the pipeline in their order, extraction and
// analysis in parallel, calling report once per item in the same order.
func (p *Pipeline) IngestItems(ctx context.Context, items []source.Item, report func(Result)) {
	i := 0
	next := func() (source.Item, error, bool) {
		if i >= len(items) {
			return source.Item{}, nil, false
		}
		i++
		return items[i-1], nil, true
	}
	p.run(ctx, next, report)
}

// Ingest reads every input (path, directory, URL or "-") and runs what it
// holds through the pipeline, calling report once per item or failed input.
// Reading errors are reported as failed results; the other inputs go on.
func (p *Pipeline) Ingest(ctx context.Context, inputs []string, report func(Result)) {
	items := make(chan readResult)
	go func() {
		defer close(items)
		for _, in := range inputs {
			for it, err := range source.Read(ctx, in, p.opt.Source) {
				select {
				case items <- readResult{it, err}:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	next := func() (source.Item, error, bool) {
		r, ok := <-items
		return r.item, r.err, ok
	}
	p.run(ctx, next, report)
	for range items { // let the reader finish when the context ended early
	}
}

type readResult struct {
	item source.Item
	err  error
}

// run is the ordered worker pool behind Ingest and IngestItems: workers
// prepare items in parallel; a single loop commits them in arrival order.
func (p *Pipeline) run(ctx context.Context, next func() (source.Item, error, bool), report func(Result)) {
	type job struct {
		item source.Item
		out  chan prepared
	}
	jobs := make(chan job)
	ordered := make(chan job, p.opt.Workers*4)
	var wg sync.WaitGroup
	for range p.opt.Workers {
		wg.Go(func() {
			for j := range jobs {
				j.out <- p.prepare(ctx, j.item)
			}
		})
	}
	go func() {
		defer close(ordered)
		defer close(jobs)
		for {
			it, err, ok := next()
			if !ok || ctx.Err() != nil {
				return
			}
			j := job{item: it, out: make(chan prepared, 1)}
			if err != nil {
				j.out <- prepared{input: it.Input, err: err}
				ordered <- j
				continue
			}
			ordered <- j
			jobs <- j
		}
	}()
	for j := range ordered {
		pr := <-j.out
		if pr.input == "" {
			pr.input = j.item.Input
		}
		report(p.commit(ctx, pr))
	}
	wg.Wait()
}
