package text

import (
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
