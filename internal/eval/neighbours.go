package eval

import (
	"cmp"
	"math"
	"slices"
)

// Look-alike events share their topic words: two Paris jewel heists, two
// releases of a browser patch. Between them, one article's similarity to
// another says little, but each article's closest neighbours are the other
// reports of its own event. Counting the neighbours two articles share
// (shared-nearest-neighbour similarity, after Jarvis and Patrick 1973)
// separates such events where a direct comparison cannot. The ceiling
// measures it over a whole file (see Ceiling): in the stream's regrouping,
// over a few stories' recent articles, it split single events told alike
// (see the README). It is written here as no Go library computes it.

// neighbour is one entry of an article's neighbourhood profile.
type neighbour struct {
	member int
	sim    float64
}

// sharedNeighbours returns the symmetric matrix sim with each similarity
// that is above the cosine between the two articles' neighbourhood
// profiles lowered to the geometric mean of the two. A profile holds the
// article itself (1) and its k most similar other articles that score
// above 0, with their similarities. Two reports of one event keep
// their similarity; two articles whose closest neighbours differ lose most
// of theirs, however many words they share.
func sharedNeighbours(sim [][]float64, k int) [][]float64 {
	n := len(sim)
	out := make([][]float64, n)
	for i, row := range sim {
		out[i] = slices.Clone(row)
	}
	if n < 2 || k <= 0 {
		return out
	}
	profiles := make([][]neighbour, n)
	norms := make([]float64, n)
	for i, row := range sim {
		var p []neighbour
		for j, v := range row {
			if j != i && v > 0 {
				p = append(p, neighbour{j, v})
			}
		}
		// Most similar first; of equals, the lower index, so that the
		// result does not depend on how the sort breaks ties.
		slices.SortFunc(p, func(a, b neighbour) int {
			return cmp.Or(cmp.Compare(b.sim, a.sim), cmp.Compare(a.member, b.member))
		})
		p = append(p[:min(len(p), k)], neighbour{i, 1})
		norm := 0.0
		for _, e := range p {
			norm += e.sim * e.sim
		}
		profiles[i], norms[i] = p, math.Sqrt(norm)
	}
	// Dot products through an inverted list: each article holding x in
	// its profile meets every later holder of x once, so the cost is the
	// sum of squared list lengths, not n² profile comparisons. Holders are
	// listed in order, so only dots[i*n+j] with i < j fill.
	holders := make([][]neighbour, n)
	for i, p := range profiles {
		for _, e := range p {
			holders[e.member] = append(holders[e.member], neighbour{i, e.sim})
		}
	}
	dots := make([]float64, n*n)
	for _, h := range holders {
		for a, x := range h {
			for _, y := range h[a+1:] {
				dots[x.member*n+y.member] += x.sim * y.sim
			}
		}
	}
	for i := range n {
		for j := i + 1; j < n; j++ {
			shared := dots[i*n+j] / (norms[i] * norms[j])
			if v := sim[i][j]; shared < v {
				v = math.Sqrt(v * shared)
				out[i][j], out[j][i] = v, v
			}
		}
	}
	return out
}
