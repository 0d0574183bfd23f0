package compare

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/extract"
	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// seedStory extracts the two seed articles and compares them.
func seedStory(t testing.TB) *model.Story {
	t.Helper()
	var arts []model.Article
	for i, p := range testutil.Seeds(t) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		a, err := extract.Article(context.Background(), source.Item{Input: p, Kind: "text", Format: source.FormatText, Body: b}, extract.Options{})
		if err != nil {
			t.Fatalf("extract %s: %v", p, err)
		}
		a.ID = int64(i + 1)
		arts = append(arts, *a)
	}
	st, err := Compare(context.Background(), arts, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.ID, st.Title, st.Articles = 1, arts[0].Title, arts
	return st
}

const fox = "Fox News"

// factWith returns the first fact of kind whose evidence of every outlet
// holds the words of want for that outlet ("" any outlet).
func factWith(st *model.Story, kind string, want ...string) *model.Fact {
	for i, f := range st.Facts {
		if f.Kind != kind {
			continue
		}
		all := strings.ToLower(f.Text)
		for _, e := range f.Evidence {
			all += " " + strings.ToLower(e.Sentence)
		}
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(all, strings.ToLower(w))
		}
		if ok {
			return &st.Facts[i]
		}
	}
	return nil
}

func TestSeedStory(t *testing.T) {
	st := seedStory(t)
	first := st.Articles[0].Outlet
	if first == "" {
		first = "unknown outlet (article 1)"
	}

	t.Run("common facts", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			want []string
		}{
			{"Lavrov met former officials in New York in April", []string{"Lavrov", "New York", "April", "officials"}},
			{"Haass, Kupchan and Graham took part", []string{"Haass", "Kupchan", "Graham"}},
			{"aimed at a negotiated end to the war", []string{"end", "war in Ukraine", "talks"}},
			{"NBC News reported it", []string{"NBC News"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f := factWith(st, model.FactCommon, tc.want...)
				if f == nil {
					t.Fatalf("no common fact with %q", tc.want)
				}
				if len(f.Evidence) != 2 || f.Independent != 2 {
					t.Errorf("evidence %d, independent %d; want 2 and 2", len(f.Evidence), f.Independent)
				}
			})
		}
	})

	t.Run("unique facts", func(t *testing.T) {
		for _, tc := range []struct {
			name, outlet, words string
		}{
			{"Mary Beth Long", first, "Mary Beth Long"},
			{"trip to Russia", first, "traveled to Russia"},
			{"without Ukraine", first, "without Ukraine"},
			{"Koffler", fox, "Koffler"},
			{"Zelenskyy in Prague", fox, "Prague"},
			{"Petr Pavel", fox, "Petr Pavel"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f := factWith(st, model.FactUnique, tc.words)
				if f == nil || !slices.Equal(f.Outlets, []string{tc.outlet}) {
					t.Fatalf("want a fact only in %s with %q, got %+v", tc.outlet, tc.words, f)
				}
			})
		}
		for _, f := range st.Facts {
			if f.Kind == model.FactCommon && (strings.Contains(f.Text, "Koffler") || strings.Contains(f.Text, "Mary Beth")) {
				t.Errorf("fact of one outlet called common: %q", f.Text)
			}
		}
	})

	t.Run("quotes", func(t *testing.T) {
		for _, tc := range []struct {
			name, speaker, words, cue, outlet string
		}{
			{"Koffler", "Rebekah Koffler", "neither side", "told Fox News Digital", fox},
			{"Koffler continued", "Rebekah Koffler", "Putin would end the war", "", fox},
			{"Zelenskyy", "Volodymyr Zelenskyy", "part of NATO", "said in Prague", fox},
			{"Zelensky's office", "official from Ukrainian President Volodymyr Zelensky’s office", "without Ukraine", "said", first},
			{"Petr Pavel, indirect", "Petr Pavel", "in the interest of his country", "said", fox},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var got *model.Quote
				for i, q := range st.Quotes {
					if strings.Contains(q.Text, tc.words) {
						got = &st.Quotes[i]
					}
				}
				if got == nil {
					t.Fatalf("no quote with %q", tc.words)
				}
				if got.Speaker != tc.speaker || got.Cue != tc.cue || !slices.Equal(got.Outlets, []string{tc.outlet}) {
					t.Errorf("got speaker %q cue %q outlets %v; want %q %q [%s]", got.Speaker, got.Cue, got.Outlets, tc.speaker, tc.cue, tc.outlet)
				}
			})
		}
		for _, q := range st.Quotes {
			if q.Text == "ideal" {
				t.Errorf("scare quote taken for a quote: %+v", q)
			}
		}
	})

	t.Run("citations and lineage", func(t *testing.T) {
		cited := map[string][]string{}
		for _, c := range st.Citations {
			cited[c.Source] = c.Outlets
		}
		if want := []string{fox, first}; !slices.Equal(cited["NBC News"], sorted(want)) {
			t.Errorf("NBC News cited by %v, want %v", cited["NBC News"], want)
		}
		if !slices.Equal(cited["The Associated Press"], []string{fox}) {
			t.Errorf("The Associated Press cited by %v, want [Fox News]", cited["The Associated Press"])
		}
		for src := range cited {
			if strings.HasPrefix(src, "Fox News") {
				t.Errorf("Fox News cited as a source of its own article: %v", cited)
			}
		}
		l := st.Lineage
		if l == nil || l.Original != "NBC News" || len(l.Rereporting) != 2 || l.Independent != 1 {
			t.Errorf("lineage %+v, want NBC News re-reported by both, 1 independent source", l)
		}
	})

	t.Run("entities", func(t *testing.T) {
		for _, tc := range []struct {
			name     string
			variants []string
		}{
			{"Zelensky", []string{"Volodymyr Zelensky", "Volodymyr Zelenskyy"}},
			{"CFR", []string{"Council on Foreign Relations", "Council of Foreign Relations", "CFR"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				for _, e := range st.Entities {
					if slices.Contains(e.Variants, tc.variants[0]) {
						for _, v := range tc.variants {
							if !slices.Contains(e.Variants, v) {
								t.Errorf("entity %q lacks variant %q: %v", e.Name, v, e.Variants)
							}
						}
						if len(e.Outlets) != 2 {
							t.Errorf("entity %q in %v, want both outlets", e.Name, e.Outlets)
						}
						return
					}
				}
				t.Errorf("no entity with variant %q", tc.variants[0])
			})
		}
	})

	t.Run("date discrepancy", func(t *testing.T) {
		var got []model.Discrepancy
		for _, d := range st.Discrepancies {
			if d.Kind == DiscrepancyPublicationDate {
				got = append(got, d)
			}
		}
		if len(got) != 1 || !slices.Equal(got[0].Outlets, []string{fox}) ||
			!strings.Contains(got[0].Description, "2023") || !strings.Contains(got[0].Description, "next week") {
			t.Errorf("publication date discrepancies %+v, want one on Fox News citing 2023 and next week's summit", got)
		}
		for _, d := range st.Discrepancies {
			if d.Kind != DiscrepancyPublicationDate {
				t.Errorf("unexpected discrepancy %+v", d)
			}
		}
	})
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestSeedGolden keeps the text and Markdown renderings of the seed story;
// regenerate with go test -run TestSeedGolden -update.
func TestSeedGolden(t *testing.T) {
	st := seedStory(t)
	st.Explanations = []model.Decision{
		{Article: 1, Story: 1, Kind: model.DecisionNew, Reason: "no candidate story shares its rare terms or entities: a new story"},
		{Article: 2, Story: 1, Kind: model.DecisionJoin, Score: 0.62, Compared: 1,
			Reason: "joined story 1: score 0.620 >= 0.150; shares Sergey Lavrov, NBC News; terms lavrov, talks"},
		{Story: 1, Kind: model.DecisionMerge, Compared: 7, Reason: "story 7 merged into story 1: the new article matches both (0.410, 0.380)"},
		{Article: 9, Story: 4, Kind: model.DecisionManual, Compared: 1, Reason: "split from story 1 by hand: another event"},
	}
	for _, tc := range []struct {
		name  string
		write func(*bytes.Buffer, *model.Story) error
	}{
		{"seed.txt", func(b *bytes.Buffer, s *model.Story) error { return WriteText(b, s) }},
		{"seed.md", func(b *bytes.Buffer, s *model.Story) error { return WriteMarkdown(b, s) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b, st); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("%s differs from %s; run with -update after checking:\n%s", tc.name, path, b.String())
			}
		})
	}
}
