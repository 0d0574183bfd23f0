// Package text analyses the clean body of a news article for the stages
// after it (clustering, comparison):
//
//   - Tokens: words and numbers with a normalised form, a Snowball stem and
//     a stop-word mark;
//   - Sentences: Punkt sentence splitting (github.com/neurosnap/sentences)
//     taught the abbreviations of news, paragraph by paragraph;
//   - Analyze: both, plus named entities under one canonical name per
//     article and time expressions;
//   - EntityKey: a key under which spellings of a name match across
//     articles.
//
// Everything here is pure and safe for concurrent use; the shared tables
// (word cache, sentence model, gazetteer) are built on first use.
package text

// Doc is the analysis of one article.
type Doc struct {
	Title string
	// Sentences of the body, in order.
	Sentences []Sentence
	// Tokens of the body and of the title; offsets are into each.
	Tokens      []Token
	TitleTokens []Token
	// Entities named in the title or body, most mentioned first.
	Entities []Entity
	// Times are the time expressions of the body, in order.
	Times []Time
}

// Analyze splits an article into sentences and tokens and finds its named
// entities and time expressions. Entities come after sentences and tokens,
// which they are found in; times after sentences, which they point to.
func Analyze(title, body string) *Doc {
	d := &Doc{
		Title:       title,
		Sentences:   Sentences(body),
		Tokens:      Tokens(body),
		TitleTokens: Tokens(title),
	}
	d.Entities = findEntities(d, body)
	d.Times = findTimes(d, body)
	return d
}
