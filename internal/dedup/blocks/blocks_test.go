package blocks

import (
	"slices"
	"testing"
)

func TestBlocks(t *testing.T) {
	tests := []struct {
		name string
		runs []int // lengths of the runs added in turn
	}{
		{name: "one run", runs: []int{3}},
		{name: "runs filling a block exactly, then an empty one", runs: []int{Len - 2, 2, 0, 1}},
		{name: "a run that does not fit starts a block", runs: []int{Len - 2, 3, Len, 0}},
		{name: "many small runs", runs: slices.Repeat([]int{7, 0, 1}, 3000)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b List[int]
			var starts []uint32
			next := 0
			for _, n := range tc.runs {
				run := make([]int, n)
				for i := range run {
					run[i] = next
					next++
				}
				starts = append(starts, b.Add(run...))
			}
			next = 0
			for i, n := range tc.runs {
				got := b.Run(starts[i], n)
				if len(got) != n {
					t.Fatalf("run %d: %d elements, want %d", i, len(got), n)
				}
				for j, v := range got {
					if v != next || *b.At(starts[i] + uint32(j)) != next {
						t.Fatalf("run %d element %d = %d, want %d", i, j, v, next)
					}
					next++
				}
			}
		})
	}
}
