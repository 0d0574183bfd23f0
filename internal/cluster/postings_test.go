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

// TestPostingsDF checks that document frequencies and stories of one id
// are kept apart.
func TestPostingsDF(t *testing.T) {
	tests := []struct {
		name    string
		docs    []uint32 // ids counted, in turn
		stories []int64  // stories posted under id 1, in turn
		want    map[uint32]uint32
	}{
		{name: "none", want: map[uint32]uint32{1: 0}},
		{name: "counts", docs: []uint32{1, 2, 1, 1}, want: map[uint32]uint32{1: 3, 2: 1, 3: 0}},
		{name: "counts with stories", docs: []uint32{1, 1}, stories: []int64{5, 6, 1 << 40}, want: map[uint32]uint32{1: 2}},
		{name: "stories alone count nothing", stories: []int64{5}, want: map[uint32]uint32{1: 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPostings()
			for i, id := range tc.docs {
				p.countDoc(id)
				if i < len(tc.stories) {
					p.add(1, tc.stories[i], 64)
				}
			}
			for _, sid := range tc.stories[min(len(tc.docs), len(tc.stories)):] {
				p.add(1, sid, 64)
			}
			for id, want := range tc.want {
				if got := p.df(id); got != want {
					t.Errorf("df(%d) = %d, want %d", id, got, want)
				}
			}
			if got := slices.Collect(p.of(1)); !slices.Equal(got, tc.stories) {
				t.Errorf("stories of 1 = %v, want %v", got, tc.stories)
			}
		})
	}
}

// TestPostingCapBelowOne: a cap below one lists one story per id, as a
// snapshot reads it, whatever the story's id (one too big to be kept
// inline starts a list, which a cap of 0 once emptied before adding to).
func TestPostingCapBelowOne(t *testing.T) {
	for _, limit := range []int{0, -1} {
		cfg := DefaultConfig()
		cfg.PostingCap = limit
		c := New(cfg, nil)
		for _, sid := range []int64{listBit + 5, 7, listBit + 9} {
			c.post(42, sid)
			if got := slices.Collect(c.postings.of(42)); !slices.Equal(got, []int64{sid}) {
				t.Errorf("PostingCap %d, story %d posted: id 42 lists %v, want only it", limit, sid, got)
			}
		}
	}
}
