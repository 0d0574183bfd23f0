package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/parallax-news/parallax/demo"
	"github.com/parallax-news/parallax/internal/pipeline"
)

// loadDemo ingests the bundled demo corpus into a fresh temporary store and
// returns its path; cleanup removes it.
func loadDemo(ctx context.Context, app *App) (dbPath string, cleanup func(), err error) {
	dir, err := os.MkdirTemp("", "parallax-demo-")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	corpus, err := demo.WriteCorpus(dir)
	if err != nil {
		cleanup()
		return "", nil, err
	}
	app.DB = filepath.Join(dir, "demo.db")
	p, st, err := app.openPipeline(ctx, pipeline.Options{})
	if err != nil {
		cleanup()
		return "", nil, err
	}
	defer st.Close()
	var sum ingestSummary
	p.Ingest(ctx, []string{corpus}, func(r pipeline.Result) {
		sum.add(r)
		if r.Err != nil {
			app.Log.Warn("demo article failed", "input", r.Input, "err", r.Err)
		}
	})
	if err := ctx.Err(); err != nil {
		cleanup()
		return "", nil, err
	}
	fmt.Fprintf(app.Stderr, "demo corpus: %s, in the temporary store %s, removed at the end\n", sum, app.DB)
	return app.DB, cleanup, nil
}

// runDemo ingests the demo corpus into a temporary store and shows what
// Parallax made of it: the stories, then the seed story compared.
func runDemo(ctx context.Context, app *App, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	if _, err := app.parseFlags(fs, args); err != nil {
		return err
	}
	if app.dbGiven {
		return fmt.Errorf("%w: demo works in a temporary store; to keep the demo corpus, ingest it: parallax --db PATH ingest demo/corpus", errUsage)
	}
	db, cleanup, err := loadDemo(ctx, app)
	if err != nil {
		return err
	}
	defer cleanup()
	app.DB = db
	if err := runStories(ctx, app, []string{"--limit", "40", "--sort", "biggest"}); err != nil {
		return err
	}
	st, err := app.openStore(ctx)
	if err != nil {
		return err
	}
	arts, err := st.Search(ctx, "Lavrov", storeAll)
	st.Close()
	if err != nil || len(arts) == 0 || arts[0].Article.Story == nil {
		return fmt.Errorf("demo: the seed story was not found: %v", err)
	}
	fmt.Fprintln(app.Stdout)
	return runStory(ctx, app, []string{fmt.Sprint(*arts[0].Article.Story)})
}
