package sqlite

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/parallax-news/parallax/internal/store"
)

// matchQuery turns what a user typed into an FTS5 query that cannot be read
// as syntax: the words, each a quoted string, all required. Splitting on
// the characters FTS5's unicode61 tokenizer also splits on means operators,
// quotes, stars and column filters in the input are only ever separators or
// plain words ("AND" quoted is the word "and").
func matchQuery(text string) string {
	words := strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Mn, r)
	})
	for i, w := range words {
		words[i] = `"` + w + `"`
	}
	return strings.Join(words, " ")
}

// Search finds articles whose title or text has every word of query, best
// first, with a snippet whose matches are marked with store.HighlightStart
// and store.HighlightEnd. A title match counts more than a text match. A
// query without words finds nothing.
func (s *Store) Search(ctx context.Context, query string, q store.ArticleQuery) ([]store.SearchHit, error) {
	match := matchQuery(query)
	if match == "" {
		return nil, nil
	}
	w := articleFilter(q)
	w.conds = append([]string{"articles_fts MATCH ?"}, w.conds...)
	w.args = append([]any{match}, w.args...)
	n := q.Limit
	if n <= 0 {
		n = 50
	}
	sqlText, args := limit(`SELECT `+articleColumns+`,
		snippet(articles_fts, -1, ?, ?, '…', 16), -bm25(articles_fts, 4.0, 1.0) AS rank
		FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid`+w.sql()+` ORDER BY rank DESC, a.id`,
		append([]any{store.HighlightStart, store.HighlightEnd}, w.args...), n, q.Offset)
	rows, err := s.read.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	defer rows.Close()
	var hits []store.SearchHit
	for rows.Next() {
		var h store.SearchHit
		if h.Article, err = scanArticle(rows, false, &h.Snippet, &h.Rank); err != nil {
			return nil, fmt.Errorf("search %q: %w", query, err)
		}
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	return hits, nil
}
