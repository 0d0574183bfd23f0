package cluster

import (
	"cmp"
	"math"
)

// wt is one weighted term or entity, by hashed id.
type wt struct {
	id uint32
	w  float32
}

// vec is a sparse vector sorted by id, so two vectors meet in one pass.
type vec []wt

func byID(a, b wt) int { return cmp.Compare(a.id, b.id) }

// negligible is the weight at or below which an entry is dropped from a
// sum: what is left of a subtraction of what was added.
const negligible = 1e-4

// top keeps, in place, the n heaviest entries of v (sorted by id), in
// the order of v.
func (v vec) top(n int) vec {
	if len(v) <= n {
		return v
	}
	var buf [maxFeatureTerms]uint64
	keys := buf[:0]
	for i, e := range v {
		keys = append(keys, weightKey(e.w, i))
	}
	cut := nth(keys, n-1, cmp.Compare[uint64])
	out := v[:0]
	for i, e := range v {
		if weightKey(e.w, i) <= cut {
			out = append(out, e)
		}
	}
	return out
}

// add returns v + scale*u (both sorted by id), dropping entries that fall
// to nothing (a subtraction of what was added).
func (v vec) add(u vec, scale float32) vec {
	out := make(vec, 0, len(v)+len(u))
	i, j := 0, 0
	for i < len(v) || j < len(u) {
		switch {
		case j == len(u) || i < len(v) && v[i].id < u[j].id:
			out = append(out, v[i])
			i++
		case i == len(v) || u[j].id < v[i].id:
			if w := scale * u[j].w; w > negligible {
				out = append(out, wt{u[j].id, w})
			}
			j++
		default:
			if w := v[i].w + scale*u[j].w; w > negligible {
				out = append(out, wt{v[i].id, w})
			}
			i++
			j++
		}
	}
	return out
}

// dot is the dot product of v and u, each shared entry weighted by
// weight[i] for v[i] (the IDF, or the squared IDF for a raw story
// centroid). visit, when not nil, sees each shared entry's contribution.
func dot(v, u vec, weight []float64, visit func(id uint32, c float64)) float64 {
	var s float64
	for i, j := 0, 0; i < len(v) && j < len(u); {
		switch {
		case v[i].id < u[j].id:
			i++
		case u[j].id < v[i].id:
			j++
		default:
			c := float64(v[i].w) * float64(u[j].w) * weight[i]
			s += c
			if visit != nil {
				visit(v[i].id, c)
			}
			i++
			j++
		}
	}
	return s
}

// weightKey orders entries as one integer: heaviest first, ties by i, the
// index of an entry of a vector sorted by id (so by id, and results do not
// depend on map order). Sorting integers costs a fraction of sorting with
// a comparison function, and sorting was a sixth of an assignment's cost.
func weightKey(w float32, i int) uint64 {
	b := math.Float32bits(w)
	if b>>31 != 0 { // negative: larger magnitude is smaller
		b = ^b
	} else {
		b |= 1 << 31
	}
	return uint64(^b)<<32 | uint64(uint32(i))
}

// nth reorders s around its k-th smallest element by cmp: s[:k] holds no
// greater element and s[k+1:] no smaller; it returns s[k]. It takes time
// linear in len(s), where sorting s would take n log n.
func nth[T any](s []T, k int, cmp func(a, b T) int) T {
	lo, hi := 0, len(s)-1
	for lo < hi {
		p := s[lo+(hi-lo)/2]
		i, j := lo, hi
		for i <= j {
			for cmp(s[i], p) < 0 {
				i++
			}
			for cmp(s[j], p) > 0 {
				j--
			}
			if i <= j {
				s[i], s[j] = s[j], s[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default: // s[j+1:i] all equal the pivot
			return s[k]
		}
	}
	return s[k]
}
