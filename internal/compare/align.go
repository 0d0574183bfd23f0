package compare

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
)

// Alignment of sentences across outlets. Sentences are compared on their
// content terms weighted by how rare they are in the story (IDF over the
// story's sentences), after folding variants (a stem that extends another
// by a letter or two: "opposit" and "oppos") and paraphrases (facts.go)
// into one feature. Candidate pairs come from an inverted index of the
// story's rarer features, so that a 50-article story does not compare every
// sentence with every other.

// feature is what the story knows of one feature id.
type feature struct {
	df       int // sentences holding it
	cap, low int // sentences writing it capitalised inside / in lower case
}

// minRootLen and maxSuffix bound variant folding: a stem of at least
// minRootLen letters absorbs the stems that extend it by at most maxSuffix
// letters ("marri" and "marriag"), which Snowball leaves apart; a longer
// gap would join different words ("state" and "statement").
const (
	minRootLen = 5
	maxSuffix  = 2
)

// featureIDs numbers the story's features, fills each independent
// sentence's ids, namedIDs and norm, and returns each feature's weight
// (inverse sentence frequency: a shared "Kupchan" counts, a shared
// "officials" barely does) and document frequency.
func featureIDs(as []*article) (w []float64, df []int) {
	vocab := map[string]int32{}
	var terms []string
	for _, a := range as {
		if a.copyOf >= 0 {
			continue
		}
		for j := range a.sents {
			for _, t := range a.sents[j].terms {
				if _, ok := vocab[t]; !ok {
					vocab[t] = -1
					terms = append(terms, t)
				}
			}
		}
	}
	// A prefix sorts before its extensions, so roots get ids first.
	slices.Sort(terms)
	var feats []feature
	for _, t := range terms {
		id := int32(-1)
		if !isDigits(t) {
			for k := max(minRootLen, len(t)-maxSuffix); k < len(t) && id < 0; k++ {
				if r, ok := vocab[t[:k]]; ok {
					id = r
				}
			}
		}
		if id < 0 {
			id = int32(len(feats))
			feats = append(feats, feature{})
		}
		vocab[t] = id
	}

	n := 0
	for _, a := range as {
		if a.copyOf >= 0 {
			continue
		}
		for j := range a.sents {
			s := &a.sents[j]
			s.ids = s.ids[:0]
			for k, t := range s.terms {
				id := vocab[t]
				if i := slices.Index(s.ids, id); i >= 0 {
					continue // a variant of a term already counted
				}
				s.ids = append(s.ids, id)
				f := &feats[id]
				f.df++
				if s.cased[k]&capMid != 0 {
					f.cap++
				}
				if s.cased[k]&lowCase != 0 {
					f.low++
				}
			}
			slices.Sort(s.ids)
			n++
		}
	}
	w = make([]float64, len(feats))
	df = make([]int, len(feats))
	for i, f := range feats {
		w[i] = math.Log(1 + float64(n)/float64(max(f.df, 1)))
		df[i] = f.df
	}
	for _, a := range as {
		if a.copyOf >= 0 {
			continue
		}
		for j := range a.sents {
			s := &a.sents[j]
			s.namedIDs = s.namedIDs[:0]
			s.norm = 0
			for _, id := range s.ids {
				// A name is what the story mostly writes capitalised: one
				// outlet's headline-case "Strong" does not make "strong" a name.
				if f := feats[id]; f.cap > f.low {
					s.namedIDs = append(s.namedIDs, id)
				}
				s.norm += w[id] * w[id]
			}
			s.norm = math.Sqrt(s.norm)
			clausesOf(s, vocab, w)
		}
	}
	return w, df
}

// clausesOf fills the ids and norms of the clauses of s, when it has
// several; a clause whose words the others hold adds nothing and is left.
func clausesOf(s *sentence, vocab map[string]int32, w []float64) {
	s.clauseIDs, s.clauseNorms = s.clauseIDs[:0], s.clauseNorms[:0]
	if s.clauses < 2 {
		return
	}
	for c := range s.clauses {
		var ids []int32
		norm := 0.0
		for k, t := range s.terms {
			if s.inClause[k]&(1<<c) == 0 {
				continue
			}
			if id := vocab[t]; !slices.Contains(ids, id) {
				ids = append(ids, id)
				norm += w[id] * w[id]
			}
		}
		if len(ids) < minClauseIDs || len(ids) == len(s.ids) {
			continue
		}
		slices.Sort(ids)
		s.clauseIDs = append(s.clauseIDs, ids)
		s.clauseNorms = append(s.clauseNorms, math.Sqrt(norm))
	}
}

// cand is a candidate alignment of two sentences of different outlets,
// by global sentence id (a < b).
type cand struct {
	a, b int
	sim  float64 // weighted cosine
	// cover is the share of the shorter sentence's weight that the other
	// sentence holds: a long sentence that says what a short one says and
	// more covers it.
	cover float64
	// contained marks a pair whose shorter sentence the other covers
	// (coverMin); shortB says the shorter one is b.
	contained, shortB bool
}

// shorter returns the global id of the pair's shorter sentence.
func (c cand) shorter() int {
	if c.shortB {
		return c.b
	}
	return c.a
}

// Linking thresholds.
const (
	// secondChoice scales the threshold for a pair that is not the best
	// match of both its sentences.
	secondChoice = 1.5
	// strongSim links two sentences even when one of them has a better
	// match elsewhere: a near-identical wording in a third place is the
	// same fact.
	strongSim = 0.6
	// minSharedContent is how many features other than names two sentences
	// must share to state one fact: "Zelensky's office would not comment"
	// and "Zelenskyy's visit to Prague" share a name, not a fact.
	minSharedContent = 2
	// coverMin and minCoverShared let a long sentence align with a shorter
	// one it contains (one outlet's long sentence often packs what another
	// says in two): most of the short one's weight, in several features.
	coverMin       = 0.7
	minCoverShared = 3
	// minClauseIDs is the size from which a clause is compared on its own:
	// "which opposes same-sex marriage" is a story's theme, not a fact.
	minClauseIDs = 5
	// minRareDF and rarePerArticle bound the document frequency of the
	// features indexed for candidates: a pair sharing only features found
	// in several sentences of every article shares no fact worth aligning.
	minRareDF      = 24
	rarePerArticle = 3
)

// candidates returns the pairs of sentences of different outlets similar
// enough to state one fact. sents holds the sentences by global id, art
// the article of each.
func candidates(ctx context.Context, as []*article, sents []*sentence, art []int, w []float64, df []int, threshold float64) ([]cand, error) {
	rare := max(minRareDF, rarePerArticle*len(as))
	postings := make([][]int32, len(w))
	for g, s := range sents {
		for _, id := range s.ids {
			if df[id] <= rare {
				postings[id] = append(postings[id], int32(g))
			}
		}
	}
	var out []cand
	seen := make([]int32, len(sents)) // last x that reached y, plus one
	var touched []int32
	for x, sx := range sents {
		if x%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("compare: align: %w", err)
			}
		}
		if len(sx.ids) < 2 {
			continue
		}
		touched = touched[:0]
		for _, id := range sx.ids {
			if df[id] > rare {
				continue
			}
			p := postings[id]
			i, _ := slices.BinarySearch(p, int32(x+1))
			for _, y := range p[i:] {
				if seen[y] != int32(x+1) {
					seen[y] = int32(x + 1)
					touched = append(touched, y)
				}
			}
		}
		for _, y := range touched {
			if as[art[x]].outlet == as[art[y]].outlet {
				continue
			}
			if c, ok := pairOf(sx, sents[y], w, threshold); ok {
				c.a, c.b = x, int(y)
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// pairOf measures two sentences and says whether they may state one fact:
// similar enough, or one containing the other, sharing two features or
// more and, unless nearly identical, minSharedContent features that are
// not names.
func pairOf(x, y *sentence, w []float64, threshold float64) (cand, bool) {
	if len(y.ids) < 2 {
		return cand{}, false
	}
	shared, n := dot(x.ids, y.ids, w)
	if n < 2 {
		return cand{}, false
	}
	c := cand{sim: shared / (x.norm * y.norm), cover: shared / min(x.norm*x.norm, y.norm*y.norm)}
	c.sim = max(c.sim, clauseSim(x, y, w))
	c.shortB = y.norm < x.norm
	c.contained = c.cover >= coverMin && n >= minCoverShared && min(len(x.ids), len(y.ids)) >= minTerms
	if c.sim < threshold && !c.contained {
		return cand{}, false
	}
	if c.sim < strongSim && sharedContent(x, y) < minSharedContent {
		return cand{}, false
	}
	return c, true
}

// clauseSim is the best cosine between a clause of one sentence and the
// other sentence or one of its clauses, sharing minCoverShared features.
func clauseSim(x, y *sentence, w []float64) float64 {
	best := 0.0
	try := func(a []int32, na float64, b []int32, nb float64) {
		if s, n := dot(a, b, w); n >= minCoverShared {
			best = max(best, s/(na*nb))
		}
	}
	for i, cx := range x.clauseIDs {
		try(cx, x.clauseNorms[i], y.ids, y.norm)
		for j, cy := range y.clauseIDs {
			try(cx, x.clauseNorms[i], cy, y.clauseNorms[j])
		}
	}
	for j, cy := range y.clauseIDs {
		try(x.ids, x.norm, cy, y.clauseNorms[j])
	}
	return best
}

// linkAll links candidates one article pair at a time, so that a sentence
// may find its match in each other article. art gives each global sentence
// id its article.
func linkAll(cands []cand, art []int, threshold float64) []link {
	slices.SortFunc(cands, func(x, y cand) int {
		return cmp.Or(cmp.Compare(art[x.a], art[y.a]), cmp.Compare(art[x.b], art[y.b]))
	})
	var links []link
	taken := make([]int32, len(art))
	for i, stamp := 0, int32(1); i < len(cands); stamp++ {
		j := i + 1
		for j < len(cands) && art[cands[j].a] == art[cands[i].a] && art[cands[j].b] == art[cands[i].b] {
			j++
		}
		links = alignPair(links, cands[i:j], threshold, taken, stamp)
		i = j
	}
	return links
}

// alignPair links the candidate pairs of two articles, greedily from the
// most similar pair down, so that one sentence is not aligned with every
// loosely related one: a sentence is linked once, unless the pair is near
// identical (strongSim) or a long sentence contains a short one that has
// no better match. taken is scratch space indexed by global sentence id;
// stamp marks this pair's entries in it.
func alignPair(links []link, cands []cand, threshold float64, taken []int32, stamp int32) []link {
	best := map[int]float64{} // each sentence's best similarity
	for _, c := range cands {
		best[c.a] = max(best[c.a], c.sim)
		best[c.b] = max(best[c.b], c.sim)
	}
	slices.SortFunc(cands, func(x, y cand) int {
		return cmp.Or(cmp.Compare(y.sim, x.sim), cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b))
	})
	for _, c := range cands {
		ta, tb := taken[c.a] == stamp, taken[c.b] == stamp
		ok := false
		switch {
		case c.sim >= strongSim:
			ok = true
		case !ta && !tb && c.sim >= threshold:
			ok = c.sim >= best[c.a] && c.sim >= best[c.b] || c.sim >= secondChoice*threshold
		}
		// The long sentence may already be taken: it may cover several
		// short ones, each of which has no better match here.
		ok = ok || c.contained && taken[c.shorter()] != stamp && c.sim >= best[c.shorter()]
		if !ok {
			continue
		}
		taken[c.a], taken[c.b] = stamp, stamp
		links = append(links, link{c.a, c.b, c.sim})
	}
	return links
}

// sharedContent counts the ids x and y share that are not story names.
func sharedContent(x, y *sentence) int {
	n := 0
	for i, j := 0, 0; i < len(x.ids) && j < len(y.ids); {
		switch {
		case x.ids[i] < y.ids[j]:
			i++
		case x.ids[i] > y.ids[j]:
			j++
		default:
			if _, named := slices.BinarySearch(x.namedIDs, x.ids[i]); !named {
				n++
			}
			i++
			j++
		}
	}
	return n
}

// dot returns the weighted overlap of two sorted id lists and its size.
func dot(x, y []int32, w []float64) (float64, int) {
	var s float64
	n := 0
	for i, j := 0, 0; i < len(x) && j < len(y); {
		switch {
		case x[i] < y[j]:
			i++
		case x[i] > y[j]:
			j++
		default:
			s += w[x[i]] * w[x[i]]
			n++
			i++
			j++
		}
	}
	return s, n
}
