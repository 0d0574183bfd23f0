package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
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
	checkSeedStory(t, &story, fox.Outlet)

	// The story is found by the names its articles are about, however the
	// reader spells them: in full, by surname, or by another spelling the
	// gazetteer knows; and not by a name it does not mention.
	want := map[string]int{"Sergey Lavrov": 1, "Lavrov": 1, "lavrov": 1, "U.S.": 1, "America": 1, "Blinken": 0}
	for entity, n := range want {
		var found []model.StorySummary
		mustJSON(t, db, &found, "stories", "--entity", entity)
		if len(found) != n || (n == 1 && found[0].ID != *fox.Story) {
			t.Errorf("stories --entity %q = %+v, want %d (story %d)", entity, found, n, *fox.Story)
		}
	}

	// Ingesting again stores nothing twice.
	out, _, code := parallax(t, db, append([]string{"ingest"}, testutil.Seeds(t)...)...)
	if code != 0 || !strings.Contains(out, "0 new, 2 already known, 0 failed") {
		t.Errorf("re-ingest: exit %d, %q", code, out)
	}
}

// checkSeedStory asserts, on the `story --json` output, everything the
// design says must come out of the seed story.
func checkSeedStory(t *testing.T, s *model.Story, fox string) {
	t.Helper()
	factWith := func(kind string, outlets int, words ...string) bool {
		for _, f := range s.Facts {
			if f.Kind != kind || len(f.Outlets) != outlets {
				continue
			}
			all := true
			for _, w := range words {
				all = all && strings.Contains(f.Text, w)
			}
			if all {
				return true
			}
		}
		return false
	}
	for _, tc := range []struct {
		name    string
		kind    string
		outlets int
		words   []string
	}{
		{"Lavrov met former officials in New York in April", "common", 2, []string{"Lavrov", "New York", "April"}},
		{"Haass, Kupchan and Graham took part", "common", 2, []string{"Haass", "Kupchan", "Graham"}},
		{"talks aimed at a negotiated end to the war", "common", 2, []string{"negotiated end to the war"}},
		{"NBC News reported it", "common", 2, []string{"NBC News reported"}},
		{"only the first: Mary Beth Long", "unique", 1, []string{"Mary Beth Long"}},
		{"only the first: a trip to Russia", "unique", 1, []string{"traveled to Russia"}},
		{"only the first: without Ukraine", "unique", 1, []string{"without Ukraine"}},
		{"only Fox: Koffler", "unique", 1, []string{"Rebekah Koffler"}},
		{"only Fox: Zelenskyy in Prague", "unique", 1, []string{"Zelenskyy said in Prague"}},
		{"only Fox: Petr Pavel", "unique", 1, []string{"Petr Pavel"}},
	} {
		if !factWith(tc.kind, tc.outlets, tc.words...) {
			t.Errorf("no %s fact: %s", tc.kind, tc.name)
		}
	}

	quoted := map[string]model.Quote{}
	for _, q := range s.Quotes {
		if _, ok := quoted[q.Speaker]; !ok {
			quoted[q.Speaker] = q
		}
	}
	if q := quoted["Rebekah Koffler"]; q.Cue != "told Fox News Digital" || !slices.Equal(q.Outlets, []string{fox}) {
		t.Errorf("Koffler's quote = %+v, want cue \"told Fox News Digital\" in %s", q, fox)
	}
	if q := quoted["Volodymyr Zelenskyy"]; q.Cue != "said in Prague" {
		t.Errorf("Zelenskyy's quote = %+v, want cue \"said in Prague\"", q)
	}
	official := false
	for _, q := range s.Quotes {
		official = official || (strings.Contains(q.Speaker, "Zelensky") && strings.Contains(q.Speaker, "office") && strings.Contains(q.Text, "without Ukraine"))
	}
	if !official {
		t.Errorf("no quote \"without Ukraine\" from the official of Zelensky's office: %+v", s.Quotes)
	}

	cites := map[string][]string{}
	for _, c := range s.Citations {
		cites[c.Source] = c.Outlets
	}
	if len(cites["NBC News"]) != 2 {
		t.Errorf("NBC News cited by %v, want both outlets", cites["NBC News"])
	}
	if !slices.Equal(cites["The Associated Press"], []string{fox}) {
		t.Errorf("The Associated Press cited by %v, want only %s", cites["The Associated Press"], fox)
	}
	if s.Lineage == nil || s.Lineage.Original != "NBC News" {
		t.Errorf("lineage = %+v, want NBC News as the original", s.Lineage)
	}

	variants := map[string][]string{}
	for _, e := range s.Entities {
		variants[e.Name] = e.Variants
	}
	for name, want := range map[string][]string{
		"Volodymyr Zelenskyy":          {"Volodymyr Zelensky", "Zelenskyy"},
		"Council on Foreign Relations": {"Council of Foreign Relations", "CFR"},
	} {
		for _, v := range want {
			if !slices.Contains(variants[name], v) {
				t.Errorf("entity %q variants %v lack %q", name, variants[name], v)
			}
		}
	}

	dated := false
	for _, d := range s.Discrepancies {
		dated = dated || (d.Kind == "publication_date" && slices.Equal(d.Outlets, []string{fox}) && strings.Contains(d.Description, "Vilnius"))
	}
	if !dated {
		t.Errorf("no publication-date discrepancy for %s citing the Vilnius summit: %+v", fox, s.Discrepancies)
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

// TestCorrections moves a seed out of its story, merges it back and splits
// it out again through the command line; unknown ids and impossible splits
// are errors that change nothing, and a listing of an unknown story is an
// error, not an empty list.
func TestCorrections(t *testing.T) {
	db, arts := ingestSeeds(t)
	story := *arts[0].Story
	// A move to the story an article is in places it there by hand.
	if out, errOut, code := parallax(t, db, "article", "move", itoa(arts[0].ID), "--to", itoa(story)); code != 0 ||
		out != fmt.Sprintf("article %d stays in story %d, placed there by hand\n", arts[0].ID, story) {
		t.Errorf("move to its own story: exit %d, %q, %q", code, out, errOut)
	}
	var c model.Correction
	mustJSON(t, db, &c, "article", "move", itoa(arts[1].ID), "--new", "--reason", "another event")
	if c.Target == 0 || c.Target == story {
		t.Fatalf("move to a new story: %+v", c)
	}
	moved := c.Target
	mustJSON(t, db, &c, "story", "merge", itoa(moved), itoa(story), "--reason", "same event after all")
	var after []model.Article
	mustJSON(t, db, &after, "articles")
	for _, a := range after {
		if a.Story == nil || *a.Story != story {
			t.Errorf("article %d in story %v after the merge back, want %d", a.ID, a.Story, story)
		}
	}
	// The story merged away is shown as the one it went into, with a note.
	out, errOut, code := parallax(t, db, "story", itoa(moved), "--json")
	var shown model.Story
	if code != 0 || json.Unmarshal([]byte(out), &shown) != nil || shown.ID != story ||
		!strings.Contains(errOut, fmt.Sprintf("story %d is part of story %d now", moved, story)) {
		t.Errorf("parallax story %d (merged): exit %d, story %d, stderr %q; want story %d and a note", moved, code, shown.ID, errOut, story)
	}
	// So are its articles: listed as the story's, not as an empty list.
	out, errOut, code = parallax(t, db, "articles", "--story", itoa(moved), "--json")
	var listed []model.Article
	if code != 0 || json.Unmarshal([]byte(out), &listed) != nil || len(listed) != len(arts) ||
		!strings.Contains(errOut, fmt.Sprintf("story %d is part of story %d now; listing story %d", moved, story, story)) {
		t.Errorf("parallax articles --story %d (merged): exit %d, %d articles, stderr %q; want %d and a note", moved, code, len(listed), errOut, len(arts))
	}
	// Split the second seed out again, in one correction.
	out, errOut, code = parallax(t, db, "story", "split", itoa(story), itoa(arts[1].ID), "--reason", "another event")
	if code != 0 || !strings.HasPrefix(out, fmt.Sprintf("moved 1 article out of story %d into the new story ", story)) {
		t.Fatalf("parallax story split: exit %d, %q, %q", code, out, errOut)
	}
	mustJSON(t, db, &after, "articles")
	for _, a := range after {
		if (a.ID == arts[1].ID) == (*a.Story == story) {
			t.Errorf("article %d in story %d after splitting article %d out of story %d", a.ID, *a.Story, arts[1].ID, story)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"story", "merge", "9999", itoa(story)}, "9999"},
		{[]string{"article", "move", "9999", "--to", itoa(story)}, "9999"},
		{[]string{"article", "move", itoa(arts[0].ID), "--to", "9999"}, "9999"},
		{[]string{"story", "split", "9999", itoa(arts[0].ID)}, "9999"},
		{[]string{"story", "split", itoa(story), itoa(arts[0].ID)}, "a split leaves at least one"},
		{[]string{"story", "split", itoa(story), itoa(arts[1].ID)}, fmt.Sprintf("article %d is not in story %d", arts[1].ID, story)},
		{[]string{"articles", "--story", "9999"}, "story 9999: not found"},
		{[]string{"article", "9999"}, "parallax article: article 9999: not found"},
		{[]string{"story", "split", itoa(story), "9999"}, fmt.Sprintf("split story %d: article 9999: not found", story)},
		{[]string{"stories", "--sort", "oldest"}, `stories sorted by "oldest": unknown sort: newest, biggest or updated`},
		{[]string{"export", "--story", "9999"}, "story 9999: not found"},
	} {
		_, errOut, code := parallax(t, db, tc.args...)
		if code != 1 || !strings.Contains(errOut, tc.want) {
			t.Errorf("parallax %v: exit %d, %q; want 1 and an error saying %q", tc.args, code, errOut, tc.want)
		}
	}
	var again []model.Article
	mustJSON(t, db, &again, "articles")
	if !slices.EqualFunc(after, again, func(a, b model.Article) bool { return *a.Story == *b.Story }) {
		t.Error("a failed correction changed the stories")
	}
}

// TestLogLevel: --log and PARALLAX_LOG choose the least level logged;
// warnings only unless told. A story index file from another database is
// passed over at the debug level.
func TestLogLevel(t *testing.T) {
	dir := t.TempDir()
	seeds := testutil.Seeds(t)
	other := filepath.Join(dir, "other.db")
	if _, errOut, code := parallax(t, other, "ingest", seeds[0]); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errOut)
	}
	const passedOver = "story index file not used"
	for i, tc := range []struct {
		name string
		env  string
		args []string
		want bool
	}{
		{name: "default", args: []string{"ingest", seeds[1]}},
		{name: "flag", args: []string{"--log", "debug", "ingest", seeds[1]}, want: true},
		{name: "flag after the command", args: []string{"ingest", "--log", "DEBUG", seeds[1]}, want: true},
		{name: "environment", env: "debug", args: []string{"ingest", seeds[1]}, want: true},
		{name: "flag over environment", env: "debug", args: []string{"--log", "error", "ingest", seeds[1]}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("PARALLAX_LOG", tc.env)
			db := filepath.Join(dir, fmt.Sprintf("s%d.db", i))
			copyFile(t, other+".index", db+".index")
			_, errOut, code := parallax(t, db, tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if got := strings.Contains(errOut, passedOver); got != tc.want {
				t.Errorf("stderr says %q: %v, want %v; stderr:\n%s", passedOver, got, tc.want, errOut)
			}
		})
	}
	t.Run("unknown level", func(t *testing.T) {
		if _, errOut, code := parallax(t, other, "--log", "loud", "stories"); code != 2 || !strings.Contains(errOut, `"loud"`) {
			t.Errorf("--log loud: exit %d, stderr %q; want 2 and the level named", code, errOut)
		}
		t.Setenv("PARALLAX_LOG", "loud")
		if _, errOut, code := parallax(t, other, "stories"); code != 2 || !strings.Contains(errOut, "PARALLAX_LOG=loud") {
			t.Errorf("PARALLAX_LOG=loud: exit %d, stderr %q; want 2 and the variable named", code, errOut)
		}
	})
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestUsage: help asked for ("--help", "-h", "help", "help CMD", "CMD
// --help") goes to standard output and exits 0; a command line that cannot
// run (no command, an unknown one, a flag unknown or out of range) says so
// on standard error and exits 2. No database is needed for either.
func TestUsage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	commandList := []string{"usage: parallax", "ingest", "-db string", "-log level"}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout []string // what standard output holds
		stderr []string // what standard error holds
	}{
		{"nothing", nil, 2, nil, commandList},
		{"unknown command", []string{"frobnicate"}, 2, nil, append([]string{`unknown command "frobnicate"`}, commandList...)},
		{"--help", []string{"--help"}, 0, commandList, nil},
		{"-h", []string{"-h"}, 0, commandList, nil},
		{"help", []string{"help"}, 0, commandList, nil},
		{"help with a command", []string{"help", "stories"}, 0, []string{"-sort string", "-limit int"}, nil},
		{"a command's --help", []string{"articles", "--help"}, 0, []string{"-story int", "-limit int"}, nil},
		{"help with a command of subcommands", []string{"help", "feeds"}, 0, []string{"usage: parallax feeds add URL"}, nil},
		{"--help of a command of subcommands", []string{"eval", "--help"}, 0, []string{"usage: parallax eval cluster FILE.jsonl"}, nil},
		{"a subcommand's --help", []string{"bench", "gen", "--help"}, 0, []string{"-seed uint"}, nil},
		{"language no code", []string{"stories", "--language", "zz"}, 2, nil, []string{"--language: want an ISO 639-1 code"}},
		{"demo into a database", []string{"demo", "--db", "mine.db"}, 2, nil, []string{"demo works in a temporary store"}},
		// parallax() names --db before the command.
		{"demo into the database named before it", []string{"demo"}, 2, nil, []string{"demo works in a temporary store"}},
		{"version", []string{"version"}, 0, []string{"parallax ", runtime.Version()}, nil},
		{"id not a number", []string{"story", "abc"}, 2, nil, []string{`story "abc" is not an id, a whole number from 1 to 9223372036854775807`}},
		{"unknown flag", []string{"articles", "--bogus"}, 2, nil, []string{"parallax articles: usage: flag provided but not defined: -bogus"}},
		{"negative limit", []string{"stories", "--limit", "-1"}, 2, nil, []string{"--limit -1: want 0 (all) or more"}},
		{"language not a code", []string{"stories", "--language", "english"}, 2, nil, []string{"--language: want an ISO 639-1 code"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := parallax(t, db, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr %q", code, tc.code, errOut)
			}
			for _, want := range tc.stdout {
				if !strings.Contains(out, want) {
					t.Errorf("stdout lacks %q:\n%s", want, out)
				}
			}
			if tc.stdout != nil && errOut != "" {
				t.Errorf("help asked for wrote to stderr: %q", errOut)
			}
			for _, want := range tc.stderr {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errOut)
				}
			}
			if tc.stderr != nil && out != "" {
				t.Errorf("a usage error wrote to stdout: %q", out)
			}
		})
	}
	if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s made: %v", db, err)
	}
}

// TestMissingDatabase: a command that reads or corrects what is stored,
// given a path where no database is, says so and makes none there; one
// that stores makes it.
func TestMissingDatabase(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"stories"}, {"stories", "--json"}, {"story", "1"}, {"articles"}, {"article", "1"}, {"export"},
		{"story", "merge", "1", "2"}, {"story", "split", "1", "2"}, {"article", "move", "1", "--new"},
		{"feeds", "list"}, {"feeds", "export"}, {"feeds", "remove", "1"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			db := filepath.Join(dir, "typo.db")
			out, errOut, code := parallax(t, db, args...)
			if code != 1 || out != "" || !strings.Contains(errOut, "no database at "+db) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 and an error naming %s", code, out, errOut, db)
			}
			if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s made: %v", db, err)
			}
		})
	}
	db := filepath.Join(dir, "new.db")
	if _, errOut, code := parallax(t, db, "ingest", testutil.Seeds(t)[0]); code != 0 {
		t.Fatalf("ingest into a new database: exit %d: %s", code, errOut)
	}
	if out, errOut, code := parallax(t, db, "stories"); code != 0 || !strings.Contains(out, "1 ") {
		t.Errorf("stories after the ingest: exit %d, %q, %s", code, out, errOut)
	}
}
