package sqlite

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/testutil"
)

func openTest(t testing.TB, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// clusterRows returns every row ClusterRows gives, each with a copy of its
// features, which ClusterRows reuses once fn returns.
func clusterRows(t testing.TB, s *Store) []store.ClusterRow {
	t.Helper()
	var rows []store.ClusterRow
	err := s.ClusterRows(context.Background(), func(r store.ClusterRow) error {
		r.Features = bytes.Clone(r.Features)
		rows = append(rows, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func newTest(t testing.TB) *Store {
	t.Helper()
	return openTest(t, filepath.Join(t.TempDir(), "parallax.db"))
}

func ptr[T any](v T) *T { return &v }

func day(d int) *time.Time {
	t := time.Date(2023, 7, d, 12, 0, 0, 0, time.UTC)
	return &t
}

// article is a small record for tests: unique URL and hash from name.
func article(name, outlet string, story int64, published *time.Time, entities ...string) *store.Record {
	a := &model.Article{
		Outlet:      outlet,
		Title:       "Title " + name,
		URL:         "https://example.com/" + name,
		Published:   published,
		Language:    "en",
		Text:        "Body of " + name + ".",
		ContentHash: "hash-" + name,
		Source:      name + ".txt",
		Format:      "text",
	}
	rec := &store.Record{Article: a, Entities: entities, Raw: model.Raw{ContentType: "text/plain", Bytes: []byte(a.Text)}}
	if story != 0 {
		a.Story = ptr(story)
		rec.StoryTitle = a.Title // as the pipeline names a story
		rec.Decision = model.Decision{Kind: model.DecisionJoin, Score: 0.5, Reason: "test"}
	}
	return rec
}

func mustSave(t testing.TB, s *Store, recs ...*store.Record) []int64 {
	t.Helper()
	ids, err := s.SaveBatch(context.Background(), recs)
	if err != nil {
		t.Fatalf("SaveBatch: %v", err)
	}
	return ids
}

// vocabulary returns the words of the seed articles: generated text made of
// real words gives FTS5 and the page layout realistic work.
func vocabulary(t testing.TB) []string {
	t.Helper()
	var words []string
	for _, p := range testutil.Seeds(t) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		words = append(words, strings.Fields(string(b))...)
	}
	return words
}

// generator makes distinct, reproducible records of about 400 words (a
// typical news article) from the seeds' vocabulary, in stories of about five
// articles over twenty outlets.
type generator struct {
	words []string
	rng   *rand.Rand
	n     int
}

func newGenerator(t testing.TB, seed uint64) *generator {
	return &generator{words: vocabulary(t), rng: rand.New(rand.NewPCG(seed, 1))}
}

func (g *generator) sentence(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(g.words[g.rng.IntN(len(g.words))])
	}
	return b.String()
}

func (g *generator) record() *store.Record {
	g.n++
	i := g.n
	var paras []string
	for range 8 {
		paras = append(paras, g.sentence(50)+".")
	}
	text := fmt.Sprintf("Item %d. %s", i, strings.Join(paras, "\n\n"))
	story := int64(i/5 + 1)
	published := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
	a := &model.Article{
		ExternalID:  fmt.Sprintf("gen-%d", i),
		Outlet:      fmt.Sprintf("Outlet %d", i%20),
		Title:       g.sentence(8),
		URL:         fmt.Sprintf("https://outlet%d.example/%d", i%20, i),
		Published:   &published,
		Language:    "en",
		Story:       &story,
		Text:        text,
		ContentHash: fmt.Sprintf("%064x", i),
		Source:      fmt.Sprintf("gen:%d", i),
		Format:      "jsonl",
	}
	return &store.Record{
		Article:    a,
		Raw:        model.Raw{ContentType: "application/json", Bytes: []byte(text)},
		Features:   []byte(g.sentence(20)),
		Decision:   model.Decision{Kind: model.DecisionJoin, Score: 0.7, Compared: story, Terms: []string{"lavrov"}, Reason: "generated"},
		StoryTitle: a.Title,
		Entities:   []string{fmt.Sprintf("Entity %d", i%500), "Sergey Lavrov"},
	}
}

// queryPlan returns SQLite's plan for query, its steps joined by "; ".
func queryPlan(t testing.TB, s *Store, query string, args ...any) string {
	t.Helper()
	rows, err := s.read.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "; ")
}
