package cluster

// story is the clusterer's view of one story.
type story struct {
	id   int64
	size int
	// lang is the language of the story's first article ("" unknown).
	lang string
	// first and last bound its articles' publication times (Unix seconds;
	// 0 when none is dated).
	first, last int64
	// terms and ents are the sums of the raw vectors of its articles, cut
	// to the configured sizes.
	terms, ents vec
	// nt and ne count the articles summed in terms and ents.
	nt, ne int
	// tnorm and enorm are the IDF-weighted norms of terms and ents, as of
	// their last change: scoring needs them for every candidate, and IDF
	// moves too slowly between a story's updates to matter.
	tnorm, enorm float64
	// cast is who the story is about. A person's move leaves it as it is:
	// moves are rare, bind later decisions anyway, and the cast is
	// rebuilt from the store at the next start.
	cast cast
	// excluded lists articles people moved out: the story must not be
	// merged with a story holding one of them.
	excluded []int64
	// manual: a person merged another story into it, so it is not split.
	manual bool
}

// count adds (sign 1) or removes (-1) an article's vectors from the counts.
func (s *story) count(terms, ents vec, sign int) {
	if len(terms) > 0 {
		s.nt += sign
	}
	if len(ents) > 0 {
		s.ne += sign
	}
}

// widen extends the story's time range to t (0: unknown, no change).
func (s *story) widen(t int64) {
	if t == 0 {
		return
	}
	if s.first == 0 || t < s.first {
		s.first = t
	}
	if t > s.last {
		s.last = t
	}
}

// gap is the distance in seconds from t to the story's time range, or -1
// when either is unknown.
func (s *story) gap(t int64) int64 {
	if t == 0 || s.first == 0 {
		return -1
	}
	return distance(t, t, s.first, s.last)
}

// gapFrom is the distance in seconds from an article to the story's time
// range: from its time (dated, see gap), or from a date its text states
// where that is nearer. A stated date never dates an undated article: it
// may be any background.
func (s *story) gapFrom(f *Features) (gap, dated int64) {
	dated = s.gap(f.When())
	if dated <= 0 {
		return dated, dated
	}
	return nearer(dated, f.Stated, s.first, s.last), dated
}

// nearer lowers gap to the distance from the nearest of spans to the range
// first..last.
func nearer(gap int64, spans []Span, first, last int64) int64 {
	for _, sp := range spans {
		gap = min(gap, distance(sp.From, sp.To, first, last))
	}
	return gap
}

// distance is the distance between the ranges a0..a1 and b0..b1, 0 where
// they overlap.
func distance(a0, a1, b0, b1 int64) int64 { return max(0, b0-a1, a0-b1) }

// rangeGap is the distance in seconds between two stories' time ranges, or
// -1 when either is unknown.
func rangeGap(a, b *story) int64 {
	if a.first == 0 || b.first == 0 {
		return -1
	}
	return distance(a.first, a.last, b.first, b.last)
}

// addVectors adds (scale 1) or removes (scale -1) raw vectors to a story,
// caps its centroid and lists the story, as recently updated, under the
// ids of query (the heaviest of the article added). Listing a story only
// under its articles' heaviest ids, not its whole centroid, keeps posting
// lists short; an article finds its story through the ids it weighs most,
// which are those its story's articles weigh most too.
func (c *Clusterer) addVectors(s *story, terms, ents vec, scale float32, query []uint32) {
	s.terms, s.tnorm = c.centroid(s.terms.add(terms, scale), c.cfg.StoryTerms)
	s.ents, s.enorm = c.centroid(s.ents.add(ents, scale), c.cfg.StoryEntities)
	for _, id := range query {
		c.post(id, s.id)
	}
}

// centroid cuts a story's summed vector to its n heaviest entries, in a
// vector of its own, and returns that with its IDF-weighted norm.
func (c *Clusterer) centroid(sum vec, n int) (vec, float64) {
	var buf [maxFeatureTerms]stat // room for most sums, on the stack
	v := appendStats(buf[:0], sum)
	c.lookup(v)
	kept := heaviest(v, n)
	return appendRaw(make(vec, 0, len(kept)), kept), norm(kept)
}

// post lists story sid under id as the most recent.
func (c *Clusterer) post(id uint32, sid int64) {
	c.postings.add(id, sid, max(1, c.cfg.PostingCap)) // as a snapshot reads it
}

// mergeInto folds story from into story into.
func (c *Clusterer) mergeInto(from, into *story) {
	into.size += from.size
	into.nt += from.nt
	into.ne += from.ne
	into.widen(from.first)
	into.widen(from.last)
	into.excluded = append(into.excluded, from.excluded...)
	into.cast = into.cast.plus(from.cast, 1)
	if into.lang == "" {
		into.lang = from.lang
	}
	// The stories listing from now list into: resolve() maps from to into.
	c.addVectors(into, from.terms, from.ents, 1, nil)
	delete(c.stories, from.id)
	c.alias[from.id] = into.id
	c.recent.merged(from.id, into.id)
}

// forbidden reports whether people's moves forbid merging a and b: an
// article moved out of one of them now lies in the other.
func (c *Clusterer) forbidden(a, b *story) bool {
	for _, pair := range [2][2]*story{{a, b}, {b, a}} {
		for _, art := range pair[0].excluded {
			if x, ok := c.articles.Get(art); ok && c.resolve(x.story) == pair[1].id {
				return true
			}
		}
	}
	return false
}
