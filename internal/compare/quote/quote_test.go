package quote

import (
	"os"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/testutil"
)

type want struct {
	text, speaker, cue string
	direct             bool
}

func TestExtract(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		want []want
	}{
		{
			name: "curly quote, role and name after it",
			body: "“The plan will fail,” former defense official Jane Roe told Example News.",
			want: []want{{"The plan will fail", "Jane Roe", "told Example News", true}},
		},
		{
			name: "straight quote, pronoun resolved to the subject named before",
			body: "Senator John Smith spoke to voters in Ohio on Monday.\n\n\"We will win this state again,\" he said.",
			want: []want{{"We will win this state again", "John Smith", "said", true}},
		},
		{
			name: "surname resolved to the full name",
			body: "Mayor Anna Kowalski opened the bridge.\n\n“It took ten years to build,” Kowalski said at the ceremony.",
			want: []want{{"It took ten years to build", "Anna Kowalski", "said at the ceremony", true}},
		},
		{
			name: "added reports speech only before a clause",
			body: "America's employers added just 266,000 jobs last month, far fewer than expected.\n\nThe Labor Department added that hiring was held back by a shortage of workers.",
			want: []want{{"hiring was held back by a shortage of workers", "Labor Department", "added", false}},
		},
		{
			name: "a name qualifying the speaker is not the speaker",
			body: "Georgia's secretary of state said on Friday that about 100,000 names will be removed from the rolls.\n\nJobless claims declined to a new pandemic low last week, the department said.\n\nSenate aides told The Times that about 30 senators remained firmly opposed to the deal.",
			want: []want{{"about 30 senators remained firmly opposed to the deal", "Senate aides", "told The Times", false}},
		},
		{
			name: "an adverb between the name and the verb",
			body: "“I am not for it,” Liz Cheney reportedly said.",
			want: []want{{"I am not for it", "Liz Cheney", "said", true}},
		},
		{
			name: "a name followed by a clause is the subject, not a qualifier",
			body: "Mr. Romney laid out his belief that marriage should be restricted, even as he acknowledged that it was “a very tender and sensitive topic.”",
			want: []want{{"a very tender and sensitive topic.", "Romney", "acknowledged", true}},
		},
		{
			name: "a scare quote beside a speech verb is no quote",
			body: "Senators say they and White House officials have agreed to an infrastructure “framework” for the bill.\n\nShe sent officials an even more pointed email, warning the talking points could be “abused” by members.",
			want: nil,
		},
		{
			name: "a short quote set off as speech is one",
			body: "“Nah,” Malia said quickly.",
			want: []want{{"Nah", "Malia", "said", true}},
		},
		{
			name: "a name and its verbs before the speech verb",
			body: "Grimm stormed back, leaned into him and said, “Let me be clear to you, I will not forget this.”",
			want: []want{{"Let me be clear to you, I will not forget this.", "Grimm", "said", true}},
		},
		{
			name: "speaker after the verb",
			body: "\"Nobody expected the vote to pass,\" said Rep. Maria Lopez.",
			want: []want{{"Nobody expected the vote to pass", "Maria Lopez", "said", true}},
		},
		{
			name: "speaker before the quote with an appositive",
			body: "Tom Baker, a spokesman for the group, said: “We are reviewing the decision.”",
			want: []want{{"We are reviewing the decision.", "Tom Baker", "said", true}},
		},
		{
			name: "quote continued over paragraphs without a closing mark",
			body: "“The first part of what she said goes here,” Dana Kim told reporters.\n\n“The second part starts the next paragraph and runs on\n\n“and the third one closes it at last.”",
			want: []want{
				{"The first part of what she said goes here", "Dana Kim", "told reporters", true},
				{"The second part starts the next paragraph and runs on", "Dana Kim", "", true},
				{"and the third one closes it at last.", "Dana Kim", "", true},
			},
		},
		{
			name: "continuation paragraph with no speaker",
			body: "“Prices will keep rising this year,” economist Li Wei said.\n\n“Wages will not keep up with them for a long while.”",
			want: []want{
				{"Prices will keep rising this year", "Li Wei", "said", true},
				{"Wages will not keep up with them for a long while.", "Li Wei", "", true},
			},
		},
		{
			name: "quote after a sentence that introduces its speaker",
			body: "Pastor Stephen Lee says he sees a bigger issue at work here. “There is a culture war going on in this country.”",
			want: []want{{"There is a culture war going on in this country.", "Stephen Lee", "says", true}},
		},
		{
			name: "unnamed speaker resolved to its first mention",
			body: "An official from the ministry of health declined to comment.\n\nThe official said the decision was “not final.”",
			want: []want{{"not final.", "official from the ministry of health", "said", true}},
		},
		{
			name: "a name inside an appositive is not the speaker",
			body: "Mary Roe, a nurse married to John Doe since 2012, wrote on her page: “We are staying here.”",
			want: []want{{"We are staying here.", "Mary Roe", "wrote on her page", true}},
		},
		{
			name: "role resolved to the person given the title before",
			body: "Texas Gov. Jane Roe toured the flooded towns on Monday.\n\n“We will rebuild every home,” the governor said.",
			want: []want{{"We will rebuild every home", "Jane Roe", "said", true}},
		},
		{
			name: "role resolved through an appositive",
			body: "Jane Roe, the Texas governor, toured the flooded towns.\n\n“We will rebuild every home,” the Texas governor said.",
			want: []want{{"We will rebuild every home", "Jane Roe", "said", true}},
		},
		{
			name: "role resolved to the holder of that role, not the last person",
			body: "Sen. Tom Baker met Gov. Jane Roe in Austin.\n\n“The bill will pass this week,” the senator told reporters.",
			want: []want{{"The bill will pass this week", "Tom Baker", "told reporters", true}},
		},
		{
			name: "a role phrase before the verb is the subject, not a name before it",
			body: "President Ann Lee pardoned two turkeys on Wednesday.\n\nBefore approaching Mac and Cheese, the two birds, the president remarked that it was “puzzling that I do this every year.”",
			want: []want{{"puzzling that I do this every year.", "Ann Lee", "remarked", true}},
		},
		{
			name: "role nobody holds stays a role, never a modifier of it",
			body: "“We will rebuild every home,” the Texas governor said.",
			want: []want{{"We will rebuild every home", "Texas governor", "said", true}},
		},
		{
			name: "indirect speech of a named person",
			body: "Czech President Petr Pavel said talks about membership should begin after the war.",
			want: []want{{"talks about membership should begin after the war", "Petr Pavel", "said", false}},
		},
		{
			name: "indirect speech of unnamed officials is not a quote",
			body: "Officials said the road would reopen next week after repairs.",
		},
		{
			name: "passive said is not speech",
			body: "Lavrov was said to have met the former officials for hours.",
		},
		{
			name: "unattributed quote gets no speaker",
			body: "The sign at the gate read “No entry after dark for visitors.”",
			want: []want{{"No entry after dark for visitors.", "", "", true}},
		},
		{
			name: "scare quotes are not quotes",
			body: "He called the plan an “ideal” outcome and blamed “progressivism” for it.",
		},
		{
			name: "a quote that never closes is dropped",
			body: "Jane Roe said: “This goes on and on without an end\n\nAnd the article moves on to other things.",
		},
		{
			name: "a closing mark without an opening one is ignored",
			body: "The talks ended.” Nothing else was said by anyone there today.",
		},
		{
			name: "no quotes",
			body: "The council met on Tuesday and approved the budget for next year.",
		},
		{
			name: "other language",
			body: "„Das ist eine gute Nachricht“, sagte die Ministerin am Montag in Berlin.",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Extract(tc.body)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d quotes %+v, want %d", len(got), got, len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Text != w.text || g.Speaker != w.speaker || g.Cue != w.cue || g.Direct != w.direct {
					t.Errorf("quote %d: got %q by %q cue %q direct %v; want %q by %q cue %q direct %v",
						i, g.Text, g.Speaker, g.Cue, g.Direct, w.text, w.speaker, w.cue, w.direct)
				}
				if tc.body[g.Start:g.End] != g.Text {
					t.Errorf("quote %d: offsets %d:%d do not hold its text", i, g.Start, g.End)
				}
			}
		})
	}
}

func TestExtractSeeds(t *testing.T) {
	var all []Quote
	for _, p := range testutil.Seeds(t) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, Extract(string(b))...)
	}
	for _, tc := range []struct{ name, words, speaker, cue string }{
		{"Koffler", "neither side", "Rebekah Koffler", "told Fox News Digital"},
		{"Koffler continued", "Putin would end the war", "Rebekah Koffler", ""},
		{"Zelenskyy", "part of NATO", "Volodymyr Zelenskyy", "said in Prague"},
		{"Kyiv official", "without Ukraine", "official from Ukrainian President Volodymyr Zelensky’s office", "said"},
		{"Petr Pavel", "in the interest of his country", "Petr Pavel", "said"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, q := range all {
				if strings.Contains(q.Text, tc.words) {
					if q.Speaker != tc.speaker || q.Cue != tc.cue {
						t.Errorf("got %q cue %q, want %q cue %q", q.Speaker, q.Cue, tc.speaker, tc.cue)
					}
					return
				}
			}
			t.Errorf("no quote with %q", tc.words)
		})
	}
	if len(all) != 5 {
		t.Errorf("got %d quotes from the seeds, want 5: %+v", len(all), all)
	}
}

// FuzzExtract checks that quotes are always spans of the input: their text
// at their offsets, and speakers and cues written in the input, never
// invented.
func FuzzExtract(f *testing.F) {
	for _, p := range testutil.Seeds(f) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("“Unclosed quote, he said.\n\n“Another")
	f.Add("\"a\" \"b\" \"c\" said Smith “x” ” “")
	f.Add("The official said “”.")
	f.Fuzz(func(t *testing.T, body string) {
		for _, q := range Extract(body) {
			if q.Start < 0 || q.End > len(body) || q.Start > q.End || body[q.Start:q.End] != q.Text {
				t.Fatalf("quote %q not at %d:%d of the input", q.Text, q.Start, q.End)
			}
			if q.Speaker != "" && !strings.Contains(body, q.Speaker) {
				t.Fatalf("speaker %q not in the input", q.Speaker)
			}
			if q.Cue != "" && !strings.Contains(body, q.Cue) {
				t.Fatalf("cue %q not in the input", q.Cue)
			}
			if strings.TrimSpace(q.Text) == "" {
				t.Fatalf("empty quote")
			}
		}
	})
}
