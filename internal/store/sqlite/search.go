package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

// quotedWords turns what a user typed into the terms of an FTS5 query that
// cannot be read as syntax: the distinct words (store.QueryWords), each a
// quoted string, all required once joined by spaces. Each string is one
// token (see store.WordRune): the index keeps no positions (detail=column),
// so a string of two tokens, a phrase, is an error.
func quotedWords(text string) []string {
	words := store.QueryWords(text)
	for i, w := range words {
		words[i] = `"` + w + `"`
	}
	return words
}

// searchWindows is store.SearchWindows, which tests shorten.
var searchWindows = store.SearchWindows

// Search finds articles whose title or text has every word of query, the
// best-ranked among the newest matches first (see searchWindows), with a
// snippet whose matches are marked with store.HighlightStart and
// store.HighlightEnd. A title match counts more than a text match. A query
// without words finds nothing. Rank is higher for better matches.
func (s *Store) Search(ctx context.Context, query string, q store.ArticleQuery) ([]store.SearchHit, error) {
	words := quotedWords(query)
	if len(words) == 0 {
		return nil, nil
	}
	if err := store.CheckQueryWords(words); err != nil {
		return nil, err
	}
	match := strings.Join(words, " ")
	n := store.SearchLimit(q)
	// One read transaction: every step sees the same articles, and SQLite
	// checks for other connections' writes, and drops this connection's
	// page cache when there were some, once rather than at every step.
	// Under ingestion that re-reading was a fifth of a search's time.
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	defer tx.Rollback() // it only read: nothing to keep or lose
	hits, err := store.RankNewest(searchWindows, n,
		func(window int) (int64, error) { return windowStart(ctx, tx, match, window) },
		func(bound int64) ([]store.SearchHit, error) { return rank(ctx, tx, match, words, q, bound, n) })
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	if err := fillHits(ctx, tx, match, hits); err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	return hits, nil
}

// windowStart returns the id of the window-th newest match, or 0 when there
// are no more matches than that (or window is 0): ids are in arrival order.
func windowStart(ctx context.Context, db querier, match string, window int) (int64, error) {
	if window == 0 {
		return 0, nil
	}
	var id int64
	err := db.QueryRowContext(ctx, `SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?
		ORDER BY rowid DESC LIMIT 1 OFFSET ?`, match, window-1).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// matches returns the ids of the matches of match from id bound on that
// pass q's filters, newest first. Articles are joined only to filter: each
// join is a read of a large row.
func matches(ctx context.Context, db querier, match string, q store.ArticleQuery, bound int64) ([]int64, error) {
	w := articleFilter(q)
	from := `articles_fts f`
	if len(w.conds) > 0 {
		from += ` JOIN articles a ON a.id = f.rowid`
	}
	w.conds = append([]string{"f.articles_fts MATCH ?", "f.rowid >= ?"}, w.conds...)
	w.args = append([]any{match, bound}, w.args...)
	return ids(ctx, db, `SELECT f.rowid FROM `+from+w.sql()+` ORDER BY f.rowid DESC`, w.args...)
}

// querier is a read transaction, or the read pool.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func ids(ctx context.Context, db querier, query string, args ...any) ([]int64, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// rank ranks the matches from id bound on (a window of the newest) and
// returns a page of them, best first, with only ids and ranks set (see
// store.SearchRank): not FTS5's bm25, which counts each word's matches in
// the whole index, even when the query matches one article.
func rank(ctx context.Context, db querier, match string, words []string, q store.ArticleQuery, bound int64, n int) ([]store.SearchHit, error) {
	found, err := matches(ctx, db, match, q, bound)
	if err != nil {
		return nil, err
	}
	inTitles := make(map[int64]int, len(found))
	for _, id := range found {
		inTitles[id] = 0
	}
	for _, word := range words {
		// Within the query's own matches, so the rarest word leads.
		inTitle, err := ids(ctx, db, `SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid >= ?`,
			match+" AND title : "+word, bound)
		if err != nil {
			return nil, err
		}
		for _, id := range inTitle {
			if n, ok := inTitles[id]; ok {
				inTitles[id] = n + 1
			}
		}
	}
	score := make(map[int64]float64, len(found))
	for id, n := range inTitles {
		score[id] = store.SearchRank(n, len(words))
	}
	// found is newest first, and a stable sort keeps that among equals.
	slices.SortStableFunc(found, func(a, b int64) int { return cmp.Compare(score[b], score[a]) })
	found = found[min(q.Offset, len(found)):]
	hits := make([]store.SearchHit, 0, min(n, len(found)))
	for _, id := range found[:min(n, len(found))] {
		hits = append(hits, store.SearchHit{Article: model.Article{ID: id}, Rank: score[id]})
	}
	return hits, nil
}

// fillHits reads the hits' articles and makes their snippets, for the few
// hits of a page only, with one query for each: a snippet query per hit
// would each seek through every segment of the index again.
func fillHits(ctx context.Context, db querier, match string, hits []store.SearchHit) error {
	if len(hits) == 0 {
		return nil
	}
	index := make(map[int64]*store.SearchHit, len(hits))
	ids := make([]any, len(hits))
	least, most := hits[0].Article.ID, hits[0].Article.ID
	for i := range hits {
		h := &hits[i]
		index[h.Article.ID] = h
		ids[i] = h.Article.ID
		least, most = min(least, h.Article.ID), max(most, h.Article.ID)
	}
	rows, err := db.QueryContext(ctx, `SELECT `+articleColumns+` FROM articles a WHERE a.id IN (`+
		placeholders(len(ids))+`)`, ids...)
	if err != nil {
		return fmt.Errorf("hit articles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanArticle(rows, false)
		if err != nil {
			return fmt.Errorf("hit articles: %w", err)
		}
		index[a.ID].Article = a
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("hit articles: %w", err)
	}
	// The rowid bounds let FTS5 walk only the matches from the oldest hit
	// to the newest; the unary + keeps the IN list a filter on that walk.
	// Without it SQLite hands FTS5 one rowid at a time, and each starts a
	// new seek through every segment of the index: at 100,000 articles
	// that was most of a search's cost.
	args := append([]any{store.HighlightStart, store.HighlightEnd, match, least, most}, ids...)
	snips, err := db.QueryContext(ctx, `SELECT rowid, snippet(articles_fts, -1, ?, ?, '…', 16) FROM articles_fts
		WHERE articles_fts MATCH ? AND rowid BETWEEN ? AND ? AND +rowid IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return fmt.Errorf("snippets: %w", err)
	}
	defer snips.Close()
	for snips.Next() {
		var (
			id      int64
			snippet string
		)
		if err := snips.Scan(&id, &snippet); err != nil {
			return fmt.Errorf("snippets: %w", err)
		}
		index[id].Snippet = snippet
	}
	if err := snips.Err(); err != nil {
		return fmt.Errorf("snippets: %w", err)
	}
	for _, h := range hits {
		if h.Article.Ingested.IsZero() {
			// Saves index an article in the transaction that stores it.
			return fmt.Errorf("hit %d: article %w", h.Article.ID, store.ErrNotFound)
		}
	}
	return nil
}
