package cluster

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/parallax-news/parallax/internal/extract"
	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/testutil"
)

// seedArticles extracts the two seed articles as ingestion does.
func seedArticles(t testing.TB) []*model.Article {
	t.Helper()
	var out []*model.Article
	for _, p := range testutil.Seeds(t) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		a, err := extract.Article(context.Background(), source.Item{Input: p, Kind: source.FormatText, Format: source.FormatText, Body: b}, extract.Options{})
		if err != nil {
			t.Fatalf("extract %s: %v", p, err)
		}
		out = append(out, a)
	}
	return out
}

func features(a *model.Article) *Features { return Extract(a, nil) }

// restore restores one article as a rebuild does: its features stored,
// read back, and both parts restored.
func restore(t *testing.T, c *Clusterer, articleID, storyID, copyOf int64, f *Features) {
	t.Helper()
	blob, err := f.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var s Stored
	if err := c.Decode(&s, blob); err != nil {
		t.Fatal(err)
	}
	c.RestoreSignature(articleID, copyOf, &s.Features)
	c.RestoreStory(articleID, storyID, copyOf, &s)
}

// ingest assigns and commits articles in order, ids from 1, new stories
// numbered from 100, and returns the assignments.
func ingest(c *Clusterer, arts ...*model.Article) []Assignment {
	var out []Assignment
	for _, a := range arts {
		f := features(a)
		asg := c.Assign(f)
		sid := asg.Story
		if sid == 0 {
			sid = 100 + int64(len(c.stories)+len(c.alias))
		}
		c.Commit(a.ID, sid, f, asg)
		asg.Story = sid
		out = append(out, asg)
	}
	return out
}

func TestSeeds(t *testing.T) {
	seeds := seedArticles(t)
	for i, order := range [][2]int{{0, 1}, {1, 0}} {
		t.Run([]string{"in file order", "reversed"}[i], func(t *testing.T) {
			c := New(DefaultConfig(), nil)
			a, b := *seeds[order[0]], *seeds[order[1]]
			a.ID, b.ID = 1, 2
			got := ingest(c, &a, &b)
			second := got[1]
			if second.CopyOf != 0 {
				t.Errorf("second seed marked a copy of %d: %s", second.CopyOf, second.Decision.Reason)
			}
			if second.Story != got[0].Story || second.Decision.Kind != model.DecisionJoin {
				t.Fatalf("seeds split: %s", second.Decision.Reason)
			}
			d := second.Decision
			if len(d.Entities) == 0 || len(d.Terms) == 0 || d.Score < DefaultConfig().JoinThreshold || d.Compared != got[0].Story {
				t.Errorf("decision does not explain itself: %+v", d)
			}
			t.Logf("%s", d.Reason)
		})
	}
}

func TestAssign(t *testing.T) {
	seeds := seedArticles(t)
	paras := strings.Split(seeds[0].Text, "\n\n")
	day := func(y int, m time.Month, d int) *time.Time { t := time.Date(y, m, d, 12, 0, 0, 0, time.UTC); return &t }
	art := func(id int64, title, text, lang string, pub *time.Time) *model.Article {
		return &model.Article{ID: id, Title: title, Text: text, Language: lang, Published: pub}
	}
	seed := func(id int64, s *model.Article) *model.Article { c := *s; c.ID = id; return &c }
	tests := []struct {
		name string
		arts []*model.Article
		// want is, per article, the index of the earlier article whose
		// story it must share, or -1 for a story of its own.
		want     []int
		wantKind []string
		copyOf   []int64
	}{
		{
			name:     "empty articles join nothing",
			arts:     []*model.Article{seed(1, seeds[0]), art(2, "", "", "en", nil), art(3, "", "", "en", nil)},
			want:     []int{-1, -1, -1},
			wantKind: []string{model.DecisionNew, model.DecisionEmpty, model.DecisionEmpty},
			copyOf:   []int64{0, 0, 0},
		},
		{
			name: "a copy joins its original's story as a carrier",
			arts: []*model.Article{seed(1, seeds[0]), art(2, "Unrelated: a storm floods the coast", "Heavy rain flooded coastal towns in Brittany on Monday, cutting power to thousands of homes.", "en", nil),
				art(3, "Ex-officials met Lavrov", strings.Join(paras[:len(paras)-1], "\n\n"), "en", day(2024, 12, 1))},
			want:     []int{-1, -1, 0},
			wantKind: []string{model.DecisionNew, model.DecisionNew, model.DecisionCopy},
			copyOf:   []int64{0, 0, 1},
		},
		{
			name: "another language does not join an English story",
			arts: []*model.Article{seed(1, seeds[0]),
				art(2, "Lavrov a rencontré d'anciens responsables américains", "Sergey Lavrov a rencontré Richard Haass, Charles Kupchan et Thomas Graham à New York, selon NBC News, pour parler de la guerre en Ukraine.", "fr", nil)},
			want:     []int{-1, -1},
			wantKind: []string{model.DecisionNew, model.DecisionNew},
			copyOf:   []int64{0, 0},
		},
		{
			name: "a different event starts its own story",
			arts: []*model.Article{seed(1, seeds[0]),
				art(2, "City council approves new budget", "The city council of Springfield approved a budget for schools and roads on Tuesday after a long debate among its members.", "en", nil)},
			want:     []int{-1, -1},
			wantKind: []string{model.DecisionNew, model.DecisionNew},
			copyOf:   []int64{0, 0},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := New(DefaultConfig(), nil)
			got := ingest(c, tc.arts...)
			for i, asg := range got {
				if asg.Decision.Kind != tc.wantKind[i] || asg.CopyOf != tc.copyOf[i] {
					t.Errorf("article %d: %s copy of %d, want %s copy of %d (%s)", i+1, asg.Decision.Kind, asg.CopyOf, tc.wantKind[i], tc.copyOf[i], asg.Decision.Reason)
				}
				if tc.want[i] >= 0 && asg.Story != got[tc.want[i]].Story {
					t.Errorf("article %d in story %d, want the story of article %d (%d)", i+1, asg.Story, tc.want[i]+1, got[tc.want[i]].Story)
				}
				for j := range i {
					if tc.want[i] < 0 && asg.Story == got[j].Story {
						t.Errorf("article %d joined the story of article %d: %s", i+1, j+1, asg.Decision.Reason)
					}
				}
			}
		})
	}
}

func TestCorrections(t *testing.T) {
	seeds := seedArticles(t)
	a, b := *seeds[0], *seeds[1]
	a.ID, b.ID = 1, 2
	tests := []struct {
		name    string
		cor     model.Correction
		wantErr error
		// wantApart: after the correction, articles 1 and 2 are apart
		// and a third copy-free article like both cannot bring them back.
		wantApart bool
	}{
		{name: "move out keeps the article out", cor: model.Correction{Kind: "move", Article: 2, Target: 500}, wantApart: true},
		{name: "split keeps the article out", cor: model.Correction{Kind: "split", Article: 2, Target: 500}, wantApart: true},
		{name: "unknown article", cor: model.Correction{Kind: "move", Article: 99, Target: 500}, wantErr: ErrUnknownArticle},
		{name: "unknown story", cor: model.Correction{Kind: "merge", Story: 98, Target: 99}, wantErr: ErrUnknownStory},
		{name: "unknown kind", cor: model.Correction{Kind: "shuffle"}, wantErr: ErrCorrection},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := New(DefaultConfig(), nil)
			got := ingest(c, &a, &b)
			if got[0].Story != got[1].Story {
				t.Fatalf("seeds split before any correction")
			}
			err := c.Apply(tc.cor, features(&b)) // article 2's, for the move
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Apply = %v, want %v", err, tc.wantErr)
			}
			s1, s2 := c.StoryOf(1), c.StoryOf(2)
			if tc.wantApart != (s1 != s2) {
				t.Fatalf("after %+v: articles in stories %d and %d", tc.cor, s1, s2)
			}
			if !tc.wantApart {
				return
			}
			// A third article telling the same story matches both stories;
			// it may join either, but must not merge them back.
			third := b
			third.ID, third.Text = 3, strings.Join(strings.Split(a.Text, "\n\n")[:4], "\n\n")+"\n\n"+strings.Join(strings.Split(b.Text, "\n\n")[4:], "\n\n")
			asg := ingest(c, &third)[0]
			if len(asg.Merges) > 0 || c.StoryOf(1) == c.StoryOf(2) {
				t.Errorf("a later article merged the stories a person separated: %+v", asg)
			}
		})
	}
}

// seedAndBudget clusters the first seed (article 1) and an unrelated
// report (article 2), each in a story of its own.
func seedAndBudget(t *testing.T) (*Clusterer, []Assignment) {
	t.Helper()
	c := New(DefaultConfig(), nil)
	a := *seedArticles(t)[0]
	a.ID = 1
	other := &model.Article{ID: 2, Title: "City council approves new budget", Text: "The city council of Springfield approved a budget for schools and roads on Tuesday.", Language: "en"}
	return c, ingest(c, &a, other)
}

// TestMoveIntoRetiredStory: a story whose articles all moved away is
// retired into where the last went, as the store retires it, so a move to
// a story merged into it reaches a live story, and no story lives under an
// id that resolves elsewhere.
func TestMoveIntoRetiredStory(t *testing.T) {
	c, got := seedAndBudget(t)
	first, second := got[0].Story, got[1].Story
	if err := c.Apply(model.Correction{Kind: "merge", Story: second, Target: first}, nil); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{1, 2} {
		if err := c.Apply(model.Correction{Kind: "move", Article: id, Target: 500}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Apply(model.Correction{Kind: "move", Article: 1, Target: second}, nil); err != nil {
		t.Fatal(err)
	}
	if s := c.StoryOf(1); s != 500 {
		t.Errorf("article 1 moved to story %d (merged into %d, emptied into 500) is in story %d, want 500", second, first, s)
	}
	for id := range c.stories {
		if r := c.resolve(id); r != id {
			t.Errorf("story %d lives, but its id resolves to %d", id, r)
		}
	}
}

func TestManualMergeStays(t *testing.T) {
	c, got := seedAndBudget(t)
	if got[0].Story == got[1].Story {
		t.Fatal("unrelated articles share a story before the merge")
	}
	if err := c.Apply(model.Correction{Kind: "merge", Story: got[1].Story, Target: got[0].Story}, nil); err != nil {
		t.Fatal(err)
	}
	b := *seedArticles(t)[1]
	b.ID = 3
	asg := ingest(c, &b)[0]
	if c.StoryOf(2) != got[0].Story || asg.Story != got[0].Story {
		t.Errorf("after the merge: article 2 in %d, new seed in %d, want both in %d", c.StoryOf(2), asg.Story, got[0].Story)
	}
}

func TestRestore(t *testing.T) {
	seeds := seedArticles(t)
	a, b := *seeds[0], *seeds[1]
	a.ID, b.ID = 1, 2
	live := New(DefaultConfig(), nil)
	ingest(live, &a)
	rebuilt := New(DefaultConfig(), nil)
	restore(t, rebuilt, 1, live.StoryOf(1), 0, features(&a))
	fb := features(&b)
	x, y := live.Assign(fb), rebuilt.Assign(fb)
	if x.Story != y.Story || x.Decision.Kind != y.Decision.Kind || x.Decision.Score != y.Decision.Score {
		t.Errorf("rebuilt index decides %+v, live one %+v", y.Decision, x.Decision)
	}
}

func TestFeaturesBinary(t *testing.T) {
	seeds := seedArticles(t)
	tests := []struct {
		name string
		f    *Features
	}{
		{name: "seed", f: features(seeds[0])},
		{name: "empty", f: &Features{}},
		{name: "dated", f: &Features{Published: -86400, TextDate: 1700000000, Language: "en", Terms: []Term{{Stem: "talk", Form: "talks", Title: 1, Lead: 2, Body: 3}}}},
		{name: "stated dates", f: &Features{Published: 1700000000, Stated: []Span{{1299110400, 1299196799}, {-86400, -1}}}},
		{name: "entity flags", f: &Features{Entities: []Entity{
			{Key: "a", Name: "A", Kind: "person", Count: 1, Title: true},
			{Key: "b", Name: "B", Kind: "place", Count: 2, Lead: true},
			{Key: "c", Name: "C", Kind: "organization", Count: 3, Title: true, Lead: true},
		}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.f.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			var g Features
			if err := g.UnmarshalBinary(b); err != nil {
				t.Fatal(err)
			}
			b2, _ := g.MarshalBinary()
			if string(b) != string(b2) || g.Published != tc.f.Published || !slices.Equal(g.Stated, tc.f.Stated) || len(g.Terms) != len(tc.f.Terms) || len(g.Entities) != len(tc.f.Entities) {
				t.Errorf("round trip changed the features")
			}
			for _, cut := range []int{0, 1, len(b) / 2, len(b) - 1} {
				if err := new(Features).UnmarshalBinary(b[:cut]); err == nil {
					t.Errorf("decoding %d of %d bytes succeeded", cut, len(b))
				}
			}
		})
	}
}

// TestFeaturesDecodeReuse decodes articles one after another into one
// Features, as the index rebuild does with each of its few: each decodes as into a new one, in
// the room of the one before, and the stated dates an earlier decode gave
// stay as they were.
func TestFeaturesDecodeReuse(t *testing.T) {
	seeds := seedArticles(t)
	sequence := []*Features{
		features(seeds[0]),
		{Published: 1700000000, Stated: []Span{{1299110400, 1299196799}}, Terms: []Term{{Stem: "talk", Form: "talks", Body: 1}}},
		features(seeds[1]),
		{},
		{Stated: []Span{{-86400, -1}}, Entities: []Entity{{Key: "a", Name: "A", Kind: "person", Count: 1}}},
	}
	var g Features
	var stated [][]Span
	for i, f := range sequence {
		b, err := f.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var fresh Features
		if err := fresh.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		room := cap(g.Terms)
		before := unsafe.SliceData(g.Terms)
		if err := g.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		// Empty and nil slices are alike here: an article without
		// entities may keep the room of one with some.
		same := g.Published == fresh.Published && g.TextDate == fresh.TextDate && g.Language == fresh.Language &&
			slices.Equal(g.Stated, fresh.Stated) && slices.Equal(g.Terms, fresh.Terms) &&
			slices.Equal(g.Entities, fresh.Entities) && reflect.DeepEqual(g.Signature, fresh.Signature)
		if !same {
			t.Fatalf("article %d decoded into the one before differs from a fresh decode", i)
		}
		if len(g.Terms) > 0 && len(g.Terms) <= room && unsafe.SliceData(g.Terms) != before {
			t.Errorf("article %d: %d terms fit the %d of the one before, yet were given new room", i, len(g.Terms), room)
		}
		stated = append(stated, g.Stated)
		for j, st := range stated {
			if !slices.Equal(st, sequence[j].Stated) {
				t.Fatalf("after article %d, article %d's stated dates are %v, want %v", i, j, st, sequence[j].Stated)
			}
		}
	}
}

// TestFeaturesVersion1 decodes the layout stored before stated dates, so
// that a store written then still loads.
func TestFeaturesVersion1(t *testing.T) {
	f := features(seedArticles(t)[0])
	f.Stated = nil
	b, err := f.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	// Version 1 is version 2 without the count of stated dates, which
	// follows the two times.
	at := 1 + len(binary.AppendVarint(nil, f.Published)) + len(binary.AppendVarint(nil, f.TextDate))
	if b[at] != 0 {
		t.Fatalf("byte %d is %d, want the count 0", at, b[at])
	}
	v1 := append([]byte{1}, b[1:at]...)
	v1 = append(v1, b[at+1:]...)
	var g Features
	if err := g.UnmarshalBinary(v1); err != nil {
		t.Fatalf("decode version 1: %v", err)
	}
	again, _ := g.MarshalBinary()
	if string(again) != string(b) {
		t.Errorf("version 1 decoded to other features")
	}
	if err := new(Features).UnmarshalBinary(append([]byte{featuresVersion + 1}, b[1:]...)); !errors.Is(err, ErrFeatures) {
		t.Errorf("a later version decoded: %v", err)
	}
}

// FuzzFeaturesUnmarshal checks that any bytes either fail to decode with
// an error or decode to features that encode back to the same features.
func FuzzFeaturesUnmarshal(f *testing.F) {
	for _, a := range seedArticles(f) {
		b, _ := features(a).MarshalBinary()
		f.Add(b)
	}
	f.Add([]byte{featuresVersion})
	f.Fuzz(func(t *testing.T, b []byte) {
		var g Features
		if err := g.UnmarshalBinary(b); err != nil {
			if !errors.Is(err, ErrFeatures) && !strings.Contains(err.Error(), "signature") {
				t.Fatalf("error %v is neither ErrFeatures nor a signature error", err)
			}
			return
		}
		again, err := g.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var h Features
		if err := h.UnmarshalBinary(again); err != nil {
			t.Fatalf("re-decoding our own encoding: %v", err)
		}
		if h.Published != g.Published || h.TextDate != g.TextDate || !slices.Equal(h.Stated, g.Stated) || h.Language != g.Language || len(h.Terms) != len(g.Terms) || len(h.Entities) != len(g.Entities) {
			t.Fatalf("round trip changed decoded features")
		}
	})
}

func TestZeroConfigIsDefault(t *testing.T) {
	if got := New(Config{}, nil).cfg; got != DefaultConfig() {
		t.Errorf("New(Config{}) uses %+v, want DefaultConfig()", got)
	}
}

// TestConcurrent assigns from several goroutines while another commits,
// for the race detector: the pipeline prepares in parallel.
func TestConcurrent(t *testing.T) {
	seeds := seedArticles(t)
	c := New(DefaultConfig(), nil)
	fs := []*Features{features(seeds[0]), features(seeds[1])}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				c.Assign(fs[(g+i)%2])
			}
		})
	}
	for i := range 50 {
		f := fs[i%2]
		a := c.Assign(f)
		sid := a.Story
		if sid == 0 {
			sid = int64(i + 1000)
		}
		c.Commit(int64(i+1), sid, f, a)
	}
	wg.Wait()
	if c.StoryOf(1) != c.StoryOf(2) {
		t.Errorf("seeds split under concurrent use")
	}
}

// TestReplay rebuilds an index as the pipeline does at start: the store
// already holds every article where corrections and later merges put it,
// and replaying a correction must keep the stories it separated apart
// without moving anything, even when the story it named was merged away.
func TestReplay(t *testing.T) {
	seeds := seedArticles(t)
	a, b := *seeds[0], *seeds[1]
	a.ID, b.ID = 1, 2
	for _, tc := range []struct {
		name   string
		at     int64           // the story the store holds article 2 in
		merged map[int64]int64 // stories merged away, as the store lists them
		cor    model.Correction
	}{
		{name: "move", at: 20, cor: model.Correction{Kind: "move", Article: 2, Story: 10, Target: 20}},
		{name: "split", at: 20, cor: model.Correction{Kind: "split", Article: 2, Story: 10, Target: 20}},
		{name: "split whose new story was merged since", at: 30, merged: map[int64]int64{20: 30},
			cor: model.Correction{Kind: "split", Article: 2, Story: 10, Target: 20}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(DefaultConfig(), nil)
			restore(t, c, 1, 10, 0, features(&a))
			restore(t, c, 2, tc.at, 0, features(&b))
			for from, into := range tc.merged {
				c.RestoreMerged(from, into)
			}
			if err := c.Replay(tc.cor); err != nil {
				t.Fatal(err)
			}
			if got := c.StoryOf(2); got != tc.at {
				t.Fatalf("replay moved article 2 to story %d; the store holds it in %d", got, tc.at)
			}
			if n := len(c.stories); n != 2 {
				t.Errorf("%d stories after the replay, want the 2 the store holds", n)
			}
			// An article close to both would merge them, were they not kept apart.
			third := a
			third.ID, third.Text = 3, strings.Join(strings.Split(a.Text, "\n\n")[:4], "\n\n")+"\n\n"+strings.Join(strings.Split(b.Text, "\n\n")[4:], "\n\n")
			asg := ingest(c, &third)[0]
			if len(asg.Merges) > 0 || c.StoryOf(1) == c.StoryOf(2) {
				t.Errorf("after a replayed %s, a later article merged the stories: %+v", tc.cor.Kind, asg)
			}
		})
	}
}

// TestReplayMergeBindsLiveStory: a person's merge, replayed after the story
// it went into was merged into a third, still marks the live story as
// merged by hand, which regrouping never splits.
func TestReplayMergeBindsLiveStory(t *testing.T) {
	seeds := seedArticles(t)
	a := *seeds[0]
	a.ID = 1
	c := New(DefaultConfig(), nil)
	restore(t, c, 1, 30, 0, features(&a))
	c.RestoreMerged(10, 20)
	c.RestoreMerged(20, 30)
	if err := c.Replay(model.Correction{Kind: "merge", Story: 10, Target: 20}); err != nil {
		t.Fatal(err)
	}
	if s := c.stories[30]; s == nil || !s.manual {
		t.Errorf("story 30 = %+v, want it marked merged by hand", s)
	}
	if err := c.Replay(model.Correction{Kind: "merge", Story: 1, Target: 99}); !errors.Is(err, ErrUnknownStory) {
		t.Errorf("replayed merge into an unknown story: %v, want ErrUnknownStory", err)
	}
}

// TestMoveTakesVectorsOut: a person's move takes the article's vectors out
// of the story it leaves, which is left with the other article's alone.
func TestMoveTakesVectorsOut(t *testing.T) {
	seeds := seedArticles(t)
	a, b := *seeds[0], *seeds[1]
	a.ID, b.ID = 1, 2
	c := New(DefaultConfig(), nil)
	got := ingest(c, &a, &b)
	if got[0].Story != got[1].Story {
		t.Fatal("seeds split before any correction")
	}
	if err := c.Apply(model.Correction{Kind: "move", Article: 2, Story: got[1].Story, Target: 500}, features(&b)); err != nil {
		t.Fatal(err)
	}
	left := c.stories[c.StoryOf(1)]
	if left.nt != 1 || left.size != 1 {
		t.Fatalf("story left: %d articles, %d counted, want 1 and 1", left.size, left.nt)
	}
	// What article 1 added, as a story of its own; the story left may
	// lack entries the two articles' sum lost to the centroid's cut.
	alone := New(DefaultConfig(), nil)
	ingest(alone, &a)
	weight := map[uint32]float32{}
	for _, e := range alone.stories[alone.StoryOf(1)].terms {
		weight[e.id] = e.w
	}
	for _, e := range left.terms {
		if d := float64(e.w - weight[e.id]); math.Abs(d) > 1e-4 {
			t.Errorf("term %d weighs %v in the story left, %v in its remaining article", e.id, e.w, weight[e.id])
		}
	}
}

// TestScoresBounded checks that join and merge scores stay within [0, 1]:
// they are averages of cosines, lowered by time.
func TestScoresBounded(t *testing.T) {
	seeds := seedArticles(t)
	c := New(DefaultConfig(), nil)
	a, b := *seeds[0], *seeds[1]
	a.ID, b.ID = 1, 2
	restore(t, c, 1, 10, 0, features(&a))
	restore(t, c, 2, 20, 0, features(&b))
	third := a
	third.ID, third.Text = 3, strings.Join(strings.Split(a.Text, "\n\n")[:4], "\n\n")+"\n\n"+strings.Join(strings.Split(b.Text, "\n\n")[4:], "\n\n")
	asg := c.Assign(features(&third))
	for _, d := range append([]model.Decision{asg.Decision}, mergeDecisions(asg)...) {
		if d.Score < 0 || d.Score > 1+1e-9 {
			t.Errorf("%s decision scored %v, outside [0, 1]", d.Kind, d.Score)
		}
	}
}

func mergeDecisions(a Assignment) []model.Decision {
	var out []model.Decision
	for _, m := range a.Merges {
		out = append(out, m.Decision)
	}
	return out
}

// TestFollow: an index that follows what another process stored and moved
// holds each article where the store has it, without binding any: an
// article it lacks is added, with its signature, so a later copy finds
// it; one the store has elsewhere is moved there, unpinned; one where the
// store has it stays.
func TestFollow(t *testing.T) {
	seeds := seedArticles(t)
	a, b := *seeds[0], *seeds[1]
	a.ID, b.ID = 1, 2
	stored := func(f *Features) *Stored {
		blob, err := f.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var s Stored
		if err := New(DefaultConfig(), nil).Decode(&s, blob); err != nil {
			t.Fatal(err)
		}
		return &s
	}
	c := New(DefaultConfig(), nil)
	ingest(c, &a)
	steps := []struct {
		name           string
		article, story int64
		f              *Features
		size           int // of the story after
	}{
		{"stored beside", 2, c.StoryOf(1), features(&b), 2},
		{"stays", 2, c.StoryOf(1), features(&b), 2},
		{"moved beside", 2, 700, features(&b), 1},
	}
	for _, st := range steps {
		c.Follow(st.article, st.story, 0, stored(st.f))
		if got := c.StoryOf(st.article); got != st.story {
			t.Errorf("%s: article %d in story %d, want %d", st.name, st.article, got, st.story)
		}
		if got := c.stories[st.story].size; got != st.size {
			t.Errorf("%s: story %d holds %d articles, want %d", st.name, st.story, got, st.size)
		}
		if c.pinned(st.article) {
			t.Errorf("%s: article %d is pinned; only a correction replayed binds it", st.name, st.article)
		}
	}
	if m, ok := c.copies.Find(features(&b).Signature); !ok || m.Article != 2 {
		t.Errorf("the copy index finds %+v, %v for article 2's text; want article 2", m, ok)
	}
	// The move took article 2's cast and time along, as the regrouping that
	// made it recounted them.
	for _, want := range []struct {
		story int64
		f     *Features
	}{{c.StoryOf(1), features(&a)}, {700, features(&b)}} {
		s := c.stories[want.story]
		if got, cast := s.cast, castOf(want.f); got.n != 1 || !slices.Equal(got.parts, cast.parts) {
			t.Errorf("story %d leads with %v of %d articles, want %v of 1", want.story, got.parts, got.n, cast.parts)
		}
		if s.first != want.f.When() || s.last != want.f.When() {
			t.Errorf("story %d spans %d to %d, want its one article's time %d", want.story, s.first, s.last, want.f.When())
		}
	}
}
