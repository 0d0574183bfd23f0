package date

import (
	"errors"
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
