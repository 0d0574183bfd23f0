package extract

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func seedItem(t *testing.T, path string) source.Item {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return source.Item{Input: filepath.Base(path), Kind: source.FormatText, Format: source.FormatText, Body: b}
}

// TestSeedsGolden compares the whole article made of each seed with its
// golden JSON, and checks the design's promises on the seeds directly, so
// that a golden file regenerated in error is still caught.
func TestSeedsGolden(t *testing.T) {
	type want struct {
		title, outlet, url, published string
		removed                       []model.Removal
	}
	wants := map[string]want{
		"000_60737727dd3f3045.txt": {
			title: "US Officials Are Quietly Talking About The Ukraine Problem",
			removed: []model.Removal{
				{Kind: model.RemovalDateline, Text: "( —"},
				{Kind: model.RemovalCopyright, Text: "Copyright 2023,"},
			},
		},
		"004_444380bdb62374fe.txt": {
			title:     "Ex-US officials held secrets talks with Russians on Ukraine War: report",
			outlet:    "Fox News",
			url:       "https://www.foxnews.com/world/ex-us-officials-held-secrets-talks-russians-ukraine-war-report",
			published: "2024-11-25",
			removed: []model.Removal{
				{Kind: model.RemovalDateLine, Text: "• 11/25/2024"},
				{Kind: model.RemovalOutletLine, Text: "Fox News"},
				{Kind: model.RemovalPromo, Text: "RUSSIAN MISSILE STRIKE KILLS 4 CIVILIANS IN LVIV AS ZELENSKYY VOWS RESPONSE"},
				{Kind: model.RemovalTrailingURL, Text: "https://www.foxnews.com/world/ex-us-officials-held-secrets-talks-russians-ukraine-war-report"},
			},
		},
	}
	for _, path := range testutil.Seeds(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			w, ok := wants[name]
			if !ok {
				t.Fatalf("no expectations for seed %s", name)
			}
			item := seedItem(t, path)
			a, err := Article(context.Background(), item, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if a.Title != w.title {
				t.Errorf("title %q, want %q", a.Title, w.title)
			}
			if w.outlet != "" && a.Outlet != w.outlet {
				t.Errorf("outlet %q, want %q", a.Outlet, w.outlet)
			}
			if a.URL != w.url {
				t.Errorf("url %q, want %q", a.URL, w.url)
			}
			switch {
			case w.published == "" && a.Published != nil:
				t.Errorf("published %v, want none", a.Published)
			case w.published != "" && (a.Published == nil || a.Published.Format("2006-01-02") != w.published):
				t.Errorf("published %v, want %s", a.Published, w.published)
			}
			if !equalRemovals(a.Removed, w.removed) {
				t.Errorf("removed %q,\nwant %q", a.Removed, w.removed)
			}
			if a.Language != "en" {
				t.Errorf("language %q, want en", a.Language)
			}
			// Every paragraph of the seed that is not boilerplate is in the text.
			boiler := map[string]bool{w.title: true}
			for _, r := range w.removed {
				boiler[r.Text] = true
			}
			for _, p := range strings.Split(string(item.Body), "\n") {
				p = strings.TrimSpace(strings.ReplaceAll(p, "\u00a0", " "))
				if p == "" || boiler[p] {
					continue
				}
				p = strings.TrimPrefix(p, "( — ")
				if !strings.Contains(a.Text, p) {
					t.Errorf("paragraph lost: %q", p)
				}
			}
			paras := strings.Split(a.Text, "\n\n")
			for _, r := range w.removed {
				for _, p := range paras {
					if p == r.Text {
						t.Errorf("boilerplate %q still in the text", r.Text)
					}
				}
			}
			checkGolden(t, filepath.Join("testdata", strings.TrimSuffix(name, ".txt")+".golden"), a)
		})
	}
}

func equalRemovals(a, b []model.Removal) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func checkGolden(t *testing.T, path string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the result (run go test -update if the change is intended):\ngot:\n%s", path, got)
	}
}
