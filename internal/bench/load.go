package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/parallax-news/parallax/internal/loadtest"
	"github.com/parallax-news/parallax/internal/pipeline"
	"github.com/parallax-news/parallax/internal/store"
)

// Load targets from issue 5 and the design.
const (
	TargetP95 = 100 * time.Millisecond
	// DefaultStories is how many of the biggest stories the readers cycle
	// through.
	DefaultStories = 200
)

// LoadOptions configures Load.
type LoadOptions struct {
	// Load bounds the run (Clients, Duration or Requests, Timeout);
	// BaseURL and, when empty, Targets are filled by Load.
	Load loadtest.Options
	// Stories is how many of the biggest stories the readers cycle
	// through (default DefaultStories); Kinds, if set, keeps only those
	// kinds of request (loadtest.KindSearch, say), to tell them apart.
	Stories int
	Kinds   []string
	// Ingest, when Articles is set, runs beside the load until it ends:
	// more generated articles through the same pipeline, at Ingest.Rate.
	Ingest IngestOptions
}

// LoadReport is the outcome of Load.
type LoadReport struct {
	Stored int64           `json:"stored"` // articles stored when the load began
	Load   loadtest.Report `json:"load"`
	// Ingest is what the ingestion beside the load did (nil when none ran).
	Ingest *IngestReport `json:"ingest,omitempty"`
	// MeetsTarget: no errors and every kind's 95th percentile under TargetP95.
	MeetsTarget bool `json:"meets_target"`
	// CPUSeconds is the CPU time this process used during the load:
	// server, clients and ingestion together. On a shared machine, where
	// latency measures the neighbours too, CPU per request compares runs.
	CPUSeconds float64 `json:"cpu_seconds"`
}

// Load serves handler (the real server, over p's store) on an ephemeral
// loopback port, drives it with loadtest.Run while opt.Ingest runs through
// p, and reports both. Nothing leaves the machine: the server listens on
// 127.0.0.1 and loadtest refuses any other address.
func Load(ctx context.Context, p *pipeline.Pipeline, st store.Store, handler http.Handler, opt LoadOptions) (LoadReport, error) {
	var rep LoadReport
	stored, err := st.CountArticles(ctx)
	if err != nil {
		return rep, fmt.Errorf("bench load: %w", err)
	}
	rep.Stored = stored
	if opt.Stories <= 0 {
		opt.Stories = DefaultStories
	}
	if len(opt.Load.Targets) == 0 {
		targets, err := loadtest.Targets(ctx, st, opt.Stories, nil)
		if err != nil {
			return rep, fmt.Errorf("bench load: %w", err)
		}
		for _, t := range targets {
			if len(opt.Kinds) == 0 || slices.Contains(opt.Kinds, t.Kind) {
				opt.Load.Targets = append(opt.Load.Targets, t)
			}
		}
		if len(opt.Load.Targets) == 0 {
			return rep, fmt.Errorf("bench load: kinds %q: %w", opt.Kinds, loadtest.ErrNoTargets)
		}
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return rep, fmt.Errorf("bench load: listen on loopback: %w", err)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      time.Minute,
		IdleTimeout:       time.Minute,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		srv.Shutdown(sctx) // the report is already made; a slow close changes nothing in it
		<-served
	}()

	opt.Load.BaseURL = "http://" + ln.Addr().String()
	var ing IngestReport
	if opt.Ingest.Articles > 0 {
		opt.Load.Background = func(ctx context.Context) error {
			var err error
			ing, err = Ingest(ctx, p, st, opt.Ingest)
			return err
		}
	}
	cpu := cpuTime()
	rep.Load, err = loadtest.Run(ctx, opt.Load)
	rep.CPUSeconds = (cpuTime() - cpu).Seconds()
	if opt.Load.Background != nil {
		rep.Ingest = &ing
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return rep, fmt.Errorf("bench load: %w", err)
	}
	rep.MeetsTarget = rep.Load.Errors == 0 && rep.Load.WarmupErrors == 0 && len(rep.Load.Kinds) > 0
	for _, k := range rep.Load.Kinds {
		if k.P95 >= TargetP95 {
			rep.MeetsTarget = false
		}
	}
	return rep, err
}
