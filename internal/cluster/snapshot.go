package cluster

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"slices"

	"github.com/parallax-news/parallax/internal/dedup"
)

// A snapshot is the clusterer's whole state, written when a process ends
// so that the next one starts from it instead of rebuilding the index from
// every stored article. Layout:
//
//	"PXCS", a version byte
//	frames, each a 4-byte little-endian length and at most frameSize bytes,
//	  an empty frame ending them, holding in turn: docs; the languages;
//	  the articles; the stories; the aliases of merged stories; the
//	  postings, each id's list inline; the window of recent articles
//	the index of copies, as dedup.Index.WriteTo writes it
//
// Integers are varints, ids in sorted sections as differences from the one
// before; floats are their bits, so that they come back exact; vectors
// are a count and, per entry, its id and weight as 4 bytes each. Frames let
// the reader take its part in large reads without reading into the index
// of copies, which dedup reads from the same reader.

// Errors of ReadSnapshot.
var (
	ErrSnapshot        = errors.New("cluster: malformed snapshot")
	ErrSnapshotVersion = errors.New("cluster: unknown snapshot version")
)

const (
	snapshotMagic   = "PXCS"
	snapshotVersion = 1
	// frameSize bounds a frame, and so the reader's room.
	frameSize = 1 << 16
	// maxDocs bounds the document count read: idf adds one to it, as a
	// float.
	maxDocs = 1 << 53
)

// WriteSnapshot writes the clusterer's whole state; ReadSnapshot reads it
// back.
func (c *Clusterer) WriteSnapshot(w io.Writer) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e := &snapWriter{w: w, b: make([]byte, 0, 2*frameSize)}
	e.write(append([]byte(snapshotMagic), snapshotVersion))
	e.uvarint(uint64(c.docs))
	langs := c.writeLangs(e)
	c.writeArticles(e)
	c.writeStories(e, langs)
	c.writeAlias(e)
	c.writePostings(e)
	c.writeWindow(e)
	e.flush()
	e.write(make([]byte, 4)) // the empty frame
	if e.err != nil {
		return fmt.Errorf("write snapshot: %w", e.err)
	}
	if _, err := c.copies.WriteTo(w); err != nil {
		return fmt.Errorf("write snapshot of copies: %w", err)
	}
	return nil
}

// ReadSnapshot reads a clusterer written by WriteSnapshot. cfg is as for
// New; the caller makes sure the snapshot was written under the same.
// Malformed input is an error wrapping ErrSnapshot (ErrSnapshotVersion for
// another version), never a clusterer that may fail later: everything
// later code relies on is checked.
func ReadSnapshot(r io.Reader, cfg Config, log *slog.Logger) (*Clusterer, error) {
	var head [len(snapshotMagic) + 1]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, fmt.Errorf("read snapshot header: %w", truncated(err))
	}
	if string(head[:len(snapshotMagic)]) != snapshotMagic {
		return nil, fmt.Errorf("read snapshot: not one, starting %q: %w", head[:len(snapshotMagic)], ErrSnapshot)
	}
	if v := head[len(snapshotMagic)]; v != snapshotVersion {
		return nil, fmt.Errorf("read snapshot: version %d, this version reads %d: %w", v, snapshotVersion, ErrSnapshotVersion)
	}
	c := New(cfg, log)
	s := &snapReader{decoder: decoder{bad: ErrSnapshot}, r: r}
	var langs []string
	for _, sec := range []struct {
		name string
		read func()
	}{
		{"document count", func() {
			docs := s.uvarint()
			if docs > maxDocs {
				s.invalid("%d documents", docs)
			}
			c.docs = int(docs)
		}},
		{"languages", func() { langs = c.readLangs(s) }},
		{"articles", func() { c.readArticles(s) }},
		{"stories", func() { c.readStories(s, langs) }},
		{"aliases", func() { c.readAlias(s) }},
		{"postings", func() { c.readPostings(s) }},
		{"window", func() { c.readWindow(s) }},
		{"end", func() {
			if s.fill(1) {
				s.invalid("%d bytes past the window", len(s.b)-s.off)
			}
		}},
	} {
		if sec.read(); s.err != nil {
			return nil, fmt.Errorf("read snapshot, %s: %w", sec.name, s.err)
		}
	}
	copies, err := dedup.ReadIndex(r, c.cfg.Copy)
	if err != nil {
		return nil, fmt.Errorf("read snapshot of copies: %w", err)
	}
	c.copies = copies
	return c, nil
}

// writeLangs writes the languages, sorted, and returns each one's number
// in the stories (0 is none).
func (c *Clusterer) writeLangs(e *snapWriter) map[string]uint64 {
	// A story's language is interned when the story is made; the stories'
	// are taken as well so that no story can lose its language here.
	set := maps.Clone(c.langs)
	for _, s := range c.stories {
		set[s.lang] = s.lang
	}
	sorted := slices.Sorted(maps.Keys(set))
	num := make(map[string]uint64, len(sorted)+1)
	e.uvarint(uint64(len(sorted)))
	for i, l := range sorted {
		e.b = appendString(e.b, l)
		num[l] = uint64(i + 1)
	}
	num[""] = 0
	return num
}

// readLangs interns the languages and returns them in order.
func (c *Clusterer) readLangs(s *snapReader) []string {
	n := s.uvarint()
	var out []string
	for i := uint64(0); i < n && s.err == nil; i++ {
		l := s.string()
		if len(out) > 0 && l <= out[len(out)-1] {
			s.invalid("language %q after %q", l, out[len(out)-1])
		}
		c.langs[l] = l
		out = append(out, l)
	}
	return out
}

// Flags of an article.
const (
	articleCounted = 1 << iota
	articlePinned
)

func (c *Clusterer) writeArticles(e *snapWriter) {
	e.uvarint(uint64(c.articles.Len()))
	var prevID, prevStory int64
	for id, a := range c.articles.All() {
		e.varint(id - prevID)
		e.varint(a.story - prevStory)
		var flags byte
		if a.counted {
			flags |= articleCounted
		}
		if a.pinned {
			flags |= articlePinned
		}
		e.b = append(e.b, flags)
		prevID, prevStory = id, a.story
		e.spill()
	}
}

func (c *Clusterer) readArticles(s *snapReader) {
	n := s.uvarint()
	var id, sid int64
	for i := uint64(0); i < n && s.err == nil; i++ {
		prev := id
		id += s.varint()
		sid += s.varint()
		flags := s.byte()
		if i > 0 && id <= prev {
			s.invalid("article %d after %d", id, prev)
		}
		if flags&^(articleCounted|articlePinned) != 0 {
			s.invalid("article %d flags %#x", id, flags)
		}
		c.articles.Put(id, article{story: sid, counted: flags&articleCounted != 0, pinned: flags&articlePinned != 0})
	}
}

func (c *Clusterer) writeStories(e *snapWriter, langs map[string]uint64) {
	ids := slices.Sorted(maps.Keys(c.stories))
	e.uvarint(uint64(len(ids)))
	var prev int64
	for _, id := range ids {
		st := c.stories[id]
		e.varint(id - prev)
		prev = id
		e.varint(int64(st.size))
		e.uvarint(langs[st.lang])
		e.varint(st.first)
		e.varint(st.last - st.first)
		e.vec(st.terms)
		e.vec(st.ents)
		e.varint(int64(st.nt))
		e.varint(int64(st.ne))
		e.float(st.tnorm)
		e.float(st.enorm)
		e.cast(st.cast)
		e.uvarint(uint64(len(st.excluded)))
		for _, a := range st.excluded {
			e.varint(a)
		}
		e.bool(st.manual)
		e.spill()
	}
}

func (c *Clusterer) readStories(s *snapReader, langs []string) {
	n := s.uvarint()
	// Every story holds an article, so those read bound the hint.
	c.stories = make(map[int64]*story, min(n, uint64(c.articles.Len())))
	var id int64
	for i := uint64(0); i < n && s.err == nil; i++ {
		prev := id
		id += s.varint()
		switch {
		case id <= 0:
			s.invalid("story id %d", id)
		case i > 0 && id <= prev:
			s.invalid("story %d after %d", id, prev)
		}
		st := &story{id: id, size: int(s.varint())}
		if l := s.uvarint(); l > uint64(len(langs)) {
			s.invalid("story %d of language %d of %d", id, l, len(langs))
		} else if l > 0 {
			st.lang = langs[l-1]
		}
		st.first = s.varint()
		st.last = st.first + s.varint()
		st.terms = s.vec(c.cfg.StoryTerms)
		st.ents = s.vec(c.cfg.StoryEntities)
		st.nt, st.ne = int(s.varint()), int(s.varint())
		st.tnorm, st.enorm = s.float(), s.float()
		st.cast = s.cast(castParts, castSeen)
		k := s.uvarint()
		for j := uint64(0); j < k && s.err == nil; j++ {
			st.excluded = append(st.excluded, s.varint())
		}
		st.manual = s.bool()
		c.stories[id] = st
	}
}

func (c *Clusterer) writeAlias(e *snapWriter) {
	from := slices.Sorted(maps.Keys(c.alias))
	e.uvarint(uint64(len(from)))
	var prev int64
	for _, id := range from {
		e.varint(id - prev)
		e.varint(c.alias[id])
		prev = id
		e.spill()
	}
}

// readAlias reads the aliases and checks that following them ends: resolve
// loops until it reaches a story that is no alias.
func (c *Clusterer) readAlias(s *snapReader) {
	n := s.uvarint()
	c.alias = make(map[int64]int64, min(n, uint64(c.articles.Len())))
	var id int64
	for i := uint64(0); i < n && s.err == nil; i++ {
		prev := id
		id += s.varint()
		if i > 0 && id <= prev {
			s.invalid("alias of story %d after %d", id, prev)
		}
		c.alias[id] = s.varint()
	}
	if s.err != nil {
		return
	}
	// Each chain is followed until it ends or meets one followed before;
	// a chain longer than the aliases has a cycle.
	ends := make(map[int64]bool, len(c.alias))
	for from := range c.alias {
		id, steps := from, 0
		for !ends[id] {
			next, ok := c.alias[id]
			if !ok {
				break
			}
			if steps++; steps > len(c.alias) {
				s.invalid("the aliases of story %d go round in a cycle", from)
				return
			}
			id = next
		}
		for id := from; !ends[id]; {
			ends[id] = true
			next, ok := c.alias[id]
			if !ok {
				break
			}
			id = next
		}
	}
}

// writePostings writes each id with its list of stories inline: a list
// belongs to one id, so its place in lists is nothing to keep, and the
// reader cannot be given a head outside lists.
func (c *Clusterer) writePostings(e *snapWriter) {
	p := &c.postings
	ids := slices.Sorted(maps.Keys(p.ids))
	e.uvarint(uint64(len(ids)))
	var prev uint32
	for _, id := range ids {
		en := p.ids[id]
		e.uvarint(uint64(id - prev))
		e.uvarint(uint64(en.df))
		prev = id
		if en.head&listBit == 0 {
			e.uvarint(uint64(en.head))
		} else {
			l := p.lists[en.head&^listBit]
			e.uvarint(listBit + uint64(len(l)))
			for _, sid := range l {
				e.varint(sid)
			}
		}
		e.spill()
	}
}

func (c *Clusterer) readPostings(s *snapReader) {
	n := s.uvarint()
	// An article counts at most its maxFeatureTerms terms and
	// maxFeatureEnts entities, so those read bound the hint.
	p := postings{ids: make(map[uint32]idEntry, min(n, uint64(c.articles.Len())*(maxFeatureTerms+maxFeatureEnts)))}
	limit := uint64(max(1, c.cfg.PostingCap))
	var id uint32
	for i := uint64(0); i < n && s.err == nil; i++ {
		d := s.uvarint()
		if d > math.MaxUint32-uint64(id) || i > 0 && d == 0 {
			s.invalid("id %d after %d", uint64(id)+d, id)
			break
		}
		id += uint32(d)
		df, head := s.uvarint(), s.uvarint()
		if df > math.MaxUint32 {
			s.invalid("id %d in %d documents", id, df)
		}
		e := idEntry{df: uint32(df), head: uint32(head)}
		if head >= listBit {
			k := head - listBit
			if k == 0 || k > limit {
				s.invalid("id %d lists %d stories, at most %d", id, k, limit)
				break
			}
			l := make([]int64, k)
			for j := range l {
				l[j] = s.varint()
			}
			e.head = p.newList(l)
		}
		p.ids[id] = e
	}
	c.postings = p
}

func (c *Clusterer) writeWindow(e *snapWriter) {
	w := &c.recent
	e.uvarint(uint64(len(w.ring)))
	e.uvarint(uint64(w.next))
	e.uvarint(w.seq)
	for i := range w.ring {
		r := &w.ring[i]
		e.varint(r.id)
		e.uvarint(r.seq)
		e.varint(r.copyOf)
		e.vec(r.terms)
		e.vec(r.ents)
		e.vec(r.wterms)
		e.vec(r.wents)
		e.float(r.tn)
		e.float(r.en)
		e.cast(r.cast)
		e.varint(r.when)
		e.uvarint(uint64(len(r.stated)))
		for _, sp := range r.stated {
			e.varint(sp.From)
			e.varint(sp.To - sp.From)
		}
		e.spill()
	}
	sids := slices.Sorted(maps.Keys(w.of))
	e.uvarint(uint64(len(sids)))
	var prev int64
	for _, sid := range sids {
		e.varint(sid - prev)
		prev = sid
		e.uvarint(uint64(len(w.of[sid])))
		for _, slot := range w.of[sid] {
			e.uvarint(uint64(slot))
		}
		e.spill()
	}
}

func (c *Clusterer) readWindow(s *snapReader) {
	w := &c.recent
	n, next := s.uvarint(), s.uvarint()
	w.seq = s.uvarint()
	// remember appends until the ring is full, then replaces at next.
	if size := uint64(cap(w.ring)); n > size || next != 0 && (n < size || next >= n) {
		s.invalid("%d articles, the next to go %d, in a window of %d", n, next, size)
		return
	}
	w.next = int(next)
	// Vectors beyond an article's configured size cannot come from Commit,
	// and wordSim weighs entries by unitWeights.
	terms := min(c.cfg.ArticleTerms, len(unitWeights))
	ents := min(c.cfg.ArticleEntities, len(unitWeights))
	for i := uint64(0); i < n && s.err == nil; i++ {
		r := recent{id: s.varint(), seq: s.uvarint(), copyOf: s.varint()}
		r.terms, r.ents = s.vec(terms), s.vec(ents)
		r.wterms, r.wents = s.vec(terms), s.vec(ents)
		r.tn, r.en = s.float(), s.float()
		// An article's cast holds its participants, however many it names.
		r.cast = s.cast(maxLead, math.MaxInt)
		r.when = s.varint()
		k := s.uvarint()
		for j := uint64(0); j < k && s.err == nil; j++ {
			from := s.varint()
			r.stated = append(r.stated, Span{from, from + s.varint()})
		}
		w.ring = append(w.ring, r)
	}
	m := s.uvarint()
	w.of = make(map[int64][]int32, min(m, n))
	var sid int64
	for i := uint64(0); i < m && s.err == nil; i++ {
		prev := sid
		sid += s.varint()
		k := s.uvarint()
		if k == 0 || i > 0 && sid <= prev {
			s.invalid("story %d after %d, with %d articles", sid, prev, k)
			return
		}
		list := make([]int32, 0, min(k, n))
		for j := uint64(0); j < k && s.err == nil; j++ {
			slot := s.uvarint()
			if slot >= n {
				s.invalid("story %d at slot %d of %d", sid, slot, n)
			}
			list = append(list, int32(slot))
		}
		w.of[sid] = list
	}
}

// snapWriter encodes into a buffer it writes out in frames as it fills,
// remembering the first error.
type snapWriter struct {
	w   io.Writer
	b   []byte
	err error
}

func (e *snapWriter) write(p []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(p)
	}
}

// spill writes the buffer out once it holds a frame.
func (e *snapWriter) spill() {
	if len(e.b) >= frameSize {
		e.flush()
	}
}

// flush writes the buffer out in frames.
func (e *snapWriter) flush() {
	for p := e.b; len(p) > 0; {
		n := min(len(p), frameSize)
		e.write(binary.LittleEndian.AppendUint32(nil, uint32(n)))
		e.write(p[:n])
		p = p[n:]
	}
	e.b = e.b[:0]
}

func (e *snapWriter) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *snapWriter) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }

func (e *snapWriter) float(f float64) {
	e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(f))
}

func (e *snapWriter) bool(v bool) {
	var b byte
	if v {
		b = 1
	}
	e.b = append(e.b, b)
}

func (e *snapWriter) vec(v vec) {
	e.uvarint(uint64(len(v)))
	for _, x := range v {
		e.b = binary.LittleEndian.AppendUint32(e.b, x.id)
		e.b = binary.LittleEndian.AppendUint32(e.b, math.Float32bits(x.w))
	}
}

func (e *snapWriter) cast(x cast) {
	e.vec(x.parts)
	e.vec(x.seen)
	e.varint(int64(x.n))
}

// snapReader decodes frames as it needs them, with the features' decoder
// over the bytes read and not yet decoded.
type snapReader struct {
	decoder
	r   io.Reader
	end bool // the empty frame was read
}

// fill makes at least n bytes ready to decode, unless the frames end
// first, and reports whether it could. It only reads what the frames
// hold, so what comes after them is left to be read from r.
func (s *snapReader) fill(n int) bool {
	for len(s.b)-s.off < n {
		if s.end || s.err != nil {
			return false
		}
		var head [4]byte
		if _, err := io.ReadFull(s.r, head[:]); err != nil {
			s.err = truncated(err)
			return false
		}
		size := int(binary.LittleEndian.Uint32(head[:]))
		if size > frameSize {
			s.invalid("frame of %d bytes, at most %d", size, frameSize)
			return false
		}
		if size == 0 {
			s.end = true
			continue
		}
		// The bytes left move to the front, and the frame follows them.
		left := copy(s.b, s.b[s.off:])
		s.b, s.off = slices.Grow(s.b[:left], size)[:left+size], 0
		if _, err := io.ReadFull(s.r, s.b[left:]); err != nil {
			s.b, s.err = s.b[:left], truncated(err)
			return false
		}
	}
	return true
}

// truncated makes the end of the input where more was due an error of a
// malformed snapshot.
func truncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: %w", ErrSnapshot, io.ErrUnexpectedEOF)
	}
	return err
}

// invalid records that the input breaks an invariant, unless an error came
// first.
func (s *snapReader) invalid(format string, args ...any) {
	if s.err == nil {
		s.err = fmt.Errorf(format+": %w", append(args, ErrSnapshot)...)
	}
}

func (s *snapReader) uvarint() uint64 {
	s.fill(binary.MaxVarintLen64)
	return s.decoder.uvarint()
}

func (s *snapReader) varint() int64 {
	s.fill(binary.MaxVarintLen64)
	return s.decoder.varint()
}

func (s *snapReader) byte() byte {
	s.fill(1)
	return s.decoder.byte()
}

func (s *snapReader) bool() bool {
	b := s.byte()
	if b > 1 {
		s.invalid("flag %d", b)
	}
	return b == 1
}

func (s *snapReader) string() string {
	n := s.uvarint()
	if n > math.MaxInt32 || !s.fill(int(n)) {
		s.fail()
		return ""
	}
	v := string(s.b[s.off : s.off+int(n)])
	s.off += int(n)
	return v
}

// float reads a float64, which must be finite: no norm is otherwise.
func (s *snapReader) float() float64 {
	if !s.fill(8) {
		s.fail()
		return 0
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(s.b[s.off:]))
	s.off += 8
	if math.IsInf(f, 0) || math.IsNaN(f) {
		s.invalid("float %v", f)
	}
	return f
}

// vec reads a vector of at most limit entries, sorted by id with finite
// weights, as every vector the clusterer makes is.
func (s *snapReader) vec(limit int) vec {
	n := s.uvarint()
	if n == 0 || s.err != nil {
		return nil
	}
	if n > uint64(limit) {
		s.invalid("vector of %d entries, at most %d", n, limit)
		return nil
	}
	// Room for the entries is taken as they arrive where limit is large.
	v := make(vec, 0, min(int(n), maxFeatureTerms))
	for uint64(len(v)) < n {
		if !s.fill(8) {
			s.fail()
			return nil
		}
		for k := min(int(n)-len(v), (len(s.b)-s.off)/8); k > 0; k-- {
			x := wt{binary.LittleEndian.Uint32(s.b[s.off:]), math.Float32frombits(binary.LittleEndian.Uint32(s.b[s.off+4:]))}
			s.off += 8
			if len(v) > 0 && x.id <= v[len(v)-1].id || math.IsInf(float64(x.w), 0) || math.IsNaN(float64(x.w)) {
				s.invalid("vector entry %d: id %d, weight %v", len(v), x.id, x.w)
				return nil
			}
			v = append(v, x)
		}
	}
	return v
}

func (s *snapReader) cast(parts, seen int) cast {
	return cast{parts: s.vec(parts), seen: s.vec(seen), n: int(s.varint())}
}
