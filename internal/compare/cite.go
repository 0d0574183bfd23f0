package compare

import (
	"cmp"
	"regexp"
	"slices"
	"strings"

	"github.com/parallax-news/parallax/internal/model"
)

// cite is one source an article credits.
type cite struct {
	source   string // as written, "The" capitalised
	key      string
	cue      string
	sentence string
}

// name is a capitalised run that may name a news organisation: "NBC News",
// "The Associated Press", "the Washington Post", "KDVR-TV".
const name = `((?:[Tt]he )?[A-Z][\w.&'’-]*(?:\s+(?:of\s+|and\s+|&\s+)?[A-Z][\w.&'’-]*){0,5})`

var (
	// citeBefore: a cue then the source ("told NBC News", "according to
	// The Washington Post", "said in a statement to Reuters").
	citeBefore = regexp.MustCompile(`\b(?:told|telling|tells|confirmed to|according to|reported by|first reported by|obtained by|provided to|statement (?:sent |released |given |e-?mailed )?to|(?:an )?interview with|spoke to|speaking (?:to|with)|said to|wrote in|writes in|published by|cited by|reporting by|reported in|report (?:by|from|in))\s+` + name)
	// citeAfter: the source then a cue ("NBC News reported", "The
	// Associated Press contributed to this report", "NBC News’ report").
	citeAfter = regexp.MustCompile(name + `(?:’s?|'s?)?\s+(?:first\s+|also\s+|has\s+|had\s+|was\s+|is\s+|originally\s+)?(?:reported|reports|reporting|report\b|contributed(?: reporting)? to this (?:report|story)|contributed reporting)`)
	// citeUnnamed: "according to a Thursday report", credited to the
	// article's main named source.
	citeUnnamed = regexp.MustCompile(`\b(?:according to|citing) (?:a|an|the) (?:\w+ ){0,2}reports?\b|\b(?:a|an) (?:\w+ ){0,2}report (?:said|says|found)\b`)
)

// citeCues are the words citeBefore starts with, looked for cheaply.
var citeCues = []string{"told", "telling", "tells", "confirmed", "according", "reported",
	"obtained", "provided", "statement", "interview", "spoke", "speaking", "said to", "wrote",
	"writes", "published", "cited", "report"}

func hasCiteCue(lowered string) bool {
	for _, c := range citeCues {
		if strings.Contains(lowered, c) {
			return true
		}
	}
	return false
}

// newsWords mark a name as a news organisation.
var newsWords = map[string]bool{
	"news": true, "times": true, "post": true, "journal": true, "press": true, "reuters": true,
	"bloomberg": true, "cnn": true, "bbc": true, "nbc": true, "cbs": true, "abc": true,
	"msnbc": true, "npr": true, "politico": true, "axios": true, "gawker": true, "mediaite": true,
	"newsweek": true, "time": true, "hill": true, "tribune": true, "herald": true, "register": true,
	"examiner": true, "caller": true, "beast": true, "wire": true, "guardian": true,
	"telegraph": true, "observer": true, "haaretz": true, "interfax": true, "tass": true,
	"xinhua": true, "jazeera": true, "afp": true, "ap": true, "radio": true, "magazine": true,
	"gazette": true, "chronicle": true, "globe": true, "economist": true, "atlantic": true,
	"vox": true, "slate": true, "salon": true, "buzzfeed": true, "huffpost": true,
	"breitbart": true, "drudge": true, "yahoo": true, "newsmax": true, "hotline": true,
	"standard": true, "review": true, "television": true, "tv": true, "digital": true,
	"telegram": true, "bulletin": true, "inquirer": true, "dispatch": true, "courier": true,
	"sun": true, "star": true, "mirror": true, "independent": true, "spiegel": true,
	"monde": true, "figaro": true, "kyodo": true, "yonhap": true, "ria": true, "novosti": true,
	"agence": true, "france-presse": true, "foxnews.com": true, "nbcnews.com": true, "usa": false,
	"wall": false, "daily": true, "weekly": true, "online": true, "network": true,
	"broadcasting": true, "root": true, "blaze": true, "townhall": true, "rollcall": true,
	"huffington": true, "pbs": true, "c-span": true, "univision": true, "telemundo": true,
}

var callLetters = regexp.MustCompile(`^[KW][A-Z]{2,3}(?:-(?:TV|FM|AM))?$`)

// outletLike reports whether a name looks like a news organisation.
func outletLike(s string) bool {
	for _, w := range strings.Fields(s) {
		w = strings.TrimRight(w, ".,’'")
		if newsWords[strings.ToLower(w)] || callLetters.MatchString(w) {
			return true
		}
	}
	return false
}

// aliases fold the names one organisation goes by.
var aliases = map[string]string{
	"ap": "associated press", "associated press": "associated press",
	"huffington post": "huffpost", "huffpost": "huffpost",
	"nyt": "new york times", "ny times": "new york times",
	"foxnews.com": "fox news", "fox news digital": "fox news", "fox news channel": "fox news",
	"nbcnews.com": "nbc news", "wsj": "wall street journal", "afp": "agence france-presse",
	"agence france presse": "agence france-presse", "washpost": "washington post",
}

// trimFullStop drops the full stop of a sentence that ends with a source's
// name ("said to HuffPost."), and keeps an abbreviation's ("U.S.", "Inc.").
func trimFullStop(s string) string {
	s = strings.TrimSpace(s)
	rest, ok := strings.CutSuffix(s, ".")
	if !ok {
		return s
	}
	last := rest[strings.LastIndexByte(rest, ' ')+1:]
	if dot := strings.LastIndexByte(last, '.'); dot >= 0 && !isDomainEnd(last[dot+1:]) || nameAbbrevs[last] {
		return s
	}
	return rest
}

// isDomainEnd reports the last label of a domain name ("com" of
// "FoxNews.com"), which an abbreviation's capitals ("S" of "U.S") are not.
func isDomainEnd(s string) bool {
	return len(s) >= 2 && strings.IndexFunc(s, func(r rune) bool { return r < 'a' || r > 'z' }) < 0
}

// nameAbbrevs are the abbreviations that end names with a full stop.
var nameAbbrevs = map[string]bool{"Inc": true, "Co": true, "Corp": true, "Ltd": true, "Bros": true, "Jr": true, "Sr": true}

// sourceKey is the comparison key of a source name. A kind given in
// brackets ("CNN (Online News)", as some outlet lists name outlets) is no
// part of the name.
func sourceKey(s string) string {
	s = trimFullStop(s)
	if open := strings.LastIndex(s, " ("); open > 0 && strings.HasSuffix(s, ")") {
		s = s[:open]
	}
	k := strings.ToLower(s)
	k = strings.TrimPrefix(k, "the ")
	k = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(k, "’s"), "'s"), "’")
	k = strings.TrimSuffix(k, "'")
	k = strings.Join(strings.Fields(k), " ")
	if a, ok := aliases[k]; ok {
		return a
	}
	k = strings.TrimSuffix(k, " digital")
	k = strings.TrimSuffix(k, ".com")
	if a, ok := aliases[k]; ok {
		return a
	}
	return k
}

// display is a source name as shown: possessive dropped, "the" capitalised.
func display(s string) string {
	s = trimFullStop(s)
	s = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(s, "’s"), "'s"), "’")
	s = strings.TrimSuffix(s, "'")
	if strings.HasPrefix(s, "the ") {
		s = "The " + s[4:]
	}
	return s
}

// findCitations reads the sources an article credits. Its own outlet
// ("told Fox News Digital" in a Fox News article) is not a citation.
func findCitations(a *article) []cite {
	own := sourceKey(a.outlet)
	var out []cite
	var unnamed []cite
	for _, s := range a.doc.Sentences {
		add := func(src, cue string) {
			src = display(src)
			if !outletLike(src) {
				return
			}
			k := sourceKey(src)
			if k == own || strings.HasPrefix(k, own+" ") {
				return
			}
			out = append(out, cite{source: src, key: k, cue: cue, sentence: s.Text})
		}
		// Most sentences cite nothing: a cheap look for the cue words
		// spares them the regular expressions.
		lowered := strings.ToLower(s.Text)
		if strings.Contains(lowered, "report") || strings.Contains(lowered, "contribut") {
			for _, m := range citeAfter.FindAllStringSubmatch(s.Text, -1) {
				add(m[1], m[0])
			}
			for _, m := range citeUnnamed.FindAllString(s.Text, -1) {
				unnamed = append(unnamed, cite{cue: m, sentence: s.Text})
			}
		}
		if hasCiteCue(lowered) {
			for _, m := range citeBefore.FindAllStringSubmatch(s.Text, -1) {
				add(m[1], m[0])
			}
		}
	}
	out = resolveShortNames(out)
	if main := mainSource(out); main != nil {
		for _, u := range unnamed {
			u.source, u.key = main.source, main.key
			out = append(out, u)
		}
	}
	return out
}

// resolveShortNames turns "the Times" into the article's earlier "The New
// York Times".
func resolveShortNames(cs []cite) []cite {
	for i := range cs {
		if strings.Contains(cs[i].key, " ") {
			continue
		}
		for j := range cs {
			if j != i && strings.HasSuffix(cs[j].key, " "+cs[i].key) {
				cs[i].source, cs[i].key = cs[j].source, cs[j].key
				break
			}
		}
	}
	return cs
}

// mainSource is the source an article credits most often, first on ties.
func mainSource(cs []cite) *cite {
	count := map[string]int{}
	var best *cite
	for i := range cs {
		count[cs[i].key]++
		if best == nil || count[cs[i].key] > count[best.key] {
			best = &cs[i]
		}
	}
	return best
}

// storyCitations merges the citations of every article by source.
func storyCitations(as []*article) []model.Citation {
	type acc struct {
		c     model.Citation
		names map[string]int
		first int
	}
	by := map[string]*acc{}
	n := 0
	for _, a := range as {
		seen := map[string]bool{}
		for _, c := range a.cites {
			n++
			x, ok := by[c.key]
			if !ok {
				x = &acc{names: map[string]int{}, first: n}
				by[c.key] = x
			}
			x.names[c.source]++
			if !slices.Contains(x.c.Outlets, a.outlet) {
				x.c.Outlets = append(x.c.Outlets, a.outlet)
			}
			if !slices.Contains(x.c.Cues, c.cue) {
				x.c.Cues = append(x.c.Cues, c.cue)
			}
			if !seen[c.key+"\x00"+c.sentence] {
				seen[c.key+"\x00"+c.sentence] = true
				x.c.Evidence = append(x.c.Evidence, model.Evidence{Article: a.a.ID, Outlet: a.outlet, Sentence: c.sentence})
			}
		}
	}
	var out []model.Citation
	var firsts []int
	for _, k := range sortedKeys(by) {
		x := by[k]
		x.c.Source = mostCommon(x.names)
		slices.Sort(x.c.Outlets)
		out = append(out, x.c)
		firsts = append(firsts, x.first)
	}
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		return cmp.Or(cmp.Compare(len(out[j].Outlets), len(out[i].Outlets)), cmp.Compare(firsts[i], firsts[j]))
	})
	sorted := make([]model.Citation, len(out))
	for i, k := range idx {
		sorted[i] = out[k]
	}
	return sorted
}

// mostCommon returns the most frequent key of m, the longest on ties, then
// the first in order.
func mostCommon(m map[string]int) string {
	best := ""
	for _, k := range sortedKeys(m) {
		if best == "" || m[k] > m[best] || m[k] == m[best] && len(k) > len(best) {
			best = k
		}
	}
	return best
}

// lineage finds the original reporting the story leans on: the source
// credited by more than half of the other outlets. Outlets crediting it
// re-report; every outlet that does not, and the original itself, count as
// independent sources. Copies are not sources of their own.
func lineage(as []*article, cites []model.Citation) *model.Lineage {
	outlets := map[string]bool{}
	for _, a := range as {
		if a.copyOf < 0 {
			outlets[a.outlet] = true
		}
	}
	l := &model.Lineage{Rereporting: []string{}}
	for _, c := range cites {
		key := sourceKey(c.Source)
		others := 0
		for o := range outlets {
			if sourceKey(o) != key {
				others++
			}
		}
		citing := 0
		for _, o := range c.Outlets {
			if outlets[o] {
				citing++
			}
		}
		if others > 0 && citing*2 > others {
			l.Original = c.Source
			for _, o := range c.Outlets {
				if outlets[o] {
					l.Rereporting = append(l.Rereporting, o)
				}
			}
			break // cites are sorted by the number of outlets crediting them
		}
	}
	l.Independent = len(outlets) - len(l.Rereporting)
	if l.Original != "" {
		isOutlet := false
		for o := range outlets {
			isOutlet = isOutlet || sourceKey(o) == sourceKey(l.Original)
		}
		if !isOutlet {
			l.Independent++
		}
	}
	return l
}
