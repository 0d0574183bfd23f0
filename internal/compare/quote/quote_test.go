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
			name: "participle after the main clause: its subject speaks",
			body: "Jane Roe, a nurse, turned to the hospital board on Monday, saying “the ward needs more staff this winter.”",
			want: []want{{"the ward needs more staff this winter.", "Jane Roe", "saying", true}},
		},
		{
			name: "participle after a fronted phrase",
			body: "Trying to calm the crowd, Mayor Tom Baker stepped forward, saying “nobody will lose their home.”",
			want: []want{{"nobody will lose their home.", "Tom Baker", "saying", true}},
		},
		{
			name: "participle right after a person",
			body: "The video ends with Tom Baker saying, “We will be back next year.”",
			want: []want{{"We will be back next year.", "Tom Baker", "saying", true}},
		},
		{
			name: "participle after a statement its subject issued",
			body: "Jane Roe issued a statement late Friday saying: “I will not resign over this report.”",
			want: []want{{"I will not resign over this report.", "Jane Roe", "saying", true}},
		},
		{
			name: "participle of a sentence opening with no one stays unattributed",
			body: "The letter released by the council took Mayor Tom Baker to task, saying “the plan ignores the poorest districts.”\n\nA post on the forum saying “the mayor must resign now” went round the city.",
			want: []want{
				{"the plan ignores the poorest districts.", "", "", true},
				{"the mayor must resign now", "", "", true},
			},
		},
		{
			name: "speaker after the verb with a lower-case title",
			body: "“The data are clear on this point,” said senior adviser Jane Roe.",
			want: []want{{"The data are clear on this point", "Jane Roe", "said", true}},
		},
		{
			name: "speaker after the verb named in apposition",
			body: "“We will appeal the ruling,” said a spokesman for the firm, Tom Baker.",
			want: []want{{"We will appeal the ruling", "Tom Baker", "said", true}},
		},
		{
			name: "role after the verb",
			body: "Gov. Jane Roe toured the plant.\n\n“I will sign it this week,” said the governor.",
			want: []want{{"I will sign it this week", "Jane Roe", "said", true}},
		},
		{
			name: "unnamed speaker after the verb is nobody else",
			body: "“The plant is safe for everyone,” Tom Baker said.\n\n“We were scared for hours,” said a man who lives near the plant.",
			want: []want{
				{"The plant is safe for everyone", "Tom Baker", "said", true},
				{"We were scared for hours", "", "said", true},
			},
		},
		{
			name: "party and state after the name",
			body: "“This bill is a good start,” Rep. Jane Roe, D-Ohio, said on Tuesday.",
			want: []want{{"This bill is a good start", "Jane Roe", "said on Tuesday", true}},
		},
		{
			name: "pronoun refers to a surname given with an honorific",
			body: "Mr. Baker spoke to the committee for an hour.\n\n“I have nothing to hide from anyone,” he said.",
			want: []want{{"I have nothing to hide from anyone", "Baker", "said", true}},
		},
		{
			name: "pronoun passes over a person of the other gender",
			body: "Ms. Roe thanked the crowd, and Mr. Baker waved.\n\n“We are not done yet, not by far,” she said.",
			want: []want{{"We are not done yet, not by far", "Roe", "said", true}},
		},
		{
			name: "a name after a pronoun opening the sentence is no antecedent",
			body: "Tom Baker spoke first. He said Jane Roe would run the office.\n\n“It will be a hard year for us,” he said.",
			want: []want{
				{"Jane Roe would run the office", "Tom Baker", "said", false},
				{"It will be a hard year for us", "Tom Baker", "said", true},
			},
		},
		{
			name: "a name with a possessive is no antecedent",
			body: "Anna Lee, who works for Ben Hall's company, spoke next.\n\n“We will appeal this ruling,” she said.",
			want: []want{{"We will appeal this ruling", "Anna Lee", "said", true}},
		},
		{
			name: "the president is the one with the bare title",
			body: "President Ann Lee arrived with Vice President Tom Baker and met Czech President Petr Novak.\n\n“We came here to listen,” the president said.",
			want: []want{{"We came here to listen", "Ann Lee", "said", true}},
		},
		{
			name: "a lieutenant governor is not the governor",
			body: "Gov. Jane Roe named her deputy.\n\n“He is a good man,” Lt. Gov. Tom Baker said of him.\n\n“I am not that good,” the governor replied.",
			want: []want{
				{"He is a good man", "Tom Baker", "said", true},
				{"I am not that good", "Jane Roe", "replied", true},
			},
		},
		{
			name: "relative pronoun refers to the name before it",
			body: "The ruling was condemned by the Roe Foundation, a charity for the blind, which said it was “a step back for every patient in the state.”\n\nThe crowd cheered Jane Roe, who said “this town deserves a real hospital.”\n\nThe judge questioned Tom Baker who said “nobody asked me about the money.”\n\nOfficials met in Ohio, which said it would “review every contract signed this year.”",
			want: []want{
				{"a step back for every patient in the state.", "Roe Foundation", "said", true},
				{"this town deserves a real hospital.", "Jane Roe", "said", true},
				{"nobody asked me about the money.", "Tom Baker", "said", true},
				{"review every contract signed this year.", "", "said", true},
			},
		},
		{
			name: "went on reports speech only before the quote",
			body: "Tom Baker spoke for an hour.\n\nHe went on, “Nobody here wants another delay.”\n\nJane Roe went on to praise the “hard work of every volunteer in town.”",
			want: []want{
				{"Nobody here wants another delay.", "Tom Baker", "went on", true},
				{"hard work of every volunteer in town.", "", "", true},
			},
		},
		{
			name: "a paragraph ending in a colon introduces the next one's quote",
			body: "Tom Baker told reporters:\n\n“The deal is done and we are happy with it.”",
			want: []want{{"The deal is done and we are happy with it.", "Tom Baker", "", true}},
		},
		{
			name: "a quote ending its sentence leaves the words after it to the next",
			body: "Jane Roe called the plan “a mistake.” And later, she warned the council that “the costs will double within a year.”",
			want: []want{
				{"a mistake.", "Jane Roe", "warned", true},
				{"the costs will double within a year.", "Jane Roe", "warned", true},
			},
		},
		{
			name: "a quote's own words are no attribution of the next",
			body: "“The mayor met the governor in the Capitol Building tonight,” said the statement. “More talks will follow next week.”",
			want: []want{
				{"The mayor met the governor in the Capitol Building tonight", "", "said", true},
				{"More talks will follow next week.", "", "", true},
			},
		},
		{
			name: "a quote in the complement of the sentence's speech verb",
			body: "Mayor Tom Baker has bluntly called the plan a “disaster” and said it “will never pass the council.”\n\nIn a statement issued by her lawyers on Friday, Jane Roe said she had “no excuses” for it and “fully accept my responsibility for the mistakes.”\n\nTom Baker said he did not know whether he had a “special place” but it was “very clear we thought the same.”",
			want: []want{
				{"will never pass the council.", "Tom Baker", "said", true},
				{"fully accept my responsibility for the mistakes.", "Jane Roe", "said", true},
				{"very clear we thought the same.", "Tom Baker", "said", true},
			},
		},
		{
			name: "a quote in the complement of a verb after a verb phrase",
			body: "Jane Roe wrote to the board.\n\nShe went on to say that the twins were “coming up a little short in the role model department.”\n\nRep. Ann Lee (D-N.Y.) swiftly branded the remarks “disappointing” and pointed out that asylum is “a legal method of arrival.”",
			want: []want{
				{"coming up a little short in the role model department.", "Jane Roe", "say", true},
				{"a legal method of arrival.", "Ann Lee", "pointed", true},
			},
		},
		{
			name: "a quote in the complement of a named speaker's adverbial clause",
			body: "The boycott began after Acme president Tom Baker said the firm was “guilty as charged” for backing “the old definition of a family.”",
			want: []want{{"the old definition of a family.", "Tom Baker", "said", true}},
		},
		{
			name: "a quote in the complement of a clause joined by and",
			body: "The two remedies require different standards for certification and Justice Jane Roe said it was “a very serious problem” in the case.\n\nJane Roe and Tom Baker called the plan “bad” and said it was “a very serious problem for everyone.”",
			want: []want{
				{"a very serious problem", "Jane Roe", "said", true},
				{"a very serious problem for everyone.", "", "", true},
			},
		},
		{
			name: "a place after a name is no part of it, a title before one is",
			body: "Speaker Tom Baker of Ohio said the House would vote on the bill next week.\n\nSecretary of State Ann Lee said the talks would resume within a week.",
			want: []want{
				{"the House would vote on the bill next week", "Tom Baker", "said", false},
				{"the talks would resume within a week", "Ann Lee", "said", false},
			},
		},
		{
			name: "a speech verb whose complement holds the quote outranks a noun read as a verb",
			body: "Surgeon General Dr. Tom Baker warned that misinformation is “a serious threat to public health,” as officials grow concerned about misleading claims.",
			want: []want{{"a serious threat to public health", "Tom Baker", "warned", true}},
		},
		{
			name: "no complement without a speech verb of the speaker's own clause",
			body: "It follows a request to Jane Roe from the committee to explain why she gave “false or misleading information” to it.\n\nThe Daily Wire ran a story about the cover called, simply, “How Creepy Is the Ghost on the Cover?”\n\nFederal law makes it a crime for anyone “who promises any employment or other benefit” to a voter.\n\nRep. Tom Baker appeared angry, when he grabbed the “student” after he asked the congressman if he “fully supported the party agenda.”\n\nJane Roe said the plan was a “fine idea”, but the council was “not convinced by any of it.”",
			want: []want{
				{"false or misleading information", "", "", true},
				{"How Creepy Is the Ghost on the Cover?", "", "", true},
				{"who promises any employment or other benefit", "", "", true},
				{"fully supported the party agenda.", "", "", true},
				{"not convinced by any of it.", "", "", true},
			},
		},
		{
			name: "a quote in the complement after appositives and a place",
			body: "Senator Tom Baker of Ohio, one of the architects of the bill, said: “One thing is certain about the budget.”\n\nJane Roe, president of the Center for Policy, an architect of the bill, issued a news release calling the attacks “politics at its worst,” and saying, “Opponents of the bill have hijacked this discussion.”",
			want: []want{
				{"One thing is certain about the budget.", "Tom Baker", "said", true},
				{"politics at its worst", "", "", true},
				{"Opponents of the bill have hijacked this discussion.", "Jane Roe", "saying", true},
			},
		},
		{
			name: "a verb of calling, praising or blaming quotes its subject right before it",
			body: "Campaign aide Tom Baker called his rhetoric “well over the line.”\n\nJane Roe, for the record, called the night “a solid win for the mayor” and called him “competent.”\n\nRep. Ann Lee has declined to comment on the cover story called “a night to remember for the town.”\n\nJane Roe called for “a full review of every contract.”\n\nSen. Ann Lee, R-Fla., accused the mayor of trying to “undermine the right of every voter.”",
			want: []want{
				{"well over the line.", "Tom Baker", "called", true},
				{"a solid win for the mayor", "Jane Roe", "called", true},
				{"a night to remember for the town.", "", "", true},
				{"a full review of every contract.", "", "", true},
				{"undermine the right of every voter.", "Ann Lee", "accused", true},
			},
		},
		{
			name: "a recording shows its subject speaking",
			body: "“Get here now, they are trying to hurt us,” a woman is heard saying.\n\n“Iran gets closer to nuclear arms every day,” Mr. Baker is shown saying.",
			want: []want{
				{"Get here now, they are trying to hurt us", "", "", true},
				{"Iran gets closer to nuclear arms every day", "Baker", "saying", true},
			},
		},
		{
			name: "shot back reports speech",
			body: "Tom Baker shot back: “They got caught with their hand in the cookie jar.”",
			want: []want{{"They got caught with their hand in the cookie jar.", "Tom Baker", "shot", true}},
		},
		{
			name: "a name after the quote with a long appositive",
			body: "\"They are reading it like a sacred text,\" Rep. Tom Baker, D-N.Y., the former chairman of the House Judiciary subcommittee on the Constitution, Civil Rights and Civil Liberties, told The Example Post.\n\n“The message from Tuesday is clear,” Ms. Roe, a former immigration lawyer elected in the Tea Party wave of 2010, said in a statement.",
			want: []want{
				{"They are reading it like a sacred text", "Tom Baker", "told The Example Post", true},
				{"The message from Tuesday is clear", "Roe", "said in a statement", true},
			},
		},
		{
			name: "an indefinite speaker after the verb",
			body: "“We are not going after existing stock,” said a senior administration official.\n\n\"The First Amendment protects freedom of religion,\" reads a statement from Sen. Tom Baker's office (D-Nev.).\n\n“I gave his daughter the flag,” said his wife, Jane Roe, 69, of Richton Park.",
			want: []want{
				{"We are not going after existing stock", "senior administration official", "said", true},
				{"The First Amendment protects freedom of religion", "statement from Sen. Tom Baker's office", "reads", true},
				{"I gave his daughter the flag", "Jane Roe", "said", true},
			},
		},
		{
			name: "an indefinite speaker before the verb is not the name after it",
			body: "A spokesman for Mayor Tom Baker said the bridge would reopen within two weeks.\n\nA blogger on the Web site Example Lighthouse said, “Can anyone really say that with a straight face?”",
			want: []want{
				{"the bridge would reopen within two weeks", "spokesman for Mayor Tom Baker", "said", false},
				{"Can anyone really say that with a straight face?", "blogger on the Web site Example Lighthouse", "said", true},
			},
		},
		{
			name: "a letter reads in its own words, not its addressee's",
			body: "\"She has not committed any crime or made any misrepresentation,\" the letter addressed to Chairman Tom Baker reads.",
			want: []want{{"She has not committed any crime or made any misrepresentation", "", "", true}},
		},
		{
			name: "an adverb between the speaker and the verb, a verb of commenting",
			body: "NBC further notes, “Trump finishes first among Tea Party supporters.”\n\nVice President Jane Roe met the press.\n\n“We will discourage illegal migration,” she commented.",
			want: []want{
				{"Trump finishes first among Tea Party supporters.", "NBC", "notes", true},
				{"We will discourage illegal migration", "Jane Roe", "commented", true},
			},
		},
		{
			name: "a participle after a pronoun shown speaking",
			body: "Mr. Baker apologized to the senator and “anyone I may have offended” after video emerged of him warning that “a farmer who never went to law school” could chair the committee.",
			want: []want{
				{"anyone I may have offended", "", "", true},
				{"a farmer who never went to law school", "Baker", "warning", true},
			},
		},
		{
			name: "the title of a show is no quote",
			body: "Speaking on “Good Day Today,” Jane Roe said she would run.",
		},
		{
			name: "a time between the speaker and the verb",
			body: "Mayor Tom Baker on Thursday said the bridge would reopen within two weeks.",
			want: []want{{"the bridge would reopen within two weeks", "Tom Baker", "said", false}},
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
	// Seeds reaching the rules for participles, speakers after their verb,
	// party tags, "went on", introductions ending in a colon, honorifics,
	// roles and relative pronouns.
	f.Add("On Monday, Ms. Roe left, saying “we will be back.” “It is done,” said senior adviser Tom Baker, D-Ohio.\n\nHe went on, “Next year.”\n\nPresident Ann Lee told reporters:\n\n“We came to listen,” the president said, and the Roe Foundation, which said “no more,” issued a statement late Friday saying “fine.”")
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

func TestIsPartyTag(t *testing.T) {
	for _, tc := range []struct {
		word string
		want bool
	}{
		{"D-Ill.", true},
		{"R-Texas", true},
		{"D-N.Y.", true},
		{"I-VT", true},
		{"R-W.Va", true},
		{"D-Day", false},
		{"R-Rated", false},
		{"I-95", false},
		{"D-", false},
	} {
		if got := isPartyTag(tc.word); got != tc.want {
			t.Errorf("isPartyTag(%q) = %v, want %v", tc.word, got, tc.want)
		}
	}
}
