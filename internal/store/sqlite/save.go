package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

// statements are the hot path's SQL, prepared once on the write connection
// and bound to each write transaction.
type statements struct {
	known          *sql.Stmt
	ensureStory    *sql.Stmt
	storyTarget    *sql.Stmt
	raiseCounter   *sql.Stmt
	nextArticle    *sql.Stmt
	insertArticle  *sql.Stmt
	insertRaw      *sql.Stmt
	insertFeatures *sql.Stmt
	insertEntities *sql.Stmt
	addFacet       *sql.Stmt
	addToStory     *sql.Stmt
	addOutlet      *sql.Stmt
	insertDecision *sql.Stmt
	indexText      *sql.Stmt
}

// sqlKnown looks an article up by canonical URL, then by content hash, in
// one statement: each statement on the read pool starts a read transaction,
// and two per article cost the pipeline a twentieth of its CPU. The URL arm
// runs first and LIMIT 1 stops there on a match. The partial unique indexes
// hold only non-empty values, so the arms say so to be able to use them.
const sqlKnown = `SELECT id, 'url' FROM articles WHERE url = ?1 AND url <> ''
	UNION ALL SELECT id, 'content_hash' FROM articles WHERE content_hash = ?2 AND content_hash <> ''
	LIMIT 1`

type statementDef struct {
	dst **sql.Stmt
	sql string
}

func (st *statements) defs() []statementDef {
	return []statementDef{
		{&st.known, sqlKnown},
		{&st.ensureStory, `INSERT INTO stories (id, title, created, updated) VALUES (?, ?, ?, ?)
			ON CONFLICT (id) DO NOTHING`},
		{&st.storyTarget, `SELECT merged_into FROM stories WHERE id = ?`},
		{&st.raiseCounter, `UPDATE counters SET value = ? WHERE name = 'story' AND value < ?`},
		{&st.nextArticle, `UPDATE counters SET value = value + 1 WHERE name = 'article' RETURNING value`},
		{&st.insertArticle, `INSERT INTO articles (id, external_id, outlet, url, published, language, story,
			copy_of, source, format, content_hash, ingested, title, removed, text, changed)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&st.insertFeatures, `INSERT INTO article_features (article, data) VALUES (?, ?)`},
		{&st.insertRaw, `INSERT INTO raws (article, content_type, bytes) VALUES (?, ?, ?)`},
		// One statement for all of an article's entities, given as a JSON
		// array ("WHERE true" lets SQLite parse the upsert after a SELECT).
		{&st.insertEntities, `INSERT INTO article_entities (article, entity)
			SELECT ?, value FROM json_each(?) WHERE true
			ON CONFLICT (article, entity) DO NOTHING`},
		{&st.addFacet, `INSERT INTO story_facets (story, kind, value, articles) VALUES (?, ?, ?, ?)
			ON CONFLICT (story, kind, value) DO UPDATE SET articles = story_facets.articles + excluded.articles`},
		// A NULL published leaves the dates alone: "x > NULL" is never true.
		// The version goes up by one per article added.
		{&st.addToStory, `UPDATE stories SET articles = articles + ?,
			first_published = CASE WHEN first_published IS NULL OR first_published > ? THEN ? ELSE first_published END,
			last_published = CASE WHEN last_published IS NULL OR last_published < ? THEN ? ELSE last_published END,
			version = version + ?, updated = ? WHERE id = ?`},
		{&st.addOutlet, `INSERT INTO outlets (name, articles) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET articles = outlets.articles + excluded.articles`},
		{&st.insertDecision, `INSERT INTO decisions (article, story, kind, score, compared, entities, terms, reason, at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&st.indexText, `INSERT INTO articles_fts (rowid, title, text)
			SELECT id, title, text FROM articles WHERE id IN (SELECT value FROM json_each(?))`},
	}
}

func prepare(ctx context.Context, db *sql.DB) (*statements, error) {
	st := &statements{}
	for _, d := range st.defs() {
		s, err := db.PrepareContext(ctx, d.sql)
		if err != nil {
			st.close()
			return nil, fmt.Errorf("prepare %q: %w", firstLine(d.sql), err)
		}
		*d.dst = s
	}
	return st, nil
}

func (st *statements) close() error {
	var errs []error
	for _, d := range st.defs() {
		if *d.dst != nil {
			errs = append(errs, (*d.dst).Close())
		}
	}
	return errors.Join(errs...)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// txStatements are the statements bound to one transaction.
type txStatements struct {
	statements
	tx *sql.Tx
	// stories maps the stories this transaction's saves named to the story
	// their articles went to (ensureStory), until a merge changes that.
	stories map[int64]int64
	// writes is the count of writes with this transaction's: what the
	// articles it stores keep as changed.
	writes int64
}

func (st *statements) bind(ctx context.Context, tx *sql.Tx, writes int64) *txStatements {
	b := &txStatements{statements: *st, tx: tx, stories: map[int64]int64{}, writes: writes}
	for _, d := range b.defs() {
		*d.dst = tx.StmtContext(ctx, *d.dst)
	}
	return b
}

// Save writes rec in one transaction and returns the new article's id. It
// fills in rec.Article: ID, Ingested when zero, and Story when the story
// named had been merged into another (the article goes there). An article
// whose canonical URL or content hash is stored already is a
// *store.DuplicateError (store.ErrDuplicate) and writes nothing.
//
// Every commit writes each page it touched to the WAL, some twenty pages
// for one article: SaveBatch, one commit for many, costs a quarter as much
// per article.
func (s *Store) Save(ctx context.Context, rec *store.Record) (int64, error) {
	var id int64
	_, err := s.inChange(ctx, anyCount, func(tx *sql.Tx, writes int64) error {
		st := s.stmts.bind(ctx, tx, writes)
		now := s.now()
		counts := store.NewTally()
		var err error
		if id, err = s.saveOne(ctx, st, rec, counts, now); err != nil {
			return err
		}
		if err := flush(ctx, st, counts, now); err != nil {
			return err
		}
		return indexText(ctx, st, []int64{id})
	})
	if err != nil {
		return 0, fmt.Errorf("save %s: %w", store.RecordName(rec), err)
	}
	return id, nil
}

// SaveBatch writes recs in one transaction: all of them or, when one fails,
// none, with the error naming the failing record. Duplicates within the
// batch fail it too.
func (s *Store) SaveBatch(ctx context.Context, recs []*store.Record) ([]int64, error) {
	ids, _, err := s.SaveBatchAt(ctx, anyCount, recs)
	return ids, err
}

// SaveBatchAt is SaveBatch made only while the store's count of writes is
// at (any count when at < 0), in the same transaction as the check: a
// writer in another process cannot slip in between.
func (s *Store) SaveBatchAt(ctx context.Context, at int64, recs []*store.Record) ([]int64, int64, error) {
	ids := make([]int64, len(recs))
	writes, err := s.inChange(ctx, at, func(tx *sql.Tx, writes int64) error {
		// Statements run without the caller's cancellation: the driver
		// starts a watcher goroutine per statement for a cancellable
		// context, a fifth of the cost of a small insert. The context is
		// checked between records instead, and cancelling it still rolls
		// the transaction back.
		sctx := context.WithoutCancel(ctx)
		st := s.stmts.bind(sctx, tx, writes)
		now := s.now()
		counts := store.NewTally()
		for i, rec := range recs {
			if err := ctx.Err(); err != nil {
				return err
			}
			id, err := s.saveOne(sctx, st, rec, counts, now)
			if err != nil {
				return fmt.Errorf("record %d (%s): %w", i, store.RecordName(rec), err)
			}
			ids[i] = id
		}
		if len(ids) == 0 {
			return nil
		}
		if err := flush(sctx, st, counts, now); err != nil {
			return err
		}
		return indexText(sctx, st, ids)
	})
	if err != nil {
		// The ids handed back to the records were rolled back with the rest.
		for _, rec := range recs {
			if rec != nil && rec.Article != nil {
				rec.Article.ID = 0
			}
		}
		return nil, 0, fmt.Errorf("save batch of %d: %w", len(recs), err)
	}
	return ids, writes, nil
}

// indexText adds the articles saved in this transaction to the full-text
// index. It runs once, last: FTS5 writes its pending terms out as a new
// segment at every statement of the transaction after it has joined, so
// indexing article by article made thousands of tiny segments to merge; one
// statement at the end makes one. The ids go as a JSON array: ids reserved
// ahead (ReserveIDs) need not be contiguous nor the newest.
func indexText(ctx context.Context, st *txStatements, ids []int64) error {
	list, err := json.Marshal(ids)
	if err != nil {
		return fmt.Errorf("index text: %w", err)
	}
	if _, err := st.indexText.ExecContext(ctx, string(list)); err != nil {
		return fmt.Errorf("index text: %w", err)
	}
	return nil
}

// saveOne writes one record inside a write transaction; what it adds to the
// counts kept on write goes to counts, written by its flush.
func (s *Store) saveOne(ctx context.Context, st *txStatements, rec *store.Record, counts *store.Tally, now time.Time) (int64, error) {
	if rec == nil || rec.Article == nil {
		return 0, errors.New("record has no article")
	}
	a := rec.Article
	var story int64
	if a.Story != nil && *a.Story > 0 {
		title := rec.StoryTitle
		if title == "" {
			title = a.Title
		}
		var err error
		if story, err = ensureStory(ctx, st, *a.Story, title, now); err != nil {
			return 0, err
		}
		a.Story = &story
	}
	if a.Ingested.IsZero() {
		a.Ingested = now
	}
	removed, err := store.EncodeList(a.Removed)
	if err != nil {
		return 0, err
	}
	id := a.ID
	if id == 0 {
		if err := st.nextArticle.QueryRowContext(ctx).Scan(&id); err != nil {
			return 0, fmt.Errorf("article counter: %w", err)
		}
	}
	if _, err := st.insertArticle.ExecContext(ctx, id, a.ExternalID, a.Outlet, a.URL, timeArg(a.Published),
		a.Language, idArg(a.Story), idArg(a.CopyOf), a.Source, a.Format, a.ContentHash, a.Ingested.UnixNano(),
		a.Title, removed, a.Text, st.writes); err != nil {
		return 0, duplicateOr(ctx, st, a, fmt.Errorf("insert article: %w", err))
	}
	if _, err := st.insertRaw.ExecContext(ctx, id, rec.Raw.ContentType, rec.Raw.Bytes); err != nil {
		return 0, fmt.Errorf("insert raw: %w", err)
	}
	if rec.Features != nil {
		if _, err := st.insertFeatures.ExecContext(ctx, id, rec.Features); err != nil {
			return 0, fmt.Errorf("insert features: %w", err)
		}
	}
	if err := insertEntities(ctx, st, id, rec.Entities); err != nil {
		return 0, err
	}
	counts.Add(story, a, rec.Entities)
	if rec.Decision.Kind != "" {
		d := rec.Decision
		d.Article = id
		if d.Story == 0 {
			d.Story = story
		}
		if err := insertDecision(ctx, st.insertDecision, d, now); err != nil {
			return 0, err
		}
	}
	if len(rec.Merges)+len(rec.Regroups) > 0 {
		// The arrival's merges, then what regrouping changed after it: one
		// list of changes, made in order.
		changes := make([]store.Regroup, 0, len(rec.Merges)+len(rec.Regroups))
		for _, m := range rec.Merges {
			changes = append(changes, store.Regroup{From: m.From, Story: m.Into, Decision: m.Decision})
		}
		if err := regroup(ctx, st, counts, append(changes, rec.Regroups...), id, now); err != nil {
			return 0, err
		}
	}
	a.ID = id
	return id, nil
}

// regroup makes changes to stories (merges, moves), in order, and records
// their decisions; a merge is credited to article arrived, whose arrival
// led to it. The stories articles left or entered are recounted once, at
// the end.
func regroup(ctx context.Context, st *txStatements, counts *store.Tally, changes []store.Regroup, arrived int64, now time.Time) error {
	if slices.ContainsFunc(changes, func(r store.Regroup) bool { return r.Article == 0 }) {
		clear(st.stories) // a merged story sends its articles elsewhere now
	}
	var moved []int64
	// left lists the stories articles moved out of, each with the story
	// its last article went to, in the order of those last moves.
	var left []store.Regroup
	for _, r := range changes {
		d := r.Decision
		d.Story, d.Compared = r.Story, r.From
		if r.Article == 0 {
			if err := merge(ctx, st.tx, r.From, r.Story, now); err != nil {
				return fmt.Errorf("merge story %d into %d: %w", r.From, r.Story, err)
			}
			counts.Drop(r.From, r.Story)
			d.Article = cmp.Or(d.Article, arrived)
			d.Kind = cmp.Or(d.Kind, model.DecisionMerge)
		} else {
			from, err := relocate(ctx, st.tx, r.Article, r.Story, now)
			if err != nil {
				return fmt.Errorf("move to story %d: %w", r.Story, err)
			}
			moved = append(moved, from, r.Story)
			if from != 0 {
				left = slices.DeleteFunc(left, func(l store.Regroup) bool { return l.From == from })
				left = append(left, store.Regroup{From: from, Story: r.Story})
			}
			d.Article = r.Article
			d.Kind = cmp.Or(d.Kind, model.DecisionRegroup)
		}
		if err := insertDecision(ctx, st.insertDecision, d, now); err != nil {
			return err
		}
	}
	slices.Sort(moved)
	moved = slices.DeleteFunc(slices.Compact(moved), func(id int64) bool { return id == 0 }) // 0: in no story
	for _, id := range moved {
		if err := refreshStory(ctx, st.tx, id, now); err != nil {
			return err
		}
	}
	counts.Drop(moved...)
	// A story emptied before another is never a later one's target: the
	// clusterer drops a story it empties.
	for _, l := range left {
		retired, err := retireIfEmpty(ctx, st.tx, l.From, l.Story, now)
		if err != nil {
			return err
		}
		if retired {
			clear(st.stories)
		}
	}
	return nil
}

// insertEntities records the entities article id mentions, under their
// keys, in one statement.
func insertEntities(ctx context.Context, st *txStatements, id int64, entities []string) error {
	keys := make([]string, 0, len(entities))
	for _, e := range entities {
		if k := store.EntityKey(e); k != "" {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	list, err := json.Marshal(keys)
	if err != nil {
		return fmt.Errorf("insert entities %q: %w", keys, err)
	}
	if _, err := st.insertEntities.ExecContext(ctx, id, string(list)); err != nil {
		return fmt.Errorf("insert entities %q: %w", keys, err)
	}
	return nil
}

// duplicateOr returns a *store.DuplicateError naming the stored article
// when err is the unique indexes refusing a's canonical URL or content
// hash, else err. The indexes are the duplicate check: a look-up before
// every insert cost a twentieth of a save, and the write lock, held since
// BEGIN IMMEDIATE, already keeps other writers out.
func duplicateOr(ctx context.Context, st *txStatements, a *model.Article, err error) error {
	var serr *sqlite.Error
	if !errors.As(err, &serr) || serr.Code() != sqlite3.SQLITE_CONSTRAINT_UNIQUE {
		return err
	}
	id, field, kerr := known(ctx, st.known, a.URL, a.ContentHash)
	if kerr != nil {
		return fmt.Errorf("%w (and %w)", err, kerr)
	}
	return &store.DuplicateError{ID: id, Field: field}
}

// ensureStory creates story id when it does not exist and returns the story
// articles go to: a story a person has merged away sends them to the one it
// was merged into.
func ensureStory(ctx context.Context, st *txStatements, id int64, title string, now time.Time) (int64, error) {
	// A batch holds several articles of a story: one look-up serves them.
	if target, ok := st.stories[id]; ok {
		return target, nil
	}
	target, err := ensureStoryRow(ctx, st, id, title, now)
	if err != nil {
		return 0, err
	}
	st.stories[id] = target
	return target, nil
}

func ensureStoryRow(ctx context.Context, st *txStatements, id int64, title string, now time.Time) (int64, error) {
	res, err := st.ensureStory.ExecContext(ctx, id, title, now.UnixNano(), now.UnixNano())
	if err != nil {
		return 0, fmt.Errorf("create story %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		// Keep ids from NextStoryID clear of stories created by id.
		if _, err := st.raiseCounter.ExecContext(ctx, id, id); err != nil {
			return 0, fmt.Errorf("story counter: %w", err)
		}
		return id, nil
	}
	var into sql.NullInt64
	if err := st.storyTarget.QueryRowContext(ctx, id).Scan(&into); err != nil {
		return 0, fmt.Errorf("story %d: %w", id, err)
	}
	if into.Valid {
		// merge() keeps merged_into pointing at a live story: one hop.
		return into.Int64, nil
	}
	return id, nil
}

// flush writes what counts tallied, in key order, and empties it.
func flush(ctx context.Context, st *txStatements, counts *store.Tally, now time.Time) error {
	stories, facets, outlets := counts.Sorted()
	for _, story := range stories {
		sa := counts.Stories[story]
		first, last := timeArg(sa.First), timeArg(sa.Last)
		if _, err := st.addToStory.ExecContext(ctx, sa.Articles, first, first, last, last, sa.Articles,
			now.UnixNano(), story); err != nil {
			return fmt.Errorf("update story %d: %w", story, err)
		}
	}
	for _, k := range facets {
		if _, err := st.addFacet.ExecContext(ctx, k.Story, k.Kind, k.Value, counts.Facets[k]); err != nil {
			return fmt.Errorf("update story %d %s facet: %w", k.Story, k.Kind, err)
		}
	}
	for _, name := range outlets {
		if _, err := st.addOutlet.ExecContext(ctx, name, counts.Outlets[name]); err != nil {
			return fmt.Errorf("count outlet %q: %w", name, err)
		}
	}
	counts.Reset()
	return nil
}

func insertDecision(ctx context.Context, stmt *sql.Stmt, d model.Decision, now time.Time) error {
	if d.At.IsZero() {
		d.At = now
	}
	entities, err := store.EncodeList(d.Entities)
	if err != nil {
		return err
	}
	terms, err := store.EncodeList(d.Terms)
	if err != nil {
		return err
	}
	if _, err := stmt.ExecContext(ctx, d.Article, d.Story, d.Kind, d.Score, d.Compared, entities, terms,
		d.Reason, d.At.UnixNano()); err != nil {
		return fmt.Errorf("insert %s decision for article %d: %w", d.Kind, d.Article, err)
	}
	return nil
}

// sqlThisWrite is the count of writes with the one in progress, inside
// inChange's transaction: what an article or correction it moves or
// records keeps as changed (saves bind the count inChange gives them).
const sqlThisWrite = `(SELECT value FROM counters WHERE name = 'writes')`

// anyCount, as inChange's at, makes the write whatever the count.
const anyCount = -1

// inChange is inWrite for a transaction that changes articles or stories:
// it counts one more write of the store's generation in it, so that a
// story index saved by one process is not taken for current by the next
// once another wrote, and returns the count with it, which fn gets too.
// When at >= 0 the
// write is made only if the count was at, else the error is
// store.ErrChanged. The count runs without ctx's cancellation, as
// SaveBatch's statements do: cancelling still rolls it back with the rest.
func (s *Store) inChange(ctx context.Context, at int64, fn func(tx *sql.Tx, writes int64) error) (int64, error) {
	var writes int64
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(context.WithoutCancel(ctx),
			`UPDATE counters SET value = value + 1 WHERE name = 'writes' RETURNING value`).Scan(&writes)
		if err != nil {
			return fmt.Errorf("count the write: %w", err)
		}
		if at >= 0 && writes-1 != at {
			return fmt.Errorf("%w: at %d writes, not %d", store.ErrChanged, writes-1, at)
		}
		return fn(tx, writes)
	})
	return writes, err
}

// Generation reads the store's identity and its count of writes.
func (s *Store) Generation(ctx context.Context) (store.Generation, error) {
	var g store.Generation
	err := s.read.QueryRowContext(ctx, `SELECT
		(SELECT value FROM counters WHERE name = 'store'),
		(SELECT value FROM counters WHERE name = 'writes')`).Scan(&g.Store, &g.Writes)
	if err != nil {
		return store.Generation{}, fmt.Errorf("read the store's generation: %w", err)
	}
	return g, nil
}

// NextStoryID reserves a story id no other caller will get.
func (s *Store) NextStoryID(ctx context.Context) (int64, error) {
	var id int64
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = nextStoryID(ctx, tx)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("next story id: %w", err)
	}
	return id, nil
}

// ReserveIDs hands out articles fresh article ids and stories fresh story
// ids, each a consecutive run starting at the id returned, in one write. The
// pipeline decides a whole batch in memory (its articles refer to each other
// as copies and stories) before one SaveBatch stores it, so it needs the ids
// first; the counters keep two processes writing one database apart.
func (s *Store) ReserveIDs(ctx context.Context, articles, stories int) (firstArticle, firstStory int64, err error) {
	err = s.inWrite(ctx, func(tx *sql.Tx) error {
		for _, c := range []struct {
			name  string
			n     int
			first *int64
		}{{"article", articles, &firstArticle}, {"story", stories, &firstStory}} {
			var last int64
			if err := tx.QueryRowContext(ctx, `UPDATE counters SET value = value + ? WHERE name = ? RETURNING value`,
				c.n, c.name).Scan(&last); err != nil {
				return fmt.Errorf("%s counter: %w", c.name, err)
			}
			*c.first = last - int64(c.n) + 1
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("reserve ids: %w", err)
	}
	return firstArticle, firstStory, nil
}

func nextStoryID(ctx context.Context, tx *sql.Tx) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx,
		`UPDATE counters SET value = value + 1 WHERE name = 'story' RETURNING value`).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("story counter: %w", err)
	}
	return id, nil
}
