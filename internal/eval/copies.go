package eval

import (
	"math/rand/v2"
	"strings"

	"github.com/parallax-news/parallax/internal/dedup"
)

// CopyCase is one article of the copy test: a real article, or a copy made
// from one. Original is the ID of the article a copy was made from, "" for
// a real article.
type CopyCase struct {
	ID       string
	Title    string
	Text     string
	Original string
}

// Boilerplate other outlets wrap around a wire story, and the advertisement
// lines a page inserts: written for this test, in the forms they take.
var (
	copyBoilerplate = [][]string{
		{"Copyright 2021 The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed."},
		{"Sign up for our morning newsletter to get the day's top stories delivered to your inbox.", "Follow us on Twitter and Facebook for the latest updates."},
		{"Reporting by staff writers; editing by the news desk.", "Our standards: The Thomson Reuters Trust Principles."},
		{"This story has been updated with additional information.", "Have a news tip? Send it to our newsroom."},
	}
	copyAds = []string{
		"ADVERTISEMENT",
		"Story continues below advertisement",
		"SCROLL TO CONTINUE WITH CONTENT",
		"Advertisement - scroll to continue reading",
	}
)

// MakeCopies returns the articles followed by a copy of every every-th of
// them, in an order shuffled by seed (copies always after the articles).
// Each copy has another outlet's boilerplate lines at its start or end, a
// new headline, its last paragraph trimmed (when it has more than two) and
// an advertisement line inserted in its middle: all four at once, the
// hardest case. Paragraphs are the lines of Text.
func MakeCopies(recs []Labeled, every int, seed uint64) []CopyCase {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	out := make([]CopyCase, 0, len(recs)+len(recs)/max(every, 1))
	for _, r := range recs {
		out = append(out, CopyCase{ID: r.ID, Title: r.Title, Text: r.Text})
	}
	var copies []CopyCase
	for i, r := range recs {
		if every <= 0 || i%every != 0 {
			continue
		}
		copies = append(copies, makeCopy(r, rng))
	}
	rng.Shuffle(len(copies), func(i, j int) { copies[i], copies[j] = copies[j], copies[i] })
	return append(out, copies...)
}

func makeCopy(r Labeled, rng *rand.Rand) CopyCase {
	paras := strings.Split(strings.TrimSpace(r.Text), "\n")
	title := "Update: " + r.Title
	if r.Title != "" && paras[0] == r.Title {
		// The headline leads the text in some datasets: the copy's new
		// headline replaces it there too.
		paras[0] = title
	}
	if len(paras) > 2 {
		// Trimming one of two paragraphs would leave half an article:
		// syndication trims tails, not halves.
		paras = paras[:len(paras)-1]
	}
	ad := copyAds[rng.IntN(len(copyAds))]
	mid := (len(paras) + 1) / 2
	paras = append(paras[:mid], append([]string{ad}, paras[mid:]...)...)
	bp := copyBoilerplate[rng.IntN(len(copyBoilerplate))]
	var lines []string
	if rng.IntN(2) == 0 {
		lines = append(append(lines, bp...), paras...)
	} else {
		lines = append(append(lines, paras...), bp...)
	}
	return CopyCase{ID: r.ID + "/copy", Title: title, Text: strings.Join(lines, "\n"), Original: r.ID}
}

// CopyScores is how well copies were found.
type CopyScores struct {
	Articles  int     `json:"articles"`
	Copies    int     `json:"copies"`
	Found     int     `json:"found"`
	Correct   int     `json:"correct"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	// FalseOriginals counts real articles marked a copy of another.
	FalseOriginals int `json:"false_originals"`
}

// DetectCopies runs the cases in order through a fresh dedup index and
// returns, by case ID, the ID of the original each case was linked to.
func DetectCopies(cases []CopyCase, rule dedup.Rule) map[string]string {
	idx := dedup.NewIndex(rule)
	links := make(map[string]string)
	for i, c := range cases {
		id := int64(i + 1)
		sig := dedup.Sign(c.Text)
		var orig int64
		if m, ok := idx.Find(sig); ok {
			orig = m.Original
			links[c.ID] = cases[orig-1].ID
		}
		idx.Add(id, sig, orig)
	}
	return links
}

// ScoreCopies compares found links with the cases' true originals. A link
// is correct when it names the case's original.
func ScoreCopies(cases []CopyCase, links map[string]string) CopyScores {
	s := CopyScores{Articles: len(cases), Found: len(links)}
	for _, c := range cases {
		got, linked := links[c.ID]
		if c.Original != "" {
			s.Copies++
		}
		switch {
		case linked && got == c.Original:
			s.Correct++
		case linked && c.Original == "":
			s.FalseOriginals++
		}
	}
	s.Precision, s.Recall = 1, 1
	if s.Found > 0 {
		s.Precision = float64(s.Correct) / float64(s.Found)
	}
	if s.Copies > 0 {
		s.Recall = float64(s.Correct) / float64(s.Copies)
	}
	return s
}
