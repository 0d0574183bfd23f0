package text

import "testing"

func TestLookups(t *testing.T) {
	for _, tc := range []struct {
		name, word           string
		given, common, known bool
	}{
		{name: "a given name", word: "Robin", given: true},
		{name: "a given name in lower case", word: "clark", given: true},
		{name: "a surname", word: "Woodward"},
		{name: "a common word capitalised", word: "Majority", common: true},
		{name: "a place the gazetteer knows", word: "Colorado", known: true},
		{name: "an alias the gazetteer knows", word: "U.N.", known: true},
		{name: "a place it does not", word: "Schenectady"},
		{name: "two words are no given name", word: "Robin Hood"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsGivenName(tc.word); got != tc.given {
				t.Errorf("IsGivenName(%q) = %v, want %v", tc.word, got, tc.given)
			}
			if got := IsCommonWord(tc.word); got != tc.common {
				t.Errorf("IsCommonWord(%q) = %v, want %v", tc.word, got, tc.common)
			}
			if got := IsKnownName(tc.word); got != tc.known {
				t.Errorf("IsKnownName(%q) = %v, want %v", tc.word, got, tc.known)
			}
		})
	}
}
