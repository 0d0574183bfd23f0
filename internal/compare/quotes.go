package compare

import (
	"cmp"
	"slices"
	"strings"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/text"
)

// storyQuotes merges the quotes of every article: one quote per speaker and
// wording, with the outlets that carry it. Speakers are named by their
// story-wide entity when one matches.
func storyQuotes(as []*article, ents []model.Entity) []model.Quote {
	type merged struct {
		q     model.Quote
		terms map[string]bool
		first int
	}
	var ms []*merged
	n := 0
	for _, a := range as {
		for _, q := range a.quotes {
			n++
			speaker := canonicalSpeaker(q.Speaker, ents)
			terms := termSet(q.Text)
			ev := model.Evidence{Article: a.a.ID, Outlet: a.outlet, Sentence: q.Sentence}
			var into *merged
			for _, m := range ms {
				if m.q.Speaker == speaker && overlap(m.terms, terms) >= 0.6 {
					into = m
					break
				}
			}
			if into == nil {
				ms = append(ms, &merged{q: model.Quote{Speaker: speaker, Text: q.Text, Cue: q.Cue,
					Direct: q.Direct, Outlets: []string{a.outlet}, Evidence: []model.Evidence{ev}},
					terms: terms, first: n})
				continue
			}
			if !slices.Contains(into.q.Outlets, a.outlet) {
				into.q.Outlets = append(into.q.Outlets, a.outlet)
				slices.Sort(into.q.Outlets)
			}
			into.q.Evidence = append(into.q.Evidence, ev)
			into.q.Direct = into.q.Direct || q.Direct
			if into.q.Cue == "" {
				into.q.Cue = q.Cue
			}
			if len(q.Text) > len(into.q.Text) {
				into.q.Text = q.Text
				into.terms = terms
			}
		}
	}
	slices.SortStableFunc(ms, func(x, y *merged) int {
		return cmp.Or(cmp.Compare(len(y.q.Outlets), len(x.q.Outlets)), cmp.Compare(x.first, y.first))
	})
	out := make([]model.Quote, len(ms))
	for i, m := range ms {
		out[i] = m.q
	}
	return out
}

// canonicalSpeaker names a speaker by the story entity it refers to:
// "Zelenskyy" and "Volodymyr Zelensky" both become the entity's name.
func canonicalSpeaker(s string, ents []model.Entity) string {
	if s == "" {
		return ""
	}
	key := text.EntityKey(s)
	for _, e := range ents {
		if text.EntityKey(e.Name) == key {
			return e.Name
		}
		for _, v := range e.Variants {
			if text.EntityKey(v) == key {
				return e.Name
			}
		}
	}
	// A surname alone, or a name with a middle initial, matches the one
	// person of the story with that surname.
	words := strings.Fields(s)
	last := text.EntityKey(words[len(words)-1])
	var match string
	for _, e := range ents {
		if e.Kind != model.EntityPerson {
			continue
		}
		ew := strings.Fields(e.Name)
		if len(ew) < 2 || text.EntityKey(ew[len(ew)-1]) != last {
			continue
		}
		if len(words) > 1 && text.EntityKey(ew[0]) != text.EntityKey(words[0]) {
			continue
		}
		if match != "" && match != e.Name {
			return s // two people share the surname: keep what the article wrote
		}
		match = e.Name
	}
	if match != "" {
		return match
	}
	return s
}

// termSet is the set of content stems of s.
func termSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, t := range text.Tokens(s) {
		if !t.Stop {
			m[t.Stem] = true
		}
	}
	return m
}

// overlap is the share of the smaller set found in the larger, so that a
// quote trimmed by one outlet still matches the fuller one.
func overlap(x, y map[string]bool) float64 {
	if len(x) > len(y) {
		x, y = y, x
	}
	if len(x) == 0 {
		return 0
	}
	n := 0
	for k := range x {
		if y[k] {
			n++
		}
	}
	return float64(n) / float64(len(x))
}
