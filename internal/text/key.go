package text

import "strings"

// EntityKey returns a key under which spellings of one name match across
// articles and outlets:
//   - the name is tokenised as by Tokens: case and diacritics folded, dots of
//     acronyms and possessives dropped ("U.S." -> "us", "Zürich" -> "zurich");
//   - function words are dropped ("Council on Foreign Relations" and
//     "Council of Foreign Relations" -> "council foreign relations");
//   - in each word, doubled letters are collapsed ("Zelenskyy" -> "zelensky",
//     "Haass" -> "has") and common transliteration endings folded: -iy and
//     -ij to -y ("Zelenskiy"), -ski to -sky ("Zelenski"), -ei to -ey
//     ("Sergei" -> "sergey");
//   - a name the gazetteer knows maps to its canonical name's key ("UN",
//     "U.N." and "United Nations" -> "united nations").
//
// Keys are for matching only, never for display.
func EntityKey(name string) string {
	key := keyOf(nameWords(name))
	if e, ok := gazetteer().byKey[key]; ok {
		return e.key
	}
	return key
}

// CanonicalName returns the gazetteer's name for a spelling of a name it
// knows ("U.S." and "America" -> "United States"), and any other name as
// given. Stories are filtered by the canonical names of their entities, so a
// filter typed by hand goes through this first.
func CanonicalName(name string) string {
	if e, ok := gazetteer().byKey[keyOf(nameWords(name))]; ok {
		return e.name
	}
	return name
}

// keyOf is EntityKey of an already folded word list.
func keyOf(words []string) string { return strings.Join(words, " ") }

// connectors are the function words that may stand inside a name
// ("Bank of America") and that EntityKey drops.
var connectors = map[string]bool{
	"of": true, "on": true, "for": true, "the": true, "and": true, "de": true, "del": true,
	"la": true, "le": true, "du": true, "da": true, "van": true, "von": true, "der": true,
	"al": true, "bin": true,
}

func isConnector(norm string) bool { return connectors[norm] }

// foldWord folds a normalised word as EntityKey describes. Words that need
// no folding, the common case, are returned without allocating.
func foldWord(w string) string {
	if !needsFold(w) {
		return w
	}
	b := make([]byte, 0, len(w))
	for i := 0; i < len(w); i++ {
		if len(b) > 0 && b[len(b)-1] == w[i] && isLetterByte(w[i]) {
			continue
		}
		b = append(b, w[i])
	}
	s := string(b)
	switch {
	case strings.HasSuffix(s, "iy"), strings.HasSuffix(s, "ij"):
		s = s[:len(s)-2] + "y"
	case strings.HasSuffix(s, "ski"):
		s = s[:len(s)-1] + "y"
	case strings.HasSuffix(s, "ei"):
		s = s[:len(s)-1] + "y"
	}
	return s
}

func needsFold(w string) bool {
	for i := 1; i < len(w); i++ {
		if w[i] == w[i-1] && isLetterByte(w[i]) {
			return true
		}
	}
	return strings.HasSuffix(w, "iy") || strings.HasSuffix(w, "ij") ||
		strings.HasSuffix(w, "ski") || strings.HasSuffix(w, "ei")
}

func isLetterByte(b byte) bool { return 'a' <= b && b <= 'z' }
