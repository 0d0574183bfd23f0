package text

import (
	"strings"
	"testing"
	"time"
)

func TestTimes(t *testing.T) {
	ref := time.Date(2023, time.July, 7, 15, 0, 0, 0, time.UTC) // a Friday
	tests := []struct {
		name     string
		body     string
		text     string // the expression expected first
		kind     string
		resolved string // as 2006-01-02, "" if it must not resolve
	}{
		{name: "full date", body: "It happened on July 11, 2023, in Vilnius.", text: "July 11, 2023", kind: TimeDate, resolved: "2023-07-11"},
		{name: "day first", body: "Signed on 11 July 2023.", text: "11 July 2023", kind: TimeDate, resolved: "2023-07-11"},
		{name: "US numeric date", body: "• 11/25/2024", text: "11/25/2024", kind: TimeDate, resolved: "2024-11-25"},
		{name: "ISO date", body: "Filed 2023-04-14 by the court.", text: "2023-04-14", kind: TimeDate, resolved: "2023-04-14"},
		{name: "day without year near ref", body: "The summit opens July 11.", text: "July 11", kind: TimeDay, resolved: "2023-07-11"},
		{name: "day without year goes back", body: "They met Dec. 5 in Paris.", text: "Dec. 5", kind: TimeDay, resolved: "2022-12-05"},
		{name: "abbreviation without its dot", body: "Posted Jul 07, 2012 at noon.", text: "Jul 07, 2012", kind: TimeDate, resolved: "2012-07-07"},
		{name: "abbreviation alone is no month", body: "They met Jan and Sep at home.", text: "", kind: ""},
		{name: "month and year", body: "Talks began in April 2023.", text: "April 2023", kind: TimeMonth, resolved: "2023-04-01"},
		{name: "month alone looks back", body: "an April meeting in New York", text: "April", kind: TimeMonth, resolved: "2023-04-01"},
		{name: "may the verb is no month", body: "They may meet. Talks in May failed.", text: "May", kind: TimeMonth, resolved: "2023-05-01"},
		{name: "year", body: "Copyright 2023,", text: "2023", kind: TimeYear, resolved: "2023-01-01"},
		{name: "weekday in the week before", body: "according to a Thursday report", text: "Thursday", kind: TimeWeekday, resolved: "2023-07-06"},
		{name: "weekday of ref", body: "on Friday", text: "Friday", kind: TimeWeekday, resolved: "2023-07-07"},
		{name: "next weekday", body: "They meet next Tuesday.", text: "next Tuesday", kind: TimeWeekday, resolved: "2023-07-11"},
		{name: "next week", body: "next week's NATO summit in Vilnius", text: "next week", kind: TimeRelative, resolved: "2023-07-14"},
		{name: "last month", body: "Prices rose last month.", text: "last month", kind: TimeRelative, resolved: "2023-06-01"},
		{name: "yesterday", body: "He spoke yesterday.", text: "yesterday", kind: TimeRelative, resolved: "2023-07-06"},
		{name: "ago", body: "It opened two weeks ago.", text: "two weeks ago", kind: TimeRelative, resolved: "2023-06-23"},
		{name: "thousands are no year", body: "About 2,000 troops and 1500 guns.", text: "", kind: ""},
		{name: "last day is no date", body: "On its last day, the site closed.", text: "", kind: ""},
		{name: "a quantity like a date", body: "Scores were 12/45/99 apart.", text: "", kind: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := Analyze("", tc.body)
			if tc.text == "" {
				if len(d.Times) > 0 {
					t.Fatalf("times = %+v, want none", d.Times)
				}
				return
			}
			if len(d.Times) == 0 {
				t.Fatalf("no time expression in %q", tc.body)
			}
			tm := d.Times[0]
			if tm.Text != tc.text || tm.Kind != tc.kind {
				t.Errorf("first time = %q (%s), want %q (%s)", tm.Text, tm.Kind, tc.text, tc.kind)
			}
			if tc.body[tm.Start:tm.End] != tm.Text {
				t.Errorf("offsets [%d:%d] give %q", tm.Start, tm.End, tc.body[tm.Start:tm.End])
			}
			if tm.Sentence < 0 || tm.Sentence >= len(d.Sentences) {
				t.Errorf("sentence %d out of range", tm.Sentence)
			}
			got, ok := tm.Resolve(ref)
			if !ok || got.Format("2006-01-02") != tc.resolved {
				t.Errorf("Resolve = %v, %v; want %s", got.Format("2006-01-02"), ok, tc.resolved)
			}
		})
	}
}

func TestTimesSeedAnchors(t *testing.T) {
	// The Fox News seed is dated 2024-11-25 yet speaks of "next week's
	// NATO summit in Vilnius" (July 2023): the comparison needs the
	// relative phrase and its sentence to notice.
	d := analyzeSeed(t, "004_")
	var found bool
	for _, tm := range d.Times {
		if tm.Kind == TimeRelative && tm.Text == "next week" {
			found = true
			if s := d.Sentences[tm.Sentence].Text; !containsAll(s, "NATO summit", "Vilnius") {
				t.Errorf("next week in sentence %q", s)
			}
		}
	}
	if !found {
		t.Errorf("no \"next week\" among %+v", d.Times)
	}
	if ys := d.Years(); len(ys) != 0 {
		t.Errorf("Years() = %v, want none (the date line is the title here)", ys)
	}
	if ys := analyzeSeed(t, "000_").Years(); len(ys) != 1 || ys[0] != 2023 {
		t.Errorf("first seed Years() = %v, want [2023] (the copyright line)", ys)
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

func TestResolveWithoutReference(t *testing.T) {
	tm := Time{Kind: TimeRelative, Offset: 1, Unit: "week"}
	if _, ok := tm.Resolve(time.Time{}); ok {
		t.Error("a relative time resolved without a reference date")
	}
	abs := Time{Kind: TimeDate, Year: 2023, Month: 7, Day: 11}
	if got, ok := abs.Resolve(time.Time{}); !ok || got.Format("2006-01-02") != "2023-07-11" {
		t.Errorf("absolute date without reference = %v, %v", got, ok)
	}
}
