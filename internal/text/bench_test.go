package text

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/testutil"
)

// benchArticle is the Fox News seed, a realistic news article of about
// 430 words with quotes, names, roles and dates.
func benchArticle(b *testing.B) string {
	b.Helper()
	for _, p := range testutil.Seeds(b) {
		if strings.Contains(p, "004_") {
			data, err := os.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			return string(data)
		}
	}
	b.Fatal("seed 004 not found")
	return ""
}

func BenchmarkTokens(b *testing.B) {
	s := benchArticle(b)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		Tokens(s)
	}
}

func BenchmarkSentences(b *testing.B) {
	s := benchArticle(b)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		Sentences(s)
	}
}

func BenchmarkAnalyze(b *testing.B) {
	s := benchArticle(b)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		Analyze("Ex-US officials held secrets talks with Russians on Ukraine War: report", s)
	}
}

// BenchmarkAnalyzeBASIL analyses every article of basil-dev (full news
// articles, about 800 words on average) once per iteration and reports
// the cost of one article.
func BenchmarkAnalyzeBASIL(b *testing.B) {
	path := testutil.SharedDir(b, "data", "basil-dev.jsonl")
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	type article struct{ Title, Text string }
	var arts []article
	var words int
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var a article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			b.Fatalf("%s: %v", path, err)
		}
		arts = append(arts, a)
		words += len(strings.Fields(a.Text))
	}
	for b.Loop() {
		for _, a := range arts {
			Analyze(a.Title, a.Text)
		}
	}
	b.ReportMetric(float64(words)/float64(len(arts)), "words/article")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(arts)), "ns/article")
}

// BenchmarkAnalyzeHostile runs inputs built to find quadratic paths (a
// 256 KB word of dots, a 128 K-word capitalised run, 32 K one-word
// sentences): its MB/s should stay near that of real text.
func BenchmarkAnalyzeHostile(b *testing.B) {
	inputs := []string{
		strings.Repeat("a.", 1<<17),
		strings.Repeat("A ", 1<<17),
		strings.Repeat("Minister Council ", 1<<14),
		strings.Repeat("Lavrov. ", 1<<15),
		strings.Repeat("U.S. ", 1<<15),
	}
	var n int64
	for _, s := range inputs {
		n += int64(len(s))
	}
	b.SetBytes(n)
	for b.Loop() {
		for _, s := range inputs {
			Analyze("", s)
		}
	}
}

// BenchmarkTokensFullCache tokenises the BASIL articles with the word
// cache full of other words, as in a process that has read a few hundred
// thousand articles (names make most of the vocabulary), and reports the
// cost of one article.
func BenchmarkTokensFullCache(b *testing.B) {
	path := testutil.SharedDir(b, "data", "basil-dev.jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var texts []string
	for line := range strings.Lines(string(data)) {
		var a struct{ Text string }
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			b.Fatalf("%s: %v", path, err)
		}
		texts = append(texts, a.Text)
	}
	// Nine tenths full: the articles' own words still find room.
	for i := range wordCacheLimit * 9 / 10 {
		lookupWord(fmt.Sprintf("zq%dname", i))
	}
	for b.Loop() {
		for _, s := range texts {
			Tokens(s)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(texts)), "ns/article")
}
