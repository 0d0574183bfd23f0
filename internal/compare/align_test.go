package compare

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/testutil"
	"github.com/parallax-news/parallax/internal/text"
)

// sharedFact returns the fact carried by both outlets whose evidence holds
// both sentences, or nil.
func sharedFact(st *model.Story, a, b string) *model.Fact {
	for i, f := range st.Facts {
		var hasA, hasB bool
		for _, e := range f.Evidence {
			hasA = hasA || e.Outlet == "A" && strings.Contains(e.Sentence, a)
			hasB = hasB || e.Outlet == "B" && strings.Contains(e.Sentence, b)
		}
		if hasA && hasB {
			return &st.Facts[i]
		}
	}
	return nil
}

// filler gives each article sentences of its own, so that feature weights
// are those of a story rather than of two lone sentences.
const fillerA = "Shares of the company fell sharply in early trading on the exchange.\n\n" +
	"Analysts expect the quarterly results to disappoint investors once more.\n\n"
const fillerB = "Rain is expected over the coast through the weekend, forecasters said.\n\n" +
	"The museum reopened its east wing after two years of restoration work.\n\n"

func TestAlignParaphrase(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b string
		same bool
	}{
		{
			name: "the design's paraphrase",
			a:    "Lavrov met with the former officials in New York in April.",
			b:    "Lavrov was said to have met with the U.S. former officials for several hours in New York in April.",
			same: true,
		},
		{
			name: "died and killed",
			a:    "Police say the gunman died at the scene.",
			b:    "The gunman was killed by officers.",
			same: true,
		},
		{
			name: "apologized and regrets",
			a:    "The senator apologized on Monday.",
			b:    "The senator regrets the remarks.",
			same: true,
		},
		{
			name: "variants of one stem",
			a:    "Most residents opposed the tower.",
			b:    "The tower faced fierce opposition.",
			same: true,
		},
		{
			name: "a clause of a long sentence",
			a: "The governor dropped his plan to close rural hospitals, but critics from both parties insist that every clinic " +
				"in the poorest northern valleys still lacks nurses, beds, ambulances, pharmacists and modern scanning equipment.",
			b: "Angry teachers, farmers, truckers and retired miners from the southern coal towns protested outside his mansion " +
				"for three weeks; the governor then dropped his plan to close rural hospitals.",
			same: true,
		},
		{
			name: "sharing only names is not one fact",
			a:    "Volodymyr Zelensky's office in Kyiv would not comment on the report.",
			b:    "Volodymyr Zelensky's visit to Prague drew large crowds in the old town.",
		},
		{
			name: "headline case does not make a word a name",
			a:    "The new ad is called \"Strong\" and speaks of faith.",
			b:    "Faith keeps the nation strong, the narrator says.",
			same: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := Compare(context.Background(), []model.Article{
				art(1, "A", fillerA+tc.a), art(2, "B", fillerB+tc.b)}, nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			f := sharedFact(st, tc.a, tc.b)
			switch {
			case tc.same && f == nil:
				t.Errorf("not aligned; facts %+v", st.Facts)
			case !tc.same && f != nil:
				t.Errorf("aligned as one fact: %+v", *f)
			}
		})
	}
}

// A long sentence of one outlet that says what another says in two short
// ones aligns with both.
func TestAlignOneToMany(t *testing.T) {
	long := "Mayor Anna Kowalski quit on Friday after an audit of harbour contracts and the council named her deputy Tom Baker interim mayor until the November election " +
		"while state auditors keep checking every payment the port authority made to private dredging firms since 2019."
	short1 := "Mayor Anna Kowalski resigned on Friday after the audit of the harbour contracts."
	short2 := "The council named her deputy, Tom Baker, interim mayor until the November election."
	st, err := Compare(context.Background(), []model.Article{
		art(1, "A", fillerA+long), art(2, "B", fillerB+short1+"\n\n"+short2)}, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{short1, short2} {
		if sharedFact(st, long, s) == nil {
			t.Errorf("%q not aligned with the long sentence; facts %+v", s, st.Facts)
		}
	}
}

func TestClauseCuts(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []string
	}{
		{"plain sentence", "The council approved the budget on Tuesday.", nil},
		{"comma conjunction", "He dropped the plan, but critics remain wary.", []string{"He dropped the plan,", " but critics remain wary."}},
		{"semicolon", "Prices rose; wages did not.", []string{"Prices rose;", " wages did not."}},
		{"dash", "The vote — the first in years — passed.", []string{"The vote —", " the first in years —", " passed."}},
		{"double hyphen", "He won -- narrowly.", []string{"He won --", " narrowly."}},
		{"a comma alone does not cut", "In Paris, the talks went on.", nil},
		{"colon of a time does not cut", "The polls close at 8:00 tonight.", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cuts := clauseCuts(tc.in)
			var got []string
			if len(cuts) > 0 {
				from := 0
				for _, c := range append(cuts, len(tc.in)) {
					got = append(got, tc.in[from:c])
					from = c
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("clauses %q, want %q", got, tc.want)
			}
		})
	}
}

// FuzzClauseCuts checks that clauses tile the sentence: cuts ascend, lie
// inside it and fall on rune boundaries, so every clause is valid text.
func FuzzClauseCuts(f *testing.F) {
	for _, p := range testutil.Seeds(f) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, s := range text.Sentences(string(b)) {
			f.Add(s.Text)
		}
	}
	f.Add("A – b — c -- d; e: f, but g")
	f.Fuzz(func(t *testing.T, s string) {
		prev := 0
		for _, c := range clauseCuts(s) {
			if c <= prev || c > len(s) {
				t.Fatalf("cut %d after %d in %d bytes", c, prev, len(s))
			}
			if c < len(s) && utf8.ValidString(s) && !utf8.RuneStart(s[c]) {
				t.Fatalf("cut %d splits a rune in %q", c, s)
			}
			prev = c
		}
	})
}

// The inverted index must not lose links: on the 50-article story, the
// links made from its candidates are those made from every pair.
func TestCandidatesMatchExhaustive(t *testing.T) {
	arts := story50(t)
	as, err := prepare(context.Background(), arts, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, sents, art := storySentences(as)
	w, df := featureIDs(as)
	indexed, err := candidates(context.Background(), as, sents, art, w, df, DefaultThreshold)
	if err != nil {
		t.Fatal(err)
	}
	var all []cand
	for x := range sents {
		for y := x + 1; y < len(sents); y++ {
			if as[art[x]].outlet == as[art[y]].outlet || len(sents[x].ids) < 2 {
				continue
			}
			if c, ok := pairOf(sents[x], sents[y], w, DefaultThreshold); ok {
				c.a, c.b = x, y
				all = append(all, c)
			}
		}
	}
	got, want := linkAll(indexed, art, DefaultThreshold), linkAll(all, art, DefaultThreshold)
	key := func(l link) [2]int { return [2]int{l.a, l.b} }
	have := map[[2]int]bool{}
	for _, l := range got {
		have[key(l)] = true
	}
	missed := 0
	for _, l := range want {
		if !have[key(l)] {
			missed++
		}
	}
	t.Logf("%d candidate pairs from the index, %d from every pair; links %d and %d", len(indexed), len(all), len(got), len(want))
	if missed > 0 {
		t.Errorf("the index loses %d of %d links", missed, len(want))
	}
}

// BenchmarkAlign50 aligns the facts of a 50-article story, analysis done
// beforehand: the part of BenchmarkCompare50 that grows with the square of
// the story's sentences when every pair is compared.
func BenchmarkAlign50(b *testing.B) {
	ctx := context.Background()
	as, err := prepare(ctx, story50(b), nil)
	if err != nil {
		b.Fatal(err)
	}
	outlets := outletsOf(as)
	loopCPU(b, func() {
		if _, err := alignFacts(ctx, as, outlets, DefaultThreshold); err != nil {
			b.Fatal(err)
		}
	})
}
