package cluster

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode"

	"github.com/parallax-news/parallax/internal/dedup"
	"github.com/parallax-news/parallax/internal/testutil"
	"github.com/parallax-news/parallax/internal/text"
)

// generator makes distinct synthetic articles from real text, for
// benchmarks at sizes no real corpus here reaches.
//
// It reads the demo corpus (demo/corpus/ecbplus.jsonl: real ECB+ articles
// in 34 stories) once, analyses it, and keeps each real story's sentences
// and entities as a family. Synthetic story k takes family k mod 34 and
// gives every proper noun and entity of it names of its own, made from
// syllables hashed with k, so that no two synthetic stories share their
// people, places or organisations: they are distinct events told in the
// same kind of words, as two earthquakes are. An article of story k draws
// 4-10 sentences of the family at random, so its articles are related but
// never near-copies. Story sizes follow a long tail (about 40% single
// articles, a few stories of 20-60, mean about 5), and each story's
// articles are published within two days of its start, stories starting
// a few minutes apart, the stream in publication order.
type generator struct {
	families []family
	rng      *rand.Rand
}

type family struct {
	sentences [][]text.Token
	entities  []text.Entity
}

func newGenerator(tb testing.TB, seed uint64) *generator {
	tb.Helper()
	path := filepath.Join(testutil.RepoRoot(tb), "demo", "corpus", "ecbplus.jsonl")
	f, err := os.Open(path)
	if err != nil {
		tb.Skipf("demo corpus %s: %v", path, err)
	}
	defer f.Close()
	byStory := map[string]*family{}
	var order []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r struct{ Text, Story string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		fam := byStory[r.Story]
		if fam == nil {
			fam = &family{}
			byStory[r.Story] = fam
			order = append(order, r.Story)
		}
		doc := text.Analyze("", r.Text)
		for _, s := range doc.Sentences {
			if toks := text.Tokens(s.Text); len(toks) >= 5 {
				fam.sentences = append(fam.sentences, toks)
			}
		}
		fam.entities = append(fam.entities, doc.Entities...)
	}
	g := &generator{rng: rand.New(rand.NewPCG(seed, seed+1))}
	for _, s := range order {
		g.families = append(g.families, *byStory[s])
	}
	if len(g.families) == 0 {
		tb.Skipf("demo corpus %s is empty", path)
	}
	return g
}

var syllables = strings.Fields("ka lo mi ne su ra te vo zi pa dor len mar tis val qu bre nox fel")

// name returns a made-up name for word in story k.
func name(k int, word string) string {
	h := uint64(k)*0x9e3779b97f4a7c15 ^ uint64(len(word))
	for _, r := range word {
		h = (h ^ uint64(r)) * 0x100000001b3
	}
	var b strings.Builder
	for range 3 {
		b.WriteString(syllables[h%uint64(len(syllables))])
		h /= uint64(len(syllables))
	}
	return b.String()
}

// storySize draws a story size from a long-tailed distribution.
func (g *generator) storySize() int {
	switch p := g.rng.Float64(); {
	case p < 0.4:
		return 1
	case p < 0.65:
		return 2 + g.rng.IntN(2)
	case p < 0.85:
		return 4 + g.rng.IntN(5)
	case p < 0.95:
		return 9 + g.rng.IntN(12)
	default:
		return 21 + g.rng.IntN(40)
	}
}

// spec is one article of the stream, made on demand so a benchmark holds
// only the articles it is about to use.
type spec struct {
	at   time.Time
	k    int
	seed uint64
}

// article builds the features of one article.
func (g *generator) article(a spec) *Features {
	rng := rand.New(rand.NewPCG(a.seed, uint64(a.k)))
	k := a.k
	fam := g.families[k%len(g.families)]
	n := 4 + rng.IntN(7)
	counts := map[string]*Term{}
	var words []string
	for s := range n {
		sent := fam.sentences[rng.IntN(len(fam.sentences))]
		for i, tok := range sent {
			norm, stem := tok.Norm, tok.Stem
			if i > 0 && unicode.IsUpper([]rune(tok.Text)[0]) {
				norm = name(k, tok.Norm)
				stem = norm
			}
			words = append(words, norm)
			if tok.Stop {
				continue
			}
			t := counts[stem]
			if t == nil {
				t = &Term{Stem: stem, Form: norm}
				counts[stem] = t
			}
			t.Body++
			if s == 0 {
				t.Lead++
			}
		}
		words = append(words, "\n")
	}
	f := &Features{Published: a.at.Unix(), Language: "en", Signature: dedup.Sign(strings.Join(words, " "))}
	for _, t := range counts {
		f.Terms = append(f.Terms, *t)
	}
	for _, e := range fam.entities {
		if rng.IntN(3) == 0 || len(f.Entities) == 12 {
			continue
		}
		key := name(k, e.Key)
		f.Entities = append(f.Entities, Entity{Key: key, Name: key, Kind: e.Kind, Count: uint16(max(1, e.Count))})
	}
	return f
}

// stream returns n articles in publication order.
func (g *generator) stream(n int) []spec {
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var all []spec
	for k := 0; len(all) < n; k++ {
		t0 := start.Add(time.Duration(k) * 3 * time.Minute)
		for range g.storySize() {
			at := t0.Add(time.Duration(g.rng.Int64N(int64(48 * time.Hour))))
			all = append(all, spec{at: at, k: k, seed: g.rng.Uint64()})
		}
	}
	all = all[:n]
	slices.SortStableFunc(all, func(a, b spec) int { return a.at.Compare(b.at) })
	return all
}

// BenchmarkAssignCommit measures one article's Assign and Commit with
// 10,000 and 100,000 articles already clustered, alone and followed by the
// regrouping the pipeline runs after it; the cost must stay flat. It
// reports the clusterer's retained heap per stored article. Use at most
// -benchtime=20000x: beyond, articles repeat (and become copies).
func BenchmarkAssignCommit(b *testing.B) {
	const extra = 20000
	for _, stored := range []int{10_000, 100_000} {
		for _, regroup := range []bool{false, true} {
			b.Run(fmt.Sprintf("stored=%d/regroup=%t", stored, regroup), func(b *testing.B) {
				benchAssign(b, stored, extra, regroup)
			})
		}
	}
}

func benchAssign(b *testing.B, stored, extra int, regroup bool) {
	g := newGenerator(b, 1)
	specs := g.stream(stored + extra)
	c := New(DefaultConfig(), nil)
	var nextStory int64
	newStory := func() (int64, error) { nextStory++; return nextStory, nil }
	step := func(i int, f *Features) {
		a := c.Assign(f)
		sid := a.Story
		if sid == 0 {
			sid, _ = newStory()
		}
		c.Commit(int64(i+1), sid, f, a)
		if hood := a.Hood(sid); regroup && hood != nil {
			if _, err := c.Regroup(hood, newStory); err != nil {
				b.Fatal(err)
			}
		}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range stored {
		step(i, g.article(specs[i]))
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	// The articles of the timed loop are made beforehand, and only
	// those, so the heap holds little besides the clusterer.
	loop := make([]*Features, extra)
	for i := range loop {
		loop[i] = g.article(specs[stored+i])
	}
	i := stored
	cpu0 := cpuTime()
	for b.Loop() {
		step(i, loop[(i-stored)%extra])
		i++
	}
	// CPU time per article, GC included: unlike ns/op, it does not
	// grow when other processes share the machine's cores.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
	// Reported after the loop, which resets metrics on its start.
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(stored), "heap-B/stored")
	b.ReportMetric(float64(len(c.stories)), "stories")
}

// cpuTime returns the process's user and system CPU time in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
