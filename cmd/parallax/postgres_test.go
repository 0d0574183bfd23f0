package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"regexp"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/parallax-news/parallax/internal/testutil"
)

// postgresDB makes a fresh, empty PostgreSQL database for one test on the
// server PARALLAX_TEST_POSTGRES names, and drops it when the test ends.
func postgresDB(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("PARALLAX_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("set PARALLAX_TEST_POSTGRES to a PostgreSQL URL whose user may create databases (.ci/postgres starts a server) to run the command line on PostgreSQL")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to PARALLAX_TEST_POSTGRES: %v", err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("parallax_cmd_%d", rand.Uint64())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("connect to drop %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("PARALLAX_TEST_POSTGRES: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// unlike are the fields two stores fill differently for the same articles:
// the times of writing, and a search's snippet (each database chooses its
// own window around the words found; the store's tests check both mark
// them).
var unlike = regexp.MustCompile(`"(ingested|at|updated|snippet)": ?"(\\.|[^"\\])*"`)

// TestSeedsOnPostgres runs the seeds through the command line on a
// PostgreSQL database and on a SQLite file: every answer is the same, so
// what TestSeedsEndToEnd checks on SQLite holds on PostgreSQL.
func TestSeedsOnPostgres(t *testing.T) {
	pg := postgresDB(t)
	sq, _ := ingestSeeds(t)
	if out, errOut, code := parallax(t, pg, append([]string{"ingest"}, testutil.Seeds(t)...)...); code != 0 {
		t.Fatalf("ingest seeds into PostgreSQL: exit %d: %s%s", code, out, errOut)
	}
	same := func(args ...string) {
		t.Helper()
		want, errOut, code := parallax(t, sq, args...)
		if code != 0 {
			t.Fatalf("parallax %v on SQLite: exit %d: %s", args, code, errOut)
		}
		got, errOut, code := parallax(t, pg, args...)
		if code != 0 {
			t.Fatalf("parallax %v on PostgreSQL: exit %d: %s", args, code, errOut)
		}
		if w, g := unlike.ReplaceAllString(want, ""), unlike.ReplaceAllString(got, ""); w != g {
			t.Errorf("parallax %v: PostgreSQL answers\n%s\nSQLite\n%s", args, got, want)
		}
	}
	same("stories", "--json")
	same("articles", "--json")
	same("article", "1", "--json")
	same("article", "2", "--json")
	same("story", "1", "--json")
	same("stories", "--entity", "Lavrov", "--json")
	same("search", "Koffler", "--json")
	same("export")

	// Corrections: a split, then a move back, each the same on both.
	same("story", "split", "1", "2", "--reason", "test", "--json")
	same("stories", "--json")
	same("article", "move", "2", "--to", "1", "--json")
	same("story", "1", "--json")

	// Ingesting again stores nothing twice.
	if out, _, code := parallax(t, pg, append([]string{"ingest"}, testutil.Seeds(t)...)...); code != 0 || out != "0 new, 2 already known, 0 failed\n" {
		t.Errorf("ingest seeds again into PostgreSQL: exit %d: %q", code, out)
	}
}

func TestPostgresURLNotPrinted(t *testing.T) {
	_, errOut, code := parallax(t, "postgres://parallax:secret@127.0.0.1:1/none?connect_timeout=2", "stories")
	if code != 1 || regexp.MustCompile(`secret`).MatchString(errOut) {
		t.Errorf("stories on an unreachable PostgreSQL: exit %d, stderr %q; want exit 1 and no password", code, errOut)
	}
}
