package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

// timeArg stores a time as UTC nanoseconds, NULL for none.
func timeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixNano()
}

func timeOf(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := time.Unix(0, n.Int64).UTC()
	return &t
}

func idArg(id *int64) any {
	if id == nil || *id == 0 {
		return nil
	}
	return *id
}

func idOf(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

// known looks up an article by canonical URL, then by content hash, with
// stmt (sqlKnown); an empty url or hash matches nothing.
func known(ctx context.Context, stmt *sql.Stmt, url, hash string) (id int64, field string, err error) {
	if url == "" && hash == "" {
		return 0, "", store.ErrNotFound
	}
	err = stmt.QueryRowContext(ctx, url, hash).Scan(&id, &field)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", store.ErrNotFound
	}
	if err != nil {
		return 0, "", fmt.Errorf("look up url %q hash %q: %w", url, hash, err)
	}
	return id, field, nil
}

// Known returns the id of the article stored with url (when not empty) or
// contentHash, or store.ErrNotFound.
func (s *Store) Known(ctx context.Context, url, contentHash string) (int64, error) {
	id, _, err := known(ctx, s.known, url, contentHash)
	if err != nil {
		return 0, fmt.Errorf("known url %q hash %q: %w", url, contentHash, err)
	}
	return id, nil
}

const articleColumns = `a.id, a.external_id, a.outlet, a.title, a.url, a.published, a.language, a.story,
	a.copy_of, a.source, a.format, a.content_hash, a.ingested`

const articleTextColumns = `, a.text, a.removed`

type scanner interface{ Scan(...any) error }

func scanArticle(row scanner, withText bool) (model.Article, error) {
	var (
		a                        model.Article
		published, story, copyOf sql.NullInt64
		ingested                 int64
		removed                  string
	)
	dst := []any{&a.ID, &a.ExternalID, &a.Outlet, &a.Title, &a.URL, &published, &a.Language, &story,
		&copyOf, &a.Source, &a.Format, &a.ContentHash, &ingested}
	if withText {
		dst = append(dst, &a.Text, &removed)
	}
	if err := row.Scan(dst...); err != nil {
		return a, err
	}
	a.Published, a.Story, a.CopyOf = timeOf(published), idOf(story), idOf(copyOf)
	a.Ingested = time.Unix(0, ingested).UTC()
	if withText {
		var err error
		if a.Removed, err = store.DecodeList[model.Removal](removed); err != nil {
			return a, fmt.Errorf("article %d removed: %w", a.ID, err)
		}
	}
	return a, nil
}

// Article returns one article with its text and what cleaning removed.
func (s *Store) Article(ctx context.Context, id int64) (*model.Article, error) {
	row := s.read.QueryRowContext(ctx, `SELECT `+articleColumns+articleTextColumns+
		` FROM articles a WHERE a.id = ?`, id)
	a, err := scanArticle(row, true)
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("article %d: %w", id, err)
	}
	return &a, nil
}

// where collects a query's conditions and their arguments. Only fixed SQL
// fragments go in; user values are always arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// in adds "col IN (ids)"; no ids add no condition.
func (w *where) in(col string, ids []int64) {
	switch len(ids) {
	case 0:
	case 1:
		w.add(col+" = ?", ids[0])
	default:
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		w.add(col+" IN ("+placeholders(len(ids))+")", args...)
	}
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// articleFilter turns an ArticleQuery into conditions on articles a.
func articleFilter(q store.ArticleQuery) *where {
	w := &where{}
	stories := q.Stories
	if q.Story != 0 {
		stories = append(slices.Clip(stories), q.Story)
	}
	w.in("a.story", stories)
	w.in("a.id", q.IDs)
	if q.Outlet != "" {
		w.add("a.outlet = ?", q.Outlet)
	}
	if !q.Since.IsZero() {
		w.add("a.published >= ?", q.Since.UnixNano())
	}
	if !q.Until.IsZero() {
		w.add("a.published <= ?", q.Until.UnixNano())
	}
	if q.Language != "" {
		w.add("a.language = ?", q.Language)
	}
	if q.AfterID != 0 {
		w.add("a.id > ?", q.AfterID)
	}
	return w
}

// placeholders returns n comma-separated parameters for an IN list.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// limit appends LIMIT and OFFSET when asked for; no limit means all rows.
func limit(sqlText string, args []any, n, offset int) (string, []any) {
	if n > 0 {
		sqlText += " LIMIT ?"
		args = append(args, n)
		if offset > 0 {
			sqlText += " OFFSET ?"
			args = append(args, offset)
		}
	}
	return sqlText, args
}

// Articles lists articles in id order, filtered by q.
func (s *Store) Articles(ctx context.Context, q store.ArticleQuery) ([]model.Article, error) {
	cols := articleColumns
	if q.WithText {
		cols += articleTextColumns
	}
	w := articleFilter(q)
	query, args := limit(`SELECT `+cols+` FROM articles a`+w.sql()+` ORDER BY a.id`, w.args, q.Limit, q.Offset)
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("articles: %w", err)
	}
	defer rows.Close()
	var out []model.Article
	for rows.Next() {
		a, err := scanArticle(rows, q.WithText)
		if err != nil {
			return nil, fmt.Errorf("articles: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("articles: %w", err)
	}
	return out, nil
}

// Raw returns an article's input exactly as it was read.
func (s *Store) Raw(ctx context.Context, articleID int64) (model.Raw, error) {
	var r model.Raw
	err := s.read.QueryRowContext(ctx, `SELECT content_type, bytes FROM raws WHERE article = ?`, articleID).
		Scan(&r.ContentType, &r.Bytes)
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return model.Raw{}, fmt.Errorf("raw of article %d: %w", articleID, err)
	}
	return r, nil
}

// CountArticles returns how many articles are stored.
func (s *Store) CountArticles(ctx context.Context) (int64, error) {
	var n int64
	if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM articles`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count articles: %w", err)
	}
	return n, nil
}

// Outlets lists the outlets with their article counts, most first, from
// the counts saves keep.
func (s *Store) Outlets(ctx context.Context) ([]store.OutletCount, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT name, articles FROM outlets WHERE articles > 0
		ORDER BY articles DESC, name`)
	if err != nil {
		return nil, fmt.Errorf("outlets: %w", err)
	}
	defer rows.Close()
	var out []store.OutletCount
	for rows.Next() {
		var o store.OutletCount
		if err := rows.Scan(&o.Name, &o.Articles); err != nil {
			return nil, fmt.Errorf("outlets: %w", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("outlets: %w", err)
	}
	return out, nil
}

// CountStories returns how many stories have articles.
func (s *Store) CountStories(ctx context.Context) (int64, error) {
	var n int64
	if err := s.read.QueryRowContext(ctx,
		`SELECT count(*) FROM stories WHERE merged_into IS NULL AND articles > 0`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count stories: %w", err)
	}
	return n, nil
}

// missingStory says why no live story has id: merged into another (an
// error that names both), or unknown.
func (s *Store) missingStory(ctx context.Context, id int64) error {
	var into int64
	err := s.read.QueryRowContext(ctx, `SELECT merged_into FROM stories WHERE id = ? AND merged_into IS NOT NULL`, id).Scan(&into)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = store.ErrNotFound
	case err == nil:
		return &store.MergedError{Story: id, Into: into}
	}
	return fmt.Errorf("story %d: %w", id, err)
}

const storyColumns = `s.id, s.title, s.articles, s.first_published, s.last_published, s.updated`

func scanStory(row scanner) (model.StorySummary, error) {
	var (
		st          model.StorySummary
		first, last sql.NullInt64
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
	st, err := scanStory(s.read.QueryRowContext(ctx,
		`SELECT `+storyColumns+` FROM stories s WHERE s.id = ? AND s.merged_into IS NULL`, id))
	if errors.Is(err, sql.ErrNoRows) {
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

// storyOrders are the SQL of the sorts of StoryQuery. SQLite puts NULLs
// last in a descending order, so undated stories end the "newest" list.
var storyOrders = map[store.StorySort]string{
	store.SortNewest:  "s.last_published DESC, s.id DESC",
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
	order := storyOrders[sort]
	w := &where{}
	w.add("s.merged_into IS NULL AND s.articles > 0")
	w.in("s.id", q.IDs)
	if err := s.facetFilters(ctx, w, q); err != nil {
		return nil, fmt.Errorf("stories: %w", err)
	}
	// A story is in a period when its coverage overlaps it.
	if !q.Since.IsZero() {
		w.add("s.last_published >= ?", q.Since.UnixNano())
	}
	if !q.Until.IsZero() {
		w.add("s.first_published <= ?", q.Until.UnixNano())
	}
	query, args := limit(`SELECT `+storyColumns+` FROM stories s`+w.sql()+` ORDER BY `+order,
		w.args, q.Limit, q.Offset)
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("stories: %w", err)
	}
	defer rows.Close()
	var out []model.StorySummary
	for rows.Next() {
		st, err := scanStory(rows)
		if err != nil {
			return nil, fmt.Errorf("stories: %w", err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("stories: %w", err)
	}
	if err := s.fillOutlets(ctx, out); err != nil {
		return nil, fmt.Errorf("stories: %w", err)
	}
	return out, nil
}

// facetFilters adds StoryQuery's outlet, entity and language filters. Each
// can be read two ways: list the stories having the value and sort them
// (cost: how many have it), or walk stories in the listing's order and
// check each (cost: how far to walk to fill the page). A rare entity wants
// the first, "language en" the second, so the count decides: the list for
// the rarest value when it is cheaper than the expected walk, checks for
// the rest.
func (s *Store) facetFilters(ctx context.Context, w *where, q store.StoryQuery) error {
	var fs []store.Facet
	for _, f := range []store.Facet{{Kind: store.FacetOutlet, Value: q.Outlet}, {Kind: store.FacetEntity, Value: store.EntityKey(q.Entity)},
		{Kind: store.FacetLanguage, Value: q.Language}} {
		if f.Value != "" {
			fs = append(fs, f)
		}
	}
	if len(fs) == 0 {
		return nil
	}
	var total int64
	if err := s.read.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM stories`).Scan(&total); err != nil {
		return err
	}
	rarest, fewest := -1, int64(0)
	for i, f := range fs {
		var n int64
		if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM story_facets WHERE kind = ? AND value = ?`,
			f.Kind, f.Value).Scan(&n); err != nil {
			return err
		}
		if rarest < 0 || n < fewest {
			rarest, fewest = i, n
		}
	}
	page := int64(max(q.Limit, 50) + q.Offset)
	for i, f := range fs {
		if i == rarest && s.listFacet(fewest, page, total) {
			w.add("s.id IN (SELECT story FROM story_facets WHERE kind = ? AND value = ?)", f.Kind, f.Value)
		} else {
			w.add("EXISTS (SELECT 1 FROM story_facets f WHERE f.story = s.id AND f.kind = ? AND f.value = ?)",
				f.Kind, f.Value)
		}
	}
	return nil
}

// listFacet is the choice facetFilters makes: list the count stories with a
// value when that costs less than walking the expected page*total/count
// stories to fill a page.
func listFacet(count, page, total int64) bool { return count*count < page*total }

// fillOutlets sets the outlet names of listed stories, a page at a time.
func (s *Store) fillOutlets(ctx context.Context, list []model.StorySummary) error {
	const page = 500
	for start := 0; start < len(list); start += page {
		part := list[start:min(start+page, len(list))]
		index := make(map[int64]int, len(part))
		args := make([]any, 0, len(part)+1)
		args = append(args, store.FacetOutlet)
		for i, st := range part {
			index[st.ID] = i
			args = append(args, st.ID)
			part[i].Outlets = []string{}
		}
		rows, err := s.read.QueryContext(ctx, `SELECT story, value FROM story_facets WHERE kind = ? AND story IN (`+
			placeholders(len(part))+`) ORDER BY story, value`, args...)
		if err != nil {
			return fmt.Errorf("outlets: %w", err)
		}
		for rows.Next() {
			var (
				id     int64
				outlet string
			)
			if err := rows.Scan(&id, &outlet); err != nil {
				rows.Close()
				return fmt.Errorf("outlets: %w", err)
			}
			part[index[id]].Outlets = append(part[index[id]].Outlets, outlet)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("outlets: %w", err)
		}
	}
	return nil
}

// StoryVersion returns the story's version, bumped on every change.
func (s *Store) StoryVersion(ctx context.Context, id int64) (int64, error) {
	var v int64
	err := s.read.QueryRowContext(ctx, `SELECT version FROM stories WHERE id = ?`, id).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("version of story %d: %w", id, err)
	}
	return v, nil
}

// sqlDecisions selects the decisions that explain story ?1: about the
// articles it holds, merges and manual changes made to it, and those that
// took an article out of it (compared with it). The last condition is the
// decisions_compared index's, word for word: SQLite uses a partial index
// only for a query that states its condition.
const sqlDecisions = `SELECT ` + decisionCols + ` FROM decisions WHERE article IN (SELECT id FROM articles WHERE story = ?1)
	UNION SELECT ` + decisionCols + ` FROM decisions WHERE story = ?1 AND kind IN ('` + model.DecisionMerge + `', '` + model.DecisionManual + `')
	UNION SELECT ` + decisionCols + ` FROM decisions WHERE compared = ?1 AND kind IN ('` + model.DecisionRegroup + `', '` + model.DecisionManual + `')
	ORDER BY at, id`

const decisionCols = `id, article, story, kind, score, compared, entities, terms, reason, at`

// Decisions explains a story: the decisions about the articles it now
// holds, the articles regrouping or a person took out of it, and the
// merges and manual changes made to it, in time order.
func (s *Store) Decisions(ctx context.Context, story int64) ([]model.Decision, error) {
	rows, err := s.read.QueryContext(ctx, sqlDecisions, story)
	if err != nil {
		return nil, fmt.Errorf("decisions of story %d: %w", story, err)
	}
	defer rows.Close()
	var out []model.Decision
	for rows.Next() {
		var (
			d               model.Decision
			id, at          int64
			entities, terms string
		)
		if err := rows.Scan(&id, &d.Article, &d.Story, &d.Kind, &d.Score, &d.Compared, &entities, &terms,
			&d.Reason, &at); err != nil {
			return nil, fmt.Errorf("decisions of story %d: %w", story, err)
		}
		d.At = time.Unix(0, at).UTC()
		if d.Entities, err = store.DecodeList[string](entities); err != nil {
			return nil, fmt.Errorf("decision %d: %w", id, err)
		}
		if d.Terms, err = store.DecodeList[string](terms); err != nil {
			return nil, fmt.Errorf("decision %d: %w", id, err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("decisions of story %d: %w", story, err)
	}
	return out, nil
}

// clusterPage is how many rows ClusterRows reads at a time: memory stays
// bounded and no read transaction stays open while fn runs.
const clusterPage = 1000

// MergedStories maps every story merged away to the live story it went
// into: merges keep merged_into one hop from a live story.
func (s *Store) MergedStories(ctx context.Context) (map[int64]int64, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, merged_into FROM stories WHERE merged_into IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("merged stories: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]int64)
	for rows.Next() {
		var from, into int64
		if err := rows.Scan(&from, &into); err != nil {
			return nil, fmt.Errorf("merged stories: %w", err)
		}
		out[from] = into
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("merged stories: %w", err)
	}
	return out, nil
}

// ClusterRows calls fn for every article in id order, reading a page at a
// time. fn may use the store. A row's features are in a buffer the next page
// reuses: rebuilding the index of a million articles went through 4.5 GB of
// copies of them for the collector.
func (s *Store) ClusterRows(ctx context.Context, fn func(store.ClusterRow) error) error {
	// INDEXED BY: the planner would walk the wide table rows by id instead.
	const page = `SELECT a.id, a.story, a.copy_of, a.published, 0, f.data
		FROM articles a INDEXED BY articles_cluster LEFT JOIN article_features f ON f.article = a.id
		WHERE a.id > ? ORDER BY a.id LIMIT ?`
	return s.clusterRows(ctx, fn, func(last store.ClusterRow) []any { return []any{last.Article, clusterPage} }, page)
}

// ChangedRows is ClusterRows for the articles stored, or moved to another
// story, by the writes after the count since, in the order of those writes
// (the latest for an article moved twice).
func (s *Store) ChangedRows(ctx context.Context, since int64, fn func(store.ClusterRow) error) error {
	return s.clusterRows(ctx, fn, func(last store.ClusterRow) []any {
		if last.Article == 0 { // the first page: every id of a later write
			return []any{since, int64(math.MaxInt64), clusterPage}
		}
		return []any{last.Changed, last.Article, clusterPage}
	}, sqlChangedPage)
}

// sqlChangedPage reads a page of ChangedRows: it must seek articles_changed
// (TestChangedRowsSeek), or a catch-up would read every article.
const sqlChangedPage = `SELECT a.id, a.story, a.copy_of, a.published, a.changed, f.data
	FROM articles a INDEXED BY articles_changed LEFT JOIN article_features f ON f.article = a.id
	WHERE (a.changed, a.id) > (?, ?) ORDER BY a.changed, a.id LIMIT ?`

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

// Features returns the clusterer's features of one article.
func (s *Store) Features(ctx context.Context, article int64) ([]byte, error) {
	var data []byte
	err := s.read.QueryRowContext(ctx, `SELECT f.data FROM articles a LEFT JOIN article_features f ON f.article = a.id
		WHERE a.id = ?`, article).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("article %d: %w", article, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("features of article %d: %w", article, err)
	}
	return data, nil
}

// clusterPage appends the page of rows query reads with args to out, and
// their features to buf, which they point into.
func (s *Store) clusterPage(ctx context.Context, query string, args []any, out []store.ClusterRow, buf []byte) ([]store.ClusterRow, []byte, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, buf, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			r                        store.ClusterRow
			story, copyOf, published sql.NullInt64
			// RawBytes: scanned into a []byte, each blob would be copied
			// once more.
			data sql.RawBytes
		)
		if err := rows.Scan(&r.Article, &story, &copyOf, &published, &r.Changed, &data); err != nil {
			return nil, buf, err
		}
		r.Story, r.CopyOf, r.Published = story.Int64, copyOf.Int64, timeOf(published)
		if data != nil { // NULL: no features stored
			start := len(buf)
			buf = append(buf, data...)
			// A full slice expression, so that appending to one row's
			// features cannot overwrite the next row's.
			r.Features = buf[start:len(buf):len(buf)]
		}
		out = append(out, r)
	}
	return out, buf, rows.Err()
}
