package server

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/parallax-news/parallax/internal/store"
)

// metrics live on the server's own registry, so two servers in one process
// (tests) never collide and nothing global is configured.
type metrics struct {
	log         *slog.Logger
	reg         *prometheus.Registry
	ingested    *prometheus.CounterVec
	fetchErrors prometheus.Counter
	latency     *prometheus.HistogramVec
	answers     *prometheus.CounterVec
}

func newMetrics(st store.Store, log *slog.Logger) *metrics {
	m := &metrics{
		log: log,
		reg: prometheus.NewRegistry(),
		ingested: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parallax_articles_ingested_total",
			Help: "Articles ingested by this process, by outcome (new, known, failed).",
		}, []string{"status"}),
		fetchErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "parallax_fetch_errors_total",
			Help: "Fetches of URLs and feeds that failed.",
		}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "parallax_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "code"}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parallax_answer_cache_total",
			Help: "Story pages, story JSON and searches answered from the answer cache (hit) or drawn (miss).",
		}, []string{"result"}),
	}
	m.reg.MustRegister(m.ingested, m.fetchErrors, m.latency, m.answers,
		storeCollector{st: st},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// RecordIngest counts n ingested inputs with one outcome (new, known,
// failed); the feed poller reports here too.
func (s *Server) RecordIngest(status string, n int) {
	if n > 0 {
		s.metrics.ingested.WithLabelValues(status).Add(float64(n))
	}
}

// RecordFetchError counts one failed fetch of a URL or feed.
func (s *Server) RecordFetchError() {
	s.metrics.fetchErrors.Inc()
}

// instrument observes each request's latency under its route pattern, a
// bounded set, never the raw path.
func (m *metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(rec, r)
		took := time.Since(start)
		route := routeLabel(r)
		m.latency.WithLabelValues(route, strconv.Itoa(rec.code)).Observe(took.Seconds())
		m.log.DebugContext(r.Context(), "request", slog.String("method", r.Method), slog.String("route", route),
			slog.String("path", r.URL.Path), slog.Int("status", rec.code), slog.Duration("took", took))
	})
}

// routeLabel is the matched pattern; the story feed shares the story page's
// pattern (ServeMux wildcards are whole segments) and is told apart here.
func routeLabel(r *http.Request) string {
	switch {
	case r.Pattern == "":
		return "unmatched"
	case r.Pattern == storyPattern && strings.HasSuffix(r.PathValue("id"), atomSuffix):
		return "GET /stories/{id}.atom"
	}
	return r.Pattern
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// storeCollector reads the store's counts at scrape time, so the figures
// include articles other processes ingested.
type storeCollector struct{ st store.Store }

var (
	articlesDesc = prometheus.NewDesc("parallax_articles", "Articles stored.", nil, nil)
	storiesDesc  = prometheus.NewDesc("parallax_stories", "Stories stored.", nil, nil)
	feedsDesc    = prometheus.NewDesc("parallax_feeds_failing", "Followed feeds whose last poll failed.", nil, nil)
)

func (c storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- articlesDesc
	ch <- storiesDesc
	ch <- feedsDesc
}

func (c storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if n, err := c.st.CountArticles(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(articlesDesc, prometheus.GaugeValue, float64(n))
	} else {
		ch <- prometheus.NewInvalidMetric(articlesDesc, err)
	}
	if n, err := c.st.CountStories(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(storiesDesc, prometheus.GaugeValue, float64(n))
	} else {
		ch <- prometheus.NewInvalidMetric(storiesDesc, err)
	}
	if feeds, err := c.st.Feeds(ctx); err == nil {
		failing := 0
		for _, f := range feeds {
			if f.LastError != "" {
				failing++
			}
		}
		ch <- prometheus.MustNewConstMetric(feedsDesc, prometheus.GaugeValue, float64(failing))
	} else {
		ch <- prometheus.NewInvalidMetric(feedsDesc, err)
	}
}
