package eval

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	nurl "net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	trafilatura "github.com/markusmobius/go-trafilatura"

	"github.com/parallax-news/parallax/internal/extract"
	"github.com/parallax-news/parallax/internal/source"
)

// ExtractFunc turns one page into article text. name is the page's id in
// the benchmark, url the address the page was taken from.
type ExtractFunc func(ctx context.Context, name string, html []byte, url string) (string, error)

// ParallaxExtractor is Parallax's whole extraction (trafilatura, then
// cleaning) as an ExtractFunc, the page's URL given as the hint.
func ParallaxExtractor(opt extract.Options) ExtractFunc {
	return func(ctx context.Context, name string, page []byte, url string) (string, error) {
		a, err := extract.Article(ctx, source.Item{
			Input:  name,
			Kind:   source.FormatHTML,
			Format: source.FormatHTML,
			Body:   page,
			Hint:   source.Hint{URL: url},
		}, opt)
		if err != nil {
			return "", err
		}
		return a.Text, nil
	}
}

// TrafilaturaExtractor is bare go-trafilatura with its default options,
// text only: the reference Parallax is measured against.
func TrafilaturaExtractor(ctx context.Context, name string, page []byte, url string) (string, error) {
	opt := trafilatura.Options{}
	if u, err := nurl.ParseRequestURI(url); err == nil {
		opt.OriginalURL = u
	}
	res, err := trafilatura.Extract(bytes.NewReader(page), opt)
	if err != nil {
		return "", fmt.Errorf("trafilatura %s: %w", name, err)
	}
	return res.ContentText, nil
}

// ExtractResult is the outcome of the article-extraction benchmark. The JSON
// names are the contract of `parallax eval extract --json`.
type ExtractResult struct {
	Pages     int           `json:"pages"`
	Precision float64       `json:"precision"`
	Recall    float64       `json:"recall"`
	F1        float64       `json:"f1"`
	Failed    int           `json:"failed"`
	PerPage   []PageExtract `json:"per_page,omitempty"`
}

// PageExtract is the benchmark's figures for one page.
type PageExtract struct {
	ID        string  `json:"id"`
	URL       string  `json:"url"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	// Error is set when the extractor failed; the page then scores as an
	// empty extraction, as the benchmark does for a missing prediction.
	Error string `json:"error,omitempty"`
}

// String is the human form printed by `parallax eval extract`.
func (r ExtractResult) String() string {
	return fmt.Sprintf("pages %d (failed %d)\nprecision %.4f  recall %.4f  F1 %.4f",
		r.Pages, r.Failed, r.Precision, r.Recall, r.F1)
}

type extractTruth struct {
	ArticleBody string `json:"articleBody"`
	URL         string `json:"url"`
}

// Extract runs fn on every page of an article-extraction-benchmark
// directory (html/ID.html.gz and ground-truth.json) and scores it with the
// benchmark's own metric: tokens are \w+ runs, each page gets precision and
// recall over multisets of 4-token shingles, the per-page figures are
// averaged and F1 is taken from the two averages. Pages are visited in id
// order so runs are comparable. A page fn fails on counts as an empty
// extraction; a page that cannot be read is an error.
func Extract(ctx context.Context, dir string, fn ExtractFunc) (ExtractResult, error) {
	gtPath := filepath.Join(dir, "ground-truth.json")
	b, err := os.ReadFile(gtPath)
	if err != nil {
		return ExtractResult{}, fmt.Errorf("extraction benchmark %s: %w", dir, err)
	}
	var truth map[string]extractTruth
	if err := json.Unmarshal(b, &truth); err != nil {
		return ExtractResult{}, fmt.Errorf("extraction benchmark %s: %w", gtPath, err)
	}
	ids := make([]string, 0, len(truth))
	for id := range truth {
		ids = append(ids, id)
	}
	slices.Sort(ids)

	res := ExtractResult{Pages: len(ids), PerPage: make([]PageExtract, 0, len(ids))}
	var sumP, sumR float64
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return ExtractResult{}, fmt.Errorf("extraction benchmark %s: %w", dir, err)
		}
		gt := truth[id]
		page, err := readGzip(filepath.Join(dir, "html", id+".html.gz"))
		if err != nil {
			return ExtractResult{}, fmt.Errorf("extraction benchmark page %s: %w", id, err)
		}
		pe := PageExtract{ID: id, URL: gt.URL}
		got, err := fn(ctx, id, page, gt.URL)
		if err != nil {
			if ctx.Err() != nil {
				return ExtractResult{}, fmt.Errorf("extraction benchmark page %s: %w", id, err)
			}
			pe.Error = err.Error()
			res.Failed++
			got = ""
		}
		pe.Precision, pe.Recall = ShingleScores(gt.ArticleBody, got)
		sumP += pe.Precision
		sumR += pe.Recall
		res.PerPage = append(res.PerPage, pe)
	}
	if n := float64(len(ids)); n > 0 {
		res.Precision = sumP / n
		res.Recall = sumR / n
	}
	res.F1 = f1(res.Precision, res.Recall)
	return res, nil
}

func readGzip(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

// ShingleScores is the benchmark's per-page precision and recall of got
// against want. Shingles are counted as multisets: a 4-gram repeated in
// the extraction only matches as often as it occurs in the truth. The
// degenerate cases follow the benchmark: a text of fewer than four tokens
// is one shingle of all its tokens (so two empty texts agree perfectly),
// and with no false positive and no false negative both scores are 1.
func ShingleScores(want, got string) (precision, recall float64) {
	w := shingles(want)
	g := shingles(got)
	var tp, fp, fn float64
	for k, wc := range w {
		gc := g[k]
		tp += float64(min(wc, gc))
		fn += float64(max(0, wc-gc))
	}
	for k, gc := range g {
		fp += float64(max(0, gc-w[k]))
	}
	if fp == 0 && fn == 0 {
		return 1, 1
	}
	if tp+fp > 0 {
		precision = tp / (tp + fp)
	}
	if tp+fn > 0 {
		recall = tp / (tp + fn)
	}
	return precision, recall
}

// shingleSize is the benchmark's n-gram length.
const shingleSize = 4

func shingles(text string) map[string]int {
	toks := wordTokens(text)
	n := max(1, len(toks)-shingleSize+1)
	out := make(map[string]int, n)
	for i := range n {
		// \x00 cannot occur inside a \w token, so the join is unambiguous.
		out[strings.Join(toks[i:min(i+shingleSize, len(toks))], "\x00")]++
	}
	return out
}

// wordTokens splits text into runs of Python's Unicode \w: letters,
// numbers and the underscore. Written by hand because Go's regexp \w is
// ASCII-only and would cut accented words apart.
func wordTokens(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsNumber(r) || r == '_')
	})
}
