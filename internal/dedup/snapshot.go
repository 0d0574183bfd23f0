package dedup

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// A snapshot of an index, so that a restart need not sign and add every
// stored article again. Little-endian throughout:
//
//	"pxdi", the format version, then Slots, rows, bands and leadParagraphs
//	    (a byte each), and the number of entries (uint64);
//	each entry in position order: its article and original (int64), then
//	    its signature as MarshalBinary encodes it;
//	each table, the bands' in order then the leads': its number of slots
//	    (uint64), every slot's position+1 (uint32), then every slot's tag.
//
// Positions are the entries' order, so the table of positions by article is
// rebuilt rather than written; so are the paragraphs' places in paras, by
// adding each entry's in turn as Add did. The tables are written slot for
// slot: read back, they are a sequential copy, where placing their keys
// again would take a random probe for each, 16 to 20 an article.
const (
	snapshotMagic = "pxdi"
	// snapshotVersion changes with the encoding, and with anything that
	// moves a key's slot (mix, bandKey, slotHash, the tables' growth).
	snapshotVersion = 1
	snapshotHeader  = len(snapshotMagic) + 5 + 8
	// entryFixed is an entry's size up to its paragraphs.
	entryFixed = 16 + headerSize
	// snapshotChunk is how much WriteTo gathers before a Write, and how
	// much of a table's positions ReadIndex reads at once.
	snapshotChunk = 64 << 10
)

var (
	// ErrIndexFormat is returned by ReadIndex for input that is not an
	// index snapshot, or is one of another format version.
	ErrIndexFormat = errors.New("dedup: not an index snapshot of this format")
	// ErrIndexCorrupt is returned by ReadIndex for a snapshot whose content
	// no index could have.
	ErrIndexCorrupt = errors.New("dedup: corrupt index snapshot")
)

// snapshotShape is the bytes of the header after the version: a snapshot
// taken with other constants is refused even if the version was not bumped.
var snapshotShape = [4]byte{Slots, rows, bands, leadParagraphs}

// WriteTo writes the index in a binary form that ReadIndex reads back
// (io.WriterTo). Adds wait until it returns.
func (x *Index) WriteTo(w io.Writer) (int64, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	e := encoder{w: w, buf: make([]byte, 0, 2*snapshotChunk)}
	e.buf = append(e.buf, snapshotMagic...)
	e.buf = append(e.buf, snapshotVersion)
	e.buf = append(e.buf, snapshotShape[:]...)
	n := x.pos.Len()
	e.buf = binary.LittleEndian.AppendUint64(e.buf, uint64(n))
	for p := range uint32(n) {
		ent, sig := x.signature(p)
		e.buf = binary.LittleEndian.AppendUint64(e.buf, uint64(ent.article))
		e.buf = binary.LittleEndian.AppendUint64(e.buf, uint64(ent.original))
		e.buf, _ = sig.AppendBinary(e.buf) // it never fails
		e.spill()
	}
	for _, t := range x.tables() {
		e.buf = binary.LittleEndian.AppendUint64(e.buf, uint64(len(t.pos)))
		for _, p := range t.pos {
			e.buf = binary.LittleEndian.AppendUint32(e.buf, p)
			e.spill()
		}
		e.write(t.tag)
	}
	e.write(nil)
	if e.err != nil {
		return e.n, fmt.Errorf("write index: %w", e.err)
	}
	return e.n, nil
}

// encoder gathers small writes into chunks, and keeps the first error.
type encoder struct {
	w   io.Writer
	buf []byte
	n   int64
	err error
}

// spill writes the buffer once it holds a chunk.
func (e *encoder) spill() {
	if len(e.buf) >= snapshotChunk {
		e.write(nil)
	}
}

// write writes the buffer, then b.
func (e *encoder) write(b []byte) {
	for _, chunk := range [][]byte{e.buf, b} {
		if e.err == nil && len(chunk) > 0 {
			n, err := e.w.Write(chunk)
			e.n += int64(n)
			e.err = err
		}
	}
	e.buf = e.buf[:0]
}

// ReadIndex reads an index written by WriteTo; rule is the copy rule to
// apply (it is not stored). It reads no further than the index, so r may
// go on with other data; it reads in small pieces, so r should be buffered.
// Input that WriteTo could not have written is an error (ErrIndexFormat,
// ErrIndexCorrupt, or io.ErrUnexpectedEOF when cut short), never a panic
// then or in later use, and memory is allocated only as the data arrives.
func ReadIndex(r io.Reader, rule Rule) (*Index, error) {
	buf := make([]byte, max(snapshotChunk, entryFixed+6*maxParagraphs))
	h := buf[:snapshotHeader]
	if err := readFull(r, h); err != nil {
		return nil, fmt.Errorf("read index header: %w", err)
	}
	if string(h[:len(snapshotMagic)]) != snapshotMagic {
		return nil, fmt.Errorf("read index: no %q at the start: %w", snapshotMagic, ErrIndexFormat)
	}
	h = h[len(snapshotMagic):]
	if h[0] != snapshotVersion {
		return nil, fmt.Errorf("read index: format version %d, want %d: %w", h[0], snapshotVersion, ErrIndexFormat)
	}
	if [4]byte(h[1:5]) != snapshotShape {
		return nil, fmt.Errorf("read index: slots, rows, bands and lead paragraphs %v, want %v: %w", h[1:5], snapshotShape, ErrIndexFormat)
	}
	// Positions are uint32, and tables hold them plus one.
	n := binary.LittleEndian.Uint64(h[5:])
	if n >= math.MaxUint32 {
		return nil, fmt.Errorf("read index: %d entries: %w", n, ErrIndexCorrupt)
	}
	x := NewIndex(rule)
	// leads[p] is how many lead paragraphs the article at p was added
	// under: the bound of the low tag bits the leads' table holds for it.
	var leads []uint8
	nleads := 0
	s := Signature{Paragraphs: make([]Paragraph, 0, maxParagraphs)}
	for p := range uint32(n) {
		if err := x.readEntry(r, buf, &s); err != nil {
			return nil, fmt.Errorf("read index entry %d of %d: %w", p, n, err)
		}
		k := min(len(s.Paragraphs), leadParagraphs)
		leads = append(leads, uint8(k))
		nleads += k
	}
	for b, t := range x.tables() {
		name, keys, lowBound := fmt.Sprintf("band %d", b), int(n), func(uint32) uint8 { return 1 }
		if t == &x.leads {
			name, keys, lowBound = "lead paragraphs", nleads, func(p uint32) uint8 { return leads[p] }
		}
		if err := t.read(r, buf, uint32(n), keys, lowBound); err != nil {
			return nil, fmt.Errorf("read index table of %s: %w", name, err)
		}
	}
	return x, nil
}

// readEntry reads the next entry and appends it, using buf (big enough
// for any entry); it leaves the entry's signature in s.
func (x *Index) readEntry(r io.Reader, buf []byte, s *Signature) error {
	b := buf[:entryFixed]
	if err := readFull(r, b); err != nil {
		return err
	}
	k := int(binary.LittleEndian.Uint16(b[entryFixed-2:]))
	if k > maxParagraphs {
		return fmt.Errorf("%d paragraphs, more than %d: %w", k, maxParagraphs, ErrIndexCorrupt)
	}
	b = buf[:entryFixed+6*k]
	if err := readFull(r, b[entryFixed:]); err != nil {
		return err
	}
	if err := s.unmarshalReusing(b[16:]); err != nil {
		return err
	}
	article, original := int64(binary.LittleEndian.Uint64(b)), int64(binary.LittleEndian.Uint64(b[8:]))
	if s.Empty() {
		return fmt.Errorf("article %d has an empty signature: %w", article, ErrIndexCorrupt)
	}
	if _, ok := x.pos.Get(article); ok {
		return fmt.Errorf("article %d is there twice: %w", article, ErrIndexCorrupt)
	}
	x.append(article, original, s)
	return nil
}

// read reads a table written by WriteTo, using buf (a multiple of 4 bytes
// long), and checks what get and add rely on: its size is what add gives
// its keys, so a probe always ends on an empty slot; it holds positions
// below entries only; at most keys keys; and the low tag bits of position
// p below lowBound(p), as keyFunc expects.
func (t *table) read(r io.Reader, buf []byte, entries uint32, keys int, lowBound func(p uint32) uint8) error {
	if err := readFull(r, buf[:8]); err != nil {
		return err
	}
	// Checked before allocating the slots: no table outgrows its keys.
	size := binary.LittleEndian.Uint64(buf)
	if size != 0 && (size < minTableSize || size&(size-1) != 0) {
		return fmt.Errorf("%d slots, not a power of two from %d: %w", size, minTableSize, ErrIndexCorrupt)
	}
	if size > uint64(tableSize(keys)) {
		return fmt.Errorf("%d slots, more than %d keys need: %w", size, keys, ErrIndexCorrupt)
	}
	t.pos, t.tag = make([]uint32, size), make([]uint8, size)
	for start := 0; start < len(t.pos); start += len(buf) / 4 {
		pos := t.pos[start:min(len(t.pos), start+len(buf)/4)]
		b := buf[:4*len(pos)]
		if err := readFull(r, b); err != nil {
			return err
		}
		for i := range pos {
			pos[i] = binary.LittleEndian.Uint32(b[4*i:])
		}
	}
	if err := readFull(r, t.tag); err != nil {
		return err
	}
	for i, p := range t.pos {
		switch low := t.tag[i] & (1<<tagLowBits - 1); {
		case p == 0 && t.tag[i] != 0:
			return fmt.Errorf("empty slot %d has tag %#x: %w", i, t.tag[i], ErrIndexCorrupt)
		case p == 0:
			continue
		case p > entries:
			return fmt.Errorf("slot %d holds position %d, past the %d entries: %w", i, p-1, entries, ErrIndexCorrupt)
		case low >= lowBound(p-1):
			return fmt.Errorf("slot %d holds position %d with low tag bits %d: %w", i, p-1, low, ErrIndexCorrupt)
		}
		t.n++
	}
	if t.n > keys {
		return fmt.Errorf("%d keys, more than the entries have: %w", t.n, ErrIndexCorrupt)
	}
	if want := tableSize(t.n); want != len(t.pos) {
		return fmt.Errorf("%d keys in %d slots, where add puts them in %d: %w", t.n, len(t.pos), want, ErrIndexCorrupt)
	}
	return nil
}

// readFull fills b from r: the end of input there is an unexpected one.
func readFull(r io.Reader, b []byte) error {
	if _, err := io.ReadFull(r, b); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	return nil
}
