package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

// liveStory fails with store.ErrNotFound unless story id exists, and with
// a *store.MergedError (also ErrNotFound) when it was merged away.
func liveStory(ctx context.Context, c *change, id int64) error {
	var into *int64
	err := c.QueryRow(ctx, `SELECT merged_into FROM stories WHERE id = $1`, id).Scan(&into)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("story %d: %w", id, store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("story %d: %w", id, err)
	case into != nil:
		return &store.MergedError{Story: id, Into: *into}
	}
	return nil
}

// merge moves every article of story from into story into and marks from as
// merged, so later saves naming it land in into.
func merge(ctx context.Context, c *change, from, into int64) error {
	if from == into {
		return fmt.Errorf("story %d into itself: %w", from, store.ErrSameStory)
	}
	for _, id := range []int64{from, into} {
		if err := liveStory(ctx, c, id); err != nil {
			return err
		}
	}
	if _, err := c.Exec(ctx, `UPDATE articles SET story = $1, changed = $2 WHERE story = $3`,
		into, c.writes, from); err != nil {
		return fmt.Errorf("move articles: %w", err)
	}
	// Keep every merged_into one hop from a live story.
	if _, err := c.Exec(ctx, `UPDATE stories SET merged_into = $1 WHERE merged_into = $2`, into, from); err != nil {
		return fmt.Errorf("redirect merged stories: %w", err)
	}
	if _, err := c.Exec(ctx, `UPDATE stories SET merged_into = $1, articles = 0, first_published = NULL,
		last_published = NULL, version = version + 1, updated = $2 WHERE id = $3`,
		into, c.now.UnixNano(), from); err != nil {
		return fmt.Errorf("mark story %d merged: %w", from, err)
	}
	if _, err := c.Exec(ctx, `DELETE FROM story_facets WHERE story = $1`, from); err != nil {
		return fmt.Errorf("facets of story %d: %w", from, err)
	}
	return refreshStory(ctx, c, into)
}

// refreshStory recounts a story from its articles after a merge or move:
// the cost is the story's size, and these are rare next to saves, which
// count incrementally. A story whose title was the headline of an article
// that has left takes the headline of its first article left, so that a
// story split in two is not shown as two of the same name.
func refreshStory(ctx context.Context, c *change, id int64) error {
	if _, err := c.Exec(ctx, `UPDATE stories SET
		articles = (SELECT count(*) FROM articles WHERE story = $1),
		first_published = (SELECT min(published) FROM articles WHERE story = $1),
		last_published = (SELECT max(published) FROM articles WHERE story = $1),
		title = CASE WHEN EXISTS (SELECT 1 FROM articles WHERE story = $1 AND title = stories.title) THEN title
			ELSE coalesce((SELECT title FROM articles WHERE story = $1 ORDER BY id LIMIT 1), title) END,
		version = version + 1, updated = $2 WHERE id = $1`, id, c.now.UnixNano()); err != nil {
		return fmt.Errorf("recount story %d: %w", id, err)
	}
	for _, step := range []struct {
		what string
		sql  string
		args []any
	}{
		{"clear", `DELETE FROM story_facets WHERE story = $1`, []any{id}},
		{"outlets", `INSERT INTO story_facets (story, kind, value, articles)
			SELECT $1, $2, outlet, count(*) FROM articles WHERE story = $1 AND outlet <> '' GROUP BY outlet`,
			[]any{id, store.FacetOutlet}},
		{"languages", `INSERT INTO story_facets (story, kind, value, articles)
			SELECT $1, $2, language, count(*) FROM articles WHERE story = $1 AND language <> '' GROUP BY language`,
			[]any{id, store.FacetLanguage}},
		{"entities", `INSERT INTO story_facets (story, kind, value, articles)
			SELECT $1, $2, e.entity, count(*) FROM article_entities e JOIN articles a ON a.id = e.article
			WHERE a.story = $1 GROUP BY e.entity`,
			[]any{id, store.FacetEntity}},
	} {
		if _, err := c.Exec(ctx, step.sql, step.args...); err != nil {
			return fmt.Errorf("story %d facets: %s: %w", id, step.what, err)
		}
	}
	return nil
}

// MergeStories moves every article of story from into story into, records
// the correction and a manual decision, and returns the correction. Unknown
// or already merged stories are store.ErrNotFound and change nothing.
func (s *Store) MergeStories(ctx context.Context, from, into int64, reason string) (model.Correction, error) {
	var out model.Correction
	_, err := s.inChange(ctx, anyCount, func(c *change) error {
		out = model.Correction{Kind: store.CorrectionMerge, Story: from, Target: into, Reason: reason, At: c.now.UTC()}
		if err := merge(ctx, c, from, into); err != nil {
			return err
		}
		return record(ctx, c, &out, model.Decision{Story: into, Kind: model.DecisionManual, Compared: from,
			Reason: fmt.Sprintf("story %d merged in by hand: %s", from, reason)})
	})
	if err != nil {
		return model.Correction{}, fmt.Errorf("merge story %d into %d: %w", from, into, err)
	}
	return out, nil
}

// MoveArticle moves an article to story to, or to a new story titled after
// the article when to is 0, and returns the correction naming the target.
// An unknown article or story is store.ErrNotFound and changes nothing.
func (s *Store) MoveArticle(ctx context.Context, article, to int64, reason string) (model.Correction, error) {
	var out model.Correction
	_, err := s.inChange(ctx, anyCount, func(c *change) error {
		out = model.Correction{Kind: store.CorrectionMove, Article: article, Target: to, Reason: reason, At: c.now.UTC()}
		if to == 0 {
			var err error
			if out.Target, err = nextStoryID(ctx, c.Tx); err != nil {
				return err
			}
		} else if err := liveStory(ctx, c, to); err != nil {
			return err
		}
		from, err := moveArticle(ctx, c, article, out.Target)
		if err != nil {
			return err
		}
		out.Story = from
		return record(ctx, c, &out, model.Decision{Article: article, Story: out.Target, Kind: model.DecisionManual,
			Compared: from, Reason: "moved by hand: " + reason})
	})
	if err != nil {
		return model.Correction{}, fmt.Errorf("move article %d to story %d: %w", article, to, err)
	}
	return out, nil
}

// SplitStory moves articles of story, and the copies of them the story
// holds, together into a new story titled after the first, in one
// transaction, and records a split correction and a manual decision per
// article moved.
func (s *Store) SplitStory(ctx context.Context, story int64, articles []int64, reason string) ([]model.Correction, error) {
	var out []model.Correction
	_, err := s.inChange(ctx, anyCount, func(c *change) error {
		out = out[:0]
		moving, err := checkSplit(ctx, c, story, articles)
		if err != nil {
			return err
		}
		to, err := nextStoryID(ctx, c.Tx)
		if err != nil {
			return err
		}
		for _, a := range moving {
			if _, err := relocate(ctx, c, a, to); err != nil {
				return err
			}
			cor := model.Correction{Kind: store.CorrectionSplit, Article: a, Story: story, Target: to, Reason: reason,
				At: c.now.UTC()}
			if err := record(ctx, c, &cor, model.Decision{Article: a, Story: to, Kind: model.DecisionManual,
				Compared: story, Reason: fmt.Sprintf("split from story %d by hand: %s", story, reason)}); err != nil {
				return err
			}
			out = append(out, cor)
		}
		for _, id := range []int64{to, story} {
			if err := refreshStory(ctx, c, id); err != nil {
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
func checkSplit(ctx context.Context, c *change, story int64, articles []int64) ([]int64, error) {
	if err := liveStory(ctx, c, story); err != nil {
		return nil, err
	}
	look := func(a int64) (store.SplitArticle, error) {
		var in, original, originalIn *int64
		err := c.QueryRow(ctx, `SELECT a.story, a.copy_of, o.story FROM articles a
			LEFT JOIN articles o ON o.id = a.copy_of WHERE a.id = $1`, a).Scan(&in, &original, &originalIn)
		if err != nil {
			return store.SplitArticle{}, fmt.Errorf("article %d: %w", a, notFound(err))
		}
		sa := store.SplitArticle{Story: orZero(in), CopyOf: orZero(original), CopyOfStory: orZero(originalIn)}
		if sa.Story == story {
			rows, err := c.Query(ctx, `SELECT id FROM articles WHERE copy_of = $1 AND story = $2 ORDER BY id`, a, story)
			if err == nil {
				sa.Copies, err = pgx.AppendRows([]int64(nil), rows, pgx.RowTo[int64])
			}
			if err != nil {
				return store.SplitArticle{}, fmt.Errorf("copies of article %d: %w", a, err)
			}
		}
		return sa, nil
	}
	size := func() (int, error) {
		var n int
		err := c.QueryRow(ctx, `SELECT count(*) FROM articles WHERE story = $1`, story).Scan(&n)
		return n, err
	}
	return store.SplitMoving(story, articles, look, size)
}

func orZero(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}

// moveArticle moves article to story to, which it creates, titled after
// the article, when it does not exist, recounts both stories and returns the
// story the article left. An unknown article or a merged-away story is
// store.ErrNotFound.
func moveArticle(ctx context.Context, c *change, article, to int64) (int64, error) {
	from, err := relocate(ctx, c, article, to)
	if err != nil {
		return 0, err
	}
	if err := refreshStory(ctx, c, to); err != nil {
		return 0, err
	}
	if from != 0 && from != to {
		if err := refreshStory(ctx, c, from); err != nil {
			return 0, err
		}
		if _, err := retireIfEmpty(ctx, c, from, to); err != nil {
			return 0, err
		}
	}
	return from, nil
}

// retireIfEmpty marks story id, when moves left it without articles, as
// merged into story to, where its last article went, and reports whether
// it did: the links people saved to it lead there, as a merged story's do,
// instead of to an empty page.
func retireIfEmpty(ctx context.Context, c *change, id, to int64) (bool, error) {
	var n int64
	err := c.QueryRow(ctx, `SELECT articles FROM stories WHERE id = $1 AND merged_into IS NULL`, id).Scan(&n)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("story %d: %w", id, err)
	case n > 0:
		return false, nil
	}
	// The story may have been merged since the article went there: into
	// the live story, one hop away.
	if err := c.QueryRow(ctx, `SELECT coalesce(merged_into, id) FROM stories WHERE id = $1`, to).Scan(&to); err != nil {
		return false, fmt.Errorf("story %d: %w", to, err)
	}
	if err := merge(ctx, c, id, to); err != nil {
		return false, fmt.Errorf("retire empty story %d into %d: %w", id, to, err)
	}
	return true, nil
}

// relocate is moveArticle without the recounts, for a caller that moves
// several articles and recounts each story once.
func relocate(ctx context.Context, c *change, article, to int64) (int64, error) {
	var (
		from  *int64
		title string
	)
	err := c.QueryRow(ctx, `SELECT story, title FROM articles WHERE id = $1`, article).Scan(&from, &title)
	if err != nil {
		return 0, fmt.Errorf("article %d: %w", article, notFound(err))
	}
	if _, err := c.Exec(ctx, `INSERT INTO stories (id, title, created, updated) VALUES ($1, $2, $3, $3)
		ON CONFLICT (id) DO NOTHING`, to, title, c.now.UnixNano()); err != nil {
		return 0, fmt.Errorf("new story %d: %w", to, err)
	}
	if err := liveStory(ctx, c, to); err != nil {
		return 0, err
	}
	if _, err := c.Exec(ctx, `UPDATE articles SET story = $1, changed = $2 WHERE id = $3`,
		to, c.writes, article); err != nil {
		return 0, fmt.Errorf("move article %d: %w", article, err)
	}
	return orZero(from), nil
}

// record writes a correction and the manual decision that goes with it.
func record(ctx context.Context, c *change, cor *model.Correction, d model.Decision) error {
	err := c.QueryRow(ctx, `INSERT INTO corrections (kind, article, story, target, reason, at, changed)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		cor.Kind, cor.Article, cor.Story, cor.Target, cor.Reason, cor.At.UnixNano(), c.writes).Scan(&cor.ID)
	if err != nil {
		return fmt.Errorf("record correction: %w", err)
	}
	d.At = cor.At
	return insertDecision(ctx, c, d)
}

// Corrections lists every correction in the order they were made.
func (s *Store) Corrections(ctx context.Context) ([]model.Correction, error) {
	return s.CorrectionsSince(ctx, anyCount)
}

// CorrectionsSince lists the corrections made by writes after the count
// since (every one when since < 0), in the order they were made.
func (s *Store) CorrectionsSince(ctx context.Context, since int64) ([]model.Correction, error) {
	rows, err := s.pool.Query(ctx,
		`SELECT id, kind, article, story, target, reason, at FROM corrections WHERE changed > $1 ORDER BY id`, since)
	if err != nil {
		return nil, fmt.Errorf("corrections: %w", err)
	}
	out, err := pgx.AppendRows([]model.Correction(nil), rows, func(row pgx.CollectableRow) (model.Correction, error) {
		var (
			cor model.Correction
			at  int64
		)
		err := row.Scan(&cor.ID, &cor.Kind, &cor.Article, &cor.Story, &cor.Target, &cor.Reason, &at)
		cor.At = time.Unix(0, at).UTC()
		return cor, err
	})
	if err != nil {
		return nil, fmt.Errorf("corrections: %w", err)
	}
	return out, nil
}
