package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/store/storetest"
)

// storyCounts is what saves count incrementally into stories and
// story_facets, as text to compare.
func storyCounts(t *testing.T, s *Store) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, articles, coalesce(first_published, 0), coalesce(last_published, 0) FROM stories
			WHERE merged_into IS NULL ORDER BY id`,
		`SELECT story, kind, value, articles FROM story_facets ORDER BY story, kind, value`,
	} {
		rows, err := s.write.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for rows.Next() {
			var a, c, d any
			var k any
			if err := rows.Scan(&a, &k, &c, &d); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%v|%v|%v|%v\n", a, k, c, d)
		}
		rows.Close()
	}
	return b.String()
}

// TestBatchCountsMatchRecount checks the counts a batch tallies in memory
// against a recount from the articles, with batches that hit one story
// several times, undated articles, and a merge after earlier articles of
// the same batch joined the stories it merges.
func TestBatchCountsMatchRecount(t *testing.T) {
	ctx := context.Background()
	undated := func(r *store.Record) *store.Record { r.Article.Published = nil; return r }
	merging := func(r *store.Record, from, into int64) *store.Record {
		r.Merges = []store.Merge{{From: from, Into: into}}
		return r
	}
	regrouping := func(r *store.Record, changes ...store.Regroup) *store.Record {
		r.Regroups = changes
		return r
	}
	for _, tc := range []struct {
		name    string
		batches [][]*store.Record
	}{
		{"one story many times", [][]*store.Record{{
			storetest.Record("a", "AP", 1, storetest.Day(5), "Lavrov"), storetest.Record("b", "AP", 1, storetest.Day(2), "lavrov", "Haass"),
			storetest.Record("c", "CNN", 1, storetest.Day(9)), undated(storetest.Record("d", "BBC", 1, nil, "Haass")),
		}}},
		{"undated only", [][]*store.Record{{undated(storetest.Record("a", "AP", 1, nil)), undated(storetest.Record("b", "AP", 1, nil))}}},
		{"regrouping inside a batch", [][]*store.Record{
			{storetest.Record("a", "AP", 1, storetest.Day(1), "Lavrov"), storetest.Record("b", "CNN", 1, storetest.Day(2), "Kupchan")},
			{
				storetest.Record("c", "AP", 2, storetest.Day(3), "Lavrov"), regrouping(storetest.Record("d", "BBC", 2, storetest.Day(4), "Graham"),
					store.Regroup{Article: 2, From: 1, Story: 3}, store.Regroup{From: 2, Story: 1}),
				storetest.Record("e", "Fox", 3, storetest.Day(5), "Kupchan"),
			},
		}},
		{"merge inside a batch", [][]*store.Record{
			{storetest.Record("a", "AP", 1, storetest.Day(1), "Lavrov")},
			{
				storetest.Record("b", "CNN", 2, storetest.Day(3), "Lavrov"), storetest.Record("c", "AP", 1, storetest.Day(4), "Kupchan"),
				merging(storetest.Record("d", "BBC", 1, storetest.Day(5)), 2, 1), storetest.Record("e", "AP", 2, storetest.Day(6), "Graham"),
				storetest.Record("f", "Fox", 3, storetest.Day(7)),
			},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newTest(t)
			for _, b := range tc.batches {
				storetest.MustSave(t, s, b...)
			}
			got := storyCounts(t, s)
			err := s.inWrite(ctx, func(tx *sql.Tx) error {
				rows, err := tx.QueryContext(ctx, `SELECT id FROM stories WHERE merged_into IS NULL`)
				if err != nil {
					return err
				}
				var ids []int64
				for rows.Next() {
					var id int64
					if err := rows.Scan(&id); err != nil {
						return err
					}
					ids = append(ids, id)
				}
				rows.Close()
				for _, id := range ids {
					if err := refreshStory(ctx, tx, id, s.now()); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if want := storyCounts(t, s); got != want {
				t.Errorf("counts kept on save:\n%s\nrecounted:\n%s", got, want)
			}
		})
	}
}
