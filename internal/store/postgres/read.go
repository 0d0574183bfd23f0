package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

const articleColumns = `a.id, a.external_id, a.outlet, a.title, a.url, a.published, a.language, a.story,
	a.copy_of, a.source, a.format, a.content_hash, a.ingested`

const articleTextColumns = `, a.text, a.removed`

// articleDest holds what articleColumns (and articleTextColumns) scan into.
type articleDest struct {
	a                        model.Article
	published, story, copyOf *int64
	ingested                 int64
	removed                  string
}

func (d *articleDest) targets(withText bool) []any {
	dst := []any{&d.a.ID, &d.a.ExternalID, &d.a.Outlet, &d.a.Title, &d.a.URL, &d.published, &d.a.Language,
		&d.story, &d.copyOf, &d.a.Source, &d.a.Format, &d.a.ContentHash, &d.ingested}
	if withText {
		dst = append(dst, &d.a.Text, &d.removed)
	}
	return dst
}

func (d *articleDest) article(withText bool) (model.Article, error) {
	a := d.a
	a.Published, a.Story, a.CopyOf = timeOf(d.published), d.story, d.copyOf
	a.Ingested = time.Unix(0, d.ingested).UTC()
	if withText {
		var err error
		if a.Removed, err = store.DecodeList[model.Removal](d.removed); err != nil {
			return a, fmt.Errorf("article %d removed: %w", a.ID, err)
		}
	}
	return a, nil
}

func scanArticle(row pgx.Row, withText bool) (model.Article, error) {
	var d articleDest
	if err := row.Scan(d.targets(withText)...); err != nil {
		return model.Article{}, err
	}
	return d.article(withText)
}

// Article returns one article with its text and what cleaning removed.
func (s *Store) Article(ctx context.Context, id int64) (*model.Article, error) {
	a, err := scanArticle(s.pool.QueryRow(ctx, `SELECT `+articleColumns+articleTextColumns+
		` FROM articles a WHERE a.id = $1`, id), true)
	if err != nil {
		return nil, fmt.Errorf("article %d: %w", id, notFound(err))
	}
	return &a, nil
}

// where collects a query's conditions and their arguments. Only fixed SQL
// fragments go in; user values are always arguments.
type where struct {
	conds []string
	args  []any
}

// arg adds an argument and returns its placeholder.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

func (w *where) add(cond string) { w.conds = append(w.conds, cond) }

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// limit appends LIMIT and OFFSET when asked for; no limit means all rows.
func (w *where) limit(n, offset int) string {
	if n <= 0 {
		return ""
	}
	s := " LIMIT " + w.arg(n)
	if offset > 0 {
		s += " OFFSET " + w.arg(offset)
	}
	return s
}

// articleFilter adds an ArticleQuery's conditions on articles a to w.
func articleFilter(w *where, q store.ArticleQuery) {
	stories := q.Stories
	if q.Story != 0 {
		stories = append(slices.Clip(stories), q.Story)
	}
	if len(stories) > 0 {
		w.add("a.story = ANY(" + w.arg(stories) + ")")
	}
	if len(q.IDs) > 0 {
		w.add("a.id = ANY(" + w.arg(q.IDs) + ")")
	}
	if q.Outlet != "" {
		w.add("a.outlet = " + w.arg(q.Outlet))
	}
	if !q.Since.IsZero() {
		w.add("a.published >= " + w.arg(q.Since.UnixNano()))
	}
	if !q.Until.IsZero() {
		w.add("a.published <= " + w.arg(q.Until.UnixNano()))
	}
	if q.Language != "" {
		w.add("a.language = " + w.arg(q.Language))
	}
	if q.AfterID != 0 {
		w.add("a.id > " + w.arg(q.AfterID))
	}
}

// Articles lists articles in id order, filtered by q.
func (s *Store) Articles(ctx context.Context, q store.ArticleQuery) ([]model.Article, error) {
	cols := articleColumns
	if q.WithText {
		cols += articleTextColumns
	}
	w := &where{}
	articleFilter(w, q)
	query := `SELECT ` + cols + ` FROM articles a` + w.sql() + ` ORDER BY a.id` + w.limit(q.Limit, q.Offset)
	rows, err := s.pool.Query(ctx, query, w.args...)
	if err != nil {
		return nil, fmt.Errorf("articles: %w", err)
	}
	out, err := pgx.AppendRows([]model.Article(nil), rows, func(row pgx.CollectableRow) (model.Article, error) {
		return scanArticle(row, q.WithText)
	})
	if err != nil {
		return nil, fmt.Errorf("articles: %w", err)
	}
	return out, nil
}

// Raw returns an article's input exactly as it was read.
func (s *Store) Raw(ctx context.Context, articleID int64) (model.Raw, error) {
	var r model.Raw
	err := s.pool.QueryRow(ctx, `SELECT content_type, bytes FROM raws WHERE article = $1`, articleID).
		Scan(&r.ContentType, &r.Bytes)
	if err != nil {
		return model.Raw{}, fmt.Errorf("raw of article %d: %w", articleID, notFound(err))
	}
	return r, nil
}

// CountArticles returns how many articles are stored.
func (s *Store) CountArticles(ctx context.Context) (int64, error) {
	var n int64
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM articles`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count articles: %w", err)
	}
	return n, nil
}

// Outlets lists the outlets with their article counts, most first, from
// the counts saves keep. Names sort by their bytes (COLLATE "C"), as
// SQLite sorts them, whatever the database's locale.
func (s *Store) Outlets(ctx context.Context) ([]store.OutletCount, error) {
	rows, err := s.pool.Query(ctx, `SELECT name, articles FROM outlets WHERE articles > 0
		ORDER BY articles DESC, name COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("outlets: %w", err)
	}
	out, err := pgx.AppendRows([]store.OutletCount(nil), rows, pgx.RowToStructByPos[store.OutletCount])
	if err != nil {
		return nil, fmt.Errorf("outlets: %w", err)
	}
	return out, nil
}

// CountStories returns how many stories have articles.
func (s *Store) CountStories(ctx context.Context) (int64, error) {
	var n int64
	if err := s.pool.QueryRow(ctx,
		`SELECT count(*) FROM stories WHERE merged_into IS NULL AND articles > 0`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count stories: %w", err)
	}
	return n, nil
}

// missingStory says why no live story has id: merged into another (an
// error that names both), or unknown.
func (s *Store) missingStory(ctx context.Context, id int64) error {
	var into int64
	err := s.pool.QueryRow(ctx, `SELECT merged_into FROM stories WHERE id = $1 AND merged_into IS NOT NULL`, id).
		Scan(&into)
	if err == nil {
		return &store.MergedError{Story: id, Into: into}
	}
	return fmt.Errorf("story %d: %w", id, notFound(err))
}

const storyColumns = `s.id, s.title, s.articles, s.first_published, s.last_published, s.updated`

func scanStory(row pgx.Row) (model.StorySummary, error) {
	var (
		st          model.StorySummary
		first, last *int64
		updated     int64
	)
	if err := row.Scan(&st.ID, &st.Title, &st.Articles, &first, &last, &updated); err != nil {
		return st, err
	}
	st.FirstPublished, st.LastPublished = timeOf(first), timeOf(last)
	st.Updated = time.Unix(0, updated).UTC()
	return st, nil
}

// Story returns one story's summary. A story merged into another is a
// *store.MergedError naming the story it went into (one hop away: merges
// keep merged_into pointing at a live story).
func (s *Store) Story(ctx context.Context, id int64) (*model.StorySummary, error) {
	st, err := scanStory(s.pool.QueryRow(ctx,
		`SELECT `+storyColumns+` FROM stories s WHERE s.id = $1 AND s.merged_into IS NULL`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, s.missingStory(ctx, id)
	}
	if err != nil {
		return nil, fmt.Errorf("story %d: %w", id, err)
	}
	list := []model.StorySummary{st}
	if err := s.fillOutlets(ctx, list); err != nil {
		return nil, fmt.Errorf("story %d: %w", id, err)
	}
	return &list[0], nil
}

// storyOrders are the SQL of the sorts of StoryQuery, each the order of an
// index (see the stories_newest migration). PostgreSQL puts NULLs first in
// a descending order, so NULLS LAST ends the newest list with the undated
// stories, as in SQLite.
var storyOrders = map[store.StorySort]string{
	store.SortNewest:  "s.last_published DESC NULLS LAST, s.id DESC",
	store.SortBiggest: "s.articles DESC, s.id DESC",
	store.SortUpdated: "s.updated DESC, s.id DESC",
}

// Stories lists stories with articles, filtered and sorted by q. Counts,
// dates and facets are kept in step on every write, so this reads one row
// per story listed, not its articles.
func (s *Store) Stories(ctx context.Context, q store.StoryQuery) ([]model.StorySummary, error) {
	sort, err := store.ParseStorySort(q.Sort)
	if err != nil {
		return nil, err
	}
	w := &where{}
	// The condition of the sorts' partial indexes, word for word.
	w.add("s.merged_into IS NULL AND s.articles > 0")
	if len(q.IDs) > 0 {
		w.add("s.id = ANY(" + w.arg(q.IDs) + ")")
	}
	// Whether to list the stories having a facet value or walk stories in
	// order checking each is the planner's to choose, from its statistics
	// of story_facets: the SQLite store decides it by hand.
	for _, f := range []store.Facet{{Kind: store.FacetOutlet, Value: q.Outlet},
		{Kind: store.FacetEntity, Value: store.EntityKey(q.Entity)}, {Kind: store.FacetLanguage, Value: q.Language}} {
		if f.Value != "" {
			w.add("EXISTS (SELECT 1 FROM story_facets f WHERE f.story = s.id AND f.kind = " + w.arg(f.Kind) +
				" AND f.value = " + w.arg(f.Value) + ")")
		}
	}
	// A story is in a period when its coverage overlaps it.
	if !q.Since.IsZero() {
		w.add("s.last_published >= " + w.arg(q.Since.UnixNano()))
	}
	if !q.Until.IsZero() {
		w.add("s.first_published <= " + w.arg(q.Until.UnixNano()))
	}
	query := `SELECT ` + storyColumns + ` FROM stories s` + w.sql() + ` ORDER BY ` + storyOrders[sort] +
		w.limit(q.Limit, q.Offset)
	rows, err := s.pool.Query(ctx, query, w.args...)
	if err != nil {
		return nil, fmt.Errorf("stories: %w", err)
	}
	out, err := pgx.AppendRows([]model.StorySummary(nil), rows, func(row pgx.CollectableRow) (model.StorySummary, error) {
		return scanStory(row)
	})
	if err != nil {
		return nil, fmt.Errorf("stories: %w", err)
	}
	if err := s.fillOutlets(ctx, out); err != nil {
		return nil, fmt.Errorf("stories: %w", err)
	}
	return out, nil
}

// fillOutlets sets the outlet names of listed stories in one query, sorted
// by their bytes as SQLite sorts them.
func (s *Store) fillOutlets(ctx context.Context, list []model.StorySummary) error {
	if len(list) == 0 {
		return nil
	}
	index := make(map[int64]int, len(list))
	ids := make([]int64, len(list))
	for i, st := range list {
		index[st.ID] = i
		ids[i] = st.ID
		list[i].Outlets = []string{}
	}
	rows, err := s.pool.Query(ctx, `SELECT story, value FROM story_facets WHERE kind = $1 AND story = ANY($2)
		ORDER BY story, value COLLATE "C"`, store.FacetOutlet, ids)
	if err != nil {
		return fmt.Errorf("outlets: %w", err)
	}
	var (
		id     int64
		outlet string
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &outlet}, func() error {
		list[index[id]].Outlets = append(list[index[id]].Outlets, outlet)
		return nil
	})
	if err != nil {
		return fmt.Errorf("outlets: %w", err)
	}
	return nil
}

// StoryVersion returns the story's version, bumped on every change.
func (s *Store) StoryVersion(ctx context.Context, id int64) (int64, error) {
	var v int64
	if err := s.pool.QueryRow(ctx, `SELECT version FROM stories WHERE id = $1`, id).Scan(&v); err != nil {
		return 0, fmt.Errorf("version of story %d: %w", id, notFound(err))
	}
	return v, nil
}

const decisionCols = `id, article, story, kind, score, compared, entities, terms, reason, at`

// sqlDecisions selects the decisions that explain story $1: about the
// articles it holds, merges and manual changes made to it, and those that
// took an article out of it (compared with it, as the decisions_compared
// index's condition says).
const sqlDecisions = `SELECT ` + decisionCols + ` FROM decisions WHERE article IN (SELECT id FROM articles WHERE story = $1)
	UNION SELECT ` + decisionCols + ` FROM decisions WHERE story = $1 AND kind IN ('` + model.DecisionMerge + `', '` + model.DecisionManual + `')
	UNION SELECT ` + decisionCols + ` FROM decisions WHERE compared = $1 AND kind IN ('` + model.DecisionRegroup + `', '` + model.DecisionManual + `')
	ORDER BY at, id`

// Decisions explains a story: the decisions about the articles it now
// holds, the articles regrouping or a person took out of it, and the
// merges and manual changes made to it, in time order.
func (s *Store) Decisions(ctx context.Context, story int64) ([]model.Decision, error) {
	rows, err := s.pool.Query(ctx, sqlDecisions, story)
	if err != nil {
		return nil, fmt.Errorf("decisions of story %d: %w", story, err)
	}
	out, err := pgx.AppendRows([]model.Decision(nil), rows, func(row pgx.CollectableRow) (model.Decision, error) {
		var (
			d               model.Decision
			id, at          int64
			entities, terms string
		)
		if err := row.Scan(&id, &d.Article, &d.Story, &d.Kind, &d.Score, &d.Compared, &entities, &terms,
			&d.Reason, &at); err != nil {
			return d, err
		}
		d.At = time.Unix(0, at).UTC()
		var err error
		if d.Entities, err = store.DecodeList[string](entities); err != nil {
			return d, fmt.Errorf("decision %d: %w", id, err)
		}
		if d.Terms, err = store.DecodeList[string](terms); err != nil {
			return d, fmt.Errorf("decision %d: %w", id, err)
		}
		return d, nil
	})
	if err != nil {
		return nil, fmt.Errorf("decisions of story %d: %w", story, err)
	}
	return out, nil
}

// MergedStories maps every story merged away to the live story it went
// into: merges keep merged_into one hop from a live story.
func (s *Store) MergedStories(ctx context.Context) (map[int64]int64, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, merged_into FROM stories WHERE merged_into IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("merged stories: %w", err)
	}
	out := make(map[int64]int64)
	var from, into int64
	if _, err := pgx.ForEachRow(rows, []any{&from, &into}, func() error {
		out[from] = into
		return nil
	}); err != nil {
		return nil, fmt.Errorf("merged stories: %w", err)
	}
	return out, nil
}

// Features returns the clusterer's features of one article.
func (s *Store) Features(ctx context.Context, article int64) ([]byte, error) {
	var data []byte
	err := s.pool.QueryRow(ctx, `SELECT f.data FROM articles a LEFT JOIN article_features f ON f.article = a.id
		WHERE a.id = $1`, article).Scan(&data)
	if err != nil {
		return nil, fmt.Errorf("features of article %d: %w", article, notFound(err))
	}
	return data, nil
}

// clusterPage is how many rows ClusterRows reads at a time: memory stays
// bounded and no query stays open while fn runs.
const clusterPage = 1000

// ClusterRows calls fn for every article in id order, reading a page at a
// time. fn may use the store. A row's features are in a buffer the next
// page reuses.
func (s *Store) ClusterRows(ctx context.Context, fn func(store.ClusterRow) error) error {
	const page = `SELECT a.id, a.story, a.copy_of, a.published, 0::bigint, f.data
		FROM articles a LEFT JOIN article_features f ON f.article = a.id
		WHERE a.id > $1 ORDER BY a.id LIMIT $2`
	return s.clusterRows(ctx, fn, func(last store.ClusterRow) []any { return []any{last.Article, clusterPage} }, page)
}

// ChangedRows is ClusterRows for the articles stored, or moved to another
// story, by the writes after the count since, in the order of those writes
// (the latest for an article moved twice), read through articles_changed.
func (s *Store) ChangedRows(ctx context.Context, since int64, fn func(store.ClusterRow) error) error {
	const page = `SELECT a.id, a.story, a.copy_of, a.published, a.changed, f.data
		FROM articles a LEFT JOIN article_features f ON f.article = a.id
		WHERE (a.changed, a.id) > ($1, $2) ORDER BY a.changed, a.id LIMIT $3`
	return s.clusterRows(ctx, fn, func(last store.ClusterRow) []any {
		if last.Article == 0 { // the first page: every id of a later write
			return []any{since, int64(math.MaxInt64), clusterPage}
		}
		return []any{last.Changed, last.Article, clusterPage}
	}, page)
}

// clusterRows calls fn for each row of the pages query reads, given the
// arguments args makes from the last row read (the zero row at first).
func (s *Store) clusterRows(ctx context.Context, fn func(store.ClusterRow) error, args func(last store.ClusterRow) []any, query string) error {
	var last store.ClusterRow
	rows := make([]store.ClusterRow, 0, clusterPage)
	var features []byte
	for {
		var err error
		if rows, features, err = s.clusterPage(ctx, query, args(last), rows[:0], features[:0]); err != nil {
			return fmt.Errorf("cluster rows after %d: %w", last.Article, err)
		}
		for _, r := range rows {
			if err := fn(r); err != nil {
				return fmt.Errorf("cluster row %d: %w", r.Article, err)
			}
		}
		if len(rows) < clusterPage {
			return nil
		}
		last = rows[len(rows)-1]
		last.Features = nil
	}
}

// clusterPage appends the page of rows query reads with args to out, and
// their features to buf, which they point into.
func (s *Store) clusterPage(ctx context.Context, query string, args []any, out []store.ClusterRow, buf []byte) ([]store.ClusterRow, []byte, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, buf, err
	}
	var (
		r                        store.ClusterRow
		story, copyOf, published *int64
		// DriverBytes points into the driver's buffer: scanned into a
		// []byte, each row's features would be copied once more.
		data pgtype.DriverBytes
	)
	_, err = pgx.ForEachRow(rows, []any{&r.Article, &story, &copyOf, &published, &r.Changed, &data}, func() error {
		row := store.ClusterRow{Article: r.Article, Story: orZero(story), CopyOf: orZero(copyOf),
			Published: timeOf(published), Changed: r.Changed}
		if data != nil { // NULL: no features stored
			start := len(buf)
			buf = append(buf, data...)
			// A full slice expression, so that appending to one row's
			// features cannot overwrite the next row's.
			row.Features = buf[start:len(buf):len(buf)]
		}
		out = append(out, row)
		return nil
	})
	return out, buf, err
}
