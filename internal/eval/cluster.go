package eval

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/parallax-news/parallax/internal/cluster"
	"github.com/parallax-news/parallax/internal/extract"
	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/text"
)

// ClusterRun is the outcome of clustering a labeled set.
type ClusterRun struct {
	Scores ClusterScores
	// Order lists the records' indices in the order they were clustered.
	Order []int
	// Stories holds each record's predicted story, by record index.
	Stories []int64
	// Decisions holds each record's decision, by record index.
	Decisions []model.Decision
	// Merges lists the stories merged as articles arrived.
	Merges []cluster.Merge
}

// Item turns a labeled record into the input ingestion would make of a
// JSONL line, so the harness cleans text the way ingestion does.
func (r Labeled) Item(path string) source.Item {
	return source.Item{
		Input:  fmt.Sprintf("%s:%d", path, r.Line),
		Kind:   "jsonl",
		Format: source.FormatText,
		Body:   []byte(r.Text),
		Raw:    model.Raw{ContentType: "application/jsonl", Bytes: r.Raw},
		Hint:   source.Hint{ExternalID: r.ID, Outlet: r.Outlet, URL: r.URL, Title: r.Title, Published: r.Published},
	}
}

// PublicationOrder returns the records' indices in publication order. A
// record without a date takes the date of the dated record before it in
// the file, so undated files keep their order and ties stay in file order.
func PublicationOrder(recs []Labeled) []int {
	order := make([]int, len(recs))
	for i := range order {
		order[i] = i
	}
	return sortByPublication(recs, order)
}

// ShuffledOrder is a publication order in which the records of one date
// (all of an undated file) come in a random order drawn from rng: the
// order they arrive in among themselves is not known, and an online
// clusterer's early decisions depend on it.
func ShuffledOrder(recs []Labeled, rng *rand.Rand) []int {
	return sortByPublication(recs, rng.Perm(len(recs)))
}

// sortByPublication sorts order, a permutation of the records' indices,
// stably by the records' publication keys.
func sortByPublication(recs []Labeled, order []int) []int {
	keys := make([]time.Time, len(recs))
	var last time.Time
	for i, r := range recs {
		if r.Published != nil {
			last = *r.Published
		}
		keys[i] = last
	}
	slices.SortStableFunc(order, func(a, b int) int { return keys[a].Compare(keys[b]) })
	return order
}

// OrderSpread is the spread of B-cubed F1 over several arrival orders.
type OrderSpread struct {
	Orders int     `json:"orders"`
	Median float64 `json:"b3_f1_median"`
	Min    float64 `json:"b3_f1_min"`
	Max    float64 `json:"b3_f1_max"`
}

// ScoreOrders clusters prepared records in n shuffled orders (ShuffledOrder,
// seeded 1 to n so that runs repeat) and returns the spread of B-cubed F1.
func ScoreOrders(recs []Labeled, feats []*cluster.Features, cfg cluster.Config, n int) OrderSpread {
	if n <= 0 {
		return OrderSpread{}
	}
	f1 := make([]float64, n)
	for k := range f1 {
		order := ShuffledOrder(recs, rand.New(rand.NewPCG(uint64(k+1), 0)))
		f1[k] = clusterInOrder(recs, feats, order, cfg, nil).Scores.B3F1
	}
	slices.Sort(f1)
	median := f1[n/2]
	if n%2 == 0 {
		median = (f1[n/2-1] + f1[n/2]) / 2
	}
	return OrderSpread{Orders: n, Median: median, Min: f1[0], Max: f1[n-1]}
}

// Prepare turns the records of file path into clusterer features, as
// ingestion would (extraction, cleaning, analysis, fingerprints), by record
// index. A record with no text left after cleaning is an empty article.
func Prepare(ctx context.Context, path string, recs []Labeled) ([]*cluster.Features, error) {
	feats := make([]*cluster.Features, len(recs))
	for i, r := range recs {
		a, err := extract.Article(ctx, r.Item(path), extract.Options{})
		switch {
		case errors.Is(err, extract.ErrNoArticle):
			a = &model.Article{ExternalID: r.ID, Title: r.Title, Published: r.Published}
		case err != nil:
			return nil, fmt.Errorf("prepare %s: %w", path, err)
		}
		feats[i] = cluster.Extract(a, text.Analyze(a.Title, a.Text))
	}
	return feats, nil
}

// ClusterPrepared clusters prepared records in publication order with a
// fresh clusterer, without a store, and scores the result against the gold
// stories.
func ClusterPrepared(recs []Labeled, feats []*cluster.Features, cfg cluster.Config, log *slog.Logger) *ClusterRun {
	return clusterInOrder(recs, feats, PublicationOrder(recs), cfg, log)
}

// clusterInOrder clusters prepared records in the given order, regrouping
// after every article as the pipeline does.
func clusterInOrder(recs []Labeled, feats []*cluster.Features, order []int, cfg cluster.Config, log *slog.Logger) *ClusterRun {
	cl := cluster.New(cfg, log)
	run := &ClusterRun{Order: order, Stories: make([]int64, len(recs)), Decisions: make([]model.Decision, len(recs))}
	var nextStory int64
	newStory := func() (int64, error) { nextStory++; return nextStory, nil }
	// Article n+1 is record order[n].
	for n, i := range order {
		f := feats[i]
		asg := cl.Assign(f)
		sid := asg.Story
		if sid == 0 {
			sid, _ = newStory()
		}
		run.Merges = append(run.Merges, asg.Merges...)
		id := int64(n + 1)
		cl.Commit(id, sid, f, asg)
		asg.Decision.Article, asg.Decision.Story = id, sid
		run.Decisions[i] = asg.Decision
		if hood := asg.Hood(sid); hood != nil {
			changes, _ := cl.Regroup(hood, newStory)
			for _, ch := range changes {
				if ch.Article == 0 {
					run.Merges = append(run.Merges, cluster.Merge{From: ch.From, Into: ch.Story, Decision: ch.Decision})
				}
			}
		}
	}
	gold := make([]string, len(recs))
	pred := make([]string, len(recs))
	for n, i := range order {
		sid := cl.StoryOf(int64(n + 1))
		run.Stories[i] = sid
		gold[i], pred[i] = recs[i].Story, fmt.Sprint(sid)
	}
	run.Scores = Score(gold, pred)
	return run
}

// ClusterFile reads a labeled file, prepares its records and clusters them.
func ClusterFile(ctx context.Context, path string, cfg cluster.Config, log *slog.Logger) (*ClusterRun, error) {
	recs, err := ReadLabeled(path)
	if err != nil {
		return nil, err
	}
	feats, err := Prepare(ctx, path, recs)
	if err != nil {
		return nil, err
	}
	return ClusterPrepared(recs, feats, cfg, log), nil
}
