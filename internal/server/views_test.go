package server

import (
	"context"
	"encoding/json"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// seedParagraphs are the seed articles' paragraphs: real text for fuzz seeds.
func seedParagraphs(t testing.TB) []string {
	t.Helper()
	var ps []string
	for _, p := range testutil.Seeds(t) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, paragraphs(string(b))...)
	}
	return ps
}

func join(segs []segment) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(s.Text)
	}
	return b.String()
}

func TestHighlight(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		needles []string
		marked  []string
	}{
		{name: "no needles", text: "Lavrov met them.", marked: nil},
		{name: "one sentence", text: "Lavrov met them. Haass was there.", needles: []string{"Haass was there."}, marked: []string{"Haass was there."}},
		{name: "longest wins", text: "Mary Beth Long took part.", needles: []string{"Long", "Mary Beth Long took part."}, marked: []string{"Mary Beth Long took part."}},
		{name: "regexp characters are literal", text: "Cost (est.) $4.5m? Yes.", needles: []string{"(est.) $4.5m?"}, marked: []string{"(est.) $4.5m?"}},
		{name: "absent needle", text: "Lavrov met them.", needles: []string{"Koffler"}, marked: nil},
		{name: "blank needle ignored", text: "a b", needles: []string{"  "}, marked: nil},
		{name: "markup stays text", text: "x <b>y</b> z", needles: []string{"<b>y</b>"}, marked: []string{"<b>y</b>"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			segs := highlight(tc.text, tc.needles)
			if got := join(segs); got != tc.text {
				t.Errorf("segments join to %q, want the text %q", got, tc.text)
			}
			var marked []string
			for _, s := range segs {
				if s.Mark {
					marked = append(marked, s.Text)
				}
			}
			if strings.Join(marked, "|") != strings.Join(tc.marked, "|") {
				t.Errorf("marked %q, want %q", marked, tc.marked)
			}
		})
	}
}

// FuzzHighlight: the runs always join back to the text, every marked run is
// one of the needles, and a needle in the text is marked.
func FuzzHighlight(f *testing.F) {
	for _, p := range seedParagraphs(f) {
		words := strings.Fields(p)
		f.Add(p, strings.Join(words[:min(4, len(words))], " "), words[len(words)-1])
	}
	f.Fuzz(func(t *testing.T, text, n1, n2 string) {
		segs := highlight(text, []string{n1, n2})
		if got := join(segs); got != text {
			t.Fatalf("segments join to %q, want %q", got, text)
		}
		marks := 0
		for _, s := range segs {
			if s.Mark {
				marks++
				if s.Text != strings.TrimSpace(n1) && s.Text != strings.TrimSpace(n2) {
					t.Fatalf("marked %q is neither needle (%q, %q)", s.Text, n1, n2)
				}
			}
		}
		for _, n := range []string{n1, n2} {
			if n = strings.TrimSpace(n); n != "" && strings.Contains(text, n) && marks == 0 {
				t.Fatalf("needle %q is in the text but nothing is marked", n)
			}
		}
	})
}

func TestSnippetSegments(t *testing.T) {
	s, e := store.HighlightStart, store.HighlightEnd
	tests := []struct {
		name    string
		snippet string
		want    []segment
	}{
		{name: "plain", snippet: "no match here", want: []segment{{Text: "no match here"}}},
		{name: "one mark", snippet: "met " + s + "Lavrov" + e + " in April", want: []segment{{Text: "met "}, {Text: "Lavrov", Mark: true}, {Text: " in April"}}},
		{name: "unpaired end", snippet: "a" + e + "b", want: []segment{{Text: "a"}, {Text: "b"}}},
		{name: "unclosed start", snippet: "a" + s + "b", want: []segment{{Text: "a"}, {Text: "b", Mark: true}}},
		{name: "empty", snippet: "", want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := snippetSegments(tc.snippet)
			if len(got) != len(tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("segment %d: %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

// FuzzSnippetSegments: the runs are the snippet without its marks, and no
// run carries a mark byte or is empty.
func FuzzSnippetSegments(f *testing.F) {
	for _, p := range seedParagraphs(f) {
		f.Add(strings.Replace(p, "Lavrov", store.HighlightStart+"Lavrov"+store.HighlightEnd, 1))
	}
	f.Fuzz(func(t *testing.T, snippet string) {
		segs := snippetSegments(snippet)
		want := strings.NewReplacer(store.HighlightStart, "", store.HighlightEnd, "").Replace(snippet)
		if got := join(segs); got != want {
			t.Fatalf("runs join to %q, want %q", got, want)
		}
		for _, s := range segs {
			if s.Text == "" || strings.ContainsAny(s.Text, store.HighlightStart+store.HighlightEnd) {
				t.Fatalf("run %q is empty or carries a mark", s.Text)
			}
		}
	})
}

// FuzzLocalPath: a redirect after signing in never leaves the site.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/outlets", "/stories/3?x=1#y", "//evil.example/", "/\\evil.example", "https://evil.example/", "javascript:alert(1)", "", "stories"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		got := localPath(p)
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.HasPrefix(got, "/\\") {
			t.Fatalf("localPath(%q) = %q leaves the site", p, got)
		}
		if got != "/" && got != p {
			t.Fatalf("localPath(%q) = %q: a kept path must be unchanged", p, got)
		}
	})
}

// TestPicturesGolden pins the layout of the lineage and timeline pictures
// for a story shaped like the seed story plus a copy.
func TestPicturesGolden(t *testing.T) {
	at := func(d, h int) *time.Time { t := time.Date(2023, 7, d, h, 0, 0, 0, time.UTC); return &t }
	one := int64(1)
	arts := []model.Article{
		{ID: 1, Outlet: "Alpha News", Title: "Talks", Published: at(6, 9)},
		{ID: 2, Outlet: "Fox News", Title: "Ex-US officials held talks", Published: at(7, 15)},
		{ID: 3, Outlet: "Gamma Wire", Title: "Talks", Published: at(6, 11), CopyOf: &one},
		{ID: 4, Outlet: "Undated Daily", Title: "Talks, undated"},
	}
	st := &model.Story{
		Articles: arts,
		Citations: []model.Citation{
			{Source: "NBC News", Outlets: []string{"Alpha News", "Fox News"}},
			{Source: "The Associated Press", Outlets: []string{"Fox News"}},
		},
		Lineage: &model.Lineage{Original: "NBC News", Rereporting: []string{"Alpha News", "Fox News"}, Independent: 1},
	}
	got, err := json.MarshalIndent(struct {
		Lineage     *lineage
		Timeline    timeline
		CardOfThree timeline
	}{newLineage(st), newTimeline(arts, 720, 160, len(arts)), newTimeline(arts, 360, 120, 2)}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "pictures.golden.json")
	if *update {
		if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if strings.TrimSpace(string(want)) != strings.TrimSpace(string(got)) {
		t.Errorf("pictures differ from %s (go test -update rewrites it):\n%s", golden, got)
	}
}

func TestNoLineageWithoutSources(t *testing.T) {
	st := &model.Story{Articles: []model.Article{{ID: 1, Outlet: "A"}, {ID: 2, Outlet: "B"}}}
	if l := newLineage(st); l != nil {
		t.Errorf("lineage %+v for a story with no citations or copies, want none", l)
	}
}

// countingStore counts the article listings asked of the store.
type countingStore struct {
	store.Store
	articleQueries int
}

func (c *countingStore) Articles(ctx context.Context, q store.ArticleQuery) ([]model.Article, error) {
	c.articleQueries++
	return c.Store.Articles(ctx, q)
}

// TestStoryCardsOneQuery checks a listing reads its cards' articles in one
// query, and that each card still gets its own story's coverage.
func TestStoryCardsOneQuery(t *testing.T) {
	f := newFixture(t, "")
	ctx := t.Context()
	stories, err := f.st.Stories(ctx, store.StoryQuery{})
	if err != nil || len(stories) != 2 {
		t.Fatalf("Stories = %v, %v", stories, err)
	}
	counting := &countingStore{Store: f.st}
	srv := New(Config{}, counting, nil, slog.New(slog.DiscardHandler))
	cards, err := srv.storyCards(ctx, stories)
	if err != nil {
		t.Fatal(err)
	}
	if counting.articleQueries != 1 {
		t.Errorf("%d article queries for %d cards, want 1", counting.articleQueries, len(cards))
	}
	want := map[int64][]string{f.story: {"Alpha News", "Beta Post", "Gamma Wire"}, f.other: {"Delta Daily"}}
	for _, c := range cards {
		var got []string
		for _, r := range c.Timeline.Rows {
			got = append(got, r.Outlet)
		}
		if !reflect.DeepEqual(got, want[c.ID]) {
			t.Errorf("story %d timeline outlets = %v, want %v", c.ID, got, want[c.ID])
		}
	}
}
