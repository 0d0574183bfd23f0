package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/parallax-news/parallax/internal/follow"
	"github.com/parallax-news/parallax/internal/pipeline"
	"github.com/parallax-news/parallax/internal/server"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/source/fetch"
)

// serveConfig is serve's flags; each also reads a PARALLAX_* variable.
type serveConfig struct {
	addr         string
	demo         bool
	token        string
	baseURL      string
	pollInterval time.Duration
	allowPrivate bool
}

func (c *serveConfig) flags(fs *flag.FlagSet) error {
	demo, err := envBool("PARALLAX_DEMO")
	if err != nil {
		return err
	}
	allowPrivate, err := envBool("PARALLAX_ALLOW_PRIVATE")
	if err != nil {
		return err
	}
	interval, err := envDuration("PARALLAX_POLL_INTERVAL", follow.DefaultInterval)
	if err != nil {
		return err
	}
	fs.StringVar(&c.addr, "addr", envOr("PARALLAX_ADDR", "127.0.0.1:8080"), "listen on HOST:PORT (env PARALLAX_ADDR)")
	fs.BoolVar(&c.demo, "demo", demo, "serve the bundled demo corpus from a temporary store (env PARALLAX_DEMO)")
	fs.StringVar(&c.token, "token", os.Getenv("PARALLAX_TOKEN"), "token that allows writes; none: read-only (env PARALLAX_TOKEN)")
	fs.StringVar(&c.baseURL, "base-url", os.Getenv("PARALLAX_BASE_URL"), "public address for links in feeds, e.g. https://news.example.org (env PARALLAX_BASE_URL)")
	fs.DurationVar(&c.pollInterval, "poll-interval", interval, "time between polls of each followed feed; 0 stops polling (env PARALLAX_POLL_INTERVAL)")
	fs.BoolVar(&c.allowPrivate, "allow-private", allowPrivate, "let followed feeds and posted URLs be fetched from loopback, private and link-local addresses, "+
		"for feeds on an intranet; whoever holds the token can then make the server fetch them (env PARALLAX_ALLOW_PRIVATE)")
	return nil
}

// runServe serves the web pages, API and feeds until ctx ends (SIGINT or
// SIGTERM), then stops accepting, lets requests in flight finish and exits.
func runServe(ctx context.Context, app *App, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var cfg serveConfig
	if err := cfg.flags(fs); err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	rest, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("%w: serve takes no arguments, got %q", errUsage, rest)
	}
	if cfg.demo {
		db, cleanup, err := loadDemo(ctx, app)
		if err != nil {
			return fmt.Errorf("load the demo corpus: %w", err)
		}
		defer cleanup()
		app.DB = db
	}
	// One client fetches the feeds polled, the pages their entries link to
	// and the URLs posted, so that its limit of requests per host holds for
	// them all.
	client := fetch.New(fetch.Options{AllowPrivate: cfg.allowPrivate, Logger: app.Log})
	// Most feeds give a headline and a teaser: their entries are read from
	// the pages they link to.
	p, st, err := app.openPipeline(ctx, pipeline.Options{Source: source.Options{Fetch: client}, LinkedPages: true})
	if err != nil {
		return err
	}
	defer st.Close()

	var poller *follow.Poller
	// The poller reports into the server's metrics: srv is set below, before
	// the poller runs.
	var srv *server.Server
	if cfg.pollInterval > 0 {
		poller = follow.New(st, client, p, follow.Options{
			Interval: cfg.pollInterval,
			OnPoll: func(pl follow.Poll) {
				srv.RecordIngest(pipeline.StatusNew, pl.New)
				srv.RecordIngest(pipeline.StatusKnown, pl.Known)
				srv.RecordIngest(pipeline.StatusFailed, pl.Failed)
				if pl.Err != nil {
					srv.RecordFetchError()
				}
			},
		}, app.Log)
	}
	scfg := server.Config{Token: cfg.token, BaseURL: cfg.baseURL}
	if poller != nil {
		scfg.FeedAdded = poller.Wake
	}
	srv = server.New(scfg, st, p, app.Log)

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	if cfg.token == "" {
		fmt.Fprintln(app.Stderr, "parallax serve: no --token or PARALLAX_TOKEN: read-only, every write is refused")
	}
	fmt.Fprintf(app.Stderr, "parallax serve: http://%s/ (database %s)\n", ln.Addr(), app.dbName())

	// Beside the server, which answers readers at once, the story index is
	// built (arrivals wait for it), then feeds are polled. Both stop with
	// the server, and are waited for before the store closes.
	pollCtx, stopPolling := context.WithCancel(ctx)
	pollDone := make(chan struct{})
	go func() {
		defer close(pollDone)
		began := time.Now()
		if err := p.LoadIndex(pollCtx); err != nil {
			if pollCtx.Err() == nil {
				app.Log.Error("story index not built: each arrival will try again", "err", err)
			}
		} else {
			fmt.Fprintf(app.Stderr, "parallax serve: story index ready in %s (%s): arrivals no longer wait\n",
				time.Since(began).Round(time.Millisecond), p.IndexOrigin())
		}
		if poller != nil {
			poller.Run(pollCtx)
		}
	}()
	err = server.Serve(ctx, ln, srv, app.Log)
	stopPolling()
	<-pollDone
	// The server stops on a signal, which ends ctx: the index is still
	// kept, as a server's restart is when a rebuild is most in the way.
	app.saveIndex(context.WithoutCancel(ctx), p)
	return err
}
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func envBool(name string) (bool, error) {
	v := os.Getenv(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s=%q is not true or false", name, v)
	}
	return b, nil
}

func envDuration(name string, def time.Duration) (time.Duration, error) {
	v := os.Getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%s=%q is not a duration such as 15m", name, v)
	}
	return d, nil
}
