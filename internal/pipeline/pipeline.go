// Package pipeline runs each article through Parallax's stages, in this
// order, and keeps the clusterer's in-memory index in step with the store:
//
//	read -> extract, clean, describe -> known? -> analyse -> fingerprint
//	     -> assign (copy / story) -> store -> commit to the index
//
// Ordering rules, and why:
//   - The "known?" check runs after extraction because the canonical URL and
//     the content hash only exist once the article is clean; it runs before
//     analysis so re-ingesting a corpus costs little. A worker extracts a run
//     of the items queued and checks them in one look-up, not one each.
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
	"iter"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/parallax-news/parallax/internal/cluster"
	"github.com/parallax-news/parallax/internal/extract"
	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/source/fetch"
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
	// LinkedPages reads a feed entry read over the network that gives only
	// a headline or a teaser (fewer than fullText words) from the page it
	// links to, fetched with the client that reads the inputs (Source.Fetch,
	// or one made as Source says), under its limit per host.
	LinkedPages bool
	// Workers run extraction and analysis; 0 means one per CPU.
	Workers int
	// IndexFile, when set, is where the story index is kept between runs:
	// SaveIndex writes it as a process ends, and the next process reads it
	// instead of rebuilding the index from every stored article, when the
	// store has not changed since (see indexfile.go). Beside a SQLite
	// database, its name with ".index".
	IndexFile string
	// Rebuilding, when set, follows the rebuild of the clusterer's index
	// from the store, which the first arrival waits for (a minute and more
	// on a million articles): it is called with the number of stored
	// articles read so far, every few hundred, and once more with done set
	// when the index is built, on the goroutine that asked for it and with
	// the pipeline locked: it must not call the pipeline.
	Rebuilding func(read int, done bool)
}

// Pipeline ingests articles into a store and answers for stories.
type Pipeline struct {
	st  store.Store
	cfg cluster.Config
	log *slog.Logger
	opt Options

	// comparing shares one computation of a story's comparison among
	// everyone asking for it at once.
	comparing singleflight.Group

	// mu serialises deciding and storing, and guards what follows: each
	// decision must see the index exactly as the store has it.
	mu     sync.Mutex
	cl     *cluster.Clusterer
	gen    uint64      // counts rebuilds of cl
	origin IndexOrigin // how cl was made
	// builtAt is the store's generation cl was made from, zero when it
	// could not be read.
	builtAt store.Generation
	// writes is the store's count of writes cl holds: builtAt's, and one
	// more for each write of this pipeline since. A batch is stored only
	// while the store is still at it (store.SaveBatchAt): one decided in an
	// index that lacks another process's writes is decided again instead,
	// so that an article joins the stories another process made.
	writes writeCount
	// fileAt is the count of writes the index file holds, as this
	// pipeline read or wrote it (-1: none, or unknown).
	fileAt               int64
	decidedBatches       uint64 // counts decideBatch's batches: their turns to be stored
	articleIDs, storyIDs idPool
	// inflight holds the articles decided and not yet stored, by canonical
	// URL and by content hash, so that an article arriving twice is known
	// however the two fall into batches. Were the second caught only by the
	// store's unique index, its whole batch would be refused and the index
	// rebuilt, and decisions would depend on the timing of batches.
	inflight map[string]arrival
	// settled counts the batches whose articles left inflight: a known
	// check made before a batch settled may have missed its articles.
	settled atomic.Uint64

	turns turns

	// stats times the two serial stages; see Stats.
	stats struct {
		assigned, assignNanos atomic.Int64
		regroupNanos          atomic.Int64
		stored, storeNanos    atomic.Int64
	}
}

// Stats is the work of the two serial stages so far: the clusterer's
// assignments and the store's batch writes, with the time they took. A
// benchmark reads them twice and divides, to tell which stage's cost per
// article grows as the store grows.
type Stats struct {
	Assigned    int64         // articles assigned to a story by the clusterer
	AssignTime  time.Duration // in Assign and Commit
	RegroupTime time.Duration // in Regroup, after the assignments
	Stored      int64         // articles in the batches handed to the store
	StoreTime   time.Duration // in SaveBatch, refused batches included
}

// Stats returns the pipeline's counters.
func (p *Pipeline) Stats() Stats {
	return Stats{
		Assigned:    p.stats.assigned.Load(),
		AssignTime:  time.Duration(p.stats.assignNanos.Load()),
		RegroupTime: time.Duration(p.stats.regroupNanos.Load()),
		Stored:      p.stats.stored.Load(),
		StoreTime:   time.Duration(p.stats.storeNanos.Load()),
	}
}

// turns makes batches be stored in the order they were decided, whoever
// decided them (a bulk ingest, the API, the feed poller): a batch may name
// the articles and stories of batches decided before it, and the store
// refuses an article naming one it does not hold yet.
type turns struct {
	mu   sync.Mutex
	cond *sync.Cond
	done uint64 // the batches stored, or given up, so far
}

// wait returns when batch n's turn has come.
func (t *turns) wait(n uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cond == nil {
		t.cond = sync.NewCond(&t.mu)
	}
	for t.done+1 != n {
		t.cond.Wait()
	}
}

// finish ends batch n's turn.
func (t *turns) finish(n uint64) {
	t.mu.Lock()
	t.done = n
	if t.cond != nil {
		t.cond.Broadcast()
	}
	t.mu.Unlock()
}

// New opens a pipeline on st. The clusterer's index is rebuilt from what is
// stored, people's corrections re-applied, on the first use that needs it
// (see index), not here: reading a story needs none, and the rebuild reads
// every stored article's features, seconds at 100,000 articles.
func New(st store.Store, opt Options, log *slog.Logger) (*Pipeline, error) {
	if opt.Workers <= 0 {
		opt.Workers = runtime.NumCPU()
	}
	if opt.Extract.Outlets == nil && opt.Extract.OutletFile != "" {
		// Read the user's outlet file once, and refuse a bad one before any input.
		outlets, err := extract.LoadOutlets(opt.Extract.OutletFile)
		if err != nil {
			return nil, err // it names the file
		}
		opt.Extract.Outlets = outlets
	}
	if opt.Extract.Logger == nil {
		opt.Extract.Logger = log
	}
	if opt.Source.Logger == nil {
		opt.Source.Logger = log // the readers' warnings: an unreadable date, an id given twice
	}
	cfg := cluster.DefaultConfig()
	if opt.Cluster != nil {
		cfg = *opt.Cluster
	}
	// One client reads the URLs given as inputs and the pages their entries
	// link to (see linkedPage), which the workers fetch in parallel, so that
	// its limit per host holds for all of them.
	if opt.Source.Fetch == nil {
		opt.Source.Fetch = fetch.New(fetch.Options{AllowPrivate: opt.Source.AllowPrivate, MaxBodySize: opt.Source.MaxFileSize, Logger: log})
	}
	return &Pipeline{st: st, cfg: cfg, log: log, opt: opt, articleIDs: idPool{article: true}, inflight: map[string]arrival{},
		writes: writeCount{at: -1, sinceFile: -1}, fileAt: -1}, nil
}

// LoadIndex builds the clusterer's index now if it is not built yet, so
// that a server's first arrival does not wait for it.
func (p *Pipeline) LoadIndex(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, err := p.index(ctx)
	return err
}

// index returns the clusterer's index, built from the store on first use.
// The caller holds p.mu.
func (p *Pipeline) index(ctx context.Context) (*cluster.Clusterer, error) {
	if p.cl == nil {
		if err := ctx.Err(); err != nil {
			return nil, err // stopping: no index is made, and none is missed
		}
		if err := p.loadIndex(ctx); err != nil {
			return nil, err
		}
	}
	return p.cl, nil
}

// loadIndex makes the clusterer's index: read from the index file when it
// was saved from this store, as it is or before writes it then follows,
// else rebuilt from the store. The caller holds p.mu, or owns p alone.
func (p *Pipeline) loadIndex(ctx context.Context) error {
	began := time.Now()
	// Read before anything else: a write by another process from here on
	// leaves the count behind what the store holds, and the index is not
	// saved (SaveIndex).
	gen, genErr := p.st.Generation(ctx)
	if genErr != nil {
		p.log.Warn("story index: the store's generation is unknown; rebuilding, and it will not be saved", "err", genErr)
	}
	var cl *cluster.Clusterer
	var origin IndexOrigin
	if genErr == nil {
		var saved int64
		if cl, saved = p.loadIndexFile(gen); cl != nil {
			origin.File, p.fileAt = p.opt.IndexFile, saved
		}
		if cl != nil && saved < gen.Writes {
			var err error
			if origin.Followed, err = p.catchUp(ctx, cl, saved); err != nil {
				p.log.Warn("story index file not used: the writes since it was saved could not be followed; rebuilding", "err", err)
				cl, origin = nil, IndexOrigin{}
			}
		}
	}
	if cl == nil {
		var err error
		if cl, origin.Articles, err = p.rebuildIndex(ctx); err != nil {
			return err
		}
	}
	if p.cl != nil {
		p.gen++ // a rebuild: batches decided in the old index are stale
	}
	p.cl = cl
	p.builtAt = gen
	p.writes.set(gen.Writes, genErr == nil)
	sinceFile := -1 // rebuilt: the file, if any, is not this index's
	if origin.File != "" {
		sinceFile = origin.Followed
	}
	p.writes.setSinceFile(sinceFile)
	origin.At = time.Now()
	origin.Took = origin.At.Sub(began)
	p.origin = origin
	if p.opt.Rebuilding != nil {
		p.opt.Rebuilding(origin.Articles, true)
	}
	return nil
}

// catchUp takes into cl, the index as the store was at the count of writes
// since, what was written after: the articles stored or moved (Follow),
// the stories merged away, and people's corrections, as a rebuild does for
// every article. It returns how many articles it followed. Other processes
// wrote them, or this one before it was killed; cl must hold no batch
// decided and not yet stored.
func (p *Pipeline) catchUp(ctx context.Context, cl *cluster.Clusterer, since int64) (int, error) {
	var stored cluster.Stored
	followed := 0
	err := p.st.ChangedRows(ctx, since, func(r store.ClusterRow) error {
		followed++
		if err := cl.Decode(&stored, r.Features); err != nil {
			p.log.Warn("stored features unreadable: the article stays in its story, left out of comparisons; ingest it again to mend it",
				"article", r.Article, "err", err)
		}
		cl.Follow(r.Article, r.Story, r.CopyOf, &stored)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("follow the articles written since write %d: %w", since, err)
	}
	merged, err := p.st.MergedStories(ctx)
	if err != nil {
		return 0, fmt.Errorf("follow the writes since write %d: %w", since, err)
	}
	for from, into := range merged {
		cl.RestoreMerged(from, into)
	}
	corrections, err := p.st.CorrectionsSince(ctx, since)
	if err != nil {
		return 0, fmt.Errorf("follow the corrections since write %d: %w", since, err)
	}
	replay(cl, corrections, p.log)
	return followed, nil
}

// followOthers takes into the index what other processes wrote since it was
// made, when it can, and reports whether the index now holds what the
// store holds. It can when the index holds no batch decided and not yet
// stored (nor being stored): it is then the store as it was at the count
// of writes it holds. Otherwise, or should another process write between
// this look and the next batch's write, the store refuses that batch and
// the index is rebuilt (save). The caller holds p.mu.
func (p *Pipeline) followOthers(ctx context.Context) bool {
	// inflight first: while a batch is being stored its save holds the
	// count, and deciding the next batch must not wait for it.
	if p.cl == nil || len(p.inflight) > 0 {
		return false
	}
	since := p.writes.current()
	if since < 0 {
		return false
	}
	gen, err := p.st.Generation(ctx)
	if err != nil || gen.Store != p.builtAt.Store {
		return false // unreadable, or another database: the write tells
	}
	if gen.Writes == since {
		return true
	}
	followed, err := p.catchUp(ctx, p.cl, since)
	if err != nil {
		p.log.Warn("the writes of another process not followed: the story index will be rebuilt", "err", err)
		return false
	}
	p.writes.set(gen.Writes, true)
	p.writes.addSinceFile(followed)
	// Debug: beside a busy writer, this is a line per decision.
	p.log.Debug("another process wrote to the store: the story index took it in", "articles", followed, "writes", gen.Writes-since)
	return true
}

// rebuildIndex builds the clusterer's index from the store: every stored
// article's features, the stories merged away, then what people's
// corrections bind, in the order they were made. It returns the index and
// the number of stored articles read.
func (p *Pipeline) rebuildIndex(ctx context.Context) (*cluster.Clusterer, int, error) {
	cl := cluster.New(p.cfg, p.log)
	read, err := p.restoreArticles(ctx, cl)
	if err != nil {
		return nil, 0, fmt.Errorf("rebuild story index: %w", err)
	}
	merged, err := p.st.MergedStories(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("rebuild story index: %w", err)
	}
	for from, into := range merged {
		cl.RestoreMerged(from, into)
	}
	corrections, err := p.st.Corrections(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("load corrections: %w", err)
	}
	replay(cl, corrections, p.log)
	return cl, read, nil
}

// replay binds in cl what people's corrections bind, in the order they
// were made.
func replay(cl *cluster.Clusterer, corrections []model.Correction, log *slog.Logger) {
	for _, c := range corrections {
		if err := cl.Replay(c); err != nil {
			log.Warn("correction no longer applies", "correction", c.ID, "err", err)
		}
	}
}

// restoreRow is a stored article decoded for the index.
type restoreRow struct {
	article, story, copyOf int64
	stored                 cluster.Stored
}

// Rows go from the reader to the builder of stories in batches of
// restoreBatch, restoreBatches of them in turn: their decoded articles keep
// their room from one round to the next.
const restoreBatch, restoreBatches = 256, 4

// restoreArticles adds every stored article to cl, and returns how many
// it read, on two goroutines: this one reads the rows, decodes them, makes
// their raw vectors and indexes their signatures; another adds them to
// their stories, the rest of the work. On two cores the rebuild of a
// million articles took two thirds of the time it took on one (see
// docs/performance.md).
func (p *Pipeline) restoreArticles(ctx context.Context, cl *cluster.Clusterer) (int, error) {
	free, full := make(chan []restoreRow, restoreBatches), make(chan []restoreRow, restoreBatches)
	for range restoreBatches {
		free <- make([]restoreRow, 0, restoreBatch)
	}
	built := make(chan struct{})
	go func() {
		defer close(built)
		for rows := range full {
			for i := range rows {
				r := &rows[i]
				cl.RestoreStory(r.article, r.story, r.copyOf, &r.stored)
			}
			free <- rows[:0]
		}
	}()
	rows, read := <-free, 0
	err := p.st.ClusterRows(ctx, func(r store.ClusterRow) error {
		read++
		rows = rows[:len(rows)+1]
		row := &rows[len(rows)-1]
		row.article, row.story, row.copyOf = r.Article, r.Story, r.CopyOf
		if err := cl.Decode(&row.stored, r.Features); err != nil {
			// The index is derived from the store: one damaged row must not
			// stop every arrival. The article keeps its story, as an empty
			// one does, and takes no part in comparisons.
			p.log.Warn("stored features unreadable: the article stays in its story, left out of comparisons; ingest it again to mend it",
				"article", r.Article, "err", err)
		}
		cl.RestoreSignature(row.article, row.copyOf, &row.stored.Features)
		if len(rows) == cap(rows) {
			// A stop asked for ends the rebuild within a batch, not a
			// page of the store's.
			if err := ctx.Err(); err != nil {
				return err
			}
			full <- rows
			rows = <-free
			if p.opt.Rebuilding != nil {
				p.opt.Rebuilding(read, false)
			}
		}
		return nil
	})
	if err == nil && len(rows) > 0 {
		full <- rows
	}
	close(full)
	<-built
	return read, err
}

// Store returns the pipeline's store.
func (p *Pipeline) Store() store.Store { return p.st }

// StoryOf returns the story an article is in now: a later arrival may have
// moved it since it was stored, or merged its story into another. It is 0
// for an article the pipeline does not know, and for any article before the
// index is built.
func (p *Pipeline) StoryOf(article int64) int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cl == nil {
		return 0
	}
	return p.cl.StoryOf(article)
}

// prepared is an item after the parallel stages.
type prepared struct {
	input    string
	article  *model.Article
	raw      model.Raw
	features *cluster.Features
	// blob is features encoded for the store, here rather than in the
	// serial stage: the clusterer only reads features.
	blob     []byte
	entities []string // canonical names, for the store's entity filter
	known    int64
	// checkedAt is settled as it was before the known check.
	checkedAt uint64
	// deferred: the article repeats an earlier new one of its run (by URL
	// or content), so its analysis is left out; it is decided as that
	// one's second arrival, or analysed then if that one failed.
	deferred bool
	err      error
}

// prepare runs the stages that need no shared state on one item:
// extraction, cleaning, description, the known check, analysis and
// fingerprinting.
func (p *Pipeline) prepare(ctx context.Context, it source.Item) prepared {
	prs := []prepared{p.extract(ctx, it)}
	p.check(ctx, prs)
	p.analyse(&prs[0])
	return prs[0]
}

// extract runs extraction, cleaning and description. A feed entry read
// over the network that gives less than fullText words is read from the
// page it links to, when that page says more (Options.LinkedPages).
func (p *Pipeline) extract(ctx context.Context, it source.Item) prepared {
	pr := prepared{input: it.Input, raw: it.Raw}
	a, err := extract.Article(ctx, it, p.opt.Extract)
	if err != nil {
		pr.err = err
		return pr
	}
	if it.Linked && p.opt.LinkedPages && words(a.Text) < fullText {
		if page, raw, ok := p.linkedPage(ctx, it, a); ok {
			a, pr.raw = page, raw
		}
	}
	a.Source, a.Format = it.Input, it.Kind
	pr.article = a
	return pr
}

// fullText is the fewest words a feed entry must give to be taken as the
// article without its page: many feeds give a headline and a sentence or
// two, and a story compared on those says little.
const fullText = 150

func words(s string) int { return len(strings.Fields(s)) }

// linkedPage fetches and extracts the page feed entry it links to, which
// extracted as entry, keeping what the entry states (headline, date,
// outlet, id, the address it is known by). ok is false, and the entry
// stands, when the page is stored already (the known check finds it), or
// cannot be fetched or read, or says no more than the entry.
func (p *Pipeline) linkedPage(ctx context.Context, it source.Item, entry *model.Article) (*model.Article, model.Raw, bool) {
	if it.Hint.URL == "" || entry.URL == "" {
		return nil, model.Raw{}, false
	}
	if id, err := p.st.Known(ctx, entry.URL, ""); err == nil && id != 0 {
		return nil, model.Raw{}, false
	}
	resp, err := p.opt.Source.Fetch.Get(ctx, it.Hint.URL, fetch.Conditional{})
	if err != nil {
		p.log.Warn("the page of a feed entry was not fetched; its own text is kept", "input", it.Input, "err", err)
		return nil, model.Raw{}, false
	}
	page := source.Item{Input: it.Input, Kind: source.KindHTML, Format: source.FormatHTML, Body: resp.Body,
		Raw: model.Raw{ContentType: resp.ContentType, Bytes: resp.Body}, Hint: it.Hint}
	a, err := extract.Article(ctx, page, p.opt.Extract)
	if err != nil || words(a.Text) <= words(entry.Text) {
		p.log.Debug("the page of a feed entry says no more than the entry; the entry is kept", "input", it.Input, "err", err)
		return nil, model.Raw{}, false
	}
	return a, page.Raw, true
}

// check looks the extracted articles of prs up in the store, many in one
// look-up: a look-up per article, each a read transaction of its own, cost
// a bulk ingest a twentieth of its CPU. If the batched look-up fails, each
// article is looked up alone, so that a failure fails only its own article.
func (p *Pipeline) check(ctx context.Context, prs []prepared) {
	var idx []int
	var urls, hashes []string
	for i, pr := range prs {
		if pr.err == nil {
			idx = append(idx, i)
			urls, hashes = append(urls, pr.article.URL), append(hashes, pr.article.ContentHash)
		}
	}
	now := p.settled.Load()
	// ids stays nil, and each article is looked up alone, for one article
	// (Known is the simpler statement) or when the batched look-up fails.
	var ids []int64
	if len(idx) > 1 {
		var err error
		if ids, err = p.st.KnownMany(ctx, urls, hashes); err != nil {
			ids = nil
			if ctx.Err() == nil { // else the caller is stopping: no news
				p.log.Warn("known check of a run failed; checking its articles one by one", "articles", len(idx), "err", err)
			}
		}
	}
	for j, i := range idx {
		pr := &prs[i]
		pr.checkedAt = now
		if ids != nil {
			pr.known = ids[j]
			continue
		}
		id, err := p.st.Known(ctx, urls[j], hashes[j])
		switch {
		case err == nil:
			pr.known = id
		case !errors.Is(err, store.ErrNotFound):
			pr.err = fmt.Errorf("%s: %w", pr.input, err)
		}
	}
}

// analyse runs analysis and fingerprinting on a new article.
func (p *Pipeline) analyse(pr *prepared) {
	if pr.err != nil || pr.known != 0 {
		return
	}
	doc := text.Analyze(pr.article.Title, pr.article.Text)
	pr.features = cluster.Extract(pr.article, doc)
	var err error
	if pr.blob, err = pr.features.MarshalBinary(); err != nil {
		pr.err = fmt.Errorf("%s: features: %w", pr.input, err)
		return
	}
	pr.entities = storyFacets(doc.Entities)
}

// prepareRun prepares a run of items, checking them against the store in
// one look-up, and hands each its result as soon as it has it.
func (p *Pipeline) prepareRun(ctx context.Context, run []job) {
	// The worker yields after each item: a run kept it busy for
	// milliseconds without a channel operation, and on two cores the
	// deciding and storing goroutines, one article at a time and the bound
	// on the rate, waited that long for a core (their time per article rose
	// by a third, and the rate fell below that of one look-up per article).
	prs := make([]prepared, len(run))
	for i, j := range run {
		prs[i] = p.extract(ctx, j.item)
		runtime.Gosched()
	}
	p.check(ctx, prs)
	// A file or feed holding an article twice would otherwise have it
	// analysed twice, the costliest stage, for a copy that is dropped.
	seen := map[string]bool{}
	for i, j := range run {
		pr := &prs[i]
		if pr.err == nil && pr.known == 0 {
			keys := inflightKeys(pr.article)
			pr.deferred = slices.ContainsFunc(keys, func(k string) bool { return seen[k] })
			for _, k := range keys {
				seen[k] = true
			}
		}
		if !pr.deferred {
			p.analyse(pr)
		}
		j.out <- prs[i]
		runtime.Gosched()
	}
}

// maxFacets bounds the entities an article adds to its story's filter: the
// most mentioned say what it is about, and each costs a write. Every entity
// an article names cost a seventh of the ingest rate at 100,000 articles
// (2,008 and 2,027 articles a second against 1,736 and 1,780, alternated).
const maxFacets = 8

// storyFacets returns the canonical names of the entities an article is
// most about, for the store's filter of stories by entity, each person's
// followed by the surname alone: "Lavrov" finds the stories of "Sergey
// Lavrov".
func storyFacets(entities []text.Entity) []string {
	es := slices.Clone(entities)
	slices.SortStableFunc(es, func(a, b text.Entity) int { return b.Count - a.Count })
	var names []string
	taken := 0
	for _, e := range es {
		if taken == maxFacets {
			break
		}
		if e.Weak {
			continue
		}
		taken++
		names = append(names, e.Name)
		if e.Surname != "" {
			names = append(names, e.Surname)
		}
	}
	return names
}

// decided is a batch whose articles are placed in the index and await the
// store.
type decided struct {
	prs     []prepared
	results []Result
	recs    []*store.Record
	pending []int // indices of prs whose record is in recs
	// gen is the index generation the batch was decided in: a batch decided
	// in an index since rebuilt must be decided again.
	gen uint64
	// turn is the batch's place in the order of storing (see turns); 0 for
	// an article decided again inside another batch's turn.
	turn uint64
	// final holds the stories articles of the batch were regrouped into,
	// by article id.
	final map[int64]int64
}

// commitBatch decides, stores and indexes a run of prepared articles in
// arrival order, storing the new ones in one transaction.
func (p *Pipeline) commitBatch(ctx context.Context, prs []prepared) []Result {
	return p.save(ctx, p.decideBatch(ctx, prs))
}

// decideBatch places each new article of a batch in the index, in order, so
// the next article sees it, and prepares its record.
func (p *Pipeline) decideBatch(ctx context.Context, prs []prepared) *decided {
	p.mu.Lock()
	defer p.mu.Unlock()
	d := p.decideLocked(ctx, prs)
	p.decidedBatches++
	d.turn = p.decidedBatches
	return d
}

// decideLocked is decideBatch for a caller holding p.mu.
func (p *Pipeline) decideLocked(ctx context.Context, prs []prepared) *decided {
	p.followOthers(ctx)
	d := &decided{prs: prs, results: make([]Result, len(prs)), gen: p.gen}
	stored := p.storedSince(ctx, prs)
	stories := p.knownStories(ctx, prs, stored)
	for i, pr := range prs {
		d.results[i] = Result{Input: pr.input}
		if pr.err == nil && pr.known == 0 {
			pr.known = stored[i]
		}
		switch {
		case pr.err != nil:
			d.results[i].Status, d.results[i].Err = StatusFailed, pr.err
			continue
		case pr.known != 0:
			if story, ok := stories[pr.known]; ok {
				d.results[i].Status, d.results[i].Article, d.results[i].Story = StatusKnown, pr.known, story
			} else {
				d.results[i] = p.knownResult(ctx, d.results[i], pr.known)
			}
			continue
		}
		a := pr.article
		// Decided already, in this batch or one not yet stored.
		if first, ok := p.inflightOf(a); ok {
			d.results[i].Status, d.results[i].Article, d.results[i].Story = StatusKnown, first.id, first.story
			continue
		}
		if pr.deferred { // the arrival it repeats failed
			p.analyse(&pr)
			if pr.err != nil {
				d.results[i].Status, d.results[i].Err = StatusFailed, pr.err
				continue
			}
			prs[i] = pr
		}
		rec, err := p.decide(ctx, pr, len(prs)-i)
		if err != nil {
			d.results[i].Status, d.results[i].Err = StatusFailed, err
			continue
		}
		for _, k := range inflightKeys(a) {
			p.inflight[k] = arrival{a, a.ID, *a.Story}
		}
		d.recs, d.pending = append(d.recs, rec), append(d.pending, i)
	}
	// Regrouping may have moved articles of the batch since they were
	// decided.
	for _, rec := range d.recs {
		a := rec.Article
		s := p.cl.StoryOf(a.ID)
		if s == 0 || s == *a.Story {
			continue
		}
		if d.final == nil {
			d.final = make(map[int64]int64)
		}
		d.final[a.ID] = s
		for _, k := range inflightKeys(a) {
			p.inflight[k] = arrival{a, a.ID, s}
		}
	}
	return d
}

// storyOf is the story article a of the batch ends in.
func (d *decided) storyOf(a *model.Article) int64 {
	if s, ok := d.final[a.ID]; ok {
		return s
	}
	return *a.Story
}

// regroup regroups the story an article joined with the stories it nearly
// joined (see cluster.Regroup), and has the store make the changes, in
// order, after writing the article's record. If the batch is not stored,
// the index is rebuilt from the store, and the changes are gone from both.
func (p *Pipeline) regroup(ctx context.Context, rec *store.Record, hood []int64) {
	changes, err := p.cl.Regroup(hood, func() (int64, error) { return p.storyIDs.take(ctx, p.st, 1) })
	if err != nil {
		// What was changed before the error is returned and stored; the
		// rest waits for the next arrivals.
		p.log.Warn("regrouping stopped", "article", rec.Article.ID, "err", err)
	}
	for _, ch := range changes {
		rec.Regroups = append(rec.Regroups, store.Regroup{Article: ch.Article, From: ch.From, Story: ch.Story, Decision: ch.Decision})
	}
}

// inflightKeys are an article's keys in inflight: its canonical URL, when
// it has one, and its content hash.
func inflightKeys(a *model.Article) []string {
	keys := []string{"hash " + a.ContentHash}
	if a.URL != "" {
		keys = append(keys, "url "+a.URL)
	}
	return keys
}

// arrival is an article in inflight, with its ids as decided: the store
// writes to the article while saving it, so they are read here.
type arrival struct {
	article   *model.Article
	id, story int64
}

// inflightOf returns the article decided and not yet stored that a is
// another arrival of.
func (p *Pipeline) inflightOf(a *model.Article) (arrival, bool) {
	for _, k := range inflightKeys(a) {
		if first, ok := p.inflight[k]; ok {
			return first, true
		}
	}
	return arrival{}, false
}

// storedSince checks the store again, in one look-up, for the articles of
// prs whose known check ran before a batch settled: that batch's articles
// left inflight after it was stored, so the check may have missed them.
// The caller holds p.mu, which settle needs, so a batch stored after this
// look-up is still in inflight. A failed look-up leaves the store's unique
// indexes to refuse a second arrival, at the cost of a rebuild.
func (p *Pipeline) storedSince(ctx context.Context, prs []prepared) []int64 {
	now := p.settled.Load()
	var idx []int
	var urls, hashes []string
	for i, pr := range prs {
		if pr.err == nil && pr.known == 0 && pr.checkedAt != now {
			idx = append(idx, i)
			urls, hashes = append(urls, pr.article.URL), append(hashes, pr.article.ContentHash)
		}
	}
	stored := make([]int64, len(prs))
	if len(idx) == 0 {
		return stored
	}
	ids, err := p.st.KnownMany(ctx, urls, hashes)
	if err != nil {
		if ctx.Err() == nil { // else the caller is stopping: no news
			p.log.Warn("known check not repeated", "err", err)
		}
		return stored
	}
	for j, i := range idx {
		stored[i] = ids[j]
	}
	return stored
}

// knownStories reads the stories of the articles of prs found stored, by
// their ids, in one look-up: read one by one, with their text, they took
// the serial stage most of its time when re-ingesting known articles. It
// is nil when the look-up fails, and each is then read alone.
func (p *Pipeline) knownStories(ctx context.Context, prs []prepared, stored []int64) map[int64]int64 {
	var ids []int64
	for i, pr := range prs {
		id := pr.known
		if id == 0 {
			id = stored[i]
		}
		if pr.err == nil && id != 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	stories, err := p.st.StoriesOf(ctx, ids)
	if err != nil {
		if ctx.Err() == nil { // else the caller is stopping: no news
			p.log.Warn("stories of known articles not read at once", "err", err)
		}
		return nil
	}
	byID := make(map[int64]int64, len(ids))
	for j, id := range ids {
		byID[id] = stories[j]
	}
	return byID
}

// settle takes a batch's articles out of inflight once the store holds
// them or has refused them. The caller holds p.mu.
func (p *Pipeline) settle(d *decided) {
	for _, i := range d.pending {
		a := d.prs[i].article
		for _, k := range inflightKeys(a) {
			if p.inflight[k].article == a {
				delete(p.inflight, k)
			}
		}
	}
	p.settled.Add(1)
}

// save stores a decided batch in one transaction, in its turn. It runs
// without p.mu, so the next batch can be decided meanwhile. A batch decided
// in an index made again since, or one the store refuses because another
// process wrote since the index was made (the index is made again to take
// that in, see loadIndex), is decided again as one batch. If the store
// refuses the batch for a reason of its own, the index (which holds its
// decisions) is rebuilt from the store and the articles are decided and
// stored again one by one, so the one at fault fails alone.
func (p *Pipeline) save(ctx context.Context, d *decided) []Result {
	p.turns.wait(d.turn)
	defer p.turns.finish(d.turn)
	if len(d.recs) == 0 {
		return d.results
	}
	p.mu.Lock()
	stale := d.gen != p.gen
	if stale {
		p.settle(d) // it will not be stored as decided
	}
	p.mu.Unlock()
	var err error
	if !stale {
		began := time.Now()
		err = p.saveBatch(ctx, d.recs)
		p.stats.storeNanos.Add(int64(time.Since(began)))
		p.stats.stored.Add(int64(len(d.recs)))
		// One hold of p.mu settles the batch and rebuilds the index when
		// needed: no batch is decided in between on an index about to be
		// rebuilt, only to be decided again.
		var rerr error
		p.mu.Lock()
		p.settle(d)
		switch {
		case err != nil && ctx.Err() != nil:
			// The caller is stopping (an interrupted ingest, a server
			// shutting down): the batch is not stored. The index, which holds its
			// decisions, is dropped and made again from the store at the
			// next use, should this pipeline go on; made now, on a context
			// that has ended, it would only fail and warn.
			p.cl = nil
			p.gen++
			rerr = ctx.Err()
		case errors.Is(err, store.ErrChanged):
			p.log.Info("another process wrote to the store while a batch was decided: the story index is made again, and the batch decided again", "articles", len(d.recs))
			rerr = p.loadIndex(ctx)
		case err != nil:
			p.log.Warn("store refused a batch: its articles are decided and stored again one by one", "articles", len(d.recs), "err", err)
			rerr = p.loadIndex(ctx)
		case d.gen != p.gen:
			// Rebuilt while this batch was being written: it lacks the batch.
			if err := p.loadIndex(ctx); err != nil {
				p.log.Error("story index not rebuilt", "err", err)
			}
		}
		p.mu.Unlock()
		if err == nil {
			d.stored()
			return d.results
		}
		if rerr != nil {
			for _, i := range d.pending {
				failed := fmt.Errorf("%s: store: %w (and %w)", d.prs[i].input, err, rerr)
				if ctx.Err() != nil {
					failed = fmt.Errorf("%s: not stored: %w", d.prs[i].input, err)
				}
				d.results[i].Status, d.results[i].Err = StatusFailed, failed
			}
			return d.results
		}
	}
	// Holding p.mu throughout: a batch decided meanwhile would be in the
	// index, not yet in the store, and an article decided again here could
	// name one of its articles.
	p.mu.Lock()
	defer p.mu.Unlock()
	if (stale || errors.Is(err, store.ErrChanged)) && p.redecide(ctx, d) {
		return d.results
	}
	for _, i := range d.pending {
		d.prs[i].article.ID, d.prs[i].article.Story, d.prs[i].article.CopyOf = 0, nil, nil
		d.results[i] = p.saveAlone(ctx, p.decideLocked(ctx, d.prs[i:i+1]))
	}
	return d.results
}

// stored gives the results of a batch the store holds.
func (d *decided) stored() {
	for _, i := range d.pending {
		a := d.prs[i].article
		d.results[i].Status, d.results[i].Article, d.results[i].Story = StatusNew, a.ID, d.storyOf(a)
	}
}

// redecideTries bounds the rounds of redecide in which another process
// writes again between the rebuild of the index and the batch's write.
const redecideTries = 3

// redecide decides d's articles again, as one batch, in the index as it is
// now, and stores them, reporting whether it did; the caller holds p.mu.
// When it did not, the index holds what the store holds, and the articles
// are to be decided and stored one by one.
func (p *Pipeline) redecide(ctx context.Context, d *decided) bool {
	prs := make([]prepared, len(d.pending))
	for j, i := range d.pending {
		a := d.prs[i].article
		a.ID, a.Story, a.CopyOf = 0, nil, nil
		prs[j] = d.prs[i]
	}
	for try := 1; ; try++ {
		again := p.decideLocked(ctx, prs)
		var err error
		if len(again.recs) > 0 {
			err = p.saveBatch(ctx, again.recs)
		}
		p.settle(again)
		if err == nil {
			again.stored()
			for j, i := range d.pending {
				d.results[i] = again.results[j]
			}
			return true
		}
		p.log.Info("batch decided again not stored: making the story index again", "articles", len(prs), "try", try, "err", err)
		if rerr := p.loadIndex(ctx); rerr != nil {
			p.log.Error("story index not rebuilt", "err", rerr)
		}
		if !errors.Is(err, store.ErrChanged) || try == redecideTries {
			return false
		}
	}
}

// saveAlone stores a batch of one article decided again by save; the
// caller holds p.mu.
func (p *Pipeline) saveAlone(ctx context.Context, d *decided) Result {
	if len(d.recs) == 0 {
		return d.results[0]
	}
	res := d.results[0]
	err := p.saveBatch(ctx, d.recs)
	p.settle(d)
	if err == nil {
		a := d.prs[0].article
		res.Status, res.Article, res.Story = StatusNew, a.ID, d.storyOf(a)
		return res
	}
	if rerr := p.loadIndex(ctx); rerr != nil {
		res.Status, res.Err = StatusFailed, fmt.Errorf("%s: store: %w (and %w)", d.prs[0].input, err, rerr)
		return res
	}
	if dup, ok := errors.AsType[*store.DuplicateError](err); ok {
		// Another writer stored the same article since the known check.
		return p.knownResult(ctx, res, dup.ID)
	}
	res.Status, res.Err = StatusFailed, fmt.Errorf("%s: store: %w", d.prs[0].input, err)
	return res
}

// writeCount serialises a pipeline's writes that the store counts, and
// holds the count its index holds (Pipeline.writes).
type writeCount struct {
	mu sync.Mutex
	at int64 // -1 when unknown: writes are then made whatever the count
	// sinceFile counts the articles stored, moved by people's corrections
	// or followed since the index file was read or written, -1 when the
	// index came from no file.
	sinceFile int
}

// addSinceFile counts n more articles the index holds and its file lacks.
func (w *writeCount) addSinceFile(n int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.countSinceFile(n)
}

// countSinceFile is addSinceFile for a caller holding w.mu.
func (w *writeCount) countSinceFile(n int) {
	if w.sinceFile >= 0 {
		w.sinceFile += n
	}
}

// setSinceFile sets the count of articles the index file lacks.
func (w *writeCount) setSinceFile(n int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sinceFile = n
}

// lackedByFile returns the articles the index holds and its file lacks, -1
// when the index came from no file.
func (w *writeCount) lackedByFile() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.sinceFile
}

// set starts the count at writes, or unknown.
func (w *writeCount) set(writes int64, known bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.at = -1
	if known {
		w.at = writes
	}
}

// current returns the count, or -1 when unknown.
func (w *writeCount) current() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.at
}

// saveBatch stores recs while the store is at the index's count of writes,
// and counts the write; else the error matches store.ErrChanged.
func (p *Pipeline) saveBatch(ctx context.Context, recs []*store.Record) error {
	p.writes.mu.Lock()
	defer p.writes.mu.Unlock()
	_, writes, err := p.st.SaveBatchAt(ctx, p.writes.at, recs)
	if err == nil && p.writes.at >= 0 {
		p.writes.at = writes
	}
	if err == nil {
		p.writes.countSinceFile(len(recs))
	}
	return err
}

// correct makes a person's correction in the store with fn, and reports
// whether the index holds every other write: when another process wrote
// since the index was made (or while fn ran), the index must follow those
// writes, this correction with them, or be rebuilt. The caller holds p.mu.
func (p *Pipeline) correct(ctx context.Context, fn func() error) (current bool, err error) {
	p.writes.mu.Lock()
	defer p.writes.mu.Unlock()
	if err := fn(); err != nil {
		return false, err
	}
	gen, err := p.st.Generation(ctx)
	if err != nil || p.writes.at < 0 || gen.Writes != p.writes.at+1 {
		// The count stays behind the store's: the writes since are followed
		// from it, and should that fail, the next batch is refused.
		return false, nil
	}
	p.writes.at = gen.Writes
	return true, nil
}

// decide assigns a prepared article to a copy group and a story, gives it
// ids reserved from the store, adds it to the index, regroups the stories
// it joined or nearly joined, and returns the record to store. The caller
// holds p.mu.
func (p *Pipeline) decide(ctx context.Context, pr prepared, left int) (*store.Record, error) {
	// The clusterer's time is Assign and Commit, not the id reservations
	// between them, which may wait for the write connection.
	cl, err := p.index(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pr.input, err)
	}
	began := time.Now()
	asg := cl.Assign(pr.features)
	assigning := time.Since(began)
	storyID := asg.Story
	if storyID == 0 {
		id, err := p.storyIDs.take(ctx, p.st, left)
		if err != nil {
			return nil, fmt.Errorf("%s: new story: %w", pr.input, err)
		}
		storyID = id
	}
	articleID, err := p.articleIDs.take(ctx, p.st, left)
	if err != nil {
		return nil, fmt.Errorf("%s: article id: %w", pr.input, err)
	}
	a := pr.article
	a.ID, a.Story = articleID, &storyID
	if asg.CopyOf != 0 {
		copyOf := asg.CopyOf
		a.CopyOf = &copyOf
	}
	dec := asg.Decision
	dec.Story = storyID
	rec := &store.Record{
		Article:    a,
		Raw:        pr.raw,
		Features:   pr.blob,
		Entities:   pr.entities,
		Decision:   dec,
		StoryTitle: a.Title,
	}
	for _, m := range asg.Merges {
		rec.Merges = append(rec.Merges, store.Merge{From: m.From, Into: m.Into, Decision: m.Decision})
	}
	began = time.Now()
	cl.Commit(articleID, storyID, pr.features, asg)
	p.stats.assignNanos.Add(int64(assigning + time.Since(began)))
	p.stats.assigned.Add(1)
	if hood := asg.Hood(storyID); hood != nil {
		began = time.Now()
		p.regroup(ctx, rec, hood)
		p.stats.regroupNanos.Add(int64(time.Since(began)))
	}
	return rec, nil
}

// idPool hands out ids the store reserved in blocks: one reservation, one
// small write, serves many articles. A block is as big as the rest of the
// batch (at most idBlock), or as the articles already queued when reserved
// ahead (see reserveAhead), so a process that ends leaves few ids unused.
type idPool struct {
	article bool
	runs    []idRun // reserved and unused, in order
}

// idRun is the ids from next to last.
type idRun struct{ next, last int64 }

const idBlock = 256

// take returns a fresh id; left is how many articles of the batch, this one
// included, may still need one.
func (ip *idPool) take(ctx context.Context, st store.Store, left int) (int64, error) {
	if len(ip.runs) == 0 {
		n := min(max(left, 1), idBlock)
		articles, stories := 0, n
		if ip.article {
			articles, stories = n, 0
		}
		a, s, err := st.ReserveIDs(ctx, articles, stories)
		if err != nil {
			return 0, err
		}
		ip.add(a, s, articles, stories)
	}
	r := &ip.runs[0]
	id := r.next
	if r.next++; r.next > r.last {
		ip.runs = ip.runs[1:]
	}
	return id, nil
}

// add keeps this pool's part of a reservation of articles ids from
// firstArticle and stories ids from firstStory.
func (ip *idPool) add(firstArticle, firstStory int64, articles, stories int) {
	first, n := firstStory, stories
	if ip.article {
		first, n = firstArticle, articles
	}
	if n > 0 {
		ip.runs = append(ip.runs, idRun{first, first + int64(n) - 1})
	}
}

// available is how many ids the pool holds.
func (ip *idPool) available() int {
	n := 0
	for _, r := range ip.runs {
		n += int(r.last - r.next + 1)
	}
	return n
}

// idsAhead is how many articles the reserved ids serve for certain: each
// needs an article id and may need a story id.
func (p *Pipeline) idsAhead() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return min(p.articleIDs.available(), p.storyIDs.available())
}

// reserveAhead tops the id pools up to articles and stories ids, for the
// next batch. The run loop calls it after deciding a batch and before
// handing it to the store: ReserveIDs needs the store's one write
// connection, so it waits for the batch being stored; called while
// deciding, it made every batch wait for the previous one's save, and
// deciding and storing took turns instead of overlapping.
func (p *Pipeline) reserveAhead(ctx context.Context, articles, stories int) error {
	p.mu.Lock()
	articles -= p.articleIDs.available()
	stories -= p.storyIDs.available()
	p.mu.Unlock()
	articles, stories = max(articles, 0), max(stories, 0)
	if articles == 0 && stories == 0 {
		return nil
	}
	a, s, err := p.st.ReserveIDs(ctx, articles, stories)
	if err != nil {
		return fmt.Errorf("reserve ids ahead: %w", err)
	}
	p.mu.Lock()
	p.articleIDs.add(a, s, articles, stories)
	p.storyIDs.add(a, s, articles, stories)
	p.mu.Unlock()
	return nil
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
	res := p.commitBatch(ctx, []prepared{p.prepare(ctx, it)})[0]
	return res, res.Err
}

// IngestItems runs items through the pipeline in their order, extraction and
// analysis in parallel, calling report once per item in the same order.
func (p *Pipeline) IngestItems(ctx context.Context, items []source.Item, report func(Result)) {
	p.IngestSeq(ctx, slices.Values(items), report)
}

// IngestSeq is IngestItems on a stream: items are taken as the workers
// have room, so a long stream keeps every stage busy, where slices handed
// to IngestItems one after another leave the workers idle while each
// slice's last batch is stored, and the store idle while the next one's
// first is prepared.
func (p *Pipeline) IngestSeq(ctx context.Context, items iter.Seq[source.Item], report func(Result)) {
	pull, stop := iter.Pull(items)
	defer stop()
	next := func() (source.Item, error, bool) {
		it, ok := pull()
		return it, nil, ok
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

// maxBatch bounds the articles stored in one transaction. A bulk ingest
// fills every batch, and each commit rewrites every index page its batch
// touched (the URL and hash indexes are touched all over): batches of 1,024
// rather than 512 cost the store about 14% less CPU per article
// (BenchmarkSaveBatch), and the ingest ran 1.08 to 1.10 times as fast, for
// a batch more of articles in memory.
const maxBatch = 1024

// checkRun bounds the items a worker checks against the store in one
// look-up: enough that the look-up's cost per article is small, few enough
// that a worker does not hold back the items at the head of the queue long.
const checkRun = 32

// job is one item on its way through the parallel stages.
type job struct {
	item source.Item
	out  chan prepared
}

func (j job) wait() prepared {
	pr := <-j.out
	if pr.input == "" {
		pr.input = j.item.Input
	}
	return pr
}

type readResult struct {
	item source.Item
	err  error
}

// run is the ordered worker pool behind Ingest and IngestItems: workers
// prepare items in parallel; a single loop commits them in arrival order.
func (p *Pipeline) run(ctx context.Context, next func() (source.Item, error, bool), report func(Result)) {
	// Items wait for a worker in jobs, so that a worker finds a run of them
	// to check against the store together.
	jobs := make(chan job, checkRun*p.opt.Workers)
	// Workers run up to a batch ahead of the store, so the next batch is
	// ready when a transaction ends.
	ordered := make(chan job, maxBatch)
	var wg sync.WaitGroup
	for range p.opt.Workers {
		wg.Go(func() {
			run := make([]job, 0, checkRun)
			for j := range jobs {
				// Take a share of what is queued, leaving the other
				// workers theirs: a burst is still prepared in parallel.
				run = append(run[:0], j)
				share := min(checkRun, 1+len(jobs)/p.opt.Workers)
			take:
				for len(run) < share {
					select {
					case j, ok := <-jobs:
						if !ok {
							break take
						}
						run = append(run, j)
					default:
						break take
					}
				}
				p.prepareRun(ctx, run)
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
	// Decide in batches of whatever is already queued: a bulk ingest gets
	// large transactions, a trickle of feed entries is stored at once. A
	// batch is stored while the next one is decided.
	saves := make(chan *decided, 1)
	// taken tells the loop below the saver took a batch from saves.
	taken := make(chan struct{}, 1)
	saved := make(chan struct{})
	go func() {
		defer close(saved)
		for d := range saves {
			select {
			case taken <- struct{}{}:
			default:
			}
			for _, r := range p.save(ctx, d) {
				report(r)
			}
		}
	}()
	batch := make([]prepared, 0, maxBatch)
	for j := range ordered {
		batch = append(batch[:0], j.wait())
		// A batch takes no more articles than ids were reserved ahead for:
		// one more would wait for the batch being stored (see reserveAhead).
		limit := maxBatch
		if n := p.idsAhead(); n > 0 {
			limit = min(limit, n)
		}
	more:
		for len(batch) < limit {
			select {
			case j, ok := <-ordered:
				if !ok {
					break more
				}
				batch = append(batch, j.wait())
				continue
			default:
			}
			// Nothing more is queued. While a decided batch waits for the
			// store, deciding this one could not get it stored sooner:
			// wait for more, so that bulk ingests commit fewer, larger
			// transactions (each commit flushes the full-text index and
			// rewrites the index pages it touched). Once the store takes
			// the waiting batch, this one is decided, to be ready when
			// that one is stored.
			if len(saves) == 0 {
				break more
			}
			select {
			case j, ok := <-ordered:
				if !ok {
					break more
				}
				batch = append(batch, j.wait())
			case <-taken:
			}
		}
		d := p.decideBatch(ctx, slices.Clone(batch))
		if queued := len(ordered); queued > 0 {
			// More is coming: its ids are reserved now, while nothing
			// else waits for the write connection, for the items queued
			// or, when more, for up to twice this batch, so the next batch
			// can grow while it waits (see above). Each item may be a new
			// article and start a story (so a bulk ingest may leave up to
			// a batch of ids unused). A failure only means the next batch
			// reserves its own.
			n := max(queued, min(2*len(batch), maxBatch))
			if err := p.reserveAhead(ctx, n, n); err != nil && ctx.Err() == nil {
				p.log.Warn("ids not reserved ahead", "err", err)
			}
		}
		saves <- d
		// A signal left from a batch taken while this loop was not waiting
		// is stale: it would end the next wait while d still waits. Were d
		// taken already, saves is empty and the next batch does not wait.
		select {
		case <-taken:
		default:
		}
	}
	close(saves)
	<-saved
	wg.Wait()
}
