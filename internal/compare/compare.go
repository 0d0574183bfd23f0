// Package compare shows how the outlets of one story covered it: the facts
// they share and those only one carries, who is quoted where, whose
// reporting they credit, the people and bodies they name, and where they
// disagree on a number, a date or a name. Every claim it makes carries the
// sentences it rests on, so a reader can check it.
//
// The order of work in Compare, and why:
//  1. per article: analysis (sentences, tokens, entities), quotes and
//     citations; none of these look at other articles;
//  2. story entities, merged across articles by text.EntityKey, because
//     quote speakers are then named by their story-wide canonical name;
//  3. facts: sentences aligned across outlets (align.go: rare-feature
//     candidates, sentence and clause similarity, one long sentence to
//     the shorter ones it covers); copies are left out of the alignment
//     (they would match their original everywhere) and join the facts of
//     their original afterwards;
//  4. discrepancies, which read the aligned facts, then the ages each
//     outlet gives a named person and the names outlets spell two ways
//     anywhere in their articles, pairs already found in a fact left out;
//  5. lineage, from the citations of every outlet.
package compare

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/parallax-news/parallax/internal/compare/quote"
	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/text"
)

// Options tune a comparison. The zero value is the tuned default.
type Options struct {
	// Threshold is the similarity (0..1) from which two sentences of
	// different outlets state one fact; 0 means DefaultThreshold.
	Threshold float64
	// DateSlackDays is how far, in days, an article's publication date may
	// sit from every other date evidence of its story before it is flagged;
	// 0 means DefaultDateSlackDays.
	DateSlackDays int
}

// Defaults of Options.
const (
	DefaultThreshold     = 0.2
	DefaultDateSlackDays = 180
)

// ErrMismatch is returned when docs is not empty and does not hold one
// analysis per article.
var ErrMismatch = errors.New("compare: articles and analyses differ in number")

// article is one article of the story with everything read from it alone.
type article struct {
	a      *model.Article
	idx    int
	outlet string
	doc    *text.Doc
	sents  []sentence
	quotes []quote.Quote
	cites  []cite
	// copyOf is the index of the article this one copies, or -1.
	copyOf int
}

// Compare compares the coverage of one story. docs holds the text analysis
// of each article (text.Analyze(title, text)); nil entries, or a nil docs,
// are analysed here. It fills Facts, Quotes, Citations, Entities,
// Discrepancies, Lineage and Note; the caller fills ID, Title, Articles and
// Explanations. The output order is deterministic.
func Compare(ctx context.Context, arts []model.Article, docs []*text.Doc, opt Options) (*model.Story, error) {
	if len(docs) != 0 && len(docs) != len(arts) {
		return nil, fmt.Errorf("%w: %d articles, %d analyses", ErrMismatch, len(arts), len(docs))
	}
	if opt.Threshold <= 0 {
		opt.Threshold = DefaultThreshold
	}
	if opt.DateSlackDays <= 0 {
		opt.DateSlackDays = DefaultDateSlackDays
	}
	st := &model.Story{Facts: []model.Fact{}, Quotes: []model.Quote{}, Citations: []model.Citation{},
		Entities: []model.Entity{}, Discrepancies: []model.Discrepancy{}}
	as, err := prepare(ctx, arts, docs)
	if err != nil {
		return nil, err
	}
	outlets := outletsOf(as)
	st.Entities = storyEntities(as)
	st.Quotes = storyQuotes(as, st.Entities)
	st.Citations = storyCitations(as)
	st.Lineage = lineage(as, st.Citations)
	switch {
	case len(as) == 0:
		st.Note = "No articles: nothing to compare."
		return st, nil
	case len(as) == 1:
		st.Note = "One article: there is nothing to compare it with."
	case len(outlets) == 1:
		st.Note = fmt.Sprintf("All %d articles come from one outlet (%s): there is no other coverage to compare.", len(as), outlets[0])
	default:
		facts, err := alignFacts(ctx, as, outlets, opt.Threshold)
		if err != nil {
			return nil, err
		}
		st.Facts = facts
		lower, spelt := lowerWords(as), map[[2]string]bool{}
		d := append(factDiscrepancies(as, facts, lower, spelt), ageDiscrepancies(as)...)
		d = append(d, nameDiscrepancies(as, lower, spelt)...)
		st.Discrepancies = append(st.Discrepancies, d[:min(len(d), maxDiscrepancies)]...)
	}
	st.Discrepancies = append(st.Discrepancies, dateDiscrepancies(as, opt.DateSlackDays)...)
	return st, nil
}

// prepare analyses each article on its own.
func prepare(ctx context.Context, arts []model.Article, docs []*text.Doc) ([]*article, error) {
	as := make([]*article, len(arts))
	byID := make(map[int64]int, len(arts))
	for i := range arts {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("compare article %d: %w", arts[i].ID, err)
		}
		a := &article{a: &arts[i], idx: i, outlet: OutletName(&arts[i], i), copyOf: -1}
		if len(docs) != 0 {
			a.doc = docs[i]
		}
		if a.doc == nil {
			a.doc = text.Analyze(arts[i].Title, arts[i].Text)
		}
		a.sents = sentencesOf(a)
		a.quotes = quote.Extract(arts[i].Text)
		a.cites = findCitations(a)
		as[i] = a
		if arts[i].ID != 0 {
			byID[arts[i].ID] = i
		}
	}
	for _, a := range as {
		if a.a.CopyOf == nil {
			continue
		}
		if j, ok := byID[*a.a.CopyOf]; ok && j != a.idx && as[j].a.CopyOf == nil {
			a.copyOf = j
		}
	}
	return as, nil
}

// OutletName names an article's outlet as comparisons do; an article of
// unknown outlet is an outlet of its own, so that it is still compared with
// the others, and pages showing a comparison name it the same way.
func OutletName(a *model.Article, i int) string {
	if o := strings.TrimSpace(a.Outlet); o != "" {
		return o
	}
	if a.ID != 0 {
		return fmt.Sprintf("unknown outlet (article %d)", a.ID)
	}
	return fmt.Sprintf("unknown outlet (article #%d)", i+1)
}

func outletsOf(as []*article) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.outlet)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// sortedKeys returns the keys of m, sorted.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// sortEvidence orders evidence by outlet, then article position, for a
// stable output.
func sortEvidence(ev []model.Evidence, pos map[int64]int) {
	slices.SortStableFunc(ev, func(x, y model.Evidence) int {
		return cmp.Or(cmp.Compare(x.Outlet, y.Outlet), cmp.Compare(pos[x.Article], pos[y.Article]))
	})
}
