package cluster

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestNth checks nth against a sort: the k-th element is in place, and
// the elements before and after it are the smaller and the larger ones.
func TestNth(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 10, 100, 300} {
		for _, distinct := range []int{2, 1000} { // with many ties, and with few
			for range 20 {
				s := make([]int, n)
				for i := range s {
					s[i] = rng.IntN(distinct)
				}
				sorted := slices.Sorted(slices.Values(s))
				k := rng.IntN(n)
				if got := nth(s, k, cmp.Compare[int]); got != sorted[k] || s[k] != sorted[k] {
					t.Fatalf("n %d k %d: nth = %d (s[k] %d), want %d", n, k, got, s[k], sorted[k])
				}
				if slices.Max(s[:k+1]) != s[k] || slices.Min(s[k:]) != s[k] {
					t.Fatalf("n %d k %d: not partitioned around s[k]: %v", n, k, s)
				}
				if !slices.Equal(slices.Sorted(slices.Values(s)), sorted) {
					t.Fatalf("n %d k %d: elements changed", n, k)
				}
			}
		}
	}
}

// byWeight orders heaviest first, ties by id.
func byWeight(a, b wt) int { return cmp.Or(cmp.Compare(b.w, a.w), cmp.Compare(a.id, b.id)) }

// TestWeightKey checks that weight keys order entries of a vector sorted
// by id as byWeight does.
func TestWeightKey(t *testing.T) {
	v := vec{{1, 0.5}, {2, 3}, {3, 0.5}, {4, -1}, {5, 1e-3}, {6, 3}, {7, -2}, {8, 1e9}}
	byKey := slices.Clone(v)
	slices.SortFunc(byKey, func(a, b wt) int {
		return cmp.Compare(weightKey(a.w, int(a.id)-1), weightKey(b.w, int(b.id)-1))
	})
	want := slices.SortedFunc(slices.Values(v), byWeight)
	if !slices.Equal(byKey, want) {
		t.Errorf("by weight key %v, want %v", byKey, want)
	}
}

// TestTop checks that top keeps the heaviest entries, ties by id, in id
// order.
func TestTop(t *testing.T) {
	v := vec{{1, 0.5}, {2, 3}, {3, 0.5}, {4, 2}, {5, 1e-3}, {6, 3}}
	tests := []struct {
		n    int
		want vec
	}{
		{n: 6, want: v},
		{n: 3, want: vec{{2, 3}, {4, 2}, {6, 3}}},
		{n: 4, want: vec{{1, 0.5}, {2, 3}, {4, 2}, {6, 3}}},
		{n: 1, want: vec{{2, 3}}},
	}
	for _, tc := range tests {
		if got := slices.Clone(v).top(tc.n); !slices.Equal(got, tc.want) {
			t.Errorf("top(%d) = %v, want %v", tc.n, got, tc.want)
		}
	}
}
