package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
)

// sqlKnownMany takes the keys as one JSON array each and matches them
// through the unique indexes, so a whole batch is checked in one statement,
// not one per article: each statement on the read pool is a read
// transaction of its own. The two arms share that transaction, and the
// statement is prepared once, as parsing it cost as much as running it for
// a worker's run of articles. CROSS JOIN keeps the keys as the outer loop,
// and "<> ”" lets the partial indexes serve: otherwise SQLite scans every
// article. The third column tells a URL match, which wins, from a hash one.
const sqlKnownMany = `SELECT j.key, a.id, 1 FROM json_each(?1) AS j CROSS JOIN articles AS a
		ON a.url = j.value AND a.url <> ''
	UNION ALL SELECT j.key, a.id, 0 FROM json_each(?2) AS j CROSS JOIN articles AS a
		ON a.content_hash = j.value AND a.content_hash <> ''`

// sqlStoriesOf reads the stories of a batch of articles given as one JSON
// array, through the primary key, without their text.
const sqlStoriesOf = `SELECT j.key, IFNULL(a.story, 0) FROM json_each(?) AS j CROSS JOIN articles AS a
	ON a.id = j.value`

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
	urlList, err := json.Marshal(urls)
	if err != nil {
		return nil, fmt.Errorf("known many: %w", err)
	}
	hashList, err := json.Marshal(hashes)
	if err != nil {
		return nil, fmt.Errorf("known many: %w", err)
	}
	rows, err := s.knownMany.QueryContext(ctx, string(urlList), string(hashList))
	if err != nil {
		return nil, fmt.Errorf("known many: %w", err)
	}
	defer rows.Close()
	byURL := make([]bool, len(urls))
	for rows.Next() {
		var i, id int64
		var url bool
		if err := rows.Scan(&i, &id, &url); err != nil {
			return nil, fmt.Errorf("known many: %w", err)
		}
		if url || !byURL[i] {
			ids[i], byURL[i] = id, url
		}
	}
	if err := rows.Err(); err != nil {
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
	list, err := json.Marshal(articles)
	if err != nil {
		return nil, fmt.Errorf("stories of articles: %w", err)
	}
	rows, err := s.storiesOf.QueryContext(ctx, string(list))
	if err != nil {
		return nil, fmt.Errorf("stories of articles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var i, story int64
		if err := rows.Scan(&i, &story); err != nil {
			return nil, fmt.Errorf("stories of articles: %w", err)
		}
		stories[i] = story
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("stories of articles: %w", err)
	}
	return stories, nil
}
