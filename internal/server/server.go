// Package server is Parallax over HTTP: server-rendered pages, a JSON API
// under /api/v1/, Atom feeds, /healthz and /metrics. Reading needs nothing;
// every write needs the configured token.
package server

import (
	"cmp"
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/pipeline"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/store"
)

// Pipeline is what the server needs of the ingestion pipeline: ingesting
// posted articles, the compared form of a story, and a person's corrections.
type Pipeline interface {
	IngestItem(ctx context.Context, it source.Item) (pipeline.Result, error)
	IngestURL(ctx context.Context, url string) (pipeline.Result, error)
	Story(ctx context.Context, id int64) (*model.Story, error)
	Merge(ctx context.Context, from, into int64, reason string) (model.Correction, error)
	Move(ctx context.Context, article, to int64, reason string) (model.Correction, error)
	Split(ctx context.Context, story int64, articles []int64, reason string) ([]model.Correction, error)
}

// Config is what the server is told at start.
type Config struct {
	// Token allows writes; empty refuses every write.
	Token string
	// BaseURL is the public address (e.g. "https://news.example.org") used
	// for absolute links and ids in Atom feeds; empty takes the request's host.
	BaseURL string
	// FeedAdded, when set, is called after a feed is added, so the poller
	// can fetch it at once rather than at its next tick.
	FeedAdded func()
	// CacheBytes bounds the story pages and story JSON kept rendered
	// (0: DefaultCacheBytes).
	CacheBytes int64
}

// Server is the whole HTTP surface; it is an http.Handler.
type Server struct {
	cfg     Config
	st      store.Store
	p       Pipeline
	log     *slog.Logger
	mux     *http.ServeMux
	handler http.Handler
	pages   *engine
	assets  *assets
	metrics *metrics
	cache   *answerCache
	// generation starts every ETag, so answers drawn by an earlier run
	// (other templates, perhaps) never count as current.
	generation string
	// key signs session cookies and CSRF tokens; fresh at each start, so a
	// restart signs everyone out.
	key []byte
}

// New builds the server, parsing templates and hashing assets once.
func New(cfg Config, st store.Store, p Pipeline, log *slog.Logger) *Server {
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	s := &Server{
		cfg:    cfg,
		st:     st,
		p:      p,
		log:    log,
		mux:    http.NewServeMux(),
		assets: newAssets(),
		key:    make([]byte, 32),
		cache:  newAnswerCache(cmp.Or(cfg.CacheBytes, DefaultCacheBytes)),
		// Eight characters of randomness tell runs apart.
		generation: rand.Text()[:8],
	}
	// crypto/rand.Read never returns an error (it aborts the program when
	// the system has no randomness).
	_, _ = rand.Read(s.key)
	s.pages = newEngine(s.assets)
	s.metrics = newMetrics(st, log)

	routes := [][]route{s.apiRoutes(), s.pageRoutes(), s.feedRoutes(), s.opsRoutes()}
	for _, table := range routes {
		for _, rt := range table {
			s.mux.Handle(rt.pattern, rt.handler)
		}
	}
	s.handler = s.securityHeaders(s.metrics.instrument(s.apiMisses(s.mux)))
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// route is one line of a route table: a ServeMux pattern with its method.
type route struct {
	pattern string
	handler http.Handler
}

// opsRoutes are for operators and monitoring.
func (s *Server) opsRoutes() []route {
	return []route{
		{"GET /healthz", http.HandlerFunc(s.healthz)},
		{"GET /metrics", s.metrics.handler()},
		{"GET /static/{file}", http.HandlerFunc(s.assets.serve)},
	}
}

// healthz answers 200 when the store answers.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if _, err := s.st.CountStories(r.Context()); err != nil {
		s.log.ErrorContext(r.Context(), "health check", slog.Any("error", err))
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

// securityHeaders sets what every answer carries. The policy allows no
// inline script or style: the pages use only /static files, and their SVG
// uses presentation attributes, which the policy does not govern.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "+
			"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// apiMisses answers a request under /api/ that no route takes in JSON, as
// the API answers everything else; the mux would answer in plain text.
func (s *Server) apiMisses(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		if _, pattern := s.mux.Handler(r); pattern != "" && pattern != noPagePattern {
			next.ServeHTTP(w, r)
			return
		}
		var allowed []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != noPagePattern {
				allowed = append(allowed, m)
			}
		}
		if len(allowed) == 0 {
			writeJSON(w, http.StatusNotFound, apiError{Error: fmt.Sprintf("no API route %s: see /api/v1/openapi.json", r.URL.Path)})
			return
		}
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeJSON(w, http.StatusMethodNotAllowed, apiError{Error: fmt.Sprintf("%s %s: use %s", r.Method, r.URL.Path, strings.Join(allowed, " or "))})
	})
}
