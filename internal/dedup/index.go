package dedup

import (
	"slices"
	"sync"

	"github.com/parallax-news/parallax/internal/dedup/blocks"
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
//
// Nothing it keeps per article holds a pointer, so the collector does not
// scan it, and it grows by blocks, so growing never copies what it holds.
type Index struct {
	rule Rule

	mu      sync.RWMutex
	entries blocks.List[entry]     // by position
	paras   blocks.List[Paragraph] // the entries' paragraphs
	pos     blocks.Table[uint32]   // article id -> position
	buckets [bands]table           // band key -> first position
	leads   table                  // lead paragraph hash -> first position
}

// entry is what the index keeps of one article.
type entry struct {
	article, original int64 // the article, and the original of its group
	shingles          uint32
	para              uint32 // its first paragraph in paras
	nparas            uint16
	mins              [Slots]uint16
}

// NewIndex returns an empty index applying rule.
func NewIndex(rule Rule) *Index {
	return &Index{rule: rule}
}

// Len returns the number of indexed articles.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.pos.Len()
}

func bandKey(mins *[Slots]uint16, b int) uint32 {
	return uint32(mins[b*rows])<<16 | uint32(mins[b*rows+1])
}

// bandKeyOf returns the keys of band b of indexed articles.
func (x *Index) bandKeyOf(b int) keyFunc {
	return func(p uint32, _ uint8) uint32 { return bandKey(&x.entries.At(p).mins, b) }
}

// leadKey returns the hash of lead paragraph i of the article at p.
func (x *Index) leadKey(p uint32, i uint8) uint32 {
	e := x.entries.At(p)
	return x.paras.Run(e.para, int(e.nparas))[i].Hash
}

// signature returns the entry at position p and its signature.
func (x *Index) signature(p uint32) (*entry, Signature) {
	e := x.entries.At(p)
	return e, Signature{Shingles: e.shingles, Mins: e.mins, Paragraphs: x.paras.Run(e.para, int(e.nparas))}
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
		e, earlier := x.signature(p)
		sim := Compare(&s, &earlier)
		if !x.rule.IsCopy(sim) || (found && sim.Jaccard+sim.Paragraphs <= best.Jaccard+best.Paragraphs) {
			return
		}
		best = Match{Article: e.article, Original: e.original, Similarity: sim}
		found = true
	}
	for b := range bands {
		if p, ok := x.buckets[b].get(bandKey(&s.Mins, b), x.bandKeyOf(b)); ok {
			consider(p)
		}
	}
	for _, para := range s.Paragraphs[:min(len(s.Paragraphs), probeParagraphs)] {
		if p, ok := x.leads.get(para.Hash, x.leadKey); ok {
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
	if _, ok := x.pos.Get(article); ok {
		return
	}
	orig := article
	if copyOf != 0 {
		orig = copyOf
		if p, ok := x.pos.Get(copyOf); ok {
			orig = x.entries.At(p).original
		}
	}
	// Sign keeps at most maxParagraphs; a signature built otherwise is
	// cut, as a block must hold its paragraphs.
	s.Paragraphs = s.Paragraphs[:min(len(s.Paragraphs), maxParagraphs)]
	p := x.append(article, orig, &s)
	for b := range bands {
		x.buckets[b].add(bandKey(&s.Mins, b), p, 0, x.bandKeyOf(b))
	}
	for i, para := range s.Paragraphs[:min(len(s.Paragraphs), leadParagraphs)] {
		x.leads.add(para.Hash, p, uint8(i), x.leadKey)
	}
}

// append stores an article's entry at the next position, and returns the
// position; s has at most maxParagraphs.
func (x *Index) append(article, original int64, s *Signature) uint32 {
	p := x.entries.Add(entry{
		article: article, original: original, shingles: s.Shingles, mins: s.Mins,
		para: x.paras.Add(s.Paragraphs...), nparas: uint16(len(s.Paragraphs)),
	})
	x.pos.Put(article, p)
	return p
}

// tables returns the bands' tables, in order, then the leads'.
func (x *Index) tables() []*table {
	ts := make([]*table, 0, bands+1)
	for b := range x.buckets {
		ts = append(ts, &x.buckets[b])
	}
	return append(ts, &x.leads)
}
