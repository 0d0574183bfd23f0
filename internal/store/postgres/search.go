package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

// Search finds articles whose title or text has every word of query, the
// best-ranked among the newest matches first, with a snippet whose matches
// are marked with store.HighlightStart and store.HighlightEnd. It ranks as
// the SQLite store does (store.SearchWindows, store.SearchRank): a title
// match counts more than a text match, ties go to the newest. A query
// without words finds nothing.
//
// Words are found as SQLite finds them: the index holds each article's
// store.QueryWords, folded (see searchVector), not what to_tsvector makes
// of it, and a query asks for its words the same way. Neither side stems
// or drops stop words ("AND" is a word, "talks" does not find "talk"), in
// any language, as SQLite's unicode61 tokenizer does neither. Snippets are
// ts_headline's with the 'simple' configuration for the same reason: it
// only lowers case, where 'english' would stem and drop stop words, mark
// other words than those that matched, and read every article as English.
// Where users may see a difference from SQLite, it is in the snippets:
// ts_headline reads the stored text with PostgreSQL's own parser, so it
// marks a word typed without its accents ("creme") only where the text
// has it so, and it chooses and cuts the passage by its own rules.
func (s *Store) Search(ctx context.Context, query string, q store.ArticleQuery) ([]store.SearchHit, error) {
	words := store.QueryWords(query)
	if len(words) == 0 {
		return nil, nil
	}
	if err := store.CheckQueryWords(words); err != nil {
		return nil, err
	}
	match, ok := searchQuery(words, "&")
	if !ok {
		return nil, nil
	}
	n := store.SearchLimit(q)
	// One snapshot: every step sees the same articles.
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) // it only read: nothing to keep or lose
	hits, err := store.RankNewest(store.SearchWindows, n,
		func(window int) (int64, error) { return windowStart(ctx, tx, match, window) },
		func(bound int64) ([]store.SearchHit, error) { return rank(ctx, tx, match, words, q, bound, n) })
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	if err := fillHits(ctx, tx, words, hits); err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	return hits, nil
}

// windowStart returns the id of the window-th newest match, or 0 when there
// are no more matches than that (or window is 0): ids are in arrival order.
func windowStart(ctx context.Context, tx pgx.Tx, match string, window int) (int64, error) {
	if window == 0 {
		return 0, nil
	}
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM articles WHERE search @@ $1::tsquery
		ORDER BY id DESC OFFSET $2 LIMIT 1`, match, window-1).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// rank ranks the matches from id bound on (a window of the newest) that
// pass q's filters and returns a page of them, best first, with only ids
// and ranks set. A word is in the title when the title's part of the
// index (weight A) matches it.
func rank(ctx context.Context, tx pgx.Tx, match string, words []string, q store.ArticleQuery, bound int64, n int) ([]store.SearchHit, error) {
	w := &where{}
	w.add("a.search @@ " + w.arg(match) + "::tsquery")
	w.add("a.id >= " + w.arg(bound))
	articleFilter(w, q)
	inTitle := make([]string, len(words))
	for i, word := range words {
		one, _ := searchQuery([]string{word}, "&") // every word fits: match does
		inTitle[i] = "(ts_filter(a.search, '{a}') @@ " + w.arg(one) + "::tsquery)::int"
	}
	query := `SELECT a.id, ` + strings.Join(inTitle, " + ") + ` AS in_title FROM articles a` + w.sql() +
		` ORDER BY in_title DESC, a.id DESC LIMIT ` + w.arg(n) + ` OFFSET ` + w.arg(max(q.Offset, 0))
	rows, err := tx.Query(ctx, query, w.args...)
	if err != nil {
		return nil, err
	}
	var (
		hits   []store.SearchHit
		id     int64
		titled int
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &titled}, func() error {
		hits = append(hits, store.SearchHit{Article: model.Article{ID: id}, Rank: store.SearchRank(titled, len(words))})
		return nil
	})
	return hits, err
}

// snippetWords is how many words a snippet holds at most, as the SQLite
// store's snippets hold 16 tokens.
const snippetWords = 16

// fillHits reads the hits' articles and makes their snippets, for the few
// hits of a page only, in one query. The snippet is of the text, or of the
// title when only the title matches, with "…" where it cuts the column
// short, as SQLite's snippets have it.
func fillHits(ctx context.Context, tx pgx.Tx, words []string, hits []store.SearchHit) error {
	if len(hits) == 0 {
		return nil
	}
	index := make(map[int64]*store.SearchHit, len(hits))
	ids := make([]int64, len(hits))
	for i := range hits {
		index[hits[i].Article.ID] = &hits[i]
		ids[i] = hits[i].Article.ID
	}
	// Any word marks. ts_headline reads the text with PostgreSQL's parser,
	// which folds case but not accents: a word is marked as typed and as
	// folded, so that "Résumé" is marked where the text has "résumé".
	either, _ := searchQuery(words, "|")
	var marked []string
	for _, w := range words {
		for _, m := range []string{fold(w), strings.ToLower(w)} {
			if !slices.Contains(marked, lexeme(m)) {
				marked = append(marked, lexeme(m))
			}
		}
	}
	options := fmt.Sprintf(`StartSel="%s", StopSel="%s", MaxWords=%d, MinWords=%d`,
		store.HighlightStart, store.HighlightEnd, snippetWords, snippetWords/2)
	rows, err := tx.Query(ctx, `SELECT `+articleColumns+`, h.snippet,
			starts_with(c.col, p.plain), right(c.col, length(p.plain)) = p.plain
		FROM articles a
		CROSS JOIN LATERAL (SELECT CASE WHEN ts_filter(a.search, '{b}') @@ $2::tsquery
			THEN a.text ELSE a.title END AS col) c
		CROSS JOIN LATERAL (SELECT ts_headline('simple', c.col, to_tsquery('simple', $3), $4) AS snippet) h
		CROSS JOIN LATERAL (SELECT translate(h.snippet, $5, '') AS plain) p
		WHERE a.id = ANY($1)`,
		ids, either, strings.Join(marked, " | "), options, store.HighlightStart+store.HighlightEnd)
	if err != nil {
		return fmt.Errorf("hit articles: %w", err)
	}
	var (
		d            articleDest
		snippet      string
		starts, ends bool
	)
	_, err = pgx.ForEachRow(rows, append(d.targets(false), &snippet, &starts, &ends), func() error {
		a, err := d.article(false)
		if err != nil {
			return err
		}
		if !starts {
			snippet = "…" + snippet
		}
		if !ends {
			snippet += "…"
		}
		index[a.ID].Article, index[a.ID].Snippet = a, snippet
		return nil
	})
	if err != nil {
		return fmt.Errorf("hit articles: %w", err)
	}
	for _, h := range hits {
		if h.Article.Ingested.IsZero() {
			// Saves index an article in the transaction that stores it.
			return fmt.Errorf("hit %d: article %w", h.Article.ID, store.ErrNotFound)
		}
	}
	return nil
}
