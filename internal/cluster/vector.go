package cluster

import (
	"cmp"
	"slices"
)

// wt is one weighted term or entity, by hashed id.
type wt struct {
	id uint32
	w  float32
}

// vec is a sparse vector sorted by id, so two vectors meet in one pass.
type vec []wt

func byID(a, b wt) int { return cmp.Compare(a.id, b.id) }

// byWeight orders heaviest first, ties by id so results do not depend on
// map order.
func byWeight(a, b wt) int { return cmp.Or(cmp.Compare(b.w, a.w), cmp.Compare(a.id, b.id)) }

// top keeps the n heaviest entries of v, sorted by id again.
func (v vec) top(n int) vec {
	if len(v) > n {
		slices.SortFunc(v, byWeight)
		v = v[:n]
	}
	slices.SortFunc(v, byID)
	return v
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
			if w := scale * u[j].w; w > 1e-4 {
				out = append(out, wt{u[j].id, w})
			}
			j++
		default:
			if w := v[i].w + scale*u[j].w; w > 1e-4 {
				out = append(out, wt{v[i].id, w})
			}
			i++
			j++
		}
	}
	return out
}

// dot is the dot product of v and u, each shared entry weighted by
// weight(id) (the squared IDF for a raw story centroid). visit, when not
// nil, sees each shared entry's contribution.
func dot(v, u vec, weight func(uint32) float64, visit func(id uint32, c float64)) float64 {
	var s float64
	for i, j := 0, 0; i < len(v) && j < len(u); {
		switch {
		case v[i].id < u[j].id:
			i++
		case u[j].id < v[i].id:
			j++
		default:
			c := float64(v[i].w) * float64(u[j].w) * weight(v[i].id)
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
