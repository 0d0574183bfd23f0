package cluster

import (
	"slices"
	"testing"
)

func TestPostings(t *testing.T) {
	type post struct {
		id  uint32
		sid int64
	}
	tests := []struct {
		name  string
		limit int
		posts []post
		want  map[uint32][]int64
	}{
		{name: "one story inline", limit: 3, posts: []post{{1, 7}, {1, 7}}, want: map[uint32][]int64{1: {7}, 2: nil}},
		{name: "a second story makes a list", limit: 3, posts: []post{{1, 7}, {1, 9}}, want: map[uint32][]int64{1: {7, 9}}},
		{name: "a repeat moves to the end", limit: 3, posts: []post{{1, 7}, {1, 9}, {1, 7}}, want: map[uint32][]int64{1: {9, 7}}},
		{name: "the oldest leaves beyond the limit", limit: 2, posts: []post{{1, 7}, {1, 9}, {1, 8}}, want: map[uint32][]int64{1: {9, 8}}},
		{name: "a limit of one keeps the latest", limit: 1, posts: []post{{1, 7}, {1, 9}}, want: map[uint32][]int64{1: {9}}},
		{name: "ids apart", limit: 3, posts: []post{{1, 7}, {2, 9}, {1, 8}}, want: map[uint32][]int64{1: {7, 8}, 2: {9}}},
		{name: "story ids too big to inline", limit: 3, posts: []post{{1, listBit}, {2, 1 << 40}, {2, 1 << 40}, {3, -4}}, want: map[uint32][]int64{1: {listBit}, 2: {1 << 40}, 3: {-4}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPostings()
			for _, x := range tc.posts {
				p.add(x.id, x.sid, tc.limit)
			}
			for id, want := range tc.want {
				if got := slices.Collect(p.of(id)); !slices.Equal(got, want) {
					t.Errorf("stories of %d = %v, want %v", id, got, want)
				}
			}
		})
	}
}
