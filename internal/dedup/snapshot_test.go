package dedup

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// copyOf returns a copy of text as another outlet might run it: trimmed,
// padded with its own lines, or keeping only the opening paragraph.
func copyOf(rng *rand.Rand, text string) string {
	ps := strings.Split(text, "\n\n")
	switch rng.IntN(3) {
	case 0:
		return strings.Join(ps[:max(1, len(ps)-1)], "\n\n")
	case 1:
		return "Sign up for our newsletter to get the top stories of the day.\n\n" + text + "\n\nCopyright 2024 The Wire. All rights reserved."
	default:
		return ps[0] + "\n\n" + randomText(rng)
	}
}

// addArticle finds what sig copies in x, then adds it, as the pipeline
// does, and returns the match.
func addArticle(x *Index, id int64, sig Signature) (Match, bool) {
	m, ok := x.Find(sig)
	x.Add(id, sig, m.Original)
	return m, ok
}

// snapshot returns what x.WriteTo writes.
func snapshot(t testing.TB, x *Index) []byte {
	t.Helper()
	var b bytes.Buffer
	n, err := x.WriteTo(&b)
	if err != nil || n != int64(b.Len()) {
		t.Fatalf("WriteTo = %d, %v; wrote %d bytes", n, err, b.Len())
	}
	return b.Bytes()
}

// TestIndexSnapshot checks that an index read back answers every query as
// the one written, and goes on to, as the same articles are added to both.
func TestIndexSnapshot(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	x := NewIndex(DefaultRule())
	// More than a block of entries, so paragraphs straddle blocks; a
	// third of the articles copy an earlier one, some a copy.
	var texts []string
	for i := range 5000 {
		text := randomText(rng)
		if i > 0 && rng.IntN(3) == 0 {
			text = copyOf(rng, texts[rng.IntN(len(texts))])
		}
		texts = append(texts, text)
		addArticle(x, int64(i+1), Sign(text))
	}
	x.Add(-7, Sign("an article id below zero, kept apart from the others in the index"), 0)
	data := snapshot(t, x)
	const tail = "what the caller wrote next"
	r := bytes.NewReader(append(bytes.Clone(data), tail...))
	y, err := ReadIndex(r, DefaultRule())
	if err != nil {
		t.Fatal(err)
	}
	if rest, _ := io.ReadAll(r); string(rest) != tail {
		t.Errorf("ReadIndex left %q in the reader, want %q", rest, tail)
	}
	if !bytes.Equal(snapshot(t, y), data) {
		t.Error("the index read back writes other bytes")
	}
	if x.Len() != y.Len() {
		t.Errorf("Len() = %d read back, %d written", y.Len(), x.Len())
	}

	var probes []string
	for range 2000 {
		text := texts[rng.IntN(len(texts))]
		switch rng.IntN(3) {
		case 0:
			probes = append(probes, text)
		case 1:
			probes = append(probes, copyOf(rng, text))
		default:
			probes = append(probes, randomText(rng))
		}
	}
	matched := 0
	for i, text := range probes {
		sig := Sign(text)
		want, wok := x.Find(sig)
		got, ok := y.Find(sig)
		if got != want || ok != wok {
			t.Fatalf("probe %d: Find = %+v, %v read back; %+v, %v written", i, got, ok, want, wok)
		}
		if ok {
			matched++
		}
	}
	// Later probes find the earlier ones, and the tables grow.
	for i, text := range probes {
		sig := Sign(text)
		id := int64(len(texts) + i + 1)
		want, wok := addArticle(x, id, sig)
		got, ok := addArticle(y, id, sig)
		if got != want || ok != wok {
			t.Fatalf("adding probe %d: Find = %+v, %v read back; %+v, %v written", i, got, ok, want, wok)
		}
	}
	if !bytes.Equal(snapshot(t, y), snapshot(t, x)) {
		t.Error("after the same adds, the indexes write other bytes")
	}
	if matched < len(probes)/2 || matched == len(probes) {
		t.Errorf("%d of %d probes matched: the probes do not test both outcomes", matched, len(probes))
	}
}

func TestIndexSnapshotEmpty(t *testing.T) {
	data := snapshot(t, NewIndex(DefaultRule()))
	if len(data) != snapshotHeader+(bands+1)*8 {
		t.Errorf("an empty index takes %d bytes", len(data))
	}
	y, err := ReadIndex(bytes.NewReader(data), DefaultRule())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(snapshot(t, y), data) {
		t.Error("the empty index read back writes other bytes")
	}
	sig := Sign(seeds(t)[0])
	if m, ok := y.Find(sig); ok {
		t.Errorf("Find in the empty index = %+v", m)
	}
	y.Add(1, sig, 0)
	if m, ok := y.Find(sig); !ok || m.Article != 1 {
		t.Errorf("Find after Add = %+v, %v; want article 1", m, ok)
	}
}

// smallSnapshot returns the snapshot of an index of two articles of two
// paragraphs each, and where its tables start.
func smallSnapshot(t testing.TB) ([]byte, int) {
	x := NewIndex(DefaultRule())
	at := snapshotHeader
	for i, text := range []string{
		"the council voted on the harbour budget last night\n\nthe minister said the river bridge will close for a year",
		"a storm hit the coast and closed the rail line for two days\n\nschools and the clinic stayed shut while crews cleared the roads",
	} {
		sig := Sign(text)
		x.Add(int64(i+1), sig, 0)
		at += entryFixed + 6*len(sig.Paragraphs)
	}
	return snapshot(t, x), at
}

func TestReadIndexErrors(t *testing.T) {
	good, tables := smallSnapshot(t)
	// The tables have minTableSize slots each: the size, the positions,
	// then the tags. Band 0's table, and the leads' table, start here:
	const tableLen = 8 + 5*minTableSize
	band0, leads := tables, tables+bands*tableLen
	filled := func(b []byte, table int) int {
		for i := range minTableSize {
			if binary.LittleEndian.Uint32(b[table+8+4*i:]) != 0 {
				return i
			}
		}
		t.Fatal("no filled slot")
		return 0
	}
	empty := func(b []byte, table int) int {
		for i := range minTableSize {
			if binary.LittleEndian.Uint32(b[table+8+4*i:]) == 0 {
				return i
			}
		}
		t.Fatal("no empty slot")
		return 0
	}
	tag := func(table, slot int) int { return table + 8 + 4*minTableSize + slot }
	tests := []struct {
		name   string
		change func(b []byte) []byte
		want   error
	}{
		{name: "empty", change: func([]byte) []byte { return nil }, want: io.ErrUnexpectedEOF},
		{name: "wrong magic", change: func(b []byte) []byte { b[0] = 'x'; return b }, want: ErrIndexFormat},
		{name: "wrong version", change: func(b []byte) []byte { b[4] = snapshotVersion + 1; return b }, want: ErrIndexFormat},
		{name: "other bands", change: func(b []byte) []byte { b[7] = bands + 1; return b }, want: ErrIndexFormat},
		{name: "cut in the header", change: func(b []byte) []byte { return b[:snapshotHeader-1] }, want: io.ErrUnexpectedEOF},
		{name: "cut in an entry", change: func(b []byte) []byte { return b[:snapshotHeader+20] }, want: io.ErrUnexpectedEOF},
		{name: "cut in its paragraphs", change: func(b []byte) []byte { return b[:snapshotHeader+entryFixed+3] }, want: io.ErrUnexpectedEOF},
		{name: "cut before the tables", change: func(b []byte) []byte { return b[:tables] }, want: io.ErrUnexpectedEOF},
		{name: "cut in a table's positions", change: func(b []byte) []byte { return b[:tables+100] }, want: io.ErrUnexpectedEOF},
		{name: "cut in its tags", change: func(b []byte) []byte { return b[:tables+tableLen-1] }, want: io.ErrUnexpectedEOF},
		{name: "cut at the last byte", change: func(b []byte) []byte { return b[:len(b)-1] }, want: io.ErrUnexpectedEOF},
		{name: "a count of entries past positions", change: func(b []byte) []byte {
			binary.LittleEndian.PutUint64(b[snapshotHeader-8:], math.MaxUint32)
			return b
		}, want: ErrIndexCorrupt},
		{name: "billions of entries, and no data", change: func(b []byte) []byte {
			binary.LittleEndian.PutUint64(b[snapshotHeader-8:], math.MaxUint32-1)
			return b[:snapshotHeader]
		}, want: io.ErrUnexpectedEOF},
		{name: "an article twice", change: func(b []byte) []byte {
			binary.LittleEndian.PutUint64(b[snapshotHeader:], 2)
			return b
		}, want: ErrIndexCorrupt},
		{name: "an empty signature", change: func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[snapshotHeader+16:], 0)
			return b
		}, want: ErrIndexCorrupt},
		{name: "too many paragraphs", change: func(b []byte) []byte {
			binary.LittleEndian.PutUint16(b[snapshotHeader+entryFixed-2:], maxParagraphs+1)
			return b
		}, want: ErrIndexCorrupt},
		{name: "a table size not a power of two", change: func(b []byte) []byte {
			binary.LittleEndian.PutUint64(b[band0:], 100)
			return b
		}, want: ErrIndexCorrupt},
		{name: "a table bigger than its keys need", change: func(b []byte) []byte {
			binary.LittleEndian.PutUint64(b[band0:], 2*minTableSize)
			return b
		}, want: ErrIndexCorrupt},
		{name: "a huge table", change: func(b []byte) []byte {
			binary.LittleEndian.PutUint64(b[band0:], 1<<62)
			return b
		}, want: ErrIndexCorrupt},
		{name: "a position out of range", change: func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[band0+8+4*filled(b, band0):], 3)
			return b
		}, want: ErrIndexCorrupt},
		{name: "more keys than articles", change: func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[band0+8+4*empty(b, band0):], 1)
			return b
		}, want: ErrIndexCorrupt},
		{name: "a table with slots and no keys", change: func(b []byte) []byte {
			clear(b[band0+8 : band0+tableLen])
			return b
		}, want: ErrIndexCorrupt},
		{name: "a tag on an empty slot", change: func(b []byte) []byte {
			b[tag(band0, empty(b, band0))] = 0x80
			return b
		}, want: ErrIndexCorrupt},
		{name: "low tag bits in a band's table", change: func(b []byte) []byte {
			b[tag(band0, filled(b, band0))] |= 1
			return b
		}, want: ErrIndexCorrupt},
		{name: "a lead paragraph the article lacks", change: func(b []byte) []byte {
			b[tag(leads, filled(b, leads))] |= 3
			return b
		}, want: ErrIndexCorrupt},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, err := ReadIndex(bytes.NewReader(tc.change(bytes.Clone(good))), DefaultRule())
			if !errors.Is(err, tc.want) {
				t.Errorf("ReadIndex = %v, %v; want %v", x, err, tc.want)
			}
		})
	}
}

// FuzzReadIndex checks that ReadIndex refuses what WriteTo could not have
// written: what it accepts, it writes back byte for byte, and answers
// queries and adds without a panic.
func FuzzReadIndex(f *testing.F) {
	small, _ := smallSnapshot(f)
	f.Add(small)
	f.Add(snapshot(f, NewIndex(DefaultRule())))
	x := NewIndex(DefaultRule())
	rng := rand.New(rand.NewPCG(7, 8))
	var texts []string
	for i := range 40 {
		text := randomText(rng)
		if i%4 == 3 {
			text = copyOf(rng, texts[i-1])
		}
		texts = append(texts, text)
		addArticle(x, int64(i+1), Sign(text))
	}
	f.Add(snapshot(f, x))
	probes := []Signature{Sign(texts[0]), Sign(copyOf(rng, texts[1])), Sign(randomText(rng))}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		x, err := ReadIndex(r, DefaultRule())
		if err != nil {
			return
		}
		read := data[:len(data)-r.Len()]
		if back := snapshot(t, x); !bytes.Equal(back, read) {
			t.Fatalf("read %d bytes, wrote %d others back", len(read), len(back))
		}
		for p := range uint32(x.Len()) {
			_, sig := x.signature(p)
			x.Find(sig)
		}
		for i, sig := range probes {
			addArticle(x, math.MaxInt64-int64(i), sig)
		}
	})
}

// BenchmarkIndexSnapshot writes and reads an index of 100,000 articles,
// and reports the cost per article.
func BenchmarkIndexSnapshot(b *testing.B) {
	const n = 100_000
	rng := rand.New(rand.NewPCG(9, 10))
	x := NewIndex(DefaultRule())
	paras := 0
	for i := range n {
		sig := Sign(randomText(rng))
		paras += len(sig.Paragraphs)
		x.Add(int64(i+1), sig, 0)
	}
	data := snapshot(b, x)
	b.Logf("%d articles, %.1f paragraphs an article", n, float64(paras)/n)
	b.Run("write", func(b *testing.B) {
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			w := bufio.NewWriter(&buf)
			if _, err := x.WriteTo(w); err != nil {
				b.Fatal(err)
			}
			if err := w.Flush(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/article")
		b.ReportMetric(float64(len(data))/n, "bytes/article")
	})
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			if _, err := ReadIndex(bufio.NewReader(bytes.NewReader(data)), DefaultRule()); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/article")
		b.ReportMetric(float64(len(data))/n, "bytes/article")
	})
}
