package store

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/parallax-news/parallax/internal/model"
)

// This file holds the rules every store follows the same way, kept out of
// SQL so that the SQLite and PostgreSQL stores cannot drift apart: what a
// query word is, how entities are matched, which sorts exist, how search
// ranks, when a split is valid, and what a batch adds to the counts kept on
// write.

// Kinds of correction (model.Correction.Kind).
const (
	CorrectionMerge = "merge"
	CorrectionMove  = "move"
	CorrectionSplit = "split"
)

// EntityKey is how entity names are kept and matched: without case, so a
// filter typed by hand finds "Sergey Lavrov" as "sergey lavrov", and in
// valid UTF-8, so a key goes through JSON and any database's text unchanged.
func EntityKey(name string) string {
	return strings.ToValidUTF8(strings.ToLower(strings.TrimSpace(name)), "\uFFFD")
}

// RecordName names a record in errors: its source, else its URL, else its
// title.
func RecordName(rec *Record) string {
	switch {
	case rec == nil || rec.Article == nil:
		return "record without article"
	case rec.Article.Source != "":
		return rec.Article.Source
	case rec.Article.URL != "":
		return rec.Article.URL
	}
	return fmt.Sprintf("%q", rec.Article.Title)
}

// QueryWords splits what a user typed into the distinct words of a search,
// in order, each kept as first typed: a word again, in any case, asks for
// nothing more. Anything but letters and numbers separates words, so
// operators, quotes, stars and column filters are never syntax to a store's
// full-text engine: "AND" is the word "and". MaxQueryWords bounds how many
// there may be.
func QueryWords(text string) []string {
	words := strings.FieldsFunc(text, func(r rune) bool { return !WordRune(r) })
	seen := make(map[string]bool, len(words))
	out := words[:0]
	for _, w := range words {
		if key := strings.ToLower(w); !seen[key] {
			seen[key] = true
			out = append(out, w)
		}
	}
	return out
}

// WordRune says whether r belongs in a query word: letters and numbers (but
// not the few letters SQLite's older Unicode tables call marks), and the
// combining marks SQLite's unicode61 tokenizer folds away as diacritics; it
// splits on the other marks. The rule is SQLite's because there a query
// word that the index reads as two tokens is an error (see the sqlite
// package's TestTokenRunes); PostgreSQL accepts any word.
func WordRune(r rune) bool {
	switch {
	case unicode.Is(fts5Diacritics, r):
		return true
	case unicode.Is(fts5NotLetters, r):
		return false
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

var (
	fts5Diacritics = &unicode.RangeTable{R16: []unicode.Range16{
		{0x300, 0x304, 1}, {0x306, 0x30c, 1}, {0x30f, 0x311, 2}, {0x31b, 0x31b, 1},
		{0x323, 0x328, 1}, {0x32d, 0x32e, 1}, {0x330, 0x331, 1},
	}}
	fts5NotLetters = &unicode.RangeTable{R16: []unicode.Range16{
		{0x19b0, 0x19c0, 1}, {0x19c8, 0x19c9, 1}, {0x1cf2, 0x1cf3, 1},
	}}
)

// CheckQueryWords refuses a search of more than MaxQueryWords words.
func CheckQueryWords(words []string) error {
	if len(words) > MaxQueryWords {
		return fmt.Errorf("search of %d words: %w: at most %d", len(words), ErrLongQuery, MaxQueryWords)
	}
	return nil
}

// SearchLimit is the page size of a search that asks for none.
func SearchLimit(q ArticleQuery) int {
	if q.Limit <= 0 {
		return 50
	}
	return q.Limit
}

// SearchWindows are the numbers of newest matches a search ranks, tried in
// turn until a page is filled; 0 is all of them. A common word matches most
// of a million articles: ranking the newest few thousand keeps a search well
// under 100 ms and favours recent coverage, which is what news search wants.
var SearchWindows = []int{2000, 20000, 0}

// RankNewest ranks a search's matches window by window (see SearchWindows)
// until a page of n is filled or a window holds every match: start returns
// the bound of a window's newest matches (0 for all of them), and rank
// ranks the matches from a bound on.
func RankNewest(windows []int, n int, start func(window int) (int64, error), rank func(bound int64) ([]SearchHit, error)) ([]SearchHit, error) {
	var hits []SearchHit
	for _, window := range windows {
		bound, err := start(window)
		if err != nil {
			return nil, err
		}
		if hits, err = rank(bound); err != nil {
			return nil, err
		}
		if len(hits) == n || bound == 0 {
			break
		}
	}
	return hits, nil
}

// TitleWeight is how much more a query word in the title counts than one
// in the text.
const TitleWeight = 4.0

// SearchRank is a match's rank: 1 plus TitleWeight times the share of the
// query's words found in the title. Ties go to the newest match. It weighs
// no word by its rarity: that needs every word's count over the whole
// index, 50 ms for a common word at a million articles.
func SearchRank(inTitle, words int) float64 {
	rank := 1.0
	for range inTitle {
		rank += TitleWeight / float64(words)
	}
	return rank
}

// StorySort is an order of story listings.
type StorySort int

// The sorts of StoryQuery.Sort. Undated stories end the newest list.
const (
	SortNewest  StorySort = iota // last published first
	SortBiggest                  // most articles first
	SortUpdated                  // last changed first
)

// ParseStorySort reads StoryQuery.Sort: "newest" (also ""), "biggest" or
// "updated"; anything else is ErrBadSort. Ties go to the newest story id.
func ParseStorySort(sort string) (StorySort, error) {
	switch sort {
	case "", "newest":
		return SortNewest, nil
	case "biggest":
		return SortBiggest, nil
	case "updated":
		return SortUpdated, nil
	}
	return 0, fmt.Errorf("stories sorted by %q: %w: newest, biggest or updated", sort, ErrBadSort)
}

// SplitArticle is what a split needs to know of an article it names.
type SplitArticle struct {
	Story int64 // 0: in no story
	// CopyOf is the article it copies (0: none) and CopyOfStory the story
	// that one is in.
	CopyOf, CopyOfStory int64
	// Copies are the copies of it the story being split holds, by id.
	Copies []int64
}

// SplitMoving checks a split of articles out of story and returns the
// articles that move: those named, followed by the copies of them the story
// holds, as a copy carries its original's story and does not stay behind.
// look reads an article (an error matching ErrNotFound when there is none)
// and size counts the story's articles. A split that names no article, one
// twice or one outside the story, a copy without its original staying in
// the story, or one leaving the story empty, is ErrBadSplit.
func SplitMoving(story int64, articles []int64, look func(id int64) (SplitArticle, error), size func() (int, error)) ([]int64, error) {
	if len(articles) == 0 {
		return nil, fmt.Errorf("no article named: %w", ErrBadSplit)
	}
	moving := slices.Clone(articles)
	for i, a := range articles {
		if slices.Contains(articles[:i], a) {
			return nil, fmt.Errorf("article %d named twice: %w", a, ErrBadSplit)
		}
		sa, err := look(a)
		switch {
		case err != nil:
			return nil, err
		case sa.Story != story:
			return nil, fmt.Errorf("article %d is not in story %d: %w", a, story, ErrBadSplit)
		case sa.CopyOf != 0 && sa.CopyOfStory == story && !slices.Contains(articles, sa.CopyOf):
			return nil, fmt.Errorf("article %d is a copy of article %d, which stays in story %d: name both to split them out together, or move the copy alone: %w",
				a, sa.CopyOf, story, ErrBadSplit)
		}
		for _, c := range sa.Copies {
			if !slices.Contains(moving, c) {
				moving = append(moving, c)
			}
		}
	}
	n, err := size()
	if err != nil {
		return nil, fmt.Errorf("story %d: %w", story, err)
	}
	if n == len(moving) {
		return nil, fmt.Errorf("the articles named and their copies are all %d of story %d; a split leaves at least one: %w", n, story, ErrBadSplit)
	}
	return moving, nil
}

// EncodeList stores a list as JSON text, an empty one as "[]".
func EncodeList[T any](v []T) (string, error) {
	if len(v) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode %T: %w", v, err)
	}
	return string(b), nil
}

// DecodeList reads a list stored by EncodeList; "[]" reads as nil, so a
// record reads back as it was written.
func DecodeList[T any](s string) ([]T, error) {
	if s == "" || s == "[]" {
		return nil, nil
	}
	var v []T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, fmt.Errorf("decode %T: %w", v, err)
	}
	return v, nil
}

// Facet kinds: what a story's articles have, kept per story so listings can
// be filtered without reading articles.
const (
	FacetOutlet   = "outlet"
	FacetLanguage = "language"
	FacetEntity   = "entity"
)

// Facet is one value of a kind a story can be filtered on.
type Facet struct{ Kind, Value string }

// ArticleFacets lists the facets an article gives its story: its outlet and
// language when known, and each entity it mentions once, by EntityKey.
func ArticleFacets(outlet, language string, entities []string) []Facet {
	var fs []Facet
	if outlet != "" {
		fs = append(fs, Facet{FacetOutlet, outlet})
	}
	if language != "" {
		fs = append(fs, Facet{FacetLanguage, language})
	}
	seen := make(map[string]bool, len(entities))
	for _, e := range entities {
		if k := EntityKey(e); k != "" && !seen[k] {
			seen[k] = true
			fs = append(fs, Facet{FacetEntity, k})
		}
	}
	return fs
}

// Tally gathers what a transaction's articles add to the counts kept on
// write (stories, their facets, outlets), for the store to write at the
// end, one update per story, facet value and outlet instead of one each per
// article: a batch's articles share stories, outlets, languages and
// entities.
type Tally struct {
	Stories map[int64]*StoryAdd
	Facets  map[StoryFacet]int64
	Outlets map[string]int64
}

// StoryAdd is what a transaction adds to one story: articles, and the
// earliest and latest of their publication dates (nil: none dated).
type StoryAdd struct {
	Articles    int64
	First, Last *time.Time
}

// StoryFacet is a facet of one story.
type StoryFacet struct {
	Story int64
	Facet
}

// NewTally returns an empty tally.
func NewTally() *Tally {
	return &Tally{Stories: map[int64]*StoryAdd{}, Facets: map[StoryFacet]int64{}, Outlets: map[string]int64{}}
}

// Add counts article a into its outlet and, with the entities it mentions,
// into story (0: none).
func (t *Tally) Add(story int64, a *model.Article, entities []string) {
	t.Outlets[a.Outlet]++
	if story == 0 {
		return
	}
	sa := t.Stories[story]
	if sa == nil {
		sa = &StoryAdd{}
		t.Stories[story] = sa
	}
	sa.Articles++
	if p := a.Published; p != nil {
		if sa.First == nil || p.Before(*sa.First) {
			sa.First = p
		}
		if sa.Last == nil || p.After(*sa.Last) {
			sa.Last = p
		}
	}
	for _, f := range ArticleFacets(a.Outlet, a.Language, entities) {
		t.Facets[StoryFacet{story, f}]++
	}
}

// Drop forgets what is tallied for stories recounted from their articles:
// the recount holds the transaction's articles already. Dropping instead of
// writing the tally first keeps one write per story and facet a batch.
func (t *Tally) Drop(stories ...int64) {
	for _, story := range stories {
		delete(t.Stories, story)
	}
	for k := range t.Facets {
		if slices.Contains(stories, k.Story) {
			delete(t.Facets, k)
		}
	}
}

// Sorted returns the keys of the tallied stories, facets and outlets in
// order, the order to write them in: inserts in index order touch fewer
// pages, and writers taking row locks in one order cannot deadlock.
func (t *Tally) Sorted() (stories []int64, facets []StoryFacet, outlets []string) {
	stories = slices.Sorted(maps.Keys(t.Stories))
	facets = slices.SortedFunc(maps.Keys(t.Facets), func(a, b StoryFacet) int {
		return cmp.Or(cmp.Compare(a.Story, b.Story), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Value, b.Value))
	})
	outlets = slices.Sorted(maps.Keys(t.Outlets))
	return stories, facets, outlets
}

// Reset empties the tally once it is written.
func (t *Tally) Reset() {
	clear(t.Stories)
	clear(t.Facets)
	clear(t.Outlets)
}
