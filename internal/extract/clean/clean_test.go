package clean

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/testutil"
)

// body wraps a paragraph in article text on both sides, so rules that
// need a paragraph inside the body see one.
func body(p string) []string {
	return []string{
		"The council met on Tuesday to discuss the budget for next year.",
		p,
		"The vote is expected before the end of the month, officials said.",
	}
}

func TestParagraphsRules(t *testing.T) {
	tests := []struct {
		name     string
		para     string
		wantKind string // "" means the paragraph must be kept
	}{
		// Promo headlines.
		{name: "promo headline of another story", para: "RUSSIAN MISSILE STRIKE KILLS 4 CIVILIANS IN LVIV AS ZELENSKYY VOWS RESPONSE", wantKind: model.RemovalPromo},
		{name: "promo starting with a quoted title", para: "'DANCING WITH THE STARS' JUDGE OPENS UP ABOUT SERIOUS HEALTH CONDITION", wantKind: model.RemovalPromo},
		{name: "keep acronym sentence", para: "NATO AND THE EU AGREED ON A NEW AID PACKAGE FOR UKRAINE ON FRIDAY.", wantKind: ""},
		{name: "keep quote in capitals", para: "“WE WILL NEVER SURRENDER TO THESE PEOPLE, NEVER EVER,” HE SHOUTED", wantKind: ""},
		{name: "keep capital subheading", para: "THE ROAD TO VILNIUS", wantKind: ""},
		{name: "keep question subheading", para: "WILL SOMEONE STAND UP FOR THE ESTABLISHMENT?", wantKind: ""},
		{name: "keep mixed-case sentence", para: "The NATO summit in Vilnius will decide on Ukraine's path to membership", wantKind: ""},
		{name: "keep line of figures", para: "2023 1,024 2,048 4,096 8,192 16,384 32,768", wantKind: ""},
		// Copyright.
		{name: "copyright with year", para: "Copyright 2023,", wantKind: model.RemovalCopyright},
		{name: "copyright sign", para: "© 2024 The Associated Press. All rights reserved.", wantKind: model.RemovalCopyright},
		{name: "rights reserved line", para: "Reuters. All rights reserved.", wantKind: model.RemovalCopyright},
		{name: "agency redistribution notice", para: "This material may not be published, broadcast, rewritten or redistributed.", wantKind: model.RemovalCopyright},
		{name: "keep paragraph about copyright law", para: "Copyright law has long protected news publishers, and the court said it still does.", wantKind: ""},
		{name: "keep mention of copyright inside", para: "The lawsuit claims the company broke copyright law in 2023 by copying articles.", wantKind: ""},
		// Share, subscribe, follow, advertisement.
		{name: "advertisement marker", para: "Advertisement", wantKind: model.RemovalShare},
		{name: "continue reading marker", para: "Continue Reading Below", wantKind: model.RemovalShare},
		{name: "share buttons", para: "Share Tweet Email", wantKind: model.RemovalShare},
		{name: "click here", para: "CLICK HERE TO GET THE FOX NEWS APP", wantKind: model.RemovalShare},
		{name: "newsletter prompt", para: "Sign up for our morning newsletter to get the news in your inbox.", wantKind: model.RemovalShare},
		{name: "follow prompt", para: "Follow Newsbeat on Instagram, Facebook, Twitter and YouTube.", wantKind: model.RemovalShare},
		{name: "related link", para: "Related: The 15 weirdest galaxies in our universe", wantKind: model.RemovalShare},
		{name: "keep follow the money", para: "Follow the money, investigators said, and the trail leads to Cyprus.", wantKind: ""},
		{name: "keep newsletter in reporting", para: "The newsletter, which has two million readers, first reported the talks.", wantKind: ""},
		{name: "keep app advice", para: "To get started, record what you eat each day using either a journal or an app.", wantKind: ""},
		// Photo credits.
		{name: "photo credit line", para: "Photo: Evan Vucci/AP", wantKind: model.RemovalPhotoCredit},
		{name: "caption with credit", para: "President Biden speaks in Delaware. (AP Photo/Evan Vucci)", wantKind: model.RemovalPhotoCredit},
		{name: "getty credit", para: "(Getty Images)", wantKind: model.RemovalPhotoCredit},
		{name: "credit standing alone", para: "REUTERS/Kevin Lamarque", wantKind: model.RemovalPhotoCredit},
		{name: "keep sentence starting with an agency", para: "Reuters reported the talks on Thursday, citing three sources.", wantKind: ""},
		{name: "keep parenthesis at paragraph end", para: "The agency lowered the country's rating on Friday (the second cut this year).", wantKind: ""},
		{name: "keep photographer in reporting", para: "The photographer who took the picture said she was stunned by the response.", wantKind: ""},
		// Date lines.
		{name: "bullet date line", para: "• 11/25/2024", wantKind: model.RemovalDateLine},
		{name: "updated line", para: "Updated: November 25, 2024 5:01pm ET", wantKind: model.RemovalDateLine},
		{name: "updated time only", para: "Updated at 1:23 p.m.", wantKind: model.RemovalDateLine},
		{name: "month and day without a year", para: "APR 28", wantKind: model.RemovalDateLine},
		{name: "month, day and clock without a year", para: "Dec. 24 4: 33 AM EST", wantKind: model.RemovalDateLine},
		{name: "live blog clock", para: "8: 24am:", wantKind: model.RemovalDateLine},
		{name: "keep sentence with a date", para: "On November 25, 2024 the ministry published the figures.", wantKind: ""},
		{name: "keep a month's name as a word", para: "May 28 be the day?", wantKind: ""},
		{name: "keep a score", para: "Final: 20-13", wantKind: ""},
		{name: "keep a bare number", para: "2008", wantKind: ""},
		{name: "keep date among words", para: "2018.04.05 ~ OPEN RUN", wantKind: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := body(tc.para)
			kept, removed := Paragraphs(in, Lead{})
			if tc.wantKind == "" {
				if len(removed) != 0 || !slices.Equal(kept, in) {
					t.Fatalf("removed %q; want all kept", removed)
				}
				return
			}
			want := []model.Removal{{Kind: tc.wantKind, Text: tc.para}}
			if !slices.Equal(removed, want) {
				t.Fatalf("removed %q, want %q", removed, want)
			}
			if len(kept) != 2 {
				t.Fatalf("kept %q, want the two article paragraphs", kept)
			}
		})
	}
}

func TestParagraphsPositions(t *testing.T) {
	tests := []struct {
		name        string
		in          []string
		lead        Lead
		wantKept    []string
		wantRemoved []model.Removal
	}{
		{
			name:        "stripped dateline remnant",
			in:          []string{"( — Former officials held talks, NBC News reported."},
			wantKept:    []string{"Former officials held talks, NBC News reported."},
			wantRemoved: []model.Removal{{Kind: model.RemovalDateline, Text: "( —"}},
		},
		{
			name:     "keep a parenthesis opening with a minus",
			in:       []string{"(-5 degrees overnight) was the coldest reading."},
			wantKept: []string{"(-5 degrees overnight) was the coldest reading."},
		},
		{
			name:        "remnant with empty parentheses",
			in:          []string{"() — Officials met."},
			wantKept:    []string{"Officials met."},
			wantRemoved: []model.Removal{{Kind: model.RemovalDateline, Text: "() —"}},
		},
		{
			name:     "keep a full dateline",
			in:       []string{"WASHINGTON (AP) — Former officials held talks."},
			wantKept: []string{"WASHINGTON (AP) — Former officials held talks."},
		},
		{
			name:        "trailing URLs",
			in:          []string{"Officials met in April.", "https://example.com/a", "https://example.com/b"},
			wantKept:    []string{"Officials met in April."},
			wantRemoved: []model.Removal{{Kind: model.RemovalTrailingURL, Text: "https://example.com/a"}, {Kind: model.RemovalTrailingURL, Text: "https://example.com/b"}},
		},
		{
			name:     "keep URL inside the text",
			in:       []string{"The report is online:", "https://example.com/report", "It runs to 40 pages."},
			wantKept: []string{"The report is online:", "https://example.com/report", "It runs to 40 pages."},
		},
		{
			name:        "promo at the end is not inside the body",
			in:          []string{"Officials met in April.", "RUSSIAN MISSILE STRIKE KILLS 4 CIVILIANS IN LVIV AS ZELENSKYY VOWS RESPONSE"},
			wantKept:    []string{"Officials met in April.", "RUSSIAN MISSILE STRIKE KILLS 4 CIVILIANS IN LVIV AS ZELENSKYY VOWS RESPONSE"},
			wantRemoved: nil,
		},
		{
			name:        "repeated title and summary heading",
			in:          []string{"Talks on Ukraine", "Former officials met Lavrov.", "The talks took place in April."},
			lead:        Lead{Title: "Talks  on Ukraine", Summary: "Former officials met Lavrov."},
			wantKept:    []string{"The talks took place in April."},
			wantRemoved: []model.Removal{{Kind: model.RemovalTitle, Text: "Talks on Ukraine"}, {Kind: model.RemovalSummary, Text: "Former officials met Lavrov."}},
		},
		{
			name:     "title later in the text is kept",
			in:       []string{"The talks took place in April.", "Talks on Ukraine"},
			lead:     Lead{Title: "Talks on Ukraine"},
			wantKept: []string{"The talks took place in April.", "Talks on Ukraine"},
		},
		{
			name:        "lone leading URL",
			in:          []string{"https://example.com/story", "The talks took place in April."},
			wantKept:    []string{"The talks took place in April."},
			wantRemoved: []model.Removal{{Kind: model.RemovalURL, Text: "https://example.com/story"}},
		},
		{
			name:     "white space and NFC normalised, empty paragraphs dropped",
			in:       []string{"  Zelenskyy\u00a0met   Pavel\u200b in Prague.\u00a0", "   ", "Cafe\u0301 owners met."},
			wantKept: []string{"Zelenskyy met Pavel in Prague.", "Caf\u00e9 owners met."},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kept, removed := Paragraphs(tc.in, tc.lead)
			if !slices.Equal(kept, tc.wantKept) {
				t.Errorf("kept %q, want %q", kept, tc.wantKept)
			}
			if !slices.Equal(removed, tc.wantRemoved) {
				t.Errorf("removed %q, want %q", removed, tc.wantRemoved)
			}
		})
	}
}

func TestDateLine(t *testing.T) {
	tests := []struct {
		name, in, want string // want "" means not a date line
	}{
		{name: "seed bullet", in: "• 11/25/2024", want: "2024-11-25"},
		{name: "written", in: "November 25, 2024", want: "2024-11-25"},
		{name: "day month year", in: "25 Nov 2024", want: "2024-11-25"},
		{name: "labelled with zone", in: "Published: Nov. 25, 2024 3:15 PM ET", want: "2024-11-25"},
		{name: "iso", in: "2024-11-25T10:00:00Z", want: "2024-11-25"},
		{name: "capitals", in: "NOVEMBER 20, 2019 10:43", want: "2019-11-20"},
		{name: "weekday first", in: "Thursday, December 11, 2008", want: "2008-12-11"},
		{name: "at sign and clock", in: "12 January 2010 @ 09:29 pm", want: "2010-01-12"},
		{name: "bar and label after", in: "Thursday, Apr 2, 2009 | Updated 1:32 PM PDT", want: "2009-04-02"},
		{name: "label then clock first", in: "PUBLISHED: 22:07 GMT, 7 July 2012", want: "2012-07-07"},
		{name: "label inside", in: "9 September 2013 Last updated at 14:39 GMT", want: "2013-09-09"},
		{name: "abbreviated month", in: "Posted: Jul 07, 2012 7:40 PM ET", want: "2012-07-07"},
		{name: "tokenized numbers", in: "Posted 2 / 3 / 2009 11: 11 PM", want: "2009-02-03"},
		{name: "tokenized clock", in: "Updated: July 7, 2012, 10: 04 PM ET", want: "2012-07-07"},
		{name: "zone of India", in: "Updated: November 11, 2011 20: 09 IST", want: "2011-11-11"},
		{name: "zone of Sydney", in: "Published 3 March 2015, 9:05 AEDT", want: "2015-03-03"},
		{name: "article posted, dotted, day first", in: "Article posted on 08. 07. 2012", want: "2012-07-08"},
		{name: "no year", in: "Jul. 7 5:59 PM EDT", want: ""},
		{name: "sentence", in: "Officials met on November 25, 2024.", want: ""},
		{name: "headline with a date", in: "Storm hits coast on July 7, 2012", want: ""},
		{name: "no digits", in: "Monday", want: ""},
		{name: "year alone", in: "2024", want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := DateLine(tc.in)
			switch {
			case tc.want == "" && ok:
				t.Errorf("DateLine(%q) = %v, want not a date line", tc.in, got)
			case tc.want != "" && (!ok || got.Format("2006-01-02") != tc.want):
				t.Errorf("DateLine(%q) = %v, %v; want %s", tc.in, got, ok, tc.want)
			}
		})
	}
}

// words returns the \w-like words of s, the unit cleaning must account for.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}

func nonSpaceLen(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) {
			n += utf8.RuneLen(r)
		}
	}
	return n
}

// FuzzParagraphs checks that cleaning only ever moves text from the
// article to the removed list: every word of the input is in exactly one
// of them, the output is valid UTF-8 and never longer than the input.
func FuzzParagraphs(f *testing.F) {
	for _, p := range testutil.Seeds(f) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), filepath.Base(p))
	}
	f.Add("( — Talks\n\nCopyright 2023,\n\nhttps://example.com", "Talks")
	f.Add("A\u00a0b\u200b\n\nCAPS LINE OF SEVEN WORDS HERE NOW\n\nEnd.", "")
	f.Fuzz(func(t *testing.T, text, title string) {
		if !utf8.ValidString(text) || !utf8.ValidString(title) {
			t.Skip("cleaning takes valid UTF-8; the extract stage rejects the rest")
		}
		paras := strings.Split(text, "\n\n")
		kept, removed := Paragraphs(paras, Lead{Title: title})
		out := strings.Join(kept, "\n\n")
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out: %q", out)
		}
		// Normalisation may recompose characters, so sizes and words are
		// compared with the NFC form of the input.
		in := Normalize(strings.Join(paras, " "))
		if nonSpaceLen(out) > nonSpaceLen(in) {
			t.Fatalf("output %q longer than input %q", out, in)
		}
		got := words(out)
		for _, r := range removed {
			got = append(got, words(r.Text)...)
		}
		want := words(in)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("words of text and removals %q differ from the input's %q", got, want)
		}
	})
}

// FuzzDateLine checks that a date line is short, holds a digit, and reads
// as a date of a plausible year, the same each time.
func FuzzDateLine(f *testing.F) {
	for _, s := range []string{"Thursday, December 11, 2008", "Posted 2 / 3 / 2009 11: 11 PM", "• 11/25/2024",
		"9 September 2013 Last updated at 14: 39 GMT", "1 : 2 : 3 / 4 . 5", "Jul 7 2012, 5: 55p"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if !utf8.ValidString(p) {
			t.Skip("cleaning takes valid UTF-8")
		}
		got, ok := DateLine(p)
		if !ok {
			return
		}
		if len(p) > 80 || !strings.ContainsAny(p, "0123456789") {
			t.Fatalf("DateLine(%q) = %v: a date line is short and holds a digit", p, got)
		}
		if y := got.Year(); y < 1800 || y > 2200 {
			t.Fatalf("DateLine(%q) = %v: implausible year", p, got)
		}
		if again, ok2 := DateLine(p); !ok2 || !again.Equal(got) {
			t.Fatalf("DateLine(%q) = %v, then %v %v", p, got, again, ok2)
		}
	})
}

// FuzzPrefilters checks that the cheap tests run before the expressions
// never turn a match away, and that wordCount counts as strings.Fields.
func FuzzPrefilters(f *testing.F) {
	for _, s := range []string{
		"© 2024 Reuters. All Rights Reserved.",
		"This material may not be published, broadcast, rewritten or redistributed.",
		"CLICK HERE to get the app",
		"The council met on\u00a0Tuesday.",
		"all rights re\u017ferved", // a long s folds into "s"
		"\u212alick here",          // and the Kelvin sign into "k"
		"Photo:\tAP\n",
		"Story continues below advertisement ...",
		"Continue reading the main story!!",
		"\u017fkip to \u212aontent", // folds into "skip to content"
		"Share | Tweet | Email | Facebook, Twitter / Linkedin",
		"( \tFile Photo / Getty",
		"[Illustration courtesy of the artist]",
		"Pictures by AP",
		"Video: the talks",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if rightsLine.MatchString(p) && !mayContainFold(p, "all rights reserved") && !mayContainFold(p, "this material") {
			t.Errorf("%q matches the rights line but the prefilter refuses it", p)
		}
		if clickHere.MatchString(p) && !mayContainFold(p, "click") {
			t.Errorf("%q matches click here but the prefilter refuses it", p)
		}
		if shareLabel.MatchString(p) && !fewWordBytes(p, shareLabelWordBytes) {
			t.Errorf("%q is a share label with more word bytes than the bound %d", p, shareLabelWordBytes)
		}
		if shareButtons.MatchString(p) && strings.Contains(p, ".") {
			t.Errorf("%q is a line of share buttons with a full stop", p)
		}
		if creditStart.MatchString(p) && !mayStartCredit(p) {
			t.Errorf("%q starts a photo credit but mayStartCredit refuses it", p)
		}
		if got, want := wordCount(p, math.MaxInt), len(strings.Fields(p)); got != want {
			t.Errorf("wordCount(%q) = %d, want %d", p, got, want)
		}
		if got, want := wordCount(p, 3), min(len(strings.Fields(p)), 4); got != want {
			t.Errorf("wordCount(%q, 3) = %d, want %d", p, got, want)
		}
	})
}

// TestShareLabelWordBytes checks the bound against the longest labels.
func TestShareLabelWordBytes(t *testing.T) {
	if shareLabelWordBytes > 60 {
		t.Fatalf("bound %d: the expression's labels have at most 32 letters", shareLabelWordBytes)
	}
	for _, label := range []string{"story continues below advertisement", "continue reading the main story", "skip to advertisement"} {
		if !shareLabel.MatchString(label) || !fewWordBytes(label, shareLabelWordBytes) {
			t.Errorf("%q: matches %v, or has more word bytes than the bound %d", label, shareLabel.MatchString(label), shareLabelWordBytes)
		}
	}
}

func TestMayContainFold(t *testing.T) {
	tests := []struct {
		name, s, sub string
		want         bool
	}{
		{"same case", "please click here", "click", true},
		{"other case", "Please CLICK here", "click", true},
		{"absent", "The council met on Tuesday.", "click", false},
		{"cut at the end", "cli", "click", false},
		{"not ASCII, so maybe", "caf\u00e9", "click", true},
		{"empty", "", "click", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := mayContainFold(tc.s, tc.sub); got != tc.want {
				t.Errorf("mayContainFold(%q, %q) = %v, want %v", tc.s, tc.sub, got, tc.want)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"normal ASCII", "The council met.", "The council met."},
		{"white space runs", " two  spaces\tand\u00a0a tab ", "two spaces and a tab"},
		{"NFC", "cafe\u0301", "caf\u00e9"},
		{"invisible characters", "zero\u200bwidth soft\u00adhyphen", "zerowidth softhyphen"},
		{"control characters", "a NUL\x00 and a bell\a and an escape\x1b[0m", "a NUL and a bell and an escape[0m"},
		{"bytes that are no UTF-8", "bad \xff\xfe bytes", "bad \ufffd\ufffd bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Normalize(tc.in); got != tc.want {
				t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// FuzzNormalize checks that what Normalize returns untouched is what the
// whole normalisation would leave as it is, that normalising twice changes
// nothing more, and that what it returns is UTF-8 without control
// characters, which every store keeps.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"The council met.", " lead space", "two  spaces", "tab\there", "caf\u00e9", "zero\u200bwidth", "end ", "nul\x00", "bad\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if isNormalASCII(s) && normalize(s) != s {
			t.Errorf("%q taken as normal, but normalize gives %q", s, normalize(s))
		}
		n := Normalize(s)
		if Normalize(n) != n {
			t.Errorf("Normalize(%q) = %q, and again %q", s, n, Normalize(n))
		}
		if !utf8.ValidString(n) || strings.ContainsFunc(n, unicode.IsControl) {
			t.Errorf("Normalize(%q) = %q: not UTF-8, or holds a control character", s, n)
		}
	})
}
