package compare

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/text"
)

// entityTally gathers what the articles of a story say of one entity.
type entityTally struct {
	names    map[string]int
	kinds    map[string]int
	variants map[string]bool
	outlets  map[string]bool
	mentions int
}

// absorb adds what from gathered to into.
func (into *entityTally) absorb(from *entityTally) {
	for n, c := range from.names {
		into.names[n] += c
	}
	for k, c := range from.kinds {
		into.kinds[k] += c
	}
	maps.Copy(into.variants, from.variants)
	maps.Copy(into.outlets, from.outlets)
	into.mentions += from.mentions
}

// allSpellings reports whether the given names of two-word person keys of
// one surname are all spellings of one another: an edit apart, or two for
// names of eight letters or more; shorter names than five letters are
// different names ("Mark", "Mike").
func allSpellings(keys []string) bool {
	for i, a := range keys {
		for _, b := range keys[i+1:] {
			x, y := strings.Fields(a)[0], strings.Fields(b)[0]
			limit := 1
			if min(len(x), len(y)) >= 8 {
				limit = 2
			}
			if min(len(x), len(y)) < 5 || editDistance(x, y) > limit {
				return false
			}
		}
	}
	return true
}

// storyEntities merges the entities of every article by text.EntityKey, so
// that "Zelensky" and "Zelenskyy", "Council on Foreign Relations" and
// "Council of Foreign Relations" are one. A person named by surname alone
// in an article joins the one person of the story with that surname.
func storyEntities(as []*article) []model.Entity {
	by := map[string]*entityTally{}
	add := func(key, outlet string, e text.Entity) {
		x, ok := by[key]
		if !ok {
			x = &entityTally{names: map[string]int{}, kinds: map[string]int{}, variants: map[string]bool{}, outlets: map[string]bool{}}
			by[key] = x
		}
		x.names[e.Name]++
		x.kinds[e.Kind]++
		x.variants[e.Name] = true
		for _, v := range e.Variants {
			x.variants[v] = true
		}
		x.outlets[outlet] = true
		x.mentions += max(e.Count, 1)
	}
	var single []struct {
		outlet string
		e      text.Entity
	}
	for _, a := range as {
		for _, e := range a.doc.Entities {
			if e.Weak {
				continue // "Russian" hints at Russia; it does not name a participant
			}
			if e.Kind == model.EntityPerson && !strings.Contains(strings.TrimSpace(e.Name), " ") {
				single = append(single, struct {
					outlet string
					e      text.Entity
				}{a.outlet, e})
				continue
			}
			add(text.EntityKey(e.Name), a.outlet, e)
		}
	}
	// A middle name or initial one outlet gives and another leaves out
	// ("Michael G. Grimm", "Hillary Rodham Clinton", "James R. Clapper Jr")
	// names one person: the fuller form joins the shorter where only one
	// fuller form of it is in the story ("George W. Bush" and "George H. W.
	// Bush" stay apart from "George Bush").
	fuller := map[string][]string{}
	for k, x := range by {
		if fl := firstLast(k); fl != "" && fl != k && x.kinds[model.EntityPerson] > 0 {
			fuller[fl] = append(fuller[fl], k)
		}
	}
	for fl, keys := range fuller {
		into, ok := by[fl]
		if !ok || len(keys) != 1 || into.kinds[model.EntityPerson] == 0 {
			continue
		}
		into.absorb(by[keys[0]])
		delete(by, keys[0])
	}
	// One person's given name transliterated two ways by two outlets
	// ("Gurbanguly" and "Kurbanguly Berdymukhamedov", "Dmitri" and "Dmitry
	// Medvedev") is one person, where every given name the story has with
	// that surname is a spelling of the others.
	bySurname := map[string][]string{}
	for k, x := range by {
		if w := strings.Fields(k); len(w) == 2 && x.kinds[model.EntityPerson] > 0 {
			bySurname[w[1]] = append(bySurname[w[1]], k)
		}
	}
	for _, keys := range bySurname {
		if len(keys) < 2 || !allSpellings(keys) {
			continue
		}
		slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(by[b].mentions, by[a].mentions), cmp.Compare(a, b)) })
		for _, k := range keys[1:] {
			by[keys[0]].absorb(by[k])
			delete(by, k)
		}
	}
	for _, s := range single {
		key := text.EntityKey(s.e.Name)
		target := key
		for k, x := range by {
			if x.kinds[model.EntityPerson] == 0 {
				continue
			}
			if strings.HasSuffix(k, " "+key) {
				if target != key {
					target = key // two people share the surname: keep apart
					break
				}
				target = k
			}
		}
		add(target, s.outlet, s.e)
	}

	out := make([]model.Entity, 0, len(by))
	for _, k := range sortedKeys(by) {
		x := by[k]
		out = append(out, model.Entity{Name: mostCommon(x.names), Kind: mostCommon(x.kinds),
			Variants: sortedKeys(x.variants), Outlets: sortedKeys(x.outlets), Mentions: x.mentions})
	}
	slices.SortStableFunc(out, func(x, y model.Entity) int {
		return cmp.Or(cmp.Compare(len(y.Outlets), len(x.Outlets)), cmp.Compare(y.Mentions, x.Mentions),
			cmp.Compare(x.Name, y.Name))
	})
	return out
}

// firstLast returns the first and last words of a person's name key, a
// generational suffix left out, or "" for a name of one word.
func firstLast(key string) string {
	w := strings.Fields(key)
	for len(w) > 1 && text.IsGenerational(w[len(w)-1]) {
		w = w[:len(w)-1]
	}
	if len(w) < 2 {
		return ""
	}
	return w[0] + " " + w[len(w)-1]
}
