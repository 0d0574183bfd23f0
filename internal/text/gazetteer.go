package text

import (
	_ "embed"
	"slices"
	"strings"
	"sync"

	"github.com/parallax-news/parallax/internal/model"
)

//go:embed gazetteer.txt
var gazetteerText string

//go:embed givennames.txt
var givenNamesText string

// givenNames parses givennames.txt once, on first use.
var givenNames = sync.OnceValue(func() map[string]bool {
	names := map[string]bool{}
	for line := range strings.Lines(givenNamesText) {
		if !strings.HasPrefix(line, "#") {
			for _, w := range strings.Fields(line) {
				names[w] = true
			}
		}
	}
	return names
})

// IsGivenName reports whether word, in any case, is a given name of
// givennames.txt: a given name an edit from another name ("Robin",
// "Robyn") may well be another name, not that one misspelt.
func IsGivenName(word string) bool {
	toks := Tokens(word)
	return len(toks) == 1 && givenNames()[toks[0].Norm]
}

// IsCommonWord reports whether word is an English word of its own, one
// the sentence model's training text writes in lower case and never
// capitalises inside a sentence ("Majority", "Clerk"): capitalised in a
// name, it is still a word, not a misspelling of a name an edit away.
func IsCommonWord(word string) bool {
	toks := Tokens(word)
	return len(toks) == 1 && toks[0].flags&flagModelLower != 0
}

// IsKnownName reports whether name is a spelling of a name of the
// gazetteer ("Colorado", "U.N."): a name the world knows is not a
// misspelling of one an edit away ("Coronado").
func IsKnownName(name string) bool {
	_, ok := gazetteer().byKey[keyOf(nameWords(name))]
	return ok
}

// gazEntry is one named thing of the gazetteer.
type gazEntry struct {
	name string // canonical name
	kind string // model.Entity* kind
	key  string // EntityKey of name
}

// gazMatch is one spelling of an entry, as folded words.
type gazMatch struct {
	words []string
	entry *gazEntry
	// acronym spellings ("UN", "WHO") match only a word written in
	// capitals in a sentence that is not all capitals.
	acronym bool
	// demonym spellings ("Russian") point at their country weakly.
	demonym bool
}

type gazIndex struct {
	// byFirst lists the spellings by their first folded word, longest first.
	byFirst map[string][]gazMatch
	// byKey maps the key of every spelling to its entry.
	byKey map[string]*gazEntry
}

// gazetteer parses gazetteer.txt once, on first use.
var gazetteer = sync.OnceValue(func() *gazIndex {
	g := &gazIndex{byFirst: map[string][]gazMatch{}, byKey: map[string]*gazEntry{}}
	for line := range strings.Lines(gazetteerText) {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "|")
		for len(f) < 4 {
			f = append(f, "")
		}
		e := &gazEntry{name: f[1], kind: gazKinds[f[0]]}
		e.key = keyOf(nameWords(e.name))
		g.add(e, e.name, false)
		for _, a := range splitList(f[2]) {
			g.add(e, a, false)
		}
		demonyms := splitList(f[3])
		for _, d := range demonyms {
			g.add(e, d, true)
			// "Turkmens", "Uzbeks": the plural, where the list leaves it
			// out and English makes it with an s.
			if p := d + "s"; !strings.HasSuffix(d, "s") && !strings.HasSuffix(d, "ese") &&
				!strings.HasSuffix(d, "sh") && !strings.HasSuffix(d, "ch") && !slices.Contains(demonyms, p) {
				g.add(e, p, true)
			}
		}
	}
	for w, ms := range g.byFirst {
		// Longest spelling first, so "New York City" wins over "New York".
		slices.SortStableFunc(ms, func(a, b gazMatch) int { return len(b.words) - len(a.words) })
		g.byFirst[w] = ms
	}
	return g
})

var gazKinds = map[string]string{"C": model.EntityPlace, "P": model.EntityPlace, "O": model.EntityOrg, "N": model.EntityOrg}

func (g *gazIndex) add(e *gazEntry, spelling string, demonym bool) {
	// Spellings match normalised words exactly: folded ones would let
	// "Scott" match the demonym "Scot".
	var words []string
	for _, t := range Tokens(spelling) {
		if !isConnector(t.Norm) {
			words = append(words, t.Norm)
		}
	}
	if len(words) == 0 {
		return
	}
	m := gazMatch{words: words, entry: e, demonym: demonym, acronym: isAcronymSpelling(spelling)}
	g.byFirst[words[0]] = append(g.byFirst[words[0]], m)
	if !demonym {
		g.byKey[keyOf(nameWords(spelling))] = e
	}
}

// nameWords returns the folded words of a name without function words.
func nameWords(name string) []string {
	var words []string
	for _, t := range Tokens(name) {
		if !isConnector(t.Norm) {
			words = append(words, foldWord(t.Norm))
		}
	}
	return words
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// isAcronymSpelling reports whether s is one word in capitals ("NATO",
// "U.N."), which in an all-capitals headline would match ordinary words.
func isAcronymSpelling(s string) bool {
	if strings.ContainsAny(s, " -") {
		return false
	}
	for _, r := range s {
		if 'a' <= r && r <= 'z' {
			return false
		}
	}
	return true
}
