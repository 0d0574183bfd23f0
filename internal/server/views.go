package server

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/parallax-news/parallax/internal/compare"
	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

// The data behind each page and its API twin, gathered once here so both
// surfaces show the same thing.

// articleView is an article with the copies that carried it.
type articleView struct {
	*model.Article
	Copies []model.Article `json:"copies"`
}

func (s *Server) article(ctx context.Context, id int64) (articleView, error) {
	a, err := s.st.Article(ctx, id)
	if err != nil {
		return articleView{}, err // the store's error names the article
	}
	v := articleView{Article: a, Copies: []model.Article{}}
	if a.Story == nil {
		return v, nil
	}
	siblings, err := s.st.Articles(ctx, store.ArticleQuery{Story: *a.Story})
	if err != nil {
		return v, fmt.Errorf("articles of story %d: %w", *a.Story, err)
	}
	for _, sib := range siblings {
		if sib.CopyOf != nil && *sib.CopyOf == id {
			v.Copies = append(v.Copies, sib)
		}
	}
	return v, nil
}

// search answers the search page and the API. A search has one page: its
// best matches among the newest (see the store's Search).
func (s *Server) search(ctx context.Context, f filter) (store.Found, error) {
	if strings.TrimSpace(f.Query) != "" && f.Page > 1 {
		return store.Found{}, fmt.Errorf("a search has one page, its best matches among the newest: add words to narrow it: %w", errBadRequest)
	}
	return store.SearchStories(ctx, s.st, f.Query, f.articleQuery())
}

// storyCard is one story in a listing, with its coverage timeline.
type storyCard struct {
	model.StorySummary
	Timeline timeline
}

const cardTimelineRows = 4

// storyCards reads the articles of every listed story in one query, so a
// page costs the same few queries however many cards it has.
func (s *Server) storyCards(ctx context.Context, stories []model.StorySummary) ([]storyCard, error) {
	cards := make([]storyCard, 0, len(stories))
	if len(stories) == 0 {
		return cards, nil
	}
	ids := make([]int64, len(stories))
	for i, sum := range stories {
		ids[i] = sum.ID
	}
	all, err := s.st.Articles(ctx, store.ArticleQuery{Stories: ids})
	if err != nil {
		return nil, fmt.Errorf("articles of %d stories: %w", len(ids), err)
	}
	byStory := make(map[int64][]model.Article, len(stories))
	for _, a := range all {
		if a.Story != nil {
			byStory[*a.Story] = append(byStory[*a.Story], a)
		}
	}
	for _, sum := range stories {
		arts := byStory[sum.ID]
		if sum.Title == "" {
			// Only an untitled story needs its articles' text, for a
			// stand-in title; such stories are rare.
			withText, err := s.st.Articles(ctx, store.ArticleQuery{Story: sum.ID, WithText: true})
			if err != nil {
				return nil, fmt.Errorf("articles of story %d: %w", sum.ID, err)
			}
			sum.Title = standInTitle(withText)
		}
		cards = append(cards, storyCard{StorySummary: sum, Timeline: newTimeline(arts, 360, 120, cardTimelineRows)})
	}
	return cards, nil
}

const standInRunes = 100

// standInTitle names a story none of whose inputs had a title (plain text
// without a headline, some datasets): the first article title there is,
// else the opening words of its first text.
func standInTitle(arts []model.Article) string {
	for _, a := range arts {
		if a.Title != "" {
			return a.Title
		}
	}
	for _, a := range arts {
		if first, _, _ := strings.Cut(strings.TrimSpace(a.Text), "\n"); first != "" {
			return shorten(standInRunes, first)
		}
	}
	return "Untitled story"
}

// storyView is everything the story page shows.
type storyView struct {
	Story    *model.Story
	Coverage []coverageRow
	Common   []model.Fact
	Partial  []model.Fact
	Unique   []outletFacts
	Columns  []column
	Decided  []explanation
	// Entities are the story's, most widely named first; MoreEntities are
	// the tail, folded away on the page.
	Entities, MoreEntities []model.Entity
	Timeline               timeline
	Lineage                *lineage
}

// coverageRow is an article reporting the story and the copies of it.
type coverageRow struct {
	Article model.Article
	Copies  []model.Article
}

type outletFacts struct {
	Outlet string
	Facts  []model.Fact
}

// column is one article in the side-by-side view, its paragraphs cut into
// runs of plain text and of sentences only this article carries.
type column struct {
	Article    model.Article
	Paragraphs [][]segment
	Unique     int
}

type explanation struct {
	Article  model.Article
	Decision model.Decision
	// Left: the decision took the article out of this story, to
	// Decision.Story.
	Left bool
}

func (s *Server) storyPage(ctx context.Context, id int64) (*storyView, error) {
	st, err := s.p.Story(ctx, id)
	if err != nil {
		return nil, err // it names the story
	}
	// The compared story lists its articles without their text; the
	// side-by-side view needs it.
	arts, err := s.st.Articles(ctx, store.ArticleQuery{Story: id, WithText: true})
	if err != nil {
		return nil, fmt.Errorf("articles of story %d: %w", id, err)
	}
	slices.SortStableFunc(arts, byPublished)
	nameOutlets(arts)
	nameOutlets(st.Articles)
	if st.Title == "" {
		st.Title = standInTitle(arts)
	}
	for i, a := range arts {
		if a.Title == "" {
			arts[i].Title = standInTitle(arts[i : i+1])
		}
	}
	v := &storyView{Story: st, Timeline: newTimeline(arts, 720, 160, len(arts)), Lineage: newLineage(st)}

	copies := map[int64][]model.Article{}
	for _, a := range arts {
		if a.CopyOf != nil {
			copies[*a.CopyOf] = append(copies[*a.CopyOf], a)
		}
	}
	unique := map[int64][]string{} // article -> sentences only it carries
	uniqueByOutlet := map[string][]model.Fact{}
	var uniqueOutlets []string
	for _, f := range st.Facts {
		switch f.Kind {
		case model.FactCommon:
			v.Common = append(v.Common, f)
		case model.FactPartial:
			v.Partial = append(v.Partial, f)
		case model.FactUnique:
			for _, o := range f.Outlets {
				if _, ok := uniqueByOutlet[o]; !ok {
					uniqueOutlets = append(uniqueOutlets, o)
				}
				uniqueByOutlet[o] = append(uniqueByOutlet[o], f)
			}
			for _, e := range f.Evidence {
				unique[e.Article] = append(unique[e.Article], e.Sentence)
			}
		}
	}
	for _, o := range uniqueOutlets {
		v.Unique = append(v.Unique, outletFacts{Outlet: o, Facts: uniqueByOutlet[o]})
	}
	for _, a := range arts {
		if a.CopyOf != nil && inStory(arts, *a.CopyOf) {
			continue // shown as a carrier of its original
		}
		v.Coverage = append(v.Coverage, coverageRow{Article: a, Copies: copies[a.ID]})
		col := column{Article: a}
		for _, p := range paragraphs(a.Text) {
			segs := highlight(p, unique[a.ID])
			col.Paragraphs = append(col.Paragraphs, segs)
			for _, sg := range segs {
				if sg.Mark {
					col.Unique++
				}
			}
		}
		v.Columns = append(v.Columns, col)
	}
	v.Entities = slices.Clone(st.Entities)
	slices.SortStableFunc(v.Entities, func(a, b model.Entity) int {
		return cmp.Or(cmp.Compare(len(b.Outlets), len(a.Outlets)), cmp.Compare(b.Mentions, a.Mentions))
	})
	if len(v.Entities) > shownEntities {
		v.Entities, v.MoreEntities = v.Entities[:shownEntities], v.Entities[shownEntities:]
	}
	byArticle := map[int64]model.Article{}
	for _, a := range arts {
		byArticle[a.ID] = a
	}
	for _, d := range st.Explanations {
		a, here := byArticle[d.Article]
		v.Decided = append(v.Decided, explanation{Article: a, Decision: d, Left: d.Article != 0 && !here && d.Story != id})
	}
	return v, nil
}

const shownEntities = 12

// nameOutlets gives articles of unknown outlet the name the comparison
// gives them, so the page's columns, tables and picture agree with it.
func nameOutlets(arts []model.Article) {
	for i := range arts {
		arts[i].Outlet = compare.OutletName(&arts[i], i)
	}
}

func inStory(arts []model.Article, id int64) bool {
	return slices.ContainsFunc(arts, func(a model.Article) bool { return a.ID == id })
}

// byPublished orders articles by publication, undated last, then by id.
func byPublished(a, b model.Article) int {
	switch {
	case a.Published == nil && b.Published == nil:
		return cmp.Compare(a.ID, b.ID)
	case a.Published == nil:
		return 1
	case b.Published == nil:
		return -1
	}
	if c := a.Published.Compare(*b.Published); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// segment is a run of text, marked or not; templates escape each run.
type segment struct {
	Text string
	Mark bool
}

// highlight cuts text into runs, marking every occurrence of the needles,
// compared byte for byte (the needles are sentences of this very text).
// Text is never turned into markup here: the template wraps marked runs in
// <mark> and escapes them.
func highlight(text string, needles []string) []segment {
	var ns []string
	for _, n := range needles {
		if n = strings.TrimSpace(n); n != "" {
			ns = append(ns, n)
		}
	}
	var segs []segment
	for text != "" {
		// The earliest occurrence of any needle; at one place the longest,
		// so a sentence wins over a shorter one inside it.
		at, n := -1, ""
		for _, c := range ns {
			if i := strings.Index(text, c); i >= 0 && (at < 0 || i < at || i == at && len(c) > len(n)) {
				at, n = i, c
			}
		}
		if at < 0 {
			segs = append(segs, segment{Text: text})
			break
		}
		if at > 0 {
			segs = append(segs, segment{Text: text[:at]})
		}
		segs = append(segs, segment{Text: n, Mark: true})
		text = text[at+len(n):]
	}
	return segs
}

// snippetSegments cuts a search snippet at the store's highlight marks;
// the marks themselves never reach the page, even unpaired.
func snippetSegments(snippet string) []segment {
	var segs []segment
	mark := false
	for snippet != "" {
		i := strings.IndexAny(snippet, store.HighlightStart+store.HighlightEnd)
		if i < 0 {
			i = len(snippet)
		}
		if i > 0 {
			segs = append(segs, segment{Text: snippet[:i], Mark: mark})
		}
		if i == len(snippet) {
			break
		}
		mark = snippet[i:i+1] == store.HighlightStart
		snippet = snippet[i+1:]
	}
	return segs
}

// outletCount is one line of the outlets page.
type outletCount struct {
	store.OutletCount
	Feeds []model.Feed
}

func (s *Server) outletList(ctx context.Context) ([]outletCount, []model.Feed, error) {
	counts, err := s.st.Outlets(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("list outlets: %w", err)
	}
	feeds, err := s.st.Feeds(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("list feeds: %w", err)
	}
	// A feed supplies the outlet it was added for or, without one, the
	// outlet its entries are credited with: its own title.
	byOutlet := map[string][]model.Feed{}
	for _, f := range feeds {
		name := cmp.Or(f.Outlet, f.Title)
		byOutlet[name] = append(byOutlet[name], f)
	}
	// The store lists them most articles first.
	list := make([]outletCount, 0, len(counts))
	for _, c := range counts {
		list = append(list, outletCount{OutletCount: c, Feeds: byOutlet[c.Name]})
	}
	return list, feeds, nil
}
