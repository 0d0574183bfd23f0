// Package date reads the publication dates news inputs carry: ISO dates,
// RFC 3339, the RFC 1123 dates of feeds and HTTP, and the written forms
// ("May 3, 2012", "11/25/2024"). Dates without a zone are taken as UTC.
package date

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/araddon/dateparse"
)

// ErrUnknown is returned for a string that is not a date Parse knows.
var ErrUnknown = errors.New("not a recognised date")

// Plausible publication years: outside them a "date" is a misread number.
const (
	minYear = 1800
	maxYear = 2200
)

var (
	// digitsOnly strings are counts, ids or timestamps rather than dates,
	// except the compact eight-digit form "20120503".
	digitsOnly = regexp.MustCompile(`^\d+$`)
)

// Parse reads s as a date or a date and time.
func Parse(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" || (digitsOnly.MatchString(s) && len(s) != 8) {
		return time.Time{}, fmt.Errorf("%q: %w", s, ErrUnknown)
	}
	t, err := parse(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: %w", s, ErrUnknown)
	}
	if y := t.Year(); y < minYear || y > maxYear {
		return time.Time{}, fmt.Errorf("%q: year %d: %w", s, y, ErrUnknown)
	}
	return t, nil
}

// exact lists layouts tried before the general parser: the two forms of the
// project's own data, and dotted numeric dates, which are written day first
// wherever they are used while the general parser reads them month first.
var exact = []string{time.DateOnly, time.RFC3339, "2.1.2006", "2.1.06"}

func parse(s string) (time.Time, error) {
	for _, layout := range exact {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return dateparse.ParseIn(s, time.UTC)
}
