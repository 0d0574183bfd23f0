package follow

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/pipeline"
	"github.com/parallax-news/parallax/internal/source/fetch"
)

// BenchmarkPollOnce polls 50 feeds of 20 entries each through the real
// pipeline and store, as a server following many outlets does every
// interval: either every feed unchanged (304), or every feed served whole
// without validators, its entries all stored already.
func BenchmarkPollOnce(b *testing.B) {
	const feeds, entries = 50, 20
	tests := []struct {
		name        string
		conditional bool
	}{
		{"not modified", true},
		{"full, entries known", false},
	}
	for _, tc := range tests {
		b.Run(tc.name, func(b *testing.B) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.conditional && r.Header.Get("If-None-Match") == `"same"` {
					w.WriteHeader(http.StatusNotModified)
					return
				}
				if tc.conditional {
					w.Header().Set("ETag", `"same"`)
				}
				base := "https://bench.example" + r.URL.Path
				var items strings.Builder
				for i := range entries {
					items.WriteString(article(base, fmt.Sprint(i), fmt.Sprintf("Town%d%s", i, r.URL.Path[1:])))
				}
				fmt.Fprintf(w, `<rss version="2.0"><channel><title>Bench</title>%s</channel></rss>`, items.String())
			}))
			defer srv.Close()
			fx := newFixture(b, Options{})
			pl, err := pipeline.New(fx.st, pipeline.Options{}, fx.p.log)
			if err != nil {
				b.Fatal(err)
			}
			// The client lets every poll's request through at once: this
			// measures the poller, not the politeness of the client's limits.
			client := fetch.New(fetch.Options{AllowPrivate: true, PerHost: 8, HostGap: -1})
			fx.p = New(fx.st, client, pl, Options{Interval: time.Minute, PerHost: 8}, fx.p.log)
			fx.p.now = fx.clock.now
			for i := range feeds {
				fx.add(b, model.Feed{URL: fmt.Sprintf("%s/f%d", srv.URL, i)})
			}
			fx.pollOnce(b) // store every entry once
			if s := fx.p.Stats(); s.New != feeds*entries {
				b.Fatalf("first poll: %+v, want %d new entries", s, feeds*entries)
			}
			for b.Loop() {
				fx.clock.set(fx.clock.now().Add(2 * time.Minute))
				fx.pollOnce(b)
			}
			if s := fx.p.Stats(); s.New != feeds*entries || s.FetchErrors != 0 {
				b.Fatalf("after the polls: %+v, want nothing new and no errors", s)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*feeds), "µs/feed")
		})
	}
}
