package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

// Comparison returns the cached comparison of story at version, or
// store.ErrNotFound when it was never computed for that version.
func (s *Store) Comparison(ctx context.Context, story, version int64) ([]byte, error) {
	var data []byte
	err := s.pool.QueryRow(ctx, `SELECT data FROM comparisons WHERE story = $1 AND version = $2`,
		story, version).Scan(&data)
	if err != nil {
		return nil, fmt.Errorf("comparison of story %d version %d: %w", story, version, notFound(err))
	}
	return data, nil
}

// PutComparison caches a story's comparison at version, dropping older
// versions: only the newest is ever asked for.
func (s *Store) PutComparison(ctx context.Context, story, version int64, data []byte) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM comparisons WHERE story = $1 AND version <> $2`,
			story, version); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO comparisons (story, version, data) VALUES ($1, $2, $3)
			ON CONFLICT (story, version) DO UPDATE SET data = excluded.data`, story, version, data)
		return err
	})
	if err != nil {
		return fmt.Errorf("cache comparison of story %d version %d: %w", story, version, err)
	}
	return nil
}

const feedColumns = `id, url, title, outlet, etag, last_modified, last_polled, last_error, failures, next_poll`

// AddFeed follows a feed and returns it with its id. A feed URL already
// followed is a *store.DuplicateError. The insert gives way to the feed
// another process stored meanwhile (ON CONFLICT), which is then the one
// named.
func (s *Store) AddFeed(ctx context.Context, f model.Feed) (model.Feed, error) {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO feeds (url, title, outlet, etag, last_modified,
			last_polled, last_error, failures, next_poll) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (url) DO NOTHING RETURNING id`,
			f.URL, f.Title, f.Outlet, f.ETag, f.LastModified, timeArg(f.LastPolled), f.LastError,
			f.Failures, timeArg(f.NextPoll)).Scan(&f.ID)
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, `SELECT id FROM feeds WHERE url = $1`, f.URL).Scan(&id); err != nil {
			return err
		}
		return &store.DuplicateError{ID: id, Field: "feed_url"}
	})
	if err != nil {
		return model.Feed{}, fmt.Errorf("add feed %s: %w", f.URL, err)
	}
	return f, nil
}

// Feeds lists the followed feeds in the order they were added.
func (s *Store) Feeds(ctx context.Context) ([]model.Feed, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+feedColumns+` FROM feeds ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("feeds: %w", err)
	}
	out, err := pgx.AppendRows([]model.Feed(nil), rows, func(row pgx.CollectableRow) (model.Feed, error) {
		var (
			f                    model.Feed
			lastPolled, nextPoll *int64
		)
		err := row.Scan(&f.ID, &f.URL, &f.Title, &f.Outlet, &f.ETag, &f.LastModified, &lastPolled,
			&f.LastError, &f.Failures, &nextPoll)
		f.LastPolled, f.NextPoll = timeOf(lastPolled), timeOf(nextPoll)
		return f, err
	})
	if err != nil {
		return nil, fmt.Errorf("feeds: %w", err)
	}
	return out, nil
}

// UpdateFeed writes a feed's state after a poll. An unknown id is
// store.ErrNotFound.
func (s *Store) UpdateFeed(ctx context.Context, f model.Feed) error {
	return s.changeFeed(ctx, f.ID, "update", `UPDATE feeds SET url = $1, title = $2, outlet = $3, etag = $4,
		last_modified = $5, last_polled = $6, last_error = $7, failures = $8, next_poll = $9 WHERE id = $10`,
		f.URL, f.Title, f.Outlet, f.ETag, f.LastModified, timeArg(f.LastPolled), f.LastError, f.Failures,
		timeArg(f.NextPoll), f.ID)
}

// RemoveFeed stops following a feed; its articles stay. An unknown id is
// store.ErrNotFound.
func (s *Store) RemoveFeed(ctx context.Context, id int64) error {
	return s.changeFeed(ctx, id, "remove", `DELETE FROM feeds WHERE id = $1`, id)
}

func (s *Store) changeFeed(ctx context.Context, id int64, what, query string, args ...any) error {
	tag, err := s.pool.Exec(ctx, query, args...)
	if err == nil && tag.RowsAffected() == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("%s feed %d: %w", what, id, err)
	}
	return nil
}
