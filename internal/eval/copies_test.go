package eval

import (
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/dedup"
	"github.com/parallax-news/parallax/internal/testutil"
)

// TestCopies builds copies of every third real article (another outlet's
// boilerplate, a new headline, a trimmed last paragraph and an
// advertisement line, all at once), mixes them with the originals and the
// other outlets' write-ups of the same events, and checks the copies are
// found and linked to their originals, and no real article is called a copy.
func TestCopies(t *testing.T) {
	for _, name := range []string{"basil-dev.jsonl", "allsides-dev.jsonl"} {
		t.Run(name, func(t *testing.T) {
			recs, err := ReadLabeled(testutil.SharedDir(t, "data", name))
			if err != nil {
				t.Fatal(err)
			}
			cases := MakeCopies(recs, 3, 1)
			s := ScoreCopies(cases, DetectCopies(cases, dedup.DefaultRule()))
			t.Logf("%s: %d articles, %d copies: precision %.4f recall %.4f, %d real articles called copies",
				name, s.Articles, s.Copies, s.Precision, s.Recall, s.FalseOriginals)
			if s.Copies != (len(recs)+2)/3 {
				t.Errorf("%d copies made, want %d", s.Copies, (len(recs)+2)/3)
			}
			if s.Precision < 0.98 || s.Recall < 0.98 {
				t.Errorf("precision %.4f recall %.4f, want both >= 0.98", s.Precision, s.Recall)
			}
			if s.FalseOriginals != 0 {
				t.Errorf("%d real articles called copies of another, want 0", s.FalseOriginals)
			}
		})
	}
}

func TestScoreCopies(t *testing.T) {
	cases := []CopyCase{{ID: "a"}, {ID: "b"}, {ID: "a/copy", Original: "a"}, {ID: "b/copy", Original: "b"}}
	tests := []struct {
		name  string
		links map[string]string
		want  CopyScores
	}{
		{name: "all found", links: map[string]string{"a/copy": "a", "b/copy": "b"},
			want: CopyScores{Articles: 4, Copies: 2, Found: 2, Correct: 2, Precision: 1, Recall: 1}},
		{name: "none found", links: map[string]string{},
			want: CopyScores{Articles: 4, Copies: 2, Precision: 1, Recall: 0}},
		{name: "wrong original and a false copy", links: map[string]string{"a/copy": "b", "b": "a", "b/copy": "b"},
			want: CopyScores{Articles: 4, Copies: 2, Found: 3, Correct: 1, Precision: 1.0 / 3, Recall: 0.5, FalseOriginals: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ScoreCopies(cases, tc.links); got != tc.want {
				t.Errorf("ScoreCopies = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestMakeCopies(t *testing.T) {
	recs := []Labeled{
		{ID: "x", Title: "Head", Text: "Head\nfirst paragraph\nsecond paragraph\nlast paragraph"},
		{ID: "y", Title: "Other", Text: "only paragraph"},
	}
	cases := MakeCopies(recs, 1, 7)
	if len(cases) != 4 || cases[0].ID != "x" || cases[1].ID != "y" {
		t.Fatalf("cases = %+v, want the two articles then two copies", cases)
	}
	for _, c := range cases[2:] {
		orig := recs[0]
		if c.Original == "y" {
			orig = recs[1]
		}
		if c.Title == orig.Title || c.Text == orig.Text {
			t.Errorf("copy %q keeps the original's headline or text", c.ID)
		}
		if c.Original == "x" && (strings.Contains(c.Text, "last paragraph") || strings.Contains(c.Text, "\nHead\n")) {
			t.Errorf("copy of x keeps its last paragraph or old headline: %q", c.Text)
		}
	}
}
