package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
)

// The keys go as one JSON array each and are matched through the unique
// indexes, so a whole batch is checked in two statements, not two per
// article: the pipeline checks its batches while holding its lock. CROSS
// JOIN keeps the keys as the outer loop, and "<> ”" lets the partial
// indexes serve: otherwise SQLite scans every article.
const (
	sqlKnownManyURL = `SELECT j.key, a.id FROM json_each(?) AS j CROSS JOIN articles AS a
		ON a.url = j.value AND a.url <> ''`
	sqlKnownManyHash = `SELECT j.key, a.id FROM json_each(?) AS j CROSS JOIN articles AS a
		ON a.content_hash = j.value AND a.content_hash <> ''`
)

// KnownMany returns, for each i, the id of the article stored with urls[i]
// (when not empty) or else hashes[i], 0 when there is none: a URL match
// wins, as in Known.
func (s *Store) KnownMany(ctx context.Context, urls, hashes []string) ([]int64, error) {
	if len(urls) != len(hashes) {
		return nil, fmt.Errorf("known many: %d urls, %d hashes", len(urls), len(hashes))
	}
	ids := make([]int64, len(urls))
	if len(urls) == 0 {
		return ids, nil
	}
	// Hashes first, so that a URL match overwrites a hash match.
	for _, k := range []struct {
		field, query string
		keys         []string
	}{{"content_hash", sqlKnownManyHash, hashes}, {"url", sqlKnownManyURL, urls}} {
		list, err := json.Marshal(k.keys)
		if err != nil {
			return nil, fmt.Errorf("known many: %w", err)
		}
		rows, err := s.read.QueryContext(ctx, k.query, string(list))
		if err != nil {
			return nil, fmt.Errorf("known many by %s: %w", k.field, err)
		}
		for rows.Next() {
			var i, id int64
			if err := rows.Scan(&i, &id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("known many by %s: %w", k.field, err)
			}
			ids[i] = id
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("known many by %s: %w", k.field, err)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("known many by %s: %w", k.field, err)
		}
	}
	return ids, nil
}
