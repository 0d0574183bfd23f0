package dedup

// table maps 32-bit keys (a band's key, a lead paragraph's hash) to the
// position of the first article indexed under each. A Go map of keys to
// positions takes about 13 bytes a key; a table keeps only the position and
// one byte, a tag, per slot (open addressing, linear probing, at most 7/8
// full: 6 to 9 bytes a key), since the key itself is in the article's entry
// and the tag says where to find it. Written here because no map, in the
// standard library or out of it, recovers keys from values.
type table struct {
	pos []uint32 // position+1; 0 marks an empty slot
	tag []uint8
	n   int
}

// keyFunc returns the key a position was added under, given the low bits
// of its tag (what the caller put there to find the key again).
type keyFunc func(p uint32, low uint8) uint32

// tagLowBits of a tag are the caller's; the rest are bits of the key's hash.
const tagLowBits = 2

// The index keeps which lead paragraph a position was added under in the
// tag's low bits.
const _ = uint(1<<tagLowBits - leadParagraphs)

// minTableSize is the number of slots a table starts with.
const minTableSize = 64

// overfull reports whether n keys are too many for size slots: at most 7/8
// full, probes stay short, and there is always an empty slot to end them.
func overfull(n, size int) bool { return 8*n > 7*size }

// tableSize is the number of slots of a table that add filled with n keys:
// it starts at minTableSize and doubles only when a key would overfill it.
func tableSize(n int) int {
	if n == 0 {
		return 0
	}
	s := minTableSize
	for overfull(n, s) {
		s *= 2
	}
	return s
}

func slotHash(key uint32) (uint64, uint8) {
	h := mix(uint64(key))
	return h, uint8(h>>56) &^ (1<<tagLowBits - 1)
}

// get returns the position added under key.
func (t *table) get(key uint32, keyOf keyFunc) (uint32, bool) {
	if len(t.pos) == 0 {
		return 0, false
	}
	h, tag := slotHash(key)
	mask := uint64(len(t.pos) - 1)
	for i := h & mask; t.pos[i] != 0; i = (i + 1) & mask {
		if t.tag[i]&^(1<<tagLowBits-1) == tag && keyOf(t.pos[i]-1, t.tag[i]&(1<<tagLowBits-1)) == key {
			return t.pos[i] - 1, true
		}
	}
	return 0, false
}

// add puts position p under key unless the key has a position already;
// low (below 1<<tagLowBits) is kept in the tag for keyOf.
func (t *table) add(key, p uint32, low uint8, keyOf keyFunc) {
	if _, ok := t.get(key, keyOf); ok {
		return
	}
	if overfull(t.n+1, len(t.pos)) {
		t.grow(keyOf)
	}
	t.put(key, p, low)
	t.n++
}

// put places p in the first empty slot from key's.
func (t *table) put(key, p uint32, low uint8) {
	h, tag := slotHash(key)
	mask := uint64(len(t.pos) - 1)
	i := h & mask
	for t.pos[i] != 0 {
		i = (i + 1) & mask
	}
	t.pos[i], t.tag[i] = p+1, tag|low
}

// grow doubles the slots, placing every position again under its key.
func (t *table) grow(keyOf keyFunc) {
	pos, tag := t.pos, t.tag
	size := max(minTableSize, 2*len(pos))
	t.pos, t.tag = make([]uint32, size), make([]uint8, size)
	for i, p := range pos {
		if p != 0 {
			low := tag[i] & (1<<tagLowBits - 1)
			t.put(keyOf(p-1, low), p-1, low)
		}
	}
}
