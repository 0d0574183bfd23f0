package dedup

import (
	"math/rand/v2"
	"testing"
)

// TestTable checks a table against a Go map on random keys, many repeated,
// across several growths: the first position added under a key is the one
// found, and keys never added are not found.
func TestTable(t *testing.T) {
	tests := []struct {
		name     string
		adds     int
		keyRange uint32 // keys are drawn below this
	}{
		{name: "empty", adds: 0, keyRange: 10},
		{name: "one key many times", adds: 100, keyRange: 1},
		{name: "few keys", adds: 1000, keyRange: 50},
		{name: "growing", adds: 200_000, keyRange: 150_000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 4))
			// Position p was added under keys[p] with low bits p%4.
			var keys []uint32
			keyOf := func(p uint32, low uint8) uint32 {
				if uint8(p%4) != low {
					t.Fatalf("position %d came back with low bits %d", p, low)
				}
				return keys[p]
			}
			var tb table
			want := map[uint32]uint32{}
			for p := range uint32(tc.adds) {
				k := rng.Uint32N(tc.keyRange)
				keys = append(keys, k)
				tb.add(k, p, uint8(p%4), keyOf)
				if _, ok := want[k]; !ok {
					want[k] = p
				}
			}
			if tb.n != len(want) {
				t.Errorf("table holds %d keys, want %d", tb.n, len(want))
			}
			for k := range tc.keyRange + 100 {
				got, ok := tb.get(k, keyOf)
				w, wok := want[k]
				if ok != wok || got != w {
					t.Fatalf("get(%d) = %d, %v; want %d, %v", k, got, ok, w, wok)
				}
			}
		})
	}
}
