package synth

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/parallax-news/parallax/internal/testutil"
)

func corpus(t testing.TB) *Corpus {
	t.Helper()
	c, err := ReadCorpus(filepath.Join(testutil.RepoRoot(t), "demo", "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestReadCorpus(t *testing.T) {
	c := corpus(t)
	// 234 ECB+ articles and 2 seeds, less any with fewer than two sentences.
	if c.Bases() < 200 || c.Bases() > 236 {
		t.Errorf("bases = %d, want 200-236", c.Bases())
	}
	if len(c.vocab) < 1000 {
		t.Errorf("vocabulary = %d words, want at least 1000", len(c.vocab))
	}
	if _, err := ReadCorpus(t.TempDir()); err == nil {
		t.Error("an empty directory gave a corpus")
	}
}

func TestDeterministic(t *testing.T) {
	c := corpus(t)
	gen := func(seed uint64) []Article {
		g, err := New(seed, Options{Corpus: c, CopyRate: 0.1})
		if err != nil {
			t.Fatal(err)
		}
		out := make([]Article, 300)
		for i := range out {
			out[i] = g.Next()
		}
		return out
	}
	a, b, other := gen(7), gen(7), gen(8)
	same := 0
	for i := range a {
		if !bytes.Equal(a[i].Item.Raw.Bytes, b[i].Item.Raw.Bytes) {
			t.Fatalf("article %d differs between two runs of seed 7", i)
		}
		if bytes.Equal(a[i].Item.Body, other[i].Item.Body) {
			same++
		}
	}
	if same > 0 {
		t.Errorf("%d articles of seed 7 and seed 8 are the same", same)
	}
}

func TestArticles(t *testing.T) {
	c := corpus(t)
	tests := []struct {
		name     string
		opt      Options
		n        int
		min, max int // story sizes
		copies   bool
	}{
		{name: "default sizes", opt: Options{}, n: 5000, min: 1, max: 50},
		{name: "fixed size 3", opt: Options{Sizes: []Bucket{{3, 3, 1}}}, n: 600, min: 3, max: 3},
		{name: "big stories", opt: Options{Sizes: []Bucket{{10, 50, 1}}, Open: 8}, n: 2000, min: 10, max: 50},
		{name: "copies", opt: Options{CopyRate: 0.3}, n: 2000, min: 1, max: 50, copies: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opt := tc.opt
			opt.Corpus = c
			g, err := New(1, opt)
			if err != nil {
				t.Fatal(err)
			}
			texts := map[string]string{}
			ids := map[string]bool{}
			count := map[string]int{}
			size := map[string]int{}
			copies := 0
			for range tc.n {
				a := g.Next()
				it := a.Item
				if !utf8.Valid(it.Body) || !utf8.ValidString(it.Hint.Title) {
					t.Fatalf("%s: invalid UTF-8", it.Input)
				}
				if it.Hint.Title == "" || it.Hint.Outlet == "" || it.Hint.URL == "" || it.Hint.Published == nil || len(it.Body) < 100 {
					t.Fatalf("%s: missing fields: %+v", it.Input, it.Hint)
				}
				if prev, ok := texts[string(it.Body)]; ok {
					t.Fatalf("%s has the same text as %s", it.Input, prev)
				}
				texts[string(it.Body)] = it.Input
				if ids[it.Hint.ExternalID] || ids[it.Hint.URL] {
					t.Fatalf("%s: id or URL repeated", it.Input)
				}
				ids[it.Hint.ExternalID], ids[it.Hint.URL] = true, true
				var line jsonLine
				if err := json.Unmarshal(it.Raw.Bytes, &line); err != nil || line.Story != a.Story || line.Text != string(it.Body) {
					t.Fatalf("%s: raw line does not carry the article and its story: %v", it.Input, err)
				}
				if a.CopyOf != "" {
					copies++
					if !ids[a.CopyOf] {
						t.Fatalf("%s copies %s, which is not an earlier article", it.Input, a.CopyOf)
					}
				}
				count[a.Story]++
				size[a.Story] = a.StorySize
			}
			complete, big := 0, 0
			for s, n := range count {
				if n > size[s] {
					t.Fatalf("story %s has %d articles, more than its size %d", s, n, size[s])
				}
				if size[s] < tc.min || size[s] > tc.max {
					t.Fatalf("story %s has size %d, want %d-%d", s, size[s], tc.min, tc.max)
				}
				if n == size[s] {
					complete++
				}
				if size[s] >= 10 {
					big++
				}
			}
			// Only the stories still in flight at the end are incomplete.
			if open := len(count) - complete; open > max(opt.Open, DefaultOpen) {
				t.Errorf("%d stories incomplete, want at most the %d in flight", open, max(opt.Open, DefaultOpen))
			}
			if tc.max >= 10 && big == 0 {
				t.Error("no story of ten articles or more")
			}
			if tc.copies != (copies > 0) {
				t.Errorf("%d copies, want some: %v", copies, tc.copies)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	c := corpus(t)
	tests := []struct {
		name string
		opt  Options
	}{
		{"no corpus", Options{}},
		{"size zero", Options{Corpus: c, Sizes: []Bucket{{0, 3, 1}}}},
		{"max below min", Options{Corpus: c, Sizes: []Bucket{{5, 3, 1}}}},
		{"no weight", Options{Corpus: c, Sizes: []Bucket{{1, 3, 0}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(1, tc.opt); err == nil {
				t.Error("no error")
			}
		})
	}
}

// FuzzTokenize checks that cutting a sentence into tokens loses nothing.
func FuzzTokenize(f *testing.F) {
	f.Add("Perennial party girl Tara Reid checked herself into Promises Treatment Center, her rep told People.")
	f.Add("The 76ers lost 103-94 on Friday; €417 billion ($612 billion).")
	f.Add("An official from Ukrainian President Volodymyr Zelensky’s office")
	f.Fuzz(func(t *testing.T, s string) {
		var b bytes.Buffer
		for _, tok := range tokenize(s, func(string) int { return tokContent }) {
			b.WriteString(tok.text)
		}
		if b.String() != s {
			t.Errorf("tokens join to %q, want %q", b.String(), s)
		}
	})
}

func BenchmarkNext(b *testing.B) {
	g, err := New(1, Options{Corpus: corpus(b)})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		g.Next()
	}
}
