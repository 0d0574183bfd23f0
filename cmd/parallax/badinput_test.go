package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/testutil"
)

// hugeText is about 5 MB of varied prose on one subject.
func hugeText() string {
	var b strings.Builder
	for i := 0; b.Len() < 5<<20; i++ {
		fmt.Fprintf(&b, "Item %d of the municipal water budget was reviewed by the committee, which asked for %d more pages on pipe repairs in district %d.\n", i, i%97, i%13)
	}
	return b.String()
}

// TestBadInputPollutesNothing ingests the seeds together with articles that
// are empty, a word long, boilerplate, 5 MB long, undated, dated in the
// future, capitalised throughout or in another language: every one is
// stored without error, none joins the seed story, and those with too
// little text join nothing.
func TestBadInputPollutesNothing(t *testing.T) {
	type record struct {
		ID        string  `json:"id"`
		Outlet    string  `json:"outlet"`
		Title     string  `json:"title,omitempty"`
		Published *string `json:"published"`
		Text      string  `json:"text"`
	}
	future := "2099-01-01"
	tests := []struct {
		name  string
		rec   record
		empty bool // must be decided as too short to cluster
	}{
		{name: "no text", rec: record{Title: "Nothing here"}, empty: true},
		{name: "one word", rec: record{Text: "Ukraine"}, empty: true},
		{name: "only boilerplate", rec: record{Title: "Newsletter", Text: "Subscribe to our newsletter.\nFollow us on Twitter.\nAll rights reserved."}, empty: true},
		{name: "5 MB of text", rec: record{Title: "Water budget review", Text: hugeText()}},
		{name: "no date", rec: record{Title: "Harbour ferry resumes", Text: "The harbour ferry resumed its service on Monday after three weeks of engine repairs, the operator said.\nCommuters had taken buses."}},
		{name: "date in the future", rec: record{Title: "Library opens reading room", Published: &future, Text: "The city library opened a reading room for children on Saturday, with two thousand new books.\nThe mayor cut the ribbon."}},
		{name: "every word capitalised", rec: record{Title: "Local Bakery Wins National Bread Award", Text: "Local Bakery Wins National Bread Award After Decades Of Work In The Old Town Market.\nThe Owners Said They Were Proud Of Their Staff And Their Sourdough."}},
		{name: "another language on the same story", rec: record{Title: "Lawrow traf frühere US-Beamte", Text: "Der russische Außenminister Sergej Lawrow hat sich im April in New York mit früheren US-Beamten getroffen, berichtete NBC News.\nDie Gespräche sollten ein Ende des Krieges in der Ukraine vorbereiten."}},
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.jsonl")
	var lines []string
	for i, tc := range tests {
		tc.rec.ID, tc.rec.Outlet = fmt.Sprintf("bad-%d", i), "Test Wire"
		b, err := json.Marshal(tc.rec)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "p.db")
	out, errOut, code := parallax(t, db, append([]string{"ingest", path}, testutil.Seeds(t)...)...)
	want := fmt.Sprintf("%d new, 0 already known, 0 failed", len(tests)+2)
	if code != 0 || !strings.Contains(out, want) {
		t.Fatalf("ingest: exit %d, %q%s; want %q", code, out, errOut, want)
	}

	var arts []model.Article
	mustJSON(t, db, &arts, "articles", "--limit", "100")
	byExternal := map[string]model.Article{}
	var seedStories []int64
	for _, a := range arts {
		if a.ExternalID == "" {
			seedStories = append(seedStories, *a.Story)
			continue
		}
		byExternal[a.ExternalID] = a
	}
	if len(seedStories) != 2 || seedStories[0] != seedStories[1] {
		t.Fatalf("seed stories = %v, want one story", seedStories)
	}
	var seed model.Story
	mustJSON(t, db, &seed, "story", itoa(seedStories[0]))
	if len(seed.Articles) != 2 {
		t.Errorf("seed story holds %d articles, want only the two seeds", len(seed.Articles))
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, ok := byExternal[fmt.Sprintf("bad-%d", i)]
			if !ok {
				t.Fatalf("not stored")
			}
			if *a.Story == seedStories[0] {
				t.Errorf("joined the seed story")
			}
			var s model.Story
			mustJSON(t, db, &s, "story", itoa(*a.Story))
			if len(s.Articles) != 1 {
				t.Errorf("its story holds %d articles, want 1", len(s.Articles))
			}
			var kind string
			for _, d := range s.Explanations {
				if d.Article == a.ID {
					kind = d.Kind
				}
			}
			if (kind == model.DecisionEmpty) != tc.empty {
				t.Errorf("decision %q, want empty = %v", kind, tc.empty)
			}
			if tc.rec.Published == &future && a.Published != nil {
				t.Errorf("published %v kept, decades ahead of the clock", a.Published)
			}
		})
	}
}
