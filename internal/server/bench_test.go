package server

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/store/sqlite"
)

const (
	benchArticles = 10000
	benchPerStory = 5
)

// benchServer is a server over a store of benchArticles articles made of the
// seed articles' words, benchPerStory to a story, with the fake comparison.
func benchServer(b *testing.B) *Server {
	b.Helper()
	ctx := b.Context()
	log := slog.New(slog.DiscardHandler)
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), log)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	var words []string
	for _, p := range seedParagraphs(b) {
		words = append(words, strings.Fields(p)...)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	sentence := func() string {
		n := 8 + rng.IntN(20)
		ws := make([]string, n)
		for i := range ws {
			ws[i] = words[rng.IntN(len(words))]
		}
		return strings.Join(ws, " ") + "."
	}
	outlets := []string{"Alpha News", "Beta Post", "Gamma Wire", "Delta Daily", "Fox News", "Epsilon Times"}
	var recs []*store.Record
	var story int64
	for i := range benchArticles {
		if i%benchPerStory == 0 {
			if story, err = st.NextStoryID(ctx); err != nil {
				b.Fatal(err)
			}
		}
		var paras []string
		for range 6 {
			paras = append(paras, sentence()+" "+sentence())
		}
		pub := time.Date(2023, 7, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
		sid := story
		recs = append(recs, &store.Record{
			Article: &model.Article{Outlet: outlets[i%len(outlets)], Title: sentence(), URL: fmt.Sprintf("https://example.com/%d", i),
				Published: &pub, Language: "en", Story: &sid, Text: strings.Join(paras, "\n\n"), ContentHash: fmt.Sprintf("h%d", i)},
			Raw:      model.Raw{ContentType: "text/plain"},
			Decision: model.Decision{Kind: model.DecisionJoin, Score: 0.5, Reason: "bench"},
			Entities: []string{"Sergey Lavrov"},
		})
		if len(recs) == 1000 {
			if _, err := st.SaveBatch(ctx, recs); err != nil {
				b.Fatal(err)
			}
			recs = recs[:0]
		}
	}
	return New(Config{}, st, &fakePipeline{st: st}, log)
}

// BenchmarkPages times whole answers, store reads included, on a store of
// benchArticles articles; the comparison is the fake pipeline's (none).
func BenchmarkPages(b *testing.B) {
	s := benchServer(b)
	mid := benchArticles / benchPerStory / 2
	for _, path := range []string{
		"/",
		"/?sort=biggest&outlet=Fox+News",
		"/api/v1/stories",
		fmt.Sprintf("/stories/%d", mid),
		fmt.Sprintf("/api/v1/stories/%d", mid),
		fmt.Sprintf("/articles/%d", mid*benchPerStory),
		"/search?q=Lavrov+officials",
		"/api/v1/search?q=Lavrov+officials",
		"/stories.atom",
		fmt.Sprintf("/stories/%d.atom", mid),
	} {
		b.Run(path, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			for b.Loop() {
				w := httptest.NewRecorder()
				s.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("GET %s: %d %s", path, w.Code, w.Body)
				}
				io.Discard.Write(w.Body.Bytes())
			}
		})
	}
}
