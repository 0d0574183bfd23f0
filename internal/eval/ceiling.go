package eval

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/parallax-news/parallax/internal/cluster"
)

// CeilingPoint is the whole-file clustering cut at one threshold.
type CeilingPoint struct {
	// Threshold is the average link two groups need to be joined.
	Threshold float64 `json:"threshold"`
	ClusterScores
	// Shared is the same cut with pair scores lowered where two articles
	// share few of their closest neighbours (see sharedNeighbours).
	Shared ClusterScores `json:"shared_neighbours"`
}

// CeilingNeighbours is how many of its closest articles make an article's
// neighbourhood for Ceiling's shared-neighbour scores, unless told.
const CeilingNeighbours = 6

// CeilingThresholds are the thresholds Ceiling cuts at by default: around
// the clusterer's join threshold, on both sides.
var CeilingThresholds = []float64{0.05, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2, 0.25, 0.3}

// Ceiling clusters all records at once by average-link agglomeration over
// the clusterer's pair scores (cluster.PairScores), then over the same
// scores counting shared neighbours, and scores the stories each makes at
// each threshold, in rising order. For the second, an article's
// neighbourhood is its closest articles, as many as neighbours says. No
// stream can do this: each decision sees every article, in no order. It measures what the similarity can tell
// apart, so that a change to the similarity is judged apart from the
// stream's decisions. Records in a file are a few thousand at most, so the
// simple cubic agglomeration is written here rather than taken from a
// library.
func Ceiling(recs []Labeled, feats []*cluster.Features, cfg cluster.Config, thresholds []float64, neighbours int) []CeilingPoint {
	gold := make([]string, len(recs))
	for i, r := range recs {
		gold[i] = r.Story
	}
	points := make([]CeilingPoint, len(thresholds))
	for i, th := range thresholds {
		points[i].Threshold = th
	}
	slices.SortFunc(points, func(a, b CeilingPoint) int { return cmp.Compare(a.Threshold, b.Threshold) })
	sim := cluster.PairScores(cfg, feats)
	cut(sim, gold, points, func(p *CeilingPoint) *ClusterScores { return &p.ClusterScores })
	cut(sharedNeighbours(sim, neighbours), gold, points, func(p *CeilingPoint) *ClusterScores { return &p.Shared })
	return points
}

// cut agglomerates over sim and scores, into the field of each point that
// field picks, the groups at the point's threshold. Points are in rising
// order of threshold.
func cut(sim [][]float64, gold []string, points []CeilingPoint, field func(*CeilingPoint) *ClusterScores) {
	next := len(points) - 1 // highest first, as the groups grow
	agglomerate(sim, func(best float64, group []int) bool {
		for ; next >= 0 && best < points[next].Threshold; next-- {
			pred := make([]string, len(group))
			for i, g := range group {
				pred[i] = strconv.Itoa(g)
			}
			*field(&points[next]) = Score(gold, pred)
		}
		return next >= 0
	})
}

// agglomerate joins the two groups of highest average link, again and
// again, starting from one group per item. Before each join, and once no
// two groups are left, it calls visit with that link (-1 when none is
// left) and each item's group; agglomeration stops when visit returns
// false.
func agglomerate(sim [][]float64, visit func(best float64, group []int) bool) {
	n := len(sim)
	sum := make([][]float64, n) // sum[i][j]: total link between groups i and j
	for i := range sum {
		sum[i] = slices.Clone(sim[i])
	}
	size := make([]int, n)
	group := make([]int, n)
	for i := range n {
		size[i], group[i] = 1, i
	}
	for {
		bi, bj, best := -1, -1, -1.0
		for i := range n {
			if size[i] == 0 {
				continue
			}
			for j := i + 1; j < n; j++ {
				if size[j] == 0 {
					continue
				}
				if v := sum[i][j] / float64(size[i]*size[j]); v > best {
					bi, bj, best = i, j, v
				}
			}
		}
		if !visit(best, group) || bi < 0 {
			return
		}
		for k := range n {
			sum[bi][k] += sum[bj][k]
			sum[k][bi] = sum[bi][k]
		}
		size[bi] += size[bj]
		size[bj] = 0
		for k, g := range group {
			if g == bj {
				group[k] = bi
			}
		}
	}
}
