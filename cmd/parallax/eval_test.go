package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/cluster"
	"github.com/parallax-news/parallax/internal/eval"
	"github.com/parallax-news/parallax/internal/testutil"
)

// labeledSeeds writes a labeled file of the two seeds, labeled as two gold
// stories, and two unrelated articles labeled as one, and returns its path.
func labeledSeeds(t *testing.T) string {
	t.Helper()
	type record struct {
		ID    string `json:"id"`
		Title string `json:"title,omitempty"`
		Text  string `json:"text"`
		Story string `json:"story"`
	}
	var recs []record
	for i, p := range testutil.Seeds(t) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, record{ID: "seed-" + string(rune('a'+i)), Text: string(b), Story: "gold-seed-" + string(rune('a'+i))})
	}
	recs = append(recs,
		record{ID: "ferry", Title: "Harbour ferry resumes", Story: "gold-town",
			Text: "The harbour ferry resumed its service on Monday after three weeks of engine repairs, the operator said.\nCommuters had taken buses around the bay."},
		record{ID: "library", Title: "Library opens reading room", Story: "gold-town",
			Text: "The city library opened a reading room for children on Saturday, with two thousand new books.\nThe mayor cut the ribbon and read a story aloud."})
	var lines []string
	for _, r := range recs {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	}
	path := filepath.Join(t.TempDir(), "labeled.jsonl")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestEvalClusterErrors labels the two seeds (one story) as two gold
// stories, and two unrelated articles as one: eval cluster --errors must
// name the seed that joined the other's story as mixed, and one of the
// unrelated pair as split, each with the decision that put it there.
func TestEvalClusterErrors(t *testing.T) {
	path := labeledSeeds(t)
	db := filepath.Join(t.TempDir(), "unused.db")

	out, errOut, code := parallax(t, db, "eval", "cluster", "--errors", path)
	if code != 0 {
		t.Fatalf("eval cluster --errors: exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"Gold stories split across stories: 1, 1 articles outside their biggest part",
		"  gold-town: 2 articles in 2 stories:",
		"Stories holding more than one gold story: 1, 1 articles outside their biggest part",
		"      join: joined story",
		"      new: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	var rep clusterReport
	mustJSON(t, db, &rep, "eval", "cluster", "--errors", path)
	if rep.Errors == nil || len(rep.Errors.Split) != 1 || len(rep.Errors.Mixed) != 1 {
		t.Fatalf("errors = %+v, want one split and one mixed", rep.Errors)
	}
	mixed := rep.Errors.Mixed[0]
	if len(mixed.Parts) != 2 || len(mixed.Parts[1].Articles) != 1 {
		t.Fatalf("mixed = %+v, want two parts of one article each", mixed)
	}
	stray := mixed.Parts[1].Articles[0]
	if !strings.HasPrefix(stray.ID, "seed-") || stray.Decision == nil || stray.Decision.Kind != "join" || stray.Decision.Article != stray.Article {
		t.Errorf("mixed stray = %+v, want a seed joined by a decision of its own", stray)
	}
	// Articles are named by the headline extraction found: the first line
	// of the Fox News seed is its date.
	headlines := []string{"US Officials Are Quietly Talking About The Ukraine Problem", "Ex-US officials held secrets talks with Russians on Ukraine War: report"}
	for _, p := range mixed.Parts {
		if a := p.Articles[0]; !slices.Contains(headlines, a.Title) {
			t.Errorf("seed %s named %q, want its headline", a.ID, a.Title)
		}
	}
	if first := mixed.Parts[0].Articles[0]; first.Decision != nil {
		t.Errorf("the biggest part's article carries a decision: %+v", first)
	}
	split := rep.Errors.Split[0]
	if split.Label != "gold-town" || split.Parts[1].Articles[0].Decision == nil || split.Parts[1].Articles[0].Decision.Kind != "new" {
		t.Errorf("split = %+v, want gold-town with the second article decided new", split)
	}
}

func TestEvalClusterOrders(t *testing.T) {
	path := labeledSeeds(t)
	db := filepath.Join(t.TempDir(), "unused.db")
	var rep clusterReport
	mustJSON(t, db, &rep, "eval", "cluster", "--orders", "4", path)
	o := rep.Orders
	if o == nil || o.Orders != 4 {
		t.Fatalf("orders = %+v, want 4 orders", o)
	}
	if !(0 <= o.Min && o.Min <= o.Median && o.Median <= o.Max && o.Max <= 1) {
		t.Errorf("spread %+v is not ordered within [0, 1]", o)
	}
	// The seeds join and the two town articles stay apart in any order, so
	// every order scores what the run through the store scored.
	if o.Min != o.Max || math.Abs(o.Median-rep.B3F1) > 1e-9 {
		t.Errorf("spread %+v, want every order at the stored run's %.4f", o, rep.B3F1)
	}
	if _, _, code := parallax(t, db, "eval", "cluster", "--orders", "-1", path); code != 2 {
		t.Errorf("--orders -1: exit %d, want 2", code)
	}
}

// TestEvalClusterCeiling clusters the labeled seeds all at once: at the
// clusterer's join threshold the two seeds, one story, join, and the two
// unrelated articles stay apart; fewer stories are found as the threshold
// falls; with so few articles, shared neighbours change nothing.
func TestEvalClusterCeiling(t *testing.T) {
	path := labeledSeeds(t)
	db := filepath.Join(t.TempDir(), "unused.db")
	var rep clusterReport
	mustJSON(t, db, &rep, "eval", "cluster", "--ceiling", path)
	if len(rep.Ceiling) != len(eval.CeilingThresholds) {
		t.Fatalf("%d ceiling points, want %d", len(rep.Ceiling), len(eval.CeilingThresholds))
	}
	join := cluster.DefaultConfig().JoinThreshold
	for i, c := range rep.Ceiling {
		if c.Threshold != eval.CeilingThresholds[i] {
			t.Errorf("point %d at %.3f, want %.3f", i, c.Threshold, eval.CeilingThresholds[i])
		}
		if i > 0 && c.Stories < rep.Ceiling[i-1].Stories {
			t.Errorf("%d stories at %.3f, %d at the lower %.3f", c.Stories, c.Threshold, rep.Ceiling[i-1].Stories, rep.Ceiling[i-1].Threshold)
		}
		// The seeds are labeled as two stories, the town articles as one:
		// with the seeds joined and the town articles apart, each seed has
		// B-cubed precision 1/2 and recall 1, each town article 1 and 1/2.
		if c.Threshold == join && (c.Stories != 3 || c.B3P != 0.75 || c.B3R != 0.75) {
			t.Errorf("at the join threshold: %d stories, B-cubed P %.3f R %.3f; want 3, 0.75 and 0.75", c.Stories, c.B3P, c.B3R)
		}
		// Four articles are fewer than an article's neighbours: each holds
		// all the others it links, and counting them changes nothing.
		if c.Shared != c.ClusterScores {
			t.Errorf("at %.3f: counting shared neighbours gives %+v, without %+v", c.Threshold, c.Shared, c.ClusterScores)
		}
	}
	if rep.Neighbours != eval.CeilingNeighbours {
		t.Errorf("neighbourhoods of %d, want %d by default", rep.Neighbours, eval.CeilingNeighbours)
	}
	out, _, code := parallax(t, db, "eval", "cluster", "--ceiling", "--neighbours", "2", path)
	if code != 0 || !strings.Contains(out, "The whole file at once") || !strings.Contains(out, "each one's 2 closest") {
		t.Errorf("exit %d, output without the whole-file table of neighbourhoods of 2:\n%s", code, out)
	}
	if _, stderr, code := parallax(t, db, "eval", "cluster", "--ceiling", "--neighbours", "0", path); code == 0 || !strings.Contains(stderr, "usage") {
		t.Errorf("--neighbours 0: exit %d, stderr %q; want a usage error", code, stderr)
	}
}

// TestEvalClusterBaseline checks that --baseline reports the reference
// clusterer's scores on the same file, in JSON and in text, beside
// Parallax's own.
func TestEvalClusterBaseline(t *testing.T) {
	path := labeledSeeds(t)
	db := filepath.Join(t.TempDir(), "unused.db")
	var rep clusterReport
	mustJSON(t, db, &rep, "eval", "cluster", "--baseline", path)
	b := rep.Baseline
	if b == nil {
		t.Fatal("no baseline in the JSON report")
	}
	// The seeds are labeled as two stories, the town articles as one. The
	// reference joins the seeds, whose words agree, and keeps the town
	// articles apart, which share none: B-cubed P and R 0.75, as in
	// TestEvalClusterCeiling.
	if b.Articles != 4 || b.GoldStories != 3 || b.Stories != 3 || b.B3P != 0.75 || b.B3R != 0.75 {
		t.Errorf("baseline %+v: want 4 articles in 3 gold stories, 3 stories, B-cubed P and R 0.75", *b)
	}
	if rep.Stories != 3 {
		t.Errorf("Parallax found %d stories, want 3", rep.Stories)
	}
	out, _, code := parallax(t, db, "eval", "cluster", "--baseline", path)
	if code != 0 || !strings.Contains(out, "reference (plain TF-IDF") {
		t.Errorf("exit %d, output without the reference's line:\n%s", code, out)
	}
}

// TestEvalClusterFiles clusters two labeled files as one stream. Both use
// the gold label "gold-town", for different events: each file's labels
// stay its own, each file is scored on its own too, and the seed file's
// stories are those it gets alone.
func TestEvalClusterFiles(t *testing.T) {
	seeds := labeledSeeds(t)
	bridge := filepath.Join(t.TempDir(), "bridge.jsonl")
	lines := `{"id":"b1","title":"Kessel bridge closed after crack found","story":"gold-town","text":"Engineers closed the Kessel river bridge in Altmark on Tuesday after finding a crack in its central span, the county roads office said.\nTraffic was diverted through Norden for at least two weeks."}
{"id":"b2","title":"Altmark shuts Kessel bridge over crack","story":"gold-town","text":"The Kessel river bridge in Altmark was shut on Tuesday when county engineers found a crack in the central span.\nDrivers face a diversion through Norden for two weeks or more, the roads office said."}
`
	if err := os.WriteFile(bridge, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "unused.db")
	var alone, both clusterReport
	mustJSON(t, db, &alone, "eval", "cluster", seeds)
	mustJSON(t, db, &both, "eval", "cluster", seeds, bridge)
	if both.Articles != 6 || both.GoldStories != alone.GoldStories+1 {
		t.Errorf("both files: %d articles in %d gold stories, want 6 in %d", both.Articles, both.GoldStories, alone.GoldStories+1)
	}
	if both.AcrossFiles == nil || *both.AcrossFiles != 0 || len(both.Files) != 2 {
		t.Fatalf("both files: %d file scores, %v stories across files; want 2 and 0", len(both.Files), both.AcrossFiles)
	}
	want := alone.ClusterScores
	want.Articles = alone.Articles // the report's own count stands for it in JSON
	if got := both.Files[0]; got.File != seeds || got.ClusterScores != want {
		t.Errorf("the seed file within the stream scored %+v, alone %+v", got, want)
	}
	if got := both.Files[1]; got.File != bridge || got.Articles != 2 || got.Stories != 1 || got.B3F1 != 1 {
		t.Errorf("the bridge file within the stream scored %+v, want its 2 articles in its 1 story", got)
	}
	if alone.Files != nil || alone.AcrossFiles != nil {
		t.Errorf("one file: file scores %+v, %v; want none", alone.Files, alone.AcrossFiles)
	}
	out, _, code := parallax(t, db, "eval", "cluster", seeds, bridge)
	if code != 0 || !strings.Contains(out, "As one stream, 0 stories hold articles of more than one file") {
		t.Errorf("exit %d, output without the stream's line:\n%s", code, out)
	}
}
