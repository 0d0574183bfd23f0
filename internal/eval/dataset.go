// Package eval measures Parallax against labeled data: clustering metrics
// (B-cubed, pairwise, adjusted Rand), the labeled dataset reader, the
// clustering harness and the copy-detection test.
package eval

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"
)

// ErrNoStory is returned for a labeled record without a gold story.
var ErrNoStory = errors.New("no gold story label")

// Labeled is one line of a *-dev.jsonl file: an article with its gold story.
// Any of Outlet, URL, Title and Published may be missing.
type Labeled struct {
	ID        string
	Outlet    string
	URL       string
	Title     string
	Published *time.Time
	Text      string
	Story     string
	// Line is the 1-based line of the record in its file.
	Line int
	// Raw is the record exactly as read.
	Raw []byte
}

type labeledWire struct {
	ID        label   `json:"id"`
	Outlet    *string `json:"outlet"`
	URL       *string `json:"url"`
	Title     *string `json:"title"`
	Published *string `json:"published"`
	Text      string  `json:"text"`
	Story     label   `json:"story"`
}

// label is a record's id or story, a string in the labeled files and a
// number in other labeled data (and in what `parallax export` writes).
type label string

func (l *label) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*l = label(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("%s is neither a string nor a number", b)
	}
	*l = label(n)
	return nil
}

// dateLayouts are the forms dates take in the labeled files.
var dateLayouts = []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"}

// ReadLabeled reads a *-dev.jsonl file. Blank lines are skipped; a line
// that is not a valid record is an error naming the file and line.
func ReadLabeled(path string) ([]Labeled, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read labeled %s: %w", path, err)
	}
	defer f.Close()
	var out []Labeled
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(b) == 0 {
			continue
		}
		rec, err := parseLabeled(b)
		if err != nil {
			return nil, fmt.Errorf("read labeled %s:%d: %w", path, line, err)
		}
		rec.Line = line
		rec.Raw = append([]byte(nil), b...)
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read labeled %s:%d: %w", path, line, err)
	}
	return out, nil
}

func parseLabeled(b []byte) (Labeled, error) {
	var w labeledWire
	if err := json.Unmarshal(b, &w); err != nil {
		return Labeled{}, fmt.Errorf("not a labeled record (id, title, text, published, story): %w", err)
	}
	if w.Story == "" {
		return Labeled{}, fmt.Errorf("record %q: %w", w.ID, ErrNoStory)
	}
	rec := Labeled{ID: string(w.ID), Outlet: deref(w.Outlet), URL: deref(w.URL), Title: deref(w.Title), Text: w.Text, Story: string(w.Story)}
	if p := deref(w.Published); p != "" {
		t, err := parseDate(p)
		if err != nil {
			return Labeled{}, fmt.Errorf("record %q: published: %w", w.ID, err)
		}
		rec.Published = &t
	}
	return rec, nil
}

func parseDate(s string) (time.Time, error) {
	var first error
	for _, layout := range dateLayouts {
		t, err := time.Parse(layout, s)
		if err == nil {
			return t, nil
		}
		if first == nil {
			first = err
		}
	}
	return time.Time{}, first
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
