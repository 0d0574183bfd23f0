package sqlite

import (
	"strings"
	"testing"
)

// TestKnownManyUsesIndexes: the look-up must seek, not scan the articles,
// or a batch's check grows with the store.
func TestKnownManyUsesIndexes(t *testing.T) {
	plan := queryPlan(t, newTest(t), sqlKnownMany, `["x"]`, `["y"]`)
	if strings.Count(plan, "SEARCH a USING COVERING INDEX") != 2 || strings.Contains(plan, "SCAN a") {
		t.Errorf("plan %q: want both arms to search an index of articles", plan)
	}
}

// TestDecisionsUseIndexes: a story's decisions are found through indexes,
// or every story read grows with the decisions stored.
func TestDecisionsUseIndexes(t *testing.T) {
	plan := queryPlan(t, newTest(t), sqlDecisions, 1)
	if strings.Contains(plan, "SCAN decisions") || !strings.Contains(plan, "INDEX decisions_compared") {
		t.Errorf("plan %q: want every arm to search an index of decisions, one of them decisions_compared", plan)
	}
}

// TestMergeUsesIndexes: a merge, which the regrouping makes whenever it
// empties a story, finds the articles and the stories it changes through
// indexes, or it grows with the stories stored.
func TestMergeUsesIndexes(t *testing.T) {
	s := newTest(t)
	tests := []struct {
		name, query, index string
	}{
		{"articles moved", sqlMoveArticles, "articles_story"},
		{"stories redirected", sqlRedirectMerged, "stories_merged_into"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plan := queryPlan(t, s, tc.query, 2, 1)
			if strings.Contains(plan, "SCAN") || !strings.Contains(plan, "INDEX "+tc.index) {
				t.Errorf("plan %q: want a search of %s", plan, tc.index)
			}
		})
	}
}
