package cluster

import "math/bits"

// tallies adds up, per story, the weights of the ids that list it: the
// first ranking of an article's candidate stories. An article reads some
// 500 postings at 100,000 articles; with a Go map for the sums, hashing,
// clearing and iterating it, and following merges for every posting, were
// half the cost of finding candidates. This open-addressing table is
// reused from article to article and emptied by a new generation, not
// cleared; each story id a posting names is resolved once, on its first
// posting, and its slot then points at the tally of the story it is now,
// so the sums add up in the same order as before.
type tallies struct {
	slots []tallySlot
	shift uint // 64 minus log2(len(slots))
	gen   uint32
	used  int
	// hits holds one tally per story, in the order of first posting.
	hits []hit
}

// tallySlot maps a story id, as listed or as resolved, to its tally.
type tallySlot struct {
	sid int64
	gen uint32 // the slot is empty unless gen is the table's
	at  int32  // index in hits
}

const minTallySlots = 1 << 12

// reset empties the table for the next article.
func (t *tallies) reset() {
	if t.slots == nil {
		t.resize(minTallySlots)
	}
	t.hits, t.used = t.hits[:0], 0
	t.gen++
	if t.gen == 0 { // wrapped: stamps of long ago would look current
		clear(t.slots)
		t.gen = 1
	}
}

// add adds w to the tally of the story sid now is, resolve following the
// merges sid may have gone through.
func (t *tallies) add(sid int64, w float64, resolve func(int64) int64) {
	s := t.slot(sid)
	if s.gen != t.gen {
		at := t.tallyOf(resolve(sid))
		// tallyOf may have grown the table, and has claimed sid's slot
		// when sid is the story it now is.
		if s = t.slot(sid); s.gen != t.gen {
			s = t.claim(sid, at)
		}
	}
	t.hits[s.at].w += w
}

// tallyOf returns the index of story sid's tally, starting one at 0.
func (t *tallies) tallyOf(sid int64) int32 {
	if s := t.slot(sid); s.gen == t.gen {
		return s.at
	}
	at := int32(len(t.hits))
	t.hits = append(t.hits, hit{sid: sid})
	t.claim(sid, at)
	return at
}

// claim points sid's slot at tally at, growing the table first when it is
// half full, and returns the slot.
func (t *tallies) claim(sid int64, at int32) *tallySlot {
	if 2*(t.used+1) > len(t.slots) {
		t.resize(2 * len(t.slots))
	}
	s := t.slot(sid)
	*s = tallySlot{sid: sid, gen: t.gen, at: at}
	t.used++
	return s
}

// slot returns sid's slot, or the empty slot where it would go.
func (t *tallies) slot(sid int64) *tallySlot {
	mask := len(t.slots) - 1
	// Fibonacci hashing spreads the consecutive ids stories get.
	for i := int(uint64(sid) * 0x9e3779b97f4a7c15 >> t.shift); ; i = (i + 1) & mask {
		if s := &t.slots[i]; s.gen != t.gen || s.sid == sid {
			return s
		}
	}
}

// resize moves the current generation's slots into a table of n slots, n
// a power of two.
func (t *tallies) resize(n int) {
	old := t.slots
	t.slots, t.shift = make([]tallySlot, n), uint(64-bits.TrailingZeros(uint(n)))
	for _, s := range old {
		if s.gen == t.gen {
			*t.slot(s.sid) = s
		}
	}
}
