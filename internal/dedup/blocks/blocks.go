// Package blocks holds an append-only list, and a table by id, kept in
// fixed-size blocks: growing them never copies what they hold, so hundreds
// of megabytes (a million articles' signatures or vectors) never need room
// for themselves twice, as a slice does while append moves it, or a map
// while it grows.
package blocks

// Len is the number of elements of a block: tens of kilobytes for small
// elements, so the last, partly filled block costs little.
const Len = 1 << 12

// List is an append-only sequence indexed by a uint32. Its zero value is
// empty and ready to use.
type List[T any] struct{ b [][]T }

// Add appends run (at most Len long) within one block and returns the
// index of its first element.
func (l *List[T]) Add(run ...T) uint32 {
	if n := len(l.b); n == 0 || Len-len(l.b[n-1]) < len(run) {
		l.b = append(l.b, make([]T, 0, Len))
	}
	last := &l.b[len(l.b)-1]
	start := uint32((len(l.b)-1)*Len + len(*last))
	*last = append(*last, run...)
	return start
}

// Run returns the n elements added as one run from index start.
func (l *List[T]) Run(start uint32, n int) []T {
	if n == 0 {
		return nil // start may be the end of a full last block
	}
	o := int(start % Len)
	return l.b[start/Len][o : o+n : o+n]
}

// At returns the element at index i.
func (l *List[T]) At(i uint32) *T { return &l.b[i/Len][i%Len] }
