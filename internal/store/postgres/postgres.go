// Package postgres keeps Parallax in PostgreSQL, through the pure-Go driver
// pgx, for when one machine is not enough: several processes (ingesters,
// servers) may share one database. It keeps what the sqlite package keeps,
// in the same shape: articles with their raw input and clustering features,
// stories with their counts, clustering decisions, corrections, the
// comparison cache, followed feeds, and a full-text index over titles and
// texts.
//
// What callers see is what the SQLite store gives them (the storetest suite
// checks both): times come back in UTC; a story merged into another is
// store.ErrNotFound, and saves naming it land in the story it joined;
// entity filters ignore case; Search ranks the newest matches
// (store.SearchWindows). Story listings read counts, dates and facets kept
// in the stories and story_facets tables on every write, never the articles.
//
// Writers take turns: every transaction that changes articles or stories
// first counts itself in the counters row 'writes', whose row lock it holds
// until it commits. That is what SQLite's single write lock gives the other
// store, and it is what makes SaveBatchAt's check hold across processes.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/parallax-news/parallax/internal/store"
)

var _ store.Store = (*Store)(nil)

// Store is a store.Store on a PostgreSQL database. It is safe for
// concurrent use, and other processes may use the same database beside it.
type Store struct {
	pool *pgxpool.Pool
	// name says which database errors are about: host, database and
	// schema, never the password a DSN may hold.
	name string
	log  *slog.Logger
	now  func() time.Time
}

// Open connects to the database dsn names (a URL or key=value DSN, as pgx
// reads them; a search_path parameter chooses the schema) and brings its
// schema up to date. It refuses, with store.ErrNewerSchema, a schema
// written by a newer Parallax.
func Open(ctx context.Context, dsn string, log *slog.Logger) (*Store, error) {
	return open(ctx, dsn, log, migrations)
}

// open is Open with the migrations the code knows: tests give fewer.
func open(ctx context.Context, dsn string, log *slog.Logger, steps []migration) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// The DSN may hold a password: the error names no part of it.
		return nil, fmt.Errorf("open store: parse the PostgreSQL DSN: %w", err)
	}
	name := fmt.Sprintf("postgres://%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	if sp := cfg.ConnConfig.RuntimeParams["search_path"]; sp != "" {
		name += "?search_path=" + sp
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", name, err)
	}
	s := &Store{pool: pool, name: name, log: log, now: time.Now}
	if err := s.migrate(ctx, steps); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open store %s: %w", name, err)
	}
	log.Debug("store opened", slog.String("database", name))
	return s, nil
}

// Close releases the connections. It may be called more than once.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// inTx runs fn in one transaction, committing when it returns nil.
func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	// Deferred, so that even a panic gives the connection back to the pool
	// (Close waits for every one); after a commit it does nothing. A failed
	// rollback (a broken connection) leaves the transaction void all the
	// same, so its error adds nothing.
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// change is one transaction that changes articles or stories.
type change struct {
	pgx.Tx
	// writes is the count of writes with this one: what the articles it
	// stores or moves, and the corrections it records, keep as changed.
	writes int64
	now    time.Time
	// stories maps the stories this transaction's saves named to the
	// story their articles went to, until a merge changes that.
	stories map[int64]int64
}

// anyCount, as inChange's at, makes the write whatever the count.
const anyCount = -1

// inChange runs fn in a transaction that counts one more write of the
// store's generation, and returns the count with it. The count is an
// UPDATE of the 'writes' row, whose lock the transaction holds until it
// ends: writers, in this process or another, take turns, and each sees
// what the one before it committed (READ COMMITTED reads anew at every
// statement). When at >= 0 the write is made only if the count was at,
// else the error is store.ErrChanged: checked under the lock, it holds
// until the commit.
func (s *Store) inChange(ctx context.Context, at int64, fn func(c *change) error) (int64, error) {
	var writes int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `UPDATE counters SET value = value + 1 WHERE name = 'writes' RETURNING value`).
			Scan(&writes)
		if err != nil {
			return fmt.Errorf("count the write: %w", err)
		}
		if at >= 0 && writes-1 != at {
			return fmt.Errorf("%w: at %d writes, not %d", store.ErrChanged, writes-1, at)
		}
		return fn(&change{Tx: tx, writes: writes, now: s.now(), stories: map[int64]int64{}})
	})
	return writes, err
}

// Generation reads the store's identity and its count of writes.
func (s *Store) Generation(ctx context.Context) (store.Generation, error) {
	var g store.Generation
	err := s.pool.QueryRow(ctx, `SELECT
		(SELECT value FROM counters WHERE name = 'store'),
		(SELECT value FROM counters WHERE name = 'writes')`).Scan(&g.Store, &g.Writes)
	if err != nil {
		return store.Generation{}, fmt.Errorf("read the store's generation: %w", err)
	}
	return g, nil
}

// NextStoryID reserves a story id no other caller, in any process, will get.
func (s *Store) NextStoryID(ctx context.Context) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
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
// ids, each a consecutive run starting at the id returned. The runs come
// from counters rows rather than sequences: an UPDATE moves a counter by a
// whole run at once under its row lock, so two processes' runs never
// overlap, and a story created under an id of its own can push the story
// counter past it (see ensureStories), which a sequence allows only racily.
// The counters are taken in one order everywhere (article, then story), so
// reservations and saves never deadlock.
func (s *Store) ReserveIDs(ctx context.Context, articles, stories int) (firstArticle, firstStory int64, err error) {
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if firstArticle, err = advance(ctx, tx, "article", articles); err != nil {
			return err
		}
		firstStory, err = advance(ctx, tx, "story", stories)
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("reserve ids: %w", err)
	}
	return firstArticle, firstStory, nil
}

// advance moves counter name on by n and returns the first id of the run.
func advance(ctx context.Context, tx pgx.Tx, name string, n int) (int64, error) {
	var last int64
	if err := tx.QueryRow(ctx, `UPDATE counters SET value = value + $1 WHERE name = $2 RETURNING value`,
		n, name).Scan(&last); err != nil {
		return 0, fmt.Errorf("%s counter: %w", name, err)
	}
	return last - int64(n) + 1, nil
}

func nextStoryID(ctx context.Context, tx pgx.Tx) (int64, error) {
	return advance(ctx, tx, "story", 1)
}

// notFound turns pgx's "no rows" into store.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}
