package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

// liveStory fails with store.ErrNotFound unless story id exists, and with
// a *store.MergedError (also ErrNotFound) when it was merged away.
func liveStory(ctx context.Context, tx *sql.Tx, id int64) error {
	var into sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT merged_into FROM stories WHERE id = ?`, id).Scan(&into)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("story %d: %w", id, store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("story %d: %w", id, err)
	case into.Valid:
		return &store.MergedError{Story: id, Into: into.Int64}
	}
	return nil
}

// The statements of a merge that find rows by a story: each must seek an
// index (TestMergeUsesIndexes), or every merge grows with the store.
const (
	sqlMoveArticles   = `UPDATE articles SET story = ?, changed = ` + sqlThisWrite + ` WHERE story = ?`
	sqlRedirectMerged = `UPDATE stories SET merged_into = ? WHERE merged_into = ?`
)

// merge moves every article of story from into story into and marks from as
// merged, so later saves naming it land in into.
func merge(ctx context.Context, tx *sql.Tx, from, into int64, now time.Time) error {
	if from == into {
		return fmt.Errorf("story %d into itself: %w", from, store.ErrSameStory)
	}
	for _, id := range []int64{from, into} {
		if err := liveStory(ctx, tx, id); err != nil {
			return err
		}
	}
	for _, step := range []struct {
		what string
		sql  string
	}{
		{"move articles", sqlMoveArticles},
		// Keep every merged_into one hop from a live story.
		{"redirect merged stories", sqlRedirectMerged},
	} {
		if _, err := tx.ExecContext(ctx, step.sql, into, from); err != nil {
			return fmt.Errorf("%s: %w", step.what, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE stories SET merged_into = ?, articles = 0, first_published = NULL,
		last_published = NULL, version = version + 1, updated = ? WHERE id = ?`, into, now.UnixNano(), from); err != nil {
		return fmt.Errorf("mark story %d merged: %w", from, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM story_facets WHERE story = ?`, from); err != nil {
		return fmt.Errorf("facets of story %d: %w", from, err)
	}
	return refreshStory(ctx, tx, into, now)
}

// refreshStory recounts a story from its articles after a merge or move:
// the cost is the story's size, and these are rare next to saves, which
// count incrementally. A story whose title was the headline of an article
// that has left takes the headline of its first article left, so that a
// story split in two is not shown as two of the same name.
func refreshStory(ctx context.Context, tx *sql.Tx, id int64, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE stories SET
		articles = (SELECT count(*) FROM articles WHERE story = ?1),
		first_published = (SELECT min(published) FROM articles WHERE story = ?1),
		last_published = (SELECT max(published) FROM articles WHERE story = ?1),
		title = CASE WHEN EXISTS (SELECT 1 FROM articles WHERE story = ?1 AND title = stories.title) THEN title
			ELSE coalesce((SELECT title FROM articles WHERE story = ?1 ORDER BY id LIMIT 1), title) END,
		version = version + 1, updated = ?2 WHERE id = ?1`, id, now.UnixNano()); err != nil {
		return fmt.Errorf("recount story %d: %w", id, err)
	}
	for _, step := range []struct {
		what string
		sql  string
		args []any
	}{
		{"clear", `DELETE FROM story_facets WHERE story = ?`, []any{id}},
		{"outlets", `INSERT INTO story_facets (story, kind, value, articles)
			SELECT ?, ?, outlet, count(*) FROM articles WHERE story = ? AND outlet <> '' GROUP BY outlet`,
			[]any{id, store.FacetOutlet, id}},
		{"languages", `INSERT INTO story_facets (story, kind, value, articles)
			SELECT ?, ?, language, count(*) FROM articles WHERE story = ? AND language <> '' GROUP BY language`,
			[]any{id, store.FacetLanguage, id}},
		{"entities", `INSERT INTO story_facets (story, kind, value, articles)
			SELECT ?, ?, e.entity, count(*) FROM article_entities e JOIN articles a ON a.id = e.article
			WHERE a.story = ? GROUP BY e.entity`,
			[]any{id, store.FacetEntity, id}},
	} {
		if _, err := tx.ExecContext(ctx, step.sql, step.args...); err != nil {
			return fmt.Errorf("story %d facets: %s: %w", id, step.what, err)
		}
	}
	return nil
}

// MergeStories moves every article of story from into story into, records
// the correction and a manual decision, and returns the correction. Unknown
// or already merged stories are store.ErrNotFound and change nothing.
func (s *Store) MergeStories(ctx context.Context, from, into int64, reason string) (model.Correction, error) {
	now := s.now()
	c := model.Correction{Kind: store.CorrectionMerge, Story: from, Target: into, Reason: reason, At: now.UTC()}
	_, err := s.inChange(ctx, anyCount, func(tx *sql.Tx, _ int64) error {
		if err := merge(ctx, tx, from, into, now); err != nil {
			return err
		}
		return s.record(ctx, tx, &c, model.Decision{Story: into, Kind: model.DecisionManual, Compared: from,
			Reason: fmt.Sprintf("story %d merged in by hand: %s", from, reason)})
	})
	if err != nil {
		return model.Correction{}, fmt.Errorf("merge story %d into %d: %w", from, into, err)
	}
	return c, nil
}

// MoveArticle moves an article to story to, or to a new story titled after
// the article when to is 0, and returns the correction naming the target.
// An unknown article or story is store.ErrNotFound and changes nothing.
func (s *Store) MoveArticle(ctx context.Context, article, to int64, reason string) (model.Correction, error) {
	now := s.now()
	c := model.Correction{Kind: store.CorrectionMove, Article: article, Target: to, Reason: reason, At: now.UTC()}
	_, err := s.inChange(ctx, anyCount, func(tx *sql.Tx, _ int64) error {
		c.Target = to
		if to == 0 {
			var err error
			if c.Target, err = nextStoryID(ctx, tx); err != nil {
				return err
			}
		} else if err := liveStory(ctx, tx, to); err != nil {
			return err
		}
		from, err := moveArticle(ctx, tx, article, c.Target, now)
		if err != nil {
			return err
		}
		c.Story = from
		return s.record(ctx, tx, &c, model.Decision{Article: article, Story: c.Target, Kind: model.DecisionManual,
			Compared: from, Reason: "moved by hand: " + reason})
	})
	if err != nil {
		return model.Correction{}, fmt.Errorf("move article %d to story %d: %w", article, to, err)
	}
	return c, nil
}

// SplitStory moves articles of story, and the copies of them the story
// holds, together into a new story titled after the first, in one
// transaction, and records a split correction and a manual decision per
// article moved.
func (s *Store) SplitStory(ctx context.Context, story int64, articles []int64, reason string) ([]model.Correction, error) {
	now := s.now()
	var out []model.Correction
	_, err := s.inChange(ctx, anyCount, func(tx *sql.Tx, _ int64) error {
		out = out[:0]
		moving, err := checkSplit(ctx, tx, story, articles)
		if err != nil {
			return err
		}
		to, err := nextStoryID(ctx, tx)
		if err != nil {
			return err
		}
		for _, a := range moving {
			if _, err := relocate(ctx, tx, a, to, now); err != nil {
				return err
			}
			c := model.Correction{Kind: store.CorrectionSplit, Article: a, Story: story, Target: to, Reason: reason, At: now.UTC()}
			if err := s.record(ctx, tx, &c, model.Decision{Article: a, Story: to, Kind: model.DecisionManual,
				Compared: story, Reason: fmt.Sprintf("split from story %d by hand: %s", story, reason)}); err != nil {
				return err
			}
			out = append(out, c)
		}
		for _, id := range []int64{to, story} {
			if err := refreshStory(ctx, tx, id, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("split story %d: %w", story, err)
	}
	return out, nil
}

// checkSplit fails unless story is live and the split is valid (see
// store.SplitMoving), and returns the articles that move.
func checkSplit(ctx context.Context, tx *sql.Tx, story int64, articles []int64) ([]int64, error) {
	if err := liveStory(ctx, tx, story); err != nil {
		return nil, err
	}
	look := func(a int64) (store.SplitArticle, error) {
		var in, original, originalIn sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT a.story, a.copy_of, o.story FROM articles a
			LEFT JOIN articles o ON o.id = a.copy_of WHERE a.id = ?`, a).Scan(&in, &original, &originalIn)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return store.SplitArticle{}, fmt.Errorf("article %d: %w", a, store.ErrNotFound)
		case err != nil:
			return store.SplitArticle{}, fmt.Errorf("article %d: %w", a, err)
		}
		sa := store.SplitArticle{Story: in.Int64, CopyOf: original.Int64, CopyOfStory: originalIn.Int64}
		if sa.Story == story {
			if sa.Copies, err = copiesIn(ctx, tx, a, story); err != nil {
				return store.SplitArticle{}, err
			}
		}
		return sa, nil
	}
	size := func() (int, error) {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM articles WHERE story = ?`, story).Scan(&n)
		return n, err
	}
	return store.SplitMoving(story, articles, look, size)
}

// copiesIn lists the copies of article that story holds, by id.
func copiesIn(ctx context.Context, tx *sql.Tx, article, story int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM articles WHERE copy_of = ? AND story = ? ORDER BY id`, article, story)
	if err != nil {
		return nil, fmt.Errorf("copies of article %d: %w", article, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("copies of article %d: %w", article, err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("copies of article %d: %w", article, err)
	}
	return out, nil
}

// moveArticle moves article to story to, which it creates, titled after
// the article, when it does not exist, recounts both stories and returns the
// story the article left. An unknown article or a merged-away story is
// store.ErrNotFound.
func moveArticle(ctx context.Context, tx *sql.Tx, article, to int64, now time.Time) (int64, error) {
	from, err := relocate(ctx, tx, article, to, now)
	if err != nil {
		return 0, err
	}
	if err := refreshStory(ctx, tx, to, now); err != nil {
		return 0, err
	}
	if from != 0 && from != to {
		if err := refreshStory(ctx, tx, from, now); err != nil {
			return 0, err
		}
		if _, err := retireIfEmpty(ctx, tx, from, to, now); err != nil {
			return 0, err
		}
	}
	return from, nil
}

// retireIfEmpty marks story id, when moves left it without articles, as
// merged into story to, where its last article went, and reports whether
// it did: the links people saved to it lead there, as a merged story's do,
// instead of to an empty page.
func retireIfEmpty(ctx context.Context, tx *sql.Tx, id, to int64, now time.Time) (bool, error) {
	var n int64
	err := tx.QueryRowContext(ctx, `SELECT articles FROM stories WHERE id = ? AND merged_into IS NULL`, id).Scan(&n)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("story %d: %w", id, err)
	case n > 0:
		return false, nil
	}
	// The story may have been merged since the article went there: into
	// the live story, one hop away.
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(merged_into, id) FROM stories WHERE id = ?`, to).Scan(&to); err != nil {
		return false, fmt.Errorf("story %d: %w", to, err)
	}
	if err := merge(ctx, tx, id, to, now); err != nil {
		return false, fmt.Errorf("retire empty story %d into %d: %w", id, to, err)
	}
	return true, nil
}

// relocate is moveArticle without the recounts, for a caller that moves
// several articles and recounts each story once.
func relocate(ctx context.Context, tx *sql.Tx, article, to int64, now time.Time) (int64, error) {
	var (
		from  sql.NullInt64
		title string
	)
	err := tx.QueryRowContext(ctx, `SELECT story, title FROM articles WHERE id = ?`, article).Scan(&from, &title)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("article %d: %w", article, store.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("article %d: %w", article, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO stories (id, title, created, updated) VALUES (?, ?, ?, ?)
		ON CONFLICT (id) DO NOTHING`, to, title, now.UnixNano(), now.UnixNano()); err != nil {
		return 0, fmt.Errorf("new story %d: %w", to, err)
	}
	if err := liveStory(ctx, tx, to); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE articles SET story = ?, changed = `+sqlThisWrite+` WHERE id = ?`, to, article); err != nil {
		return 0, fmt.Errorf("move article %d: %w", article, err)
	}
	return from.Int64, nil
}

// record writes a correction and the manual decision that goes with it.
func (s *Store) record(ctx context.Context, tx *sql.Tx, c *model.Correction, d model.Decision) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO corrections (kind, article, story, target, reason, at, changed)
		VALUES (?, ?, ?, ?, ?, ?, `+sqlThisWrite+`)`, c.Kind, c.Article, c.Story, c.Target, c.Reason, c.At.UnixNano())
	if err != nil {
		return fmt.Errorf("record correction: %w", err)
	}
	if c.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("record correction: %w", err)
	}
	d.At = c.At
	return insertDecision(ctx, tx.StmtContext(ctx, s.stmts.insertDecision), d, c.At)
}

// Corrections lists every correction in the order they were made.
func (s *Store) Corrections(ctx context.Context) ([]model.Correction, error) {
	return s.CorrectionsSince(ctx, anyCount)
}

// CorrectionsSince lists the corrections made by writes after the count
// since (every one when since < 0), in the order they were made.
func (s *Store) CorrectionsSince(ctx context.Context, since int64) ([]model.Correction, error) {
	rows, err := s.read.QueryContext(ctx,
		`SELECT id, kind, article, story, target, reason, at FROM corrections WHERE changed > ? ORDER BY id`, since)
	if err != nil {
		return nil, fmt.Errorf("corrections: %w", err)
	}
	defer rows.Close()
	var out []model.Correction
	for rows.Next() {
		var (
			c  model.Correction
			at int64
		)
		if err := rows.Scan(&c.ID, &c.Kind, &c.Article, &c.Story, &c.Target, &c.Reason, &at); err != nil {
			return nil, fmt.Errorf("corrections: %w", err)
		}
		c.At = time.Unix(0, at).UTC()
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("corrections: %w", err)
	}
	return out, nil
}
