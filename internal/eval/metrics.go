package eval

import "fmt"

// ClusterScores compares a predicted clustering with the gold one. The JSON
// names are the contract of `parallax eval cluster --json`.
type ClusterScores struct {
	Articles int `json:"articles"`
	// B-cubed (Bagga and Baldwin 1998): per-article precision and recall of
	// its predicted cluster against its gold story, averaged over articles.
	B3P  float64 `json:"b3_p"`
	B3R  float64 `json:"b3_r"`
	B3F1 float64 `json:"b3_f1"`
	// Pairwise: over all pairs of articles put together.
	PairP  float64 `json:"pair_p"`
	PairR  float64 `json:"pair_r"`
	PairF1 float64 `json:"pair_f1"`
	// ARI is the adjusted Rand index (Hubert and Arabie 1985).
	ARI         float64 `json:"ari"`
	GoldStories int     `json:"gold_stories"`
	Stories     int     `json:"stories"`
}

// String is the human form printed by `parallax eval cluster`.
func (s ClusterScores) String() string {
	return fmt.Sprintf("articles %d  stories %d (gold %d)\nB-cubed   P %.4f  R %.4f  F1 %.4f\npairwise  P %.4f  R %.4f  F1 %.4f\nARI %.4f",
		s.Articles, s.Stories, s.GoldStories, s.B3P, s.B3R, s.B3F1, s.PairP, s.PairR, s.PairF1, s.ARI)
}

// Score compares predicted labels with gold labels, article by article
// (gold[i] and pred[i] label the same article). Label values only matter
// through equality. Mismatched lengths score the common prefix; callers
// build both slices from one list, so that never happens in practice.
//
// Conventions for the degenerate cases: pairwise precision is 1 when no
// pair is predicted (no false pair was claimed) and recall is 1 when gold
// has no pair; ARI is 1 when both partitions are identical and the index is
// undefined (every article alone, or n < 2).
func Score(gold, pred []string) ClusterScores {
	n := min(len(gold), len(pred))
	if n == 0 {
		return ClusterScores{}
	}
	type cell struct{ g, p string }
	joint := make(map[cell]int)
	goldSize := make(map[string]int)
	predSize := make(map[string]int)
	for i := range n {
		joint[cell{gold[i], pred[i]}]++
		goldSize[gold[i]]++
		predSize[pred[i]]++
	}

	var b3p, b3r float64
	for i := range n {
		// Each article sees the articles of its cell as correct companions
		// (itself included) in a predicted cluster of predSize and a gold
		// story of goldSize. Summed in article order, not map order, so
		// that the same labels give the same figures to the last bit.
		c := cell{gold[i], pred[i]}
		k := float64(joint[c])
		b3p += k / float64(predSize[c.p])
		b3r += k / float64(goldSize[c.g])
	}
	s := ClusterScores{
		Articles:    n,
		B3P:         b3p / float64(n),
		B3R:         b3r / float64(n),
		GoldStories: len(goldSize),
		Stories:     len(predSize),
	}
	s.B3F1 = f1(s.B3P, s.B3R)

	var both, goldPairs, predPairs float64
	for _, k := range joint {
		both += pairs(k)
	}
	for _, k := range goldSize {
		goldPairs += pairs(k)
	}
	for _, k := range predSize {
		predPairs += pairs(k)
	}
	s.PairP, s.PairR = 1, 1
	if predPairs > 0 {
		s.PairP = both / predPairs
	}
	if goldPairs > 0 {
		s.PairR = both / goldPairs
	}
	s.PairF1 = f1(s.PairP, s.PairR)

	all := pairs(n)
	expected := goldPairs * predPairs / all
	maxIndex := (goldPairs + predPairs) / 2
	switch {
	case all > 0 && maxIndex != expected:
		s.ARI = (both - expected) / (maxIndex - expected)
	case both == goldPairs && both == predPairs:
		s.ARI = 1
	}
	return s
}

func pairs(k int) float64 { return float64(k) * float64(k-1) / 2 }

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}
