// Package date reads the publication dates news inputs carry: ISO dates,
// RFC 3339, the RFC 1123 dates of feeds and HTTP, and the written forms
// ("May 3, 2012", "11/25/2024"). Dates without a zone are taken as UTC.
package date

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
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
	// maxLen bounds a date string: a longer one is a page of text in a
	// date field, and is not read at all.
	maxLen = 100
)

var (
	// digitsOnly strings are counts, ids or timestamps rather than dates,
	// except the compact eight-digit form "20120503".
	digitsOnly = regexp.MustCompile(`^\d+$`)
)

// Parse reads s as a date or a date and time.
func Parse(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxLen || (digitsOnly.MatchString(s) && len(s) != 8) {
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

// exact lists layouts tried before the general parser: the forms of ISO 8601
// (the project's own data, feeds and page metadata), the compact form, and
// dotted numeric dates, which are written day first wherever they are used
// (year first when the year leads) while the general parser reads them
// month first.
var exact = []string{
	time.DateOnly, time.RFC3339, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02T15:04Z07:00", "2006-01-02T15:04",
	"20060102", "2.1.2006", "2.1.06", "2006.1.2",
}

var (
	// clock is a time of day as date lines write it: "6:07:15 PM",
	// "08:06AM", "8:41 p.m.".
	clock = regexp.MustCompile(`(?i)\b(\d{1,2}):(\d\d)(?::(\d\d))?(?:\s*([ap])\.?\s?m\b\.?)?`)
	// separators set a clock apart from its date ("August 2, 2013 | 08:06AM").
	separators = regexp.MustCompile(`\s*[|@•]\s*`)
	// weekday leads many date lines; the general parser reads it only in
	// the forms of RFC 1123, so a date it fails is read again without.
	weekday = regexp.MustCompile(`(?i)^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+`)
	numbers = regexp.MustCompile(`\d+`)
	words   = regexp.MustCompile(`\pL+`)
)

func parse(s string) (time.Time, error) {
	t, err := parseOnce(s)
	if rest := weekday.ReplaceAllString(s, ""); err != nil && rest != s {
		return parseOnce(rest)
	}
	return t, err
}

// parseOnce reads s as it is.
func parseOnce(s string) (time.Time, error) {
	if t, ok := parseExact(s); ok {
		return t, nil
	}
	// The general parser misreads some dates followed by a clock: "2012.08.08
	// 09:01" as January 1, "August 2, 2013 | 08:06AM" in 2006. A date of
	// an exact layout is read alone, then its clock; any other is read
	// whole and kept if it agrees with what the line writes, else read as
	// date and clock apart.
	if t, err := dateThenClock(s, false); err == nil {
		return t, nil
	}
	if t, err := dateparse.ParseIn(s, time.UTC); err == nil && agrees(s, t) {
		return t, nil
	}
	return dateThenClock(s, true)
}

func parseExact(s string) (time.Time, bool) {
	for _, layout := range exact {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// dateThenClock reads s as a date with one clock in it, the date of an
// exact layout or, with general, any the general parser reads.
func dateThenClock(s string, general bool) (time.Time, error) {
	loc := clock.FindStringSubmatchIndex(s)
	if loc == nil {
		return time.Time{}, ErrUnknown
	}
	h, m, sec, ok := readClock(s, loc)
	if !ok {
		return time.Time{}, ErrUnknown
	}
	rest := strings.Trim(separators.ReplaceAllString(s[:loc[0]]+" "+s[loc[1]:], " "), " ,")
	d, ok := parseExact(rest)
	if !ok {
		if !general {
			return time.Time{}, ErrUnknown
		}
		var err error
		if d, err = dateparse.ParseIn(rest, time.UTC); err != nil || !agrees(rest, d) {
			return time.Time{}, ErrUnknown
		}
	}
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, sec, 0, d.Location()), nil
}

// readClock reads the clock that loc, a match of clock in s, found.
func readClock(s string, loc []int) (hour, minute, second int, ok bool) {
	part := func(i int) int {
		if loc[2*i] < 0 {
			return 0
		}
		n, _ := strconv.Atoi(s[loc[2*i]:loc[2*i+1]])
		return n
	}
	hour, minute, second = part(1), part(2), part(3)
	if loc[8] >= 0 {
		if hour == 0 || hour > 12 {
			return 0, 0, 0, false
		}
		hour %= 12
		if strings.EqualFold(s[loc[8]:loc[9]], "p") {
			hour += 12
		}
	}
	return hour, minute, second, hour < 24 && minute < 60 && second < 60
}

// agrees reports whether t is a reading of what s writes: its year, month
// and day each appear in s, as a number or, for the month, as a name, and
// its hour and minute are those of the clock s writes, if any. The clock's
// numbers are not read for the date: its minutes are no day.
func agrees(s string, t time.Time) bool {
	if loc := clock.FindStringSubmatchIndex(s); loc != nil {
		h, m, _, ok := readClock(s, loc)
		if !ok || h != t.Hour() || m != t.Minute() {
			return false
		}
		s = s[:loc[0]] + " " + s[loc[1]:]
	}
	written := map[int]bool{}
	for _, n := range numbers.FindAllString(s, -1) {
		if v, err := strconv.Atoi(n); err == nil {
			written[v] = true
		}
	}
	named := false
	for _, w := range words.FindAllString(s, -1) {
		if m, ok := monthNames[strings.ToLower(w)]; ok {
			if m != t.Month() {
				return false
			}
			named = true
		}
	}
	return (named || written[int(t.Month())]) && written[t.Day()] &&
		(written[t.Year()] || written[t.Year()%100])
}

// monthNames are the English month names and their abbreviations.
var monthNames = func() map[string]time.Month {
	m := map[string]time.Month{"sept": time.September}
	for mo := time.January; mo <= time.December; mo++ {
		name := strings.ToLower(mo.String())
		m[name], m[name[:3]] = mo, mo
	}
	return m
}()
