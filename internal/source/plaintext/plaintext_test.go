package plaintext

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/parallax-news/parallax/internal/extract/clean"
	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/testutil"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		isOutlet   func(string) bool
		headline   string
		date       string
		outlet     string
		url        string
		paragraphs []string
		head, tail []model.Removal
	}{
		{
			name:       "seed form with date, outlet and URL",
			in:         "• 11/25/2024\n\nTalks held\n\nFox News\n\nFirst paragraph.\n\nSecond paragraph.\n\nhttps://www.foxnews.com/world/talks\n",
			headline:   "Talks held",
			date:       "2024-11-25",
			outlet:     "Fox News",
			url:        "https://www.foxnews.com/world/talks",
			paragraphs: []string{"First paragraph.", "Second paragraph."},
			head:       []model.Removal{{Kind: model.RemovalDateLine, Text: "• 11/25/2024"}, {Kind: model.RemovalOutletLine, Text: "Fox News"}},
			tail:       []model.Removal{{Kind: model.RemovalTrailingURL, Text: "https://www.foxnews.com/world/talks"}},
		},
		{
			name:       "copyright glued to the next file's date line",
			in:         "Copyright 2023,• 11/25/2024\n\nTalks held\n\nFirst paragraph.",
			headline:   "Talks held",
			date:       "2024-11-25",
			paragraphs: []string{"First paragraph."},
			head:       []model.Removal{{Kind: model.RemovalCopyright, Text: "Copyright 2023,"}, {Kind: model.RemovalDateLine, Text: "• 11/25/2024"}},
		},
		{
			name:       "headline only, trailing copyright",
			in:         "Talks held\n\n( — First paragraph.\n\nCopyright 2023,",
			headline:   "Talks held",
			paragraphs: []string{"( — First paragraph."},
			tail:       []model.Removal{{Kind: model.RemovalCopyright, Text: "Copyright 2023,"}},
		},
		{
			name:       "date line after the headline",
			in:         "Talks held\n\nNovember 25, 2024\n\nFirst paragraph.",
			headline:   "Talks held",
			date:       "2024-11-25",
			paragraphs: []string{"First paragraph."},
			head:       []model.Removal{{Kind: model.RemovalDateLine, Text: "November 25, 2024"}},
		},
		{
			name:       "outlet known to the caller",
			in:         "Talks held\n\nAxios Local\n\nFirst paragraph.",
			isOutlet:   func(s string) bool { return s == "Axios Local" },
			headline:   "Talks held",
			outlet:     "Axios Local",
			paragraphs: []string{"First paragraph."},
			head:       []model.Removal{{Kind: model.RemovalOutletLine, Text: "Axios Local"}},
		},
		{
			name:       "subtitle is not an outlet",
			in:         "Talks held\n\nThe Ukraine Problem\n\nFirst paragraph.",
			headline:   "Talks held",
			paragraphs: []string{"The Ukraine Problem", "First paragraph."},
		},
		{
			name:       "byline is not an outlet",
			in:         "Talks held\n\nBy Daily News Staff\n\nFirst paragraph.",
			headline:   "Talks held",
			paragraphs: []string{"By Daily News Staff", "First paragraph."},
		},
		{
			name:       "hard-wrapped paragraphs are joined",
			in:         "Talks held\r\n\r\nFirst line\r\nwraps here.\r\n\r\nSecond.",
			headline:   "Talks held",
			paragraphs: []string{"First line wraps here.", "Second."},
		},
		{
			name:       "one paragraph a line without blank lines",
			in:         "Talks held\nFirst paragraph.\nSecond paragraph.",
			headline:   "Talks held",
			paragraphs: []string{"First paragraph.", "Second paragraph."},
		},
		{
			name:       "a headline line and a body line, with the file's last newline",
			in:         "Energy price cap announced\nThe government announced a package on Monday.\n",
			headline:   "Energy price cap announced",
			paragraphs: []string{"The government announced a package on Monday."},
		},
		{
			name:       "blank lines around lines without blank lines between",
			in:         "\n\nTalks held\r\nFirst paragraph.\r\n\r\n",
			headline:   "Talks held",
			paragraphs: []string{"First paragraph."},
		},
		{
			name:       "no headline when the first paragraph is long",
			in:         strings.Repeat("word ", 60) + "\n\nSecond.",
			paragraphs: []string{strings.TrimSpace(strings.Repeat("word ", 60)), "Second."},
		},
		{
			name:     "outlet line needs a paragraph after it",
			in:       "Talks held\n\nFox News",
			headline: "Talks held", paragraphs: []string{"Fox News"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Parse([]byte(tc.in), Options{IsOutlet: tc.isOutlet})
			if err != nil {
				t.Fatal(err)
			}
			if a.Headline != tc.headline || a.Outlet != tc.outlet || a.URL != tc.url {
				t.Errorf("headline %q outlet %q url %q; want %q %q %q", a.Headline, a.Outlet, a.URL, tc.headline, tc.outlet, tc.url)
			}
			var date string
			if a.Date != nil {
				date = a.Date.Format("2006-01-02")
			}
			if date != tc.date {
				t.Errorf("date %q, want %q", date, tc.date)
			}
			if !slices.Equal(a.Paragraphs, tc.paragraphs) {
				t.Errorf("paragraphs %q, want %q", a.Paragraphs, tc.paragraphs)
			}
			if !slices.Equal(a.Head, tc.head) || !slices.Equal(a.Tail, tc.tail) {
				t.Errorf("head %q tail %q; want %q %q", a.Head, a.Tail, tc.head, tc.tail)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{name: "empty", in: nil, want: ErrEmpty},
		{name: "white space", in: []byte(" \n\n\t\n"), want: ErrEmpty},
		{name: "only boilerplate", in: []byte("• 11/25/2024\n\nhttps://example.com/a"), want: ErrEmpty},
		{name: "invalid UTF-8", in: []byte("Talks\n\n\xff\xfe body"), want: ErrInvalidUTF8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.in, Options{})
			if !errors.Is(err, tc.want) {
				t.Fatalf("Parse = %v, want %v", err, tc.want)
			}
		})
	}
}

func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}

// FuzzParse checks that Parse never loses or invents text: the headline,
// the paragraphs and the removed pieces hold exactly the input's words,
// in valid UTF-8, and no piece is longer than the input.
func FuzzParse(f *testing.F) {
	for _, p := range testutil.Seeds(f) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("Copyright 2023,• 11/25/2024\n\nHeadline\n\nFox News\n\nBody.\n\nhttps://x.example/a"))
	f.Fuzz(func(t *testing.T, in []byte) {
		a, err := Parse(in, Options{})
		if err != nil {
			if !errors.Is(err, ErrEmpty) && !errors.Is(err, ErrInvalidUTF8) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		pieces := append([]string{a.Headline}, a.Paragraphs...)
		for _, r := range append(append([]model.Removal{}, a.Head...), a.Tail...) {
			pieces = append(pieces, r.Text)
		}
		var got []string
		total := 0
		for _, p := range pieces {
			if !utf8.ValidString(p) {
				t.Fatalf("invalid UTF-8 out: %q", p)
			}
			total += len(strings.Join(strings.Fields(p), ""))
			got = append(got, words(p)...)
		}
		norm := clean.Normalize(string(in))
		if total > len(strings.Join(strings.Fields(norm), "")) {
			t.Fatalf("pieces hold %d bytes of text, the input %d", total, len(norm))
		}
		want := words(norm)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("words out %q, want %q", got, want)
		}
	})
}
