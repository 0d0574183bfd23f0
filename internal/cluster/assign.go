package cluster

import (
	"cmp"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/parallax-news/parallax/internal/model"
)

// query is an article prepared for comparison. Queries are recycled:
// nothing may keep a query's slices once it is released.
type query struct {
	f                *Features
	rawTerms, rawEnt vec
	terms, ents      vec // IDF-weighted
	// tidf and eidf are the IDFs of terms and ents, entry by entry, tdf
	// the document frequencies of terms: looked up once, not once per
	// candidate story.
	tidf, eidf []float64
	tdf        []uint32
	tn, en     float64
	cast       cast
	// Buffers for the next article: the whole vectors before the cut and
	// their statistics, and the candidate tallies.
	whole [2]vec
	stats [2][]stat
	tally tallies
}

// queries recycles queries: an assignment allocated about 25 KB an
// article in them, for the collector to reclaim.
var queries = sync.Pool{New: func() any { return new(query) }}

// newQuery returns an empty query for f.
func newQuery(f *Features) *query {
	q := queries.Get().(*query)
	q.f = f
	return q
}

// release recycles q.
func (q *query) release() {
	q.f, q.cast = nil, cast{}
	queries.Put(q)
}

// candidate is a story scored against an article.
type candidate struct {
	s     *story
	score float64
	// shared terms and entities, heaviest first
	terms, ents []uint32
	// conflict: the kinds of participant (people, places, days) over which
	// the article and the story lead with different ones, 0 for none.
	conflict int
	// gap is the distance in time that lowered the score, dated the
	// distance from the article's own date (see story.gapFrom).
	gap, dated int64
}

// prepare makes an article's query from its raw vectors, computed here
// unless given in vecs (Commit reuses Assign's). With count, the article is first
// counted in the document frequencies, as Commit does.
func (c *Clusterer) prepare(f *Features, vecs *articleVectors, count bool) *query {
	q := newQuery(f)
	var terms, ents vec
	if vecs != nil && vecs.f == f {
		terms, ents, q.cast = vecs.terms, vecs.ents, vecs.cast
	} else {
		terms, ents, q.cast = c.rawVectors(f, q.whole[0][:0], q.whole[1][:0])
		q.whole = [2]vec{terms, ents}
	}
	ts, es := appendStats(q.stats[0][:0], terms), appendStats(q.stats[1][:0], ents)
	q.stats = [2][]stat{ts, es}
	if count {
		c.count(ts, es)
	} else {
		c.lookup(ts)
		c.lookup(es)
	}
	c.weigh(q, heaviest(ts, c.cfg.ArticleTerms), heaviest(es, c.cfg.ArticleEntities))
	return q
}

// articleVectors are an article's raw vectors and cast as Assign computed
// them, handed to Commit in the Assignment: hashing and weighing every
// term again cost about a tenth of the clusterer's time.
type articleVectors struct {
	f           *Features
	terms, ents vec
	cast        cast
}

// rawVectors returns raw's vectors, appended to terms and ents, and the
// article's cast: all that an article's query takes of its features
// without reading the index.
func (c *Clusterer) rawVectors(f *Features, terms, ents vec) (vec, vec, cast) {
	terms, ents = c.raw(f, terms, ents)
	var k cast
	if len(f.Entities) > 0 {
		k = castOf(f)
	}
	return terms, ents, k
}

// vectorsOf copies q's raw vectors out of the recycled query.
func vectorsOf(q *query) *articleVectors {
	return &articleVectors{f: q.f, terms: slices.Clone(q.whole[0]), ents: slices.Clone(q.whole[1]), cast: q.cast}
}

// count counts one more article holding the ids of ts and es, its whole
// raw vectors, and sets their statistics after counting it.
func (c *Clusterer) count(ts, es []stat) {
	for i := range ts {
		ts[i].df = c.postings.countDoc(ts[i].id)
	}
	for i := range es {
		// An entity hashing like one of the article's terms is one id,
		// held once.
		if j, found := slices.BinarySearchFunc(ts, es[i], byStatID); found {
			es[i].df = ts[j].df
		} else {
			es[i].df = c.postings.countDoc(es[i].id)
		}
	}
	c.docs++
	for _, v := range [2][]stat{ts, es} {
		for i := range v {
			v[i].idf = c.idfOf(v[i].df)
		}
	}
}

// weigh sets the query's vectors to the (cut) entries ts and es.
func (c *Clusterer) weigh(q *query, ts, es []stat) {
	q.rawTerms, q.rawEnt = appendRaw(q.rawTerms[:0], ts), appendRaw(q.rawEnt[:0], es)
	q.terms, q.tn = appendWeighted(q.terms[:0], ts), norm(ts)
	q.ents, q.en = appendWeighted(q.ents[:0], es), norm(es)
	q.tidf, q.tdf, q.eidf = q.tidf[:0], q.tdf[:0], q.eidf[:0]
	for _, e := range ts {
		q.tidf, q.tdf = append(q.tidf, e.idf), append(q.tdf, e.df)
	}
	for _, e := range es {
		q.eidf = append(q.eidf, e.idf)
	}
}

// lookupIDs returns the ids an article looks candidate stories up with:
// its heaviest terms that are not too common, and all its entities.
func (c *Clusterer) lookupIDs(q *query) []uint32 {
	var buf [maxFeatureTerms]uint64
	keys := buf[:0]
	for i, e := range q.terms {
		keys = append(keys, weightKey(e.w, i))
	}
	slices.Sort(keys)
	ids := make([]uint32, 0, c.cfg.QueryTerms+len(q.ents))
	common := c.docs >= c.cfg.CommonAfter
	for _, k := range keys {
		if len(ids) == c.cfg.QueryTerms {
			break
		}
		i := int(uint32(k))
		if common && float64(q.tdf[i]) > c.cfg.CommonShare*float64(c.docs) {
			continue
		}
		ids = append(ids, q.terms[i].id)
	}
	for _, e := range q.ents {
		ids = append(ids, e.id)
	}
	return ids
}

// weight returns the weight of id in the query, an entity's when an entity
// and a term hash alike.
func (q *query) weight(id uint32) float32 {
	for _, v := range [2]vec{q.ents, q.terms} {
		if i, found := slices.BinarySearchFunc(v, wt{id: id}, byID); found {
			return v[i].w
		}
	}
	return 0
}

// hit is a story's tally of the weights of the ids listing it.
type hit struct {
	sid int64
	w   float64
}

// candidates scores the stories found through the inverted index, best
// first. Stories in another language than the article are never
// candidates: their stems would match only by accident.
func (c *Clusterer) candidates(q *query) []candidate {
	t := &q.tally
	t.reset()
	visited := 0
	for _, id := range c.lookupIDs(q) {
		w := float64(q.weight(id))
		for sid := range c.postings.of(id) {
			t.add(sid, w, c.resolve)
			visited++
		}
	}
	// Rank the tallies and take the best of the stories that may be
	// candidates. A lookup can touch thousands of stories, so the best are
	// selected without sorting every hit, and only they are looked up: each
	// look-up of a story is likely a cache miss. Ranking reorders the
	// tallies, which the table no longer needs.
	ranked := t.hits
	better := func(a, b hit) int {
		// Plain comparisons, not cmp.Compare: tallies are never NaN, and
		// this runs thousands of times an article.
		switch {
		case a.w > b.w:
			return -1
		case a.w < b.w:
			return 1
		}
		return cmp.Compare(a.sid, b.sid)
	}
	lang := c.langs[q.f.Language] // interned: equal languages compare without reading bytes
	out := make([]candidate, 0, c.cfg.Candidates)
	for rest := ranked; len(out) < c.cfg.Candidates && len(rest) > 0; {
		// The next best, as many as candidates are missing.
		k := min(c.cfg.Candidates-len(out), len(rest))
		if k < len(rest) {
			nth(rest, k-1, better)
		}
		for _, h := range rest[:k] {
			s, ok := c.stories[h.sid]
			if !ok || s.size == 0 || q.f.Language != "" && s.lang != "" && s.lang != lang {
				continue
			}
			out = append(out, candidate{s: s})
		}
		rest = rest[k:]
	}
	// Scored once all are found, so that their look-ups, each likely a
	// cache miss, overlap.
	for i := range out {
		out[i] = c.score(q, out[i].s, false)
	}
	c.work.add(visited, len(ranked), len(out))
	slices.SortFunc(out, func(a, b candidate) int { return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.s.id, b.s.id)) })
	return out
}

// score compares an article with a story: the similarity of their weighted
// terms and, when both name entities, of their entities, combined; then
// lowered by at most TimeWeight for distance in time. With explain, the
// shared terms and entities that weigh most are kept too.
func (c *Clusterer) score(q *query, s *story, explain bool) candidate {
	cd := candidate{s: s}
	type contrib struct {
		id uint32
		c  float64
	}
	var ts, es []contrib
	var visitT, visitE func(uint32, float64)
	if explain {
		visitT = func(id uint32, v float64) { ts = append(ts, contrib{id, v}) }
		visitE = func(id uint32, v float64) { es = append(es, contrib{id, v}) }
	}
	var cosT, cosE float64
	// The story's summed vector is divided by the geometric mean of its
	// article count (average link) and its own norm (centroid cosine).
	// Average link alone holds a big story to the same bar as a pair, so a
	// story whose articles vary splits; the centroid cosine alone lets a
	// big coherent story draw in anything on its topic. Measured on the
	// labeled sets, the mean of the two beat either.
	tn, en := linkNorm(s.tnorm, s.nt), linkNorm(s.enorm, s.ne)
	if q.tn > 0 && tn > 0 {
		cosT = dot(q.terms, s.terms, q.tidf, visitT) / (q.tn * tn)
	}
	if q.en > 0 && en > 0 {
		cosE = dot(q.ents, s.ents, q.eidf, visitE) / (q.en * en)
	}
	cd.conflict = conflict(q.cast, s.cast)
	cd.gap, cd.dated = s.gapFrom(q.f)
	cd.score = c.combine(cosT, cosE, q.en > 0 && en > 0, cd.gap, cd.conflict != 0)
	for _, list := range [2]*[]contrib{&ts, &es} {
		slices.SortFunc(*list, func(a, b contrib) int { return cmp.Compare(b.c, a.c) })
	}
	for _, x := range ts[:min(len(ts), 6)] {
		cd.terms = append(cd.terms, x.id)
	}
	for _, x := range es[:min(len(es), 6)] {
		cd.ents = append(cd.ents, x.id)
	}
	return cd
}

// combine mixes term and entity similarity and applies the time signal
// (gap in seconds, -1 unknown) and the conflict of participants.
func (c *Clusterer) combine(cosT, cosE float64, withEntities bool, gap int64, conflicted bool) float64 {
	s := cosT
	if withEntities {
		s = (cosT + c.cfg.EntityWeight*cosE) / (1 + c.cfg.EntityWeight)
	}
	s *= 1 - c.timeCut(gap)
	if conflicted {
		s *= 1 - c.cfg.ConflictPenalty
	}
	return s
}

// timeCut is the share of a score taken away for a distance in time of
// gap seconds (-1 unknown).
func (c *Clusterer) timeCut(gap int64) float64 {
	if gap <= 0 || c.cfg.TimeScale <= 0 {
		return 0
	}
	return c.cfg.TimeWeight * (1 - math.Exp(-float64(gap)/c.cfg.TimeScale.Seconds()))
}

// storySim is the average-link similarity of two stories, a grown by the
// article of q.
func (c *Clusterer) storySim(a *story, q *query, b *story) float64 {
	// The article enters as a unit vector, as Commit will add it.
	at, ae := a.terms, a.ents
	if q.tn > 0 {
		at = at.add(q.rawTerms, float32(1/q.tn))
	}
	if q.en > 0 {
		ae = ae.add(q.rawEnt, float32(1/q.en))
	}
	nt, ne := float64(a.nt+min(len(q.rawTerms), 1)), float64(a.ne+min(len(q.rawEnt), 1))
	var cosT, cosE float64
	if nt > 0 && b.nt > 0 {
		cosT = dot(at, b.terms, c.idf2s(at), nil) / (nt * float64(b.nt))
	}
	both := ne > 0 && b.ne > 0
	if both {
		cosE = dot(ae, b.ents, c.idf2s(ae), nil) / (ne * float64(b.ne))
	}
	grown := story{first: a.first, last: a.last}
	grown.widen(q.f.When())
	return c.combine(cosT, cosE, both, rangeGap(&grown, b), conflict(a.cast.plus(q.cast, 1), b.cast) != 0)
}

// Assign decides where an article goes without changing anything: a copy
// joins its original's story, otherwise the best story scoring at least
// JoinThreshold, otherwise a new story (Story 0).
func (c *Clusterer) Assign(f *Features) Assignment {
	c.mu.RLock()
	defer c.mu.RUnlock()
	now := time.Now().UTC()

	if m, ok := c.copies.Find(f.Signature); ok {
		if art, known := c.articles.Get(m.Original); known {
			sid := c.resolve(art.story)
			return Assignment{CopyOf: m.Original, Story: sid, Decision: model.Decision{
				Kind: model.DecisionCopy, Story: sid, Score: m.Jaccard, Compared: m.Original, At: now,
				Reason: fmt.Sprintf("copy of article %d: Jaccard %.2f, containment %.2f, %.0f%% of its words in paragraphs the original has word for word",
					m.Original, m.Jaccard, m.Containment, 100*m.Paragraphs),
			}}
		}
	}
	if f.Empty() {
		return Assignment{Decision: model.Decision{Kind: model.DecisionEmpty, At: now,
			Reason: fmt.Sprintf("%d distinct words in its body, fewer than %d to cluster on: a story of its own, joining nothing", f.BodyTerms(), minBodyTerms)}}
	}

	q := c.prepare(f, nil, false)
	defer q.release()
	cands := c.candidates(q)
	if len(cands) > 0 {
		cands[0] = c.score(q, cands[0].s, true)
	}
	if len(cands) == 0 || cands[0].score < c.cfg.JoinThreshold {
		d := model.Decision{Kind: model.DecisionNew, At: now, Reason: "no candidate story shares its rare terms or entities: a new story"}
		if len(cands) > 0 {
			best := cands[0]
			d.Score, d.Compared = best.score, best.s.id
			d.Terms, d.Entities = c.names(f, best.terms), c.names(f, best.ents)
			d.Reason = fmt.Sprintf("closest story %d scored %.3f, below %.3f%s: a new story", best.s.id, best.score, c.cfg.JoinThreshold, c.notes(best))
		}
		return Assignment{Decision: d, vectors: vectorsOf(q)}
	}

	best := cands[0]
	asg := Assignment{Story: best.s.id, Near: c.near(cands, best.s), vectors: vectorsOf(q), Decision: model.Decision{
		Kind: model.DecisionJoin, Story: best.s.id, Score: best.score, Compared: best.s.id, At: now,
		Terms: c.names(f, best.terms), Entities: c.names(f, best.ents),
	}}
	asg.Decision.Reason = fmt.Sprintf("joined story %d: score %.3f >= %.3f%s%s", best.s.id, best.score, c.cfg.JoinThreshold, c.notes(best), because(asg.Decision))

	// Stories the article also matches well and whose centroids, with the
	// article, come close are one story: merge them into the biggest.
	group := []candidate{best}
	for _, o := range cands[1:] {
		if o.score < c.cfg.MergeThreshold {
			break
		}
		if c.forbidden(best.s, o.s) {
			continue
		}
		if sim := c.storySim(best.s, q, o.s); sim >= c.cfg.MergeThreshold {
			o.score = sim
			group = append(group, o)
		}
	}
	if len(group) > 1 {
		into := slices.MaxFunc(group, func(a, b candidate) int {
			return cmp.Or(cmp.Compare(a.s.size, b.s.size), cmp.Compare(b.s.id, a.s.id))
		})
		for _, g := range group {
			if g.s == into.s {
				continue
			}
			asg.Merges = append(asg.Merges, Merge{From: g.s.id, Into: into.s.id, Decision: model.Decision{
				Kind: model.DecisionMerge, Story: into.s.id, Compared: g.s.id, Score: g.score, At: now,
				Reason: fmt.Sprintf("story %d merged into story %d: the new article matches both (%.3f, %.3f)", g.s.id, into.s.id, best.score, g.score),
			}})
		}
		asg.Story = into.s.id
		asg.Decision.Story = into.s.id
	}
	return asg
}

// notes says what lowered a candidate's score, or what did not though it
// might have: distance in time, and participants in conflict.
func (c *Clusterer) notes(cd candidate) string {
	var parts []string
	if t := c.timeNote(cd); t != "" {
		parts = append(parts, t)
	}
	if cd.conflict != 0 {
		parts = append(parts, fmt.Sprintf("lowered by %.0f%%: the leads name different %s", 100*c.cfg.ConflictPenalty, kindNames(cd.conflict)))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

// timeNote says how far in time the article is from the story, where that
// counted: when it lowered the score, and when a date the text states
// brought a later or earlier article near.
func (c *Clusterer) timeNote(cd candidate) string {
	switch cut := c.timeCut(cd.gap); {
	case cd.dated <= 0:
		return ""
	case cd.gap < cd.dated && cut < 0.005:
		return fmt.Sprintf("dated %s from the story, but its text states a date within it", span(cd.dated))
	case cd.gap < cd.dated:
		return fmt.Sprintf("lowered by %.0f%%: dated %s from the story, %s by a date its text states", 100*cut, span(cd.dated), span(cd.gap))
	case cut >= 0.005:
		return fmt.Sprintf("lowered by %.0f%%: %s from the story", 100*cut, span(cd.gap))
	}
	return ""
}

// span renders a distance in time in seconds in the largest unit it holds
// enough of: "36 hours" before "2 days", "45 days" before "2 months".
func span(sec int64) string {
	n, unit := float64(sec)/60, "minute"
	for _, u := range []struct {
		name       string
		secs, from float64
	}{{"hour", 3600, 3600}, {"day", 86400, 2 * 86400}, {"month", 30.44 * 86400, 61 * 86400}} {
		if float64(sec) >= u.from {
			n, unit = float64(sec)/u.secs, u.name
		}
	}
	if n = math.Round(n); n != 1 {
		unit += "s"
	}
	return fmt.Sprintf("%.0f %s", n, unit)
}

// because renders the shared entities and terms of a decision.
func because(d model.Decision) string {
	var parts []string
	if len(d.Entities) > 0 {
		parts = append(parts, "shares "+strings.Join(d.Entities, ", "))
	}
	if len(d.Terms) > 0 {
		parts = append(parts, "terms "+strings.Join(d.Terms, ", "))
	}
	if len(parts) == 0 {
		return ""
	}
	return "; " + strings.Join(parts, "; ")
}

// names maps ids back to the article's own words and names.
func (c *Clusterer) names(f *Features, ids []uint32) []string {
	if len(ids) == 0 {
		return nil
	}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		for _, t := range f.Terms {
			if termID(t.Stem) == id {
				out = append(out, t.Form)
				goto next
			}
		}
		for _, e := range f.Entities {
			if entityID(e.Key) == id {
				out = append(out, e.Name)
				break
			}
		}
	next:
	}
	return out
}

// Commit records an article after the store has saved it: story is the
// story it was saved in (the id the store gave a new story). Merges of the
// assignment are applied first. Committing an article twice does nothing.
func (c *Clusterer) Commit(articleID, storyID int64, f *Features, a Assignment) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range a.Merges {
		from, into := c.stories[c.resolve(m.From)], c.stories[c.resolve(m.Into)]
		if from != nil && into != nil && from != into {
			c.mergeInto(from, into)
			c.log.Debug("stories merged", slog.Int64("from", m.From), slog.Int64("into", m.Into))
		}
	}
	c.copies.Add(articleID, f.Signature, a.CopyOf)
	c.add(articleID, storyID, a.CopyOf, f, a.vectors)
}

// Stored is a stored article decoded for a rebuild of the index at start:
// its features and the raw vectors made of them (Decode). It is restored in
// two parts, its signature (RestoreSignature) and its place in its story
// (RestoreStory), which share no state: a rebuild may decode and restore
// signatures on one goroutine and stories on another, each in the
// articles' order. Decoding into the same Stored again reuses its room;
// RestoreStory keeps nothing of it but the stated dates and the cast, which
// are new each time.
type Stored struct {
	Features Features
	vecs     articleVectors
}

// Decode decodes data, an article's stored features, into s and makes its
// raw vectors. On an error s is an empty article, which joins no story.
func (c *Clusterer) Decode(s *Stored, data []byte) error {
	err := s.Features.UnmarshalBinary(data)
	if err != nil {
		s.Features = Features{}
	}
	v := &s.vecs
	v.f = &s.Features
	v.terms, v.ents, v.cast = c.rawVectors(&s.Features, v.terms[:0], v.ents[:0])
	return err
}

// RestoreSignature adds a stored article's signature to the index of
// copies.
func (c *Clusterer) RestoreSignature(articleID, copyOf int64, f *Features) {
	c.copies.Add(articleID, f.Signature, copyOf)
}

// RestoreStory adds a stored article, decoded by Decode, to its story.
func (c *Clusterer) RestoreStory(articleID, storyID, copyOf int64, s *Stored) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.add(articleID, storyID, copyOf, &s.Features, &s.vecs)
}

// add records an article in its story. Copies only count as carriers: their
// words would weigh a wire story once per outlet that ran it.
func (c *Clusterer) add(articleID, storyID, copyOf int64, f *Features, vecs *articleVectors) {
	if _, known := c.articles.Get(articleID); known {
		return
	}
	sid := c.resolve(storyID)
	s := c.stories[sid]
	if s == nil {
		s = &story{id: sid, lang: c.intern(f.Language)}
		c.stories[sid] = s
	}
	s.size++
	s.widen(f.When())
	if copyOf != 0 || f.Empty() {
		c.articles.Put(articleID, article{story: sid})
		c.remember(recent{id: articleID, copyOf: copyOf, when: f.When()}, sid)
		return
	}
	q := c.prepare(f, vecs, true)
	defer q.release()
	// Each article weighs the same in its story's centroid, however long:
	// its vectors are scaled to unit IDF-weighted length.
	scale(q.rawTerms, q.tn)
	scale(q.rawEnt, q.en)
	c.articles.Put(articleID, article{story: sid, counted: true})
	c.addVectors(s, q.rawTerms, q.rawEnt, 1, c.lookupIDs(q))
	s.count(q.rawTerms, q.rawEnt, 1)
	s.cast = s.cast.plus(q.cast, 1)
	c.remember(recent{id: articleID, terms: slices.Clone(q.rawTerms), ents: slices.Clone(q.rawEnt),
		wterms: slices.Clone(q.terms), wents: slices.Clone(q.ents), tn: q.tn, en: q.en, cast: q.cast, when: f.When(), stated: f.Stated}, sid)
}

// intern returns the one copy of a language name the clusterer keeps.
func (c *Clusterer) intern(lang string) string {
	if l, ok := c.langs[lang]; ok {
		return l
	}
	c.langs[lang] = lang
	return lang
}

func scale(v vec, norm float64) {
	if norm == 0 {
		return
	}
	for i := range v {
		v[i].w = float32(float64(v[i].w) / norm)
	}
}

// exclude records that a person moved article out of story s.
func (c *Clusterer) exclude(s *story, article int64) {
	if !slices.Contains(s.excluded, article) {
		s.excluded = append(s.excluded, article)
	}
}

// queryOf rebuilds the comparison form of stored raw vectors.
func (c *Clusterer) queryOf(terms, ents vec) *query {
	q := newQuery(&Features{})
	ts, es := appendStats(q.stats[0][:0], terms), appendStats(q.stats[1][:0], ents)
	q.stats = [2][]stat{ts, es}
	c.lookup(ts)
	c.lookup(es)
	c.weigh(q, ts, es)
	return q
}

// unitVectors returns the vectors an article of features f adds to its
// story, weighed by today's IDFs. A move takes an article's vectors out of
// its story from these: keeping every article's own, for the rare move by
// a person, cost a tenth of the index at a million articles, and the IDFs
// of its day differ by a trace, gone when the index is next rebuilt.
func (c *Clusterer) unitVectors(f *Features) (terms, ents vec) {
	q := c.prepare(f, nil, false)
	defer q.release()
	scale(q.rawTerms, q.tn)
	scale(q.rawEnt, q.en)
	return slices.Clone(q.rawTerms), slices.Clone(q.rawEnt)
}

// Apply makes a person's correction: a merge folds Story into Target; a
// move or split puts Article into Target (created when new) and keeps it
// apart from the story it left. f is the moved article's features, whose
// vectors leave one story for the other; nil for a merge, a copy or an
// empty article. Unknown stories or articles are errors and change
// nothing.
func (c *Clusterer) Apply(cor model.Correction, f *Features) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch cor.Kind {
	case "merge":
		from, into := c.stories[c.resolve(cor.Story)], c.stories[c.resolve(cor.Target)]
		if from == nil || into == nil {
			return fmt.Errorf("merge story %d into %d: %w", cor.Story, cor.Target, ErrUnknownStory)
		}
		if from != into {
			c.mergeInto(from, into)
		}
		into.manual = true
		return nil
	case "move", "split":
		art, ok := c.articles.Get(cor.Article)
		if !ok {
			return fmt.Errorf("move article %d: %w", cor.Article, ErrUnknownArticle)
		}
		if cor.Target == 0 {
			return fmt.Errorf("move article %d to story 0: %w", cor.Article, ErrUnknownStory)
		}
		c.pin(cor.Article, c.moveTo(cor.Article, art, cor.Target, f))
		return nil
	}
	return fmt.Errorf("correction %d of kind %q: %w", cor.ID, cor.Kind, ErrCorrection)
}

// moveTo moves a known article into story target, made when new, and
// returns the story it left. f is the article's features, whose vectors
// leave one story for the other; nil for a copy or an empty article.
func (c *Clusterer) moveTo(id int64, art article, target int64, f *Features) (left *story) {
	from := c.stories[c.resolve(art.story)]
	target = c.resolve(target)
	to := c.stories[target]
	if to == nil {
		to = &story{id: target}
		c.stories[target] = to
	}
	if from != to {
		var terms, ents vec
		if art.counted && f != nil {
			terms, ents = c.unitVectors(f)
		}
		c.relocate(id, art, from, to, terms, ents)
	}
	return from
}

// Follow makes the index hold a stored article where the store has it,
// when another process wrote it: added to its story when the index lacks
// it, moved there when the index has it elsewhere (another process's
// regrouping or merge, or a person's correction through it, which Replay
// then binds). s is the article as Decode made it. An index that follows
// every article stored or moved since it was made holds what the store
// holds, as a rebuild would, without reading every other article.
func (c *Clusterer) Follow(articleID, storyID, copyOf int64, s *Stored) {
	c.mu.Lock()
	defer c.mu.Unlock()
	art, known := c.articles.Get(articleID)
	if !known {
		c.copies.Add(articleID, s.Features.Signature, copyOf)
		c.add(articleID, storyID, copyOf, &s.Features, &s.vecs)
		return
	}
	if from, to := c.resolve(art.story), c.resolve(storyID); from != to {
		c.moveTo(articleID, art, storyID, &s.Features)
		// As the regrouping that moved it did: a move leaves the stories'
		// casts and times as they were, which only a rebuild puts right.
		c.rebuild([]Change{{Article: articleID, From: from, Story: to}})
	}
}

// pin marks an article as placed by a person where it now is: regrouping
// leaves it there, and the story it left keeps it out.
func (c *Clusterer) pin(id int64, left *story) {
	art, _ := c.articles.Get(id)
	art.pinned = true
	c.articles.Put(id, art)
	if left != nil && left.id != art.story {
		c.exclude(left, id)
	}
}

// Replay restores what a correction binds on an index rebuilt from the
// store, where its articles are already where it, and all that came after
// it, put them: a story a person merged is never split, and an article a
// person moved or split out stays where it is and apart from the story it
// left. Nothing moves: the story a correction named may be gone since,
// merged into another (see RestoreMerged), and recreating it would put the
// index at odds with the store.
func (c *Clusterer) Replay(cor model.Correction) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch cor.Kind {
	case "merge":
		into := c.stories[c.resolve(cor.Target)]
		if into == nil {
			return fmt.Errorf("merge story %d into %d: %w", cor.Story, cor.Target, ErrUnknownStory)
		}
		into.manual = true
		return nil
	case "move", "split":
		if _, ok := c.articles.Get(cor.Article); !ok {
			return fmt.Errorf("move article %d: %w", cor.Article, ErrUnknownArticle)
		}
		c.pin(cor.Article, c.stories[c.resolve(cor.Story)])
		return nil
	}
	return fmt.Errorf("correction %d of kind %q: %w", cor.ID, cor.Kind, ErrCorrection)
}

// RestoreMerged records, on an index rebuilt from the store, that story
// from was merged into story into, so that corrections naming from reach
// into when replayed.
func (c *Clusterer) RestoreMerged(from, into int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, live := c.stories[from]; !live && from != into {
		c.alias[from] = into
	}
}

// linkNorm is the norm a story's summed vector (of n articles, IDF-weighted
// norm v) is divided by: sqrt(n * v).
func linkNorm(v float64, n int) float64 { return math.Sqrt(float64(n) * v) }

// idf2s returns the squared IDFs of v's entries.
func (c *Clusterer) idf2s(v vec) []float64 {
	out := make([]float64, len(v))
	for i, e := range v {
		out[i] = c.idf2(e.id)
	}
	return out
}
