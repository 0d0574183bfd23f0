package eval

import (
	"cmp"
	"math"
	"slices"
	"strconv"

	"github.com/parallax-news/parallax/internal/cluster"
)

// BaselineThreshold is the reference clusterer's one threshold: the value
// the data's README gives for it, tuned on the labeled files.
const BaselineThreshold = 0.2

// Baseline clusters the records as the reference Parallax is held against
// does (a plain TF-IDF single-pass clusterer, see the data's README) and
// scores its stories against the gold ones, so that a file's figures come
// with the reference's, measured in the same run. In publication order,
// each article joins the story whose centroid is closest to its TF-IDF
// vector by cosine, if that is at least threshold, and otherwise starts a
// story. An article's terms are its stems, title and body, without stop
// words, weighed by sublinear term frequency times the IDF over the whole
// file; a centroid is the sum of its articles' unit vectors. No headline
// weight, entities, time, index limits or regrouping: the floor the
// clusterer's modelling has to beat. An article with no terms is a story of
// its own. Written here since the reference is defined by this procedure,
// not by any library's clusterer.
func Baseline(recs []Labeled, feats []*cluster.Features, threshold float64) ClusterScores {
	df := map[string]int{}
	for _, f := range feats {
		for _, t := range f.Terms {
			df[t.Stem]++
		}
	}
	type story struct {
		centroid map[string]float64
		norm2    float64
	}
	var stories []*story
	holding := map[string][]int{} // term -> stories whose centroid has it
	gold := make([]string, len(recs))
	pred := make([]string, len(recs))
	for _, i := range PublicationOrder(recs) {
		gold[i] = recs[i].Story
		v := tfidf(feats[i], df, len(feats))
		dots := map[int]float64{}
		for _, e := range v {
			for _, s := range holding[e.stem] {
				dots[s] += e.w * stories[s].centroid[e.stem]
			}
		}
		best, bestCos := -1, 0.0
		for s, dot := range dots {
			cos := dot / math.Sqrt(stories[s].norm2)
			if cos > bestCos || cos == bestCos && s < best {
				best, bestCos = s, cos
			}
		}
		if len(v) == 0 || best < 0 || bestCos < threshold {
			best = len(stories)
			stories = append(stories, &story{centroid: map[string]float64{}})
		}
		s := stories[best]
		for _, e := range v {
			old, had := s.centroid[e.stem]
			if !had {
				holding[e.stem] = append(holding[e.stem], best)
			}
			s.centroid[e.stem] = old + e.w
			s.norm2 += (old+e.w)*(old+e.w) - old*old
		}
		pred[i] = strconv.Itoa(best)
	}
	return Score(gold, pred)
}

// weighted is one term of a TF-IDF vector.
type weighted struct {
	stem string
	w    float64
}

// tfidf returns an article's unit TF-IDF vector over n articles with
// document frequencies df, sorted by stem so that sums over it come out
// the same on every run.
func tfidf(f *cluster.Features, df map[string]int, n int) []weighted {
	var v []weighted
	var norm2 float64
	for _, t := range f.Terms {
		tf := int(t.Title) + int(t.Body)
		if tf == 0 {
			continue
		}
		if w := (1 + math.Log(float64(tf))) * math.Log(float64(n+1)/float64(df[t.Stem])); w > 0 {
			v = append(v, weighted{t.Stem, w})
			norm2 += w * w
		}
	}
	for i := range v {
		v[i].w /= math.Sqrt(norm2)
	}
	slices.SortFunc(v, func(a, b weighted) int { return cmp.Compare(a.stem, b.stem) })
	return v
}
