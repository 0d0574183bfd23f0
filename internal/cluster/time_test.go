package cluster

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/text"
)

func TestStatedSpans(t *testing.T) {
	day := func(y int, m time.Month, d int) Span {
		from := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		return Span{from.Unix(), from.AddDate(0, 0, 1).Unix() - 1}
	}
	month := func(y int, m time.Month) Span {
		from := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
		return Span{from.Unix(), from.AddDate(0, 1, 0).Unix() - 1}
	}
	tests := []struct {
		name string
		body string
		want []Span
	}{
		{name: "a day and a month, each with its year",
			body: "The jury reached its verdict on Friday. The shooting on March 3, 2011 shocked the city. The trial opened in June 2012.",
			want: []Span{day(2011, time.March, 3), month(2012, time.June)}},
		{name: "a day first in the European order",
			body: "Police said the raid took place on 4 December 2008 in Paris.",
			want: []Span{day(2008, time.December, 4)}},
		{name: "days and months without a year are left out",
			body: "The vote is set for April 14. Talks resumed in May and again last week.",
			want: nil},
		{name: "a date named twice is kept once",
			body: "On July 7, 2012 the storm came. Residents remember July 7, 2012 well.",
			want: []Span{day(2012, time.July, 7)}},
		{name: "no more than maxStated",
			body: "January 2001, February 2001, March 2001, April 2001, May 2001, June 2001, July 2001, August 2001, September 2001 and October 2001 were all dry.",
			want: []Span{month(2001, 1), month(2001, 2), month(2001, 3), month(2001, 4), month(2001, 5), month(2001, 6), month(2001, 7), month(2001, 8)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := statedSpans(text.Analyze("", tc.body).Times)
			if !slices.Equal(got, tc.want) {
				t.Errorf("stated %v, want %v", got, tc.want)
			}
		})
	}
}

// TestStatedDateBridgesTime: a follow-up months after an event, naming the
// event's date, joins the event's story; the same follow-up naming another
// date is too far in time and starts its own.
func TestStatedDateBridgesTime(t *testing.T) {
	at := func(y int, m time.Month, d int) *time.Time { t := time.Date(y, m, d, 9, 0, 0, 0, time.UTC); return &t }
	followUp := func(stated string) *model.Article {
		return &model.Article{ID: 10, Title: "Qeshm island rebuilds after Iran earthquake", Published: at(2012, time.September, 10),
			Text: "Residents of Dargahan on Iran's Qeshm island moved back into rebuilt homes this week, eighteen months after the magnitude 5.6 earthquake of " + stated + " injured five people and cracked walls across the island.\n\nOfficials in Bandar Abbas and Hormozgan province said the last tents were taken down."}
	}
	tests := []struct {
		name   string
		stated string
		joins  bool
		// reason is what the decision's explanation says of time.
		reason string
	}{
		{name: "the event's date", stated: "March 6, 2011", joins: true, reason: " (dated 18 months from the story, but its text states a date within it)"},
		{name: "the event's month", stated: "March 2011", joins: true, reason: " (dated 18 months from the story, but its text states a date within it)"},
		{name: "a date near the event's", stated: "February 20, 2011", joins: false, reason: " (lowered by 70%: dated 18 months from the story, 13 days by a date its text states)"},
		{name: "another date", stated: "March 6, 2005", joins: false, reason: " (lowered by 70%: 18 months from the story)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := New(DefaultConfig(), nil)
			for i, a := range quake {
				a := *a
				a.Published = at(2011, time.March, 6)
				f := features(&a)
				c.Commit(int64(i+1), 1, f, c.Assign(f))
			}
			asg := c.Assign(features(followUp(tc.stated)))
			if joined := asg.Story == 1; joined != tc.joins {
				t.Errorf("joined the quake's story: %v, want %v (%s)", joined, tc.joins, asg.Decision.Reason)
			}
			if !strings.Contains(asg.Decision.Reason, tc.reason) {
				t.Errorf("reason %q does not say %q", asg.Decision.Reason, tc.reason)
			}
		})
	}
}

func TestSpan(t *testing.T) {
	tests := []struct {
		name string
		sec  int64
		want string
	}{
		{"minutes", 20 * 60, "20 minutes"},
		{"one hour", 3600, "1 hour"},
		{"a day and a half in hours", 36 * 3600, "36 hours"},
		{"days", 9 * 86400, "9 days"},
		{"seven weeks in days", 49 * 86400, "49 days"},
		{"months", 548 * 86400, "18 months"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := span(tc.sec); got != tc.want {
				t.Errorf("span(%d) = %q, want %q", tc.sec, got, tc.want)
			}
		})
	}
}
