package eval

import (
	"math"
	"math/rand/v2"
	"testing"
)

// groupSim builds a similarity matrix of groups of the given sizes: two
// articles of groups g and h score score(g, h).
func groupSim(score func(g, h int) float64, sizes ...int) [][]float64 {
	var group []int
	for g, n := range sizes {
		for range n {
			group = append(group, g)
		}
	}
	sim := make([][]float64, len(group))
	for i := range sim {
		sim[i] = make([]float64, len(group))
		for j := range sim[i] {
			if i != j {
				sim[i][j] = score(group[i], group[j])
			}
		}
	}
	return sim
}

// blockSim builds a similarity matrix of groups of the given sizes: within
// a group, articles score in; across groups, across.
func blockSim(in, across float64, sizes ...int) [][]float64 {
	return groupSim(func(g, h int) float64 {
		if g == h {
			return in
		}
		return across
	}, sizes...)
}

// averageLink is the mean similarity between members [0, a) and [a, a+b).
func averageLink(sim [][]float64, a, b int) float64 {
	var sum float64
	for i := range a {
		for j := a; j < a+b; j++ {
			sum += sim[i][j]
		}
	}
	return sum / float64(a*b)
}

func TestSharedNeighbours(t *testing.T) {
	tests := []struct {
		name string
		sim  [][]float64
		// a and b split the members into [0, a) and [a, a+b).
		a, b int
		// The average links after: within the first part at least
		// wantWithin, across at most wantAcross.
		wantWithin, wantAcross float64
	}{
		{
			// Two heists, each told by eight outlets in the same words:
			// each article's six closest are its own event's.
			name: "look-alike events", sim: blockSim(0.5, 0.3, 8, 8), a: 8, b: 8,
			wantWithin: 0.5, wantAcross: 0,
		},
		{
			name: "one event told alike", sim: blockSim(0.4, 0.4, 4, 4), a: 4, b: 4,
			wantWithin: 0.4, wantAcross: 0.4,
		},
		{
			// With fewer articles than neighbours, each holds all the
			// others: the profiles overlap and the link across stays.
			name: "fewer articles than neighbours", sim: blockSim(0.5, 0.3, 2, 2), a: 2, b: 2,
			wantWithin: 0.5, wantAcross: 0.3,
		},
		{
			name: "an article linked to none", sim: blockSim(0.5, 0, 3, 1), a: 3, b: 1,
			wantWithin: 0.5, wantAcross: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := cloneSim(tt.sim)
			got := sharedNeighbours(tt.sim, CeilingNeighbours)
			checkShared(t, before, tt.sim, got)
			if l := averageLink(got, tt.a, tt.b); l > tt.wantAcross+1e-9 {
				t.Errorf("link across %.3f, want at most %.3f", l, tt.wantAcross)
			}
			if l := averageLink(got[:tt.a], 1, tt.a-1); l < tt.wantWithin-1e-9 {
				t.Errorf("link within %.3f, want at least %.3f", l, tt.wantWithin)
			}
		})
	}
}

// FuzzSharedNeighbours checks the result on random matrices: symmetric,
// never above the similarity it replaces, never negative or NaN, and the
// input unchanged.
func FuzzSharedNeighbours(f *testing.F) {
	f.Add(uint64(1), uint8(5), uint8(6))
	f.Add(uint64(7), uint8(40), uint8(1))
	f.Fuzz(func(t *testing.T, seed uint64, n, k uint8) {
		r := rand.New(rand.NewPCG(seed, seed>>1))
		size := int(n%64) + 1
		sim := make([][]float64, size)
		for i := range sim {
			sim[i] = make([]float64, size)
		}
		for i := range size {
			for j := range i {
				// A quarter of the pairs share nothing.
				v := max(0, r.Float64()*1.33-0.33)
				sim[i][j], sim[j][i] = v, v
			}
		}
		before := cloneSim(sim)
		checkShared(t, before, sim, sharedNeighbours(sim, int(k%10)))
	})
}

func checkShared(t *testing.T, before, input, after [][]float64) {
	t.Helper()
	for i := range after {
		for j := range after {
			if input[i][j] != before[i][j] {
				t.Fatalf("input sim[%d][%d] changed from %v to %v", i, j, before[i][j], input[i][j])
			}
			if after[i][j] != after[j][i] {
				t.Fatalf("sim[%d][%d] = %v, sim[%d][%d] = %v", i, j, after[i][j], j, i, after[j][i])
			}
			if v := after[i][j]; v > before[i][j] || v < 0 || math.IsNaN(v) || i == j && v != before[i][j] {
				t.Fatalf("sim[%d][%d] went from %v to %v", i, j, before[i][j], v)
			}
		}
	}
}

func cloneSim(sim [][]float64) [][]float64 {
	out := make([][]float64, len(sim))
	for i, row := range sim {
		out[i] = append([]float64(nil), row...)
	}
	return out
}
