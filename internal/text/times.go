package text

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Kinds of time expression.
const (
	TimeDate     = "date"     // a full date: "July 11, 2023", "11/25/2024"
	TimeDay      = "day"      // a day without year: "July 11"
	TimeMonth    = "month"    // a month, with or without year: "April 2023", "in April"
	TimeYear     = "year"     // a year alone: "2023"
	TimeWeekday  = "weekday"  // "Thursday", "next Friday"
	TimeRelative = "relative" // "next week", "last month", "yesterday", "two days ago"
)

// Time is a time expression of a body.
type Time struct {
	// Text is body[Start:End].
	Text       string
	Start, End int
	// Sentence is the index in Doc.Sentences of the sentence holding it.
	Sentence int
	// Kind is one of the Time* constants.
	Kind string
	// Year, Month and Day as written; 0 where not given.
	Year, Month, Day int
	// Weekday, for TimeWeekday.
	Weekday time.Weekday
	// Offset and Unit say where a relative expression points from the
	// reference date: "next week" is +1 "week", "two days ago" -2 "day",
	// "next Friday" +1 "week" on a weekday. Unit is "" for absolute ones.
	Offset int
	Unit   string
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

var months = map[string]int{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
	"oct": 10, "nov": 11, "dec": 12,
}

var monthAbbrevs = set("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")

var timeUnits = map[string]string{
	"day": "day", "days": "day", "week": "week", "weeks": "week", "weekend": "week",
	"month": "month", "months": "month", "year": "year", "years": "year",
}

var relativeWords = map[string]int{"next": 1, "coming": 1, "last": -1, "past": -1, "previous": -1, "this": 0}

var deicticDays = map[string]int{"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}

var numberWords = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": 3, "few": 3,
}

// timeWords are the words that can start a time expression.
var timeWords = func() map[string]bool {
	m := map[string]bool{}
	for w := range months {
		m[w] = true
	}
	for w := range weekdays {
		m[w] = true
	}
	for w := range deicticDays {
		m[w] = true
	}
	for w := range relativeWords {
		m[w] = true
	}
	for w := range numberWords {
		m[w] = true
	}
	return m
}()

// findTimes finds the time expressions of the body, in order.
func findTimes(d *Doc, body string) []Time {
	toks := d.Tokens
	var out []Time
	for k := 0; k < len(toks); {
		t, n := timeAt(body, toks, k)
		if n == 0 {
			k++
			continue
		}
		if t.Kind == "" { // looked like a date but is not one
			k += n
			continue
		}
		t.Start, t.End = toks[k].Start, toks[k+n-1].End
		t.Text = body[t.Start:t.End]
		t.Sentence = sentenceOf(d, toks, k)
		out = append(out, t)
		k += n
	}
	return out
}

// timeAt returns the time expression starting at token k and how many
// tokens it covers, or 0.
func timeAt(src string, toks []Token, k int) (Time, int) {
	t := &toks[k]
	n := t.Norm
	if !isDigit(n[0]) && t.flags&flagTime == 0 {
		return Time{}, 0 // most words: one look-up, not five
	}
	switch {
	case isDigit(n[0]):
		return numericTime(src, toks, k)
	case months[n] > 0 && isMonthName(src, toks, k):
		return monthTime(src, toks, k, 0)
	}
	if wd, ok := weekdays[n]; ok && isCapitalised(t) {
		return Time{Kind: TimeWeekday, Weekday: wd}, 1
	}
	if off, ok := deicticDays[n]; ok {
		return Time{Kind: TimeRelative, Offset: off, Unit: "day"}, 1
	}
	if off, ok := relativeWords[n]; ok && k+1 < len(toks) && joins(src, toks, k) {
		next := toks[k+1].Norm
		// "next week", not "this day forth" or "its last day".
		if u := timeUnits[next]; u != "" && u != "day" && !strings.HasSuffix(next, "s") {
			return Time{Kind: TimeRelative, Offset: off, Unit: u}, 2
		}
		if wd, ok := weekdays[next]; ok && isCapitalised(&toks[k+1]) && n != "past" {
			return Time{Kind: TimeWeekday, Weekday: wd, Offset: off, Unit: "week"}, 2
		}
	}
	// "two days ago", "a week ago"
	if q, ok := numberWords[n]; ok && k+2 < len(toks) && toks[k+2].Norm == "ago" {
		if u := timeUnits[toks[k+1].Norm]; u != "" {
			return Time{Kind: TimeRelative, Offset: -q, Unit: u}, 3
		}
	}
	return Time{}, 0
}

// isMonthName tells the month "May" from the verb "may" and "March" from
// the noun: a month name is capitalised, and an ambiguous one is next to a
// number or after "in", "since", "last"...
func isMonthName(src string, toks []Token, k int) bool {
	t := &toks[k]
	if !isCapitalised(t) {
		return false
	}
	if monthAbbrevs[t.Norm] {
		// "Jan." needs its dot or a day after it ("Jul 7, 2012"); "Mar"
		// alone is too ambiguous
		return t.End < len(src) && src[t.End] == '.' && t.Norm != "mar" ||
			k+1 < len(toks) && isDigit(toks[k+1].Norm[0]) && joins(src, toks, k)
	}
	if t.Norm != "may" && t.Norm != "march" {
		return true
	}
	if k+1 < len(toks) && isDigit(toks[k+1].Norm[0]) {
		return true
	}
	if k > 0 {
		switch toks[k-1].Norm {
		case "in", "since", "until", "last", "next", "this", "early", "late", "mid", "of", "by", "through":
			return true
		}
	}
	return false
}

// monthTime reads "July", "July 11", "July 11, 2023", "July 2023", with
// day the day already read before the month ("11 July 2023"), or 0.
func monthTime(src string, toks []Token, k, day int) (Time, int) {
	t := Time{Kind: TimeMonth, Month: months[toks[k].Norm], Day: day}
	n := 1
	if day == 0 && k+1 < len(toks) {
		if d, ok := dayNumber(toks[k+1].Norm); ok && nearby(src, toks, k) {
			t.Day, t.Kind = d, TimeDay
			n++
		}
	}
	if t.Day > 0 {
		t.Kind = TimeDay
	}
	if j := k + n; j < len(toks) && nearby(src, toks, j-1) {
		if y, ok := yearNumber(toks[j].Text); ok {
			t.Year = y
			n++
			if t.Day > 0 {
				t.Kind = TimeDate
			}
		}
	}
	return t, n
}

// nearby reports whether tokens k and k+1 are separated by at most a
// space, a dot or a comma: "July 11, 2023", "Jan. 5".
func nearby(src string, toks []Token, k int) bool {
	switch src[toks[k].End:toks[k+1].Start] {
	case " ", ", ", ". ", ",", "\u00a0":
		return true
	}
	return false
}

// numericTime reads "11/25/2024", "2024-11-25", "11 July 2023" and years.
func numericTime(src string, toks []Token, k int) (Time, int) {
	t := &toks[k]
	if k+2 < len(toks) {
		sep := src[t.End:toks[k+1].Start]
		if (sep == "/" || sep == "-") && src[toks[k+1].End:toks[k+2].Start] == sep {
			a, errA := strconv.Atoi(t.Text)
			b, errB := strconv.Atoi(toks[k+1].Text)
			c, errC := strconv.Atoi(toks[k+2].Text)
			if errA == nil && errB == nil && errC == nil {
				// US order in slashes, ISO order in dashes.
				y, m, d := c, a, b
				if sep == "-" {
					y, m, d = a, b, c
				}
				if y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31 {
					return Time{Kind: TimeDate, Year: y, Month: m, Day: d}, 3
				}
			}
			return Time{}, 3 // a number like a date but not one: skip it whole
		}
	}
	if d, ok := dayNumber(t.Norm); ok && k+1 < len(toks) && months[toks[k+1].Norm] > 0 && isCapitalised(&toks[k+1]) && nearby(src, toks, k) {
		tm, n := monthTime(src, toks, k+1, d)
		return tm, n + 1
	}
	if y, ok := yearNumber(t.Text); ok {
		return Time{Kind: TimeYear, Year: y}, 1
	}
	return Time{}, 0
}

// dayNumber reads a day of the month: "11", "11th", "1st".
func dayNumber(s string) (int, bool) {
	s = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(s, "th"), "st"), "nd"), "rd")
	if len(s) > 2 {
		return 0, false
	}
	d, err := strconv.Atoi(s)
	return d, err == nil && d >= 1 && d <= 31
}

// yearNumber reads a year written as four digits, from 1900 to 2100.
func yearNumber(s string) (int, bool) {
	if len(s) != 4 {
		return 0, false
	}
	y, err := strconv.Atoi(s)
	return y, err == nil && y >= 1900 && y <= 2100
}

// Years returns the distinct years the body mentions, in order of first
// mention: with the relative expressions, what the comparison needs to see
// that a text speaks of another time than its date says.
func (d *Doc) Years() []int {
	var ys []int
	for _, t := range d.Times {
		if t.Year != 0 && !slices.Contains(ys, t.Year) {
			ys = append(ys, t.Year)
		}
	}
	return ys
}

// Resolve returns the date a time expression points at, seen from ref
// (the article's publication date), and whether it can tell. Expressions
// without a year take the date within ten months before ref or two months
// after (news mostly looks back); a weekday alone takes
// the nearest such day within the week before ref (news speaks of the
// week just gone); "next week" is ref plus seven days. A month or year
// resolves to its first day.
func (t Time) Resolve(ref time.Time) (time.Time, bool) {
	if ref.IsZero() && (t.Year == 0 || t.Unit != "") {
		return time.Time{}, false
	}
	loc := time.UTC
	day := time.Date(ref.Year(), ref.Month(), ref.Day(), 0, 0, 0, 0, loc)
	switch t.Kind {
	case TimeDate:
		return time.Date(t.Year, time.Month(t.Month), t.Day, 0, 0, 0, 0, loc), true
	case TimeYear:
		return time.Date(t.Year, 1, 1, 0, 0, 0, 0, loc), true
	case TimeDay, TimeMonth:
		d := max(t.Day, 1)
		if t.Year != 0 {
			return time.Date(t.Year, time.Month(t.Month), d, 0, 0, 0, 0, loc), true
		}
		// News mostly looks back: the date meant is the one within ten
		// months before ref and two after.
		from := day.AddDate(0, -10, 0)
		for y := ref.Year() - 1; y <= ref.Year()+1; y++ {
			c := time.Date(y, time.Month(t.Month), d, 0, 0, 0, 0, loc)
			if c.After(from) && !c.After(day.AddDate(0, 2, 0)) {
				return c, true
			}
		}
		return time.Time{}, false
	case TimeWeekday:
		back := (int(day.Weekday()) - int(t.Weekday) + 7) % 7
		switch {
		case t.Offset > 0: // next Friday: the one after this week's
			return day.AddDate(0, 0, 7-back), true
		case t.Offset < 0: // last Friday
			if back == 0 {
				back = 7
			}
			return day.AddDate(0, 0, -back), true
		}
		return day.AddDate(0, 0, -back), true
	case TimeRelative:
		switch t.Unit {
		case "day":
			return day.AddDate(0, 0, t.Offset), true
		case "week":
			return day.AddDate(0, 0, 7*t.Offset), true
		case "month":
			return time.Date(day.Year(), day.Month()+time.Month(t.Offset), 1, 0, 0, 0, 0, loc), true
		case "year":
			return time.Date(day.Year()+t.Offset, 1, 1, 0, 0, 0, 0, loc), true
		}
	}
	return time.Time{}, false
}
