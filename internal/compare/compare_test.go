package compare

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/testutil"
	"github.com/parallax-news/parallax/internal/text"
)

func art(id int64, outlet, body string) model.Article {
	return model.Article{ID: id, Outlet: outlet, Title: "Title " + outlet, Text: body}
}

const councilText = "The city council approved the new budget on Tuesday after a long debate.\n\n" +
	"The budget raises spending on schools by 4 percent and cuts road repairs.\n\n" +
	"“This is a budget for our children,” Mayor Anna Kowalski said after the vote."

func TestCompareBadInput(t *testing.T) {
	ctx := context.Background()
	huge := strings.Repeat("The council met again. “Quote", 5<<20/30) // 5 MB, marks never closing
	for _, tc := range []struct {
		name string
		arts []model.Article
		// note says what Note must contain ("" for none).
		note string
		// facts is the number of facts expected; -1 means any.
		facts  int
		quotes []string // speakers expected, in order
	}{
		{name: "no articles", note: "No articles", facts: 0},
		{name: "one article", arts: []model.Article{art(1, "A", councilText)}, note: "One article",
			facts: 0, quotes: []string{"Anna Kowalski"}},
		{name: "one outlet", arts: []model.Article{art(1, "A", councilText), art(2, "A", councilText)},
			note: "one outlet", facts: 0, quotes: []string{"Anna Kowalski"}},
		{name: "no quotes", arts: []model.Article{
			art(1, "A", "The council approved the city budget on Tuesday after a long debate among members."),
			art(2, "B", "After a long debate, members of the council approved the city budget on Tuesday."),
		}, facts: 1},
		{name: "unbalanced and never-closing marks", arts: []model.Article{
			art(1, "A", "The council “approved the budget on Tuesday.\n\nMembers said nothing” more about it."),
			art(2, "B", "Anna Kowalski said: “The budget passed on Tuesday and\n\nThe rest of the article is plain text."),
		}, facts: -1},
		{name: "a 5 MB article", arts: []model.Article{art(1, "A", huge), art(2, "B", councilText)}, facts: -1},
		{name: "other language", arts: []model.Article{
			art(1, "A", "Der Stadtrat hat am Dienstag den Haushalt beschlossen. „Das ist ein guter Tag“, sagte die Bürgermeisterin."),
			art(2, "B", "Le conseil municipal a adopté mardi le budget. « C'est un bon jour », a déclaré la maire."),
		}, facts: -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := Compare(ctx, tc.arts, nil, Options{})
			if err != nil {
				t.Fatalf("Compare: %v", err)
			}
			if tc.note != "" && !strings.Contains(st.Note, tc.note) || tc.note == "" && st.Note != "" {
				t.Errorf("note %q, want it to say %q", st.Note, tc.note)
			}
			if tc.facts >= 0 && len(st.Facts) != tc.facts {
				t.Errorf("%d facts, want %d: %+v", len(st.Facts), tc.facts, st.Facts)
			}
			var speakers []string
			for _, q := range st.Quotes {
				speakers = append(speakers, q.Speaker)
			}
			if tc.quotes != nil && !slices.Equal(speakers, tc.quotes) {
				t.Errorf("quote speakers %q, want %q", speakers, tc.quotes)
			}
			all := ""
			for _, a := range tc.arts {
				all += a.Text + "\n"
			}
			for _, q := range st.Quotes {
				if !strings.Contains(all, q.Text) || q.Speaker != "" && !strings.Contains(all, q.Speaker) && !entityNamed(st, q.Speaker) {
					t.Errorf("invented quote %+v", q)
				}
				if strings.ContainsAny(q.Text, "“”") {
					t.Errorf("garbage quote holding quotation marks: %q", q.Text)
				}
			}
			for _, f := range st.Facts {
				if f.Kind != model.FactUnique && len(f.Outlets) < 2 {
					t.Errorf("fact %q of kind %s with outlets %v", f.Text, f.Kind, f.Outlets)
				}
			}
		})
	}
}

func entityNamed(st *model.Story, name string) bool {
	for _, e := range st.Entities {
		if e.Name == name {
			return true
		}
	}
	return false
}

func TestCompareCopies(t *testing.T) {
	orig := art(1, "Wire", councilText)
	cp := art(2, "Local Daily", councilText)
	cp.CopyOf = &orig.ID
	other := art(3, "City Post", "The city council approved the new budget on Tuesday after a debate that ran late.\n\n"+
		"Schools get 4 percent more under the budget, and road repairs are cut.")
	st, err := Compare(context.Background(), []model.Article{orig, cp, other}, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := st.Facts[0]
	if f.Kind != model.FactCommon || !slices.Equal(f.Outlets, []string{"City Post", "Local Daily", "Wire"}) || f.Independent != 2 {
		t.Errorf("first fact %q: kind %s outlets %v independent %d; want common in all three, 2 independent",
			f.Text, f.Kind, f.Outlets, f.Independent)
	}
	for _, f := range st.Facts {
		if f.Kind == model.FactUnique && f.Outlets[0] == "Local Daily" {
			t.Errorf("a copy carries a fact of its own: %q", f.Text)
		}
	}
	if st.Lineage.Independent != 2 {
		t.Errorf("independent sources %d, want 2 (the copy is not one)", st.Lineage.Independent)
	}
}

func TestCompareMismatch(t *testing.T) {
	_, err := Compare(context.Background(), []model.Article{art(1, "A", councilText)}, make([]*text.Doc, 2), Options{})
	if !errors.Is(err, ErrMismatch) {
		t.Errorf("got %v, want ErrMismatch", err)
	}
}

func TestCompareCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Compare(ctx, []model.Article{art(1, "A", councilText), art(2, "B", councilText)}, nil, Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestDiscrepancies(t *testing.T) {
	day := func(s string) *time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	for _, tc := range []struct {
		name string
		arts []model.Article
		want []string // kinds
		desc string   // words the first description holds
		// aligned says the articles state one fact, so that no
		// discrepancy is a rule's doing, not the alignment's.
		aligned bool
	}{
		{
			name: "numbers differ in an aligned fact",
			arts: []model.Article{
				art(1, "A", "The ad campaign in Miami and Fort Myers is costing the group $1 million, it said."),
				art(2, "B", "The group has reserved $500,000 for the ad campaign in Miami and Fort Myers, it said."),
			},
			want: []string{DiscrepancyNumber}, desc: "1 million",
		},
		{
			name: "spelled and written numbers agree",
			arts: []model.Article{
				art(1, "A", "Boehner said there is a one-in-three chance Republicans lose control of the House."),
				art(2, "B", "Boehner said Republicans have a 1 in 3 chance to lose control of the House."),
			},
		},
		{
			name: "the same count of one thing differs",
			arts: []model.Article{
				art(1, "A", "The economy added 266,000 jobs in April, the Labor Department said on Friday."),
				art(2, "B", "The Labor Department said on Friday the economy added 428,000 jobs in April."),
			},
			want: []string{DiscrepancyNumber}, desc: "266000 jobs",
		},
		{
			name: "counts of different things",
			arts: []model.Article{
				art(1, "A", "America's employers added just 266,000 jobs last month, the Labor Department said, as hiring slowed."),
				art(2, "B", "Forecasters had floated gains close to 1 million last month, the Labor Department said, as hiring slowed."),
			},
		},
		{
			name: "days of months and numbers in names are not counts",
			arts: []model.Article{
				art(1, "A", "Pelosi says the committee investigating the Jan. 6 riot at the Capitol will do its job during COVID-19."),
				art(2, "B", "Pelosi says the committee investigating the January 6th riot at the Capitol will do its job with five members."),
			},
		},
		{
			name: "years in different places of the sentence",
			arts: []model.Article{
				art(1, "A", "Biden said the United States will cut greenhouse gas emissions 50% from 2005 levels, a far-reaching goal."),
				art(2, "B", "Biden said the United States is targeting a 50% cut in greenhouse gas emissions by 2030, a far-reaching goal."),
			},
		},
		{
			name: "a word and one made from it",
			arts: []model.Article{
				art(1, "A", "Biden's joint address to Congress declared that American life is on the move again after 100 days."),
				art(2, "B", "Biden's joint address to Congress declared that America is on the move again after 100 days."),
			},
		},
		{
			name: "years of one term told with other words",
			arts: []model.Article{
				art(1, "A", "Cowan will become the second black senator from Massachusetts, after Edward Brooke, who served from 1967 to 1979."),
				art(2, "B", "Cowan will become the first black senator from Massachusetts since Edward Brooke, who held the seat from 1966 to 1978."),
			},
			want: []string{DiscrepancyDate}, desc: "1967, 1979",
		},
		{
			name: "a percentage written out and with its sign",
			arts: []model.Article{
				art(1, "A", "GasBuddy said on Tuesday that 8.5% of gas stations in North Carolina had no fuel left at all."),
				art(2, "B", "GasBuddy said on Tuesday that 6 percent of gas stations in North Carolina had no fuel left."),
			},
			want: []string{DiscrepancyNumber}, desc: "8.5%",
		},
		{
			name: "a floor is a range, not a conflict",
			arts: []model.Article{
				art(1, "A", "GasBuddy said on Tuesday that 8.5% of gas stations in North Carolina had no fuel left at all."),
				art(2, "B", "GasBuddy said on Tuesday that more than 6 percent of gas stations in North Carolina had no fuel left."),
			},
			aligned: true,
		},
		{
			name: "two floors of one toll overlap",
			arts: []model.Article{
				art(1, "A", "The gunman left at least eight people dead at the rail yard in San Jose on Wednesday, officials said."),
				art(2, "B", "The gunman left at least nine people dead at the rail yard in San Jose on Wednesday, officials said."),
			},
			aligned: true,
		},
		{
			name: "a ceiling below a figure conflicts with it",
			arts: []model.Article{
				art(1, "A", "The Senate voted to begin work on a nearly $1 trillion infrastructure plan on Wednesday."),
				art(2, "B", "The Senate voted to advance the $1.2 trillion infrastructure plan on Wednesday."),
			},
			want: []string{DiscrepancyNumber}, desc: "$1 trillion",
		},
		{
			name: "a round figure close to an exact one",
			arts: []model.Article{
				art(1, "A", "Cuomo declared a disaster emergency over gun violence and announced $138 million in new spending."),
				art(2, "B", "Cuomo declared a disaster emergency over gun violence and committed almost $139 million in new spending."),
			},
			aligned: true,
		},
		{
			name: "a floor above a figure conflicts with it",
			arts: []model.Article{
				art(1, "A", "The earthquake killed at least 12 people in the province, the state broadcaster said on Sunday."),
				art(2, "B", "The earthquake killed 10 people in the province, the state broadcaster said on Sunday."),
			},
			want: []string{DiscrepancyNumber}, desc: "12 people",
		},
		{
			name: "a ceiling written with a floor's words",
			arts: []model.Article{
				art(1, "A", "The earthquake killed no more than 12 people in the province, the state broadcaster said on Sunday."),
				art(2, "B", "The earthquake killed 15 people in the province, the state broadcaster said on Sunday."),
			},
			want: []string{DiscrepancyNumber}, desc: "12 people",
		},
		{
			name: "a toll updated is not a conflict",
			arts: []model.Article{
				art(1, "A", "The number of dead from the earthquake in the province rose to 15 on Monday, officials said."),
				art(2, "B", "The number of dead from the earthquake in the province was 12 on Monday, officials said."),
			},
			aligned: true,
		},
		{
			name: "two updates of one toll conflict",
			arts: []model.Article{
				art(1, "A", "Continuing claims fell to 3,655,000 in the week, the Labor Department said on Thursday."),
				art(2, "B", "Continuing claims fell to 3,700,000 in the week, the Labor Department said on Thursday."),
			},
			want: []string{DiscrepancyNumber}, desc: "3.655 million",
		},
		{
			name: "counts of one unit about different things",
			arts: []model.Article{
				art(1, "A", "Bettie Page, the pin-up model of the 1950s, died in Los Angeles on Thursday; she was divorced three times."),
				art(2, "B", "Bettie Page, the pin-up model of the 1950s, died in Los Angeles on Thursday; she was married two times."),
			},
		},
		{
			name: "counts of one unit about one thing",
			arts: []model.Article{
				art(1, "A", "Page had been hospitalized for the past three weeks for pneumonia, her agent said."),
				art(2, "B", "She had been hospitalized in Los Angeles for four weeks due to pneumonia."),
			},
			want: []string{DiscrepancyNumber}, desc: "3 weeks",
		},
		{
			name: "ages of one man",
			arts: []model.Article{
				art(1, "A", "Prosecutors said LaCalamita, 39, shot three former co-workers at the accounting firm in Troy on Monday."),
				art(2, "B", "Prosecutors said the 38-year-old LaCalamita shot three former co-workers at the accounting firm on Monday."),
			},
			want: []string{DiscrepancyNumber}, desc: "A gives an age of 39 where B gives an age of 38",
		},
		{
			name: "ages of two people",
			arts: []model.Article{
				art(1, "A", "Gomes was arrested on Tuesday after police found him barricaded in the apartment with her 12-year-old daughter."),
				art(2, "B", "Police said on Tuesday that 35-year-old Gary Gomes was arrested after he was found barricaded in the apartment."),
			},
			aligned: true,
		},
		{
			name: "percentages of different polls",
			arts: []model.Article{
				art(1, "A", "A newspaper poll published on Sunday put the government's popularity at a dismal 20.6 percent."),
				art(2, "B", "A newspaper poll published on Sunday said 83.3 percent of Greeks were unhappy with the government."),
			},
			aligned: true,
		},
		{
			name: "shares of different places",
			arts: []model.Article{
				art(1, "A", "As of Tuesday afternoon, 8.5% of gas stations in North Carolina had run out of fuel, GasBuddy said."),
				art(2, "B", "As of Tuesday afternoon, nearly 8 percent of Virginia gas stations had run out of fuel, GasBuddy said."),
			},
			aligned: true,
		},
		{
			name: "a forecast is not the figure",
			arts: []model.Article{
				art(1, "A", "The Labor Department said on Wednesday that consumer prices rose 4.2 percent from a year earlier."),
				art(2, "B", "The Labor Department said on Wednesday that economists had expected consumer prices to rise 3.6 percent from a year earlier."),
			},
			aligned: true,
		},
		{
			name: "ages of one person in sentences that do not align",
			arts: []model.Article{
				art(1, "A", "Police named the skier as Ben Buckley, 32, of Melbourne.\n\nThe avalanche struck the resort on Sunday afternoon."),
				art(2, "B", "The avalanche struck the resort on Sunday afternoon, burying three skiers.\n\nBuckley, 31, was a keen climber."),
			},
			want: []string{DiscrepancyNumber}, desc: "A gives Buckley an age of 32 where B gives 31",
		},
		{
			name: "a name one outlet gives two ages is two people",
			arts: []model.Article{
				art(1, "A", "The victims were John Jenkin, 20, and his cousin Paul Jenkin, 23, both of Millom.\n\nThe crash happened on the coast road late on Friday."),
				art(2, "B", "The crash happened on the coast road late on Friday.\n\nFriends paid tribute to Jenkin, 20, on Saturday."),
			},
		},
		{
			name: "ages of two people of one surname",
			arts: []model.Article{
				art(1, "A", "Deputy Ortiz, 35, was killed outside an apartment in Hawaiian Gardens.\n\nThe trial ended on Monday."),
				art(2, "B", "The trial ended on Monday.\n\nHis son, 17-year-old Jeremy Ortiz, said he was relieved."),
			},
		},
		{
			name: "a span of time and a point in time",
			arts: []model.Article{
				art(1, "A", "The plant, closed by the Woodburn council three years ago, was demolished on Friday."),
				art(2, "B", "The plant, run by the Woodburn council for two years, was demolished on Friday."),
			},
			aligned: true,
		},
		{
			name: "points in time differ",
			arts: []model.Article{
				art(1, "A", "Tennant was promoted to captain four years ago, the Woodburn police chief said on Friday."),
				art(2, "B", "Tennant was promoted to captain seven years ago, the Woodburn police chief said on Friday."),
			},
			want: []string{DiscrepancyNumber}, desc: "4 years",
		},
		{
			name: "times of day in two time zones",
			arts: []model.Article{
				art(1, "A", "Voters in Turkmenistan began to cast their ballots at 8:00 am local time (0300 GMT) on Sunday."),
				art(2, "B", "Voters in Turkmenistan began to cast their ballots at 8:00 am local time (0400 GMT) on Sunday."),
			},
			aligned: true,
		},
		{
			name: "one of a group is no count",
			arts: []model.Article{
				art(1, "A", "The cable cut hit Etisalat and LINKdotNET, two of Egypt's largest internet service providers."),
				art(2, "B", "The cable cut hit Etisalat, one of Egypt's largest internet service providers, and LINKdotNET."),
			},
			aligned: true,
		},
		{
			name: "figures of a game and of a season",
			arts: []model.Article{
				art(1, "A", "Thomas rushed for 63 yards and scored a touchdown in the win over the Falcons on Sunday."),
				art(2, "B", "Thomas has rushed for only 150 yards and has not scored a touchdown in the win over the Falcons."),
			},
			aligned: true,
		},
		{
			name: "a common word misspelt in a name",
			arts: []model.Article{
				art(1, "A", "The march went past the 67th Police Precinct station, where officers stopped the protest."),
				art(2, "B", "The march went past the 67th Police Presinct station, where officers stopped the protest at the precinct."),
			},
			aligned: true,
		},
		{
			name: "an increment is not a total",
			arts: []model.Article{
				art(1, "A", "Bettie Page, the pin-up model of the 1950s, died in Los Angeles on Thursday; she was married three times."),
				art(2, "B", "Bettie Page, the pin-up model of the 1950s, died in Los Angeles on Thursday; she married two more times."),
			},
			aligned: true,
		},
		{
			name: "British and American spellings of one name",
			arts: []model.Article{
				art(1, "A", "Observers from the Organization for Security and Cooperation in Europe watched the vote."),
				art(2, "B", "Observers from the Organisation for Security and Cooperation in Europe watched the vote."),
			},
			aligned: true,
		},
		{
			name: "a rate and a time in one unit",
			arts: []model.Article{
				art(1, "A", "Johns Hopkins data show confirmed infections climbed to an average of 23,600 a day across the country."),
				art(2, "B", "Johns Hopkins data show confirmed infections climbed across the country over the last seven days."),
			},
		},
		{
			name: "an article after a comma makes no rate",
			arts: []model.Article{
				art(1, "A", "Continuing claims fell to 3,655,000, a decrease of 45,000 from the previous week's revised level."),
				art(2, "B", "Continuing claims fell to 3,700,000, a decrease of 45,000 from the previous week's revised level."),
			},
			want: []string{DiscrepancyNumber}, desc: "3.655 million decrease",
		},
		{
			name: "rates agreed on and others given besides",
			arts: []model.Article{
				art(1, "A", "The Labor Department said consumer prices rose 0.9% in June from May and 5.4% over the past year."),
				art(2, "B", "The Labor Department said consumer prices rose 0.9% in June from May, faster than the 0.6% increase in May."),
			},
		},
		{
			name: "weekdays, words made from others and other names are not misspellings",
			arts: []model.Article{
				art(1, "A", "On Thursday the book on Marxism by Lohmeier was cited by Harris County officials in the review."),
				art(2, "B", "On Tuesday the book on Marxist ideas by Lohmeier was cited by Hervis County officials in the review."),
			},
		},
		{
			name: "a name spelt two ways",
			arts: []model.Article{
				art(1, "A", "The contenders for party chairman include Reince Priebus of the Wisconsin party."),
				art(2, "B", "The contenders for party chairman include Reince Preibus of the Wisconsin party."),
			},
			want: []string{DiscrepancyName}, desc: "Preibus",
		},
		{
			name: "a surname misspelt in sentences that do not align",
			arts: []model.Article{
				art(1, "A", "Police named the driver as Robert Woodward, of Albany.\n\nThe crash closed the bridge for six hours."),
				art(2, "B", "The bridge reopened on Saturday after repairs.\n\nRobert Woodward had swerved to avoid a deer, witnesses said."),
				art(3, "C", "Robert Woodard, a retired teacher, was taken to hospital with a broken arm.\n\nThe county will inspect the road."),
			},
			want: []string{DiscrepancyName}, desc: `C writes "Woodard" where A and B write "Woodward"`,
		},
		{
			name: "a surname misspelt beside a middle initial",
			arts: []model.Article{
				art(1, "A", "Orozco is to be sentenced in May by Judge Philip H. Hickock.\n\nHis lawyers said they would appeal."),
				art(2, "B", "The jury deliberated for two days.\n\nJudge Philip Hickok thanked the jurors for their service."),
			},
			want: []string{DiscrepancyName}, desc: `A writes "Hickock" where B writes "Hickok"`,
		},
		{
			name: "a place misspelt",
			arts: []model.Article{
				art(1, "A", "The storm flooded dozens of homes in Schenectady on Sunday night."),
				art(2, "B", "Power was back for most customers in Schnectady by Monday, the utility said."),
			},
			want: []string{DiscrepancyName}, desc: `A writes "Schenectady" where B writes "Schnectady"`,
		},
		{
			name: "two people of names an edit apart",
			arts: []model.Article{
				art(1, "A", "Nick Jonas sang at the benefit concert on Saturday.\n\nThe hall was full."),
				art(2, "B", "Tom Jones closed the show with his old hits.\n\nTickets sold out in a day."),
			},
		},
		{
			name: "given names an edit apart",
			arts: []model.Article{
				art(1, "A", "Police identified the victim as Robin Mendes, of Taunton.\n\nThe house was searched on Tuesday."),
				art(2, "B", "The search ended on Wednesday.\n\nNeighbours said Robyn Mendes had lived there for years."),
			},
		},
		{
			name: "a given name and a common word",
			arts: []model.Article{
				art(1, "A", "Judge Wesley Clark ruled that the count could go on.\n\nThe count resumed on Monday."),
				art(2, "B", "Ballots were stored overnight.\n\nOfficials said the recount was approved by Wesley Clerk."),
			},
		},
		{
			name: "a possessive",
			arts: []model.Article{
				art(1, "A", "Police searched Kowalski's house in Troy on Friday.\n\nNothing was found."),
				art(2, "B", "The search ended at noon.\n\nThe Kowalskis' neighbours said the family had moved away."),
			},
		},
		{
			name: "a transliteration EntityKey folds",
			arts: []model.Article{
				art(1, "A", "President Volodymyr Zelensky spoke to the parliament in Kyiv.\n\nThe session was closed."),
				art(2, "B", "Lawmakers met again on Friday.\n\nVolodymyr Zelenskyy thanked the allies for their support."),
			},
		},
		{
			name: "words of organisations' names",
			arts: []model.Article{
				art(1, "A", "The Senate Majority Fund spent $2 million on television ads in Ohio.\n\nThe race is close."),
				art(2, "B", "Polls show a tight contest.\n\nThe Senate Minority Fund bought radio time in the last week."),
			},
		},
		{
			name: "romanisations of one name",
			arts: []model.Article{
				art(1, "A", "Governor Heidar Alishvandi said ten people were killed on the island.\n\nRescue teams arrived by boat."),
				art(2, "B", "Aid reached the villages on Monday.\n\nHeydar Alishvandi, the governor, asked for tents."),
			},
		},
		{
			name: "many names of a story spelt two ways are romanisations",
			arts: []model.Article{
				art(1, "A", "Governor Mehdi Alishvandi said the quake was felt across the island.\n\nMasoud Dalvand of the disaster centre sent tents to Tonbak.\n\nThe villages of Gavarzin and Kousheh were hit hardest."),
				art(2, "B", "Rescue teams reached the island by noon.\n\nMehdi Alishbandi, the governor, asked for blankets.\n\nMasoud Dalband said Tonpak had no water.\n\nResidents of Gabardin slept outside."),
			},
		},
		{
			name: "a name one outlet spells two ways",
			arts: []model.Article{
				art(1, "A", "Police named the driver as Robert Woodward, of Albany.\n\nRobert Woodard was taken to hospital."),
				art(2, "B", "The bridge reopened on Saturday after repairs.\n\nRobert Woodward had swerved to avoid a deer, witnesses said."),
			},
		},
		{
			name: "months differ",
			arts: []model.Article{
				art(1, "A", "Lavrov met with the former officials in New York in April for several hours."),
				art(2, "B", "Lavrov met with the former officials for several hours in New York in May."),
			},
			want: []string{DiscrepancyDate}, desc: "April",
		},
		{
			name: "publication date far from the rest of the story",
			arts: func() []model.Article {
				a, b, c := art(1, "A", councilText), art(2, "B", "A wholly different text about the council and its budget vote."), art(3, "C", "Other words entirely, on roads and schools and spending.")
				a.Published, b.Published, c.Published = day("2023-06-01"), day("2023-06-02"), day("2025-01-10")
				return []model.Article{a, b, c}
			}(),
			want: []string{DiscrepancyPublicationDate}, desc: "C is dated 2025-01-10",
		},
		{
			name: "copyright line contradicts the date",
			arts: func() []model.Article {
				a := art(1, "A", councilText+"\n\nNext week's vote on taxes will follow.")
				a.Published = day("2025-03-01")
				a.Removed = []model.Removal{{Kind: model.RemovalCopyright, Text: "Copyright 2023,"}}
				return []model.Article{a}
			}(),
			want: []string{DiscrepancyPublicationDate}, desc: "Next week's vote",
		},
		{
			name: "dates close together",
			arts: func() []model.Article {
				a, b := art(1, "A", councilText), art(2, "B", councilText)
				a.Published, b.Published = day("2023-06-01"), day("2023-06-03")
				a.Removed = []model.Removal{{Kind: model.RemovalCopyright, Text: "© 2023"}}
				return []model.Article{a, b}
			}(),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := Compare(context.Background(), tc.arts, nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if tc.aligned && !slices.ContainsFunc(st.Facts, func(f model.Fact) bool { return len(f.Outlets) > 1 }) {
				t.Fatalf("no fact of both articles in %+v", st.Facts)
			}
			var kinds []string
			for _, d := range st.Discrepancies {
				kinds = append(kinds, d.Kind)
			}
			if !slices.Equal(kinds, tc.want) {
				t.Fatalf("discrepancies %+v, want kinds %v", st.Discrepancies, tc.want)
			}
			if st.Discrepancies == nil {
				t.Error("discrepancies are nil, which JSON gives as null: want an empty list")
			}
			if tc.desc != "" && !strings.Contains(st.Discrepancies[0].Description, tc.desc) {
				t.Errorf("description %q lacks %q", st.Discrepancies[0].Description, tc.desc)
			}
		})
	}
}

func TestCitations(t *testing.T) {
	for _, tc := range []struct {
		name, outlet, body string
		want               []string
	}{
		{"reported", "X", "The deal is done, NBC News reported.", []string{"NBC News"}},
		{"told", "X", "Sources told The Washington Post that the deal was done.", []string{"The Washington Post"}},
		{"according to", "X", "The deal was done, according to Reuters and the Wall Street Journal.", []string{"Reuters"}},
		{"statement to", "X", "She said in a statement to Reuters that she would stay.", []string{"Reuters"}},
		{"contributed", "X", "The Associated Press contributed to this report.", []string{"The Associated Press"}},
		{"unnamed report follows the main source", "X", "Politico reported the deal. The deal was done, according to a Thursday report.", []string{"Politico"}},
		{"own outlet is not a citation", "Fox News", "“It is over,” she told Fox News Digital.", nil},
		{"own outlet at a sentence's end is not a citation", "HuffPost", "“They are acting like bullies,” Tvert said to HuffPost.", nil},
		{"own outlet with its kind in brackets is not a citation", "CNN (Online News)", "“We will not stop,” she told CNN.", nil},
		{"a source at a sentence's end", "X", "The deal was done, she told CNN. Officials said to Reuters.", []string{"CNN", "Reuters"}},
		{"a person told is not a citation", "X", "He told Smith Jones that the deal was done.", nil},
		{"short name resolves", "X", "The New York Times is reporting the split. The Times reports she posted it.", []string{"The New York Times"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := Compare(context.Background(), []model.Article{art(1, tc.outlet, tc.body)}, nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range st.Citations {
				got = append(got, c.Source)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("citations %q, want %q", got, tc.want)
			}
		})
	}
}

func TestMarkdownEscapes(t *testing.T) {
	st, err := Compare(context.Background(), []model.Article{
		art(1, "A|B", "“<script>alert(1)</script> is a [link](http://x) | cell,” Jane Roe said."),
	}, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Title = "# not a heading <b>"
	var b bytes.Buffer
	if err := WriteMarkdown(&b, st); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"<script>", "[link](", "<b>", "A|B"} {
		if strings.Contains(out, bad) {
			t.Errorf("markdown holds unescaped %q:\n%s", bad, out)
		}
	}
}

// story50 builds a 50-article story from the demo corpus: real news text,
// outlets assigned round-robin so that the comparison aligns across them.
func story50(b testing.TB) []model.Article {
	f, err := os.Open(filepath.Join(testutil.RepoRoot(b), "demo", "corpus", "ecbplus.jsonl"))
	if err != nil {
		b.Skipf("demo corpus: %v", err)
	}
	defer f.Close()
	var arts []model.Article
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() && len(arts) < 50 {
		var l struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			b.Fatal(err)
		}
		n := int64(len(arts) + 1)
		arts = append(arts, art(n, "Outlet "+string(rune('A'+n%10)), strings.ReplaceAll(l.Text, "\n", "\n\n")))
	}
	if len(arts) < 50 {
		b.Skipf("demo corpus holds %d articles, want 50", len(arts))
	}
	return arts
}

// BenchmarkCompare50 compares a 50-article story, analysis included. It
// also reports the process's CPU time per comparison (cpu-ms/op), which
// other work on a shared machine does not inflate; it includes the
// garbage collector's work on other cores.
func BenchmarkCompare50(b *testing.B) {
	arts := story50(b)
	ctx := context.Background()
	loopCPU(b, func() {
		if _, err := Compare(ctx, arts, nil, Options{}); err != nil {
			b.Fatal(err)
		}
	})
}

// loopCPU runs f in b's loop and reports the process's CPU time per call.
func loopCPU(b *testing.B, f func()) {
	cpu0, ok := processCPU()
	for b.Loop() {
		f()
	}
	if cpu1, ok1 := processCPU(); ok && ok1 {
		b.ReportMetric(float64(cpu1-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	}
}

// TestBigStoryDiscrepanciesBounded: a 50-article story lists at most
// maxDiscrepancies differences, at most one of each kind per fact.
func TestBigStoryDiscrepanciesBounded(t *testing.T) {
	arts := story50(t)
	st, err := Compare(context.Background(), arts, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Discrepancies) > maxDiscrepancies {
		t.Fatalf("%d discrepancies, want at most %d", len(st.Discrepancies), maxDiscrepancies)
	}
	for _, d := range st.Discrepancies {
		if len(d.Outlets) == 0 || d.Description == "" {
			t.Errorf("discrepancy without outlets or description: %+v", d)
		}
	}
}

func TestFormatNumber(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{8.2e12, "8.2 trillion"},
		{1.25e12, "1.25 trillion"},
		{5e8, "500 million"},
		{266000, "266000"},
		{1.5e6, "1.5 million"},
		{1234567, "1234567"},
		{0.1 + 0.2, "0.3"},
	} {
		if got := formatNumber(tc.v); got != tc.want {
			t.Errorf("formatNumber(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestTrimFullStop(t *testing.T) {
	for in, want := range map[string]string{
		"HuffPost.":    "HuffPost",
		"CNN.":         "CNN",
		"The U.S.":     "The U.S.",
		"Acme Inc.":    "Acme Inc.",
		"FoxNews.com.": "FoxNews.com",
		"Reuters":      "Reuters",
		" The Times. ": "The Times",
		"":             "",
		".":            "",
	} {
		if got := trimFullStop(in); got != want {
			t.Errorf("trimFullStop(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCanonicalSpeaker(t *testing.T) {
	ents := []model.Entity{
		{Name: "Sergey Lavrov", Kind: model.EntityPerson, Variants: []string{"Lavrov"}},
		{Name: "Oklahoma", Kind: model.EntityPlace},
	}
	keys := entityKeys(ents)
	for _, tc := range []struct{ speaker, want string }{
		{"Lavrov", "Sergey Lavrov"},
		{"Sergei Lavrov", "Sergey Lavrov"},
		{"Oklahoma", "Oklahoma"},
		{"Jane Roe", "Jane Roe"},
		{"Foreign Affairs Sergey Lavrov", "Sergey Lavrov"},
		{"a spokesman for the ministry", "a spokesman for the ministry"},
		{"Thursday", ""},
		{"Notably", ""},
		{"R-Texas", ""},
		{"", ""},
	} {
		if got := canonicalSpeaker(tc.speaker, ents, keys); got != tc.want {
			t.Errorf("canonicalSpeaker(%q) = %q, want %q", tc.speaker, got, tc.want)
		}
	}
}

// TestMiddleNamesOnePerson: a person named with a middle name or initial by
// one outlet and without by another, or with a given name spelt another
// way, is one entity; two fuller forms of one short name, or two short
// given names, are not folded together.
func TestMiddleNamesOnePerson(t *testing.T) {
	for _, tc := range []struct {
		name   string
		bodies []string
		want   map[string][]string // entity name (the fullest, on a tie) -> variants it must hold
		apart  []string            // names that must stay entities of their own
	}{
		{
			name: "middle initial",
			bodies: []string{
				"Rep. Michael Grimm is expected to be charged this week, prosecutors in Brooklyn said on Monday.",
				"Prosecutors in Brooklyn said on Monday that Representative Michael G. Grimm is expected to be charged.",
			},
			want: map[string][]string{"Michael G. Grimm": {"Michael G. Grimm", "Michael Grimm"}},
		},
		{
			name: "middle name and a suffix",
			bodies: []string{
				"Hillary Clinton met James Clapper in Washington on Tuesday to discuss the intelligence review.",
				"Hillary Rodham Clinton met James R. Clapper Jr. in Washington on Tuesday about the review.",
			},
			want: map[string][]string{"Hillary Rodham Clinton": {"Hillary Clinton"}, "James R. Clapper Jr": {"James Clapper"}},
		},
		{
			name: "two fuller forms stay apart",
			bodies: []string{
				"George Bush spoke in Texas on Friday about the library that bears the family name.",
				"George W. Bush and his father George H. W. Bush spoke in Texas on Friday about the library.",
			},
			apart: []string{"George W. Bush", "George H. W. Bush"},
		},
		{
			name: "a given name transliterated two ways",
			bodies: []string{
				"President Gurbanguly Berdymukhamedov opened the new airport in Ashgabat on Friday with a speech.",
				"President Kurbanguly Berdymukhamedov opened an airport in Ashgabat on Friday, state television said.",
				"President Gurbanguli Berdymukhamedov spoke as the airport in Ashgabat opened on Friday.",
				"Gurbanguly Berdymukhamedov, the president, cut the ribbon at the airport in Ashgabat on Friday.",
			},
			want: map[string][]string{"Gurbanguly Berdymukhamedov": {"Kurbanguly Berdymukhamedov", "Gurbanguli Berdymukhamedov"}},
		},
		{
			name: "short given names of one surname are two people",
			bodies: []string{
				"Mark Kelly and his twin brother Scott Kelly spoke in Houston on Friday about the flight.",
				"Mike Kelly, a congressman, spoke in Houston on Friday about the flight of the brothers.",
			},
			apart: []string{"Mark Kelly", "Mike Kelly"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var arts []model.Article
			for i, b := range tc.bodies {
				arts = append(arts, art(int64(i+1), string(rune('A'+i)), b))
			}
			st, err := Compare(context.Background(), arts, nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			byName := map[string]model.Entity{}
			for _, e := range st.Entities {
				byName[e.Name] = e
			}
			for name, variants := range tc.want {
				e, ok := byName[name]
				if !ok {
					t.Fatalf("no entity %q among %+v", name, st.Entities)
				}
				for _, v := range variants {
					if !slices.Contains(e.Variants, v) {
						t.Errorf("%q: variants %q lack %q", name, e.Variants, v)
					}
				}
			}
			for _, name := range tc.apart {
				if _, ok := byName[name]; !ok {
					t.Errorf("no entity %q of its own among %+v", name, st.Entities)
				}
			}
		})
	}
}
