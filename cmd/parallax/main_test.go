package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/testutil"
)

// parallax runs the command line in-process against db and returns its
// standard output, standard error and exit status.
func parallax(t *testing.T, db string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	app := newApp(strings.NewReader(""), &out, &errOut)
	code = run(context.Background(), append([]string{"--db", db}, args...), app)
	return out.String(), errOut.String(), code
}

// mustJSON runs a command that must succeed and decodes its JSON output.
func mustJSON(t *testing.T, db string, v any, args ...string) {
	t.Helper()
	out, errOut, code := parallax(t, db, append(args, "--json")...)
	if code != 0 {
		t.Fatalf("parallax %v: exit %d: %s", args, code, errOut)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("parallax %v: output is not JSON: %v\n%s", args, err, out)
	}
}

func ingestSeeds(t *testing.T) (db string, arts []model.Article) {
	t.Helper()
	db = filepath.Join(t.TempDir(), "p.db")
	out, errOut, code := parallax(t, db, append([]string{"ingest"}, testutil.Seeds(t)...)...)
	if code != 0 {
		t.Fatalf("ingest seeds: exit %d: %s%s", code, out, errOut)
	}
	if !strings.Contains(out, "2 new, 0 already known, 0 failed") {
		t.Fatalf("ingest summary = %q", out)
	}
	mustJSON(t, db, &arts, "articles")
	if len(arts) != 2 {
		t.Fatalf("articles: got %d, want 2", len(arts))
	}
	return db, arts
}

func TestSeedsEndToEnd(t *testing.T) {
	db, arts := ingestSeeds(t)
	byOutlet := map[string]model.Article{}
	for _, a := range arts {
		byOutlet[a.Outlet] = a
	}
	fox, ok := byOutlet["Fox News"]
	if !ok {
		t.Fatalf("no Fox News article among %+v", arts)
	}
	if fox.Published == nil || fox.Published.Format("2006-01-02") != "2024-11-25" {
		t.Errorf("Fox News published = %v, want 2024-11-25", fox.Published)
	}
	if fox.URL != "https://www.foxnews.com/world/ex-us-officials-held-secrets-talks-russians-ukraine-war-report" {
		t.Errorf("Fox News url = %q", fox.URL)
	}
	if arts[0].Story == nil || arts[1].Story == nil || *arts[0].Story != *arts[1].Story {
		t.Fatalf("seeds are not one story: %v %v", arts[0].Story, arts[1].Story)
	}
	if arts[0].CopyOf != nil || arts[1].CopyOf != nil {
		t.Errorf("a seed was called a copy: %v %v", arts[0].CopyOf, arts[1].CopyOf)
	}

	// Every piece of the design's boilerplate is out of the text and listed as removed.
	boilerplate := map[string][]string{
		"Fox News": {"RUSSIAN MISSILE STRIKE KILLS 4 CIVILIANS IN LVIV AS ZELENSKYY VOWS RESPONSE", "• 11/25/2024",
			"https://www.foxnews.com/world/ex-us-officials-held-secrets-talks-russians-ukraine-war-report"},
		"": {"Copyright 2023,", "( —"},
	}
	keep := map[string][]string{
		"Fox News": {"The Associated Press contributed to this report.", "Czech President Petr Pavel said"},
		"":         {"Former national security officials have been holding secret talks", "“without Ukraine.”"},
	}
	for outlet, gone := range boilerplate {
		var full struct {
			model.Article
			Text    string          `json:"text"`
			Removed []model.Removal `json:"removed"`
		}
		mustJSON(t, db, &full, "article", itoa(byOutlet[outlet].ID))
		for _, g := range gone {
			if strings.Contains(full.Text, g) {
				t.Errorf("%q article text still holds boilerplate %q", outlet, g)
			}
			if !removedHas(full.Removed, g) {
				t.Errorf("%q article: removed does not list %q: %+v", outlet, g, full.Removed)
			}
		}
		for _, k := range keep[outlet] {
			if !strings.Contains(full.Text, k) {
				t.Errorf("%q article lost %q", outlet, k)
			}
		}
	}

	var story model.Story
	mustJSON(t, db, &story, "story", itoa(*fox.Story))
	if len(story.Articles) != 2 {
		t.Fatalf("story articles = %d, want 2", len(story.Articles))
	}
	if len(story.Explanations) != 2 {
		t.Errorf("story explanations = %d, want one per article", len(story.Explanations))
	}
	cites := map[string][]string{}
	for _, c := range story.Citations {
		cites[c.Source] = c.Outlets
	}
	if len(cites["NBC News"]) != 2 {
		t.Errorf("NBC News cited by %v, want both outlets", cites["NBC News"])
	}

	// Ingesting again stores nothing twice.
	out, _, code := parallax(t, db, append([]string{"ingest"}, testutil.Seeds(t)...)...)
	if code != 0 || !strings.Contains(out, "0 new, 2 already known, 0 failed") {
		t.Errorf("re-ingest: exit %d, %q", code, out)
	}
}

func removedHas(removed []model.Removal, s string) bool {
	for _, r := range removed {
		if strings.Contains(r.Text, s) {
			return true
		}
	}
	return false
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
