// Package source reads articles from everything a user has: plain text
// files, HTML pages, JSONL exports, RSS/Atom/JSON feeds, URLs, directories
// and stdin. Each input format has its own subpackage with its own Parse;
// this package dispatches between them and yields one Item per article.
package source

import (
	"time"

	"github.com/parallax-news/parallax/internal/model"
)

// Body formats of an Item.
const (
	FormatText = "text" // plain text article, as in the seed files
	FormatHTML = "html" // a web page or HTML feed content, to be extracted
)

// Kinds of input, recorded with the article (model.Article.Format).
const (
	KindText  = "text"
	KindHTML  = "html"
	KindJSONL = "jsonl"
	KindFeed  = "feed"
)

// Item is one article-sized input, before extraction and cleaning.
type Item struct {
	// Input names the item in messages: a path, "path:12" for a JSONL line,
	// a URL, or "feed-url#3" for a feed entry.
	Input string
	// Kind is the input kind recorded with the article: text, html, jsonl, feed.
	Kind string
	// Format says how Body is to be read: FormatText or FormatHTML.
	Format string
	// Body is the article's text or HTML.
	Body []byte
	// Raw is the input exactly as read (the file, the JSONL line, the feed
	// entry re-encoded as JSON; a gzipped file decompressed), kept so the
	// article can be re-processed later.
	Raw model.Raw
	// Hint carries what the input itself says about the article.
	Hint Hint
	// Linked is set for an entry of a feed read over the network: when it
	// gives only a headline or a teaser, the page it links to may be
	// fetched for the text (pipeline.Options). A feed read from a file is
	// read offline.
	Linked bool
}

// Hint is metadata an input states outright (JSONL fields, feed entries,
// the URL a page was fetched from, --outlet). Extraction fills in the rest.
type Hint struct {
	ExternalID string
	Outlet     string
	URL        string
	Title      string
	Published  *time.Time
	Language   string
}
