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
	tests := []struct {
		name string
		a, b []Entity
		want bool
	}{
		{name: "same participants", a: []Entity{champ, lead("Hasim Rahman", pe, 4)}, b: []Entity{champ, lead("Hasim Rahman", pe, 6)}, want: false},
		{name: "surname matches full name", a: []Entity{champ, lead("Tony Thompson", pe, 4)}, b: []Entity{champ, lead("Thompson", pe, 3)}, want: false},
		{name: "two different opponents", a: []Entity{champ, lead("Hasim Rahman", pe, 4)}, b: []Entity{champ, lead("Tony Thompson", pe, 4)}, want: true},
		{name: "two different towns", a: []Entity{lead("Banstead", pl, 3)}, b: []Entity{lead("Wellington", pl, 3)}, want: true},
		{name: "a person against a place is no conflict", a: []Entity{lead("Chris Dodd", pe, 3)}, b: []Entity{lead("Norwalk", pl, 3)}, want: false},
		{name: "organisations never conflict", a: []Entity{lead("Fox News", org, 3)}, b: []Entity{lead("Politico", org, 3)}, want: false},
		{name: "the other side mentions it in passing", a: []Entity{champ, lead("Hasim Rahman", pe, 4)}, b: []Entity{champ, lead("Tony Thompson", pe, 4), aside("Hasim Rahman", pe)}, want: false},
		{name: "kind guessed differently still matches", a: []Entity{lead("Waitrose", pe, 3)}, b: []Entity{lead("Waitrose", pl, 3)}, want: false},
		{name: "one side names nobody", a: []Entity{lead("Tony Thompson", pe, 4)}, b: nil, want: false},
		{name: "a single mention in the lead does not lead", a: []Entity{lead("Hasim Rahman", pe, 1)}, b: []Entity{lead("Tony Thompson", pe, 1)}, want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, y := castOf(&Features{Entities: tc.a}), castOf(&Features{Entities: tc.b})
			if got := conflict(x, y); got != tc.want {
				t.Errorf("conflict = %v, want %v", got, tc.want)
			}
			if got := conflict(y, x); got != tc.want {
				t.Errorf("conflict reversed = %v, want %v", got, tc.want)
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
			if got := conflict(rahman, s); got != tc.want {
				t.Errorf("conflict = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestConflictLowersScore checks the penalty end to end: the same report
// of a title fight scores lower against a story about a fight with another
// opponent than against one with the same opponent, and says why.
func TestConflictLowersScore(t *testing.T) {
	fight := func(id int64, opponent, place string) *model.Article {
		return &model.Article{ID: id, Language: "en",
			Title: "Wladimir Klitschko stops " + opponent + " to keep his heavyweight titles",
			Text: "Wladimir Klitschko stopped " + opponent + " in " + place + " on Saturday to keep his heavyweight titles.\n\n" +
				opponent + " was down twice before the referee waved the fight off. Klitschko said " + opponent + " had been brave."}
	}
	tests := []struct {
		name         string
		first        *model.Article
		wantConflict bool
	}{
		{name: "same opponent", first: fight(1, "Hasim Rahman", "Mannheim"), wantConflict: false},
		{name: "other opponent", first: fight(1, "Tony Thompson", "Bern"), wantConflict: true},
	}
	scores := make([]float64, len(tests))
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := New(DefaultConfig(), nil)
			ingest(c, tc.first)
			asg := c.Assign(features(fight(2, "Hasim Rahman", "Mannheim")))
			scores[i] = asg.Decision.Score
			if got := strings.Contains(asg.Decision.Reason, "lowered"); got != tc.wantConflict {
				t.Errorf("reason %q: mentions the conflict %v, want %v", asg.Decision.Reason, got, tc.wantConflict)
			}
		})
	}
	if scores[1] >= scores[0] {
		t.Errorf("score against the other opponent's story %.3f, want below %.3f", scores[1], scores[0])
	}
}
