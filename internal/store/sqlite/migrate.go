package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"github.com/parallax-news/parallax/internal/store"
)

// migration is one step of the schema's history. Steps are never edited once
// released: a change is a new step at the end.
type migration struct {
	why   string
	stmts []string
}

// Times are INTEGER nanoseconds since the Unix epoch (UTC), and lists are
// JSON text: both read the same in SQLite and PostgreSQL (BIGINT, TEXT).
var migrations = []migration{
	{
		why: "the first schema: articles with their raw input and clustering features, stories with " +
			"counts kept on write (listings must not aggregate a million articles), the facets " +
			"stories are filtered on, decisions, corrections, the comparison cache and feeds",
		stmts: []string{
			`CREATE TABLE stories (
				id INTEGER PRIMARY KEY,
				title TEXT NOT NULL DEFAULT '',
				created BIGINT NOT NULL,
				updated BIGINT NOT NULL,
				version BIGINT NOT NULL DEFAULT 0,
				articles INTEGER NOT NULL DEFAULT 0,
				first_published BIGINT,
				last_published BIGINT,
				merged_into BIGINT
			)`,
			`CREATE INDEX stories_last_published ON stories (last_published)`,
			`CREATE INDEX stories_articles ON stories (articles)`,
			`CREATE INDEX stories_updated ON stories (updated)`,
			// The small, often read columns come first and text last: SQLite
			// reads a row's columns in order, so features and listings never
			// walk a long text's overflow pages.
			`CREATE TABLE articles (
				id INTEGER PRIMARY KEY,
				external_id TEXT NOT NULL DEFAULT '',
				outlet TEXT NOT NULL DEFAULT '',
				url TEXT NOT NULL DEFAULT '',
				published BIGINT,
				language TEXT NOT NULL DEFAULT '',
				story BIGINT REFERENCES stories (id),
				copy_of BIGINT REFERENCES articles (id),
				source TEXT NOT NULL DEFAULT '',
				format TEXT NOT NULL DEFAULT '',
				content_hash TEXT NOT NULL DEFAULT '',
				ingested BIGINT NOT NULL,
				title TEXT NOT NULL DEFAULT '',
				features BLOB,
				removed TEXT NOT NULL DEFAULT '[]',
				text TEXT NOT NULL DEFAULT ''
			)`,
			// Many articles have no URL or no hash: only non-empty ones are unique.
			`CREATE UNIQUE INDEX articles_url ON articles (url) WHERE url <> ''`,
			`CREATE UNIQUE INDEX articles_content_hash ON articles (content_hash) WHERE content_hash <> ''`,
			`CREATE INDEX articles_story ON articles (story)`,
			`CREATE INDEX articles_outlet ON articles (outlet)`,
			`CREATE INDEX articles_published ON articles (published)`,
			`CREATE INDEX articles_copy_of ON articles (copy_of) WHERE copy_of IS NOT NULL`,
			`CREATE TABLE raws (
				article BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
				content_type TEXT NOT NULL DEFAULT '',
				bytes BLOB
			)`,
			// Entities per article, so moving an article can take its
			// entities out of the story it leaves.
			`CREATE TABLE article_entities (
				article BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
				entity TEXT NOT NULL,
				PRIMARY KEY (article, entity)
			)`,
			// What a story's articles have: kind is outlet, language or
			// entity; articles counts them, so a move can decrement.
			`CREATE TABLE story_facets (
				story BIGINT NOT NULL REFERENCES stories (id),
				kind TEXT NOT NULL,
				value TEXT NOT NULL,
				articles INTEGER NOT NULL,
				PRIMARY KEY (story, kind, value)
			)`,
			`CREATE INDEX story_facets_value ON story_facets (kind, value, story)`,
			// History, not links: a decision may name a story since merged.
			`CREATE TABLE decisions (
				id INTEGER PRIMARY KEY,
				article BIGINT NOT NULL,
				story BIGINT NOT NULL,
				kind TEXT NOT NULL,
				score DOUBLE PRECISION NOT NULL DEFAULT 0,
				compared BIGINT NOT NULL DEFAULT 0,
				entities TEXT NOT NULL DEFAULT '[]',
				terms TEXT NOT NULL DEFAULT '[]',
				reason TEXT NOT NULL DEFAULT '',
				at BIGINT NOT NULL
			)`,
			`CREATE INDEX decisions_article ON decisions (article)`,
			`CREATE INDEX decisions_story ON decisions (story)`,
			`CREATE TABLE corrections (
				id INTEGER PRIMARY KEY,
				kind TEXT NOT NULL,
				article BIGINT NOT NULL DEFAULT 0,
				story BIGINT NOT NULL DEFAULT 0,
				target BIGINT NOT NULL,
				reason TEXT NOT NULL DEFAULT '',
				at BIGINT NOT NULL
			)`,
			`CREATE TABLE comparisons (
				story BIGINT NOT NULL,
				version BIGINT NOT NULL,
				data BLOB NOT NULL,
				PRIMARY KEY (story, version)
			)`,
			`CREATE TABLE feeds (
				id INTEGER PRIMARY KEY,
				url TEXT NOT NULL UNIQUE,
				title TEXT NOT NULL DEFAULT '',
				outlet TEXT NOT NULL DEFAULT '',
				etag TEXT NOT NULL DEFAULT '',
				last_modified TEXT NOT NULL DEFAULT '',
				last_polled BIGINT,
				last_error TEXT NOT NULL DEFAULT '',
				failures INTEGER NOT NULL DEFAULT 0,
				next_poll BIGINT
			)`,
			// Story ids are handed out before the story's first article is
			// saved (the clusterer needs them), so they come from a counter
			// rather than from the stories table.
			`CREATE TABLE counters (
				name TEXT PRIMARY KEY,
				value BIGINT NOT NULL
			)`,
			`INSERT INTO counters (name, value) VALUES ('story', 0)`,
		},
	},
	{
		why: "full-text search over titles and texts: an external-content FTS5 table, so the text " +
			"is stored once; saves index their articles last in their transaction (see indexText), " +
			"triggers keep it in step with the rare deletes and edits",
		stmts: []string{
			`CREATE VIRTUAL TABLE articles_fts USING fts5 (
				title, text, content='articles', content_rowid='id',
				tokenize='unicode61 remove_diacritics 2'
			)`,
			`CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
				INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
			END`,
			`CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
				INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
				INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
			END`,
		},
	},
	{
		why: "the clusterer reloads every article's features at each start: read from the wide " +
			"articles rows (text inline) that took a second per 100,000 articles. Features get a " +
			"narrow table of their own and ClusterRows' other columns a covering index, so a reload " +
			"reads only what it needs",
		stmts: []string{
			`CREATE TABLE article_features (
				article BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
				data BLOB NOT NULL
			)`,
			`INSERT INTO article_features (article, data) SELECT id, features FROM articles WHERE features IS NOT NULL`,
			`ALTER TABLE articles DROP COLUMN features`,
			`CREATE INDEX articles_cluster ON articles (id, story, copy_of, published)`,
		},
	},
	{
		why: "article ids are reserved ahead in blocks (ReserveIDs), as story ids are, so a batch " +
			"can be decided in memory before it is stored; the counter starts past every stored id",
		stmts: []string{
			`INSERT INTO counters (name, value) SELECT 'article', COALESCE(MAX(id), 0) FROM articles`,
		},
	},
	{
		why: "the outlets page listed every outlet with its article count by reading every article; " +
			"saves now keep the counts (an article never changes outlet), counted once here",
		stmts: []string{
			`CREATE TABLE outlets (
				name TEXT PRIMARY KEY,
				articles BIGINT NOT NULL
			)`,
			`INSERT INTO outlets (name, articles) SELECT outlet, count(*) FROM articles GROUP BY outlet`,
		},
	},
	{
		why: "story_facets and article_entities are all key: as rowid tables each row lived twice, in " +
			"the table and in its primary key's index, and every save wrote both. WITHOUT ROWID keeps " +
			"one B-tree each, cutting the B-trees a save updates and the pages it dirties",
		stmts: []string{
			`CREATE TABLE story_facets_new (
				story BIGINT NOT NULL REFERENCES stories (id),
				kind TEXT NOT NULL,
				value TEXT NOT NULL,
				articles INTEGER NOT NULL,
				PRIMARY KEY (story, kind, value)
			) WITHOUT ROWID`,
			`INSERT INTO story_facets_new (story, kind, value, articles)
				SELECT story, kind, value, articles FROM story_facets ORDER BY story, kind, value`,
			`DROP TABLE story_facets`,
			`ALTER TABLE story_facets_new RENAME TO story_facets`,
			`CREATE INDEX story_facets_value ON story_facets (kind, value, story)`,
			`CREATE TABLE article_entities_new (
				article BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
				entity TEXT NOT NULL,
				PRIMARY KEY (article, entity)
			) WITHOUT ROWID`,
			`INSERT INTO article_entities_new (article, entity)
				SELECT article, entity FROM article_entities ORDER BY article, entity`,
			`DROP TABLE article_entities`,
			`ALTER TABLE article_entities_new RENAME TO article_entities`,
		},
	},
	{
		why: "the full-text index kept every word's positions, which only phrase and NEAR queries " +
			"need, and Search asks neither (each query word is one token, see quotedWords). With " +
			"detail=column it keeps which column a word is in (title matches rank higher), and " +
			"snippets re-read the few hits' text: saves spend about 15% less CPU in the store " +
			"(BenchmarkSaveBatch at 50,000 stored). The index is rebuilt from the articles here, " +
			"some 4 seconds per 50,000",
		stmts: []string{
			`DROP TABLE articles_fts`,
			`CREATE VIRTUAL TABLE articles_fts USING fts5 (
				title, text, content='articles', content_rowid='id',
				tokenize='unicode61 remove_diacritics 2', detail=column
			)`,
			`INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')`,
		},
	},
	{
		why: "raws and article_features were keyed by a BIGINT PRIMARY KEY, which is not SQLite's " +
			"rowid: each row went into the table under a rowid of its own and into the key's index, " +
			"two B-trees a save writes per article. Keyed by INTEGER PRIMARY KEY, the article id is " +
			"the rowid and each table is one B-tree. Every raw is copied here, once",
		stmts: []string{
			`CREATE TABLE raws_new (
				article INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
				content_type TEXT NOT NULL DEFAULT '',
				bytes BLOB
			)`,
			`INSERT INTO raws_new (article, content_type, bytes)
				SELECT article, content_type, bytes FROM raws ORDER BY article`,
			`DROP TABLE raws`,
			`ALTER TABLE raws_new RENAME TO raws`,
			`CREATE TABLE article_features_new (
				article INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
				data BLOB NOT NULL
			)`,
			`INSERT INTO article_features_new (article, data)
				SELECT article, data FROM article_features ORDER BY article`,
			`DROP TABLE article_features`,
			`ALTER TABLE article_features_new RENAME TO article_features`,
		},
	},
	{
		why: "FTS5 merges a level's index segments once it holds automerge of them: at the default " +
			"of 4, merging was three quarters of the index's work at each commit, every entry " +
			"rewritten once per level. At 16 a save rewrites entries through fewer levels, " +
			"and a search reads a few more segments",
		stmts: []string{
			`INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 16)`,
		},
	},
	{
		why: "a story lists the decisions that took articles out of it, by regrouping or by hand " +
			"(Decisions): found by the story they were compared with, which no index held, so " +
			"every story read scanned every decision. The index holds only those two kinds, a " +
			"few in a hundred decisions, so saves barely write it",
		stmts: []string{
			`CREATE INDEX decisions_compared ON decisions (compared) WHERE kind IN ('regroup', 'manual')`,
		},
	},
	{
		why: "a merge points the stories merged into the one it retires at the live one " +
			"(merged_into stays one hop), found by merged_into, which no index held: every merge, " +
			"and the regrouping retires each story it empties by one, scanned every story, some " +
			"300,000 at a million articles. The index holds only merged stories",
		stmts: []string{
			`CREATE INDEX stories_merged_into ON stories (merged_into) WHERE merged_into IS NOT NULL`,
		},
	},
	{
		why: "a process may keep its story index in a file when it ends, and the next one read it " +
			"instead of rebuilding it from every article, a minute and more at a million: 'writes' " +
			"counts the transactions that change articles or stories, and 'store' tells this " +
			"database from another made at the same path, so that the file is used only by the " +
			"store it was saved from, unchanged since (store.Generation)",
		stmts: []string{
			`INSERT INTO counters (name, value) VALUES ('store', random()), ('writes', 0)`,
		},
	},
	{
		why: "a story index that lacks what was written since it was made (a file saved before " +
			"another process wrote, or a process was killed; a server beside an ingest) takes in " +
			"only what changed, not every article: each article and correction keeps the count of " +
			"writes that stored it or last moved it to another story (ChangedRows, " +
			"CorrectionsSince). Rows from before are 0, older than any index that can read them",
		stmts: []string{
			`ALTER TABLE articles ADD COLUMN changed INTEGER NOT NULL DEFAULT 0`,
			`CREATE INDEX articles_changed ON articles (changed)`,
			`ALTER TABLE corrections ADD COLUMN changed INTEGER NOT NULL DEFAULT 0`,
		},
	},
}

// SchemaVersion is the schema this code writes: the number of migrations.
func SchemaVersion() int { return len(migrations) }

// migrate applies every step the database lacks, each in its own
// transaction, and refuses a database newer than the code.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_version: %w", err)
	}
	for {
		done, err := s.migrateOne(ctx)
		if err != nil || done {
			return err
		}
	}
}

// migrateOne applies the next missing step, reading the version inside the
// write transaction so two processes opening at once do not both apply it.
func (s *Store) migrateOne(ctx context.Context) (done bool, err error) {
	err = s.inWrite(ctx, func(tx *sql.Tx) error {
		var v int
		err := tx.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&v)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (0)`); err != nil {
				return fmt.Errorf("init schema_version: %w", err)
			}
		case err != nil:
			return fmt.Errorf("read schema version: %w", err)
		}
		if v > len(migrations) {
			return fmt.Errorf("%w: version %d, known up to %d", store.ErrNewerSchema, v, len(migrations))
		}
		if v == len(migrations) {
			done = true
			return nil
		}
		for i, q := range migrations[v].stmts {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("migration %d statement %d: %w", v+1, i+1, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE schema_version SET version = ?`, v+1); err != nil {
			return fmt.Errorf("migration %d: set version: %w", v+1, err)
		}
		s.log.Info("store migrated", slog.Int("version", v+1), slog.String("why", migrations[v].why))
		return nil
	})
	return done, err
}
