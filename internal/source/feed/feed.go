// Package feed reads RSS, Atom and JSON Feed documents through gofeed and
// turns each entry into an article-sized Entry: its content (or summary),
// link, guid, title and date, and the entry itself re-encoded as JSON so
// it can be re-processed later.
package feed

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"

	"github.com/parallax-news/parallax/internal/source/content"
	"github.com/parallax-news/parallax/internal/source/date"
)

// Errors callers test with errors.Is.
var (
	ErrMalformed = errors.New("malformed feed")
	ErrNoContent = errors.New("entry has no headline, content or summary")
)

// RawContentType is the content type of Entry.Raw.
const RawContentType = "application/json"

// Feed is a parsed feed document.
type Feed struct {
	// Name is the input the feed was read from (a path or URL).
	Name     string
	Title    string
	Link     string
	Language string
	// Type is "rss", "atom" or "json".
	Type  string
	items []*gofeed.Item
	base  *url.URL
}

// Entry is one feed entry as an article-sized input.
type Entry struct {
	// Input names the entry: "NAME#N", N counting entries from 1.
	Input     string
	Title     string
	URL       string
	GUID      string
	Published *time.Time
	// Outlet is the feed's title.
	Outlet   string
	Language string
	// Content is the entry's content, or its summary when it has none.
	Content string
	// HTML is true when Content holds markup (tags or entities).
	HTML bool
	// Raw is the entry re-encoded as JSON (RawContentType).
	Raw []byte
}

// Parse reads a whole feed document. A document that is not a feed, or
// is broken, is one ErrMalformed error naming the input.
func Parse(data []byte, name string) (*Feed, error) {
	// JSON must be UTF-8, and the JSON decoder would quietly replace bad
	// bytes; XML feeds may declare another charset, which gofeed handles.
	if bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("{")) && !utf8.Valid(data) {
		return nil, fmt.Errorf("%s: %w: %w", name, ErrMalformed, content.CheckText(data))
	}
	parsed, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", name, ErrMalformed, err)
	}
	// gofeed reads any JSON object as a JSON Feed; only one that says so is.
	if parsed.FeedType == "json" && !strings.Contains(parsed.FeedVersion, "jsonfeed.org") {
		return nil, fmt.Errorf("%s: %w: JSON without a JSON Feed version", name, ErrMalformed)
	}
	f := &Feed{
		Name:     name,
		Title:    strings.TrimSpace(parsed.Title),
		Link:     parsed.Link,
		Language: parsed.Language,
		Type:     parsed.FeedType,
		items:    parsed.Items,
	}
	// Relative entry links resolve against the feed's site, or else the
	// URL the feed came from.
	for _, ref := range []string{parsed.Link, name} {
		if u, err := url.Parse(ref); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			f.base = u
			break
		}
	}
	return f, nil
}

// Len returns the number of entries.
func (f *Feed) Len() int { return len(f.items) }

// Entries yields each entry in document order, or an error naming an
// entry that has nothing to read.
func (f *Feed) Entries() iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for i, it := range f.items {
			e, err := f.entry(i, it)
			if err != nil {
				err = fmt.Errorf("%s: %w", e.Input, err)
			}
			if !yield(e, err) {
				return
			}
		}
	}
}

func (f *Feed) entry(i int, it *gofeed.Item) (Entry, error) {
	e := Entry{
		Input:    f.Name + "#" + strconv.Itoa(i+1),
		Title:    strings.TrimSpace(it.Title),
		GUID:     it.GUID,
		Outlet:   f.Title,
		Language: f.Language,
		URL:      f.resolve(it),
	}
	body := it.Content
	if strings.TrimSpace(body) == "" {
		body = it.Description
	}
	// An entry of a headline alone is kept: its page may be fetched for
	// the text (pipeline.Options.Pages), and without it the headline still
	// says what happened.
	if strings.TrimSpace(body) == "" && e.Title == "" {
		return e, ErrNoContent
	}
	if !utf8.ValidString(body) {
		return e, content.CheckText([]byte(body))
	}
	e.Content, e.HTML = body, hasMarkup(body)
	e.Published = published(it)
	raw, err := json.Marshal(it)
	if err != nil {
		return e, fmt.Errorf("encode entry: %w", err)
	}
	e.Raw = raw
	return e, nil
}

func (f *Feed) resolve(it *gofeed.Item) string {
	link := strings.TrimSpace(it.Link)
	if link == "" && len(it.Links) > 0 {
		link = strings.TrimSpace(it.Links[0])
	}
	if link == "" || f.base == nil {
		return link
	}
	u, err := url.Parse(link)
	if err != nil {
		return link
	}
	return f.base.ResolveReference(u).String()
}

// published prefers the publication date over the update date, and reads
// with our own parser the dates gofeed could not.
func published(it *gofeed.Item) *time.Time {
	if it.PublishedParsed != nil {
		return it.PublishedParsed
	}
	if t, err := date.Parse(it.Published); err == nil {
		return &t
	}
	if it.UpdatedParsed != nil {
		return it.UpdatedParsed
	}
	if t, err := date.Parse(it.Updated); err == nil {
		return &t
	}
	return nil
}

// hasMarkup reports whether s holds HTML tags or character references, so
// that extraction, not the plain-text reader, takes it.
func hasMarkup(s string) bool {
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return false
		case html.TextToken:
			raw := z.Raw()
			if bytes.IndexByte(raw, '&') >= 0 && html.UnescapeString(string(raw)) != string(raw) {
				return true
			}
		default: // tags, comments, doctypes
			return true
		}
	}
}
