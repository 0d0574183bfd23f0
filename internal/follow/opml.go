package follow

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/source/fetch"
	"golang.org/x/net/html/charset"
)

// ErrBadOPML marks a document that is not OPML at all; ReadOPML returns no
// feeds with it.
var ErrBadOPML = errors.New("not an OPML document")

// ErrBadOutline marks an outline ReadOPML skipped (its xmlUrl is bad, or
// it is nested absurdly deep); ReadOPML still returns every good feed with it.
var ErrBadOutline = errors.New("bad feed outline")

// opmlDoc is the wire form of an OPML 1.0/2.0 subscription list.
type opmlDoc struct {
	XMLName xml.Name  `xml:"opml"`
	Version string    `xml:"version,attr"`
	Title   string    `xml:"head>title"`
	Body    *opmlBody `xml:"body"`
}

type opmlBody struct {
	Outlines []opmlOutline `xml:"outline"`
}

type opmlOutline struct {
	Type     string        `xml:"type,attr,omitempty"`
	Text     string        `xml:"text,attr"`
	Title    string        `xml:"title,attr,omitempty"`
	XMLURL   string        `xml:"xmlUrl,attr,omitempty"`
	Outlines []opmlOutline `xml:"outline"`
}

// maxOutlineDepth bounds the recursion over nested outlines; real
// subscription lists have one or two levels of folders.
const maxOutlineDepth = 32

// ReadOPML reads a subscription list. Every outline with an xmlUrl is a
// feed, titled by its title or text attribute; an outline without one is a
// folder, and Parallax takes the nearest folder's text as the outlet of the
// feeds inside it (WriteOPML groups feeds by outlet the same way). A URL that
// appears twice is kept once. Outlines with a bad URL are reported in an
// error wrapping ErrBadOutline, returned together with the good feeds so an
// import can keep them.
func ReadOPML(r io.Reader) ([]model.Feed, error) {
	var doc opmlDoc
	dec := xml.NewDecoder(r)
	// OPML files exported by older readers declare ISO-8859-1 and the like.
	dec.CharsetReader = charset.NewReaderLabel
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadOPML, err)
	}
	if doc.Body == nil {
		return nil, fmt.Errorf("%w: no body element", ErrBadOPML)
	}
	rd := opmlReader{seen: map[string]bool{}}
	rd.walk(doc.Body.Outlines, "", 0)
	return rd.feeds, errors.Join(rd.errs...)
}

type opmlReader struct {
	feeds []model.Feed
	errs  []error
	seen  map[string]bool
}

func (rd *opmlReader) walk(outlines []opmlOutline, outlet string, depth int) {
	if depth > maxOutlineDepth {
		rd.errs = append(rd.errs, fmt.Errorf("%w: outlines nested deeper than %d levels", ErrBadOutline, maxOutlineDepth))
		return
	}
	for _, o := range outlines {
		name := strings.TrimSpace(o.Title)
		if name == "" {
			name = strings.TrimSpace(o.Text)
		}
		raw := strings.TrimSpace(o.XMLURL)
		if raw == "" {
			folder := strings.TrimSpace(o.Text)
			if folder == "" {
				folder = outlet
			}
			rd.walk(o.Outlines, folder, depth+1)
			continue
		}
		u, err := CheckURL(raw)
		if err != nil {
			rd.errs = append(rd.errs, fmt.Errorf("%w %q: %w", ErrBadOutline, name, err))
			continue
		}
		if name == raw || name == u {
			name = "" // readers put the URL in text when there is no title
		}
		if !rd.seen[u] {
			rd.seen[u] = true
			rd.feeds = append(rd.feeds, model.Feed{URL: u, Title: name, Outlet: outlet})
		}
		// A feed outline with children is unusual but legal; its children
		// belong to the same folder.
		rd.walk(o.Outlines, outlet, depth+1)
	}
}

// ErrBadURL marks a feed URL that is not an absolute http(s) URL.
var ErrBadURL = errors.New("feed URL must be an absolute http or https URL")

// CheckURL checks that raw is an absolute http(s) URL and returns it in
// the canonical form feeds are stored and compared in.
func CheckURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrBadURL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%w: %q", ErrBadURL, raw)
	}
	if u.User != nil {
		return "", fmt.Errorf("%w: %s: %w", ErrBadURL, u.Redacted(), fetch.ErrCredentials)
	}
	return u.String(), nil
}

// WriteOPML writes feeds as an OPML 2.0 subscription list: feeds without an
// outlet at the top level, the others in one folder per outlet, in the order
// the outlets first appear.
func WriteOPML(w io.Writer, feeds []model.Feed) error {
	doc := opmlDoc{Version: "2.0", Title: "Parallax feeds", Body: &opmlBody{}}
	folders := map[string]int{} // outlet -> index in doc.Body.Outlines
	for _, f := range feeds {
		o := opmlOutline{Type: "rss", Text: f.Title, Title: f.Title, XMLURL: f.URL}
		if o.Text == "" {
			o.Text = f.URL // text is required by the OPML 2.0 spec
		}
		if f.Outlet == "" {
			doc.Body.Outlines = append(doc.Body.Outlines, o)
			continue
		}
		i, ok := folders[f.Outlet]
		if !ok {
			i = len(doc.Body.Outlines)
			folders[f.Outlet] = i
			doc.Body.Outlines = append(doc.Body.Outlines, opmlOutline{Text: f.Outlet})
		}
		doc.Body.Outlines[i].Outlines = append(doc.Body.Outlines[i].Outlines, o)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write OPML: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write OPML: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write OPML: %w", err)
	}
	return nil
}
