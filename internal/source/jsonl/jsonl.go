// Package jsonl reads article exports with one JSON object a line, in the
// form of the project's evaluation data:
//
//	{"id": "...", "outlet": "...", "url": "...", "title": "...",
//	 "published": "2012-05-03" | "2021-06-01T12:00:00-07:00" | null,
//	 "text": "..."}
//
// Other fields are ignored. A broken line is an error for that line alone;
// every good line still comes out.
package jsonl

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"iter"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/parallax-news/parallax/internal/source/content"
	"github.com/parallax-news/parallax/internal/source/date"
)

// Errors for broken lines, besides content.ErrInvalidUTF8 and
// content.ErrTooLarge.
var (
	ErrSyntax = errors.New("invalid JSON")
	ErrNoText = errors.New("neither text nor title")
	ErrID     = errors.New("id is neither a string nor a number")
	// ErrIDControl is an id holding a control character (a NUL of a broken
	// export), which no one can type to find the article again and
	// PostgreSQL refuses to store.
	ErrIDControl = errors.New("id holds a control character")
)

var bom = []byte("\ufeff")

// DefaultMaxLine is the longest line read when Options.MaxLine is zero.
const DefaultMaxLine = 32 << 20

// Options configures Parse.
type Options struct {
	// MaxLine bounds one line (one article); a longer line is an error for
	// that line and reading goes on with the next.
	MaxLine int64
	Logger  *slog.Logger
}

// Record is one article line.
type Record struct {
	// Input names the line: "name:LINE".
	Input string
	Line  int

	ID        string
	Outlet    string
	URL       string
	Title     string
	Published *time.Time
	Text      string

	// Raw is the line as read, without its line ending.
	Raw []byte
}

// wire is a line as it is written.
type wire struct {
	ID        json.RawMessage `json:"id"`
	Outlet    string          `json:"outlet"`
	URL       string          `json:"url"`
	Title     string          `json:"title"`
	Published string          `json:"published"`
	Text      string          `json:"text"`
}

// Parse reads r line by line, yielding a Record for each article line and
// an error naming "name:LINE" and the reason for each broken one. Blank
// lines are skipped. A read error or the context's end stops it after
// yielding that error. Lines of any length up to MaxLine are read whole.
func Parse(ctx context.Context, r io.Reader, name string, opt Options) iter.Seq2[Record, error] {
	if opt.MaxLine <= 0 {
		opt.MaxLine = DefaultMaxLine
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	return func(yield func(Record, error) bool) {
		br := bufio.NewReaderSize(r, 64<<10)
		ids := idLines{seed: maphash.MakeSeed(), first: map[string]idLine{}}
		for n := 1; ; n++ {
			if err := ctx.Err(); err != nil {
				yield(Record{Input: name}, fmt.Errorf("%s: %w", name, err))
				return
			}
			line, readErr := readLine(br, opt.MaxLine)
			if readErr != nil && !errors.Is(readErr, io.EOF) && !errors.Is(readErr, content.ErrTooLarge) {
				yield(Record{Input: name}, fmt.Errorf("read %s: %w", name, readErr))
				return
			}
			if n == 1 {
				line = bytes.TrimPrefix(line, bom) // left by some Windows tools
			}
			input := name + ":" + strconv.Itoa(n)
			switch {
			case errors.Is(readErr, content.ErrTooLarge):
				if !yield(Record{Input: input, Line: n}, fmt.Errorf("%s: %w", input, readErr)) {
					return
				}
			case len(bytes.TrimSpace(line)) > 0:
				rec, err := decode(line, input, opt.Logger)
				rec.Input, rec.Line = input, n
				if err != nil {
					err = fmt.Errorf("%s: %w", input, err)
				} else {
					ids.check(rec, opt.Logger)
				}
				if !yield(rec, err) {
					return
				}
			}
			if errors.Is(readErr, io.EOF) {
				return
			}
		}
	}
}

// idLines remembers where each id of a file was first given, to warn of a
// later record giving it to other content. Both records are kept: the ids
// are the publisher's, not ours, and identical content is found later by
// its hash. A file may hold millions of lines, so only the id, its first
// line and a hash of that line's content are kept, not the records.
type idLines struct {
	seed  maphash.Seed
	first map[string]idLine
}

type idLine struct {
	line int
	sum  uint64
}

// check warns when rec gives an id an earlier record of the file gave to
// other content; a repeated record is left to the content check.
func (ids idLines) check(rec Record, log *slog.Logger) {
	if rec.ID == "" {
		return
	}
	var h maphash.Hash
	h.SetSeed(ids.seed)
	for _, f := range []string{rec.Outlet, rec.URL, rec.Title, rec.Text} {
		h.WriteString(f)
		h.WriteByte(0)
	}
	if rec.Published != nil {
		h.WriteString(rec.Published.Format(time.RFC3339Nano))
	}
	sum := h.Sum64()
	first, seen := ids.first[rec.ID]
	if !seen {
		ids.first[rec.ID] = idLine{line: rec.Line, sum: sum}
		return
	}
	if first.sum != sum {
		log.Warn("id given already on an earlier line to other content; both records are kept",
			slog.String("input", rec.Input), slog.String("id", rec.ID), slog.Int("first_line", first.line))
	}
}

// readLine returns the next line without its ending, or ErrTooLarge (after
// skipping the rest of the line) when it is longer than limit. At the end
// of the input it returns the last line, possibly empty, with io.EOF.
func readLine(br *bufio.Reader, limit int64) ([]byte, error) {
	var line []byte
	over := false
	for {
		chunk, err := br.ReadSlice('\n')
		if !over {
			if int64(len(line)+len(chunk)) > limit+2 { // room for "\r\n"
				over, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
		if over || int64(len(line)) > limit {
			tooLarge := fmt.Errorf("%w: line longer than %d bytes", content.ErrTooLarge, limit)
			if err != nil {
				return nil, errors.Join(tooLarge, err)
			}
			return nil, tooLarge
		}
		return line, err
	}
}

// decode turns one line into a Record; an unreadable date is only logged,
// since the article is good without it.
func decode(line []byte, input string, log *slog.Logger) (Record, error) {
	rec := Record{Raw: line}
	if !utf8.Valid(line) {
		return rec, content.CheckText(line)
	}
	var w wire
	if err := json.Unmarshal(line, &w); err != nil {
		// A field of the wrong type is named as the line writes it, not as
		// Go's struct holds it.
		if te := (*json.UnmarshalTypeError)(nil); errors.As(err, &te) && te.Field != "" {
			return rec, fmt.Errorf("%w: %q must be a %s, not %s %s", ErrSyntax, te.Field, te.Type.Kind(), article(te.Value), te.Value)
		}
		return rec, fmt.Errorf("%w: %w", ErrSyntax, err)
	}
	// A headline without a body is an article (feeds and wires carry them);
	// a line with neither is nothing to store.
	if strings.TrimSpace(w.Text) == "" && strings.TrimSpace(w.Title) == "" {
		return rec, ErrNoText
	}
	id, err := idString(w.ID)
	if err != nil {
		return rec, err
	}
	rec.ID, rec.Outlet, rec.URL, rec.Title, rec.Text = id, w.Outlet, w.URL, w.Title, w.Text
	if w.Published != "" {
		if t, err := date.Parse(w.Published); err == nil {
			rec.Published = &t
		} else {
			log.Warn("published date not read; the article is stored undated", slog.String("input", input), slog.String("id", id), slog.Any("err", err))
		}
	}
	return rec, nil
}

// article is the indefinite article of a JSON value's kind: "an array".
func article(kind string) string {
	if strings.IndexAny(kind[:min(1, len(kind))], "aeiou") == 0 {
		return "an"
	}
	return "a"
}

// CheckID refuses an id holding a control character, with ErrIDControl.
func CheckID(id string) error {
	if strings.ContainsFunc(id, unicode.IsControl) {
		return fmt.Errorf("%w: %q", ErrIDControl, id)
	}
	return nil
}

// idString accepts ids written as strings or as numbers.
func idString(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", nil
	case raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
		return s, CheckID(s)
	case raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9'):
		return string(raw), nil
	}
	return "", fmt.Errorf("%w: %.40s", ErrID, raw)
}
