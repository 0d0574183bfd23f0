package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/store/storetest"
)

func schemaVersion(t *testing.T, s *Store) int {
	t.Helper()
	var v int
	if err := s.read.QueryRow(`SELECT version FROM schema_version`).Scan(&v); err != nil {
		t.Fatalf("schema version: %v", err)
	}
	return v
}

func TestMigrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	s := openTest(t, path)
	if got := schemaVersion(t, s); got != SchemaVersion() {
		t.Fatalf("fresh file: version %d, want %d", got, SchemaVersion())
	}
	var mode string
	if err := s.write.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q (%v), want wal", mode, err)
	}
	id := storetest.MustSave(t, s, storetest.Record("a", "Fox News", 1, storetest.Day(1)))[0]
	s.Close()

	s = openTest(t, path)
	if got := schemaVersion(t, s); got != SchemaVersion() {
		t.Fatalf("reopened: version %d, want %d", got, SchemaVersion())
	}
	if _, err := s.Article(ctx, id); err != nil {
		t.Fatalf("article after reopen: %v", err)
	}
	var rows int
	if err := s.read.QueryRow(`SELECT count(*) FROM schema_version`).Scan(&rows); err != nil || rows != 1 {
		t.Fatalf("schema_version rows = %d (%v), want 1", rows, err)
	}
}

func TestRefuseNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	s := openTest(t, path)
	if _, err := s.write.Exec(`UPDATE schema_version SET version = version + 1`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err := Open(context.Background(), path, nil)
	if !errors.Is(err, store.ErrNewerSchema) {
		t.Fatalf("Open of a newer schema: err = %v, want ErrNewerSchema", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the file", err)
	}
}

// TestStore runs the behavioural suite every store passes on SQLite
// stores, each in a file of its own; a reopened store is another handle
// on the same file, as another process would open it.
func TestStore(t *testing.T) {
	storetest.Run(t, storetest.Opener{
		New:    func(t *testing.T) store.Store { return newTest(t) },
		Reopen: func(t *testing.T, s store.Store) store.Store { return openTest(t, s.(*Store).path) },
		Page:   clusterPage,
		Snapshot: func(t *testing.T, s store.Store) string {
			return snapshot(t, s.(*Store))
		},
	})
}

// snapshot is everything a failed write must leave unchanged.
func snapshot(t *testing.T, s *Store) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, coalesce(story, 0) FROM articles ORDER BY id`,
		`SELECT id, title, articles, version, coalesce(merged_into, 0), coalesce(first_published, 0) FROM stories ORDER BY id`,
		`SELECT story, kind, value, articles FROM story_facets ORDER BY story, kind, value`,
		`SELECT id, article, story, kind FROM decisions ORDER BY id`,
		`SELECT id, kind FROM corrections ORDER BY id`,
		`SELECT article FROM raws ORDER BY article`,
		`SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'body' ORDER BY rowid`,
		`SELECT value FROM counters`,
	} {
		rows, err := s.read.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, "%v|", v)
			}
			b.WriteByte('\n')
		}
		rows.Close()
		b.WriteString("--\n")
	}
	return b.String()
}

func TestPragmas(t *testing.T) {
	s := newTest(t)
	for _, tc := range []struct {
		name, pragma, want string
		db                 *sql.DB
	}{
		{"wal", "journal_mode", "wal", s.write},
		{"synchronous normal", "synchronous", "1", s.write},
		{"foreign keys", "foreign_keys", "1", s.write},
		{"busy timeout", "busy_timeout", "10000", s.write},
		{"page size", "page_size", "8192", s.write},
		{"writer checkpoints only as a backstop", "wal_autocheckpoint", "65536", s.write},
		{"reader foreign keys", "foreign_keys", "1", s.read},
		{"reader query only", "query_only", "1", s.read},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			if err := tc.db.QueryRow("PRAGMA " + tc.pragma).Scan(&got); err != nil || got != tc.want {
				t.Errorf("PRAGMA %s = %q, %v; want %q", tc.pragma, got, err, tc.want)
			}
		})
	}
}

// TestMigrateFeaturesTable upgrades a version-2 file holding features in
// the articles table and checks they survive the move to their own table.
func TestMigrateFeaturesTable(t *testing.T) {
	s := openTest(t, oldStore(t, 2,
		`INSERT INTO stories (id, title, created, updated) VALUES (1, 's', 0, 0)`,
		`INSERT INTO articles (id, story, ingested, title, features) VALUES (1, 1, 0, 'with', x'00ff'), (2, 1, 0, 'without', NULL)`))
	if got := schemaVersion(t, s); got != SchemaVersion() {
		t.Fatalf("version %d, want %d", got, SchemaVersion())
	}
	rows := storetest.ClusterRows(t, s)
	if len(rows) != 2 || string(rows[0].Features) != "\x00\xff" || rows[1].Features != nil || rows[1].Story != 1 {
		t.Errorf("cluster rows after migration = %+v", rows)
	}
}

// oldStore writes a file at schema version with rows inserted by stmts, as
// an older Parallax left it, and returns its path.
func oldStore(t *testing.T, version int, stmts ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), fmt.Sprintf("v%d.db", version))
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	all := []string{`CREATE TABLE schema_version (version INTEGER NOT NULL)`,
		fmt.Sprintf(`INSERT INTO schema_version VALUES (%d)`, version)}
	for _, m := range migrations[:version] {
		all = append(all, m.stmts...)
	}
	for _, q := range append(all, stmts...) {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return path
}

// TestMigrateOutlets upgrades a version-4 file and checks the outlet
// counts are taken from the articles it holds.
func TestMigrateOutlets(t *testing.T) {
	s := openTest(t, oldStore(t, 4,
		`INSERT INTO articles (id, outlet, ingested) VALUES (1, 'AP', 0), (2, 'BBC', 0), (3, 'AP', 0), (4, '', 0)`,
		`UPDATE counters SET value = 4 WHERE name = 'article'`))
	want := []store.OutletCount{{Name: "AP", Articles: 2}, {Name: "", Articles: 1}, {Name: "BBC", Articles: 1}}
	if got, err := s.Outlets(context.Background()); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Outlets = %v, %v; want %v", got, err, want)
	}
	storetest.MustSave(t, s, storetest.Record("new", "BBC", 0, nil))
	want = []store.OutletCount{{Name: "AP", Articles: 2}, {Name: "BBC", Articles: 2}, {Name: "", Articles: 1}}
	if got, err := s.Outlets(context.Background()); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("after a save: Outlets = %v, %v; want %v", got, err, want)
	}
}

// TestMigrateWithoutRowid upgrades a version-5 file and checks its facets
// and entities are kept, in tables without rowids, and still kept in step.
func TestMigrateWithoutRowid(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, oldStore(t, 5,
		`INSERT INTO stories (id, title, created, updated, articles) VALUES (1, 's', 0, 0, 1)`,
		`INSERT INTO articles (id, story, ingested, title) VALUES (1, 1, 0, 'a')`,
		`INSERT INTO article_entities (article, entity) VALUES (1, 'petr pavel')`,
		`INSERT INTO story_facets (story, kind, value, articles) VALUES (1, 'entity', 'petr pavel', 1)`,
		`UPDATE counters SET value = 1`))
	for _, table := range []string{"story_facets", "article_entities"} {
		if _, err := s.read.Exec(`SELECT rowid FROM ` + table); err == nil {
			t.Errorf("%s still has rowids", table)
		}
	}
	if got, err := s.Stories(ctx, store.StoryQuery{Entity: "Petr Pavel"}); err != nil || len(got) != 1 || got[0].ID != 1 {
		t.Fatalf("stories with the migrated entity = %v, %v; want story 1", got, err)
	}
	c, err := s.MoveArticle(ctx, 1, 0, "test")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Stories(ctx, store.StoryQuery{Entity: "Petr Pavel"}); err != nil || len(got) != 1 || got[0].ID != c.Target {
		t.Errorf("after moving the article to story %d: stories with its entity = %v, %v", c.Target, got, err)
	}
}

// TestMigrateSearchIndex upgrades a version-6 file, whose full-text index
// keeps positions, and checks the rebuilt index finds and marks its
// articles, and new ones.
func TestMigrateSearchIndex(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, oldStore(t, 6,
		`INSERT INTO articles (id, ingested, title, text) VALUES (1, 1, 'Lavrov in Prague', 'Sergey Lavrov spoke.')`,
		`INSERT INTO articles_fts (rowid, title, text) SELECT id, title, text FROM articles`,
		`UPDATE counters SET value = 1 WHERE name = 'article'`))
	var ddl string
	if err := s.read.QueryRow(`SELECT sql FROM sqlite_master WHERE name = 'articles_fts'`).Scan(&ddl); err != nil ||
		!strings.Contains(ddl, "detail=column") {
		t.Errorf("articles_fts = %q, %v; want detail=column", ddl, err)
	}
	storetest.MustSave(t, s, storetest.Record("new", "AP", 0, nil))
	for _, q := range []string{"lavrov prague", "new"} {
		hits, err := s.Search(ctx, q, store.ArticleQuery{})
		if err != nil || len(hits) != 1 || !strings.Contains(hits[0].Snippet, store.HighlightStart) {
			t.Errorf("Search(%q) = %+v, %v; want one marked hit", q, hits, err)
		}
	}
}

// TestMigrateRowidKeys upgrades a version-7 file and checks raws and
// features are kept, now keyed by the rowid, and still deleted with their
// article.
func TestMigrateRowidKeys(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, oldStore(t, 7,
		`INSERT INTO stories (id, title, created, updated, articles) VALUES (1, 's', 0, 0, 2)`,
		`INSERT INTO articles (id, story, ingested, title) VALUES (1, 1, 0, 'a'), (2, 1, 0, 'b')`,
		`INSERT INTO raws (article, content_type, bytes) VALUES (1, 'text/html', x'3c703e'), (2, 'text/plain', NULL)`,
		`INSERT INTO article_features (article, data) VALUES (1, x'01'), (2, x'02')`,
		`UPDATE counters SET value = 2 WHERE name = 'article'`))
	for _, table := range []string{"raws", "article_features"} {
		var n int
		if err := s.read.QueryRow(`SELECT count(*) FROM sqlite_master WHERE tbl_name = ? AND type = 'index'`,
			table).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s has %d indexes, %v; want none (the key is the rowid)", table, n, err)
		}
	}
	raw, err := s.Raw(ctx, 1)
	if err != nil || raw.ContentType != "text/html" || string(raw.Bytes) != "<p>" {
		t.Errorf("Raw(1) = %+v, %v; want the migrated raw", raw, err)
	}
	rows := storetest.ClusterRows(t, s)
	if len(rows) != 2 || string(rows[0].Features) != "\x01" || string(rows[1].Features) != "\x02" {
		t.Errorf("cluster rows after migration = %+v", rows)
	}
	id := storetest.MustSave(t, s, storetest.Record("new", "AP", 0, nil))[0]
	if _, err := s.Raw(ctx, id); err != nil {
		t.Errorf("Raw(%d) of a new article: %v", id, err)
	}
	if _, err := s.write.Exec(`DELETE FROM articles WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := s.read.QueryRow(`SELECT (SELECT count(*) FROM raws WHERE article = 2) +
		(SELECT count(*) FROM article_features WHERE article = 2)`).Scan(&left); err != nil || left != 0 {
		t.Errorf("rows of a deleted article left: %d, %v", left, err)
	}
}

// TestSearchIndexAutomerge checks new files and upgraded ones merge their
// full-text index segments sixteen at a time, and still find old and new
// articles.
func TestSearchIndexAutomerge(t *testing.T) {
	ctx := context.Background()
	for name, s := range map[string]*Store{
		"new": newTest(t),
		"upgraded": openTest(t, oldStore(t, 8,
			`INSERT INTO articles (id, ingested, title, text) VALUES (1, 1, 'Lavrov in Prague', 'Sergey Lavrov spoke.')`,
			`INSERT INTO articles_fts (rowid, title, text) SELECT id, title, text FROM articles`,
			`UPDATE counters SET value = 1 WHERE name = 'article'`)),
	} {
		t.Run(name, func(t *testing.T) {
			var v int
			if err := s.read.QueryRow(`SELECT v FROM articles_fts_config WHERE k = 'automerge'`).Scan(&v); err != nil || v != 16 {
				t.Errorf("automerge = %d, %v; want 16", v, err)
			}
			storetest.MustSave(t, s, storetest.Record("new", "AP", 0, nil))
			if hits, err := s.Search(ctx, "new", store.ArticleQuery{}); err != nil || len(hits) != 1 {
				t.Errorf("Search(new) = %+v, %v; want one hit", hits, err)
			}
		})
	}
}
