package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/parallax-news/parallax/internal/bench"
	"github.com/parallax-news/parallax/internal/loadtest"
	"github.com/parallax-news/parallax/internal/pipeline"
	"github.com/parallax-news/parallax/internal/server"
	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/synth"
)

// scoreUpTo is the largest run scored against its gold stories by default:
// scoring keeps every article's label in memory, which would blur the peak
// memory figure of the biggest runs.
const scoreUpTo = 200_000

const benchUsage = `parallax bench ingest [--articles N] [--batch N] [--every N] [--seed N] [--copy-rate R] [--cpuprofile FILE] [--memprofile FILE] [--db PATH]
parallax bench load [--articles N] [--clients N] [--duration D] [--warmup D] [--ingest-rate R] [--stories N] [--kinds K,K] [--db PATH]
parallax bench gen [--articles N] [--seed N] [--copy-rate R] > FILE.jsonl`

// runBench measures throughput, scale and latency on generated articles
// (internal/synth). Without --db on the command line it works in a
// temporary store, removed at the end.
func runBench(ctx context.Context, app *App, args []string) error {
	if app.helpAsked(args, benchUsage) {
		return flag.ErrHelp
	}
	if len(args) == 0 {
		return fmt.Errorf("%w: %s", errUsage, benchUsage)
	}
	switch args[0] {
	case "ingest":
		return benchIngest(ctx, app, args[1:])
	case "load":
		return benchLoad(ctx, app, args[1:])
	case "gen":
		return benchGen(app, args[1:])
	}
	return fmt.Errorf("%w: unknown bench %q:\n%s", errUsage, args[0], benchUsage)
}

// benchFlags are the flags every bench subcommand shares.
type benchFlags struct {
	articles int
	seed     uint64
	copyRate float64
}

func (f *benchFlags) add(fs *flag.FlagSet, articles int) {
	fs.IntVar(&f.articles, "articles", articles, "generated articles to ingest")
	fs.Uint64Var(&f.seed, "seed", 1, "generator seed: another seed for more articles in the same store")
	fs.Float64Var(&f.copyRate, "copy-rate", 0, "share of articles that are syndicated copies of an earlier one")
}

// parse parses a bench subcommand's flags, which take no arguments, and
// returns the generator's options they ask for.
func (f *benchFlags) parse(app *App, fs *flag.FlagSet, args []string) (synth.Options, error) {
	if rest, err := app.parseFlags(fs, args); err != nil {
		return synth.Options{}, err
	} else if len(rest) > 0 {
		return synth.Options{}, fmt.Errorf("%w: %s", errUsage, benchUsage)
	}
	c, err := synth.DemoCorpus()
	if err != nil {
		return synth.Options{}, err
	}
	return synth.Options{Corpus: c, CopyRate: f.copyRate}, nil
}

// benchStore opens the pipeline on --db when the command line names it,
// else on a fresh temporary store; cleanup closes it (and removes a
// temporary one).
func benchStore(ctx context.Context, app *App) (*pipeline.Pipeline, store.Store, func(), error) {
	dir := ""
	if !app.dbGiven {
		var err error
		if dir, err = os.MkdirTemp("", "parallax-bench-"); err != nil {
			return nil, nil, nil, fmt.Errorf("bench store: %w", err)
		}
		app.DB = filepath.Join(dir, "bench.db")
	}
	start := time.Now()
	p, st, err := app.openPipeline(ctx, pipeline.Options{})
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, nil, err
	}
	fmt.Fprintf(app.Stderr, "store %s opened in %s\n", app.dbName(), time.Since(start).Round(time.Millisecond))
	return p, st, func() {
		st.Close()
		if dir != "" {
			os.RemoveAll(dir)
		}
	}, nil
}

func benchIngest(ctx context.Context, app *App, args []string) error {
	fs := flag.NewFlagSet("bench ingest", flag.ContinueOnError)
	var bf benchFlags
	bf.add(fs, 100_000)
	batch := fs.Int("batch", bench.DefaultBatch, "articles generated at a time, ahead of the pipeline")
	every := fs.Int("every", 0, "checkpoint every N articles (default a tenth of --articles)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the run to FILE")
	memprofile := fs.String("memprofile", "", "write a heap profile at the end of the run to FILE")
	score := fs.Bool("score", false, fmt.Sprintf("score the stories against the generator's gold (default when --articles <= %d)", scoreUpTo))
	sopt, err := bf.parse(app, fs, args)
	if err != nil {
		return err
	}
	scoreSet := false
	fs.Visit(func(f *flag.Flag) { scoreSet = scoreSet || f.Name == "score" })
	if !scoreSet {
		*score = bf.articles <= scoreUpTo
	}
	p, st, cleanup, err := benchStore(ctx, app)
	if err != nil {
		return err
	}
	defer cleanup()

	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile %s: %w", *cpuprofile, err)
		}
		defer pprof.StopCPUProfile()
	}
	if !app.JSON {
		fmt.Fprintf(app.Stdout, "%d generated articles, %d CPUs, batches of %d\n", bf.articles, runtime.NumCPU(), *batch)
		fmt.Fprintf(app.Stdout, "%10s %9s %9s %11s %11s %11s %11s %10s %11s %9s %10s %9s %9s\n",
			"articles", "stories", "seconds", "articles/s", "median µs", "p90 µs", "cpu µs", "assign µs", "regroup µs", "postings", "store µs", "heap MB", "rss MB")
	}
	rep, err := bench.Ingest(ctx, p, st, bench.IngestOptions{
		Articles: bf.articles, Batch: *batch, Every: *every, Seed: bf.seed, Synth: sopt, Score: *score,
		Progress: func(cp bench.Checkpoint) {
			if !app.JSON {
				fmt.Fprintf(app.Stdout, "%10d %9d %9.1f %11.0f %11.0f %11.0f %11.0f %10.0f %11.0f %9.0f %10.0f %9.0f %9.0f\n",
					cp.Articles, cp.Stories, cp.Seconds, cp.Rate, cp.MedianCost, cp.P90Cost, cp.CPUCost, cp.AssignCost, cp.RegroupCost, cp.Postings, cp.StoreCost, mb(cp.HeapBytes), mb(cp.RSSBytes))
			}
		},
	})
	if err != nil {
		return err
	}
	if *memprofile != "" {
		if err := writeHeapProfile(*memprofile); err != nil {
			return err
		}
		// The profile is of what the pipeline keeps: it must still be live.
		runtime.KeepAlive(p)
	}
	if app.JSON {
		return app.writeJSON(rep)
	}
	printIngest(app, rep)
	printIndex(ctx, app, p)
	if rep.Interrupted {
		return fmt.Errorf("interrupted after %d articles: %w", rep.Articles, ctx.Err())
	}
	return nil
}

// writeHeapProfile writes what is live on the heap now (after a GC), so
// the profile shows what the pipeline keeps, not what it churns.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("heap profile %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("heap profile %s: %w", path, err)
	}
	return nil
}

// printIndex says how the story index was made at the run's first
// article, which waited for it, and keeps it for the next run as a
// command that ends does, saying how long that took: together, the cost of
// a restart.
func printIndex(ctx context.Context, app *App, p *pipeline.Pipeline) {
	if o := p.IndexOrigin(); o.At.IsZero() {
		fmt.Fprintf(app.Stdout, "story index %s\n", o)
	} else {
		fmt.Fprintf(app.Stdout, "story index %s in %.1f s\n", o, o.Took.Seconds())
	}
	kept, took := app.saveIndex(ctx, p)
	size := ""
	if fi, err := os.Stat(app.indexFile()); err == nil {
		size = fmt.Sprintf(", %.0f MB", mb(uint64(fi.Size())))
	}
	switch {
	case kept.Behind > 0:
		fmt.Fprintf(app.Stdout, "story index file kept as it was%s: the next run follows the %d articles stored since\n", size, kept.Behind)
	case kept.Kept:
		fmt.Fprintf(app.Stdout, "story index kept for the next run in %.1f s%s\n", took.Seconds(), size)
	}
}

func printIngest(app *App, rep bench.IngestReport) {
	w := app.Stdout
	fmt.Fprintf(w, "%d articles (%d new, %d known, %d failed) in %.1f s: %.0f articles/s; %.1f CPU-s, %.0f articles per CPU-second\n",
		rep.Articles, rep.New, rep.Known, rep.Failed, rep.Seconds, rep.Rate, rep.CPUSeconds, rep.CPURate)
	fmt.Fprintf(w, "%d articles stored in %d stories; peak RSS %.0f MB, peak Go heap %.0f MB\n",
		rep.Stored, rep.Stories, mb(rep.PeakRSSBytes), mb(rep.PeakHeapBytes))
	if rep.Score != nil {
		fmt.Fprintf(w, "against the generator's gold: %s\n", rep.Score)
	}
	if rep.FirstError != "" {
		fmt.Fprintf(w, "first error: %s\n", rep.FirstError)
	}
}

func benchLoad(ctx context.Context, app *App, args []string) error {
	fs := flag.NewFlagSet("bench load", flag.ContinueOnError)
	var bf benchFlags
	bf.add(fs, 100_000)
	clients := fs.Int("clients", loadtest.DefaultClients, "concurrent readers")
	duration := fs.Duration("duration", 30*time.Second, "length of the load")
	warmup := fs.Duration("warmup", 0, "load sent first and left out of the latencies (its errors still count)")
	rate := fs.Float64("ingest-rate", 0, "articles per second ingested beside the load; 0: as fast as it goes; -1: none")
	stories := fs.Int("stories", bench.DefaultStories, "how many of the biggest stories the readers open")
	kinds := fs.String("kinds", "", "only these kinds of request, comma-separated: story_page,story_json,search")
	sopt, err := bf.parse(app, fs, args)
	if err != nil {
		return err
	}
	p, st, cleanup, err := benchStore(ctx, app)
	if err != nil {
		return err
	}
	defer cleanup()
	stored, err := st.CountArticles(ctx)
	if err != nil {
		return err
	}
	// A store that already holds articles is loaded as it is.
	if stored == 0 {
		fmt.Fprintf(app.Stderr, "filling the store with %d generated articles\n", bf.articles)
		rep, err := bench.Ingest(ctx, p, st, bench.IngestOptions{
			Articles: bf.articles, Seed: bf.seed, Synth: sopt,
			Progress: func(cp bench.Checkpoint) {
				fmt.Fprintf(app.Stderr, "  %d articles, %.0f/s\n", cp.Articles, cp.Rate)
			},
		})
		if err != nil {
			return err
		}
		if rep.Interrupted {
			return fmt.Errorf("interrupted while filling the store: %w", ctx.Err())
		}
		fmt.Fprintf(app.Stderr, "filled: %d articles, %d stories, %.0f articles/s\n", rep.Stored, rep.Stories, rep.Rate)
	}
	opt := bench.LoadOptions{Load: loadtest.Options{Clients: *clients, Duration: *duration, Warmup: *warmup}, Stories: *stories}
	if *kinds != "" {
		opt.Kinds = strings.Split(*kinds, ",")
	}
	if *rate >= 0 {
		// Another seed than the filling's, so every article is new; small
		// batches so a rate cap is smooth.
		opt.Ingest = bench.IngestOptions{Articles: 10_000_000, Batch: 50, Seed: bf.seed + 1_000_003, Rate: *rate, Synth: sopt}
	}
	// The server logs every request cut off by a client's timeout; the
	// report counts them, so the log would only bury it.
	quiet := slog.New(slog.DiscardHandler)
	rep, err := bench.Load(ctx, p, st, server.New(server.Config{}, st, p, quiet), opt)
	if err != nil {
		return err
	}
	if app.JSON {
		return app.writeJSON(rep)
	}
	fmt.Fprintf(app.Stdout, "load on %d stored articles, %d clients, %s, %d CPUs:\n", rep.Stored, *clients, *duration, runtime.NumCPU())
	if err := rep.Load.Write(app.Stdout); err != nil {
		return err
	}
	if in := rep.Ingest; in != nil {
		fmt.Fprintf(app.Stdout, "ingested beside the load: %d new, %d failed, %.0f articles/s\n", in.New, in.Failed, float64(in.New)/in.Seconds)
	}
	verdict := "meets"
	if !rep.MeetsTarget {
		verdict = "misses"
	}
	fmt.Fprintf(app.Stdout, "%s the target: no errors and p95 under %s for every kind\n", verdict, bench.TargetP95)
	return nil
}

// benchGen writes generated articles as JSONL, in the form of the
// evaluation data with a gold "story", for `ingest` or `eval cluster`.
func benchGen(app *App, args []string) error {
	fs := flag.NewFlagSet("bench gen", flag.ContinueOnError)
	var bf benchFlags
	bf.add(fs, 1000)
	sopt, err := bf.parse(app, fs, args)
	if err != nil {
		return err
	}
	g, err := synth.New(bf.seed, sopt)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(app.Stdout)
	for range bf.articles {
		w.Write(g.Next().Item.Raw.Bytes)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("bench gen: %w", err)
	}
	return nil
}

func mb(n uint64) float64 { return float64(n) / (1 << 20) }
