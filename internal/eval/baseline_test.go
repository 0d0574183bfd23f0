package eval

import (
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/cluster"
	"github.com/parallax-news/parallax/internal/model"
)

// baselineRecords are three reports of a harbour fire, two of a council
// vote on a bridge, and an article with no text, with their features.
func baselineRecords() ([]Labeled, []*cluster.Features) {
	day := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	articles := []struct{ story, title, text string }{
		{"fire", "Fire destroys harbour warehouse", "A fire destroyed a timber warehouse at the harbour overnight. Firefighters fought the blaze for six hours and no one was hurt."},
		{"vote", "Council approves new bridge", "The city council voted to build a new bridge over the river. The bridge will cost forty million and open in three years."},
		{"fire", "Harbour warehouse burns down", "Firefighters spent six hours on a blaze that burned down a harbour warehouse full of timber. Nobody was hurt in the fire."},
		{"vote", "Bridge vote passes council", "Council members approved the river bridge by seven votes to two. Construction of the bridge starts next spring."},
		{"fire", "Timber warehouse fire at harbour", "A timber warehouse at the harbour burned overnight and firefighters needed six hours to put out the blaze."},
		{"empty", "", ""},
	}
	recs := make([]Labeled, len(articles))
	feats := make([]*cluster.Features, len(articles))
	for i, a := range articles {
		published := day.Add(time.Duration(i) * time.Hour)
		recs[i] = Labeled{ID: a.story + string(rune('0'+i)), Story: a.story, Title: a.title, Text: a.text, Published: &published}
		feats[i] = cluster.Extract(&model.Article{Title: a.title, Text: a.text, Published: &published}, nil)
	}
	return recs, feats
}

func TestBaseline(t *testing.T) {
	recs, feats := baselineRecords()
	tests := []struct {
		name      string
		threshold float64
		// stories: how many the reference makes; f1 its B-cubed F1.
		stories int
		f1      float64
	}{
		// The empty article is a story of its own, as its gold label says.
		{"each event one story", BaselineThreshold, 3, 1},
		// All apart: precision 1; recall 1/3 for each fire report, 1/2 for
		// each vote report, 1 for the empty article: 1/2 on average.
		{"nothing reaches a cosine above 1", 1.01, 6, 2 * 0.5 / 1.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Baseline(recs, feats, tt.threshold)
			if got.Articles != len(recs) || got.Stories != tt.stories {
				t.Errorf("%d articles in %d stories, want %d in %d", got.Articles, got.Stories, len(recs), tt.stories)
			}
			if diff := got.B3F1 - tt.f1; diff > 1e-9 || diff < -1e-9 {
				t.Errorf("B-cubed F1 %.4f, want %.4f", got.B3F1, tt.f1)
			}
		})
	}
	if a, b := Baseline(recs, feats, BaselineThreshold), Baseline(recs, feats, BaselineThreshold); a != b {
		t.Errorf("two runs differ: %+v and %+v", a, b)
	}
}
