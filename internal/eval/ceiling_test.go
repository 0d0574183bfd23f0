package eval

import (
	"slices"
	"testing"
)

func TestAgglomerate(t *testing.T) {
	// Three events: 0-2 link 0.6 among themselves, 3-4 0.4, and 5 alone;
	// the first two link 0.2, everything else 0.05.
	sim := groupSim(func(g, h int) float64 {
		switch {
		case g == h && g == 0:
			return 0.6
		case g == h:
			return 0.4
		case g+h == 1:
			return 0.2
		}
		return 0.05
	}, 3, 2, 1)
	tests := []struct {
		name string
		// stop: agglomeration stops at the first link below it.
		stop float64
		// want: the groups there, each item's group as a label.
		want []int
	}{
		{"before any join", 0.7, []int{0, 1, 2, 3, 4, 5}},
		{"each event", 0.3, []int{0, 0, 0, 1, 1, 2}},
		{"the two linked events", 0.1, []int{0, 0, 0, 0, 0, 1}},
		{"everything", 0.01, []int{0, 0, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int
			last := 1.0
			agglomerate(sim, func(best float64, group []int) bool {
				if best > last {
					t.Errorf("link %.3f after %.3f: joins must come in falling order", best, last)
				}
				last = best
				if best >= tt.stop {
					return true
				}
				got = relabel(group)
				return false
			})
			if !slices.Equal(got, tt.want) {
				t.Errorf("groups %v, want %v", got, tt.want)
			}
		})
	}
}

// relabel numbers groups by first appearance.
func relabel(group []int) []int {
	seen := map[int]int{}
	out := make([]int, len(group))
	for i, g := range group {
		if _, ok := seen[g]; !ok {
			seen[g] = len(seen)
		}
		out[i] = seen[g]
	}
	return out
}
