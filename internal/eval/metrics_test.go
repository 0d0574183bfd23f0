package eval

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func TestScore(t *testing.T) {
	gold := []string{"a", "a", "a", "b", "b"}
	tests := []struct {
		name string
		gold []string
		pred []string
		want ClusterScores
	}{
		{
			name: "perfect",
			gold: gold,
			pred: []string{"1", "1", "1", "2", "2"},
			want: ClusterScores{Articles: 5, B3P: 1, B3R: 1, B3F1: 1, PairP: 1, PairR: 1, PairF1: 1, ARI: 1, GoldStories: 2, Stories: 2},
		},
		{
			// B3 P: three articles see 3/5 correct, two see 2/5: 2.6/5.
			// Pairs: 4 gold pairs of 10 predicted. ARI: expected index 4, max 7.
			name: "all in one",
			gold: gold,
			pred: []string{"x", "x", "x", "x", "x"},
			want: ClusterScores{Articles: 5, B3P: 0.52, B3R: 1, B3F1: 2 * 0.52 / 1.52, PairP: 0.4, PairR: 1, PairF1: 0.8 / 1.4, ARI: 0, GoldStories: 2, Stories: 1},
		},
		{
			// B3 R: three articles see 1/3, two see 1/2: 2/5.
			name: "all singletons",
			gold: gold,
			pred: []string{"1", "2", "3", "4", "5"},
			want: ClusterScores{Articles: 5, B3P: 1, B3R: 0.4, B3F1: 0.8 / 1.4, PairP: 1, PairR: 0, PairF1: 0, ARI: 0, GoldStories: 2, Stories: 5},
		},
		{
			// Cells (a,x)=2 (b,x)=1 (b,y)=1. B3 P (4/3+1/3+1)/4, R (2+1/2+1/2)/4.
			// Pairs: 1 right of 3 predicted and 2 gold. ARI: expected 1, max 2.5.
			name: "mixed",
			gold: []string{"a", "a", "b", "b"},
			pred: []string{"x", "x", "x", "y"},
			want: ClusterScores{Articles: 4, B3P: 2.0 / 3, B3R: 0.75, B3F1: 12.0 / 17, PairP: 1.0 / 3, PairR: 0.5, PairF1: 0.4, ARI: 0, GoldStories: 2, Stories: 2},
		},
		{
			// Cells (a,x)=2 (b,y)=1 (c,y)=1: pairs 1 right of 2 predicted, 1 gold.
			// ARI: all 6, expected 1*2/6, max 1.5: (1-1/3)/(1.5-1/3) = 4/7.
			name: "one wrong merge",
			gold: []string{"a", "a", "b", "c"},
			pred: []string{"x", "x", "y", "y"},
			want: ClusterScores{Articles: 4, B3P: 0.75, B3R: 1, B3F1: 1.5 / 1.75, PairP: 0.5, PairR: 1, PairF1: 2.0 / 3, ARI: 4.0 / 7, GoldStories: 3, Stories: 2},
		},
		{
			name: "single article",
			gold: []string{"a"},
			pred: []string{"x"},
			want: ClusterScores{Articles: 1, B3P: 1, B3R: 1, B3F1: 1, PairP: 1, PairR: 1, PairF1: 1, ARI: 1, GoldStories: 1, Stories: 1},
		},
		{
			name: "empty",
			want: ClusterScores{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Score(tc.gold, tc.pred)
			if !closeScores(got, tc.want) {
				t.Errorf("Score(%v, %v)\n got %+v\nwant %+v", tc.gold, tc.pred, got, tc.want)
			}
		})
	}
}

func closeScores(a, b ClusterScores) bool {
	near := func(x, y float64) bool { return math.Abs(x-y) < 1e-9 }
	return a.Articles == b.Articles && a.GoldStories == b.GoldStories && a.Stories == b.Stories &&
		near(a.B3P, b.B3P) && near(a.B3R, b.B3R) && near(a.B3F1, b.B3F1) &&
		near(a.PairP, b.PairP) && near(a.PairR, b.PairR) && near(a.PairF1, b.PairF1) && near(a.ARI, b.ARI)
}

// FuzzScore checks the metrics' properties on arbitrary labelings: every
// figure within its range, a labeling scored against itself is perfect, and
// renaming the predicted labels changes nothing.
// TestScoreRepeats checks that the same labels score the same to the last
// bit, run after run: the figures are compared across builds.
func TestScoreRepeats(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	gold := make([]string, 2000)
	pred := make([]string, len(gold))
	for i := range gold {
		gold[i] = fmt.Sprint("g", r.IntN(300))
		pred[i] = fmt.Sprint("p", r.IntN(350))
	}
	want := Score(gold, pred)
	for range 20 {
		if got := Score(gold, pred); got != want {
			t.Fatalf("Score gave %+v, then %+v", want, got)
		}
	}
}

func FuzzScore(f *testing.F) {
	f.Add("aaabb", "11122")
	f.Add("aabb", "xxxy")
	f.Add("abcabc", "aaaaaa")
	f.Fuzz(func(t *testing.T, g, p string) {
		gold, pred := strings.Split(g, ""), strings.Split(p, "")
		n := min(len(gold), len(pred))
		gold, pred = gold[:n], pred[:n]
		s := Score(gold, pred)
		for _, v := range []float64{s.B3P, s.B3R, s.B3F1, s.PairP, s.PairR, s.PairF1} {
			if v < 0 || v > 1+1e-9 || math.IsNaN(v) {
				t.Fatalf("Score(%q, %q) = %+v: figure out of [0,1]", g, p, s)
			}
		}
		if s.ARI < -1-1e-9 || s.ARI > 1+1e-9 || math.IsNaN(s.ARI) {
			t.Fatalf("Score(%q, %q): ARI %v out of [-1,1]", g, p, s.ARI)
		}
		if n > 0 {
			self := Score(gold, gold)
			if self.B3F1 != 1 || self.PairF1 != 1 || math.Abs(self.ARI-1) > 1e-9 {
				t.Fatalf("Score(%q, itself) = %+v, want perfect", g, self)
			}
		}
		renamed := make([]string, n)
		for i, l := range pred {
			renamed[i] = "r" + l
		}
		if r := Score(gold, renamed); !closeScores(r, s) {
			t.Fatalf("renaming labels changed the scores: %+v vs %+v", r, s)
		}
	})
}

func TestDisagreements(t *testing.T) {
	tests := []struct {
		name       string
		gold, pred []string
		want       Disagreement[int]
	}{
		{
			name: "agree",
			gold: []string{"a", "a", "b"},
			pred: []string{"1", "1", "2"},
			want: Disagreement[int]{},
		},
		{
			name: "a gold story split, the bigger part first",
			gold: []string{"a", "a", "a", "b"},
			pred: []string{"2", "1", "1", "3"},
			want: Disagreement[int]{Split: []Spread[int]{{Label: "a", Parts: []Part[int]{{"1", []int{1, 2}}, {"2", []int{0}}}}}},
		},
		{
			name: "two gold stories in one predicted story, equal parts in order met",
			gold: []string{"b", "a", "c"},
			pred: []string{"1", "1", "2"},
			want: Disagreement[int]{Mixed: []Spread[int]{{Label: "1", Parts: []Part[int]{{"b", []int{0}}, {"a", []int{1}}}}}},
		},
		{
			name: "the most stray articles first",
			gold: []string{"a", "a", "b", "b", "b", "b"},
			pred: []string{"1", "2", "3", "3", "4", "5"},
			want: Disagreement[int]{Split: []Spread[int]{
				{Label: "b", Parts: []Part[int]{{"3", []int{2, 3}}, {"4", []int{4}}, {"5", []int{5}}}},
				{Label: "a", Parts: []Part[int]{{"1", []int{0}}, {"2", []int{1}}}},
			}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Disagreements(tc.gold, tc.pred)
			if !sameSpreads(got.Split, tc.want.Split) || !sameSpreads(got.Mixed, tc.want.Mixed) {
				t.Errorf("Disagreements =\n%+v\nwant\n%+v", got, tc.want)
			}
			// Every article of a spread is in exactly one part.
			for _, s := range append(got.Split, got.Mixed...) {
				seen := map[int]bool{}
				for _, p := range s.Parts {
					for _, i := range p.Articles {
						if seen[i] {
							t.Errorf("article %d twice in spread %s", i, s.Label)
						}
						seen[i] = true
					}
				}
			}
		})
	}
}

// sameSpreads compares spreads, an empty list equal to none.
func sameSpreads(a, b []Spread[int]) bool {
	return len(a) == 0 && len(b) == 0 || reflect.DeepEqual(a, b)
}
