package source

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"log/slog"
	"mime"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/source/content"
	"github.com/parallax-news/parallax/internal/source/feed"
	"github.com/parallax-news/parallax/internal/source/fetch"
	"github.com/parallax-news/parallax/internal/source/jsonl"
)

// Errors callers test with errors.Is. They are the readers' own sentinels,
// gathered here so callers need import only this package.
var (
	ErrEmpty            = content.ErrEmpty
	ErrBinary           = content.ErrBinary
	ErrInvalidUTF8      = content.ErrInvalidUTF8
	ErrTooLarge         = content.ErrTooLarge
	ErrMalformedFeed    = feed.ErrMalformed
	ErrNoContent        = feed.ErrNoContent
	ErrJSON             = jsonl.ErrSyntax
	ErrNoText           = jsonl.ErrNoText
	ErrPrivateAddress   = fetch.ErrPrivateAddress
	ErrTooManyRedirects = fetch.ErrTooManyRedirects
	ErrTimeout          = fetch.ErrTimeout
	ErrStatus           = fetch.ErrStatus
	ErrScheme           = fetch.ErrScheme
	ErrCredentials      = fetch.ErrCredentials
	ErrUnsupported      = errors.New("unsupported content type")
	ErrNotRegular       = errors.New("not a regular file or directory")
)

// DefaultMaxFileSize bounds one file, stdin, or one JSONL line.
const DefaultMaxFileSize = 32 << 20

// Content types of Item.Raw.
const (
	rawText = "text/plain; charset=utf-8"
	rawHTML = "text/html"
	rawJSON = "application/json"
)

// Options configures Read.
type Options struct {
	// Outlet, when set, names the outlet of every item (--outlet).
	Outlet string
	// Fetch fetches URLs; nil means a client with the default limits and
	// AllowPrivate.
	Fetch *fetch.Client
	// AllowPrivate lets the default client fetch from loopback, private
	// and link-local addresses.
	AllowPrivate bool
	// MaxFileSize bounds a file or stdin; a larger one is ErrTooLarge.
	// JSONL is read as a stream and the bound applies to each line, since
	// each line is an article of its own. Zero means DefaultMaxFileSize.
	MaxFileSize int64
	// Skip names files a directory's walk passes over: the database being
	// ingested into and its companions, when the walk goes through them.
	Skip []string
	// Stdin is read for the input "-"; nil means os.Stdin.
	Stdin  io.Reader
	Logger *slog.Logger
}

// Read yields the items of one input: a file, a directory (recursively,
// in lexical order, skipping hidden files and directories), "-" for stdin,
// or an http(s) URL. A bad input, file, JSONL line or feed entry yields an
// error naming it and the reason, with Item.Input set, and reading goes on
// with the rest.
func Read(ctx context.Context, input string, opt Options) iter.Seq2[Item, error] {
	if opt.MaxFileSize <= 0 {
		opt.MaxFileSize = DefaultMaxFileSize
	}
	if opt.Stdin == nil {
		opt.Stdin = os.Stdin
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	return func(yield func(Item, error) bool) {
		r := &reader{opt: opt, yield: yield}
		for _, p := range opt.Skip {
			if info, err := os.Stat(p); err == nil {
				r.skip = append(r.skip, info)
			}
		}
		switch {
		case input == "-":
			r.stdin(ctx)
		case isURL(input):
			r.url(ctx, input)
		case strings.Contains(input, "://"):
			r.fail(input, fmt.Errorf("%s: %w", input, ErrScheme))
		default:
			r.path(ctx, input)
		}
	}
}

func isURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// reader holds one Read call's state; stopped records that the consumer
// stopped ranging, so nothing more is yielded.
type reader struct {
	opt     Options
	yield   func(Item, error) bool
	stopped bool
	skip    []os.FileInfo // Options.Skip's files that exist
}

func (r *reader) emit(it Item, err error) bool {
	if r.stopped {
		return false
	}
	if !r.yield(it, err) {
		r.stopped = true
	}
	return !r.stopped
}

func (r *reader) item(it Item) bool { return r.emit(it, nil) }

// skipped reports whether the walk's entry d is a file Options.Skip names,
// by the file itself, however either path is written.
func (r *reader) skipped(d fs.DirEntry) bool {
	if len(r.skip) == 0 {
		return false
	}
	info, err := d.Info()
	return err == nil && slices.ContainsFunc(r.skip, func(s os.FileInfo) bool { return os.SameFile(s, info) })
}

func (r *reader) fail(input string, err error) bool { return r.emit(Item{Input: input}, err) }

// path reads a file or walks a directory.
func (r *reader) path(ctx context.Context, root string) {
	info, err := os.Stat(root)
	if err != nil {
		r.fail(root, err) // *fs.PathError names the path
		return
	}
	if !info.IsDir() {
		r.file(ctx, root)
		return
	}
	// WalkDir reads a root that is a link to a directory as the link: with
	// a separator after it, it reads the directory. Links inside are not
	// followed, so a walk cannot loop.
	walkRoot := root
	if li, err := os.Lstat(root); err == nil && li.Mode()&fs.ModeSymlink != 0 {
		walkRoot = root + string(filepath.Separator)
	}
	// WalkDir visits entries in lexical order, so a directory always
	// yields its items in the same order.
	err = filepath.WalkDir(walkRoot, func(p string, d fs.DirEntry, err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err != nil {
			if !r.fail(p, err) {
				return fs.SkipAll
			}
			return nil
		}
		if p != walkRoot && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || r.skipped(d) {
			return nil
		}
		r.file(ctx, p)
		if r.stopped {
			return fs.SkipAll
		}
		return nil
	})
	if err != nil {
		r.fail(root, fmt.Errorf("%s: %w", root, err))
	}
}

// kindByName returns the kind a file's name declares, or "" to sniff, and
// whether it is gzipped.
func kindByName(name string) (kind string, gz bool) {
	name = strings.ToLower(name)
	name, gz = strings.CutSuffix(name, ".gz")
	switch filepath.Ext(name) {
	case ".txt", ".text":
		return KindText, gz
	case ".html", ".htm", ".xhtml":
		return KindHTML, gz
	case ".jsonl", ".ndjson":
		return KindJSONL, gz
	case ".xml", ".rss", ".atom", ".json":
		return KindFeed, gz
	}
	if gz {
		// A bare .gz is most often a saved page.
		return KindHTML, gz
	}
	return "", false
}

func (r *reader) file(ctx context.Context, path string) {
	f, err := os.Open(path)
	if err != nil {
		r.fail(path, err)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		r.fail(path, err)
		return
	}
	if !info.Mode().IsRegular() {
		r.fail(path, fmt.Errorf("%s: %w", path, ErrNotRegular))
		return
	}
	kind, gz := kindByName(path)
	if kind == KindJSONL && !gz {
		r.jsonl(ctx, f, path)
		return
	}
	if info.Size() > r.opt.MaxFileSize {
		r.fail(path, fmt.Errorf("%s: %w: %d bytes, the limit is %d", path, ErrTooLarge, info.Size(), r.opt.MaxFileSize))
		return
	}
	data, err := content.ReadAll(f, r.opt.MaxFileSize)
	if err != nil {
		r.fail(path, fmt.Errorf("%s: %w", path, err))
		return
	}
	r.data(ctx, path, kind, gz, data, "", "")
}

// stdin reads "-", streaming it when it holds JSONL.
func (r *reader) stdin(ctx context.Context) {
	const name = "-"
	br := bufio.NewReaderSize(r.opt.Stdin, 64<<10)
	head, err := br.Peek(4096)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		r.fail(name, fmt.Errorf("%s (stdin): %w", name, err))
		return
	}
	if content.Sniff(head) == content.JSONL {
		r.jsonl(ctx, br, name)
		return
	}
	data, err := content.ReadAll(br, r.opt.MaxFileSize)
	if err != nil {
		r.fail(name, fmt.Errorf("%s (stdin): %w", name, err))
		return
	}
	r.data(ctx, name, "", false, data, "", "")
}

// data dispatches bytes already read to the reader for their kind; kind
// "" means sniff. pageURL and contentType are set for fetched pages.
func (r *reader) data(ctx context.Context, input, kind string, gz bool, data []byte, pageURL, contentType string) {
	if gz || content.Sniff(data) == content.Gzip {
		var err error
		if data, err = gunzip(data, r.opt.MaxFileSize); err != nil {
			r.fail(input, fmt.Errorf("%s: gunzip: %w", input, err))
			return
		}
	}
	if kind != KindHTML && kind != KindFeed { // markup declares its own charset
		var err error
		if data, err = content.FromUTF16(data); err != nil {
			r.fail(input, fmt.Errorf("%s: %w", input, err))
			return
		}
	}
	if kind == KindFeed && content.Sniff(data) == content.JSONL {
		kind = KindJSONL // JSON lines saved under a .json name
	}
	if kind == "" {
		switch content.Sniff(data) {
		case content.JSONL:
			kind = KindJSONL
		case content.Feed:
			kind = KindFeed
		case content.HTML:
			kind = KindHTML
		default: // text, and binary for CheckText to report
			kind = KindText
		}
	}
	switch kind {
	case KindJSONL:
		r.jsonl(ctx, bytes.NewReader(data), input)
	case KindFeed:
		r.feed(input, data, pageURL != "")
	case KindHTML:
		if err := content.CheckBytes(data); err != nil {
			r.fail(input, fmt.Errorf("%s: %w", input, err))
			return
		}
		if contentType == "" {
			contentType = rawHTML
		}
		// Raw holds the page as read, decompressed when it was gzipped.
		r.item(Item{Input: input, Kind: KindHTML, Format: FormatHTML, Body: data,
			Raw: rawOf(contentType, data), Hint: Hint{Outlet: r.opt.Outlet, URL: pageURL}})
	default:
		if err := content.CheckText(data); err != nil {
			r.fail(input, fmt.Errorf("%s: %w", input, err))
			return
		}
		if contentType == "" {
			contentType = rawText
		}
		// The byte order mark some editors write is not part of the text.
		body := bytes.TrimPrefix(data, []byte("\ufeff"))
		r.item(Item{Input: input, Kind: KindText, Format: FormatText, Body: body,
			Raw: rawOf(contentType, data), Hint: Hint{Outlet: r.opt.Outlet, URL: pageURL}})
	}
}

func gunzip(data []byte, limit int64) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	// The limit applies to the decompressed size: a small archive may
	// expand without bound.
	return content.ReadAll(zr, limit)
}

func (r *reader) url(ctx context.Context, u string) {
	client := r.opt.Fetch
	if client == nil {
		client = fetch.New(fetch.Options{AllowPrivate: r.opt.AllowPrivate, MaxBodySize: r.opt.MaxFileSize, Logger: r.opt.Logger})
	}
	resp, err := client.Get(ctx, u, fetch.Conditional{})
	if err != nil {
		r.fail(fetch.Redact(u), err) // fetch errors name the URL
		return
	}
	kind, err := kindByType(resp.ContentType)
	if err != nil {
		r.fail(u, fmt.Errorf("%s: %w", u, err))
		return
	}
	if kind == KindHTML && content.Sniff(resp.Body) == content.Feed {
		kind = KindFeed // feeds served as text/html are common enough
	}
	r.data(ctx, u, kind, false, resp.Body, resp.URL, resp.ContentType)
}

// kindByType maps a response's Content-Type to a kind, or "" where the
// type is too vague (text/xml, application/json, none) and the bytes decide.
func kindByType(ct string) (string, error) {
	if ct == "" {
		return "", nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return "", nil
	}
	switch mt {
	case "text/html", "application/xhtml+xml":
		return KindHTML, nil
	case "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json":
		return KindFeed, nil
	case "application/x-ndjson", "application/jsonl", "application/x-jsonlines":
		return KindJSONL, nil
	case "text/plain":
		return "", nil // sniffed: servers label feeds and JSONL text/plain too
	case "text/xml", "application/xml", "application/json", "application/octet-stream", "binary/octet-stream":
		return "", nil
	}
	if strings.HasPrefix(mt, "text/") {
		return "", nil
	}
	return "", fmt.Errorf("%w %q", ErrUnsupported, mt)
}

func (r *reader) jsonl(ctx context.Context, rd io.Reader, name string) {
	lines := 0
	for rec, err := range jsonl.Parse(ctx, rd, name, jsonl.Options{MaxLine: r.opt.MaxFileSize, Logger: r.opt.Logger}) {
		lines++
		if err != nil {
			if !r.fail(rec.Input, err) {
				return
			}
			continue
		}
		if !r.item(fromJSONL(rec, r.opt.Outlet)) {
			return
		}
	}
	if lines == 0 {
		r.fail(name, fmt.Errorf("%s: %w: no JSONL lines", name, ErrEmpty))
	}
}

func (r *reader) feed(name string, data []byte, online bool) {
	f, err := feed.Parse(data, name)
	if err != nil {
		if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '[' {
			// A .json export of articles, most likely.
			err = fmt.Errorf("%s: %w: a JSON array is no feed; give articles as JSONL, one object a line (jq -c '.[]' turns the one into the other)", name, ErrMalformedFeed)
		}
		r.fail(name, err)
		return
	}
	if f.Len() == 0 {
		r.fail(name, fmt.Errorf("%s: %w: feed has no entries", name, ErrEmpty))
		return
	}
	for e, err := range f.Entries() {
		if err != nil {
			if !r.fail(e.Input, err) {
				return
			}
			continue
		}
		it := FeedItem(e, r.opt.Outlet)
		it.Linked = online
		if !r.item(it) {
			return
		}
	}
}

func rawOf(contentType string, b []byte) model.Raw {
	return model.Raw{ContentType: contentType, Bytes: b}
}
