package pipeline

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/demo"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/store/sqlite"
	"github.com/parallax-news/parallax/internal/synth"
)

// TestRestartDecidesAlike: stopping half way and starting again, with the
// index rebuilt from the store, must give the stories one run gives.
// Researchers re-run an ingest and expect the same stories.
func TestRestartDecidesAlike(t *testing.T) {
	ctx := context.Background()
	root, err := demo.WriteCorpus(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "ecbplus.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	// The corpus is in topic order: alternate lines make two halves that
	// both hold every topic, so the second half's decisions lean on the
	// stories of the first.
	var halves [2][]byte
	for i, line := range bytes.SplitAfter(bytes.TrimSpace(data), []byte("\n")) {
		halves[i%2] = append(halves[i%2], line...)
		if !bytes.HasSuffix(line, []byte("\n")) {
			halves[i%2] = append(halves[i%2], '\n')
		}
	}
	half := filepath.Join(t.TempDir(), "first.jsonl")
	rest := filepath.Join(t.TempDir(), "rest.jsonl")
	if err := os.WriteFile(half, halves[0], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rest, halves[1], 0o644); err != nil {
		t.Fatal(err)
	}

	// ingest runs each group of inputs in a pipeline of its own, on a
	// store opened afresh.
	ingest := func(groups ...[]string) []string {
		return runsOf(t, func(st store.Store, group int) {
			newPipelineOn(t, st).Ingest(ctx, groups[group], func(r Result) {
				if r.Err != nil {
					t.Errorf("%s: %v", r.Input, r.Err)
				}
			})
		}, len(groups))
	}
	compareRuns(t, ingest([]string{half, rest}), ingest([]string{half}, []string{rest}), 10)
}

// TestRestartDecidesAlikeGenerated is TestRestartDecidesAlike on a
// generated stream with syndicated copies, long enough that the rebuild's
// batches of rows each go round between its two goroutines more than once.
func TestRestartDecidesAlikeGenerated(t *testing.T) {
	const first, rest = restoreBatch*(restoreBatches+1) + 17, 300
	items := generatedItems(t, first+rest)
	ingest := func(groups ...[]source.Item) []string {
		return runsOf(t, func(st store.Store, group int) {
			mustIngest(t, newPipelineOn(t, st), groups[group])
		}, len(groups))
	}
	compareRuns(t, ingest(items), ingest(items[:first], items[first:]), 100)
}

// generatedItems returns n generated articles, a fifth of them syndicated
// copies of earlier ones.
func generatedItems(t *testing.T, n int) []source.Item {
	t.Helper()
	corpus, err := synth.DemoCorpus()
	if err != nil {
		t.Fatal(err)
	}
	gen, err := synth.New(7, synth.Options{Corpus: corpus, CopyRate: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	items := make([]source.Item, n)
	copies := 0
	for i := range items {
		a := gen.Next()
		items[i] = a.Item
		if a.CopyOf != "" {
			copies++
		}
	}
	if copies < n/20 {
		t.Fatalf("%d copies in %d generated articles: the test has too few to compare", copies, n)
	}
	return items
}

// runsOf runs run(st, i) for i from 0 to n-1, each on the same store
// opened afresh, then lists what the store holds: per story, its
// articles' external ids, each with the external id of the article it
// copies.
func runsOf(t *testing.T, run func(st store.Store, i int), n int) []string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	for i := range n {
		st, err := sqlite.Open(ctx, path, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		run(st, i)
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return storiesIn(t, path)
}

// storiesIn lists the stories of the database at path, each as the sorted
// external ids of its articles, a copy with the one it copies.
func storiesIn(t *testing.T, path string) []string {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	arts, err := st.Articles(ctx, store.ArticleQuery{})
	if err != nil {
		t.Fatal(err)
	}
	external := map[int64]string{}
	for _, a := range arts {
		external[a.ID] = a.ExternalID
	}
	byStory := map[int64][]string{}
	for _, a := range arts {
		name := a.ExternalID
		if a.CopyOf != nil {
			name += " copies " + external[*a.CopyOf]
		}
		byStory[*a.Story] = append(byStory[*a.Story], name)
	}
	var stories []string
	for _, names := range byStory {
		slices.Sort(names)
		stories = append(stories, strings.Join(names, ", "))
	}
	slices.Sort(stories)
	return stories
}

// compareRuns fails unless one run and a restarted one hold the same
// stories, and at least want of them.
func compareRuns(t *testing.T, once, restarted []string, want int) {
	t.Helper()
	if len(once) < want {
		t.Fatalf("%d stories: the test has nothing to compare", len(once))
	}
	if !slices.Equal(once, restarted) {
		t.Errorf("one run made %d stories, the runs compared with it %d, and they differ", len(once), len(restarted))
		for _, s := range once {
			if !slices.Contains(restarted, s) {
				t.Logf("only in the run without restart: %s", s)
			}
		}
	}
}

// TestRebuildingReports: a pipeline opened on a stored stream reports the
// rebuild of its index as it reads the store, every batch of rows, then
// once when the index is built, having read every stored article.
func TestRebuildingReports(t *testing.T) {
	ctx := context.Background()
	const stored = 2*restoreBatch + 40
	st := storedItems(t, stored)

	type report struct {
		read int
		done bool
	}
	var reports []report
	restarted, err := New(st, Options{Rebuilding: func(read int, done bool) {
		reports = append(reports, report{read, done})
	}}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 0 {
		t.Fatalf("opening the pipeline reported %v: the index is built on first use", reports)
	}
	if err := restarted.LoadIndex(ctx); err != nil {
		t.Fatal(err)
	}
	want := []report{{restoreBatch, false}, {2 * restoreBatch, false}, {stored, true}}
	if !slices.Equal(reports, want) {
		t.Errorf("reports %v, want %v", reports, want)
	}
	if err := restarted.LoadIndex(ctx); err != nil {
		t.Fatal(err)
	}
	if len(reports) != len(want) {
		t.Errorf("a second LoadIndex reported again: %v", reports[len(want):])
	}
}

// TestRebuildStops: a rebuild stopped half way ends with the context's
// error, within a batch of rows, and leaves no index: the next use
// rebuilds it whole.
func TestRebuildStops(t *testing.T) {
	const stored = 2*restoreBatch + 40
	st := storedItems(t, stored)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var reads []int
	p, err := New(st, Options{Rebuilding: func(read int, done bool) {
		reads = append(reads, read)
		cancel() // at the first batch handed over
	}}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.LoadIndex(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("LoadIndex stopped half way = %v, want context.Canceled", err)
	}
	if !slices.Equal(reads, []int{restoreBatch}) {
		t.Errorf("reports %v before the stop, want one at %d", reads, restoreBatch)
	}
	if story := p.StoryOf(1); story != 0 {
		t.Errorf("a stopped rebuild left an index: article 1 in story %d", story)
	}
	reads = nil
	if err := p.LoadIndex(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(reads) == 0 || reads[len(reads)-1] != stored {
		t.Errorf("rebuilt again, reports %v, want the last at %d", reads, stored)
	}
	if p.StoryOf(1) == 0 {
		t.Error("rebuilt again, article 1 is in no story")
	}
}

// storedItems returns a store holding n distinct articles.
func storedItems(t *testing.T, n int) store.Store {
	t.Helper()
	p, st := newPipeline(t)
	items := make([]source.Item, n)
	for i := range items {
		items[i] = item(i, "harbour")
	}
	p.IngestItems(context.Background(), items, func(r Result) {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Input, r.Err)
		}
	})
	if got, err := st.CountArticles(context.Background()); err != nil || got != int64(n) {
		t.Fatalf("%d articles stored (%v), want %d", got, err, n)
	}
	return st
}

// TestInterruptedIngestGoesOn: an ingest whose context ends part way (a
// person's Ctrl-C, a client gone away from serve) stores what it stored and
// warns of nothing, and the same pipeline, asked again, stores the rest,
// each article once. Its index, which held batches decided and then not
// stored, is made again from the store, and a rebuilt index decides nearly
// as one run: a story's cast and vectors are cut to their heaviest entries
// after every change, a rebuild sums a story regrouping changed in another
// order, and an article near a threshold may go elsewhere (at most 1% of
// the stories differ here; with the index file, none:
// TestIndexFileDecidesAlike).
func TestInterruptedIngestGoesOn(t *testing.T) {
	items := generatedItems(t, 1300)
	once := runsOf(t, func(st store.Store, _ int) { mustIngest(t, newPipelineOn(t, st), items) }, 1)
	var w warnings
	stopped := 0
	runs := runsOf(t, func(st store.Store, _ int) {
		p, err := New(st, Options{}, slog.New(&w))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		p.IngestItems(ctx, items, func(r Result) {
			if r.Err != nil {
				stopped++
			}
			cancel() // at the first batch stored, while the next is in hand
		})
		mustIngest(t, p, items)
	}, 1)
	if stopped == 0 {
		t.Fatal("nothing was left unstored: the run was not interrupted")
	}
	if len(w.msgs) != 0 {
		t.Errorf("an interrupted ingest warned: %q", w.msgs)
	}
	if n := articlesIn(runs); n != len(items) {
		t.Errorf("%d articles stored, want each of the %d once", n, len(items))
	}
	if d := storiesDiffering(once, runs); d*100 > len(once) {
		t.Errorf("%d of %d stories differ from one run's, want at most 1%%", d, len(once))
	}
}

// articlesIn counts the articles of stories as storiesIn lists them.
func articlesIn(stories []string) int {
	n := 0
	for _, s := range stories {
		n += strings.Count(s, ", ") + 1
	}
	return n
}

// storiesDiffering counts the stories of once that runs does not hold.
func storiesDiffering(once, runs []string) int {
	d := 0
	for _, s := range once {
		if !slices.Contains(runs, s) {
			d++
		}
	}
	return d
}
