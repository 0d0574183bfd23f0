package blocks

import (
	"iter"
	"maps"
	"math/bits"
	"slices"
)

// denseIDs bounds the ids a Table keeps in blocks: a block's pointer is 8
// bytes per Len ids up to the highest id, so ids past this (not a store's
// row ids) go to a map instead of a slice of a billion pointers.
const denseIDs = 1 << 32

// Table maps int64 ids to values. A store numbers its rows from 1 with few
// gaps, so the ids below denseIDs are kept in blocks of Len values,
// allocated as ids arrive: a million articles cost their values' size and
// a bit each, where a Go map costs about 40 bytes an entry, and twice that
// while it grows. Other ids go to a map. Its zero value is empty and ready
// to use.
type Table[T any] struct {
	b   []*tableBlock[T]
	far map[int64]T
	n   int
}

type tableBlock[T any] struct {
	v   [Len]T
	set [Len / 64]uint64 // which of v hold a value
}

// Len returns the number of ids holding a value.
func (t *Table[T]) Len() int { return t.n }

// Get returns the value of id and whether it has one.
func (t *Table[T]) Get(id int64) (T, bool) {
	if id < 0 || id >= denseIDs {
		v, ok := t.far[id]
		return v, ok
	}
	var zero T
	bi, i := id/Len, id%Len
	if bi >= int64(len(t.b)) || t.b[bi] == nil || t.b[bi].set[i/64]&(1<<(i%64)) == 0 {
		return zero, false
	}
	return t.b[bi].v[i], true
}

// Put sets the value of id.
func (t *Table[T]) Put(id int64, v T) {
	if id < 0 || id >= denseIDs {
		if t.far == nil {
			t.far = make(map[int64]T)
		}
		if _, ok := t.far[id]; !ok {
			t.n++
		}
		t.far[id] = v
		return
	}
	bi, i := id/Len, id%Len
	if more := int(bi) + 1 - len(t.b); more > 0 {
		t.b = append(t.b, make([]*tableBlock[T], more)...)
	}
	blk := t.b[bi]
	if blk == nil {
		blk = new(tableBlock[T])
		t.b[bi] = blk
	}
	if bit := uint64(1) << (i % 64); blk.set[i/64]&bit == 0 {
		blk.set[i/64] |= bit
		t.n++
	}
	blk.v[i] = v
}

// All yields the ids holding a value, in increasing order, with their values.
func (t *Table[T]) All() iter.Seq2[int64, T] {
	return func(yield func(int64, T) bool) {
		// Sorted, so a caller writing a snapshot gets the same bytes for
		// the same table; the negative ids come before the dense ones.
		far := slices.Sorted(maps.Keys(t.far))
		i := 0
		for ; i < len(far) && far[i] < 0; i++ {
			if !yield(far[i], t.far[far[i]]) {
				return
			}
		}
		for bi, blk := range t.b {
			if blk == nil {
				continue
			}
			for w, set := range blk.set {
				for set != 0 {
					j := w*64 + bits.TrailingZeros64(set)
					set &= set - 1
					if !yield(int64(bi)*Len+int64(j), blk.v[j]) {
						return
					}
				}
			}
		}
		for ; i < len(far); i++ {
			if !yield(far[i], t.far[far[i]]) {
				return
			}
		}
	}
}
