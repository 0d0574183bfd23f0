package storetest

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/store"
)

// state returns as text everything the interface reads of s (and, when
// o has one, s's own Snapshot), to compare before and after a write that
// must change nothing. Entity filters are read for each of entities.
func state(t *testing.T, o Opener, s store.Store, entities ...string) string {
	t.Helper()
	ctx := t.Context()
	var b strings.Builder
	put := func(name string, v any, err error) {
		data, jerr := json.Marshal(v)
		if jerr != nil {
			t.Fatalf("state of %s: %v", name, jerr)
		}
		fmt.Fprintf(&b, "%s: %s", name, data)
		if err != nil {
			fmt.Fprintf(&b, " (error: %v)", err)
		}
		b.WriteByte('\n')
	}

	n, err := s.CountArticles(ctx)
	put("articles", n, err)
	n, err = s.CountStories(ctx)
	put("stories", n, err)
	g, err := s.Generation(ctx)
	put("generation", g, err)
	outlets, err := s.Outlets(ctx)
	put("outlets", outlets, err)
	arts, err := s.Articles(ctx, store.ArticleQuery{WithText: true})
	put("article list", arts, err)
	stories := map[int64]bool{}
	for _, a := range arts {
		raw, err := s.Raw(ctx, a.ID)
		put(fmt.Sprintf("raw %d", a.ID), raw, err)
		f, err := s.Features(ctx, a.ID)
		put(fmt.Sprintf("features %d", a.ID), f, err)
		if a.Story != nil {
			stories[*a.Story] = true
		}
	}
	var rows []store.ClusterRow
	err = s.ChangedRows(ctx, 0, func(r store.ClusterRow) error {
		r.Features = slices.Clone(r.Features)
		rows = append(rows, r)
		return nil
	})
	put("changed rows", rows, err)
	list, err := s.Stories(ctx, store.StoryQuery{})
	put("story list", list, err)
	for _, st := range list {
		stories[st.ID] = true
	}
	merged, err := s.MergedStories(ctx)
	put("merged", merged, err)
	for from, into := range merged {
		stories[from], stories[into] = true, true
	}
	for _, e := range entities {
		list, err := s.Stories(ctx, store.StoryQuery{Entity: e})
		put("stories of "+e, storyIDs(list), err)
	}
	for _, id := range slices.Sorted(maps.Keys(stories)) {
		sum, err := s.Story(ctx, id)
		put(fmt.Sprintf("story %d", id), sum, err)
		v, err := s.StoryVersion(ctx, id)
		put(fmt.Sprintf("version %d", id), v, err)
		ds, err := s.Decisions(ctx, id)
		put(fmt.Sprintf("decisions %d", id), ds, err)
	}
	cs, err := s.Corrections(ctx)
	put("corrections", cs, err)
	hits, err := s.Search(ctx, "body", store.ArticleQuery{})
	put("search", hits, err)
	feeds, err := s.Feeds(ctx)
	put("feeds", feeds, err)
	if o.Snapshot != nil {
		b.WriteString(o.Snapshot(t, s))
	}
	return b.String()
}
