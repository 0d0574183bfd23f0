package cluster

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"maps"
	"math"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/dedup"
	"github.com/parallax-news/parallax/internal/model"
)

// feeder puts articles through a clusterer as the pipeline does: assign,
// commit, regroup what the article touched; it numbers new stories itself.
type feeder struct {
	c     *Clusterer
	story int64 // the last story id handed out
}

func (fd *feeder) newStory() (int64, error) { fd.story++; return fd.story, nil }

// step is what one article's arrival decided, with the times of the
// decisions left out: they are the clock's, not the clusterer's.
type step struct {
	Assignment Assignment
	Changes    []Change
	Err        error
}

func (fd *feeder) feed(id int64, f *Features) step {
	a := fd.c.Assign(f)
	sid := a.Story
	if sid == 0 {
		sid, _ = fd.newStory()
	}
	fd.c.Commit(id, sid, f, a)
	changes, err := fd.c.Regroup(a.Hood(sid), fd.newStory)
	a.vectors, a.Decision.At = nil, time.Time{}
	a.Merges = slices.Clone(a.Merges)
	for i := range a.Merges {
		a.Merges[i].Decision.At = time.Time{}
	}
	return step{a, timeless(changes), err}
}

func timeless(changes []Change) []Change {
	for i := range changes {
		changes[i].Decision.At = time.Time{}
	}
	return changes
}

// snapshot returns what c.WriteSnapshot writes.
func snapshot(tb testing.TB, c *Clusterer) []byte {
	tb.Helper()
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	if err := c.WriteSnapshot(w); err != nil {
		tb.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func readSnapshot(b []byte, cfg Config) (*Clusterer, error) {
	return ReadSnapshot(bufio.NewReader(bytes.NewReader(b)), cfg, nil)
}

// latestIn returns the latest article in the window, of those up to id
// upTo, whose story holds at least min articles, with that story, or 0s.
func latestIn(c *Clusterer, min int, upTo int64) (article, sid int64) {
	var best *recent
	for i := range c.recent.ring {
		r := &c.recent.ring[i]
		if s := c.stories[c.StoryOf(r.id)]; s != nil && s.size >= min && r.id <= upTo && !c.pinned(r.id) && (best == nil || r.seq > best.seq) {
			best = r
		}
	}
	if best == nil {
		return 0, 0
	}
	return best.id, c.StoryOf(best.id)
}

// busiest returns the n stories with the most articles in the window,
// the busiest first.
func busiest(c *Clusterer, n int) []int64 {
	ids := slices.Sorted(maps.Keys(c.recent.of))
	slices.SortStableFunc(ids, func(a, b int64) int { return len(c.recent.of[b]) - len(c.recent.of[a]) })
	return ids[:min(n, len(ids))]
}

// TestSnapshotDecidesAlike feeds a clusterer synthetic articles, with
// copies, regroupings and people's corrections; a clusterer read back from
// its snapshot must then decide every later arrival, correction and
// regrouping as it does, and write the same snapshot.
func TestSnapshotDecidesAlike(t *testing.T) {
	const before, after = 2400, 600
	cfg := DefaultConfig()
	cfg.RegroupWindow = 1000 // so that the ring has gone round when written
	var feats []*Features
	synthFeatures(t, before+after, func(_ int, f *Features) { feats = append(feats, f) })
	// Every seventh article is followed by a copy of a recent one, every
	// eleventh by a copy of an older one; every third states a date ahead,
	// which brings later articles near in regroupings; after the snapshot,
	// every fortieth is followed by one in another language.
	var stream []*Features
	var split int
	for i, f := range feats {
		if i == before {
			split = len(stream)
		}
		if i%3 == 0 {
			f.Stated = append(f.Stated, Span{f.When(), f.When() + 2*86400})
		}
		stream = append(stream, f)
		switch {
		case i%7 == 6:
			stream = append(stream, feats[i-2])
		case i%11 == 10:
			stream = append(stream, feats[i/2])
		case i >= before && i%40 == 0:
			g := *feats[i-5]
			g.Language, g.Signature = "de", dedup.Signature{}
			stream = append(stream, &g)
		}
	}

	a := &feeder{c: New(cfg, nil)}
	var moved [][2]int64 // articles people moved, and the stories they left
	// correct makes a person's correction on each clusterer, chosen on the
	// first from its state, among articles up to upTo; with more than one
	// clusterer, their states must agree.
	correct := func(t *testing.T, kind string, upTo int, fds ...*feeder) {
		t.Helper()
		c := fds[0].c
		var cor model.Correction
		switch kind {
		case "move", "split":
			art, sid := latestIn(c, 5, int64(upTo))
			if art == 0 {
				t.Fatalf("no story of 5 articles in the window for a %s", kind)
			}
			// A split makes a story; a move goes to a busy story of
			// another event, where only its pin keeps it.
			cor = model.Correction{Kind: kind, Article: art, Story: sid, Target: fds[0].story + 1}
			if busy := busiest(c, 2); kind == "move" {
				cor.Target = busy[0]
				if busy[0] == sid {
					cor.Target = busy[1]
				}
			}
			moved = append(moved, [2]int64{art, sid})
		case "merge":
			big := busiest(c, 2)
			cor = model.Correction{Kind: kind, Story: big[1], Target: big[0]}
		case "replay":
			art, sid := latestIn(c, 2, int64(upTo))
			other := busiest(c, 1)[0]
			if other == sid {
				other = busiest(c, 2)[1]
			}
			cor = model.Correction{Kind: "move", Article: art, Story: other, Target: sid}
			moved = append(moved, [2]int64{art, other})
		}
		for _, fd := range fds {
			var err error
			if kind == "replay" {
				err = fd.c.Replay(cor)
			} else {
				if cor.Target > fd.story {
					fd.story = cor.Target
				}
				var f *Features
				if cor.Article > 0 {
					f = stream[cor.Article-1]
				}
				err = fd.c.Apply(cor, f)
			}
			if err != nil {
				t.Fatalf("%s %+v: %v", kind, cor, err)
			}
		}
	}
	// People correct the stories close before the snapshot, so that what
	// they bind is still in the window after it.
	corrections := map[int]string{split - 300: "split", split - 200: "merge", split - 120: "move", split - 60: "replay"}
	var copies, merges, regrouped int
	for i, f := range stream[:split] {
		st := a.feed(int64(i+1), f)
		if st.Err != nil {
			t.Fatal(st.Err)
		}
		if st.Assignment.CopyOf != 0 {
			copies++
		}
		merges += len(st.Assignment.Merges)
		regrouped += len(st.Changes)
		if kind, ok := corrections[i]; ok {
			correct(t, kind, i+1, a)
		}
	}
	if copies == 0 || merges == 0 || regrouped == 0 || len(a.c.alias) == 0 {
		t.Fatalf("the first %d articles made %d copies, %d merges, %d regrouping changes and %d aliases: the state is not all exercised",
			split, copies, merges, regrouped, len(a.c.alias))
	}
	if len(a.c.recent.ring) != cfg.RegroupWindow || a.c.recent.next == 0 {
		t.Fatalf("window of %d articles, next %d: it has not gone round", len(a.c.recent.ring), a.c.recent.next)
	}

	t.Logf("before the snapshot: %d copies, %d merges, %d regrouping changes, %d aliases, %d stories", copies, merges, regrouped, len(a.c.alias), len(a.c.stories))
	written := snapshot(t, a.c)
	bc, err := readSnapshot(written, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if again := snapshot(t, bc); !bytes.Equal(again, written) {
		t.Fatalf("the clusterer read back writes %d bytes other than the %d it was read from", len(again), len(written))
	}
	b := &feeder{c: bc, story: a.story}
	probe(t, a, b, moved)

	// The later moves and replays are of articles from before the snapshot.
	laterCorrections := map[int]string{split + 100: "move", split + 250: "merge", split + 400: "replay", split + 500: "split"}
	for i := split; i < len(stream); i++ {
		x, y := a.feed(int64(i+1), stream[i]), b.feed(int64(i+1), stream[i])
		if !reflect.DeepEqual(x, y) {
			t.Fatalf("article %d (%d after the snapshot): the original decided\n%+v\nthe one read back\n%+v", i+1, i-split+1, x, y)
		}
		if kind, ok := laterCorrections[i]; ok {
			correct(t, kind, split, a, b)
		}
	}
	probe(t, a, b, moved)
	for id := int64(1); id <= int64(len(stream)); id++ {
		if x, y := a.c.StoryOf(id), b.c.StoryOf(id); x != y {
			t.Fatalf("article %d in story %d, read back in %d", id, x, y)
		}
	}
	if x, y := snapshot(t, a.c), snapshot(t, b.c); !bytes.Equal(x, y) {
		t.Errorf("at the end the original writes %d bytes, the one read back %d other bytes", len(x), len(y))
	}
}

// TestSnapshotRegroupsAlike puts articles where regrouping moves them, as
// TestRegroup does, and regroups after a snapshot: what only such moves
// read of the window, that a copy goes with its original and that a
// person's pin holds, must come back.
func TestSnapshotRegroupsAlike(t *testing.T) {
	c := New(DefaultConfig(), nil)
	// Story 1 holds both events, a copy of the first heist article with
	// them: the heist splits off, taking the copy along.
	place(c, 1, 1, quake[:3]...)
	place(c, 1, 4, heist...)
	c.Commit(7, 1, features(heist[0]), Assignment{CopyOf: 4})
	// Article 9, moved by a person out of story 2 into story 3 of its own,
	// is not to join story 4 of its event.
	place(c, 2, 8, quake[0], quake[1])
	place(c, 4, 10, quake[2], quake[3])
	if err := c.Apply(model.Correction{Kind: "move", Article: 9, Story: 2, Target: 3}, features(quake[1])); err != nil {
		t.Fatal(err)
	}
	back, err := readSnapshot(snapshot(t, c), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	moved := 0
	for _, hood := range [][]int64{{1}, {3, 4}} {
		x, errX := c.Regroup(hood, numbering())
		y, errY := back.Regroup(hood, numbering())
		if !reflect.DeepEqual(timeless(x), timeless(y)) || errX != nil || errY != nil {
			t.Fatalf("regrouping %v: the original changed %+v (%v), the one read back %+v (%v)", hood, x, errX, y, errY)
		}
		moved += len(x)
	}
	if c.StoryOf(7) != c.StoryOf(4) || c.StoryOf(4) == c.StoryOf(1) || c.StoryOf(9) != 3 {
		t.Errorf("the heist's copy in story %d, the heist in %d, the quake in %d, the pinned article in %d",
			c.StoryOf(7), c.StoryOf(4), c.StoryOf(1), c.StoryOf(9))
	}
	if x, y := snapshot(t, c), snapshot(t, back); !bytes.Equal(x, y) {
		t.Errorf("after %d changes the original writes %d bytes, the one read back %d other bytes", moved, len(x), len(y))
	}
}

// TestSnapshotEmpty round-trips a clusterer that holds nothing, which then
// decides as a new one.
func TestSnapshotEmpty(t *testing.T) {
	written := snapshot(t, New(Config{}, nil))
	c, err := readSnapshot(written, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if c.cfg != DefaultConfig() {
		t.Errorf("a zero Config read as %+v, want DefaultConfig()", c.cfg)
	}
	if again := snapshot(t, c); !bytes.Equal(again, written) {
		t.Errorf("the empty clusterer read back writes other bytes")
	}
	fresh, back := &feeder{c: New(Config{}, nil)}, &feeder{c: c}
	for i, a := range append(slices.Clone(quake), heist...) {
		f := features(a)
		if x, y := fresh.feed(int64(i+1), f), back.feed(int64(i+1), f); !reflect.DeepEqual(x, y) {
			t.Fatalf("article %d: a new clusterer decided %+v, the empty one read back %+v", i+1, x, y)
		}
	}
}

// smallSnapshot returns a clusterer of the quake and heist articles, with
// copies of two, a regrouping and a person's move, under a window of four,
// and its snapshot.
func smallSnapshot(tb testing.TB) (*Clusterer, []byte) {
	tb.Helper()
	fd := &feeder{c: New(smallConfig(), nil)}
	arts := append(slices.Clone(quake), heist...)
	arts = append(arts, quake[0], heist[1])
	for i, a := range arts {
		fd.feed(int64(i+1), features(a))
	}
	fd.c.Apply(model.Correction{Kind: "move", Article: 2, Target: 50}, features(arts[1]))
	return fd.c, snapshot(tb, fd.c)
}

func smallConfig() Config {
	cfg := DefaultConfig()
	cfg.RegroupWindow = 4
	return cfg
}

// TestReadSnapshotBad checks that malformed snapshots are refused with an
// error: cut or altered bytes, and states no clusterer reaches, written as
// they are.
func TestReadSnapshotBad(t *testing.T) {
	c, good := smallSnapshot(t)
	if len(c.postings.lists) == 0 || len(c.recent.of) == 0 || len(c.alias)+len(c.stories) < 2 {
		t.Fatal("the small clusterer lacks posting lists or a window")
	}
	// altered writes the snapshot of the small clusterer changed by alter.
	altered := func(alter func(c *Clusterer)) func() []byte {
		return func() []byte {
			c, _ := smallSnapshot(t)
			alter(c)
			return snapshot(t, c)
		}
	}
	anyStory := func(c *Clusterer) *story { return c.stories[slices.Min(slices.Collect(maps.Keys(c.stories)))] }
	tests := []struct {
		name  string
		input func() []byte
		want  error
	}{
		{"empty", func() []byte { return nil }, ErrSnapshot},
		{"wrong magic", func() []byte { return append([]byte("PXCX"), good[4:]...) }, ErrSnapshot},
		{"other version", func() []byte { return append([]byte("PXCS\x02"), good[5:]...) }, ErrSnapshotVersion},
		{"header only", func() []byte { return good[:5] }, ErrSnapshot},
		{"cut in a frame header", func() []byte { return good[:7] }, ErrSnapshot},
		{"cut in the first frame", func() []byte { return good[:len(good)/4] }, ErrSnapshot},
		{"frame too long", func() []byte {
			b := slices.Clone(good)
			b[5+2] = 2 // the first frame's length, above frameSize
			return b
		}, ErrSnapshot},
		{"cut in the copies", func() []byte { return good[:len(good)-3] }, nil},
		{"a posting list longer than the cap", altered(func(c *Clusterer) {
			c.postings.lists[0] = append(c.postings.lists[0], make([]int64, c.cfg.PostingCap)...)
		}), ErrSnapshot},
		{"an empty posting list", altered(func(c *Clusterer) { c.postings.lists[0] = nil }), ErrSnapshot},
		{"a window slot outside the ring", altered(func(c *Clusterer) {
			for sid := range c.recent.of {
				c.recent.of[sid] = append(c.recent.of[sid], int32(len(c.recent.ring)))
			}
		}), ErrSnapshot},
		{"a window longer than configured", altered(func(c *Clusterer) {
			c.recent.ring = append(c.recent.ring, c.recent.ring[0])
		}), ErrSnapshot},
		{"the next slot outside the ring", altered(func(c *Clusterer) { c.recent.next = len(c.recent.ring) }), ErrSnapshot},
		{"aliases in a cycle", altered(func(c *Clusterer) { c.alias[-5], c.alias[-6] = -6, -5 }), ErrSnapshot},
		{"an alias to itself", altered(func(c *Clusterer) { c.alias[-7] = -7 }), ErrSnapshot},
		{"story id 0", altered(func(c *Clusterer) { c.stories[0] = &story{} }), ErrSnapshot},
		{"a vector out of order", altered(func(c *Clusterer) {
			s := anyStory(c)
			s.terms = slices.Clone(s.terms)
			slices.Reverse(s.terms)
		}), ErrSnapshot},
		{"a story vector longer than configured", altered(func(c *Clusterer) {
			s := anyStory(c)
			s.terms = make(vec, c.cfg.StoryTerms+1)
			for i := range s.terms {
				s.terms[i] = wt{uint32(i), 1}
			}
		}), ErrSnapshot},
		{"a window article with more terms than configured", altered(func(c *Clusterer) {
			r := &c.recent.ring[0]
			r.wterms = make(vec, c.cfg.ArticleTerms+1)
			for i := range r.wterms {
				r.wterms[i] = wt{uint32(i), 1}
			}
		}), ErrSnapshot},
		{"a norm not a number", altered(func(c *Clusterer) { anyStory(c).tnorm = math.NaN() }), ErrSnapshot},
		{"an infinite weight", altered(func(c *Clusterer) { c.recent.ring[0].cast.seen = vec{{1, float32(math.Inf(1))}} }), ErrSnapshot},
		{"documents beyond count", altered(func(c *Clusterer) { c.docs = math.MaxInt }), ErrSnapshot},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readSnapshot(tc.input(), smallConfig())
			if err == nil {
				t.Fatalf("read a clusterer of %d stories", len(got.stories))
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
	// Cut anywhere, the snapshot is refused: at every byte of the frames,
	// at some of the copies'.
	end := 5
	for size := -1; size != 0; end += 4 + size {
		size = int(binary.LittleEndian.Uint32(good[end:]))
	}
	for n := 0; n < len(good); n += 1 + max(0, n-end)/4 {
		if _, err := readSnapshot(good[:n], smallConfig()); err == nil {
			t.Fatalf("read the first %d of %d bytes", n, len(good))
		}
	}
}

// FuzzReadSnapshot checks that any bytes are refused or read to a
// clusterer that writes what it reads back as and can go on.
func FuzzReadSnapshot(f *testing.F) {
	_, small := smallSnapshot(f)
	f.Add(small)
	f.Add(snapshot(f, New(smallConfig(), nil)))
	next := features(quake[2])
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := readSnapshot(b, smallConfig())
		if err != nil {
			return
		}
		written := snapshot(t, c)
		again, err := readSnapshot(written, smallConfig())
		if err != nil {
			t.Fatalf("reading back what a clusterer read wrote: %v", err)
		}
		if !bytes.Equal(snapshot(t, again), written) {
			t.Fatal("a clusterer read back writes other bytes")
		}
		fd := &feeder{c: c, story: 1 << 40}
		fd.feed(1<<41, next)
		for sid := range c.stories {
			c.Regroup([]int64{sid}, fd.newStory)
		}
	})
}

// BenchmarkSnapshot writes and reads the snapshot of the clusterer of
// 100,000 synthetic articles, put through as the pipeline does, and
// reports its size and the time to write and to read it per article, and
// the heap the clusterer read back retains against the original's. Run
// with -benchtime=1x or a few.
func BenchmarkSnapshot(b *testing.B) {
	const n = 100_000
	cfg := DefaultConfig()
	fd := &feeder{c: New(cfg, nil)}
	synthFeatures(b, n, func(i int, f *Features) { fd.feed(int64(i+1), f) })
	var (
		buf         bytes.Buffer
		write, read time.Duration
		back        *Clusterer
	)
	for b.Loop() {
		buf.Reset()
		t0 := time.Now()
		w := bufio.NewWriterSize(&buf, 1<<16)
		if err := fd.c.WriteSnapshot(w); err != nil {
			b.Fatal(err)
		}
		w.Flush()
		t1 := time.Now()
		var err error
		if back, err = ReadSnapshot(bufio.NewReaderSize(bytes.NewReader(buf.Bytes()), 1<<16), cfg, nil); err != nil {
			b.Fatal(err)
		}
		write, read = write+t1.Sub(t0), read+time.Since(t1)
	}
	b.ReportMetric(float64(buf.Len())/n, "B/article")
	b.ReportMetric(float64(write.Microseconds())/float64(b.N)/n, "write-µs/article")
	b.ReportMetric(float64(read.Microseconds())/float64(b.N)/n, "read-µs/article")
	// Each clusterer's heap is what letting it go frees.
	retained := func(c **Clusterer) float64 {
		var with, without runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&with)
		*c = nil
		runtime.GC()
		runtime.ReadMemStats(&without)
		return float64(with.HeapAlloc-without.HeapAlloc) / n
	}
	original := retained(&fd.c)
	readBack := retained(&back)
	b.ReportMetric(original, "heap-B/article")
	b.ReportMetric(readBack, "read-heap-B/article")
}

// probe regroups, on both feeders, each story a person moved an article
// out of with the one it went to, then every story with articles in the
// window: only the window, the pins and the exclusions decide these. The
// changes must be the same.
func probe(t *testing.T, a, b *feeder, moved [][2]int64) {
	t.Helper()
	var hoods [][]int64
	for _, m := range moved {
		hoods = append(hoods, []int64{m[1], a.c.StoryOf(m[0])})
	}
	hoods = append(hoods, windowHoods(a.c)...)
	for _, hood := range hoods {
		x, errX := a.c.Regroup(hood, a.newStory)
		y, errY := b.c.Regroup(hood, b.newStory)
		if !reflect.DeepEqual(timeless(x), timeless(y)) || !errors.Is(errX, errY) {
			t.Fatalf("regrouping %v: the original changed %+v (%v), the one read back %+v (%v)", hood, x, errX, y, errY)
		}
	}
}

// windowHoods returns the stories with articles in the window, by id, in
// neighbourhoods of a few: stories made about the same time, which may
// hold articles of one event.
func windowHoods(c *Clusterer) [][]int64 {
	return slices.Collect(slices.Chunk(slices.Sorted(maps.Keys(c.recent.of)), 6))
}
