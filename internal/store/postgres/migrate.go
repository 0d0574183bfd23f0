package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"

	"github.com/parallax-news/parallax/internal/store"
)

// migration is one step of the schema's history. Steps are never edited
// once released: a change is a new step at the end.
type migration struct {
	why   string
	stmts []string
}

// Times are BIGINT nanoseconds since the Unix epoch (UTC), as in the SQLite
// store: timestamptz keeps microseconds, and an article must read back as
// it was written. Lists are JSON text (store.EncodeList).
var migrations = []migration{
	{
		why: "the first schema, the SQLite store's as it stands at its thirteenth step: articles " +
			"with their raw input and clustering features, stories with counts, dates and facets " +
			"kept on write (listings must not aggregate a million articles), outlet counts, " +
			"decisions, corrections, the comparison cache, feeds, the counters ids and the " +
			"generation come from, and a full-text index",
		stmts: []string{
			// Story ids are handed out before the story's first article is
			// saved (the clusterer needs them), and article ids are reserved
			// in runs (ReserveIDs), so both come from counters; 'writes'
			// counts the changes to articles and stories, and 'store' tells
			// this database from another made later (store.Generation):
			// the first 64 bits of a random UUID, 60 of them random.
			`CREATE TABLE counters (
				name TEXT PRIMARY KEY,
				value BIGINT NOT NULL
			)`,
			`INSERT INTO counters (name, value) VALUES ('article', 0), ('story', 0), ('writes', 0),
				('store', ('x' || translate(gen_random_uuid()::text, '-', ''))::bit(64)::bigint)`,
			`CREATE TABLE stories (
				id BIGINT PRIMARY KEY,
				title TEXT NOT NULL DEFAULT '',
				created BIGINT NOT NULL,
				updated BIGINT NOT NULL,
				version BIGINT NOT NULL DEFAULT 0,
				articles BIGINT NOT NULL DEFAULT 0,
				first_published BIGINT,
				last_published BIGINT,
				merged_into BIGINT
			)`,
			// One index per sort of the listings, holding only the stories
			// they list, in their order: a page reads its rows and stops.
			`CREATE INDEX stories_newest ON stories (last_published DESC NULLS LAST, id DESC)
				WHERE merged_into IS NULL AND articles > 0`,
			`CREATE INDEX stories_biggest ON stories (articles DESC, id DESC)
				WHERE merged_into IS NULL AND articles > 0`,
			`CREATE INDEX stories_updated ON stories (updated DESC, id DESC)
				WHERE merged_into IS NULL AND articles > 0`,
			// A merge points the stories merged into the one it retires at
			// the live one, found by merged_into.
			`CREATE INDEX stories_merged_into ON stories (merged_into) WHERE merged_into IS NOT NULL`,
			// search holds the title's words (weight A) and the text's (B),
			// as searchVector writes them, for Search; changed is the count
			// of writes that stored the article or last moved it
			// (ChangedRows).
			`CREATE TABLE articles (
				id BIGINT PRIMARY KEY,
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
				changed BIGINT NOT NULL DEFAULT 0,
				title TEXT NOT NULL DEFAULT '',
				removed TEXT NOT NULL DEFAULT '[]',
				text TEXT NOT NULL DEFAULT '',
				search TSVECTOR NOT NULL
			)`,
			// Many articles have no URL or no hash: only non-empty ones are unique.
			`CREATE UNIQUE INDEX articles_url ON articles (url) WHERE url <> ''`,
			`CREATE UNIQUE INDEX articles_content_hash ON articles (content_hash) WHERE content_hash <> ''`,
			`CREATE INDEX articles_story ON articles (story)`,
			`CREATE INDEX articles_outlet ON articles (outlet)`,
			`CREATE INDEX articles_published ON articles (published)`,
			`CREATE INDEX articles_copy_of ON articles (copy_of) WHERE copy_of IS NOT NULL`,
			`CREATE INDEX articles_changed ON articles (changed, id)`,
			`CREATE INDEX articles_search ON articles USING GIN (search)`,
			`CREATE TABLE raws (
				article BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
				content_type TEXT NOT NULL DEFAULT '',
				bytes BYTEA
			)`,
			// Features in a narrow table of their own, so that reloading
			// them all does not read the articles' wide rows.
			`CREATE TABLE article_features (
				article BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
				data BYTEA NOT NULL
			)`,
			// Entities per article, so moving an article can take its
			// entities out of the story it leaves.
			`CREATE TABLE article_entities (
				article BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
				entity TEXT NOT NULL,
				PRIMARY KEY (article, entity)
			)`,
			// What a story's articles have (store.Facet*): articles counts
			// them, so a move can decrement.
			`CREATE TABLE story_facets (
				story BIGINT NOT NULL REFERENCES stories (id),
				kind TEXT NOT NULL,
				value TEXT NOT NULL,
				articles BIGINT NOT NULL,
				PRIMARY KEY (story, kind, value)
			)`,
			`CREATE INDEX story_facets_value ON story_facets (kind, value, story)`,
			// Saves keep the count per outlet: an article never changes outlet.
			`CREATE TABLE outlets (
				name TEXT PRIMARY KEY,
				articles BIGINT NOT NULL
			)`,
			// History, not links: a decision may name a story since merged.
			`CREATE TABLE decisions (
				id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
			// A story lists the decisions that took articles out of it, by
			// regrouping or by hand: a few in a hundred decisions.
			`CREATE INDEX decisions_compared ON decisions (compared) WHERE kind IN ('regroup', 'manual')`,
			`CREATE TABLE corrections (
				id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
				kind TEXT NOT NULL,
				article BIGINT NOT NULL DEFAULT 0,
				story BIGINT NOT NULL DEFAULT 0,
				target BIGINT NOT NULL,
				reason TEXT NOT NULL DEFAULT '',
				at BIGINT NOT NULL,
				changed BIGINT NOT NULL DEFAULT 0
			)`,
			`CREATE TABLE comparisons (
				story BIGINT NOT NULL,
				version BIGINT NOT NULL,
				data BYTEA NOT NULL,
				PRIMARY KEY (story, version)
			)`,
			`CREATE TABLE feeds (
				id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
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
		},
	},
}

// migrate applies every step the schema lacks, each in its own
// transaction, and refuses a schema newer than the code.
func (s *Store) migrate(ctx context.Context, steps []migration) error {
	for {
		done, err := s.migrateOne(ctx, steps)
		if err != nil || done {
			return err
		}
	}
}

// migrateOne applies the next missing step. It first takes an advisory
// lock, held until its transaction ends, on the schema it works in: two
// processes opening the store at once take turns, and the second reads the
// version the first wrote instead of applying the step again (or failing
// to create the same table).
func (s *Store) migrateOne(ctx context.Context, steps []migration) (done bool, err error) {
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx,
			`SELECT pg_advisory_xact_lock(hashtextextended('parallax schema ' || current_schema(), 0))`); err != nil {
			return fmt.Errorf("lock the schema: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
			return fmt.Errorf("create schema_version: %w", err)
		}
		var v int
		err := tx.QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&v)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			if _, err := tx.Exec(ctx, `INSERT INTO schema_version (version) VALUES (0)`); err != nil {
				return fmt.Errorf("init schema_version: %w", err)
			}
		case err != nil:
			return fmt.Errorf("read schema version: %w", err)
		}
		if v > len(steps) {
			return fmt.Errorf("%w: version %d, known up to %d", store.ErrNewerSchema, v, len(steps))
		}
		if v == len(steps) {
			done = true
			return nil
		}
		for i, q := range steps[v].stmts {
			if _, err := tx.Exec(ctx, q); err != nil {
				return fmt.Errorf("migration %d statement %d: %w", v+1, i+1, err)
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE schema_version SET version = $1`, v+1); err != nil {
			return fmt.Errorf("migration %d: set version: %w", v+1, err)
		}
		s.log.Info("store migrated", slog.Int("version", v+1), slog.String("why", steps[v].why))
		return nil
	})
	return done, err
}
