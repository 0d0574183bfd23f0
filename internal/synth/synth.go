// Package synth generates a stream of distinct synthetic news articles from
// real text, with the gold story of each, for Parallax's throughput, scale
// and load benchmarks (`parallax bench`): a million articles on demand,
// without a million real ones and without holding them in memory.
//
// How a stream is made:
//   - The corpus is real news text: the demo corpus's ECB+ articles and the
//     seeds, cut into sentences and words. A word capitalised in mid-sentence
//     and never written in lower case counts as a name; runs of digits are
//     numbers; other lower-case words of four letters or more, function
//     words aside, are content words.
//   - A story draws a topic, one base article, and a size (most stories have
//     one to five articles, a few ten to fifty: Options.Sizes). Its names
//     become generated names, its numbers other numbers, and a share of its
//     content words (Options.Swap) other words of the corpus, each through a
//     hash of the story's seed and the word, so every article of the story
//     says the same names and words while two stories on the same topic
//     read as different events.
//   - An article of a story is its own selection and order of the story's
//     sentences, with a sentence or two from another topic (background, in
//     the story's names), a few words of its own swapped (the outlet's
//     wording), its own paragraphs, outlet, headline, URL and date. Articles
//     are therefore different write-ups, never near-copies, unless
//     Options.CopyRate asks for syndicated copies: the text of an earlier
//     article of the story under another outlet, headline and a credit line.
//   - Stories are interleaved as news is: Options.Open stories are in
//     flight at once, each article is drawn from one of them at random, and
//     a finished story makes room for a new one. Only those stories are kept
//     in memory, so the stream has no end and a fixed footprint.
//
// The same seed and options give the same stream, article for article.
package synth

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/source"
)

// Bucket is a range of story sizes drawn with a weight.
type Bucket struct {
	Min, Max int
	Weight   float64
}

// DefaultSizes is the realistic mix: most stories have one to five
// articles, some six to nine, a few ten to fifty (mean about 3.6).
var DefaultSizes = []Bucket{
	{1, 1, 0.33}, {2, 2, 0.22}, {3, 3, 0.15}, {4, 4, 0.11}, {5, 5, 0.09},
	{6, 9, 0.07}, {10, 50, 0.03},
}

// Options configures a generator. Zero values take the defaults.
type Options struct {
	// Corpus is the real text to build from (required).
	Corpus *Corpus
	// Sizes is the distribution of story sizes; DefaultSizes if nil.
	Sizes []Bucket
	// Open is how many stories are in flight at once (default 64).
	Open int
	// Swap is the share of a topic's content words replaced per story
	// (default 0.5); Reword the share replaced per article (default 0.1).
	Swap, Reword float64
	// CopyRate is the chance that an article after a story's first is a
	// syndicated copy of an earlier one (default 0: none).
	CopyRate float64
	// Start is the first publication time (default 2024-01-01 UTC);
	// Interval the mean time between two articles of the stream (default 30s).
	Start    time.Time
	Interval time.Duration
}

// Article is one generated article with its gold labels.
type Article struct {
	// Item is the article as a JSONL line would give it to the pipeline;
	// Item.Raw holds that line, with the gold "story" field.
	Item source.Item
	// Story is the gold story label; StorySize how many articles it has.
	Story     string
	StorySize int
	// CopyOf is the external id of the article this one copies, or "".
	CopyOf string
}

// Generator makes the stream. It is not safe for concurrent use.
type Generator struct {
	opt     Options
	seed    uint64
	rng     *rand.Rand
	open    []*story
	stories int // stories started
	n       int // articles made
	clock   time.Time
	cum     []float64 // cumulative bucket weights
}

type story struct {
	id        int
	seed      uint64
	base      int
	size      int
	made      int
	start     time.Time
	last      time.Time
	lastTexts []string // texts of earlier articles, for copies
	lastIDs   []string
}

// Defaults for zero Options fields.
const (
	DefaultOpen     = 64
	DefaultSwap     = 0.5
	DefaultReword   = 0.1
	DefaultInterval = 30 * time.Second
)

// New returns a generator of the stream for seed.
func New(seed uint64, opt Options) (*Generator, error) {
	if opt.Corpus == nil || len(opt.Corpus.bases) == 0 {
		return nil, fmt.Errorf("synth: %w", ErrEmptyCorpus)
	}
	if opt.Sizes == nil {
		opt.Sizes = DefaultSizes
	}
	if opt.Open <= 0 {
		opt.Open = DefaultOpen
	}
	if opt.Swap == 0 {
		opt.Swap = DefaultSwap
	}
	if opt.Reword == 0 {
		opt.Reword = DefaultReword
	}
	if opt.Start.IsZero() {
		opt.Start = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if opt.Interval <= 0 {
		opt.Interval = DefaultInterval
	}
	g := &Generator{opt: opt, seed: seed, rng: rand.New(rand.NewPCG(seed, 0x5eed)), clock: opt.Start}
	total := 0.0
	for _, b := range opt.Sizes {
		if b.Min < 1 || b.Max < b.Min || b.Weight < 0 {
			return nil, fmt.Errorf("synth: story sizes %d-%d weight %g: %w", b.Min, b.Max, b.Weight, ErrSizes)
		}
		total += b.Weight
		g.cum = append(g.cum, total)
	}
	if total <= 0 {
		return nil, fmt.Errorf("synth: story sizes: %w", ErrSizes)
	}
	return g, nil
}

// ErrSizes is returned for a story-size distribution that cannot be drawn.
var ErrSizes = errors.New("invalid story sizes")

// Next returns the next article of the stream.
func (g *Generator) Next() Article {
	for len(g.open) < g.opt.Open {
		g.open = append(g.open, g.newStory())
	}
	i := g.rng.IntN(len(g.open))
	s := g.open[i]
	a := g.article(s)
	if s.made == s.size {
		g.open[i] = g.newStory()
	}
	return a
}

func (g *Generator) newStory() *story {
	g.stories++
	r := g.rng.Float64() * g.cum[len(g.cum)-1]
	b := g.opt.Sizes[len(g.opt.Sizes)-1]
	for j, c := range g.cum {
		if r < c {
			b = g.opt.Sizes[j]
			break
		}
	}
	return &story{
		id:    g.stories,
		seed:  g.rng.Uint64(),
		base:  g.rng.IntN(len(g.opt.Corpus.bases)),
		size:  b.Min + g.rng.IntN(b.Max-b.Min+1),
		start: g.clock,
		last:  g.clock,
	}
}

// article makes the next article of s.
func (g *Generator) article(s *story) Article {
	g.n++
	g.clock = g.clock.Add(time.Duration(g.rng.Int64N(int64(2 * g.opt.Interval))))
	s.made++
	aseed := mix(s.seed, uint64(s.made))
	rng := rand.New(rand.NewPCG(aseed, uint64(g.n)))
	id := "synth-" + strconv.Itoa(g.n)
	outlet := outletName(rng.Uint64())
	// Later articles of a story follow within hours, and never before the
	// stream's own clock, so dates grow as the stream goes on.
	pub := s.last.Add(time.Duration(rng.Int64N(int64(6 * time.Hour))))
	if pub.Before(g.clock) {
		pub = g.clock
	}
	s.last = pub

	var text, copyOf string
	if s.made > 1 && len(s.lastTexts) > 0 && rng.Float64() < g.opt.CopyRate {
		k := rng.IntN(len(s.lastTexts))
		copyOf = s.lastIDs[k]
		text = s.lastTexts[k] + "\n" + credit(rng, outlet)
	} else {
		text = g.write(s, aseed, rng)
		if g.opt.CopyRate > 0 && s.made < s.size {
			s.lastTexts = append(s.lastTexts, text)
			s.lastIDs = append(s.lastIDs, id)
		}
	}
	if s.made == s.size {
		s.lastTexts, s.lastIDs = nil, nil
	}
	title := headline(text, rng)
	url := fmt.Sprintf("https://www.%s.example/news/%s/%s-%d", domain(outlet), pub.Format("2006/01/02"), slug(title), g.n)
	gold := "synth-story-" + strconv.Itoa(s.id)
	line, _ := json.Marshal(jsonLine{ // a struct of strings always marshals
		ID: id, Outlet: outlet, URL: url, Title: title,
		Published: pub.Format(time.RFC3339), Text: text, Story: gold, CopyOf: copyOf,
	})
	return Article{
		Item: source.Item{
			Input:  id,
			Kind:   source.KindJSONL,
			Format: source.FormatText,
			Body:   []byte(text),
			Raw:    model.Raw{ContentType: "application/json", Bytes: line},
			Hint:   source.Hint{ExternalID: id, Outlet: outlet, URL: url, Title: title, Published: &pub},
		},
		Story:     gold,
		StorySize: s.size,
		CopyOf:    copyOf,
	}
}

// jsonLine is an article in the form of the evaluation data, so a stream
// written out can be read by `parallax ingest` and `parallax eval cluster`.
type jsonLine struct {
	ID        string `json:"id"`
	Outlet    string `json:"outlet"`
	URL       string `json:"url"`
	Title     string `json:"title"`
	Published string `json:"published"`
	Text      string `json:"text"`
	Story     string `json:"story"`
	CopyOf    string `json:"copy_of,omitempty"`
}

// write makes an article's body: a selection of the topic's sentences in a
// lightly shuffled order, one or two background sentences, all in the
// story's words with a few of the article's own, in paragraphs of one to
// three sentences, one paragraph a line.
func (g *Generator) write(s *story, aseed uint64, rng *rand.Rand) string {
	bases := g.opt.Corpus.bases
	topic := bases[s.base]
	keep := 0.5 + 0.3*rng.Float64()
	var picked [][]token
	for i, sent := range topic {
		if (i == 0 && rng.Float64() < 0.7) || rng.Float64() < keep {
			picked = append(picked, sent)
		}
	}
	for len(picked) < min(2, len(topic)) {
		picked = append(picked, topic[rng.IntN(len(topic))])
	}
	for range rng.IntN(3) {
		if len(picked) > 2 {
			j := 1 + rng.IntN(len(picked)-2)
			picked[j], picked[j+1] = picked[j+1], picked[j]
		}
	}
	for range 1 + rng.IntN(2) {
		other := bases[rng.IntN(len(bases))]
		sent := other[rng.IntN(len(other))]
		j := 1 + rng.IntN(len(picked))
		picked = append(picked[:j], append([][]token{sent}, picked[j:]...)...)
	}
	var b strings.Builder
	for i, sent := range picked {
		if i > 0 {
			if rng.IntN(2) == 0 {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		}
		g.render(&b, sent, s.seed, aseed)
	}
	return b.String()
}

// render writes a sentence in the story's names, numbers and words, and
// the article's own wording.
func (g *Generator) render(b *strings.Builder, sent []token, sseed, aseed uint64) {
	vocab := g.opt.Corpus.vocab
	for _, t := range sent {
		switch t.kind {
		case tokName:
			b.WriteString(name(mix(sseed, xxhash.Sum64String(t.text))))
		case tokNumber:
			b.WriteString(number(mix(sseed, xxhash.Sum64String(t.text)), t.text))
		case tokContent:
			h := xxhash.Sum64String(t.text)
			switch {
			case unit(mix(aseed, h)) < g.opt.Reword:
				b.WriteString(vocab[mix(aseed, h^1)%uint64(len(vocab))])
			case unit(mix(sseed, h)) < g.opt.Swap:
				b.WriteString(vocab[mix(sseed, h^1)%uint64(len(vocab))])
			default:
				b.WriteString(t.text)
			}
		default:
			b.WriteString(t.text)
		}
	}
}

// headline makes an article's title from one of its first sentences: its
// first words, without the closing punctuation.
func headline(text string, rng *rand.Rand) string {
	lines := strings.SplitN(text, "\n", 3)
	line := lines[rng.IntN(min(2, len(lines)))]
	ws := strings.Fields(line)
	ws = ws[:min(len(ws), 6+rng.IntN(7))]
	t := strings.TrimRightFunc(strings.Join(ws, " "), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	r, size := utf8.DecodeRuneInString(t)
	return string(unicode.ToUpper(r)) + t[size:]
}

// credit is the line a syndicating outlet adds under a copy.
func credit(rng *rand.Rand, outlet string) string {
	return "Reporting by " + name(rng.Uint64()) + " " + name(rng.Uint64()) + "; distributed by " + outlet + "."
}

var syllables = strings.Fields(`ba be bi bo bu da de di do du fa fe fi fo ka ke ki ko ku la le li lo lu
ma me mi mo mu na ne ni no nu pa pe pi po ra re ri ro ru sa se si so ta te ti to tu va ve vi vo za ze
zi zo bar ven tor mar kel dan ril sol nor vik`)

// name is a pronounceable made-up name of two to four syllables: 64^4
// possibilities keep two stories from sharing names by chance.
func name(h uint64) string {
	n := 2 + int(h%3)
	h /= 3
	var b strings.Builder
	for i := range n {
		s := syllables[h%uint64(len(syllables))]
		h /= uint64(len(syllables))
		if i == 0 {
			b.WriteString(strings.ToUpper(s[:1]) + s[1:])
		} else {
			b.WriteString(s)
		}
	}
	return b.String()
}

// number returns a number of as many digits as orig; a year stays a
// plausible year.
func number(h uint64, orig string) string {
	if len(orig) == 4 && (strings.HasPrefix(orig, "19") || strings.HasPrefix(orig, "20")) {
		return strconv.Itoa(1990 + int(h%40))
	}
	var b strings.Builder
	for i := range len(orig) {
		d := h % 10
		h /= 10
		if i == 0 && d == 0 && len(orig) > 1 {
			d = 1
		}
		b.WriteByte(byte('0' + d))
	}
	return b.String()
}

var outletWords = strings.Fields(`Daily Herald Courier Times Post Gazette Tribune Chronicle Observer
Ledger Journal Sentinel Record Star Mirror Examiner Dispatch Register Monitor Bulletin`)

// outletName is one of a few thousand outlets, e.g. "Velo Tribune".
func outletName(h uint64) string {
	h %= 3000
	return name(mix(0x0071e7, h/20)) + " " + outletWords[h%uint64(len(outletWords))]
}

func domain(outlet string) string {
	return strings.ToLower(strings.ReplaceAll(outlet, " ", ""))
}

func slug(title string) string {
	ws := strings.FieldsFunc(strings.ToLower(title), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return strings.Join(ws[:min(len(ws), 6)], "-")
}

// mix is splitmix64's finaliser over a seed and a value: well-spread
// hashes for the per-story and per-article choices.
func mix(seed, v uint64) uint64 {
	z := seed ^ (v + 0x9e3779b97f4a7c15)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// unit maps a hash to [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }
