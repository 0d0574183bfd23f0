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
// entities and time expressions.
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
