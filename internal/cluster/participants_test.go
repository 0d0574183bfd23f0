package cluster

import (
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/model"
)

// lead returns an entity named in the lead and mentioned n times.
func lead(name, kind string, n uint16) Entity {
	return Entity{Key: keyOf(name), Name: name, Kind: kind, Count: n, Lead: true}
}

// aside returns an entity mentioned once, outside the headline and lead.
func aside(name, kind string) Entity {
	return Entity{Key: keyOf(name), Name: name, Kind: kind, Count: 1}
}

func keyOf(name string) string {
	b := []byte(name)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func TestConflict(t *testing.T) {
	const pe, pl, org = model.EntityPerson, model.EntityPlace, model.EntityOrg
	champ := lead("Wladimir Klitschko", pe, 5)
	leadDay := func(day string) Term { return Term{Stem: day, Form: day, Lead: 1, Body: 1} }
	asideDay := func(day string) Term { return Term{Stem: day, Form: day, Body: 1} }
	tests := []struct {
		name         string
		a, b         []Entity
		daysA, daysB []Term
		want         string
	}{
		{name: "same participants", a: []Entity{champ, lead("Hasim Rahman", pe, 4)}, b: []Entity{champ, lead("Hasim Rahman", pe, 6)}},
		{name: "surname matches full name", a: []Entity{champ, lead("Tony Thompson", pe, 4)}, b: []Entity{champ, lead("Thompson", pe, 3)}},
		{name: "two different opponents", a: []Entity{champ, lead("Hasim Rahman", pe, 4)}, b: []Entity{champ, lead("Tony Thompson", pe, 4)}, want: "people"},
		{name: "two different towns", a: []Entity{lead("Banstead", pl, 3)}, b: []Entity{lead("Wellington", pl, 3)}, want: "places"},
		{name: "a person against a place is no conflict", a: []Entity{lead("Chris Dodd", pe, 3)}, b: []Entity{lead("Norwalk", pl, 3)}},
		{name: "organisations never conflict", a: []Entity{lead("Fox News", org, 3)}, b: []Entity{lead("Politico", org, 3)}},
		{name: "the other side mentions it in passing", a: []Entity{champ, lead("Hasim Rahman", pe, 4)}, b: []Entity{champ, lead("Tony Thompson", pe, 4), aside("Hasim Rahman", pe)}},
		{name: "kind guessed differently still matches", a: []Entity{lead("Waitrose", pe, 3)}, b: []Entity{lead("Waitrose", pl, 3)}},
		{name: "one side names nobody", a: []Entity{lead("Tony Thompson", pe, 4)}, b: nil},
		{name: "a single mention in the lead does not lead", a: []Entity{lead("Hasim Rahman", pe, 1)}, b: []Entity{lead("Tony Thompson", pe, 1)}},
		{name: "leads on two different days", daysA: []Term{leadDay("thursday")}, daysB: []Term{leadDay("saturday")}, want: "days of the week"},
		{name: "the other side names the day further down", daysA: []Term{leadDay("thursday")}, daysB: []Term{leadDay("friday"), asideDay("thursday")}},
		{name: "one side names no day", daysA: []Term{leadDay("thursday")}, daysB: []Term{asideDay("monday")}},
		{name: "a day is not a person of that name", a: []Entity{lead("Sunday", pe, 3)}, daysB: []Term{leadDay("sunday")}},
		{name: "other opponents on other days", a: []Entity{champ, lead("Hasim Rahman", pe, 4)}, b: []Entity{champ, lead("Tony Thompson", pe, 4)},
			daysA: []Term{leadDay("saturday")}, daysB: []Term{leadDay("sunday")}, want: "people and days of the week"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := castOf(&Features{Entities: tc.a, Terms: tc.daysA})
			y := castOf(&Features{Entities: tc.b, Terms: tc.daysB})
			if got := kindNames(conflict(x, y)); got != tc.want {
				t.Errorf("conflict = %q, want %q", got, tc.want)
			}
			if got := kindNames(conflict(y, x)); got != tc.want {
				t.Errorf("conflict reversed = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestStoryCast checks that a story leads with what most of its articles
// lead with, so one article naming someone else does not make it conflict.
func TestStoryCast(t *testing.T) {
	rahman := castOf(&Features{Entities: []Entity{lead("Hasim Rahman", model.EntityPerson, 4)}})
	thompson := castOf(&Features{Entities: []Entity{lead("Tony Thompson", model.EntityPerson, 4)}})
	tests := []struct {
		name  string
		story []cast
		want  bool
	}{
		{name: "all about the other", story: []cast{thompson, thompson}, want: true},
		{name: "half about each", story: []cast{thompson, rahman}, want: false},
		{name: "mostly about the same", story: []cast{rahman, rahman, thompson}, want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var s cast
			for _, x := range tc.story {
				s = s.plus(x, 1)
			}
			if got := conflict(rahman, s) != 0; got != tc.want {
				t.Errorf("conflict = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestConflictLowersScore checks the penalty end to end: the same report
// of a title fight scores lower against a story about a fight with another
// opponent, or on another day, than against one with the same opponent on
// the same day, and says why.
func TestConflictLowersScore(t *testing.T) {
	fight := func(id int64, opponent, place, day string) *model.Article {
		return &model.Article{ID: id, Language: "en",
			Title: "Wladimir Klitschko stops " + opponent + " to keep his heavyweight titles",
			Text: "Wladimir Klitschko stopped " + opponent + " in " + place + " on " + day + " to keep his heavyweight titles.\n\n" +
				opponent + " was down twice before the referee waved the fight off. Klitschko said " + opponent + " had been brave."}
	}
	// Another write-up, or it would be a copy.
	rematch := &model.Article{ID: 1, Language: "en", Title: "Klitschko beats Hasim Rahman again in Mannheim",
		Text: "Wladimir Klitschko beat Hasim Rahman in Mannheim on Sunday to keep his heavyweight titles.\n\n" +
			"Rahman took a count in the third round and the champion finished it in the seventh. Rahman said the champion had been better."}
	tests := []struct {
		name         string
		first        *model.Article
		wantConflict string
	}{
		{name: "same opponent", first: fight(1, "Hasim Rahman", "Mannheim", "Saturday")},
		{name: "other opponent", first: fight(1, "Tony Thompson", "Bern", "Saturday"), wantConflict: "the leads name different people"},
		{name: "same opponent, another day", first: rematch, wantConflict: "the leads name different days of the week"},
	}
	scores := make([]float64, len(tests))
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := New(DefaultConfig(), nil)
			ingest(c, tc.first)
			asg := c.Assign(features(fight(2, "Hasim Rahman", "Mannheim", "Saturday")))
			scores[i] = asg.Decision.Score
			if tc.wantConflict == "" && strings.Contains(asg.Decision.Reason, "lowered") {
				t.Errorf("reason %q: mentions a conflict, want none", asg.Decision.Reason)
			}
			if tc.wantConflict != "" && !strings.Contains(asg.Decision.Reason, tc.wantConflict+")") {
				t.Errorf("reason %q does not say %q", asg.Decision.Reason, tc.wantConflict)
			}
		})
	}
	for i, tc := range tests[1:] {
		if scores[i+1] >= scores[0] {
			t.Errorf("score against the story of %q %.3f, want below %.3f", tc.name, scores[i+1], scores[0])
		}
	}
}

// TestWeekdayStems checks that each day of the week, as news writes it,
// reaches an article's cast as a day its lead names.
func TestWeekdayStems(t *testing.T) {
	for _, day := range []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "MONDAY"} {
		t.Run(day, func(t *testing.T) {
			a := &model.Article{Language: "en", Title: "Storm closes the harbour",
				Text: "A storm closed the harbour on " + day + ", the port authority said.\n\nFerries stayed in port."}
			if got := castOf(Extract(a, nil)).leadDays(); len(got) != 1 {
				t.Errorf("lead days %v, want one", got)
			}
		})
	}
}
