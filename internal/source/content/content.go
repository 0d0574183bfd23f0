// Package content tells what an input's bytes are (text, HTML, a feed,
// JSONL, gzip or binary) and holds the checks and sentinel errors every
// reader shares, so that a caller tests errors.Is(err, content.ErrBinary)
// whichever reader found the problem.
package content

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"golang.org/x/text/encoding/unicode"
)

// Errors for inputs that are not articles.
var (
	ErrEmpty       = errors.New("empty input")
	ErrBinary      = errors.New("binary content, not text")
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
	ErrTooLarge    = errors.New("input too large")
)

// Type is what an input's bytes hold.
type Type string

// Types Sniff tells apart.
const (
	Text   Type = "text"
	HTML   Type = "html"
	Feed   Type = "feed" // RSS, Atom, RDF or JSON Feed
	JSONL  Type = "jsonl"
	Gzip   Type = "gzip"
	Binary Type = "binary"
)

// sniffLen bounds how much of an input Sniff looks at: the root element of
// a feed or page and the first JSONL line's start sit well within it.
const sniffLen = 4096

// Sniff guesses an input's type from its first bytes.
func Sniff(b []byte) Type {
	head := b[:min(len(b), sniffLen)]
	if bytes.HasPrefix(head, []byte{0x1f, 0x8b}) {
		return Gzip
	}
	if isBinary(head) {
		return Binary
	}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case bytes.HasPrefix(trimmed, []byte("<")):
		switch gofeed.DetectFeedType(bytes.NewReader(trimmed)) {
		case gofeed.FeedTypeRSS, gofeed.FeedTypeAtom:
			return Feed
		}
		if strings.HasPrefix(http.DetectContentType(trimmed), "text/html") ||
			bytes.Contains(bytes.ToLower(trimmed), []byte("<html")) {
			return HTML
		}
	case bytes.HasPrefix(trimmed, []byte("{")):
		if isJSONFeed(trimmed) {
			return Feed
		}
		line, _, complete := bytes.Cut(trimmed, []byte("\n"))
		// A first line longer than the sniffed head cannot be validated
		// here; JSONL is still the only reading of a file that opens with
		// an object and does not end it on the first line.
		if !complete || json.Valid(line) {
			return JSONL
		}
	}
	return Text
}

// isJSONFeed reports whether a JSON object declares the JSON Feed version.
// The version member is required by the spec and, in practice, comes first.
func isJSONFeed(b []byte) bool {
	compact := bytes.Join(bytes.Fields(b), nil)
	return bytes.Contains(compact, []byte(`"version":"https://jsonfeed.org/version/`))
}

// isBinary reports whether b holds a NUL byte or starts like a non-text
// format (images, PDF, archives): the standard library's sniffer knows
// their signatures and which control bytes never occur in text.
func isBinary(b []byte) bool {
	if bytes.IndexByte(b, 0) >= 0 {
		return true
	}
	return len(b) > 0 && !strings.HasPrefix(http.DetectContentType(b), "text/")
}

// CheckText returns ErrEmpty, ErrBinary or ErrInvalidUTF8 (with the byte
// offset of the first bad sequence) when b is not usable as UTF-8 text.
func CheckText(b []byte) error {
	if err := CheckBytes(b); err != nil {
		return err
	}
	if !utf8.Valid(b) {
		return fmt.Errorf("%w at byte %d: text is read as UTF-8; convert it first (iconv -f latin1 -t utf-8, say)", ErrInvalidUTF8, invalidAt(b))
	}
	return nil
}

// FromUTF16 returns b decoded to UTF-8 when it starts with a UTF-16 byte
// order mark, as Windows editors save "Unicode" text, and b as it is
// otherwise. Such text is full of zero bytes, which would read as binary.
func FromUTF16(b []byte) ([]byte, error) {
	if !bytes.HasPrefix(b, []byte{0xFF, 0xFE}) && !bytes.HasPrefix(b, []byte{0xFE, 0xFF}) {
		return b, nil
	}
	out, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(b)
	if err != nil {
		return nil, fmt.Errorf("%w: UTF-16: %w", ErrInvalidUTF8, err)
	}
	return out, nil
}

// CheckBytes returns ErrEmpty or ErrBinary for inputs that cannot be an
// article in any encoding; HTML and feeds may declare another charset, so
// their UTF-8 validity is left to their parsers.
func CheckBytes(b []byte) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return ErrEmpty
	}
	if bytes.IndexByte(b, 0) >= 0 || isBinary(b[:min(len(b), sniffLen)]) {
		return ErrBinary
	}
	return nil
}

func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// ReadAll reads r to its end, failing with ErrTooLarge as soon as more than
// limit bytes arrive: an over-large input is an error, never silently cut.
func ReadAll(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	return b, nil
}
