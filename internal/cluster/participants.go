package cluster

import (
	"cmp"
	"slices"
	"strings"

	"github.com/cespare/xxhash/v2"

	"github.com/parallax-news/parallax/internal/model"
)

// Two look-alike events (two quakes, two rehab check-ins, two title fights
// of one champion) share their topic words and most of their entities; what
// tells them apart is who and where: the opponent, the victim, the town.
// A cast holds the participants an article or story is about, so that two
// whose leads name different participants are kept apart unless their
// words agree strongly: a soft penalty, never a veto.

const (
	// maxCore is how many of an article's leading people and places count.
	maxCore = 2
	// maxLead is the most an article leads with: its core and the days of
	// the week its lead names.
	maxLead = maxCore + len(weekdays)
	// castParts and castSeen cap what a story keeps of its cast.
	castParts = 16
	castSeen  = 48
)

// cast is who an article or a story is about: parts tallies, per
// participant, the articles whose headline or lead feature it; seen, the
// articles mentioning it at all; n counts the articles.
type cast struct {
	parts, seen vec
	n           int
}

// participantID keys a person or place for the cast, and reports false for
// other entities: organisations are as often the source of a report (an
// outlet, a party) as a participant, and their acronyms and expansions
// rarely share a key. A person is keyed by surname, since articles name one
// person "Tony Thompson" and then "Thompson", and the canonical name is only
// per article. The lowest bit holds the kind, so that only participants of
// one kind conflict (two victims, two towns) while a name whose kind the
// rules guessed differently still matches.
func participantID(e Entity) (uint32, bool) {
	key, kind := e.Key, uint32(0)
	switch e.Kind {
	case model.EntityPerson:
		key = key[strings.LastIndexByte(key, ' ')+1:]
	case model.EntityPlace:
		kind = kindPlace
	default:
		return 0, false
	}
	return uint32(xxhash.Sum64String("\x01"+key))&^kindMask | kind, true
}

// The lowest two bits of a participant's id hold its kind.
const (
	kindPerson = 0
	kindPlace  = 1
	kindDay    = 2
	kindMask   = 3
)

// weekdays are the stems of the days of the week.
var weekdays = [...]string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// Reports of one event name the day of the week it happened on ("on
// Thursday"), and a look-alike event is seldom on the same day: the day a
// lead names is a participant of its own kind, which conflicts only with
// another day. Weekdays are content terms, so an article's features carry
// them with their places (title, lead, body).
var weekdayIDs = func() map[string]uint32 {
	m := make(map[string]uint32)
	for _, d := range weekdays {
		m[d] = uint32(xxhash.Sum64String("\x02"+d))&^kindMask | kindDay
	}
	return m
}()

// castOf returns an article's cast: its leading participants are the
// people and places the headline names, or the lead names and the text
// mentions again, the most mentioned first, and the days of the week the
// headline or the lead names.
func castOf(f *Features) cast {
	// The leaders are kept as ids and counts, on the stack: copies of the
	// entities cost 4 KB an article on the heap.
	type leader struct {
		id    uint32
		count uint16
	}
	var buf [maxFeatureEnts]leader
	lead := buf[:0]
	x := cast{n: 1, seen: make(vec, 0, len(f.Entities))}
	for _, e := range f.Entities {
		id, ok := participantID(e)
		if !ok {
			continue
		}
		x.seen = append(x.seen, wt{id, 1})
		if e.Title || e.Lead && e.Count >= 2 {
			lead = append(lead, leader{id, e.Count})
		}
	}
	slices.SortStableFunc(lead, func(a, b leader) int { return cmp.Compare(b.count, a.count) })
	for _, l := range lead[:min(len(lead), maxCore)] {
		x.parts = append(x.parts, wt{l.id, 1})
	}
	for _, t := range f.Terms {
		id, ok := weekdayIDs[t.Stem]
		if !ok {
			continue
		}
		x.seen = append(x.seen, wt{id, 1})
		if t.Title+t.Lead > 0 {
			x.parts = append(x.parts, wt{id, 1})
		}
	}
	x.parts, x.seen = ones(x.parts), ones(x.seen)
	return x
}

// ones sorts v by id with one entry per id, each weighing 1: an article
// counts once per participant however often it names it.
func ones(v vec) vec {
	v = dedupIDs(v)
	for i := range v {
		v[i].w = 1
	}
	return v
}

// plus returns the cast of x and y together, capped to what a story keeps.
func (x cast) plus(y cast, sign float32) cast {
	return cast{
		parts: x.parts.add(y.parts, sign).top(castParts),
		seen:  x.seen.add(y.seen, sign).top(castSeen),
		n:     x.n + int(sign)*y.n,
	}
}

// conflict returns the kinds of participant (see kindNames) over which x
// and y are about different ones, 0 when none: each has a leading
// participant of that kind that the other does not feature. A participant
// leads a story when at least half its articles lead with it.
func conflict(x, y cast) int {
	if x.n == 0 || y.n == 0 {
		return 0
	}
	return unmatched(x, y) & unmatched(y, x)
}

// kindNames names the kinds of participant of a conflict, in the words of
// a decision's reason: "people", "people and places".
func kindNames(kinds int) string {
	var names []string
	for kind, name := range [...]string{kindPerson: "people", kindPlace: "places", kindDay: "days of the week"} {
		if kinds&(1<<kind) != 0 {
			names = append(names, name)
		}
	}
	return strings.Join(names, " and ")
}

// unmatched returns the kinds of x's leading participants that y does not
// feature, bit 1<<kind set for each.
func unmatched(x, y cast) int {
	var kinds int
	for _, p := range x.parts {
		if 2*float64(p.w) < float64(x.n) || y.has(p.id) {
			continue
		}
		kinds |= 1 << (p.id & kindMask)
	}
	return kinds
}

// has reports whether the cast features participant id: a person or a
// place as either, since the rules may guess a name's kind differently; a
// day as itself.
func (x cast) has(id uint32) bool {
	if id&kindMask == kindDay {
		_, found := slices.BinarySearchFunc(x.seen, wt{id: id}, byID)
		return found
	}
	i, found := slices.BinarySearchFunc(x.seen, wt{id: id &^ kindMask}, byID)
	return found || i < len(x.seen) && x.seen[i].id == id&^kindMask|kindPlace
}

// leadDays returns the days of the week an article's cast leads with.
func (x cast) leadDays() []uint32 {
	var days []uint32
	for _, p := range x.parts {
		if p.id&kindMask == kindDay {
			days = append(days, p.id)
		}
	}
	return days
}
