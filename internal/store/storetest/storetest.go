// Package storetest is the behavioural test suite of store.Store: one set of
// tests that every implementation (SQLite, PostgreSQL) runs, so that they
// behave the same. An implementation's own package keeps only the tests of
// what it alone does (files, locks, migrations, query plans).
//
// The suite assumes what a fresh store gives a single writer: article and
// story ids counted from 1, in the order they are saved.
package storetest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/testutil"
)

// Opener makes the stores the suite tests. New and Reopen are required.
type Opener struct {
	// New opens a fresh, empty store, and closes it when t ends
	// (t.Cleanup). Each test asks for its own. The suite closes one
	// itself only to reopen it (see Reopen): the cleanup must allow that.
	New func(t *testing.T) store.Store
	// Reopen opens another handle on the store s, as another process
	// would: beside s, what one writes the other reads; after s is
	// closed, what s saved is there. It is closed when t ends, like New's.
	Reopen func(t *testing.T, s store.Store) store.Store
	// Page is how many rows the store's ClusterRows and ChangedRows read
	// at a time: the suite stores more than two pages of articles to cross
	// page boundaries. Zero means 1000.
	Page int
	// Snapshot, when not nil, returns as text everything s keeps, as its
	// own tables hold it. The suite compares what the interface reads
	// before and after writes that must change nothing (a refused batch,
	// a refused correction), and this too when it is given; it must leave
	// out what a refused write may consume (a sequence's next value).
	Snapshot func(t *testing.T, s store.Store) string
}

// Run runs every behavioural test of a store.Store against stores made by
// o, one fresh, empty store per test, each test a subtest named after it.
func Run(t *testing.T, o Opener) {
	if o.New == nil || o.Reopen == nil {
		t.Fatal("storetest.Run: the Opener needs New and Reopen")
	}
	if o.Page == 0 {
		o.Page = 1000
	}
	for _, tc := range []struct {
		name string
		test func(*testing.T, Opener)
	}{
		// Saving and reading back.
		{"SaveRoundTrip", testSaveRoundTrip},
		{"SaveWithoutStory", testSaveWithoutStory},
		{"Reopen", testReopen},
		{"NotFound", testNotFound},
		{"Duplicate", testDuplicate},
		{"SaveEntities", testSaveEntities},
		{"SaveBatchStoryAfterMerge", testSaveBatchStoryAfterMerge},
		{"SaveBatchAllOrNothing", testSaveBatchAllOrNothing},
		{"ReserveIDs", testReserveIDs},
		{"KnownMany", testKnownMany},
		{"StoriesOf", testStoriesOf},
		{"ReadWhileWriting", testReadWhileWriting},
		// Listings.
		{"Stories", func(t *testing.T, o Opener) { ListStories(t, o.New(t)) }},
		{"Articles", testArticles},
		{"Outlets", testOutlets},
		{"ClusterRowsPages", testClusterRowsPages},
		{"ComparisonCache", testComparisonCache},
		{"Feeds", testFeeds},
		// Generations and what changed.
		{"Generation", testGeneration},
		{"SaveBatchAt", testSaveBatchAt},
		{"ChangedRows", testChangedRows},
		// Corrections and regrouping.
		{"MergeStories", testMergeStories},
		{"StoryMergedTwice", testStoryMergedTwice},
		{"MoveArticle", testMoveArticle},
		{"SplitStory", testSplitStory},
		{"CorrectionsUnknownChangeNothing", testCorrectionsUnknownChangeNothing},
		{"MergeInSave", testMergeInSave},
		{"RegroupInSave", testRegroupInSave},
		{"RegroupEmptiesStory", testRegroupEmptiesStory},
		// Search.
		{"Search", testSearch},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.test(t, o) })
	}
}

func ptr[T any](v T) *T { return &v }

// Day is noon UTC on day d of July 2023.
func Day(d int) *time.Time {
	t := time.Date(2023, 7, d, 12, 0, 0, 0, time.UTC)
	return &t
}

// Record is a small record for tests: its URL and content hash are unique
// to name, its text is "Body of <name>.", and when story is not 0 it joins
// (or creates, titled after it) that story.
func Record(name, outlet string, story int64, published *time.Time, entities ...string) *store.Record {
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

// MustSave saves recs in one batch and returns their ids, failing t if it
// cannot.
func MustSave(t testing.TB, s store.Store, recs ...*store.Record) []int64 {
	t.Helper()
	ids, err := s.SaveBatch(t.Context(), recs)
	if err != nil {
		t.Fatalf("SaveBatch: %v", err)
	}
	return ids
}

// ClusterRows returns every row s.ClusterRows gives, each with a copy of
// its features, which ClusterRows may reuse once fn returns.
func ClusterRows(t testing.TB, s store.Store) []store.ClusterRow {
	t.Helper()
	var rows []store.ClusterRow
	err := s.ClusterRows(t.Context(), func(r store.ClusterRow) error {
		r.Features = bytes.Clone(r.Features)
		rows = append(rows, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// SearchRecords are three articles for search tests: 1 (NBC, story 1,
// Lavrov in its title), 2 (Fox, story 2, Lavrov, Prague and search
// operators in its text) and 3 (Fox, story 2, accents and 北京).
func SearchRecords() []*store.Record {
	recs := []*store.Record{
		Record("lavrov", "NBC News", 1, Day(1)),
		Record("zelensky", "Fox News", 2, Day(2)),
		Record("prague", "Fox News", 2, Day(3)),
	}
	recs[0].Article.Title = "Lavrov met former US officials"
	recs[0].Article.Text = "Russian Foreign Minister Sergey Lavrov met former officials in New York in April."
	recs[1].Article.Title = "Zelenskyy in Prague"
	recs[1].Article.Text = "Zelenskyy visited Prague; Czech President Petr Pavel said it was AND OR NOT a * test. Lavrov was not there."
	recs[2].Article.Title = "Café society in Praha"
	recs[2].Article.Text = "Crème brûlée with \"quotes\" — naïve résumé, 北京 news."
	return recs
}

// vocabulary returns the words of the seed articles: generated text made of
// real words gives full-text indexes and the page layout realistic work.
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

// BenchStoredEnv sets how many articles the stores' benchmarks hold
// (default 100,000): PARALLAX_BENCH_STORED=1000000 checks reads at the
// design's million-article scale.
const BenchStoredEnv = "PARALLAX_BENCH_STORED"

// BenchStored is how many articles the stores' benchmarks hold.
func BenchStored(b testing.TB) int {
	b.Helper()
	v := os.Getenv(BenchStoredEnv)
	if v == "" {
		return 100_000
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1000 {
		b.Fatalf("%s=%q: want a number of articles, at least 1000", BenchStoredEnv, v)
	}
	return n
}

// Generator makes distinct, reproducible records of about 400 words (a
// typical news article) from the seeds' vocabulary, in stories of about
// five articles over twenty outlets. Record n is in story n/5+1.
type Generator struct {
	// N counts the records made: the next is record N+1. Records are
	// told apart (URL, content hash) by number alone, so setting N makes
	// records that a store holding records 1 to N does not know.
	N     int
	words []string
	rng   *rand.Rand
}

// NewGenerator returns a Generator whose text is drawn from seed.
func NewGenerator(t testing.TB, seed uint64) *Generator {
	return &Generator{words: vocabulary(t), rng: rand.New(rand.NewPCG(seed, 1))}
}

func (g *Generator) sentence(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(g.words[g.rng.IntN(len(g.words))])
	}
	return b.String()
}

// Record returns the next record.
func (g *Generator) Record() *store.Record {
	g.N++
	i := g.N
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
