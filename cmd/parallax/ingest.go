package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/parallax-news/parallax/internal/pipeline"
)

// ingestSummary counts what an ingest run did with its inputs.
type ingestSummary struct {
	New    int `json:"new"`
	Known  int `json:"known"`
	Failed int `json:"failed"`
	// Stopped counts the inputs not stored because the run was
	// interrupted: another run of the same command stores them.
	Stopped int `json:"stopped,omitempty"`
}

func (s ingestSummary) String() string {
	line := fmt.Sprintf("%d new, %d already known, %d failed", s.New, s.Known, s.Failed)
	if s.Stopped > 0 {
		line += fmt.Sprintf(", %d not stored (interrupted)", s.Stopped)
	}
	return line
}

func (s *ingestSummary) add(r pipeline.Result) {
	switch r.Status {
	case pipeline.StatusNew:
		s.New++
	case pipeline.StatusKnown:
		s.Known++
	default:
		s.Failed++
	}
}

func runIngest(ctx context.Context, app *App, args []string) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	var opt pipeline.Options
	fs.StringVar(&opt.Extract.Outlet, "outlet", "", "outlet name for every article of these inputs")
	fs.StringVar(&opt.Extract.OutletFile, "outlets", os.Getenv("PARALLAX_OUTLETS"), "file of extra outlet domains: lines \"domain<TAB>Name\"")
	fs.BoolVar(&opt.Source.AllowPrivate, "allow-private", false, "allow fetching from loopback, private and link-local addresses")
	fs.BoolVar(&opt.LinkedPages, "pages", true, "read an entry of a feed fetched from a URL that gives only a headline or a teaser from the page it links to")
	verbose := fs.Bool("v", false, "print one line per article")
	inputs, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(inputs) == 0 {
		return fmt.Errorf("%w: parallax ingest [--outlet NAME] PATH|URL|- ...", errUsage)
	}
	opt.Source.Outlet = opt.Extract.Outlet
	opt.Source.Stdin = app.Stdin
	// "ingest ." beside the database reads the articles, not the database.
	opt.Source.Skip = []string{app.DB, app.DB + "-wal", app.DB + "-shm", app.DB + "-journal", app.indexFile()}

	var bar *progressbar.ProgressBar
	if f, ok := app.Stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) && !*verbose {
		bar = progressbar.NewOptions(-1,
			progressbar.OptionSetWriter(f),
			progressbar.OptionSetDescription("ingesting"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("articles"),
			progressbar.OptionClearOnFinish(),
		)
		// On a big store the first article waits for the story index to be
		// rebuilt, a minute and more: the bar says so rather than stand still.
		opt.Rebuilding = func(read int, done bool) {
			if done {
				bar.Describe("ingesting")
				return
			}
			bar.Describe(fmt.Sprintf("building the story index: %d stored articles read", read))
		}
	}

	p, st, err := app.openPipeline(ctx, opt)
	if err != nil {
		return err
	}
	defer st.Close()
	var sum ingestSummary
	var listed []pipeline.Result // with -v, the stored articles as listed
	p.Ingest(ctx, inputs, func(r pipeline.Result) {
		if bar != nil {
			bar.Add(1)
		}
		if r.Err != nil && ctx.Err() != nil {
			// Interrupted: the inputs in flight are not stored, each for
			// the same reason, which the summary gives once.
			sum.Stopped++
			return
		}
		sum.add(r)
		switch {
		case r.Err != nil:
			if bar != nil {
				bar.Clear()
			}
			fmt.Fprintf(app.Stderr, "error: %v\n", r.Err)
		case *verbose:
			fmt.Fprintf(app.Stdout, "%s\t%d\tstory %d\t%s\n", r.Status, r.Article, r.Story, r.Input)
			listed = append(listed, r)
		}
	})
	if bar != nil {
		bar.Finish()
	}
	app.saveIndex(ctx, p)
	// Articles arriving later regroup the stories they touch: an article
	// listed above may have moved since, and its line would send a reader
	// to the wrong story.
	moved := map[int64]bool{} // an article listed twice, as new and as known, moves once
	for _, r := range listed {
		if now := p.StoryOf(r.Article); now != 0 && now != r.Story && !moved[r.Article] {
			moved[r.Article] = true
			fmt.Fprintf(app.Stdout, "moved\t%d\tstory %d\t%s (stored in story %d; regrouped by later articles)\n", r.Article, now, r.Input, r.Story)
		}
	}
	if app.JSON {
		if err := app.writeJSON(sum); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(app.Stdout, sum)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("interrupted (%w): what is stored stays; the same command again stores the rest, skipping what it finds known", err)
	}
	if sum.Failed > 0 {
		return fmt.Errorf("%d of %d inputs failed", sum.Failed, sum.New+sum.Known+sum.Failed)
	}
	return nil
}
