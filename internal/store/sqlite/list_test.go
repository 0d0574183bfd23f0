package sqlite

import (
	"testing"

	"github.com/parallax-news/parallax/internal/store/storetest"
)

// TestStoriesPlans runs the story listing checks with each way Stories can
// read a filter forced (see facetFilters): both must give the answer the
// plan chosen gives, which the suite checks.
func TestStoriesPlans(t *testing.T) {
	for _, plan := range []struct {
		name string
		list func(count, page, total int64) bool
	}{
		{"list facets", func(int64, int64, int64) bool { return true }},
		{"walk stories", func(int64, int64, int64) bool { return false }},
	} {
		t.Run(plan.name, func(t *testing.T) {
			s := newTest(t)
			s.listFacet = plan.list
			storetest.ListStories(t, s)
		})
	}
}
