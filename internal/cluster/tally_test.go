package cluster

import (
	"maps"
	"math/rand/v2"
	"testing"
)

// TestTallies checks the table against a map holding the same sums, over
// articles that touch few and many stories (growing the table), some of
// them merged into others, and across a wrap of the generation.
func TestTallies(t *testing.T) {
	tests := []struct {
		name     string
		articles int
		stories  int64 // ids drawn from 1..stories
		postings int
		merged   int64 // ids 1..merged resolve to id+stories
		gen      uint32
	}{
		{name: "few stories", articles: 5, stories: 20, postings: 50},
		{name: "more stories than the first table holds", articles: 3, stories: 50_000, postings: 20_000},
		{name: "merged stories add to the story they went into", articles: 5, stories: 300, postings: 2_000, merged: 100},
		{name: "generation wraps", articles: 4, stories: 100, postings: 500, gen: 1<<32 - 2},
		{name: "ids far apart", articles: 3, stories: 1 << 40, postings: 3_000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			resolve := func(sid int64) int64 {
				if sid <= tc.merged {
					return sid + tc.stories
				}
				return sid
			}
			var tl tallies
			tl.gen = tc.gen
			for a := range tc.articles {
				tl.reset()
				want := map[int64]float64{}
				for range tc.postings {
					sid, w := 1+rng.Int64N(tc.stories), rng.Float64()
					tl.add(sid, w, resolve)
					want[resolve(sid)] += w
				}
				got := map[int64]float64{}
				for _, h := range tl.hits {
					if _, twice := got[h.sid]; twice {
						t.Fatalf("article %d: story %d tallied twice", a, h.sid)
					}
					got[h.sid] = h.w
				}
				if !maps.Equal(got, want) {
					t.Fatalf("article %d: %d tallies differ from the %d of a map", a, len(got), len(want))
				}
				claimed := 0
				for _, s := range tl.slots {
					if s.gen == tl.gen {
						claimed++
					}
				}
				if claimed != tl.used {
					t.Fatalf("article %d: %d slots claimed, the table counts %d", a, claimed, tl.used)
				}
			}
		})
	}
}
