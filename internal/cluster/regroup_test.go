package cluster

import (
	"slices"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/model"
)

// Two events, told four and three ways: a quake on an island off Iran and
// a jewellery heist in Paris.
var (
	quake = []*model.Article{
		{Title: "Quake hits Qeshm island off southern Iran", Text: "A magnitude 5.6 earthquake struck Qeshm island in the Gulf off southern Iran on Sunday, injuring five people and damaging houses in the village of Dargahan, state media said.\n\nRescue teams from Bandar Abbas reached the island within hours. The quake was felt across Hormozgan province."},
		{Title: "Earthquake injures five on Iran's Qeshm island", Text: "Five people were hurt when an earthquake of magnitude 5.6 shook Qeshm island off Iran's southern coast on Sunday, the Iranian Red Crescent said.\n\nHouses in Dargahan were damaged and residents spent the night outdoors. Qeshm lies in the Strait of Hormuz, near Bandar Abbas."},
		{Title: "Iran quake damages homes on Qeshm", Text: "An earthquake measuring 5.6 jolted Qeshm island in southern Iran on Sunday, damaging homes in Dargahan and injuring five residents, officials in Hormozgan province said.\n\nThe island was struck by a deadly quake in 2005. Aftershocks followed on Sunday evening."},
		{Title: "Qeshm residents sleep outdoors after Iran earthquake", Text: "Residents of Dargahan on Iran's Qeshm island slept in the streets after Sunday's magnitude 5.6 earthquake, which injured five people and cracked walls across the island.\n\nOfficials in Bandar Abbas said tents were sent from Hormozgan province."},
	}
	heist = []*model.Article{
		{Title: "Robbers steal jewels worth millions from Paris store", Text: "Four armed robbers, two disguised as women, stole jewels worth 85 million euros from the Harry Winston store on Avenue Montaigne in Paris on Thursday, police said.\n\nThe thieves threatened staff with a revolver and escaped with rings, necklaces and watches."},
		{Title: "Harry Winston jewellers robbed in Paris heist", Text: "Thieves posing as women robbed the Harry Winston jewellery store near the Champs-Elysees in Paris on Thursday, taking gems worth 85 million euros, French police said.\n\nThe four men forced employees to open the display cases before fleeing on foot."},
		{Title: "Paris jewellery heist nets 85 million euros", Text: "Armed robbers disguised as women raided the Harry Winston shop on Avenue Montaigne in Paris on Thursday and escaped with jewels valued at 85 million euros.\n\nPolice said the four men had visited the store before the raid. It is one of the biggest jewellery thefts in France."},
	}
)

// place commits articles with ids from first into story sid, whatever the
// clusterer would have decided: a story as an early decision may leave it.
func place(c *Clusterer, sid, first int64, arts ...*model.Article) {
	for i, a := range arts {
		c.Commit(first+int64(i), sid, features(a), Assignment{})
	}
}

// storiesOf returns the stories articles ids are in.
func storiesOf(c *Clusterer, ids ...int64) []int64 {
	out := make([]int64, len(ids))
	for i, id := range ids {
		out[i] = c.StoryOf(id)
	}
	return out
}

// numbering hands out story ids from 900.
func numbering() func() (int64, error) {
	next := int64(899)
	return func() (int64, error) { next++; return next, nil }
}

func TestRegroup(t *testing.T) {
	tests := []struct {
		name string
		// build fills the clusterer and returns the neighbourhood to
		// regroup.
		build func(c *Clusterer) []int64
		// want lists, per article id from 1, the article whose story it
		// must share at the end (itself: a story apart from the others
		// it is not listed with).
		want map[int64]int64
		// kinds are the kinds of the changes, in order.
		kinds []string
	}{
		{
			name: "a story holding two events splits",
			build: func(c *Clusterer) []int64 {
				place(c, 1, 1, quake[:3]...)
				place(c, 1, 4, heist...)
				return []int64{1}
			},
			want:  map[int64]int64{1: 1, 2: 1, 3: 1, 4: 4, 5: 4, 6: 4},
			kinds: []string{model.DecisionRegroup, model.DecisionRegroup, model.DecisionRegroup},
		},
		{
			name: "an article in the wrong story moves to the right one",
			build: func(c *Clusterer) []int64 {
				place(c, 1, 1, quake[0], quake[1], heist[2])
				place(c, 2, 4, heist[0], heist[1])
				return []int64{1, 2}
			},
			want:  map[int64]int64{1: 1, 2: 1, 3: 4, 4: 4, 5: 4},
			kinds: []string{model.DecisionRegroup},
		},
		{
			name: "two stories of one event merge",
			build: func(c *Clusterer) []int64 {
				place(c, 1, 1, quake[0], quake[1])
				place(c, 2, 3, quake[2], quake[3])
				place(c, 3, 5, heist...)
				return []int64{2, 1, 3}
			},
			want:  map[int64]int64{1: 1, 2: 1, 3: 1, 4: 1, 5: 5, 6: 5, 7: 5},
			kinds: []string{model.DecisionMerge},
		},
		{
			name: "a story of one event stays whole",
			build: func(c *Clusterer) []int64 {
				place(c, 1, 1, quake...)
				place(c, 2, 5, heist...)
				return []int64{1, 2}
			},
			want: map[int64]int64{1: 1, 2: 1, 3: 1, 4: 1, 5: 5, 6: 5, 7: 5},
		},
		{
			name: "a story a person merged is not split",
			build: func(c *Clusterer) []int64 {
				place(c, 1, 1, quake[:3]...)
				place(c, 2, 4, heist...)
				if err := c.Apply(model.Correction{Kind: "merge", Story: 2, Target: 1}, nil); err != nil {
					t.Fatal(err)
				}
				return []int64{1}
			},
			want: map[int64]int64{1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1},
		},
		{
			name: "an article a person moved stays",
			build: func(c *Clusterer) []int64 {
				place(c, 1, 1, quake[0], quake[1])
				place(c, 4, 3, quake[2], quake[3])
				// Alone in a story of its own, by hand: not to be joined
				// to the other quake story, nor that story to it.
				if err := c.Apply(model.Correction{Kind: "move", Article: 2, Story: 1, Target: 3}, features(quake[1])); err != nil {
					t.Fatal(err)
				}
				return []int64{3, 4}
			},
			want: map[int64]int64{1: 1, 2: 2, 3: 3, 4: 3},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := New(DefaultConfig(), nil)
			hood := tc.build(c)
			changes, err := c.Regroup(hood, numbering())
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for _, ch := range changes {
				kinds = append(kinds, ch.Decision.Kind)
				if ch.Decision.Reason == "" || ch.Story == 0 || ch.From == 0 || ch.From == ch.Story {
					t.Errorf("change does not explain itself: %+v", ch)
				}
			}
			if !slices.Equal(kinds, tc.kinds) {
				t.Errorf("changes %v, want %v", kinds, tc.kinds)
			}
			for id, with := range tc.want {
				if got, want := c.StoryOf(id), c.StoryOf(with); got != want {
					t.Errorf("article %d in story %d, want the story of article %d (%d)", id, got, with, want)
				}
				for other, w := range tc.want {
					if w != with && c.StoryOf(other) == c.StoryOf(id) {
						t.Errorf("articles %d and %d share story %d", id, other, c.StoryOf(id))
					}
				}
			}
		})
	}
}

func TestRegroupChangesReplay(t *testing.T) {
	// The changes, made in order to the stories as they were, give the
	// stories as they are: what the store does with them.
	c := New(DefaultConfig(), nil)
	place(c, 1, 1, quake[0], heist[0], quake[1])
	place(c, 2, 4, heist[1], quake[2], heist[2])
	stories := storiesOf(c, 1, 2, 3, 4, 5, 6)
	changes, err := c.Regroup([]int64{1, 2}, numbering())
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) == 0 {
		t.Fatal("two mixed stories left as they were")
	}
	for _, ch := range changes {
		for i := range stories {
			switch {
			case ch.Article == int64(i+1):
				if stories[i] != ch.From {
					t.Errorf("change %+v moves article %d out of story %d, where it is not", ch, i+1, ch.From)
				}
				stories[i] = ch.Story
			case ch.Article == 0 && stories[i] == ch.From:
				stories[i] = ch.Story
			}
		}
	}
	if got := storiesOf(c, 1, 2, 3, 4, 5, 6); !slices.Equal(got, stories) {
		t.Errorf("replayed changes give %v, the clusterer holds %v", stories, got)
	}
	if !(stories[0] == stories[2] && stories[0] == stories[4] && stories[1] == stories[3] && stories[1] == stories[5] && stories[0] != stories[1]) {
		t.Errorf("stories %v do not hold the quake (1, 3, 5) and the heist (2, 4, 6) apart", stories)
	}
	for _, ch := range changes {
		if !strings.Contains(ch.Decision.Reason, "story") {
			t.Errorf("reason %q names no story", ch.Decision.Reason)
		}
	}
}

func TestPairScores(t *testing.T) {
	arts := append(slices.Clone(quake), heist...)
	arts = append(arts, &model.Article{Title: "Notice", Text: "Closed."})
	feats := make([]*Features, len(arts))
	for i, a := range arts {
		feats[i] = features(a)
	}
	scores := PairScores(DefaultConfig(), feats)
	event := func(i int) int { return min(i/len(quake), 1) } // 0: quake, 1: heist
	empty := len(arts) - 1
	lowestSame, highestOther := 1.0, 0.0
	for i := range empty {
		for j := range empty {
			if scores[i][j] != scores[j][i] {
				t.Fatalf("scores[%d][%d] = %v, scores[%d][%d] = %v", i, j, scores[i][j], j, i, scores[j][i])
			}
			switch {
			case i == j:
			case event(i) == event(j):
				lowestSame = min(lowestSame, scores[i][j])
			default:
				highestOther = max(highestOther, scores[i][j])
			}
		}
		if scores[i][empty] != 0 {
			t.Errorf("article %d scores %v with an empty article, want 0", i, scores[i][empty])
		}
	}
	if lowestSame <= highestOther {
		t.Errorf("reports of one event score down to %.3f, of two events up to %.3f", lowestSame, highestOther)
	}
	if cfg := DefaultConfig(); lowestSame < cfg.JoinThreshold {
		t.Errorf("reports of one event score down to %.3f, below the join threshold %.3f", lowestSame, cfg.JoinThreshold)
	}
}
