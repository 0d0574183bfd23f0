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
	keys := entityKeys(ents)
	for _, a := range as {
		for _, q := range a.quotes {
			n++
			speaker := canonicalSpeaker(q.Speaker, ents, keys)
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

// entityKeys maps the keys of every entity name and variant to the
// entity's name; a key two entities share maps to "".
func entityKeys(ents []model.Entity) map[string]string {
	m := map[string]string{}
	for _, e := range ents {
		for _, v := range append([]string{e.Name}, e.Variants...) {
			k := text.EntityKey(v)
			if old, ok := m[k]; ok && old != e.Name {
				m[k] = ""
				continue
			}
			m[k] = e.Name
		}
	}
	return m
}

// canonicalSpeaker names a speaker by the story entity it refers to:
// "Zelenskyy" and "Volodymyr Zelensky" both become the entity's name. A
// weekday or month is no speaker, nor one word the entities lack.
func canonicalSpeaker(s string, ents []model.Entity, keys map[string]string) string {
	if s == "" || text.IsTimeWord(strings.ToLower(s)) {
		return ""
	}
	if name := keys[text.EntityKey(s)]; name != "" {
		return name
	}
	words := strings.Fields(s)
	// A title run into the name ("National Intelligence James Clapper",
	// from "Director of National Intelligence James Clapper") is left out.
	for i := 1; i+2 <= len(words); i++ {
		if name := keys[text.EntityKey(strings.Join(words[i:], " "))]; name != "" {
			return name
		}
	}
	// A surname alone, or a name with a middle initial, matches the one
	// person of the story with that surname.
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
	// One word that names no one in the story is a misreading of the
	// sentence ("Notably", "Thursday", "R-Texas"): the quote is better
	// left unattributed than credited to it. A role ("a spokesman") or a
	// name of several words the story's entities lack is kept.
	if len(words) == 1 {
		return ""
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
