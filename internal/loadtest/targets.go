package loadtest

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

// Kinds of request Targets builds, as issue 5's load test names them.
const (
	KindStoryPage = "story_page" // GET /stories/{id}
	KindStoryJSON = "story_json" // GET /api/v1/stories/{id}
	KindSearch    = "search"     // GET /api/v1/search?q=...
)

// StoryLister is what Targets needs of a store.
type StoryLister interface {
	Stories(ctx context.Context, q store.StoryQuery) ([]model.StorySummary, error)
}

// Targets picks up to n of the biggest stories of st and returns the three
// kinds of request a reader makes: story pages, story JSON, and searches
// for queries (or, when queries is empty, for a word of each story's title).
func Targets(ctx context.Context, st StoryLister, n int, queries []string) ([]Target, error) {
	stories, err := st.Stories(ctx, store.StoryQuery{Sort: "biggest", Limit: n})
	if err != nil {
		return nil, fmt.Errorf("load test targets: %w", err)
	}
	if len(stories) == 0 {
		return nil, fmt.Errorf("load test targets: no stories stored: %w", ErrNoTargets)
	}
	derive := len(queries) == 0
	page := Target{Kind: KindStoryPage}
	api := Target{Kind: KindStoryJSON}
	for _, s := range stories {
		id := strconv.FormatInt(s.ID, 10)
		page.Paths = append(page.Paths, "/stories/"+id)
		api.Paths = append(api.Paths, "/api/v1/stories/"+id)
		if w := titleWord(s.Title); derive && w != "" {
			queries = append(queries, w)
		}
	}
	search := Target{Kind: KindSearch}
	for _, q := range queries {
		search.Paths = append(search.Paths, "/api/v1/search?q="+url.QueryEscape(q))
	}
	if len(search.Paths) == 0 {
		return []Target{page, api}, nil
	}
	return []Target{page, api, search}, nil
}

// titleWord returns the longest word of a title, which is likely to be a
// name or a subject rather than a stop word.
func titleWord(title string) string {
	best := ""
	for _, w := range strings.FieldsFunc(title, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len([]rune(w)) > len([]rune(best)) {
			best = w
		}
	}
	return best
}
