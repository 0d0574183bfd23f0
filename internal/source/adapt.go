package source

import (
	"github.com/parallax-news/parallax/internal/source/feed"
	"github.com/parallax-news/parallax/internal/source/jsonl"
)

// The adapters live here rather than in the format packages because those
// cannot import this one (it imports them).

// fromJSONL turns a JSONL record into an Item; outlet, when set, overrides
// the record's own.
func fromJSONL(rec jsonl.Record, outlet string) Item {
	if outlet == "" {
		outlet = rec.Outlet
	}
	return Item{
		Input:  rec.Input,
		Kind:   KindJSONL,
		Format: FormatText,
		Body:   []byte(rec.Text),
		Raw:    rawOf(rawJSON, rec.Raw),
		Hint: Hint{
			ExternalID: rec.ID,
			Outlet:     outlet,
			URL:        rec.URL,
			Title:      rec.Title,
			Published:  rec.Published,
		},
	}
}

// FeedItem turns a feed entry into an Item (the feed poller uses it on the
// documents it fetches itself); outlet, when set, overrides
// the feed's title.
func FeedItem(e feed.Entry, outlet string) Item {
	if outlet == "" {
		outlet = e.Outlet
	}
	format := FormatText
	if e.HTML {
		format = FormatHTML
	}
	return Item{
		Input:  e.Input,
		Kind:   KindFeed,
		Format: format,
		Body:   []byte(e.Content),
		Raw:    rawOf(feed.RawContentType, e.Raw),
		Hint: Hint{
			ExternalID: e.GUID,
			Outlet:     outlet,
			URL:        e.URL,
			Title:      e.Title,
			Published:  e.Published,
			Language:   e.Language,
		},
	}
}
