package follow

import (
	"iter"

	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/source/feed"
)

// Parser reads a fetched feed document. An error fails the poll (the
// document is not a feed); the sequence yields one item per entry, or an
// error naming an entry that cannot be read, which fails that entry alone.
type Parser func(feedURL string, body []byte) (iter.Seq2[source.Item, error], error)

// ParseFeed is the default Parser: RSS, Atom and JSON Feed documents read
// by internal/source/feed, each entry an item of kind "feed".
func ParseFeed(feedURL string, body []byte) (iter.Seq2[source.Item, error], error) {
	f, err := feed.Parse(body, feedURL)
	if err != nil {
		return nil, err // names the feed
	}
	return func(yield func(source.Item, error) bool) {
		for e, err := range f.Entries() {
			it := source.Item{Input: e.Input}
			if err == nil {
				it = source.FeedItem(e, "")
				it.Linked = true
			}
			if !yield(it, err) {
				return
			}
		}
	}, nil
}
