package synth

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/parallax-news/parallax/demo"
)

// ErrEmptyCorpus is returned when a corpus holds no usable article.
var ErrEmptyCorpus = errors.New("no usable article in the corpus")

// Kinds of token in a base sentence: what the generator may swap.
const (
	tokOther   = iota // punctuation, spaces, function words, sentence openers
	tokName           // a capitalised word used as a name somewhere in the corpus
	tokNumber         // a run of digits
	tokContent        // a lower-case word of four letters or more, not a function word
)

type token struct {
	text string
	kind int
}

// Corpus is the real text stories are built from: each base article is a
// list of tokenised sentences, plus the vocabulary content words are
// swapped from.
type Corpus struct {
	bases [][][]token // base article -> sentence -> tokens
	vocab []string    // content words, sorted, for deterministic draws
}

// Bases returns how many base articles the corpus holds.
func (c *Corpus) Bases() int { return len(c.bases) }

// DemoCorpus reads the demo corpus embedded in the binary (ECB+ articles and
// the two seeds), so the generator works from any installed parallax.
func DemoCorpus() (*Corpus, error) {
	dir, err := os.MkdirTemp("", "parallax-synth-")
	if err != nil {
		return nil, fmt.Errorf("synth corpus: %w", err)
	}
	defer os.RemoveAll(dir)
	root, err := demo.WriteCorpus(dir)
	if err != nil {
		return nil, fmt.Errorf("synth corpus: %w", err)
	}
	return ReadCorpus(root)
}

// ReadCorpus reads every *.jsonl file of dir (one article a line, sentences
// one a line in "text", as the evaluation data) and every *.txt file of its
// subdirectories (plain articles: a headline, then paragraphs separated by
// blank lines).
func ReadCorpus(dir string) (*Corpus, error) {
	var texts [][]string
	jsonls, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		return nil, fmt.Errorf("synth corpus %s: %w", dir, err)
	}
	for _, p := range jsonls {
		t, err := readJSONL(p)
		if err != nil {
			return nil, err
		}
		texts = append(texts, t...)
	}
	plains, err := filepath.Glob(filepath.Join(dir, "*", "*.txt"))
	if err != nil {
		return nil, fmt.Errorf("synth corpus %s: %w", dir, err)
	}
	for _, p := range plains {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("synth corpus: %w", err)
		}
		texts = append(texts, plainSentences(string(data)))
	}
	c := build(texts)
	if len(c.bases) == 0 || len(c.vocab) == 0 {
		return nil, fmt.Errorf("synth corpus %s: %w", dir, ErrEmptyCorpus)
	}
	return c, nil
}

func readJSONL(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("synth corpus: %w", err)
	}
	defer f.Close()
	var out [][]string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for n := 1; sc.Scan(); n++ {
		var rec struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return nil, fmt.Errorf("synth corpus %s:%d: %w", path, n, err)
		}
		out = append(out, strings.Split(rec.Text, "\n"))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("synth corpus %s: %w", path, err)
	}
	return out, nil
}

// plainSentences returns the paragraphs of a plain article after its
// headline, leaving out short lines (credits, copyright, URLs).
func plainSentences(s string) []string {
	paras := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n")
	var out []string
	for _, p := range paras[min(1, len(paras)):] {
		if len(strings.Fields(p)) >= 8 {
			out = append(out, strings.TrimSpace(p))
		}
	}
	return out
}

// minWords drops fragments (bylines, captions) that make no sentence.
const minWords = 5

func build(texts [][]string) *Corpus {
	// A word is a name if it is capitalised somewhere other than at the
	// start of a sentence and never written in lower case: "Reid" is,
	// "The" is not.
	capMid := map[string]bool{}
	lower := map[string]bool{}
	for _, sents := range texts {
		for _, s := range sents {
			for i, w := range words(s) {
				r, _ := utf8.DecodeRuneInString(w)
				switch {
				case unicode.IsUpper(r) && i > 0:
					capMid[w] = true
				case unicode.IsLower(r):
					lower[w] = true
				}
			}
		}
	}
	c := &Corpus{}
	vocab := map[string]bool{}
	for _, sents := range texts {
		var base [][]token
		for _, s := range sents {
			s = strings.TrimSpace(s)
			if !utf8.ValidString(s) || len(strings.Fields(s)) < minWords {
				continue
			}
			toks := tokenize(s, func(w string) int {
				r, _ := utf8.DecodeRuneInString(w)
				switch {
				case unicode.IsDigit(r):
					return tokNumber
				case unicode.IsUpper(r) && capMid[w] && !lower[strings.ToLower(w)] && !fixedName[w]:
					return tokName
				case unicode.IsLower(r) && utf8.RuneCountInString(w) >= 4 && !function[w]:
					vocab[w] = true
					return tokContent
				}
				return tokOther
			})
			base = append(base, toks)
		}
		if len(base) >= 2 {
			c.bases = append(c.bases, base)
		}
	}
	for w := range vocab {
		c.vocab = append(c.vocab, w)
	}
	slices.Sort(c.vocab)
	return c
}

// words returns the letter-and-digit runs of s.
func words(s string) []string {
	var out []string
	for _, t := range tokenize(s, func(string) int { return tokContent }) {
		if t.kind == tokContent {
			out = append(out, t.text)
		}
	}
	return out
}

// tokenize cuts s into runs of letters or digits (classified by kind) and
// the text between them (tokOther).
func tokenize(s string, kind func(string) int) []token {
	var out []token
	start, inWord := 0, false
	for i, r := range s {
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if w == inWord {
			continue
		}
		if i > start {
			out = append(out, piece(s[start:i], inWord, kind))
		}
		start, inWord = i, w
	}
	if start < len(s) {
		out = append(out, piece(s[start:], inWord, kind))
	}
	return out
}

func piece(s string, isWord bool, kind func(string) int) token {
	if !isWord {
		return token{s, tokOther}
	}
	return token{s, kind(s)}
}

// fixedName lists capitalised words that are not names of the story:
// swapping them would only make the text odd.
var fixedName = map[string]bool{
	"I": true, "Mr": true, "Mrs": true, "Ms": true, "Dr": true,
	"Monday": true, "Tuesday": true, "Wednesday": true, "Thursday": true, "Friday": true, "Saturday": true, "Sunday": true,
	"January": true, "February": true, "March": true, "April": true, "May": true, "June": true, "July": true,
	"August": true, "September": true, "October": true, "November": true, "December": true,
}

// function lists the frequent English words of four letters or more that
// carry no topic; swapping them would break sentences without making
// stories more distinct.
var function = wordSet(`about above after again against also among another around
	because been before being below between both came come could does doing down during each even
	ever every from further had have having here into just last least less like made make many more
	most much must near next only other over said same says should since some still such than that
	their them then there these they this those though three through told under until upon very
	want were what when where which while will with within without would year years your after
	away back been came could first going know later made make much next once part says take than
	that them then they this time told took well were what when will with`)

func wordSet(list string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(list) {
		set[w] = true
	}
	return set
}
