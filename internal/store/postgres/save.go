package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

// Save writes rec in one transaction and returns the new article's id. It
// fills in rec.Article: ID, Ingested when zero, and Story when the story
// named had been merged into another (the article goes there). An article
// whose canonical URL or content hash is stored already is a
// *store.DuplicateError (store.ErrDuplicate) and writes nothing.
func (s *Store) Save(ctx context.Context, rec *store.Record) (int64, error) {
	var id int64
	_, err := s.inChange(ctx, anyCount, func(c *change) error {
		ids, _, err := saveRecords(ctx, c, []*store.Record{rec})
		if err != nil {
			return err
		}
		id = ids[0]
		return nil
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
// at (any count when at < 0), checked under the lock the write holds to its
// commit (see inChange): a writer in another process cannot slip in between.
func (s *Store) SaveBatchAt(ctx context.Context, at int64, recs []*store.Record) ([]int64, int64, error) {
	var ids []int64
	writes, err := s.inChange(ctx, at, func(c *change) error {
		var (
			failed int
			err    error
		)
		if ids, failed, err = saveRecords(ctx, c, recs); err != nil && failed >= 0 {
			return fmt.Errorf("record %d (%s): %w", failed, store.RecordName(recs[failed]), err)
		}
		return err
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

// saveRecords writes recs in the transaction of c and returns their ids.
// On failure it returns the index of the record that failed, -1 when the
// failure is not one record's.
//
// It writes set-wise: one INSERT per table for a run of records, the rows
// given as arrays, not a statement per row (some 6,000 for 1,000
// articles), each of which the server binds, plans and starts on its own.
// What needs an answer first is asked for all records at once:
// which are stored already, which stories exist, and fresh article ids. A
// run ends with a record whose merges or regroups change stories, which
// are made before the next run.
func saveRecords(ctx context.Context, c *change, recs []*store.Record) (ids []int64, failed int, err error) {
	for i, rec := range recs {
		if rec == nil || rec.Article == nil {
			return nil, i, errors.New("record has no article")
		}
	}
	fresh, err := freshIDs(ctx, c, recs)
	if err != nil {
		return nil, -1, err
	}
	ids = make([]int64, len(recs))
	for i, rec := range recs {
		if ids[i] = rec.Article.ID; ids[i] == 0 {
			ids[i], fresh = fresh, fresh+1
		}
	}
	if i, err := checkDuplicates(ctx, c, recs, ids); err != nil {
		return nil, i, err
	}
	counts := store.NewTally()
	for start := 0; start < len(recs); {
		if err := ctx.Err(); err != nil {
			return nil, -1, err
		}
		end := start
		for end < len(recs) && !changesStories(recs[end]) {
			end++
		}
		end = min(end+1, len(recs))
		if err := ensureStories(ctx, c, recs[start:end]); err != nil {
			return nil, -1, err
		}
		if i, err := writeRun(ctx, c, recs[start:end], ids[start:end]); err != nil {
			if i >= 0 {
				i += start
			}
			return nil, i, err
		}
		for i := start; i < end; i++ {
			a := recs[i].Article
			a.ID = ids[i]
			counts.Add(storyOf(a), a, recs[i].Entities)
		}
		if last := recs[end-1]; changesStories(last) {
			if err := regroupAfter(ctx, c, counts, last, ids[end-1]); err != nil {
				return nil, end - 1, err
			}
		}
		start = end
	}
	if err := flush(ctx, c, counts); err != nil {
		return nil, -1, err
	}
	return ids, -1, nil
}

// storyOf is the story an article joins, 0 for none.
func storyOf(a *model.Article) int64 {
	if a.Story == nil || *a.Story < 0 {
		return 0
	}
	return *a.Story
}

func changesStories(rec *store.Record) bool { return len(rec.Merges)+len(rec.Regroups) > 0 }

// checkDuplicates fails with a *store.DuplicateError, and the index of the
// record, for the first record whose canonical URL or else content hash is
// stored already or is an earlier record's of the batch (to be saved under
// ids). It looks them all up in one query: no other writer can store one
// meanwhile, as the write holds the 'writes' lock (see inChange).
func checkDuplicates(ctx context.Context, c *change, recs []*store.Record, ids []int64) (int, error) {
	urls := make([]string, 0, len(recs))
	hashes := make([]string, 0, len(recs))
	for _, rec := range recs {
		urls = append(urls, rec.Article.URL)
		hashes = append(hashes, rec.Article.ContentHash)
	}
	byURL, byHash := map[string]int64{}, map[string]int64{}
	rows, err := c.Query(ctx, `SELECT id, url, '' FROM articles WHERE url = ANY($1) AND url <> ''
		UNION ALL SELECT id, '', content_hash FROM articles WHERE content_hash = ANY($2) AND content_hash <> ''`,
		urls, hashes)
	if err != nil {
		return -1, fmt.Errorf("look up stored articles: %w", err)
	}
	var (
		id        int64
		url, hash string
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &url, &hash}, func() error {
		if url != "" {
			byURL[url] = id
		} else {
			byHash[hash] = id
		}
		return nil
	})
	if err != nil {
		return -1, fmt.Errorf("look up stored articles: %w", err)
	}
	for i, rec := range recs {
		a := rec.Article
		if id, ok := byURL[a.URL]; ok && a.URL != "" {
			return i, &store.DuplicateError{ID: id, Field: "url"}
		}
		if id, ok := byHash[a.ContentHash]; ok && a.ContentHash != "" {
			return i, &store.DuplicateError{ID: id, Field: "content_hash"}
		}
		if a.URL != "" {
			byURL[a.URL] = ids[i]
		}
		if a.ContentHash != "" {
			byHash[a.ContentHash] = ids[i]
		}
	}
	return -1, nil
}

// freshIDs takes from the article counter one id for each record without
// one, in one step, and returns the first.
func freshIDs(ctx context.Context, c *change, recs []*store.Record) (int64, error) {
	n := 0
	for _, rec := range recs {
		if rec.Article.ID == 0 {
			n++
		}
	}
	if n == 0 {
		return 0, nil
	}
	return advance(ctx, c.Tx, "article", n)
}

// ensureStories creates the stories recs name that do not exist yet,
// titled after the first record naming each, and records in c.stories the
// story each named one sends its articles to: itself, or the story it was
// merged into. Stories already looked up in this transaction are not asked
// for again.
func ensureStories(ctx context.Context, c *change, recs []*store.Record) error {
	var (
		named  []int64
		titles []string
	)
	for _, rec := range recs {
		a := rec.Article
		if a.Story == nil || *a.Story <= 0 {
			continue
		}
		if _, ok := c.stories[*a.Story]; ok || slices.Contains(named, *a.Story) {
			continue
		}
		named = append(named, *a.Story)
		titles = append(titles, cmp.Or(rec.StoryTitle, a.Title))
	}
	if len(named) == 0 {
		return nil
	}
	// The SELECT reads the stories as they were before the INSERT (one
	// snapshot for the statement), so a story it created reads as NULL.
	rows, err := c.Query(ctx, `WITH named AS (
			SELECT * FROM unnest($1::bigint[], $2::text[]) AS n (id, title)
		), created AS (
			INSERT INTO stories (id, title, created, updated) SELECT id, title, $3, $3 FROM named
			ON CONFLICT (id) DO NOTHING RETURNING id
		)
		SELECT n.id, coalesce(s.merged_into, n.id), s.id IS NULL FROM named n LEFT JOIN stories s ON s.id = n.id`,
		named, titles, c.now.UnixNano())
	if err != nil {
		return fmt.Errorf("create stories: %w", err)
	}
	var (
		id, target, highest int64
		created             bool
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &target, &created}, func() error {
		c.stories[id] = target
		if created {
			highest = max(highest, id)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("create stories: %w", err)
	}
	if highest > 0 {
		// Keep ids from NextStoryID clear of stories created by id.
		if _, err := c.Exec(ctx, `UPDATE counters SET value = $1 WHERE name = 'story' AND value < $1`,
			highest); err != nil {
			return fmt.Errorf("story counter: %w", err)
		}
	}
	return nil
}

// writeRun writes a run of records, whose stories ensureStories made,
// under ids, in one round trip. When it fails, nothing of the run is kept
// (a savepoint), and the records are written again one at a time to tell
// which failed, and why: failures are rare, and a set-wise statement says
// neither.
func writeRun(ctx context.Context, c *change, recs []*store.Record, ids []int64) (failed int, err error) {
	if len(recs) == 0 {
		return -1, nil
	}
	r, i, err := newRows(c, recs, ids)
	if err != nil {
		return i, err
	}
	switch err := r.write(ctx, c); {
	case err == nil:
		return -1, nil
	case len(recs) == 1:
		return 0, err
	}
	if _, err := c.Exec(ctx, `ROLLBACK TO SAVEPOINT run`); err != nil {
		return -1, fmt.Errorf("undo a failed run: %w", err)
	}
	for i := range recs {
		if _, err := writeRun(ctx, c, recs[i:i+1], ids[i:i+1]); err != nil {
			return i, err
		}
	}
	// Each record went in alone (as when a copy names an original later
	// in the run): the run is written.
	return -1, nil
}

// rows are the rows a run of records writes, column by column.
type rows struct {
	articles struct {
		id, ingested                                                   []int64
		published, story, copyOf                                       []*int64
		externalID, outlet, url, language, source, format, contentHash []string
		title, removed, text, search                                   []string
	}
	raws struct {
		article     []int64
		contentType []string
		bytes       [][]byte
	}
	features struct {
		article []int64
		data    [][]byte
	}
	entities struct {
		article []int64
		entity  []string
	}
	decisions struct {
		article, story, compared, at  []int64
		kind, entities, terms, reason []string
		score                         []float64
	}
}

// newRows lays out what recs write under ids, filling in their articles'
// story (where the story named leads) and ingestion time. It fails with
// the index of a record that cannot be laid out.
func newRows(c *change, recs []*store.Record, ids []int64) (*rows, int, error) {
	r := &rows{}
	for i, rec := range recs {
		a, id := rec.Article, ids[i]
		var story int64
		if a.Story != nil && *a.Story > 0 {
			story = c.stories[*a.Story]
			a.Story = &story
		}
		if a.Ingested.IsZero() {
			a.Ingested = c.now
		}
		removed, err := store.EncodeList(a.Removed)
		if err != nil {
			return nil, i, err
		}
		ra := &r.articles
		ra.id = append(ra.id, id)
		ra.externalID = append(ra.externalID, a.ExternalID)
		ra.outlet = append(ra.outlet, a.Outlet)
		ra.url = append(ra.url, a.URL)
		ra.published = append(ra.published, timeArg(a.Published))
		ra.language = append(ra.language, a.Language)
		ra.story = append(ra.story, idArg(a.Story))
		ra.copyOf = append(ra.copyOf, idArg(a.CopyOf))
		ra.source = append(ra.source, a.Source)
		ra.format = append(ra.format, a.Format)
		ra.contentHash = append(ra.contentHash, a.ContentHash)
		ra.ingested = append(ra.ingested, a.Ingested.UnixNano())
		ra.title = append(ra.title, a.Title)
		ra.removed = append(ra.removed, removed)
		ra.text = append(ra.text, a.Text)
		ra.search = append(ra.search, searchVector(a.Title, a.Text))
		r.raws.article = append(r.raws.article, id)
		r.raws.contentType = append(r.raws.contentType, rec.Raw.ContentType)
		r.raws.bytes = append(r.raws.bytes, rec.Raw.Bytes)
		if rec.Features != nil {
			r.features.article = append(r.features.article, id)
			r.features.data = append(r.features.data, rec.Features)
		}
		for _, e := range rec.Entities {
			if k := store.EntityKey(e); k != "" {
				r.entities.article = append(r.entities.article, id)
				r.entities.entity = append(r.entities.entity, k)
			}
		}
		if rec.Decision.Kind != "" {
			d := rec.Decision
			d.Article = id
			if d.Story == 0 {
				d.Story = story
			}
			if err := r.addDecision(d, c.now); err != nil {
				return nil, i, err
			}
		}
	}
	return r, -1, nil
}

func (r *rows) addDecision(d model.Decision, now time.Time) error {
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
	rd := &r.decisions
	rd.article = append(rd.article, d.Article)
	rd.story = append(rd.story, d.Story)
	rd.kind = append(rd.kind, d.Kind)
	rd.score = append(rd.score, d.Score)
	rd.compared = append(rd.compared, d.Compared)
	rd.entities = append(rd.entities, entities)
	rd.terms = append(rd.terms, terms)
	rd.reason = append(rd.reason, d.Reason)
	rd.at = append(rd.at, d.At.UnixNano())
	return nil
}

// sqlInsertDecisions inserts decisions given as arrays, in their order.
const sqlInsertDecisions = `INSERT INTO decisions (article, story, kind, score, compared, entities, terms, reason, at)
	SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::float8[], $5::bigint[], $6::text[],
		$7::text[], $8::text[], $9::bigint[])`

// write sends the rows' inserts in one round trip, after a savepoint
// writeRun can return to.
func (r *rows) write(ctx context.Context, c *change) error {
	b := &pgx.Batch{}
	b.Queue(`SAVEPOINT run`)
	a := &r.articles
	b.Queue(`INSERT INTO articles (id, external_id, outlet, url, published, language, story, copy_of, source,
			format, content_hash, ingested, title, removed, text, search, changed)
		SELECT id, external_id, outlet, url, published, language, story, copy_of, source,
			format, content_hash, ingested, title, removed, text, search::tsvector, $17
		FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::bigint[],
			$8::bigint[], $9::text[], $10::text[], $11::text[], $12::bigint[], $13::text[], $14::text[],
			$15::text[], $16::text[])
			AS r (id, external_id, outlet, url, published, language, story, copy_of, source,
			format, content_hash, ingested, title, removed, text, search)`,
		a.id, a.externalID, a.outlet, a.url, a.published, a.language, a.story, a.copyOf, a.source, a.format,
		a.contentHash, a.ingested, a.title, a.removed, a.text, a.search, c.writes)
	b.Queue(`INSERT INTO raws (article, content_type, bytes) SELECT * FROM unnest($1::bigint[], $2::text[], $3::bytea[])`,
		r.raws.article, r.raws.contentType, r.raws.bytes)
	if len(r.features.article) > 0 {
		b.Queue(`INSERT INTO article_features (article, data) SELECT * FROM unnest($1::bigint[], $2::bytea[])`,
			r.features.article, r.features.data)
	}
	if len(r.entities.article) > 0 {
		b.Queue(`INSERT INTO article_entities (article, entity) SELECT * FROM unnest($1::bigint[], $2::text[])
			ON CONFLICT (article, entity) DO NOTHING`, r.entities.article, r.entities.entity)
	}
	if d := &r.decisions; len(d.article) > 0 {
		b.Queue(sqlInsertDecisions, d.article, d.story, d.kind, d.score, d.compared, d.entities, d.terms, d.reason, d.at)
	}
	b.Queue(`RELEASE SAVEPOINT run`)
	return c.SendBatch(ctx, b).Close()
}

// regroupAfter makes the merges the arrival of rec's article id caused, then what regrouping
// changed after it: one list of changes, made in order.
func regroupAfter(ctx context.Context, c *change, counts *store.Tally, rec *store.Record, id int64) error {
	changes := make([]store.Regroup, 0, len(rec.Merges)+len(rec.Regroups))
	for _, m := range rec.Merges {
		changes = append(changes, store.Regroup{From: m.From, Story: m.Into, Decision: m.Decision})
	}
	return regroup(ctx, c, counts, append(changes, rec.Regroups...), id)
}

// regroup makes changes to stories (merges, moves), in order, and records
// their decisions; a merge is credited to article arrived, whose arrival
// led to it. The stories articles left or entered are recounted once, at
// the end.
func regroup(ctx context.Context, c *change, counts *store.Tally, changes []store.Regroup, arrived int64) error {
	if slices.ContainsFunc(changes, func(r store.Regroup) bool { return r.Article == 0 }) {
		clear(c.stories) // a merged story sends its articles elsewhere now
	}
	var moved []int64
	// left lists the stories articles moved out of, each with the story
	// its last article went to, in the order of those last moves.
	var left []store.Regroup
	for _, r := range changes {
		d := r.Decision
		d.Story, d.Compared = r.Story, r.From
		if r.Article == 0 {
			if err := merge(ctx, c, r.From, r.Story); err != nil {
				return fmt.Errorf("merge story %d into %d: %w", r.From, r.Story, err)
			}
			counts.Drop(r.From, r.Story)
			d.Article = cmp.Or(d.Article, arrived)
			d.Kind = cmp.Or(d.Kind, model.DecisionMerge)
		} else {
			from, err := relocate(ctx, c, r.Article, r.Story)
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
		if err := insertDecision(ctx, c, d); err != nil {
			return err
		}
	}
	slices.Sort(moved)
	moved = slices.DeleteFunc(slices.Compact(moved), func(id int64) bool { return id == 0 }) // 0: in no story
	for _, id := range moved {
		if err := refreshStory(ctx, c, id); err != nil {
			return err
		}
	}
	counts.Drop(moved...)
	// A story emptied before another is never a later one's target: the
	// clusterer drops a story it empties.
	for _, l := range left {
		retired, err := retireIfEmpty(ctx, c, l.From, l.Story)
		if err != nil {
			return err
		}
		if retired {
			clear(c.stories)
		}
	}
	return nil
}

// flush writes what counts tallied, one statement per table in one round
// trip, each in key order (the row locks taken in one order), and empties
// it.
func flush(ctx context.Context, c *change, counts *store.Tally) error {
	stories, facets, outlets := counts.Sorted()
	b := &pgx.Batch{}
	if len(stories) > 0 {
		n := make([]int64, len(stories))
		first, last := make([]*int64, len(stories)), make([]*int64, len(stories))
		for i, id := range stories {
			sa := counts.Stories[id]
			n[i], first[i], last[i] = sa.Articles, timeArg(sa.First), timeArg(sa.Last)
		}
		// A NULL date leaves the dates alone: "x > NULL" is never true. The
		// version goes up by one per article added.
		b.Queue(`UPDATE stories s SET articles = s.articles + t.n,
			first_published = CASE WHEN s.first_published IS NULL OR s.first_published > t.first THEN t.first ELSE s.first_published END,
			last_published = CASE WHEN s.last_published IS NULL OR s.last_published < t.last THEN t.last ELSE s.last_published END,
			version = s.version + t.n, updated = $5
			FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[]) AS t (id, n, first, last)
			WHERE s.id = t.id`, stories, n, first, last, c.now.UnixNano())
	}
	if len(facets) > 0 {
		story, n := make([]int64, len(facets)), make([]int64, len(facets))
		kind, value := make([]string, len(facets)), make([]string, len(facets))
		for i, k := range facets {
			story[i], kind[i], value[i], n[i] = k.Story, k.Kind, k.Value, counts.Facets[k]
		}
		b.Queue(`INSERT INTO story_facets (story, kind, value, articles)
			SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[])
			ON CONFLICT (story, kind, value) DO UPDATE SET articles = story_facets.articles + excluded.articles`,
			story, kind, value, n)
	}
	if len(outlets) > 0 {
		n := make([]int64, len(outlets))
		for i, name := range outlets {
			n[i] = counts.Outlets[name]
		}
		b.Queue(`INSERT INTO outlets (name, articles) SELECT * FROM unnest($1::text[], $2::bigint[])
			ON CONFLICT (name) DO UPDATE SET articles = outlets.articles + excluded.articles`, outlets, n)
	}
	counts.Reset()
	if err := c.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("update counts: %w", err)
	}
	return nil
}

func insertDecision(ctx context.Context, c *change, d model.Decision) error {
	r := &rows{}
	if err := r.addDecision(d, c.now); err != nil {
		return err
	}
	rd := &r.decisions
	if _, err := c.Exec(ctx, sqlInsertDecisions, rd.article, rd.story, rd.kind, rd.score, rd.compared, rd.entities,
		rd.terms, rd.reason, rd.at); err != nil {
		return fmt.Errorf("insert %s decision for article %d: %w", d.Kind, d.Article, err)
	}
	return nil
}

// timeArg stores a time as UTC nanoseconds, NULL for none.
func timeArg(t *time.Time) *int64 {
	if t == nil {
		return nil
	}
	n := t.UnixNano()
	return &n
}

// timeOf reads a time stored by timeArg.
func timeOf(n *int64) *time.Time {
	if n == nil {
		return nil
	}
	t := time.Unix(0, *n).UTC()
	return &t
}

// idArg stores an id, NULL for none (nil or 0).
func idArg(id *int64) *int64 {
	if id == nil || *id == 0 {
		return nil
	}
	return id
}
