package extract

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	nurl "net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	trafilatura "github.com/markusmobius/go-trafilatura"

	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/testutil"
)

type benchPage struct {
	id   string
	body []byte
	url  string
}

// benchPages reads the extraction benchmark's pages, for the benchmarks
// and the tests that run every page; it skips where the data is absent.
func benchPages(tb testing.TB) []benchPage {
	tb.Helper()
	dir := testutil.SharedDir(tb, "data", "extraction")
	gt, err := os.ReadFile(filepath.Join(dir, "ground-truth.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var truth map[string]struct {
		URL string `json:"url"`
	}
	if err := json.Unmarshal(gt, &truth); err != nil {
		tb.Fatal(err)
	}
	var pages []benchPage
	for id, t := range truth {
		f, err := os.Open(filepath.Join(dir, "html", id+".html.gz"))
		if err != nil {
			tb.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			tb.Fatal(err)
		}
		body, err := io.ReadAll(zr)
		f.Close()
		if err != nil {
			tb.Fatal(err)
		}
		pages = append(pages, benchPage{id: id, body: body, url: t.URL})
	}
	return pages
}

// BenchmarkExtractHTML: one op is every benchmark page through Article;
// pages/s is the figure to compare with BenchmarkTrafilaturaBare.
func BenchmarkExtractHTML(b *testing.B) {
	pages := benchPages(b)
	ctx := context.Background()
	opt := Options{Outlets: builtin()}
	cpu0 := processCPU()
	for b.Loop() {
		for _, p := range pages {
			item := source.Item{Input: p.url, Kind: source.FormatHTML, Format: source.FormatHTML, Body: p.body, Hint: source.Hint{URL: p.url}}
			if _, err := Article(ctx, item, opt); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportRates(b, len(pages), "pages", cpu0)
}

// BenchmarkTrafilaturaBare: the same pages through go-trafilatura with its
// default options, text only.
func BenchmarkTrafilaturaBare(b *testing.B) {
	pages := benchPages(b)
	cpu0 := processCPU()
	for b.Loop() {
		for _, p := range pages {
			opt := trafilatura.Options{}
			if u, err := nurl.ParseRequestURI(p.url); err == nil {
				opt.OriginalURL = u
			}
			if _, err := trafilatura.Extract(bytes.NewReader(p.body), opt); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportRates(b, len(pages), "pages", cpu0)
}

// BenchmarkExtractText: JSONL articles (BASIL: full news texts with
// title, outlet, URL and date) through Article.
func BenchmarkExtractText(b *testing.B) {
	path := testutil.SharedDir(b, "data", "basil-dev.jsonl")
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var items []source.Item
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var rec struct {
			ID, Title, Text string
			Outlet, URL     *string
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			b.Fatal(err)
		}
		h := source.Hint{ExternalID: rec.ID, Title: rec.Title}
		if rec.Outlet != nil {
			h.Outlet = *rec.Outlet
		}
		if rec.URL != nil {
			h.URL = *rec.URL
		}
		items = append(items, source.Item{Input: path, Kind: "jsonl", Format: source.FormatText, Body: []byte(rec.Text), Hint: h})
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	opt := Options{Outlets: builtin()}
	cpu0 := processCPU()
	for b.Loop() {
		for _, it := range items {
			if _, err := Article(ctx, it, opt); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportRates(b, len(items), "articles", cpu0)
}

// reportRates reports items per second of wall time and, where the
// platform tells, CPU milliseconds per item (all threads, GC included).
func reportRates(b *testing.B, perOp int, unit string, cpu0 float64) {
	n := float64(perOp * b.N)
	b.ReportMetric(n/b.Elapsed().Seconds(), unit+"/s")
	if cpu := processCPU(); cpu > 0 {
		b.ReportMetric((cpu-cpu0)*1000/n, "cpu-ms/"+strings.TrimSuffix(unit, "s"))
	}
}
