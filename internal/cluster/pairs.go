package cluster

import "slices"

// PairScores scores every pair of articles the way a regrouping compares
// two articles (see pairSim), with the document frequencies of all of
// them: what the similarity itself can tell apart with the whole
// collection in hand, away from the order a stream brings. An empty
// article scores 0 with every other. It is for analysis: its cost grows
// with the square of the number of articles.
func PairScores(cfg Config, feats []*Features) [][]float64 {
	c := New(cfg, nil)
	for _, f := range feats {
		if !f.Empty() {
			c.prepare(f, nil, true).release()
		}
	}
	rs := make([]recent, len(feats))
	for i, f := range feats {
		if f.Empty() {
			continue
		}
		q := c.prepare(f, nil, false)
		rs[i] = recent{wterms: slices.Clone(q.terms), wents: slices.Clone(q.ents), tn: q.tn, en: q.en, cast: q.cast, when: f.When(), stated: f.Stated}
		q.release()
	}
	scores := make([][]float64, len(feats))
	for i := range scores {
		scores[i] = make([]float64, len(feats))
		if rs[i].tn == 0 {
			continue
		}
		for j := range i {
			if rs[j].tn > 0 {
				v := c.pairSim(&rs[i], &rs[j])
				scores[i][j], scores[j][i] = v, v
			}
		}
	}
	return scores
}
