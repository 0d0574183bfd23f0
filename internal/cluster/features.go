package cluster

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/parallax-news/parallax/internal/dedup"
	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/text"
)

// ErrFeatures is returned when stored feature bytes cannot be decoded.
var ErrFeatures = errors.New("cluster: malformed feature bytes")

const (
	// maxFeatureTerms bounds the terms kept of one article (a 5 MB text
	// must not cost more than a long report). Title and lead terms are kept
	// first, then the most frequent.
	maxFeatureTerms = 256
	maxFeatureEnts  = 64
	// datelineSentences: a full date in the first sentences is taken as
	// the article's date when it has no publication date.
	datelineSentences = 3
	// leadTokens of the body count as lead: news states its event first.
	leadTokens = 60
	// leadSentences: an entity named in the first sentences is one the
	// event is about (the victim, the place), not background.
	leadSentences = 3
	// maxStated bounds the dates kept of one article's text.
	maxStated = 8
	// featuresVersion leads the encoding so a later layout can be told
	// apart; version 1 had no stated dates.
	featuresVersion = 2
)

// Features is what the clusterer knows of one article. It is computed once
// from the analysis and stored, so the index can be rebuilt without
// re-analysing anything. Weights are not stored: they depend on document
// frequencies that keep changing as articles arrive.
type Features struct {
	// Published is the publication time in Unix seconds, 0 when unknown.
	Published int64
	// TextDate is the first full date the text states (a dateline, "on
	// July 7, 2012"), in Unix seconds, 0 when none: the event's time when
	// the publication time is unknown.
	TextDate int64
	// Stated are the days and months the body names with their year,
	// anywhere in it: a follow-up states the date of the event it follows
	// ("the shooting on March 3, 2011"), however much later it runs, so
	// time counts from the nearest of them as well (see story.gapFrom).
	Stated   []Span
	Language string
	// Terms are the article's content stems, with counts in the title,
	// the lead and the whole body.
	Terms []Term
	// Entities are the named entities, keyed so variants match.
	Entities  []Entity
	Signature dedup.Signature
}

// Span is a stretch of time stated in a text, in Unix seconds, From to To
// inclusive: a day, or a month named with its year.
type Span struct{ From, To int64 }

// Term is one stem of an article.
type Term struct {
	Stem string
	// Form is the commonest written form, for explanations.
	Form  string
	Title uint16
	Lead  uint16
	Body  uint16
}

// Entity is one named entity of an article.
type Entity struct {
	// Key is text.EntityKey of the canonical name; variants share it.
	Key  string
	Name string
	Kind string
	// Count is the number of mentions (at least 1).
	Count uint16
	// Title is set when the headline names the entity.
	Title bool
	// Lead is set when the first sentences name the entity.
	Lead bool
}

// When is the article's time: its publication time, or else the date its
// text states; 0 when neither is known.
func (f *Features) When() int64 { return cmp.Or(f.Published, f.TextDate) }

// statedSpans returns the distinct days and months, each with its year,
// among a text's time expressions, the first maxStated of them. A day or
// month without its year is left out: which year it means is a guess.
func statedSpans(times []text.Time) []Span {
	var out []Span
	for _, tm := range times {
		if tm.Year == 0 || tm.Month < 1 || tm.Month > 12 || len(out) == maxStated {
			continue
		}
		var sp Span
		if tm.Day > 0 {
			day := time.Date(tm.Year, time.Month(tm.Month), tm.Day, 0, 0, 0, 0, time.UTC)
			sp = Span{day.Unix(), day.AddDate(0, 0, 1).Unix() - 1}
		} else {
			month := time.Date(tm.Year, time.Month(tm.Month), 1, 0, 0, 0, 0, time.UTC)
			sp = Span{month.Unix(), month.AddDate(0, 1, 0).Unix() - 1}
		}
		if !slices.Contains(out, sp) {
			out = append(out, sp)
		}
	}
	return out
}

// minBodyTerms is the fewest distinct content words a body needs to be
// clustered: a headline alone, a single word or a line of boilerplate is
// too little evidence, and would join whatever story shares its one word.
const minBodyTerms = 3

// Empty reports whether the article has too little text to cluster on.
func (f *Features) Empty() bool { return f.BodyTerms() < minBodyTerms }

// BodyTerms counts the distinct content words of the article's body.
func (f *Features) BodyTerms() int {
	n := 0
	for _, t := range f.Terms {
		if t.Body > 0 {
			n++
		}
	}
	return n
}

// Extract computes an article's features from its analysis. A nil doc is
// analysed here.
func Extract(a *model.Article, doc *text.Doc) *Features {
	if doc == nil {
		doc = text.Analyze(a.Title, a.Text)
	}
	f := &Features{Language: a.Language, Signature: dedup.Sign(a.Text)}
	if a.Published != nil {
		f.Published = a.Published.Unix()
	}
	for _, tm := range doc.Times {
		// Only a date near the top is a dateline; later ones are often
		// the background of the event.
		if tm.Sentence < datelineSentences && tm.Year > 0 && tm.Month > 0 && tm.Day > 0 {
			f.TextDate = time.Date(tm.Year, time.Month(tm.Month), tm.Day, 12, 0, 0, 0, time.UTC).Unix()
			break
		}
	}
	f.Stated = statedSpans(doc.Times)
	sc := scratchPool.Get().(*termScratch)
	defer sc.put()
	index, terms := sc.index, sc.terms
	add := func(tok text.Token, title, lead bool) {
		if tok.Stop || len(tok.Norm) < 2 && !isDigit(tok.Norm) {
			return
		}
		i, ok := index[tok.Stem]
		if !ok {
			i = int32(len(terms))
			index[tok.Stem] = i
			terms = append(terms, termAcc{Term: Term{Stem: tok.Stem, Form: tok.Norm}})
		}
		t := &terms[i]
		switch {
		case t.forms != nil:
			t.forms[tok.Norm]++
		case tok.Norm == t.Form:
			t.n++
		default:
			t.forms = map[string]int{t.Form: t.n, tok.Norm: 1}
		}
		switch {
		case title:
			t.Title = sat16(t.Title + 1)
		case lead:
			t.Lead = sat16(t.Lead + 1)
			t.Body = sat16(t.Body + 1)
		default:
			t.Body = sat16(t.Body + 1)
		}
	}
	for _, tok := range doc.TitleTokens {
		add(tok, true, false)
	}
	head := headline(a, doc)
	for i, tok := range doc.Tokens {
		add(tok, tok.End <= len(head), i < leadTokens)
	}
	// Most title and lead mentions first, then most body mentions, then
	// first appearance: one key per term, sorted as integers.
	order := slices.Grow(sc.order[:0], len(terms))[:len(terms)]
	sc.terms, sc.order = terms, order
	for i, t := range terms {
		order[i] = uint64(^(t.Title+t.Lead))<<48 | uint64(^t.Body)<<32 | uint64(i)
	}
	slices.Sort(order)
	f.Terms = slices.Grow(f.Terms, min(len(order), maxFeatureTerms))
	for _, k := range order[:min(len(order), maxFeatureTerms)] {
		t := &terms[uint32(k)]
		// The commonest form; of equally common ones, the least.
		best := 0
		for form, n := range t.forms {
			if n > best || n == best && form < t.Form {
				t.Form, best = form, n
			}
		}
		f.Terms = append(f.Terms, t.Term)
	}
	for _, e := range doc.Entities {
		if len(f.Entities) == maxFeatureEnts {
			break
		}
		// A weak entity is only a nationality adjective ("Russian"): the
		// topic, not a participant, and shared by unrelated events.
		if e.Key == "" || e.Weak {
			continue
		}
		inHead := e.InTitle
		for _, v := range e.Variants {
			inHead = inHead || head != "" && strings.Contains(head, v)
		}
		f.Entities = append(f.Entities, Entity{Key: e.Key, Name: e.Name, Kind: e.Kind, Count: uint16(max(1, min(e.Count, 1<<16-1))),
			Title: inHead, Lead: len(e.Sentences) > 0 && e.Sentences[0] < leadSentences})
	}
	return f
}

// termAcc gathers one term of an article. Most terms have one written
// form, counted inline; a map of forms is made only when a second appears.
type termAcc struct {
	Term
	n     int            // count of Form while forms is nil
	forms map[string]int // counts of every form, once there are two
}

// termScratch is Extract's working space, reused across calls: making a
// map and slices for every article was about a sixth of its cost.
type termScratch struct {
	// index maps a stem to its term in terms, which are in order of first
	// appearance, so that the index of a term orders it by first position.
	index map[string]int32
	terms []termAcc
	order []uint64
}

var scratchPool = sync.Pool{New: func() any { return &termScratch{index: make(map[string]int32, 256)} }}

// maxScratchTerms: the scratch of an article with more terms is dropped,
// since clearing a map costs as much as its largest size.
const maxScratchTerms = 1024

func (s *termScratch) put() {
	if len(s.terms) > maxScratchTerms {
		return
	}
	clear(s.index)
	clear(s.terms) // the strings and maps of the article
	s.terms = s.terms[:0]
	scratchPool.Put(s)
}

// maxHeadlineTokens: a first paragraph this short is a headline.
const maxHeadlineTokens = 16

// headline returns the body's first paragraph when the article has no
// title and that paragraph is short enough to be one: texts without
// metadata (JSONL exports, pasted text) often start with their headline.
func headline(a *model.Article, doc *text.Doc) string {
	if len(doc.TitleTokens) > 0 {
		return ""
	}
	end := strings.IndexByte(a.Text, '\n')
	if end < 0 {
		return ""
	}
	n := 0
	for _, tok := range doc.Tokens {
		if tok.End > end {
			break
		}
		n++
	}
	if n < 2 || n > maxHeadlineTokens {
		return ""
	}
	return a.Text[:end]
}

func isDigit(s string) bool { return len(s) == 1 && '0' <= s[0] && s[0] <= '9' }

func sat16(v uint16) uint16 {
	if v == 0 { // wrapped
		return 1<<16 - 1
	}
	return v
}

// MarshalBinary encodes the features compactly: varints and
// length-prefixed strings, a signature at the end.
func (f *Features) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 64+len(f.Terms)*16+len(f.Entities)*24)
	b = append(b, featuresVersion)
	b = binary.AppendVarint(b, f.Published)
	b = binary.AppendVarint(b, f.TextDate)
	b = binary.AppendUvarint(b, uint64(len(f.Stated)))
	for _, sp := range f.Stated {
		b = binary.AppendVarint(b, sp.From)
		b = binary.AppendVarint(b, sp.To-sp.From)
	}
	b = appendString(b, f.Language)
	b = binary.AppendUvarint(b, uint64(len(f.Terms)))
	for _, t := range f.Terms {
		b = appendString(b, t.Stem)
		form := t.Form
		if form == t.Stem { // the common case costs one byte
			form = ""
		}
		b = appendString(b, form)
		b = binary.AppendUvarint(b, uint64(t.Title))
		b = binary.AppendUvarint(b, uint64(t.Lead))
		b = binary.AppendUvarint(b, uint64(t.Body))
	}
	b = binary.AppendUvarint(b, uint64(len(f.Entities)))
	for _, e := range f.Entities {
		b = appendString(b, e.Key)
		b = appendString(b, e.Name)
		b = appendString(b, e.Kind)
		b = binary.AppendUvarint(b, uint64(e.Count))
		b = append(b, entityFlags(e))
	}
	return f.Signature.AppendBinary(b)
}

// UnmarshalBinary decodes what MarshalBinary wrote. Like encoding/json, it
// reuses the room of f's Terms and Entities: rebuilding the index decodes
// every stored article into a few Features reused in turn, and making new
// ones was a third of what that rebuild gave the collector. Stated is always new, since the
// clusterer keeps it. After an error f holds what it held, its Terms and
// Entities perhaps overwritten.
func (f *Features) UnmarshalBinary(b []byte) error {
	d := decoder{b: b}
	v := d.byte()
	if v < 1 || v > featuresVersion {
		return fmt.Errorf("decode features version %d: %w", v, ErrFeatures)
	}
	g := Features{Published: d.varint(), TextDate: d.varint()}
	if v >= 2 {
		n := d.count(2)
		for range n {
			from := d.varint()
			g.Stated = append(g.Stated, Span{from, from + d.varint()})
		}
	}
	g.Language = d.string()
	n := d.count(4)
	g.Terms = slices.Grow(f.Terms[:0], n)
	for range n {
		t := Term{Stem: d.string(), Form: d.string(), Title: d.u16(), Lead: d.u16(), Body: d.u16()}
		if t.Form == "" {
			t.Form = t.Stem
		}
		g.Terms = append(g.Terms, t)
	}
	n = d.count(4)
	g.Entities = slices.Grow(f.Entities[:0], n)
	for range n {
		e := Entity{Key: d.string(), Name: d.string(), Kind: d.string(), Count: d.u16()}
		flags := d.byte()
		e.Title, e.Lead = flags&flagTitle != 0, flags&flagLead != 0
		g.Entities = append(g.Entities, e)
	}
	if d.err != nil {
		return fmt.Errorf("decode features at byte %d: %w", d.off, d.err)
	}
	if err := g.Signature.UnmarshalBinary(d.b[d.off:]); err != nil {
		return fmt.Errorf("decode features: %w", err)
	}
	*f = g
	return nil
}

// Entity flags share one byte; encodings from before Lead existed hold
// only flagTitle and decode unchanged.
const (
	flagTitle = 1 << iota
	flagLead
)

func entityFlags(e Entity) byte {
	var b byte
	if e.Title {
		b |= flagTitle
	}
	if e.Lead {
		b |= flagLead
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// decoder reads the encoding, remembering the first error so the callers
// can read a whole record and check once.
type decoder struct {
	b   []byte
	off int
	err error
	// bad is the error for malformed input: ErrFeatures when nil, so that
	// the snapshot reader can share the decoder and say what it reads.
	bad error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = cmp.Or(d.bad, ErrFeatures)
	}
}

func (d *decoder) byte() byte {
	if d.err != nil || d.off >= len(d.b) {
		d.fail()
		return 0
	}
	d.off++
	return d.b[d.off-1]
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		d.fail()
		return 0
	}
	d.off += n
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b[d.off:])
	if n <= 0 {
		d.fail()
		return 0
	}
	d.off += n
	return v
}

func (d *decoder) u16() uint16 {
	v := d.uvarint()
	if v > 1<<16-1 {
		d.fail()
	}
	return uint16(v)
}

// count reads a length, failing when fewer than minSize bytes per element
// remain, so bad input cannot make us allocate much.
func (d *decoder) count(minSize int) int {
	n := d.uvarint()
	if n > uint64(len(d.b)-d.off)/uint64(minSize) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *decoder) string() string {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)-d.off) {
		d.fail()
		return ""
	}
	s := string(d.b[d.off : d.off+int(n)])
	d.off += int(n)
	return s
}
