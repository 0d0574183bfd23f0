package extract

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLeadTitle(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"first sentence", "Tara Reid checked herself into rehab, her rep said. She is 33.\n\nMore.", "Tara Reid checked herself into rehab, her rep said"},
		{"abbreviation is no sentence end", "U.S. officials met in New York on Tuesday. Talks went on.", "U.S. officials met in New York on Tuesday"},
		{"versus", "Chargers WR Jackson will play vs. Steelers\nAn arrest will not affect him.", "Chargers WR Jackson will play vs. Steelers"},
		{"initials", "J. K. Rowling opened a bookshop. It sold out.", "J. K. Rowling opened a bookshop"},
		{"only the first paragraph", "A short lead\nSecond paragraph.", "A short lead"},
		{"long sentence cut at a word", strings.Repeat("word ", 40), strings.TrimSpace(strings.Repeat("word ", 22)) + "…"},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := leadTitle(tc.text)
			if got != tc.want {
				t.Errorf("leadTitle(%q) = %q, want %q", tc.text, got, tc.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("leadTitle(%q) is not valid UTF-8", tc.text)
			}
		})
	}
}
