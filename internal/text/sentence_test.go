package text

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/testutil"
)

func TestSentences(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  []string
		paras []int
	}{
		{name: "two sentences", in: "Lavrov met them. They talked for hours.", want: []string{"Lavrov met them.", "They talked for hours."}},
		{name: "U.S. inside a sentence", in: "Former U.S. officials met Lavrov. He listened.", want: []string{"Former U.S. officials met Lavrov.", "He listened."}},
		{name: "title abbreviation after a bracket", in: "He met (Sen. Bob Casey) today. Then left.", want: []string{"He met (Sen. Bob Casey) today.", "Then left."}},
		{name: "title abbreviations", in: "Sen. Bob Casey met Gov. Josh Shapiro and Dr. Jill Biden. Then they left.", want: []string{"Sen. Bob Casey met Gov. Josh Shapiro and Dr. Jill Biden.", "Then they left."}},
		{name: "state abbreviation", in: "He lives in Tallahassee, Fla. with his wife. She works.", want: []string{"He lives in Tallahassee, Fla. with his wife.", "She works."}},
		{name: "a word that abbreviates a state still ends a sentence", in: "He fell ill. Doctors came.", want: []string{"He fell ill.", "Doctors came."}},
		{name: "month abbreviation", in: "The vote is on Jan. 5 in Washington. It is close.", want: []string{"The vote is on Jan. 5 in Washington.", "It is close."}},
		{name: "quote ends sentence", in: "He said: “I’m convinced.” The talks went on.", want: []string{"He said: “I’m convinced.”", "The talks went on."}},
		{name: "quote inside sentence", in: "“We will win,” Zelenskyy said in Prague.", want: []string{"“We will win,” Zelenskyy said in Prague."}},
		{name: "paragraphs", in: "First one.\n\nSecond one. Third one.\n \nFourth", want: []string{"First one.", "Second one.", "Third one.", "Fourth"}, paras: []int{0, 1, 1, 2}},
		{name: "no-break spaces trimmed", in: "Talks ended.\u00a0\n\n\u00a0\n\nNext.", want: []string{"Talks ended.", "Next."}, paras: []int{0, 1}},
		{name: "lines are paragraphs without blank lines", in: "Glenn Beck Rips Progressivism\nFox News host Glenn Beck spoke. He left.", want: []string{"Glenn Beck Rips Progressivism", "Fox News host Glenn Beck spoke.", "He left."}, paras: []int{0, 1, 1}},
		{name: "wrapped lines stay one sentence between blank lines", in: "Talks went on in\nNew York for hours.\n\nNext.", want: []string{"Talks went on in\nNew York for hours.", "Next."}, paras: []int{0, 1}},
		{name: "empty", in: " \n\n ", want: []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Sentences(tc.in)
			texts := make([]string, len(got))
			paras := make([]int, len(got))
			for i, s := range got {
				texts[i], paras[i] = s.Text, s.Para
				if tc.in[s.Start:s.End] != s.Text {
					t.Errorf("sentence %d: in[%d:%d] = %q, Text %q", i, s.Start, s.End, tc.in[s.Start:s.End], s.Text)
				}
			}
			if !slices.Equal(texts, tc.want) {
				t.Errorf("sentences = %q\nwant %q", texts, tc.want)
			}
			if tc.paras != nil && !slices.Equal(paras, tc.paras) {
				t.Errorf("paragraphs = %v, want %v", paras, tc.paras)
			}
		})
	}
}

// TestSentencesAgreeWithLibrary checks that running Punkt on two-word
// windows (for speed) decides as the library does on whole paragraphs of
// real news, apart from the title abbreviations we never break after.
func TestSentencesAgreeWithLibrary(t *testing.T) {
	for _, name := range []string{"basil-dev.jsonl", "ecbplus-dev.jsonl", "allsides-dev.jsonl"} {
		t.Run(name, func(t *testing.T) {
			agreeWithLibrary(t, testutil.SharedDir(t, "data", name))
		})
	}
}

func agreeWithLibrary(t *testing.T, path string) {
	tok, err := sentenceModel()
	if err != nil {
		t.Fatal(err)
	}
	texts := readTexts(t, path)
	var boundaries, disagree int
	for _, body := range texts {
		for _, p := range strings.Split(body, "\n") {
			var want []string
			// The trailing space spares the library its trouble with a
			// text ending in a multi-byte character.
			for _, s := range tok.Tokenize(p + " ") {
				if s := strings.TrimSpace(s.Text); s != "" {
					want = append(want, s)
				}
			}
			var got []string
			for _, s := range Sentences(p) {
				got = append(got, s.Text)
			}
			boundaries += len(want)
			if !slices.Equal(got, want) && !onlyTitleMerges(got, want) {
				disagree++
				if disagree <= 3 {
					t.Errorf("paragraph %q:\n got %q\nwant %q", p, got, want)
				}
			}
		}
	}
	if disagree > 0 {
		t.Errorf("%d of %d paragraphs split differently from the library", disagree, boundaries)
	}
}

// onlyTitleMerges reports whether got equals want with some sentences
// ending in a title abbreviation joined to the next.
func onlyTitleMerges(got, want []string) bool {
	var merged []string
	for i := 0; i < len(want); i++ {
		s := want[i]
		for isTitleAbbrev(lastWord(s)) && i+1 < len(want) {
			i++
			s += " " + want[i]
		}
		merged = append(merged, s)
	}
	return slices.Equal(got, merged)
}

func lastWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

// readTexts returns the text field of every line of a JSONL data file.
func readTexts(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var texts []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var rec struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		texts = append(texts, rec.Text)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return texts
}

// TestIndexSentencePunct checks the byte table against the marks the
// library ends sentences with, ASCII and full-width, and against other
// characters sharing their lead bytes.
func TestIndexSentencePunct(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"", -1}, {"no mark", -1}, {"a.b", 1}, {"go!", 2}, {"why?", 3},
		{"日本。", 6}, {"ｘ！", 3}, {"ｘ？", 3}, {"あいｘ", -1}, {"あ.", 3},
	} {
		if got := indexSentencePunct(tc.in); got != tc.want {
			t.Errorf("indexSentencePunct(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}
