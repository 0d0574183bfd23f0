package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/testutil"
)

// TestEvalClusterErrors labels the two seeds (one story) as two gold
// stories, and two unrelated articles as one: eval cluster --errors must
// name the seed that joined the other's story as mixed, and one of the
// unrelated pair as split, each with the decision that put it there.
func TestEvalClusterErrors(t *testing.T) {
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
	dir := t.TempDir()
	path := filepath.Join(dir, "labeled.jsonl")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "unused.db")

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
	if first := mixed.Parts[0].Articles[0]; first.Decision != nil {
		t.Errorf("the biggest part's article carries a decision: %+v", first)
	}
	split := rep.Errors.Split[0]
	if split.Label != "gold-town" || split.Parts[1].Articles[0].Decision == nil || split.Parts[1].Articles[0].Decision.Kind != "new" {
		t.Errorf("split = %+v, want gold-town with the second article decided new", split)
	}
}
