package blocks

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTable puts and gets ids against a map: dense ids from 1, ids in
// blocks far apart, 0, negative ids and ids past the dense range.
func TestTable(t *testing.T) {
	tests := []struct {
		name string
		puts int
		ids  func(r *rand.Rand) int64
	}{
		{"dense from 1", 5000, func(r *rand.Rand) int64 { return 1 + r.Int64N(3*Len) }},
		// Each id in a block of its own: 500 blocks, 17 MB.
		{"sparse", 500, func(r *rand.Rand) int64 { return r.Int64N(denseIDs) }},
		{"around the dense bound", 100, func(r *rand.Rand) int64 { return denseIDs - 3 + r.Int64N(6) }},
		{"any int64", 500, func(r *rand.Rand) int64 { return int64(r.Uint64()) }},
		{"extremes", 100, func(r *rand.Rand) int64 {
			return []int64{0, -1, math.MinInt64, math.MaxInt64, Len - 1, Len}[r.IntN(6)]
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			var tab Table[int64]
			want := map[int64]int64{}
			for n := range tc.puts {
				id := tc.ids(r)
				if _, ok := tab.Get(id); ok != (want[id] != 0) {
					t.Fatalf("Get(%d) before Put: ok = %v, want %v", id, ok, want[id] != 0)
				}
				tab.Put(id, int64(n)+1)
				want[id] = int64(n) + 1
			}
			if tab.Len() != len(want) {
				t.Errorf("Len = %d, want %d", tab.Len(), len(want))
			}
			for id, v := range want {
				if got, ok := tab.Get(id); !ok || got != v {
					t.Errorf("Get(%d) = %d, %v; want %d", id, got, ok, v)
				}
				if _, ok := tab.Get(id + 1); ok && want[id+1] == 0 {
					t.Errorf("Get(%d): a value where none was put", id+1)
				}
			}
		})
	}
}

// TestTableAll checks that All yields every id with its value in increasing
// order, the far ones included, and stops when the loop breaks.
func TestTableAll(t *testing.T) {
	tests := []struct {
		name  string
		ids   []int64 // put in this order, each with value id*3
		stop  int     // break after this many ids; 0 for never
		wantN int     // ids yielded
	}{
		{name: "empty"},
		{name: "ids across blocks", ids: []int64{2*Len + 5, 1, Len - 1, Len, 0, 7*Len + 63, 7*Len + 64}, wantN: 7},
		{name: "far ids, negative ones first", ids: []int64{5, -1, denseIDs, math.MinInt64, math.MaxInt64, -Len, Len + 3}, wantN: 7},
		{name: "early break", ids: []int64{-3, -2, 1, 2, denseIDs + 1}, stop: 3, wantN: 3},
		{name: "break in the far ids", ids: []int64{-3, -2, 1, 2}, stop: 1, wantN: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var tab Table[int64]
			for _, id := range tc.ids {
				tab.Put(id, id*3)
			}
			want := slices.Sorted(slices.Values(tc.ids))[:tc.wantN]
			var got []int64
			for id, v := range tab.All() {
				if v != id*3 {
					t.Errorf("id %d: value %d, want %d", id, v, id*3)
				}
				got = append(got, id)
				if len(got) == tc.stop {
					break
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("All yielded %v, want %v", got, want)
			}
		})
	}
}
