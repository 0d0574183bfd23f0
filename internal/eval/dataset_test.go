package eval

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/testutil"
)

func TestReadLabeled(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    []Labeled
		wantErr error
		wantMsg string // what the error says, when it is no sentinel
	}{
		{
			name: "nulls and dates",
			body: `{"id":"a","outlet":null,"url":null,"title":null,"published":null,"text":"x","story":"s1"}` + "\n\n" +
				`{"id":"b","outlet":"Fox News","title":"T","published":"2010-02-20","text":"y","story":"s1"}` + "\n" +
				`{"id":"c","published":"2021-04-22T06:15:00-07:00","text":"z","story":"s2"}` + "\n",
			want: []Labeled{
				{ID: "a", Text: "x", Story: "s1", Line: 1},
				{ID: "b", Outlet: "Fox News", Title: "T", Published: ptr(time.Date(2010, 2, 20, 0, 0, 0, 0, time.UTC)), Text: "y", Story: "s1", Line: 3},
				{ID: "c", Published: ptr(time.Date(2021, 4, 22, 13, 15, 0, 0, time.UTC)), Text: "z", Story: "s2", Line: 4},
			},
		},
		{name: "no story", body: `{"id":"a","text":"x"}`, wantErr: ErrNoStory},
		{
			// As other labeled data and parallax export write them.
			name: "numbers for labels",
			body: `{"id":17,"text":"x","story":4}` + "\n" + `{"id":"18","text":"y","story":4.0}`,
			want: []Labeled{{ID: "17", Text: "x", Story: "4", Line: 1}, {ID: "18", Text: "y", Story: "4.0", Line: 2}},
		},
		{name: "label neither string nor number", body: `{"id":true,"text":"x","story":"s"}`,
			wantMsg: "in.jsonl:1: not a labeled record (id, title, text, published, story): true is neither a string nor a number"},
		{name: "field of the wrong type", body: `{"id":"a","text":5,"story":"s"}`, wantMsg: "in.jsonl:1: not a labeled record"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "in.jsonl")
			if err := os.WriteFile(path, []byte(tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := ReadLabeled(path)
			if tc.wantErr != nil || tc.wantMsg != "" {
				if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				if err == nil || !strings.Contains(err.Error(), tc.wantMsg) {
					t.Fatalf("err = %v, want one saying %q", err, tc.wantMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d records, want %d", len(got), len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if g.ID != w.ID || g.Outlet != w.Outlet || g.Title != w.Title || g.Text != w.Text || g.Story != w.Story || g.Line != w.Line {
					t.Errorf("record %d = %+v, want %+v", i, g, w)
				}
				if (g.Published == nil) != (w.Published == nil) || (g.Published != nil && !g.Published.Equal(*w.Published)) {
					t.Errorf("record %d published %v, want %v", i, g.Published, w.Published)
				}
			}
		})
	}
}

func TestReadLabeledShared(t *testing.T) {
	for _, tc := range []struct {
		name              string
		articles, stories int
	}{
		{"ecbplus-dev.jsonl", 772, 66},
		{"basil-dev.jsonl", 150, 50},
		{"allsides-dev.jsonl", 856, 294},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs, err := ReadLabeled(testutil.SharedDir(t, "data", tc.name))
			if err != nil {
				t.Fatal(err)
			}
			stories := map[string]bool{}
			for _, r := range recs {
				stories[r.Story] = true
			}
			if len(recs) != tc.articles || len(stories) != tc.stories {
				t.Errorf("%d articles in %d stories, want %d in %d", len(recs), len(stories), tc.articles, tc.stories)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
