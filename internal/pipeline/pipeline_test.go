package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/store/sqlite"
	"github.com/parallax-news/parallax/internal/testutil"
)

func newPipeline(t *testing.T) (*Pipeline, store.Store) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "p.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return newPipelineOn(t, st), st
}

// item is a JSONL-like article with distinct text.
func item(n int, topic string) source.Item {
	body := fmt.Sprintf("%s: the council of the town of Exampleton number %d met on Tuesday to debate %s.\n"+
		"Members said the %s plan for district %d would cost more than expected and voted to delay it.", topic, n, topic, topic, n)
	return textItem(fmt.Sprintf("test:%d", n), source.Hint{ExternalID: fmt.Sprint(n), Title: fmt.Sprintf("%s in district %d", topic, n)}, body)
}

// textItem is a JSONL-like record of body from input, described by hint.
func textItem(input string, hint source.Hint, body string) source.Item {
	return source.Item{
		Input:  input,
		Kind:   source.KindJSONL,
		Format: source.FormatText,
		Body:   []byte(body),
		Raw:    model.Raw{ContentType: "application/json", Bytes: []byte(body)},
		Hint:   hint,
	}
}

func TestSeedsAreOneStory(t *testing.T) {
	p, st := newPipeline(t)
	var results []Result
	p.Ingest(context.Background(), testutil.Seeds(t), func(r Result) { results = append(results, r) })
	if len(results) != 2 {
		t.Fatalf("results = %+v, want 2", results)
	}
	for _, r := range results {
		if r.Status != StatusNew || r.Err != nil {
			t.Fatalf("seed %s: %s %v", r.Input, r.Status, r.Err)
		}
	}
	if results[0].Story != results[1].Story {
		t.Fatalf("seeds in stories %d and %d, want one", results[0].Story, results[1].Story)
	}
	s, err := p.Story(context.Background(), results[0].Story)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Articles) != 2 || len(s.Explanations) != 2 {
		t.Fatalf("story has %d articles and %d explanations, want 2 and 2", len(s.Articles), len(s.Explanations))
	}
	// A second pipeline on the same store rebuilds the index: the seeds
	// again are known, and the story is unchanged.
	p2, err := New(st, Options{}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	p2.Ingest(context.Background(), testutil.Seeds(t), func(r Result) {
		if r.Status != StatusKnown || r.Story != results[0].Story {
			t.Errorf("re-ingest %s: %s in story %d, want known in %d", r.Input, r.Status, r.Story, results[0].Story)
		}
	})
}

// TestRefusedBatchFailsOnlyTheCulprit stores, behind the pipeline's back, an
// article the batch also holds: the batch is refused, the index is rebuilt,
// and every other article of it is still stored.
func TestRefusedBatchFailsOnlyTheCulprit(t *testing.T) {
	ctx := context.Background()
	p, st := newPipeline(t)
	var prs []prepared
	for n := range 5 {
		prs = append(prs, p.prepare(ctx, item(n, []string{"budget", "parking", "flooding", "schools", "budget"}[n])))
	}
	// Another writer stores article 2 after the known check.
	other := newPipelineOn(t, st)
	if r, err := other.IngestItem(ctx, item(2, "flooding")); err != nil || r.Status != StatusNew {
		t.Fatalf("other writer: %+v %v", r, err)
	}
	results := p.commitBatch(ctx, prs)
	for n, r := range results {
		want := StatusNew
		if n == 2 {
			want = StatusKnown
		}
		if r.Status != want || r.Err != nil {
			t.Errorf("item %d: %s %v, want %s", n, r.Status, r.Err, want)
		}
	}
	arts, err := st.Articles(ctx, store.ArticleQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) != 5 {
		t.Fatalf("stored %d articles, want 5", len(arts))
	}
	// The rebuilt index still places new coverage: article 0 and 4 share a topic.
	r, err := p.IngestItem(ctx, item(0, "budget"))
	if err != nil || r.Status != StatusKnown {
		t.Fatalf("re-ingest of item 0: %+v %v", r, err)
	}
}

func newPipelineOn(t *testing.T, st store.Store) *Pipeline {
	t.Helper()
	p, err := New(st, Options{}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCorrectionsErrorsChangeNothing(t *testing.T) {
	ctx := context.Background()
	p, st := newPipeline(t)
	r, err := p.IngestItem(ctx, item(1, "budget"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		do   func() error
	}{
		{"merge unknown story", func() error { _, err := p.Merge(ctx, 999, r.Story, "test"); return err }},
		{"merge into unknown story", func() error { _, err := p.Merge(ctx, r.Story, 999, "test"); return err }},
		{"move unknown article", func() error { _, err := p.Move(ctx, 999, r.Story, "test"); return err }},
		{"move to unknown story", func() error { _, err := p.Move(ctx, r.Article, 999, "test"); return err }},
		{"split unknown story", func() error { _, err := p.Split(ctx, 999, []int64{r.Article}, "test"); return err }},
		{"split unknown article", func() error { _, err := p.Split(ctx, r.Story, []int64{999}, "test"); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.do()
			if err == nil || !strings.Contains(err.Error(), "999") {
				t.Fatalf("error = %v, want one naming 999", err)
			}
			a, err := st.Article(ctx, r.Article)
			if err != nil || a.Story == nil || *a.Story != r.Story {
				t.Fatalf("article moved by a failed correction: %+v %v", a, err)
			}
		})
	}
}

// councilReports are seven write-ups of one council meeting by different
// outlets: alike in topic and names, none a copy of another.
var councilReports = []string{
	"The Exampleton town council voted on Tuesday to delay the Harbour Road budget after Mayor Alice Verdun warned that costs had doubled since the spring.",
	"Exampleton councillors put off a decision on the Harbour Road budget, Mayor Alice Verdun said, because contractors now quote twice the spring estimate.",
	"A row over spending on Harbour Road ended with the Exampleton council postponing its budget vote; Alice Verdun, the mayor, blamed rising contractor prices.",
	"Mayor Alice Verdun asked Exampleton's council for more time on the Harbour Road budget, and members agreed on Tuesday to wait until the autumn session.",
	"The Harbour Road budget will wait: Exampleton council members backed Mayor Alice Verdun's call for a delay after costs climbed sharply this year.",
	"Costs for Harbour Road have doubled, Exampleton's mayor Alice Verdun told the town council, which then deferred its budget decision to the autumn.",
	"Exampleton will not settle the Harbour Road budget before autumn: the council sided with Mayor Alice Verdun, who cited contractor costs twice last spring's.",
}

func councilReport(n int, body string) source.Item {
	return textItem(fmt.Sprintf("council:%d", n), source.Hint{ExternalID: fmt.Sprint(n), Outlet: fmt.Sprintf("Outlet %d", n),
		Title: fmt.Sprintf("Exampleton council delays Harbour Road budget (%d)", n)}, body)
}

// ingestCouncil ingests the first n council reports and returns their
// article ids.
func ingestCouncil(t *testing.T, p *Pipeline, n int) []int64 {
	t.Helper()
	var ids []int64
	for i, body := range councilReports[:n] {
		r, err := p.IngestItem(context.Background(), councilReport(i, body))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.Article)
	}
	return ids
}

// TestSplitRespected: articles a person split off a story, with a copy of
// one, stay apart from it as more coverage arrives, and after a restart.
func TestSplitRespected(t *testing.T) {
	ctx := context.Background()
	p, st := newPipeline(t)
	ids := ingestCouncil(t, p, 4)
	// A copy of article 2, which the split takes along.
	cp := councilReport(10, councilReports[2]+" Reporting by the Exampleton Herald.")
	r, err := p.IngestItem(ctx, cp)
	if err != nil {
		t.Fatal(err)
	}
	if a, err := st.Article(ctx, r.Article); err != nil || a.CopyOf == nil || *a.CopyOf != ids[2] {
		t.Fatalf("copy of article %d stored as a copy of %v: %v", ids[2], ptrValue(a.CopyOf), err)
	}
	ids = append(ids, r.Article)
	story := storyOf(t, st, ids[0])
	for _, id := range ids {
		a, err := st.Article(ctx, id)
		if err != nil || *a.Story != story || id != ids[4] && a.CopyOf != nil {
			t.Fatalf("article %d before the split: %+v, %v; want all in story %d, and only the last a copy", id, a, err, story)
		}
	}
	cs, err := p.Split(ctx, story, ids[2:4], "two meetings")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 3 {
		t.Fatalf("split made %d corrections, want 3 (two articles and a copy): %+v", len(cs), cs)
	}
	split := cs[0].Target
	check := func(when string, more ...int64) {
		t.Helper()
		for i, id := range ids {
			want := story
			if i >= 2 {
				want = split
			}
			if got := storyOf(t, st, id); got != want {
				t.Errorf("%s: article %d in story %d, want %d", when, id, got, want)
			}
			// The index, which decides later arrivals, agrees with the store.
			if got := p.cl.StoryOf(id); got != want {
				t.Errorf("%s: the index has article %d in story %d, want %d", when, id, got, want)
			}
		}
		for _, id := range more {
			if got := storyOf(t, st, id); got != story && got != split {
				t.Errorf("%s: new article %d started story %d, want it in %d or %d", when, id, got, story, split)
			}
		}
	}
	r, err = p.IngestItem(ctx, councilReport(4, councilReports[4]))
	if err != nil {
		t.Fatal(err)
	}
	check("after the split", r.Article)

	// A restart rebuilds the index from the store and replays the split.
	p = newPipelineOn(t, st)
	r2, err := p.IngestItem(ctx, councilReport(5, councilReports[5]))
	if err != nil {
		t.Fatal(err)
	}
	check("after a restart", r.Article, r2.Article)

	// Once the story split off is merged into another, a restart must find
	// its articles where the store has them, not in the story the split
	// made, and still keep them apart from the story they left.
	other, err := p.IngestItem(ctx, item(0, "parking"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Merge(ctx, split, other.Story, "one file"); err != nil {
		t.Fatal(err)
	}
	split = other.Story
	p = newPipelineOn(t, st)
	r3, err := p.IngestItem(ctx, councilReport(6, councilReports[6]))
	if err != nil {
		t.Fatal(err)
	}
	check("after a merge and a restart", r.Article, r2.Article, r3.Article)
}

// TestCorrectionRebuildsIndex: a correction the store makes but the index
// cannot (it names an article another process stored) is kept, and the
// index is rebuilt from the store to agree with it.
func TestCorrectionRebuildsIndex(t *testing.T) {
	ctx := context.Background()
	p, st := newPipeline(t)
	ids := ingestCouncil(t, p, 2)
	story := storyOf(t, st, ids[0])
	// Another process on the same database stores a third report.
	r, err := newPipelineOn(t, st).IngestItem(ctx, councilReport(2, councilReports[2]))
	if err != nil || storyOf(t, st, r.Article) != story {
		t.Fatalf("the other process stored %+v, %v; want it in story %d", r, err, story)
	}
	if got := p.cl.StoryOf(r.Article); got != 0 {
		t.Fatalf("this index already knows article %d, in story %d", r.Article, got)
	}
	cs, err := p.Split(ctx, story, []int64{ids[1], r.Article}, "two meetings")
	if err != nil {
		t.Fatalf("split: %v", err)
	}
	for _, id := range append(ids, r.Article) {
		if want, got := storyOf(t, st, id), p.cl.StoryOf(id); got != want {
			t.Errorf("after the split: the index has article %d in story %d, the store in %d", id, got, want)
		}
	}
	if got := storyOf(t, st, r.Article); got != cs[0].Target {
		t.Errorf("article %d in story %d, want the new story %d", r.Article, got, cs[0].Target)
	}
}

func storyOf(t *testing.T, st store.Store, article int64) int64 {
	t.Helper()
	a, err := st.Article(context.Background(), article)
	if err != nil || a.Story == nil {
		t.Fatalf("article %d: %+v, %v", article, a, err)
	}
	return *a.Story
}

// TestConcurrentAskersShareComparison: many readers of one story at once
// all get the same comparison, and it ends up cached.
func TestConcurrentAskersShareComparison(t *testing.T) {
	p, st := newPipeline(t)
	var story int64
	p.Ingest(context.Background(), testutil.Seeds(t), func(r Result) { story = r.Story })
	facts := make([]int, 8)
	var wg sync.WaitGroup
	for i := range facts {
		wg.Go(func() {
			s, err := p.Story(context.Background(), story)
			if err != nil {
				t.Error(err)
				return
			}
			facts[i] = len(s.Facts)
		})
	}
	wg.Wait()
	for i, n := range facts {
		if n == 0 || n != facts[0] {
			t.Fatalf("asker %d got %d facts, asker 0 got %d", i, n, facts[0])
		}
	}
	version, err := st.StoryVersion(context.Background(), story)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Comparison(context.Background(), story, version); err != nil {
		t.Fatalf("comparison not cached: %v", err)
	}
}

// slowFirstSave is the real store, with the save of the batch holding
// article "original" held back until release is closed: the window in
// which a later-decided batch could be stored first.
type slowFirstSave struct {
	store.Store
	deciding chan struct{} // closed when the original's save begins
	release  chan struct{}
}

func (s *slowFirstSave) SaveBatchAt(ctx context.Context, at int64, recs []*store.Record) ([]int64, int64, error) {
	for _, r := range recs {
		if r.Article.ExternalID == "original" {
			close(s.deciding)
			<-s.release
		}
	}
	return s.Store.SaveBatchAt(ctx, at, recs)
}

// TestLaterBatchWaitsItsTurn: a copy decided after its original, while the
// original's batch is still being stored, is stored after it, not refused
// for naming an article the store does not hold yet.
func TestLaterBatchWaitsItsTurn(t *testing.T) {
	_, real := newPipeline(t)
	st := &slowFirstSave{Store: real, deciding: make(chan struct{}), release: make(chan struct{})}
	p := newPipelineOn(t, st)
	text := strings.Repeat("The harbour authority said on Monday that the ferry to the island would run again after three weeks of repairs to both engines. ", 5)
	article := func(id, outlet string) source.Item {
		body := text + "\nReported for " + outlet + "."
		return source.Item{Input: id, Kind: source.KindJSONL, Format: source.FormatText, Body: []byte(body),
			Raw: model.Raw{ContentType: "application/json", Bytes: []byte(body)}, Hint: source.Hint{ExternalID: id, Title: "Ferry runs again", Outlet: outlet, URL: "https://" + id + ".example/ferry"}}
	}
	var original Result
	done := make(chan struct{})
	go func() {
		defer close(done)
		original, _ = p.IngestItem(t.Context(), article("original", "Wire"))
	}()
	<-st.deciding // the original is decided and in the index; its save waits
	copied := make(chan Result)
	go func() {
		r, _ := p.IngestItem(t.Context(), article("copy", "Paper"))
		copied <- r
	}()
	select {
	case r := <-copied:
		t.Fatalf("the copy was stored (%s, %v) before its original", r.Status, r.Err)
	case <-time.After(200 * time.Millisecond):
	}
	close(st.release)
	<-done
	c := <-copied
	if original.Status != StatusNew || c.Status != StatusNew || c.Err != nil {
		t.Fatalf("original %s %v, copy %s %v; want both new", original.Status, original.Err, c.Status, c.Err)
	}
	a, err := real.Article(t.Context(), c.Article)
	if err != nil || a.CopyOf == nil || *a.CopyOf != original.Article {
		t.Fatalf("copy stored as %+v (%v), want a copy of %d", a, err, original.Article)
	}
}

// TestSecondArrivalAcrossBatches: an article arriving again (same URL, an
// updated text) in a later batch is known, whether the first arrival is
// still being stored or was stored after the second's known check. It is
// caught before the store, without a refused batch and a rebuilt index,
// whose decisions would then depend on where batches happened to fall.
func TestSecondArrivalAcrossBatches(t *testing.T) {
	text := "The harbour authority said on Monday that the ferry to the island would run again after three weeks of repairs to both engines. "
	arrival := func(id, extra string) source.Item {
		body := strings.Repeat(text, 4) + extra
		return source.Item{Input: id, Kind: source.KindJSONL, Format: source.FormatText, Body: []byte(body),
			Raw:  model.Raw{ContentType: "application/json", Bytes: []byte(body)},
			Hint: source.Hint{ExternalID: id, Title: "Ferry runs again", URL: "https://port.example/ferry"}}
	}
	first, second := arrival("original", "Updated at noon."), arrival("update", "Updated at six, with the timetable.")
	tests := []struct {
		name string
		run  func(t *testing.T, p *Pipeline, st *slowFirstSave) (Result, Result)
	}{
		{"while the first is being stored", func(t *testing.T, p *Pipeline, st *slowFirstSave) (Result, Result) {
			var r1 Result
			done := make(chan struct{})
			go func() {
				defer close(done)
				r1, _ = p.IngestItem(t.Context(), first)
			}()
			<-st.deciding
			r2 := make(chan Result)
			go func() {
				r, _ := p.IngestItem(t.Context(), second)
				r2 <- r
			}()
			time.Sleep(50 * time.Millisecond) // let the second be decided meanwhile
			close(st.release)
			<-done
			return r1, <-r2
		}},
		{"in the same batch", func(t *testing.T, p *Pipeline, st *slowFirstSave) (Result, Result) {
			close(st.release)
			rs := p.commitBatch(t.Context(), []prepared{p.prepare(t.Context(), first), p.prepare(t.Context(), second)})
			return rs[0], rs[1]
		}},
		{"stored after the second's known check", func(t *testing.T, p *Pipeline, st *slowFirstSave) (Result, Result) {
			close(st.release)
			pr := p.prepare(t.Context(), second) // the store does not hold the first yet
			r1, _ := p.IngestItem(t.Context(), first)
			return r1, p.commitBatch(t.Context(), []prepared{pr})[0]
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, real := newPipeline(t)
			st := &slowFirstSave{Store: real, deciding: make(chan struct{}), release: make(chan struct{})}
			p := newPipelineOn(t, st)
			gen := p.gen
			r1, r2 := tt.run(t, p, st)
			if r1.Status != StatusNew || r2.Status != StatusKnown || r2.Article != r1.Article || r2.Story != r1.Story {
				t.Fatalf("first %+v, second %+v; want the second known as the first", r1, r2)
			}
			if p.gen != gen {
				t.Errorf("the story index was rebuilt %d times: a batch was refused", p.gen-gen)
			}
			if n, err := real.CountArticles(t.Context()); err != nil || n != 1 {
				t.Errorf("%d articles stored (%v), want 1", n, err)
			}
		})
	}
}

// warnings is a slog handler that keeps the messages of warnings and worse.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (w *warnings) Handle(_ context.Context, r slog.Record) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, r.Message)
	return nil
}
func (w *warnings) WithAttrs([]slog.Attr) slog.Handler { return w }
func (w *warnings) WithGroup(string) slog.Handler      { return w }

// TestStoppedCheckWarnsNot checks that the repeated known check of a batch,
// failing because its caller stopped, is no warning, while a failure of a
// running ingest still is one.
func TestStoppedCheckWarnsNot(t *testing.T) {
	_, st := newPipeline(t)
	var w warnings
	p, err := New(st, Options{}, slog.New(&w))
	if err != nil {
		t.Fatal(err)
	}
	p.settled.Add(1) // a batch settled since these articles were checked
	prs := []prepared{{article: &model.Article{URL: "https://example.com/a", ContentHash: "a"}}}

	stopped, cancel := context.WithCancel(context.Background())
	cancel()
	p.storedSince(stopped, prs)
	if len(w.msgs) != 0 {
		t.Errorf("a stopped ingest warned: %q", w.msgs)
	}

	st.Close() // the look-up now fails for a reason of its own
	p.storedSince(context.Background(), prs)
	if len(w.msgs) != 1 {
		t.Errorf("a failed look-up gave warnings %q, want one", w.msgs)
	}
}

func ptrValue(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestComparisonOfAnotherBuild: a comparison cached by another build of
// Parallax, or in the cache's older form, is computed again, as this build
// compares, and cached anew; one cached by this build is served as it is.
func TestComparisonOfAnotherBuild(t *testing.T) {
	ctx := context.Background()
	p, st := newPipeline(t)
	var story int64
	p.Ingest(ctx, testutil.Seeds(t), func(r Result) { story = r.Story })
	version, err := st.StoryVersion(ctx, story)
	if err != nil {
		t.Fatal(err)
	}
	stale := &model.Story{Facts: []model.Fact{{Text: "what another build saw", Kind: "unique"}}}
	for _, tc := range []struct {
		name   string
		cached any
		served bool // the cached comparison is what Story gives
	}{
		{"another build", cachedComparison{Program: "another", Story: stale}, false},
		{"the older form", stale, false},
		{"this build", cachedComparison{Program: comparingProgram(), Story: stale}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := json.Marshal(tc.cached)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.PutComparison(ctx, story, version, data); err != nil {
				t.Fatal(err)
			}
			s, err := p.Story(ctx, story)
			if err != nil {
				t.Fatal(err)
			}
			if served := len(s.Facts) == 1 && s.Facts[0].Text == stale.Facts[0].Text; served != tc.served {
				t.Fatalf("Story served the cached comparison: %v, want %v (%d facts)", served, tc.served, len(s.Facts))
			}
			if tc.served {
				return
			}
			if len(s.Facts) < 20 {
				t.Errorf("recomputed comparison has %d facts, want the seeds' 20 or more", len(s.Facts))
			}
			data, err = st.Comparison(ctx, story, version)
			if err != nil {
				t.Fatal(err)
			}
			var c cachedComparison
			if err := json.Unmarshal(data, &c); err != nil || c.Program != comparingProgram() || c.Story == nil || len(c.Story.Facts) != len(s.Facts) {
				t.Errorf("cache after recomputing: program %q, err %v; want this build's comparison", c.Program, err)
			}
		})
	}
}
