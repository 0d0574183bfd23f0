package cluster

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/model"
)

// matrix returns a regrouping over n members whose similarities (with time
// and without) are sim(i, j).
func matrix(n int, sim func(i, j int) float64) *regrouping {
	rg := &regrouping{c: New(DefaultConfig(), nil), words: make([][]float64, n), members: make([]member, n)}
	for i := range n {
		rg.members[i].r = &recent{}
		rg.words[i] = make([]float64, n)
		for j := range n {
			if i != j {
				rg.words[i][j] = sim(min(i, j), max(i, j))
			}
		}
	}
	rg.sim = rg.words
	return rg
}

// jitter is a fixed small variation per pair, so no two scores tie.
func jitter(i, j int) float64 { return float64((i*31+j*17)%13) / 1000 }

func TestSpectralBisect(t *testing.T) {
	evens := func(n int) []int {
		var out []int
		for i := 0; i < n; i += 2 {
			out = append(out, i)
		}
		return out
	}
	tests := []struct {
		name string
		n    int
		sim  func(i, j int) float64
		// want is one of the two groups; nil when only the crossing is
		// checked.
		want []int
		// apart: the groups found keep to their own neighbours.
		apart bool
	}{
		{
			// Articles of two look-alike events, arrived in turn, link
			// nearly as well across the events as within each.
			name:  "two events interleaved",
			n:     12,
			sim:   func(i, j int) float64 { return 0.3 + 0.1*float64(1-(i+j)%2) + jitter(i, j) },
			want:  evens(12),
			apart: true,
		},
		{
			// An article that links to nothing is no group of its own:
			// average link would split it off alone.
			name: "two events and an outlier",
			n:    11,
			sim: func(i, j int) float64 {
				if j == 10 {
					return 0.01
				}
				return 0.3 + 0.1*float64(1-(i+j)%2) + jitter(i, j)
			},
			apart: true,
		},
		{
			// A story whose reports each follow on from the ones before:
			// its neighbourhoods overlap all along, wherever it is cut.
			name: "one story told as a chain",
			n:    12,
			sim: func(i, j int) float64 {
				return max(0, 0.4-0.1*float64(j-i)) + jitter(i, j)
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rg := matrix(tc.n, tc.sim)
			members := make([]int, tc.n)
			for i := range members {
				members[i] = i
			}
			near := rg.nearestOf(members, 3)
			a, b := rg.spectralBisect(members, near)
			if len(a) < 2 || len(b) < 2 || len(a)+len(b) != tc.n {
				t.Fatalf("groups %v and %v, want two of at least two holding all %d", a, b, tc.n)
			}
			if tc.want != nil && !slices.Equal(a, tc.want) && !slices.Equal(b, tc.want) {
				t.Errorf("groups %v and %v, want %v as one of them", a, b, tc.want)
			}
			across := crossing(members, near, a)
			if apart := across <= DefaultConfig().SplitCrossing; apart != tc.apart {
				t.Errorf("groups %v and %v: %.2f of the closest across, apart %v, want %v", a, b, across, apart, tc.apart)
			}
		})
	}
}

// TestCut: two look-alike events (even and odd articles) split when they
// link below the split threshold and keep to their own neighbours, and,
// when none of their articles' closest lies in the other event, up to the
// merge threshold, above which the next arrival would merge them back.
func TestCut(t *testing.T) {
	// events links within an event at 0.4, across at x; with leaning,
	// article 0's closest is article 1, of the other event (one of the 36
	// closest of the 12 articles), while article 1's closest stay in its
	// own event.
	events := func(x float64, leaning bool) func(i, j int) float64 {
		return func(i, j int) float64 {
			switch {
			case leaning && i == 0 && j == 1:
				return 0.45
			case leaning && (i == 1 || j == 1) && (i+j)%2 == 0:
				return 0.5
			case (i+j)%2 == 0:
				return 0.4 + jitter(i, j)
			}
			return x + jitter(i, j)
		}
	}
	// days gives the even articles' leads one day and the odd ones'
	// another; with every third article saying nothing of the day.
	days := func(even, odd string, undated bool) func(i int) string {
		return func(i int) string {
			switch {
			case undated && i%3 == 0:
				return ""
			case i%2 == 0:
				return even
			}
			return odd
		}
	}
	tests := []struct {
		name  string
		sim   func(i, j int) float64
		day   func(i int) string
		split bool
		why   string
	}{
		{"weakly linked, apart", events(0.15, true), nil, true, "below 0.200, and keep to themselves: 3% of"},
		{"linked 0.21, none across", events(0.21, false), nil, true, "below 0.250, and keep to themselves: 0% of"},
		{"linked 0.21, one across", events(0.21, true), nil, false, ""},
		{"linked 0.26, none across", events(0.26, false), nil, false, ""},
		{"linked 0.21, one across, on different days", events(0.21, true), days("thursday", "saturday", false), true,
			"below 0.250, and keep to themselves: 3% of their articles' 3 closest are in the other group, at most 5% (as their articles lead with different days of the week"},
		{"linked 0.21, one across, some undated", events(0.21, true), days("thursday", "saturday", true), true, "different days of the week"},
		{"linked 0.21, one across, on one day", events(0.21, true), days("thursday", "thursday", false), false, ""},
		{"linked 0.26, one across, on different days", events(0.26, true), days("thursday", "saturday", false), false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rg := matrix(12, tc.sim)
			members := make([]int, 12)
			for i := range members {
				members[i] = i
				if tc.day != nil && tc.day(i) != "" {
					rg.members[i].r.cast = castOf(&Features{Terms: []Term{{Stem: tc.day(i), Lead: 1, Body: 1}}})
				}
			}
			a, b, link, why, ok := rg.cut(members)
			if ok != tc.split {
				t.Fatalf("split %v (link %.3f), want %v", ok, link, tc.split)
			}
			if !ok {
				return
			}
			if evens := []int{0, 2, 4, 6, 8, 10}; !slices.Equal(a, evens) && !slices.Equal(b, evens) {
				t.Errorf("groups %v and %v, want the even articles as one", a, b)
			}
			if !strings.Contains(why, tc.why) {
				t.Errorf("why %q does not say %q", why, tc.why)
			}
		})
	}
}

// chainReports are reports of one developing story, each following on from
// the one before: report i shares two of its three subjects with report
// i+1 and one with report i+2, and nothing with the rest.
func chainReports(n int) []*model.Article {
	subjects := []string{"reservoir", "turbines", "spillway", "floodgates", "engineers", "inspectors", "pumps",
		"sediment", "cracks", "concrete", "evacuation", "sirens", "levees", "barges", "generators", "pylons"}
	out := make([]*model.Article, n)
	for i := range out {
		s := subjects[i : i+3]
		out[i] = &model.Article{
			Title: fmt.Sprintf("The %s, the %s and the %s", s[0], s[1], s[2]),
			Text:  fmt.Sprintf("The %s, the %s and the %s.\n\nAgain the %s, the %s and the %s.", s[0], s[1], s[2], s[0], s[1], s[2]),
		}
	}
	return out
}

// TestSplitKeepsNeighbours: a story whose two halves link weakly on average
// stays whole when each report's closest reports lie across the cut, and
// splits when that is not asked; two events of five reports each split,
// saying that they keep to themselves.
func TestSplitKeepsNeighbours(t *testing.T) {
	events := func(c *Clusterer) {
		place(c, 1, 1, quake...)
		place(c, 1, 5, heist...)
		place(c, 1, 8, quake[0], heist[0])
	}
	chain := func(c *Clusterer) { place(c, 1, 1, chainReports(12)...) }
	noTest := func(cfg *Config) { cfg.SplitCrossing = 1 }
	tests := []struct {
		name   string
		tune   func(*Config)
		build  func(c *Clusterer)
		split  bool
		reason string
	}{
		{"a chain of reports stays whole", nil, chain, false, ""},
		{"a chain of reports splits with any crossing allowed", noTest, chain, true, "keep to themselves"},
		{"a chain of reports splits on average link alone", func(cfg *Config) { cfg.SplitNeighbours = 0 }, chain, true, "below 0.200; this is"},
		{"two events split", nil, events, true, "0% of their articles' 3 closest are in the other group"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			if tc.tune != nil {
				tc.tune(&cfg)
			}
			c := New(cfg, nil)
			tc.build(c)
			changes, err := c.Regroup([]int64{1}, numbering())
			if err != nil {
				t.Fatal(err)
			}
			if split := len(changes) > 0; split != tc.split {
				t.Fatalf("changes %+v, want a split: %v", changes, tc.split)
			}
			for _, ch := range changes {
				if !strings.Contains(ch.Decision.Reason, tc.reason) {
					t.Errorf("reason %q does not say %q", ch.Decision.Reason, tc.reason)
				}
			}
		})
	}
}

// BenchmarkSplitTest is what telling a story's parts apart costs at the
// most a regrouping compares: the latest 32 articles of a story.
func BenchmarkSplitTest(b *testing.B) {
	n := DefaultConfig().RegroupMembers
	rg := matrix(n, func(i, j int) float64 { return 0.3 + 0.1*float64(1-(i+j)%2) + jitter(i, j) })
	members := make([]int, n)
	for i := range members {
		members[i] = i
	}
	for b.Loop() {
		near := rg.nearestOf(members, 3)
		a, _ := rg.spectralBisect(members, near)
		crossing(members, near, a)
	}
}
