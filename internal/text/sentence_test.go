package text

import (
	"slices"
	"testing"
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
		{name: "title abbreviations", in: "Sen. Bob Casey met Gov. Josh Shapiro and Dr. Jill Biden. Then they left.", want: []string{"Sen. Bob Casey met Gov. Josh Shapiro and Dr. Jill Biden.", "Then they left."}},
		{name: "month abbreviation", in: "The vote is on Jan. 5 in Washington. It is close.", want: []string{"The vote is on Jan. 5 in Washington.", "It is close."}},
		{name: "quote ends sentence", in: "He said: “I’m convinced.” The talks went on.", want: []string{"He said: “I’m convinced.”", "The talks went on."}},
		{name: "quote inside sentence", in: "“We will win,” Zelenskyy said in Prague.", want: []string{"“We will win,” Zelenskyy said in Prague."}},
		{name: "paragraphs", in: "First one.\n\nSecond one. Third one.\n \nFourth", want: []string{"First one.", "Second one.", "Third one.", "Fourth"}, paras: []int{0, 1, 1, 2}},
		{name: "no-break spaces trimmed", in: "Talks ended.\u00a0\n\n\u00a0\n\nNext.", want: []string{"Talks ended.", "Next."}, paras: []int{0, 1}},
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
