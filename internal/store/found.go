package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/parallax-news/parallax/internal/model"
)

// Found is what a search finds: the best matching articles, and the
// stories they belong to in the order of their best hits. Its JSON is the
// API's answer to a search.
type Found struct {
	Query    string               `json:"query"`
	Articles []SearchHit          `json:"articles"`
	Stories  []model.StorySummary `json:"stories"`
}

// MaxFoundStories bounds the stories a search lists beside its articles: a
// reader looks for the story among the first few.
const MaxFoundStories = 10

// SearchStories runs a search on st and reads the stories of its hits in
// one more query. An empty query finds nothing.
func SearchStories(ctx context.Context, st Store, query string, q ArticleQuery) (Found, error) {
	res := Found{Query: query, Articles: []SearchHit{}, Stories: []model.StorySummary{}}
	if strings.TrimSpace(query) == "" {
		return res, nil
	}
	hits, err := st.Search(ctx, query, q)
	if err != nil {
		return res, err // the store's error says which search
	}
	res.Articles = append(res.Articles, hits...)
	var ids []int64
	for _, h := range hits {
		if h.Article.Story != nil && !slices.Contains(ids, *h.Article.Story) && len(ids) < MaxFoundStories {
			ids = append(ids, *h.Article.Story)
		}
	}
	if len(ids) == 0 {
		return res, nil
	}
	stories, err := st.Stories(ctx, StoryQuery{IDs: ids, Limit: len(ids)})
	if err != nil {
		return res, fmt.Errorf("stories of search %q: %w", query, err)
	}
	slices.SortFunc(stories, func(a, b model.StorySummary) int {
		return cmp.Compare(slices.Index(ids, a.ID), slices.Index(ids, b.ID))
	})
	res.Stories = append(res.Stories, stories...)
	return res, nil
}
