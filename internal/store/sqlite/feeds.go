package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

// Comparison returns the cached comparison of story at version, or
// store.ErrNotFound when it was never computed for that version.
func (s *Store) Comparison(ctx context.Context, story, version int64) ([]byte, error) {
	var data []byte
	err := s.read.QueryRowContext(ctx, `SELECT data FROM comparisons WHERE story = ? AND version = ?`,
		story, version).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("comparison of story %d version %d: %w", story, version, err)
	}
	return data, nil
}

// PutComparison caches a story's comparison at version, dropping older
// versions: only the newest is ever asked for.
func (s *Store) PutComparison(ctx context.Context, story, version int64, data []byte) error {
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM comparisons WHERE story = ? AND version <> ?`,
			story, version); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO comparisons (story, version, data) VALUES (?, ?, ?)
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
// followed is a *store.DuplicateError.
func (s *Store) AddFeed(ctx context.Context, f model.Feed) (model.Feed, error) {
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM feeds WHERE url = ?`, f.URL).Scan(&id)
		if err == nil {
			return &store.DuplicateError{ID: id, Field: "feed_url"}
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO feeds (url, title, outlet, etag, last_modified,
			last_polled, last_error, failures, next_poll) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			f.URL, f.Title, f.Outlet, f.ETag, f.LastModified, timeArg(f.LastPolled), f.LastError,
			f.Failures, timeArg(f.NextPoll))
		if err != nil {
			return err
		}
		f.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return model.Feed{}, fmt.Errorf("add feed %s: %w", f.URL, err)
	}
	return f, nil
}

// Feeds lists the followed feeds in the order they were added.
func (s *Store) Feeds(ctx context.Context) ([]model.Feed, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+feedColumns+` FROM feeds ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("feeds: %w", err)
	}
	defer rows.Close()
	var out []model.Feed
	for rows.Next() {
		var (
			f                    model.Feed
			lastPolled, nextPoll sql.NullInt64
		)
		if err := rows.Scan(&f.ID, &f.URL, &f.Title, &f.Outlet, &f.ETag, &f.LastModified, &lastPolled,
			&f.LastError, &f.Failures, &nextPoll); err != nil {
			return nil, fmt.Errorf("feeds: %w", err)
		}
		f.LastPolled, f.NextPoll = timeOf(lastPolled), timeOf(nextPoll)
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("feeds: %w", err)
	}
	return out, nil
}

// UpdateFeed writes a feed's state after a poll. An unknown id is
// store.ErrNotFound.
func (s *Store) UpdateFeed(ctx context.Context, f model.Feed) error {
	return s.changeFeed(ctx, f.ID, "update", `UPDATE feeds SET url = ?, title = ?, outlet = ?, etag = ?,
		last_modified = ?, last_polled = ?, last_error = ?, failures = ?, next_poll = ? WHERE id = ?`,
		f.URL, f.Title, f.Outlet, f.ETag, f.LastModified, timeArg(f.LastPolled), f.LastError, f.Failures,
		timeArg(f.NextPoll), f.ID)
}

// RemoveFeed stops following a feed; its articles stay. An unknown id is
// store.ErrNotFound.
func (s *Store) RemoveFeed(ctx context.Context, id int64) error {
	return s.changeFeed(ctx, id, "remove", `DELETE FROM feeds WHERE id = ?`, id)
}

func (s *Store) changeFeed(ctx context.Context, id int64, what, query string, args ...any) error {
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return store.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s feed %d: %w", what, id, err)
	}
	return nil
}
