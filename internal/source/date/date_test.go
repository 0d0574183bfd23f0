package date

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	tests := []struct {
		name string
		in   string
		want time.Time
	}{
		{name: "iso date", in: "2012-05-03", want: utc(2012, 5, 3, 0, 0)},
		{name: "rfc3339 with offset", in: "2021-06-01T12:00:00-07:00", want: utc(2021, 6, 1, 19, 0)},
		{name: "rfc3339 utc", in: "2021-06-01T12:00:00Z", want: utc(2021, 6, 1, 12, 0)},
		{name: "surrounding space", in: "  2012-05-03\n", want: utc(2012, 5, 3, 0, 0)},
		{name: "written month", in: "May 3, 2012", want: utc(2012, 5, 3, 0, 0)},
		{name: "day month year", in: "3 May 2012", want: utc(2012, 5, 3, 0, 0)},
		{name: "rfc1123 of feeds", in: "Thu, 03 May 2012 10:00:00 GMT", want: utc(2012, 5, 3, 10, 0)},
		{name: "us numeric as in the seed", in: "11/25/2024", want: utc(2024, 11, 25, 0, 0)},
		{name: "dotted is day first", in: "03.05.2012", want: utc(2012, 5, 3, 0, 0)},
		{name: "compact digits", in: "20120503", want: utc(2012, 5, 3, 0, 0)},
		{name: "date and minutes", in: "2024-11-25 14:30", want: utc(2024, 11, 25, 14, 30)},
		{name: "iso without a zone", in: "2021-06-01T12:00:00", want: utc(2021, 6, 1, 12, 0)},
		{name: "iso with fractions and no zone", in: "2021-06-01T12:00:00.123", want: time.Date(2021, 6, 1, 12, 0, 0, 123e6, time.UTC)},
		{name: "iso with a compact offset", in: "2006-01-02T15:04:05+0100", want: time.Date(2006, 1, 2, 14, 4, 5, 0, time.UTC)},
		{name: "weekday and written date", in: "Monday, January 2, 2006", want: utc(2006, 1, 2, 0, 0)},
		{name: "clock after a bar", in: "AUGUST 2, 2013 | 08:06AM", want: utc(2013, 8, 2, 8, 6)},
		{name: "clock with seconds", in: "November 15, 2011 6:07:15 PM", want: time.Date(2011, 11, 15, 18, 7, 15, 0, time.UTC)},
		{name: "dotted year first with clock", in: "2012.08.08 09:01 AM", want: utc(2012, 8, 8, 9, 1)},
		{name: "day month year with clock", in: "12 January 2010 09:29 pm", want: utc(2010, 1, 12, 21, 29)},
		{name: "clock of a dotted am", in: "May 3, 2012 8:41 p.m.", want: utc(2012, 5, 3, 20, 41)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if !got.Equal(tc.want) {
				t.Errorf("Parse(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseUnknown(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{name: "empty", in: ""},
		{name: "words", in: "yesterday afternoon"},
		{name: "a count", in: "12345"},
		{name: "a year alone is not a publication date", in: "2012"},
		{name: "relative", in: "1 hour ago"},
		{name: "implausible year", in: "0001-01-01"},
		{name: "a clock alone", in: "08:06AM"},
		{name: "a page of text holding a date", in: "May 3, 2012 " + strings.Repeat("and then the council met again ", 10)},
		{name: "a clock out of range", in: "May 3, 2012 25:10"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.in)
			if !errors.Is(err, ErrUnknown) {
				t.Fatalf("Parse(%q) = %v, %v; want ErrUnknown", tc.in, got, err)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"2012-05-03", "2021-06-01T12:00:00-07:00", "Thu, 03 May 2012 10:00:00 GMT", "• 11/25/2024", "03.05.2012", "May 3rd, 2012", "12345"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrUnknown) {
				t.Fatalf("Parse(%q) error %v is not ErrUnknown", s, err)
			}
			return
		}
		if y := got.Year(); y < minYear || y > maxYear {
			t.Fatalf("Parse(%q) = %v, outside the plausible years", s, got)
		}
	})
}

// FuzzParseWritten writes a date and time in the forms date lines use and
// checks that Parse reads back that date and time.
func FuzzParseWritten(f *testing.F) {
	f.Add(uint16(2013), uint8(8), uint8(2), uint8(8), uint8(6), uint8(0))
	f.Add(uint16(2011), uint8(11), uint8(15), uint8(18), uint8(7), uint8(3))
	f.Fuzz(func(t *testing.T, year uint16, month, day, hour, minute, form uint8) {
		forms := []struct {
			layout string
			upper  bool
		}{
			{layout: "January 2, 2006 3:04 PM"}, {layout: "Jan 2, 2006, 15:04"}, {layout: "2 January 2006 3:04 pm"},
			{layout: "January 2, 2006 | 03:04PM", upper: true}, {layout: "2006.01.02 15:04"},
			{layout: "Monday, January 2, 2006 3:04:05 PM"}, {layout: "2006-01-02 15:04"},
			{layout: "2006-01-02T15:04:05"}, {layout: "Mon, 02 Jan 2006 15:04:05 GMT"}, {layout: "1/2/2006 3:04 PM"},
		}
		want := time.Date(minYear+int(year)%(maxYear-minYear), time.Month(1+month%12), 1+int(day)%28,
			int(hour)%24, int(minute)%60, 0, 0, time.UTC)
		fm := forms[int(form)%len(forms)]
		s := want.Format(fm.layout)
		if fm.upper {
			s = strings.ToUpper(s)
		}
		got, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		if !got.Equal(want) {
			t.Fatalf("Parse(%q) = %v, want %v", s, got, want)
		}
	})
}
