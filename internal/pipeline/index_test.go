package pipeline

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parallax-news/parallax/internal/store/sqlite"
)

// TestIndexBuiltOnFirstArrival: a pipeline opened on a store reads stories
// and takes people's corrections without building the story index (which
// reads every stored article's features), and the index built at the next
// arrival holds those corrections.
func TestIndexBuiltOnFirstArrival(t *testing.T) {
	ctx := context.Background()
	p, st := newPipeline(t)
	ids := ingestCouncil(t, p, 4)
	story := storyOf(t, st, ids[0])

	p = newPipelineOn(t, st)
	s, err := p.Story(ctx, story)
	if err != nil || len(s.Articles) != 4 {
		t.Fatalf("story %d read before the index is built: %v, %v; want its 4 articles", story, s, err)
	}
	cs, err := p.Split(ctx, story, ids[2:4], "two meetings")
	if err != nil {
		t.Fatal(err)
	}
	if p.cl != nil {
		t.Fatal("reading a story and splitting it built the story index")
	}
	split := cs[0].Target
	r, err := p.IngestItem(ctx, councilReport(4, councilReports[4]))
	if err != nil || r.Status != StatusNew {
		t.Fatalf("arrival after the split: %+v, %v", r, err)
	}
	for i, id := range ids {
		want := story
		if i >= 2 {
			want = split
		}
		if got := p.cl.StoryOf(id); got != want || storyOf(t, st, id) != want {
			t.Errorf("article %d: index has story %d, store %d; want %d", id, got, storyOf(t, st, id), want)
		}
	}
}

// TestDamagedFeatures: a stored article whose features cannot be read
// keeps its story, a warning names it, and arrivals go on.
func TestDamagedFeatures(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	st, err := sqlite.Open(ctx, path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ids := ingestCouncil(t, newPipelineOn(t, st), 2)
	story := storyOf(t, st, ids[0])
	st.Close()

	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE article_features SET data = x'ff00' WHERE article = ?`, ids[1]); err != nil {
		t.Fatal(err)
	}
	db.Close()

	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, nil))
	st, err = sqlite.Open(ctx, path, log)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := New(st, Options{}, log)
	if err != nil {
		t.Fatal(err)
	}
	r, err := p.IngestItem(ctx, councilReport(2, councilReports[2]))
	if err != nil || r.Status != StatusNew || r.Story != story {
		t.Fatalf("arrival beside damaged features: %+v, %v; want it new, in story %d", r, err, story)
	}
	if got := p.cl.StoryOf(ids[1]); got != story {
		t.Errorf("the article with damaged features is in story %d of the index, want %d", got, story)
	}
	if want := fmt.Sprintf("article=%d", ids[1]); !strings.Contains(logged.String(), want) {
		t.Errorf("log does not name the damaged article (%s):\n%s", want, logged.String())
	}
}
