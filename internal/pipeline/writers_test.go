package pipeline

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/store/sqlite"
)

// openPath opens the database at path as a process of its own would, with
// a connection pool of its own, closed when the test ends.
func openPath(t *testing.T, path string) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestTwoWritersDecideAlike: two processes that both stay open on one
// database and ingest by turns (a server following feeds, a command
// ingesting files beside it) make the stories one process makes. Each
// takes in what the other stored before deciding its own articles, so an
// article joins a story whichever process made it.
func TestTwoWritersDecideAlike(t *testing.T) {
	const n, turn = 1000, 150
	items := generatedItems(t, n)
	once := runsOf(t, func(st store.Store, _ int) { mustIngest(t, newPipelineOn(t, st), items) }, 1)

	path := filepath.Join(t.TempDir(), "s.db")
	writers := []*Pipeline{newPipelineOn(t, openPath(t, path)), newPipelineOn(t, openPath(t, path))}
	for i := 0; i < n; i += turn {
		mustIngest(t, writers[i/turn%2], items[i:min(i+turn, n)])
	}
	compareRuns(t, once, storiesIn(t, path), 100)
}

// TestCorrectionByAnotherWriter: a move a person made through another
// process binds the next assignment of a process whose index was built
// before it, and a correction made in a process whose index lacks another's
// articles leaves that index with them.
func TestCorrectionByAnotherWriter(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	server := newPipelineOn(t, openPath(t, path))
	command := newPipelineOn(t, openPath(t, path))

	first, err := server.IngestItem(ctx, item(1, "harbour"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := command.Move(ctx, first.Article, 0, "another event")
	if err != nil {
		t.Fatal(err)
	}
	// The server's index still has article 1 in its first story; the next
	// arrival on the same topic must not undo the move nor join it there.
	second, err := server.IngestItem(ctx, item(2, "harbour"))
	if err != nil {
		t.Fatal(err)
	}
	if inIndex := server.StoryOf(first.Article); inIndex != c.Target {
		t.Errorf("server's index has article %d in story %d, want %d, where the other process moved it", first.Article, inIndex, c.Target)
	}
	if second.Story == first.Story {
		t.Errorf("article %d joined story %d, which article %d was moved out of and which holds nothing else", second.Article, second.Story, first.Article)
	}

	third, err := command.IngestItem(ctx, item(3, "budget"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.Move(ctx, second.Article, 0, "a third event"); err != nil {
		t.Fatal(err)
	}
	if got := server.StoryOf(third.Article); got != third.Story {
		t.Errorf("after its move, the server's index has article %d in story %d, want %d, where the other process stored it", third.Article, got, third.Story)
	}
	// Its move made it follow the other's writes: its index holds what the
	// store holds.
	server.opt.IndexFile = filepath.Join(t.TempDir(), "s.index")
	if saved, err := server.SaveIndex(ctx); err != nil || !saved.Kept {
		t.Errorf("server: SaveIndex = %v, %v; want its index kept, current after the move", saved, err)
	}
}

// writesBeside is a store on which another process writes, by before,
// just ahead of this one's first batch: between its decision and its write.
type writesBeside struct {
	store.Store
	before func()
}

func (s *writesBeside) SaveBatchAt(ctx context.Context, at int64, recs []*store.Record) ([]int64, int64, error) {
	if s.before != nil {
		before := s.before
		s.before = nil
		before()
	}
	return s.Store.SaveBatchAt(ctx, at, recs)
}

// TestBatchDecidedBeforeAnotherWrite: a batch decided before another
// process stored an article of the same story, and refused for it, is
// decided again with that article in the index: it joins its story.
func TestBatchDecidedBeforeAnotherWrite(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	other := newPipelineOn(t, openPath(t, path))
	var theirs Result
	st := &writesBeside{Store: openPath(t, path)}
	st.before = func() {
		var err error
		if theirs, err = other.IngestItem(ctx, item(1, "harbour")); err != nil {
			t.Error(err)
		}
	}
	p := newPipelineOn(t, st)
	if err := p.LoadIndex(ctx); err != nil {
		t.Fatal(err)
	}
	ours, err := p.IngestItem(ctx, item(2, "harbour"))
	if err != nil {
		t.Fatal(err)
	}
	if ours.Status != StatusNew || ours.Story != theirs.Story {
		t.Errorf("ours: %+v; want it new, in story %d with the article stored beside it", ours, theirs.Story)
	}
	if origin := p.IndexOrigin(); origin.Articles != 1 {
		t.Errorf("index %v: want it rebuilt from the 1 article stored beside", origin)
	}
}
