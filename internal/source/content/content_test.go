package content

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Type
	}{
		{name: "plain article", in: "Headline\n\nA paragraph.", want: Text},
		{name: "seed-style bullet date", in: "• 11/25/2024\n\nHeadline", want: Text},
		{name: "latin-1 text is still text", in: "Caf\xe9 opens", want: Text},
		{name: "html doctype", in: "<!DOCTYPE html><html><body>x</body></html>", want: HTML},
		{name: "html after bom and space", in: "\xef\xbb\xbf\n  <html lang=\"en\"><p>x</p></html>", want: HTML},
		{name: "xhtml with xml declaration", in: `<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>`, want: HTML},
		{name: "rss", in: `<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>`, want: Feed},
		{name: "atom", in: `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>`, want: Feed},
		{name: "rdf", in: `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF>`, want: Feed},
		{name: "json feed", in: "{\n  \"version\": \"https://jsonfeed.org/version/1.1\",\n  \"items\": []}", want: Feed},
		{name: "jsonl", in: `{"id": "a", "text": "x"}` + "\n" + `{"id": "b", "text": "y"}`, want: JSONL},
		{name: "jsonl with first line past the sniffed head", in: `{"text": "` + strings.Repeat("x", 5000) + `"}`, want: JSONL},
		{name: "brace text is not jsonl", in: "{Editor's note} The story follows.\nMore.", want: Text},
		{name: "gzip", in: "\x1f\x8b\x08\x00rest", want: Gzip},
		{name: "nul byte", in: "text\x00more", want: Binary},
		{name: "png", in: "\x89PNG\r\n\x1a\n", want: Binary},
		{name: "pdf", in: "%PDF-1.7\n", want: Binary},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sniff([]byte(tc.in)); got != tc.want {
				t.Errorf("Sniff = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCheckText(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    error
		wantMsg string
	}{
		{name: "good", in: "Zelenskyy in Prague: “without Ukraine”"},
		{name: "empty", in: "", want: ErrEmpty},
		{name: "whitespace", in: " \n\t ", want: ErrEmpty},
		{name: "nul late in the file", in: strings.Repeat("a", 10000) + "\x00", want: ErrBinary},
		{name: "invalid utf-8 says where", in: "abc\xffdef", want: ErrInvalidUTF8, wantMsg: "at byte 3"},
		{name: "truncated sequence", in: "caf\xc3", want: ErrInvalidUTF8, wantMsg: "at byte 3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckText([]byte(tc.in))
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("CheckText = %v, want %v", err, tc.want)
			}
			if err != nil && !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("error %q does not say %q", err, tc.wantMsg)
			}
		})
	}
}

func TestReadAll(t *testing.T) {
	tests := []struct {
		name  string
		size  int
		limit int64
		want  error
	}{
		{name: "under", size: 99, limit: 100},
		{name: "exactly the limit", size: 100, limit: 100},
		{name: "one over", size: 101, limit: 100, want: ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := ReadAll(bytes.NewReader(make([]byte, tc.size)), tc.limit)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("ReadAll = %d bytes, %v; want %v", len(b), err, tc.want)
			}
			if err == nil && len(b) != tc.size {
				t.Errorf("read %d bytes, want %d", len(b), tc.size)
			}
		})
	}
}

// FuzzFromUTF16: text without a UTF-16 byte order mark comes back as it
// was; text with one comes back as valid UTF-8 or with ErrInvalidUTF8.
func FuzzFromUTF16(f *testing.F) {
	f.Add([]byte("plain text"))
	f.Add([]byte{0xFF, 0xFE, 'H', 0, 'i', 0})
	f.Add([]byte{0xFE, 0xFF, 0, 'H', 0, 'i'})
	f.Add([]byte{0xFF, 0xFE, 0x00, 0xD8}) // a lone surrogate
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := FromUTF16(b)
		bom := bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF})
		switch {
		case !bom && (err != nil || !bytes.Equal(out, b)):
			t.Fatalf("FromUTF16(%q) = %q, %v; want the input unchanged", b, out, err)
		case bom && err == nil && !utf8.Valid(out):
			t.Fatalf("FromUTF16(%q) = %q: not UTF-8", b, out)
		case err != nil && !errors.Is(err, ErrInvalidUTF8):
			t.Fatalf("FromUTF16(%q): error %v is not ErrInvalidUTF8", b, err)
		}
	})
}
