// Package dedup finds syndicated copies: a MinHash signature over word
// shingles of an article's clean text, and an LSH banding index that finds
// earlier articles sharing enough shingles to be the same text.
//
// Written here rather than taken from a library: the Go MinHash/LSH packages
// we looked at are unmaintained, keep 64-bit values and one slice per bucket
// (too big at a million articles), and none estimates containment, which a
// trimmed or padded copy needs. The signature is one-permutation MinHash
// (Li, Owen and Zhang 2012) with rotation densification (Shrivastava and Li
// 2014): one hash per shingle instead of one per shingle and slot, and
// 16-bit slots (b-bit MinHash, Li and König 2010), 128 bytes a signature.
package dedup

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
)

const (
	// Slots is the number of MinHash values in a signature.
	Slots = 64
	// ShingleWords is the number of consecutive words in a shingle. Five
	// words rarely recur by chance between two write-ups of one event,
	// while a copy keeps nearly all of them.
	ShingleWords = 5
	// slotBits is how many high bits of a shingle's hash choose its slot.
	slotBits = 6
	// emptySlot marks a slot no shingle fell into before densification.
	emptySlot = ^uint64(0)
	// minParagraphWords: shorter lines (an "ADVERTISEMENT", a byline)
	// are not evidence of copying and are left out of paragraph matching.
	minParagraphWords = 6
	// maxParagraphs bounds a signature's size on huge inputs.
	maxParagraphs = 256
	// headerSize is the fixed part of MarshalBinary's output.
	headerSize = 4 + 2*Slots + 2
)

// ErrSignatureSize is returned when decoding bytes of the wrong length.
var ErrSignatureSize = errors.New("dedup: malformed signature bytes")

// Signature is the sketch of an article's text: MinHash over its shingles,
// and a hash of each of its paragraphs. Paragraphs catch a copy whose
// MinHash similarity is diluted by another outlet's added lines on a short
// text: two write-ups almost never share whole paragraphs word for word.
type Signature struct {
	// Shingles is the number of shingles the text has (with repeats); zero
	// means no text, and such a signature matches nothing.
	Shingles uint32
	Mins     [Slots]uint16
	// Paragraphs of at least minParagraphWords words, in order.
	Paragraphs []Paragraph
}

// Paragraph is the hash of one paragraph's lowercased words and its length.
type Paragraph struct {
	Hash  uint32
	Words uint16
}

// Sign computes the signature of a clean text. Words are runs of letters
// and digits, lowercased, so punctuation, spacing and case changes between
// outlets do not hide a copy. A text shorter than one shingle is hashed as
// one shingle of all its words.
func Sign(text string) Signature {
	var (
		sig    Signature
		mins   [Slots]uint64
		window [ShingleWords]uint64 // hashes of the last words, ring
		n      int                  // words seen
	)
	for i := range mins {
		mins[i] = emptySlot
	}
	add := func(h uint64) {
		slot := h >> (64 - slotBits)
		if v := h << slotBits >> slotBits; v < mins[slot] {
			mins[slot] = v
		}
		sig.Shingles++
	}
	var para Paragraph
	var paraHash uint64
	endParagraph := func() {
		if para.Words >= minParagraphWords && len(sig.Paragraphs) < maxParagraphs {
			para.Hash = uint32(paraHash)
			sig.Paragraphs = append(sig.Paragraphs, para)
		}
		para, paraHash = Paragraph{}, 0
	}
	forEachWord(text, func(w uint64, newParagraph bool) {
		if newParagraph {
			endParagraph()
		}
		paraHash = mix(paraHash ^ w)
		para.Words = min(para.Words+1, ^uint16(0))
		window[n%ShingleWords] = w
		n++
		if n >= ShingleWords {
			add(shingleHash(window[:], n))
		}
	})
	endParagraph()
	if n > 0 && n < ShingleWords {
		add(shingleHash(window[:n], n))
	}
	if sig.Shingles == 0 {
		return sig
	}
	densify(&mins)
	for i, m := range mins {
		sig.Mins[i] = uint16(m)
	}
	return sig
}

// forEachWord calls fn with the hash of every lowercased word of text, and
// whether a line break came before it (paragraphs are lines, or blocks
// between blank lines: either way a break starts one).
func forEachWord(text string, fn func(w uint64, newParagraph bool)) {
	var buf [64]byte
	word := buf[:0]
	brk := false
	flush := func() {
		if len(word) > 0 {
			fn(xxhash.Sum64(word), brk)
			word, brk = word[:0], false
		}
	}
	for i := 0; i < len(text); {
		// ASCII, nearly all of news, without decoding or Unicode tables.
		if c := text[i]; c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
				word = append(word, c)
				continue
			case 'A' <= c && c <= 'Z':
				word = append(word, c+'a'-'A')
				continue
			}
			flush()
			brk = brk || c == '\n'
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			word = utf8.AppendRune(word, unicode.ToLower(r))
			continue
		}
		flush()
	}
	flush()
}

// shingleHash combines the word hashes of the ring window, oldest first
// (n words seen so far), into one hash.
func shingleHash(window []uint64, n int) uint64 {
	k := len(window)
	h := uint64(k)
	for i := range k {
		h = mix(h ^ window[(n+i)%k])
	}
	return h
}

// mix is the splitmix64 finaliser: a bijection that spreads every input
// bit over the output.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// densify fills each empty slot from the nearest filled slot to its right
// (circularly), salted by the distance, so that two texts agree on an empty
// slot with the probability they agree on a filled one.
func densify(mins *[Slots]uint64) {
	for i := range mins {
		if mins[i] != emptySlot {
			continue
		}
		for d := 1; d < Slots; d++ {
			if v := mins[(i+d)%Slots]; v != emptySlot {
				mins[i] = mix(v + uint64(d))
				break
			}
		}
	}
}

// Empty reports whether the signature has no shingles.
func (s Signature) Empty() bool { return s.Shingles == 0 }

// Similarity is how much of a new text an earlier one holds.
type Similarity struct {
	// Jaccard estimates the Jaccard similarity of the shingle sets.
	Jaccard float64
	// Containment estimates the share of the smaller shingle set found in
	// the larger: a trimmed copy has a modest Jaccard and a high containment.
	Containment float64
	// Paragraphs is the share of the new text's words that lie in
	// paragraphs the earlier text has word for word.
	Paragraphs float64
}

// Compare estimates how much of text next (the newer article) the
// signature of earlier holds.
func Compare(next, earlier *Signature) Similarity {
	if next.Empty() || earlier.Empty() {
		return Similarity{}
	}
	same := 0
	for i := range next.Mins {
		if next.Mins[i] == earlier.Mins[i] {
			same++
		}
	}
	j := float64(same) / Slots
	// |A∩B| = J(|A|+|B|)/(1+J), from |A∪B| = |A|+|B|-|A∩B|.
	inter := j * float64(next.Shingles+earlier.Shingles) / (1 + j)
	sim := Similarity{Jaccard: j, Containment: min(1, inter/float64(min(next.Shingles, earlier.Shingles)))}

	var shared, total int
	for _, p := range next.Paragraphs {
		total += int(p.Words)
		for _, q := range earlier.Paragraphs {
			if p == q {
				shared += int(p.Words)
				break
			}
		}
	}
	if total > 0 {
		sim.Paragraphs = float64(shared) / float64(total)
	}
	return sim
}

// MarshalBinary encodes the signature, little-endian: 132 bytes of
// MinHash, then the paragraph count and 6 bytes a paragraph.
func (s Signature) MarshalBinary() ([]byte, error) {
	return s.AppendBinary(make([]byte, 0, headerSize+6*len(s.Paragraphs)))
}

// AppendBinary appends the encoding of MarshalBinary to b.
func (s Signature) AppendBinary(b []byte) ([]byte, error) {
	b = binary.LittleEndian.AppendUint32(b, s.Shingles)
	for _, m := range s.Mins {
		b = binary.LittleEndian.AppendUint16(b, m)
	}
	b = binary.LittleEndian.AppendUint16(b, uint16(len(s.Paragraphs)))
	for _, p := range s.Paragraphs {
		b = binary.LittleEndian.AppendUint32(b, p.Hash)
		b = binary.LittleEndian.AppendUint16(b, p.Words)
	}
	return b, nil
}

// UnmarshalBinary decodes what MarshalBinary wrote.
func (s *Signature) UnmarshalBinary(b []byte) error {
	var t Signature // s is left alone on an error
	if err := t.unmarshalReusing(b); err != nil {
		return err
	}
	*s = t
	return nil
}

// unmarshalReusing is UnmarshalBinary decoding the paragraphs into the
// array of s.Paragraphs where it has room, so that ReadIndex allocates
// once for a million signatures, not once each.
func (s *Signature) unmarshalReusing(b []byte) error {
	if len(b) < headerSize {
		return fmt.Errorf("decode signature of %d bytes: %w", len(b), ErrSignatureSize)
	}
	n := int(binary.LittleEndian.Uint16(b[headerSize-2:]))
	if len(b) != headerSize+6*n {
		return fmt.Errorf("decode signature of %d bytes with %d paragraphs: %w", len(b), n, ErrSignatureSize)
	}
	s.Shingles = binary.LittleEndian.Uint32(b)
	for i := range s.Mins {
		s.Mins[i] = binary.LittleEndian.Uint16(b[4+2*i:])
	}
	if s.Paragraphs == nil || cap(s.Paragraphs) < n {
		s.Paragraphs = make([]Paragraph, n)
	}
	s.Paragraphs = s.Paragraphs[:n]
	for i := range s.Paragraphs {
		off := headerSize + 6*i
		s.Paragraphs[i] = Paragraph{Hash: binary.LittleEndian.Uint32(b[off:]), Words: binary.LittleEndian.Uint16(b[off+4:])}
	}
	return nil
}
