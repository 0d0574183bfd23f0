package dedup

import (
	"slices"
	"sync"
)

const (
	// Two 16-bit rows make a 32-bit band key. With 16 bands (half the
	// slots; all of them serve the estimate), a pair at Jaccard 0.5 becomes
	// a candidate with probability 1-(1-0.5²)^16 = 0.99, one at 0.1 with
	// 0.15; candidates are verified, so those only cost a comparison. A
	// copy diluted below that is found through its paragraphs. More bands
	// would cost 10 bytes an article each.
	rows  = 2
	bands = 16
	// leadParagraphs of each article are indexed by hash, so a copy whose
	// MinHash is diluted is still found through a paragraph it kept: a copy
	// keeps the opening of its original.
	leadParagraphs = 4
	// probeParagraphs bounds the lookups of a new article's paragraphs.
	probeParagraphs = 16
)

// Rule decides when a verified candidate is a copy.
type Rule struct {
	// MinJaccard: a pair at least this similar is a copy whatever its sizes.
	MinJaccard float64
	// MinContainment with MinJaccardContained: the smaller text lies mostly
	// inside the larger (a trimmed copy, or one padded with boilerplate),
	// provided the two still share a fair part of their union.
	MinContainment      float64
	MinJaccardContained float64
	// MinParagraphs: at least this share of the new text's words is in
	// paragraphs the earlier one has word for word.
	MinParagraphs float64
}

// DefaultRule is calibrated on basil-dev and allsides-dev, where outlets
// wrote up each event separately: no same-event pair reaches Jaccard 0.26
// or has a fifth of its words in paragraphs the other has word for word.
// Copies built from those articles with another outlet's boilerplate, an
// advertisement line, a new headline and a trimmed last paragraph, all at
// once, have Jaccard 0.2 and up, and 58% or more of their words in the
// original's paragraphs.
func DefaultRule() Rule {
	return Rule{MinJaccard: 0.5, MinContainment: 0.8, MinJaccardContained: 0.3, MinParagraphs: 0.5}
}

// IsCopy applies the rule to the estimates of Compare.
func (r Rule) IsCopy(s Similarity) bool {
	return s.Jaccard >= r.MinJaccard ||
		(s.Containment >= r.MinContainment && s.Jaccard >= r.MinJaccardContained) ||
		s.Paragraphs >= r.MinParagraphs
}

// Match is an earlier article a new one copies.
type Match struct {
	// Article is the indexed article the signature matched best.
	Article int64
	// Original is the earliest of Article's copy group: what the new
	// article is to be linked to.
	Original int64
	Similarity
}

// Index holds the signatures of stored articles and finds copies among
// them. It is safe for concurrent use. Each LSH bucket keeps only the first
// article that fell into it: the originals come first, and every later
// copy is linked to its original, so one entry per bucket finds the group.
type Index struct {
	rule Rule

	mu       sync.RWMutex
	ids      []int64 // article id by position
	original []int64 // original article id by position
	sigs     []Signature
	pos      map[int64]uint32 // article id -> position
	buckets  [bands]map[uint32]uint32
	paras    map[uint32]uint32 // lead paragraph hash -> first position
}

// NewIndex returns an empty index applying rule.
func NewIndex(rule Rule) *Index {
	x := &Index{rule: rule, pos: make(map[int64]uint32), paras: make(map[uint32]uint32)}
	for i := range x.buckets {
		x.buckets[i] = make(map[uint32]uint32)
	}
	return x
}

// Len returns the number of indexed articles.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.ids)
}

func bandKey(s *Signature, b int) uint32 {
	return uint32(s.Mins[b*rows])<<16 | uint32(s.Mins[b*rows+1])
}

// Find returns the indexed article the signature copies, preferring the
// most similar candidate, and false when it copies none.
func (x *Index) Find(s Signature) (Match, bool) {
	if s.Empty() {
		return Match{}, false
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	var (
		best  Match
		found bool
		seen  = make([]uint32, 0, bands+probeParagraphs)
	)
	consider := func(p uint32) {
		if slices.Contains(seen, p) {
			return
		}
		seen = append(seen, p)
		sim := Compare(&s, &x.sigs[p])
		if !x.rule.IsCopy(sim) || (found && sim.Jaccard+sim.Paragraphs <= best.Jaccard+best.Paragraphs) {
			return
		}
		best = Match{Article: x.ids[p], Original: x.original[p], Similarity: sim}
		found = true
	}
	for b := range bands {
		if p, ok := x.buckets[b][bandKey(&s, b)]; ok {
			consider(p)
		}
	}
	for _, para := range s.Paragraphs[:min(len(s.Paragraphs), probeParagraphs)] {
		if p, ok := x.paras[para.Hash]; ok {
			consider(p)
		}
	}
	return best, found
}

// Add indexes an article's signature; copyOf is the original it was linked
// to, or 0. Adding an article twice, or an empty signature, does nothing.
func (x *Index) Add(article int64, s Signature, copyOf int64) {
	if s.Empty() {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if _, ok := x.pos[article]; ok {
		return
	}
	orig := article
	if copyOf != 0 {
		orig = copyOf
		if p, ok := x.pos[copyOf]; ok {
			orig = x.original[p]
		}
	}
	p := uint32(len(x.ids))
	x.ids = append(x.ids, article)
	x.original = append(x.original, orig)
	x.sigs = append(x.sigs, s)
	x.pos[article] = p
	for b := range bands {
		k := bandKey(&s, b)
		if _, taken := x.buckets[b][k]; !taken {
			x.buckets[b][k] = p
		}
	}
	for _, para := range s.Paragraphs[:min(len(s.Paragraphs), leadParagraphs)] {
		if _, taken := x.paras[para.Hash]; !taken {
			x.paras[para.Hash] = p
		}
	}
}
