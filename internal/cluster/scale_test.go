package cluster

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/parallax-news/parallax/internal/extract"
	"github.com/parallax-news/parallax/internal/synth"
	"github.com/parallax-news/parallax/internal/text"
)

// synthFeatures streams the features of the first n articles of the synth
// stream (the articles `parallax bench ingest` makes) to fn, in order.
// Making them costs about half a millisecond of CPU an article, so they are
// made once, on all cores, and kept in a file in the temporary directory
// that later runs read back.
func synthFeatures(tb testing.TB, n int, fn func(i int, f *Features)) {
	tb.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("parallax-cluster-synth-%d.features", n))
	// A file made for more articles holds these first.
	made, _ := filepath.Glob(filepath.Join(os.TempDir(), "parallax-cluster-synth-*.features"))
	for _, m := range made {
		var k int
		if _, err := fmt.Sscanf(filepath.Base(m), "parallax-cluster-synth-%d.features", &k); err == nil && k >= n {
			path = m
		}
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		writeSynthFeatures(tb, path, n)
	}
	f, err := os.Open(path)
	if err != nil {
		tb.Fatalf("synth features: %v", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	var buf []byte
	for i := range n {
		size, err := binary.ReadUvarint(r)
		if err == nil {
			buf = append(buf[:0], make([]byte, size)...)
			_, err = io.ReadFull(r, buf)
		}
		if err != nil {
			tb.Fatalf("synth features %s, article %d: %v (remove the file to make it again)", path, i, err)
		}
		var ft Features
		if err := ft.UnmarshalBinary(buf); err != nil {
			tb.Fatalf("synth features %s, article %d: %v", path, i, err)
		}
		fn(i, &ft)
	}
}

// writeSynthFeatures makes the features of n synth articles, as the
// pipeline does (extract, analyse, Extract), and writes them to path, each
// a uvarint length and MarshalBinary's bytes.
func writeSynthFeatures(tb testing.TB, path string, n int) {
	tb.Helper()
	corpus, err := synth.DemoCorpus()
	if err != nil {
		tb.Skipf("synth corpus: %v", err)
	}
	gen, err := synth.New(1, synth.Options{Corpus: corpus})
	if err != nil {
		tb.Fatal(err)
	}
	type job struct {
		a   synth.Article
		out chan []byte
	}
	jobs, ordered := make(chan job), make(chan job, 256)
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Go(func() {
			for j := range jobs {
				a, err := extract.Article(context.Background(), j.a.Item, extract.Options{})
				if err != nil {
					tb.Errorf("extract %s: %v", j.a.Item.Input, err)
					j.out <- nil
					continue
				}
				b, _ := Extract(a, text.Analyze(a.Title, a.Text)).MarshalBinary()
				j.out <- b
			}
		})
	}
	go func() {
		defer close(jobs)
		defer close(ordered)
		for range n {
			j := job{a: gen.Next(), out: make(chan []byte, 1)}
			ordered <- j
			jobs <- j
		}
	}()
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for j := range ordered {
		b := <-j.out
		w.Write(binary.AppendUvarint(nil, uint64(len(b))))
		w.Write(b)
	}
	wg.Wait()
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	if tb.Failed() {
		os.Remove(tmp)
		tb.FailNow()
	}
	if err := os.Rename(tmp, path); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkScale streams the synth articles of `parallax bench ingest`
// through Assign and Commit alone: the clusterer's retained heap per article
// at the end (heap-B/article, after a collection, the features read back
// not counted) and its CPU time per article over the first and the last
// 10,000 (cpu-µs/first-10k, cpu-µs/last-10k), which must stay flat as
// stories accumulate, and the postings an article's look-up read in those
// blocks (postings/first-10k, postings/last-10k): the work, which the
// posting cap bounds, apart from the time; -v logs the whole curves. PARALLAX_SCALE sets the
// number of articles (default 100,000). Run with -benchtime=1x.
func BenchmarkScale(b *testing.B) {
	n := 100_000
	if v := os.Getenv("PARALLAX_SCALE"); v != "" {
		if _, err := fmt.Sscan(v, &n); err != nil || n < blockArticles {
			b.Fatalf("PARALLAX_SCALE=%q: want a number of articles, at least %d", v, blockArticles)
		}
	}
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		c := New(DefaultConfig(), nil)
		var (
			nextStory int64
			curve     []float64
			reads     []float64 // postings read per look-up, by block
			work0     Work
			digest    = fnv.New64a() // of the stories chosen, to tell a change of layout changed none
			cpu0      = cpuTime()
		)
		synthFeatures(b, n, func(i int, f *Features) {
			if i > 0 && i%blockArticles == 0 {
				cpu := cpuTime()
				curve = append(curve, float64(cpu-cpu0)/1e3/blockArticles)
				cpu0 = cpu
				reads = append(reads, postingsPerLookup(work0, c.Work()))
				work0 = c.Work()
			}
			a := c.Assign(f)
			sid := a.Story
			if sid == 0 {
				nextStory++
				sid = nextStory
			}
			c.Commit(int64(i+1), sid, f, a)
			digest.Write(binary.AppendVarint(nil, sid))
		})
		curve = append(curve, float64(cpuTime()-cpu0)/1e3/float64(n-len(curve)*blockArticles))
		reads = append(reads, postingsPerLookup(work0, c.Work()))
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(n), "heap-B/article")
		b.ReportMetric(curve[0], "cpu-µs/first-10k")
		b.ReportMetric(curve[len(curve)-1], "cpu-µs/last-10k")
		b.ReportMetric(float64(len(c.stories)), "stories")
		b.ReportMetric(reads[0], "postings/first-10k")
		b.ReportMetric(reads[len(reads)-1], "postings/last-10k")
		b.Logf("CPU µs an article by 10,000 articles: %.0f; postings read a look-up: %.0f; digest of the stories chosen %x", curve, reads, digest.Sum64())
		runtime.KeepAlive(c)
	}
}

// postingsPerLookup is the postings read per look-up between two counts.
func postingsPerLookup(from, to Work) float64 {
	return float64(to.Postings-from.Postings) / float64(max(1, to.Lookups-from.Lookups))
}

// blockArticles is the size of BenchmarkScale's blocks.
const blockArticles = 10_000

// TestWorkBounded checks that one assignment's look-up work is bounded by
// the configuration, not by the stories held: an article reads at most
// PostingCap stories under each of its look-up ids and scores at most
// Candidates of them, however many stories there are.
func TestWorkBounded(t *testing.T) {
	const n = 3000
	cfg := DefaultConfig()
	c := New(cfg, nil)
	var nextStory int64
	looked := 0
	var prev Work
	synthFeatures(t, n, func(i int, f *Features) {
		a := c.Assign(f)
		w := c.Work()
		if a.CopyOf == 0 && !f.Empty() {
			looked++
		}
		if d := w.Postings - prev.Postings; d > uint64((cfg.QueryTerms+cfg.ArticleEntities)*cfg.PostingCap) {
			t.Fatalf("article %d read %d postings, more than %d ids of at most %d stories", i, d, cfg.QueryTerms+cfg.ArticleEntities, cfg.PostingCap)
		}
		if d := w.Scored - prev.Scored; d > uint64(cfg.Candidates) {
			t.Fatalf("article %d scored %d stories, more than %d", i, d, cfg.Candidates)
		}
		if w.Stories-prev.Stories > w.Postings-prev.Postings {
			t.Fatalf("article %d tallied more stories than postings it read", i)
		}
		prev = w
		sid := a.Story
		if sid == 0 {
			nextStory++
			sid = nextStory
		}
		c.Commit(int64(i+1), sid, f, a)
	})
	if int(prev.Lookups) != looked {
		t.Errorf("Work counts %d look-ups, want %d (articles neither copies nor empty)", prev.Lookups, looked)
	}
	if prev.Postings == 0 || prev.Scored == 0 {
		t.Errorf("no work counted over %d articles: %+v", n, prev)
	}
}
