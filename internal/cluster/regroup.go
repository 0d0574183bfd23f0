package cluster

import (
	"cmp"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"time"

	"github.com/parallax-news/parallax/internal/model"
)

// An online clusterer decides each article once, against the stories of
// that moment. Early decisions are taken on little evidence: the first
// report of a second quake joins the story of the first, and from then on
// the mixed story draws in both; a story that chained through a loosely
// related article holds two. No library does this regrouping for a stream,
// so it is written here: after arrivals, the stories they joined and the
// stories they nearly joined are compared article by article, with the
// same similarity, and
//   - a story whose recent articles fall into two groups that link weakly,
//     and whose articles' closest articles are in their own group, is
//     split;
//   - two of these stories whose articles link well are merged;
//   - an article that links better to another of these stories moves.
// Only articles still in the window of recent ones take part, so the cost
// of one regrouping is bounded, whatever the number of stories. People's
// corrections bind it: an article a person moved stays, and a story a
// person merged is never split.

// member is a recent article taking part in a regrouping.
type member struct {
	r     *recent
	group int
}

// recent is what the clusterer keeps of one of the latest articles, for
// regrouping: the vectors it added to its story (none for a copy or an
// empty article), and the same weighed by the IDFs it was compared with,
// with their norms, so that comparing two costs one pass.
type recent struct {
	id int64
	// seq orders the window's articles by arrival.
	seq uint64
	// copyOf is the original of a copy, which moves with its original.
	copyOf        int64
	terms, ents   vec
	wterms, wents vec
	tn, en        float64
	cast          cast
	when          int64
	stated        []Span
}

// window is a ring of the latest articles, indexed by story: a regrouping
// reads a few stories' articles, and scanning the whole ring for them cost
// more than the rest of an assignment.
type window struct {
	ring []recent
	next int
	seq  uint64
	// of lists, per story, the ring slots of its articles.
	of map[int64][]int32
}

func newWindow(n int) window {
	return window{ring: make([]recent, 0, n), of: make(map[int64][]int32)}
}

// remember adds an article of story sid to the window, forgetting the
// oldest when it is full.
func (c *Clusterer) remember(r recent, sid int64) {
	w := &c.recent
	if cap(w.ring) == 0 {
		return
	}
	w.seq++
	r.seq = w.seq
	slot := len(w.ring)
	if slot < cap(w.ring) {
		w.ring = append(w.ring, r)
	} else {
		slot = w.next
		if old, ok := c.articles.Get(w.ring[slot].id); ok {
			w.unlist(c.resolve(old.story), int32(slot))
		}
		w.ring[slot] = r
		w.next = (w.next + 1) % len(w.ring)
	}
	w.of[sid] = append(w.of[sid], int32(slot))
}

// unlist drops slot from story sid's list.
func (w *window) unlist(sid int64, slot int32) {
	list := slices.DeleteFunc(w.of[sid], func(x int32) bool { return x == slot })
	if len(list) == 0 {
		delete(w.of, sid)
		return
	}
	w.of[sid] = list
}

// merged moves story from's articles to story into's list.
func (w *window) merged(from, into int64) {
	if list, ok := w.of[from]; ok {
		w.of[into] = append(w.of[into], list...)
		delete(w.of, from)
	}
}

// articlesOf returns story sid's articles in the window, newest first.
func (w *window) articlesOf(sid int64) []*recent {
	list := w.of[sid]
	out := make([]*recent, len(list))
	for i, slot := range list {
		out[i] = &w.ring[slot]
	}
	slices.SortFunc(out, func(a, b *recent) int { return cmp.Compare(b.seq, a.seq) })
	return out
}

// Change is one change a regrouping made: Article moved from story From to
// Story, or, when Article is 0, story From merged into Story.
type Change struct {
	Article  int64
	From     int64
	Story    int64
	Decision model.Decision
}

// group is a story's members in a regrouping.
type group struct {
	story *story
	// members indexes the regrouping's members.
	members []int
}

// regrouping is one neighbourhood of stories being regrouped.
type regrouping struct {
	c       *Clusterer
	members []member
	sim     [][]float64
	// words holds the similarities without time, which the neighbourhoods
	// of a split are found by: near in time is not near in content, and a
	// long story's articles would each find their neighbours among those of
	// their day, which a cut between days leaves apart.
	words   [][]float64
	groups  []*group
	changes []Change
	now     time.Time
}

// Regroup regroups a neighbourhood of stories (see Assignment.Hood) after
// an arrival. newStory gives the id of a story split off. The changes are
// made here and returned in order, for the store to make too; after an
// error, those made before it.
func (c *Clusterer) Regroup(hood []int64, newStory func() (int64, error)) ([]Change, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var stories []*story
	for _, id := range hood {
		s := c.stories[c.resolve(id)]
		if s != nil && !slices.Contains(stories, s) {
			stories = append(stories, s)
		}
	}
	rg := &regrouping{c: c, now: time.Now().UTC()}
	if len(stories) == 0 || !rg.gather(stories) {
		return nil, nil
	}
	err := rg.split(newStory)
	if err == nil {
		rg.merge()
		rg.reassign()
	}
	c.rebuild(rg.changes)
	return rg.changes, err
}

// rebuild recomputes the stories changes touched from their articles, in
// the order they arrived, when all of them are still in the window: the
// story is then what it will be when the index is next rebuilt from the
// store, so a run stopped and started again decides as one run does.
// Subtracting a moved article from a centroid cut to its heaviest terms,
// or from a time range, cannot restore what adding it took away.
func (c *Clusterer) rebuild(changes []Change) {
	if len(changes) == 0 {
		return
	}
	touched := make(map[int64][]*recent)
	for _, ch := range changes {
		for _, id := range [2]int64{ch.From, ch.Story} {
			if s := c.stories[c.resolve(id)]; s != nil {
				members := c.recent.articlesOf(s.id)
				slices.Reverse(members) // oldest first
				touched[s.id] = members
			}
		}
	}
	for sid, members := range touched {
		s := c.stories[sid]
		if len(members) != s.size {
			continue // older articles are out of the window
		}
		s.terms, s.ents, s.tnorm, s.enorm, s.nt, s.ne = nil, nil, 0, 0, 0, 0
		s.cast, s.first, s.last = cast{}, 0, 0
		for _, r := range members {
			s.widen(r.when)
			if len(r.terms)+len(r.ents) == 0 {
				continue
			}
			c.addVectors(s, r.terms, r.ents, 1, nil)
			s.count(r.terms, r.ents, 1)
			s.cast = s.cast.plus(r.cast, 1)
		}
	}
}

// gather collects the recent articles of stories, the latest
// RegroupMembers of each, and their similarities. It reports false, having
// compared nothing, when there is nothing to regroup: one story too small
// to split.
func (rg *regrouping) gather(stories []*story) bool {
	c := rg.c
	for _, s := range stories {
		rg.groups = append(rg.groups, &group{story: s})
	}
	for gi, g := range rg.groups {
		for _, r := range c.recent.articlesOf(g.story.id) {
			if len(g.members) == c.cfg.RegroupMembers {
				break
			}
			if r.copyOf != 0 || len(r.terms) == 0 || c.pinned(r.id) {
				continue
			}
			g.members = append(g.members, len(rg.members))
			rg.members = append(rg.members, member{r, gi})
		}
	}
	if len(rg.members) < 2 || len(stories) == 1 && len(rg.members) < 4 {
		return false
	}
	n := len(rg.members)
	rg.sim, rg.words = make([][]float64, n), make([][]float64, n)
	for i := range rg.members {
		rg.sim[i], rg.words[i] = make([]float64, n), make([]float64, n)
		for j := range i {
			a, b := rg.members[i].r, rg.members[j].r
			w := c.wordSim(a, b)
			v := c.timed(w, a, b)
			rg.sim[i][j], rg.sim[j][i] = v, v
			rg.words[i][j], rg.words[j][i] = w, w
		}
	}
	return true
}

// pairSim is the similarity of two articles, scored as an article against
// a story of one.
func (c *Clusterer) pairSim(a, b *recent) float64 { return c.timed(c.wordSim(a, b), a, b) }

// timed lowers w, what two articles' texts share, for their distance in
// time.
func (c *Clusterer) timed(w float64, a, b *recent) float64 {
	return w * (1 - c.timeCut(pairGap(a, b)))
}

// wordSim is pairSim without the time signal: what the two texts share.
func (c *Clusterer) wordSim(a, b *recent) float64 {
	var cosT, cosE float64
	if a.tn > 0 && b.tn > 0 {
		cosT = dot(a.wterms, b.wterms, unitWeights[:], nil) / (a.tn * b.tn)
	}
	both := a.en > 0 && b.en > 0
	if both {
		cosE = dot(a.wents, b.wents, unitWeights[:], nil) / (a.en * b.en)
	}
	return c.combine(cosT, cosE, both, -1, conflict(a.cast, b.cast) != 0)
}

// pairGap is the distance in seconds between two articles' times, or
// between either's time and a date the other's text states where that is
// nearer (as in story.gapFrom); -1 when either is undated.
func pairGap(a, b *recent) int64 {
	if a.when == 0 || b.when == 0 {
		return -1
	}
	gap := distance(a.when, a.when, b.when, b.when)
	return nearer(nearer(gap, a.stated, b.when, b.when), b.stated, a.when, a.when)
}

// unitWeights weighs every entry of an IDF-weighted vector by 1 in dot.
var unitWeights = func() (w [maxFeatureTerms]float64) {
	for i := range w {
		w[i] = 1
	}
	return w
}()

// link is the average similarity between the members xs and ys, leaving
// out a member's similarity to itself.
func (rg *regrouping) link(xs, ys []int) float64 {
	var sum float64
	n := 0
	for _, x := range xs {
		for _, y := range ys {
			if x != y {
				sum += rg.sim[x][y]
				n++
			}
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// split splits each story whose members fall into two groups that link
// weakly (see cut), each of at least two articles, again and again.
func (rg *regrouping) split(newStory func() (int64, error)) error {
	c := rg.c
	for gi := 0; gi < len(rg.groups); gi++ {
		g := rg.groups[gi]
		if len(g.members) < 4 || g.story.manual {
			continue
		}
		a, b, l, why, ok := rg.cut(g.members)
		if !ok {
			continue
		}
		// The bigger part stays; on a tie, the part the story began with.
		// Members are listed newest first.
		if len(b) > len(a) || len(b) == len(a) && b[len(b)-1] > a[len(a)-1] {
			a, b = b, a
		}
		id, err := newStory()
		if err != nil {
			return fmt.Errorf("split story %d: %w", g.story.id, err)
		}
		to := &story{id: id, lang: g.story.lang}
		c.stories[id] = to
		part := &group{story: to}
		rg.groups = append(rg.groups, part)
		g.members = a
		for _, m := range b {
			rg.move(m, len(rg.groups)-1, fmt.Sprintf("split from story %d: %s; this is the group of %d", g.story.id, why, len(b)), l)
		}
		gi-- // the part that stayed may split again
	}
	return nil
}

// cut divides a story's members in two and reports whether the two groups
// split, with their link (also when they do not) and why. Where both
// groups are bigger than a neighbourhood (SplitNeighbours), they are those
// of the cleanest cut of the members' neighbourhood graph, and they split
// only where they keep to their own neighbours (see bisect.go): two groups
// of one event that link weakly on average, as the write-ups of a big
// story told many ways do, stay together. They split when they link below
// SplitThreshold; groups that keep wholly to themselves, none of their
// articles' closest in the other, or whose articles lead with different
// days of the week (daysApart), split when they link below MergeThreshold:
// look-alike events share their topic words, and the merge threshold is
// the most they may link without merging back at the next arrival.
func (rg *regrouping) cut(members []int) (a, b []int, link float64, why string, ok bool) {
	c := rg.c
	k := c.cfg.SplitNeighbours
	var near [][]int
	if k > 0 && len(members) > 2*k+1 {
		near = rg.nearestOf(members, k)
		a, b = rg.spectralBisect(members, near)
	}
	if min(len(a), len(b)) <= k {
		a, b = rg.bisect(members)
	}
	if len(a) < 2 || len(b) < 2 {
		return nil, nil, 0, "", false
	}
	link, limit := rg.link(a, b), c.cfg.SplitThreshold
	across := -1.0 // not counted: a group is no bigger than a neighbourhood
	apart := ""    // why the groups may link up to the merge threshold
	if k > 0 && min(len(a), len(b)) > k {
		across = crossing(members, near, a)
		switch {
		case across > c.cfg.SplitCrossing:
			return nil, nil, link, "", false
		case across == 0:
			apart = "with none"
		case rg.daysApart(a, b):
			apart = "as their articles lead with different days of the week"
		}
		if apart != "" {
			limit = max(limit, c.cfg.MergeThreshold)
		}
	}
	if link >= limit {
		return nil, nil, link, "", false
	}
	why = fmt.Sprintf("its recent articles fall into two groups, of %d and %d, that link %.3f on average, below %.3f",
		len(a), len(b), link, limit)
	if across >= 0 {
		why += fmt.Sprintf(", and keep to themselves: %.0f%% of their articles' %d closest are in the other group, at most %.0f%%",
			100*across, k, 100*c.cfg.SplitCrossing)
	}
	if limit > c.cfg.SplitThreshold {
		why += fmt.Sprintf(" (%s, the groups may link up to the merge threshold, not only %.3f)", apart, c.cfg.SplitThreshold)
	}
	return a, b, link, why, true
}

// daysApart reports whether groups a and b report events on different
// days: at least half the articles of each lead with a day of the week,
// and at most a tenth of the pairs of such articles across lead with the
// same day. Reports of one event name the day it happened on, though not
// all the same one (a report of the next day says "on Thursday", an update
// "on Friday"), so a few pairs across may share a day.
func (rg *regrouping) daysApart(a, b []int) bool {
	days := func(g []int) [][]uint32 {
		var out [][]uint32
		for _, m := range g {
			if d := rg.members[m].r.cast.leadDays(); len(d) > 0 {
				out = append(out, d)
			}
		}
		return out
	}
	da, db := days(a), days(b)
	if 2*len(da) < len(a) || 2*len(db) < len(b) {
		return false
	}
	same := 0
	for _, x := range da {
		for _, y := range db {
			if slices.ContainsFunc(x, func(d uint32) bool { return slices.Contains(y, d) }) {
				same++
			}
		}
	}
	return 10*same <= len(da)*len(db)
}

// bisect divides members into two groups by average-link agglomeration,
// each listed by member index, lowest first.
func (rg *regrouping) bisect(members []int) (a, b []int) {
	parts := make([][]int, len(members))
	for i, m := range members {
		parts[i] = []int{m}
	}
	for len(parts) > 2 {
		bi, bj, best := 0, 1, math.Inf(-1)
		for i := range parts {
			for j := i + 1; j < len(parts); j++ {
				if v := rg.link(parts[i], parts[j]); v > best {
					bi, bj, best = i, j, v
				}
			}
		}
		parts[bi] = append(parts[bi], parts[bj]...)
		parts = slices.Delete(parts, bj, bj+1)
	}
	for _, p := range parts {
		slices.Sort(p)
	}
	return parts[0], parts[1]
}

// reassign moves each member to the group it links best, when that link
// is at least JoinThreshold and beats its own group's by MoveMargin.
func (rg *regrouping) reassign() {
	c := rg.c
	for m := range rg.members {
		own := rg.members[m].group
		ownLink := rg.link([]int{m}, rg.groups[own].members)
		best, bestLink := own, ownLink
		for gi, g := range rg.groups {
			if gi == own || len(g.members) == 0 {
				continue
			}
			if l := rg.link([]int{m}, g.members); l > bestLink {
				best, bestLink = gi, l
			}
		}
		if best == own || bestLink < c.cfg.JoinThreshold || bestLink < ownLink+c.cfg.MoveMargin {
			continue
		}
		if c.forbidden(rg.groups[own].story, rg.groups[best].story) {
			continue
		}
		rg.move(m, best, fmt.Sprintf("moved from story %d: links %.3f on average to the %d recent articles of story %d, against %.3f to its own",
			rg.groups[own].story.id, bestLink, len(rg.groups[best].members), rg.groups[best].story.id, ownLink), bestLink)
	}
}

// merge merges the two groups that link best, as long as they link at
// least MergeThreshold: into the bigger story.
func (rg *regrouping) merge() {
	c := rg.c
	for {
		bi, bj, best := -1, -1, c.cfg.MergeThreshold
		for i, x := range rg.groups {
			for j := i + 1; j < len(rg.groups); j++ {
				y := rg.groups[j]
				if len(x.members) == 0 || len(y.members) == 0 || c.forbidden(x.story, y.story) {
					continue
				}
				if l := rg.link(x.members, y.members); l >= best {
					bi, bj, best = i, j, l
				}
			}
		}
		if bi < 0 {
			return
		}
		into, from := rg.groups[bi], rg.groups[bj]
		if from.story.size > into.story.size {
			into, from = from, into
		}
		rg.changes = append(rg.changes, Change{From: from.story.id, Story: into.story.id, Decision: model.Decision{
			Kind: model.DecisionMerge, Story: into.story.id, Compared: from.story.id, Score: best, At: rg.now,
			Reason: fmt.Sprintf("story %d merged into story %d: their recent articles link %.3f on average, at least %.3f", from.story.id, into.story.id, best, c.cfg.MergeThreshold),
		}})
		c.log.Debug("stories merged on regrouping", slog.Int64("from", from.story.id), slog.Int64("into", into.story.id))
		c.mergeInto(from.story, into.story)
		for _, m := range from.members {
			rg.members[m].group = slices.Index(rg.groups, into)
		}
		into.members = append(into.members, from.members...)
		from.members = nil
	}
}

// move moves member m, and its copies, to group to.
func (rg *regrouping) move(m, to int, reason string, score float64) {
	c := rg.c
	mb := &rg.members[m]
	from, dst := rg.groups[mb.group], rg.groups[to]
	from.members = slices.DeleteFunc(from.members, func(x int) bool { return x == m })
	dst.members = append(dst.members, m)
	mb.group = to
	// The article, then its copies, which carry it in the same story.
	moving := []*recent{mb.r}
	for _, r := range c.recent.articlesOf(from.story.id) {
		if r.copyOf == mb.r.id {
			moving = append(moving, r)
		}
	}
	for _, r := range moving {
		art, _ := c.articles.Get(r.id)
		c.relocate(r.id, art, from.story, dst.story, r.terms, r.ents)
		from.story.cast = from.story.cast.plus(r.cast, -1)
		dst.story.cast = dst.story.cast.plus(r.cast, 1)
		dst.story.widen(r.when)
		rg.changes = append(rg.changes, Change{Article: r.id, From: from.story.id, Story: dst.story.id, Decision: model.Decision{
			Kind: model.DecisionRegroup, Article: r.id, Story: dst.story.id, Compared: from.story.id, Score: score, At: rg.now, Reason: reason,
		}})
	}
}

// relocate moves a stored article from one story to another: its vectors
// (terms, ents; none for a copy, an empty article, or a move replayed
// where the article is in place already) leave one centroid for the
// other, and a story left empty is dropped.
func (c *Clusterer) relocate(id int64, art article, from, to *story, terms, ents vec) {
	if len(terms)+len(ents) > 0 {
		if from != nil {
			c.addVectors(from, terms, ents, -1, nil)
			from.count(terms, ents, -1)
		}
		q := c.queryOf(terms, ents)
		c.addVectors(to, terms, ents, 1, c.lookupIDs(q))
		q.release()
		to.count(terms, ents, 1)
	}
	if from != nil {
		from.size--
		if to.lang == "" {
			to.lang = from.lang
		}
		if from.size <= 0 {
			// As the store retires it: merged into where its last article
			// went, so ids that led to it (a story merged into it, a link)
			// lead there.
			delete(c.stories, from.id)
			c.alias[from.id] = to.id
		}
	}
	to.size++
	art.story = to.id
	c.articles.Put(id, art)
	if from != nil {
		for _, slot := range c.recent.of[from.id] {
			if c.recent.ring[slot].id == id {
				c.recent.unlist(from.id, slot)
				c.recent.of[to.id] = append(c.recent.of[to.id], slot)
				break
			}
		}
	}
}

// pinned reports whether a person moved the article.
func (c *Clusterer) pinned(article int64) bool {
	a, _ := c.articles.Get(article)
	return a.pinned
}

// Hood is the neighbourhood to regroup after the assignment: the story
// the article went to (story, the id the caller gave a new one), then the
// stories it nearly joined. A copy or an empty article changes no story's
// words, and has none.
func (a Assignment) Hood(story int64) []int64 {
	if a.CopyOf != 0 || a.Decision.Kind == model.DecisionEmpty {
		return nil
	}
	return append([]int64{story}, a.Near...)
}

// StoryOf returns the story an article is in now, or 0 for an unknown one.
func (c *Clusterer) StoryOf(article int64) int64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	a, ok := c.articles.Get(article)
	if !ok {
		return 0
	}
	return c.resolve(a.story)
}

// near lists the stories other than the best that an article scored at
// least JoinThreshold with, the best first, at most NearStories.
func (c *Clusterer) near(cands []candidate, best *story) []int64 {
	var out []int64
	for _, cd := range cands {
		if len(out) == c.cfg.NearStories || cd.score < c.cfg.JoinThreshold {
			break
		}
		if cd.s != best {
			out = append(out, cd.s.id)
		}
	}
	return out
}
