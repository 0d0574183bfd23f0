package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/parallax-news/parallax/internal/store"
)

// Known returns the id of the article stored with url (when not empty) or
// contentHash, or store.ErrNotFound. The URL arm runs first and LIMIT 1
// stops there on a match; each arm says "<> ”" so that the partial unique
// indexes, which hold only non-empty values, serve it.
func (s *Store) Known(ctx context.Context, url, contentHash string) (int64, error) {
	if url == "" && contentHash == "" {
		return 0, fmt.Errorf("known url %q hash %q: %w", url, contentHash, store.ErrNotFound)
	}
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT id FROM (
			SELECT id, 1 AS arm FROM articles WHERE url = $1 AND url <> ''
			UNION ALL SELECT id, 2 FROM articles WHERE content_hash = $2 AND content_hash <> ''
		) k ORDER BY arm LIMIT 1`, url, contentHash).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("known url %q hash %q: %w", url, contentHash, notFound(err))
	}
	return id, nil
}

// KnownMany returns, for each i, the id of the article stored with urls[i]
// (when not empty) or else hashes[i], 0 when there is none: a URL match
// wins, as in Known. The keys go as two arrays, matched through the unique
// indexes in one statement.
func (s *Store) KnownMany(ctx context.Context, urls, hashes []string) ([]int64, error) {
	if len(urls) != len(hashes) {
		return nil, fmt.Errorf("known many: %d urls, %d hashes", len(urls), len(hashes))
	}
	ids := make([]int64, len(urls))
	if len(urls) == 0 {
		return ids, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT k.i, a.id, true FROM unnest($1::text[]) WITH ORDINALITY AS k (v, i)
			JOIN articles a ON a.url = k.v AND a.url <> ''
		UNION ALL SELECT k.i, a.id, false FROM unnest($2::text[]) WITH ORDINALITY AS k (v, i)
			JOIN articles a ON a.content_hash = k.v AND a.content_hash <> ''`, urls, hashes)
	if err != nil {
		return nil, fmt.Errorf("known many: %w", err)
	}
	byURL := make([]bool, len(urls))
	var (
		i, id int64
		url   bool
	)
	if _, err := pgx.ForEachRow(rows, []any{&i, &id, &url}, func() error {
		i-- // ORDINALITY counts from 1
		if url || !byURL[i] {
			ids[i], byURL[i] = id, url
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("known many: %w", err)
	}
	return ids, nil
}

// StoriesOf returns, for each i, the story of article articles[i], 0 when
// it has none or is not stored.
func (s *Store) StoriesOf(ctx context.Context, articles []int64) ([]int64, error) {
	stories := make([]int64, len(articles))
	if len(articles) == 0 {
		return stories, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT k.i, coalesce(a.story, 0) FROM unnest($1::bigint[]) WITH ORDINALITY AS k (v, i)
		JOIN articles a ON a.id = k.v`, articles)
	if err != nil {
		return nil, fmt.Errorf("stories of articles: %w", err)
	}
	var i, story int64
	if _, err := pgx.ForEachRow(rows, []any{&i, &story}, func() error {
		stories[i-1] = story // ORDINALITY counts from 1
		return nil
	}); err != nil {
		return nil, fmt.Errorf("stories of articles: %w", err)
	}
	return stories, nil
}
