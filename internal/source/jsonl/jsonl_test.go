package jsonl

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/parallax-news/parallax/internal/source/content"
	"github.com/parallax-news/parallax/internal/testutil"
)

// result is what Parse yields for one line, flattened for comparison.
type result struct {
	input string
	id    string
	title string
	text  string
	err   error
}

func collect(t testing.TB, in string, opt Options) []result {
	t.Helper()
	var out []result
	for rec, err := range Parse(t.Context(), strings.NewReader(in), "in.jsonl", opt) {
		out = append(out, result{input: rec.Input, id: rec.ID, title: rec.Title, text: rec.Text, err: err})
	}
	return out
}

func TestParse(t *testing.T) {
	good := `{"id": "a1", "outlet": "Example News", "url": "https://example.com/a", "title": "Quake hits", "published": "2012-05-03", "text": "A quake hit.\nMore later.", "story": "s1"}`
	tests := []struct {
		name string
		in   string
		opt  Options
		want []result
	}{
		{name: "one good line", in: good + "\n", want: []result{{input: "in.jsonl:1", id: "a1", title: "Quake hits", text: "A quake hit.\nMore later."}}},
		{name: "no final newline", in: good, want: []result{{input: "in.jsonl:1", id: "a1", title: "Quake hits", text: "A quake hit.\nMore later."}}},
		{name: "crlf line endings", in: good + "\r\n" + good + "\r\n", want: []result{
			{input: "in.jsonl:1", id: "a1", title: "Quake hits", text: "A quake hit.\nMore later."},
			{input: "in.jsonl:2", id: "a1", title: "Quake hits", text: "A quake hit.\nMore later."},
		}},
		{name: "blank lines skipped but counted", in: "\n  \n" + good + "\n\n", want: []result{{input: "in.jsonl:3", id: "a1", title: "Quake hits", text: "A quake hit.\nMore later."}}},
		{name: "byte order mark", in: "\ufeff" + good, want: []result{{input: "in.jsonl:1", id: "a1", title: "Quake hits", text: "A quake hit.\nMore later."}}},
		{name: "nulls and numeric id", in: `{"id": 42, "outlet": null, "url": null, "title": null, "published": null, "text": "Body."}`, want: []result{{input: "in.jsonl:1", id: "42", text: "Body."}}},
		{name: "broken line between good ones", in: good + "\n{\"id\": \"b\", \"text\": \n" + good + "\n", want: []result{
			{input: "in.jsonl:1", id: "a1", title: "Quake hits", text: "A quake hit.\nMore later."},
			{input: "in.jsonl:2", err: ErrSyntax},
			{input: "in.jsonl:3", id: "a1", title: "Quake hits", text: "A quake hit.\nMore later."},
		}},
		{name: "headline without text", in: `{"id": "x", "title": "No body"}`, want: []result{{input: "in.jsonl:1", id: "x", title: "No body"}}},
		{name: "blank text and no title", in: `{"id": "x", "text": "  \n "}`, want: []result{{input: "in.jsonl:1", err: ErrNoText}}},
		{name: "blank text and blank title", in: `{"id": "x", "title": " ", "text": ""}`, want: []result{{input: "in.jsonl:1", err: ErrNoText}}},
		{name: "invalid utf-8", in: "{\"id\": \"x\", \"text\": \"caf\xe9\"}\n" + good, want: []result{
			{input: "in.jsonl:1", err: content.ErrInvalidUTF8},
			{input: "in.jsonl:2", id: "a1", title: "Quake hits", text: "A quake hit.\nMore later."},
		}},
		{name: "not an object", in: `["a", "b"]`, want: []result{{input: "in.jsonl:1", err: ErrSyntax}}},
		{name: "two objects on a line", in: `{"text": "a"}{"text": "b"}`, want: []result{{input: "in.jsonl:1", err: ErrSyntax}}},
		{name: "object id", in: `{"id": {"x": 1}, "text": "a"}`, want: []result{{input: "in.jsonl:1", err: ErrID}}},
		{name: "id with a NUL", in: `{"id": "a\u0000b", "text": "a"}` + "\n" + good, want: []result{
			{input: "in.jsonl:1", err: ErrIDControl},
			{input: "in.jsonl:2", id: "a1", title: "Quake hits", text: "A quake hit.\nMore later."},
		}},
		{name: "line over the limit, next line read", in: `{"text": "` + strings.Repeat("x", 200) + `"}` + "\n" + `{"text": "short"}`, opt: Options{MaxLine: 100}, want: []result{
			{input: "in.jsonl:1", err: content.ErrTooLarge},
			{input: "in.jsonl:2", text: "short"},
		}},
		{name: "last line over the limit", in: `{"text": "` + strings.Repeat("x", 200) + `"}`, opt: Options{MaxLine: 100}, want: []result{
			{input: "in.jsonl:1", err: content.ErrTooLarge},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := collect(t, tc.in, tc.opt)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d results %+v, want %d", len(got), got, len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if !errors.Is(g.err, w.err) || (w.err == nil) != (g.err == nil) {
					t.Errorf("result %d: err = %v, want %v", i, g.err, w.err)
				}
				if g.err != nil && !strings.HasPrefix(g.err.Error(), w.input+": ") {
					t.Errorf("result %d: error %q does not start with %q", i, g.err, w.input)
				}
				g.err, w.err = nil, nil
				if g != w {
					t.Errorf("result %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

func TestParseRecordFields(t *testing.T) {
	line := `{"id": "a1", "outlet": "Example News", "url": "https://example.com/a", "title": "T", "published": "2021-06-01T12:00:00-07:00", "text": "Body \u00e9."}`
	var recs []Record
	for rec, err := range Parse(t.Context(), strings.NewReader(line+"\n"), "x.jsonl", Options{}) {
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	if len(recs) != 1 {
		t.Fatalf("got %d records, want 1", len(recs))
	}
	r := recs[0]
	if r.Outlet != "Example News" || r.URL != "https://example.com/a" || r.Text != "Body é." || r.Line != 1 {
		t.Errorf("record = %+v", r)
	}
	if want := time.Date(2021, 6, 1, 19, 0, 0, 0, time.UTC); r.Published == nil || !r.Published.Equal(want) {
		t.Errorf("Published = %v, want %v", r.Published, want)
	}
	if string(r.Raw) != line {
		t.Errorf("Raw = %q, want the line as read", r.Raw)
	}
}

func TestParseUnreadableDateIsNotFatal(t *testing.T) {
	for rec, err := range Parse(t.Context(), strings.NewReader(`{"published": "some day", "text": "a"}`), "x", Options{}) {
		if err != nil || rec.Published != nil || rec.Text != "a" {
			t.Fatalf("got %+v, %v; want the record without a date", rec, err)
		}
	}
}

func TestParseLongLine(t *testing.T) {
	text := strings.Repeat("All the news that fits. ", 200_000) // about 4.8 MB
	in := `{"id": "long", "text": "` + text + `"}` + "\n" + `{"id": "next", "text": "after"}` + "\n"
	got := collect(t, in, Options{})
	if len(got) != 2 || got[0].err != nil || got[0].text != text || got[1].id != "next" {
		t.Fatalf("long line: got %d results, first err %v", len(got), got[0].err)
	}
}

func TestParseStopsOnCancel(t *testing.T) {
	cctx, stop := context.WithCancel(t.Context())
	stop()
	var errs int
	for _, err := range Parse(cctx, strings.NewReader(`{"text": "a"}`), "x", Options{}) {
		if err == nil {
			t.Fatal("a record came out after cancellation")
		}
		errs++
	}
	if errs != 1 {
		t.Fatalf("got %d errors, want 1", errs)
	}
}

// TestParseSharedData reads the evaluation files whole: every line is an
// article, so none may fail.
func TestParseSharedData(t *testing.T) {
	dir := testutil.SharedDir(t, "data")
	tests := []struct {
		name  string
		file  string
		lines int
	}{
		{name: "ecbplus", file: "ecbplus-dev.jsonl", lines: 772},
		{name: "basil", file: "basil-dev.jsonl", lines: 150},
		{name: "allsides", file: "allsides-dev.jsonl", lines: 856},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			n, dated := 0, 0
			for rec, err := range Parse(t.Context(), f, tc.file, Options{}) {
				if err != nil {
					t.Fatal(err)
				}
				n++
				if rec.Published != nil {
					dated++
				}
				if rec.ID == "" || rec.Text == "" {
					t.Errorf("%s: no id or text", rec.Input)
				}
			}
			if n != tc.lines {
				t.Errorf("%d records, want %d", n, tc.lines)
			}
			t.Logf("%d records, %d dated", n, dated)
		})
	}
}

// sharedSamples returns the first lines of a shared evaluation file to
// seed the fuzzer with real input, or none where the data is absent (a
// fuzz target cannot skip only its seeds).
func sharedSamples(tb testing.TB, n int) []string {
	base := os.Getenv("PARALLAX_SHARED")
	if base == "" {
		base = filepath.Join(testutil.RepoRoot(tb), "..", "shared")
	}
	f, err := os.Open(filepath.Join(base, "data", "basil-dev.jsonl"))
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for len(out) < n && sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

func FuzzParse(f *testing.F) {
	f.Add(`{"id": "a", "title": "T", "published": "2012-05-03", "text": "Body"}` + "\n" + `{"text": 1}`)
	f.Add("{\"text\": \"\\ud800 caf\xe9\"}\r\n\n{}")
	for _, s := range sharedSamples(f, 3) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for rec, err := range Parse(t.Context(), strings.NewReader(in), "fuzz.jsonl", Options{MaxLine: 1 << 16}) {
			if !strings.HasPrefix(rec.Input, "fuzz.jsonl:") {
				t.Fatalf("Input %q does not name the source and line", rec.Input)
			}
			if err != nil {
				if !strings.HasPrefix(err.Error(), rec.Input+": ") {
					t.Fatalf("error %q does not name %s", err, rec.Input)
				}
				continue
			}
			if !utf8.ValidString(rec.Text) {
				t.Fatalf("%s: text is not valid UTF-8", rec.Input)
			}
			if len(rec.Text) > len(in) || len(rec.Text) > len(rec.Raw) {
				t.Fatalf("%s: text (%d bytes) longer than its line (%d) or input (%d)", rec.Input, len(rec.Text), len(rec.Raw), len(in))
			}
			if !bytes.Contains([]byte(in), rec.Raw) {
				t.Fatalf("%s: Raw is not a piece of the input", rec.Input)
			}
		}
	})
}

// BenchmarkParse reads the shared evaluation files from memory; it reports
// articles a second besides bytes a second.
func BenchmarkParse(b *testing.B) {
	dir := testutil.SharedDir(b, "data")
	var data []byte
	for _, name := range []string{"ecbplus-dev.jsonl", "basil-dev.jsonl", "allsides-dev.jsonl"} {
		d, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		data = append(data, d...)
	}
	b.SetBytes(int64(len(data)))
	n := 0
	for b.Loop() {
		for _, err := range Parse(b.Context(), bytes.NewReader(data), "bench", Options{}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "articles/s")
}

// TestWrongTypeNamed: a field of the wrong type is named as the line
// writes it.
func TestWrongTypeNamed(t *testing.T) {
	for in, want := range map[string]string{
		`{"title": ["Quake"], "text": "A quake hit."}`:  `"title" must be a string, not an array`,
		`{"published": 1709290000, "text": "A quake."}`: `"published" must be a string, not a number`,
		`{"text": {"body": "A quake hit."}}`:            `"text" must be a string, not an object`,
	} {
		for _, err := range Parse(t.Context(), strings.NewReader(in), "in.jsonl", Options{}) {
			if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %v, want ErrSyntax saying %s", in, err, want)
			}
		}
	}
}

// TestParseWarnings: a record giving an id an earlier record gave to
// other content is kept, with a warning naming the file, both lines and
// the id; a record repeated whole is left to the content check; a date
// that cannot be read is warned of at its line.
func TestParseWarnings(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		records int
		want    []string // each warning's attributes, in order
	}{
		{name: "same id, other text", records: 3,
			in:   `{"id": "abc", "text": "First."}` + "\n\n" + `{"id": "x", "text": "Other."}` + "\n" + `{"id": "abc", "text": "Second."}`,
			want: []string{`input=in.jsonl:4 id=abc first_line=1`}},
		{name: "same numeric id, other title", records: 2,
			in:   `{"id": 7, "title": "A", "text": "Body."}` + "\n" + `{"id": 7, "title": "B", "text": "Body."}`,
			want: []string{`input=in.jsonl:2 id=7 first_line=1`}},
		{name: "each repeat named with the first line", records: 3,
			in:   `{"id": "abc", "text": "1"}` + "\n" + `{"id": "abc", "text": "2"}` + "\n" + `{"id": "abc", "text": "3"}`,
			want: []string{`input=in.jsonl:2 id=abc first_line=1`, `input=in.jsonl:3 id=abc first_line=1`}},
		{name: "same record twice", records: 2, in: `{"id": "abc", "text": "Same."}` + "\n" + `{"id": "abc", "text": "Same."}`},
		{name: "no ids", records: 2, in: `{"text": "First."}` + "\n" + `{"text": "Second."}`},
		{name: "distinct ids", records: 2, in: `{"id": "a", "text": "First."}` + "\n" + `{"id": "b", "text": "Second."}`},
		{name: "an unreadable date at its line", records: 2,
			in:   `{"id": "a", "text": "First."}` + "\n" + `{"id": "d", "text": "Second.", "published": "someday"}`,
			want: []string{`input=in.jsonl:2 id=d`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var logged bytes.Buffer
			got := collect(t, tc.in, Options{Logger: slog.New(slog.NewTextHandler(&logged, nil))})
			if len(got) != tc.records {
				t.Fatalf("got %d records, want %d: every record is kept", len(got), tc.records)
			}
			for _, r := range got {
				if r.err != nil {
					t.Errorf("%s: %v", r.input, r.err)
				}
			}
			warnings := strings.Split(strings.TrimSpace(logged.String()), "\n")
			if logged.Len() == 0 {
				warnings = nil
			}
			if len(warnings) != len(tc.want) {
				t.Fatalf("warnings %q, want %d", warnings, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.Contains(warnings[i], "level=WARN") || !strings.Contains(warnings[i], w) {
					t.Errorf("warning %q, want one with %q", warnings[i], w)
				}
			}
		})
	}
}
