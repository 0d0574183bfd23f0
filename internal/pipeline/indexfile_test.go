package pipeline

import (
	"context"
	"encoding/binary"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/parallax-news/parallax/internal/cluster"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/store"
)

// mustIngest ingests items through p, failing the test on any error.
func mustIngest(t *testing.T, p *Pipeline, items []source.Item) {
	t.Helper()
	p.IngestItems(context.Background(), items, func(r Result) {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Input, r.Err)
		}
	})
}

func newPipelineWith(t *testing.T, st store.Store, opt Options) *Pipeline {
	t.Helper()
	p, err := New(st, opt, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// inGroups generates as many items as sizes add up to and returns them in
// groups of those sizes, for runs one after another, with the stories one
// run of them all makes and a path for an index file.
func inGroups(t *testing.T, sizes ...int) (groups [][]source.Item, once []string, file string) {
	t.Helper()
	total := 0
	for _, n := range sizes {
		total += n
	}
	items := generatedItems(t, total)
	once = runsOf(t, func(st store.Store, _ int) { mustIngest(t, newPipelineOn(t, st), items) }, 1)
	for _, n := range sizes {
		groups = append(groups, items[:n])
		items = items[n:]
	}
	return groups, once, filepath.Join(t.TempDir(), "s.index")
}

// TestIndexFileDecidesAlike: a run that keeps its story index in a file as
// it ends, and a run that starts from the file, make the stories and
// copies one run makes, and the second run did start from the file.
func TestIndexFileDecidesAlike(t *testing.T) {
	ctx := context.Background()
	groups, once, file := inGroups(t, 700, 300)
	var origins []IndexOrigin
	restarted := runsOf(t, func(st store.Store, group int) {
		p := newPipelineWith(t, st, Options{IndexFile: file})
		mustIngest(t, p, groups[group])
		origins = append(origins, p.IndexOrigin())
		if saved, err := p.SaveIndex(ctx); err != nil || !saved.Kept {
			t.Fatalf("run %d: SaveIndex = %v, %v; want the index kept", group, saved, err)
		}
	}, len(groups))
	compareRuns(t, once, restarted, 100)
	if origins[0].File != "" || origins[1].File != file {
		t.Errorf("index origins %+v: want the first rebuilt (from nothing) and the second read from %s", origins, file)
	}
}

// TestIndexFileFollowsLaterWrites: a run that starts from a file saved
// before another process wrote (one that was killed before it could save
// its own, say) takes in those writes, and the three runs make the stories
// one run makes.
func TestIndexFileFollowsLaterWrites(t *testing.T) {
	ctx := context.Background()
	const second = 250
	groups, once, file := inGroups(t, 500, second, 250)
	var last IndexOrigin
	runs := runsOf(t, func(st store.Store, group int) {
		switch group {
		case 0:
			p := newPipelineWith(t, st, Options{IndexFile: file})
			mustIngest(t, p, groups[group])
			if saved, err := p.SaveIndex(ctx); err != nil || !saved.Kept {
				t.Fatalf("SaveIndex = %v, %v; want the index kept", saved, err)
			}
		case 1:
			// Another process: it starts from the file too, since a
			// rebuild from the store is not exact (see
			// TestRestartDecidesAlike), and ends without saving.
			mustIngest(t, newPipelineWith(t, st, Options{IndexFile: file}), groups[group])
		case 2:
			p := newPipelineWith(t, st, Options{IndexFile: file})
			mustIngest(t, p, groups[group])
			last = p.IndexOrigin()
		}
	}, len(groups))
	compareRuns(t, once, runs, 100)
	if last.File != file || last.Followed < second {
		t.Errorf("last run's index: %v; want it read from %s, with the %d articles stored since and those moved", last, file, second)
	}
}

// TestIndexFileLeftWhenFewArticles: a run that stores few articles, next to
// those its index read from the file holds, leaves the file as it was; the
// next run follows those articles, and writes the file again once they are
// many. The three runs make the stories one run makes.
func TestIndexFileLeftWhenFewArticles(t *testing.T) {
	ctx := context.Background()
	const few, rest = 6, 300
	groups, once, file := inGroups(t, 640, few, rest)
	var written []byte
	runs := runsOf(t, func(st store.Store, group int) {
		p := newPipelineWith(t, st, Options{IndexFile: file})
		mustIngest(t, p, groups[group])
		kept, err := p.SaveIndex(ctx)
		if err != nil {
			t.Fatalf("run %d: SaveIndex: %v", group, err)
		}
		origin := p.IndexOrigin()
		switch group {
		case 0:
			if kept != (IndexKept{Kept: true, Written: true}) {
				t.Fatalf("first run: SaveIndex = %+v; want the file written", kept)
			}
			written = readFile(t, file)
		case 1:
			if kept != (IndexKept{Kept: true, Behind: few}) {
				t.Errorf("run of %d articles: SaveIndex = %+v; want the file kept as it was, %d articles behind", few, kept, few)
			}
			if got := readFile(t, file); string(got) != string(written) {
				t.Error("run of few articles rewrote the index file")
			}
		case 2:
			if origin.File != file || origin.Followed < few {
				t.Errorf("last run's index: %v; want it read from %s, with the %d articles stored since", origin, file, few)
			}
			if !kept.Written || kept.Behind != 0 {
				t.Errorf("run of %d articles after %d behind: SaveIndex = %+v; want the file written", rest, few, kept)
			}
		}
	}, len(groups))
	compareRuns(t, once, runs, 100)
}

// TestIndexFileCountsCorrections: people's corrections count toward how
// far the index file falls behind, as the next start follows every article
// they move: a moved article leaves the file as it was, a merge of a story
// of a 64th or more of the articles has it written again.
func TestIndexFileCountsCorrections(t *testing.T) {
	ctx := context.Background()
	const total = 640
	groups, _, file := inGroups(t, total)
	runsOf(t, func(st store.Store, run int) {
		p := newPipelineWith(t, st, Options{IndexFile: file})
		if err := p.LoadIndex(ctx); err != nil {
			t.Fatal(err)
		}
		var want IndexKept
		switch run {
		case 0:
			mustIngest(t, p, groups[0])
			want = IndexKept{Kept: true, Written: true}
		case 1:
			if _, err := p.Move(ctx, 1, 0, "another event"); err != nil {
				t.Fatal(err)
			}
			want = IndexKept{Kept: true, Behind: 1}
		case 2:
			biggest, err := st.Stories(ctx, store.StoryQuery{Sort: "biggest", Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			if len(biggest) < 2 || biggest[0].Articles*fileLag < total {
				t.Fatalf("stories %+v: the test needs one of a %dth of %d articles or more", biggest, fileLag, total)
			}
			if _, err := p.Merge(ctx, biggest[0].ID, biggest[1].ID, "one event"); err != nil {
				t.Fatal(err)
			}
			want = IndexKept{Kept: true, Written: true}
		}
		if got, err := p.SaveIndex(ctx); err != nil || got != want {
			t.Errorf("run %d: SaveIndex = %+v, %v; want %+v", run, got, err, want)
		}
	}, 3)
}

// TestIndexFileOnlyWhenCurrent: a story index kept in a file is used only
// by the store it was saved from, unchanged since or changed by writes it
// then follows, by the same program with the same configuration, and only
// when the file is whole; anything else rebuilds the index, as without the
// file, and is no error.
func TestIndexFileOnlyWhenCurrent(t *testing.T) {
	ctx := context.Background()
	other := cluster.DefaultConfig()
	other.JoinThreshold += 0.01
	cases := []struct {
		name     string
		change   func(t *testing.T, st store.Store, file string)
		opt      Options // besides IndexFile
		fromFile bool
		followed int // articles stored or moved since the file, taken in
	}{
		{name: "unchanged", change: func(*testing.T, store.Store, string) {}, fromFile: true},
		{name: "absent", change: func(t *testing.T, _ store.Store, file string) {
			if err := os.Remove(file); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "another process stored an article", change: func(t *testing.T, st store.Store, _ string) {
			mustIngest(t, newPipelineOn(t, st), []source.Item{item(100, "harbour")})
		}, fromFile: true, followed: 1},
		{name: "another process moved an article", change: func(t *testing.T, st store.Store, _ string) {
			if _, err := newPipelineOn(t, st).Move(ctx, 1, 0, "another event"); err != nil {
				t.Fatal(err)
			}
		}, fromFile: true, followed: 1},
		{name: "saved at more writes than the store holds", change: func(t *testing.T, _ store.Store, file string) {
			// A database put back from an older copy: the file is ahead of it.
			data := readFile(t, file)
			binary.LittleEndian.PutUint64(data[16:], binary.LittleEndian.Uint64(data[16:])+5)
			writeFile(t, file, data)
		}},
		{name: "damaged", change: func(t *testing.T, _ store.Store, file string) {
			data := readFile(t, file)
			data[len(data)/2] ^= 0x10
			writeFile(t, file, data)
		}},
		{name: "truncated", change: func(t *testing.T, _ store.Store, file string) {
			data := readFile(t, file)
			writeFile(t, file, data[:len(data)*2/3])
		}},
		{name: "not an index", change: func(t *testing.T, _ store.Store, file string) {
			writeFile(t, file, []byte("hello"))
		}},
		{name: "another configuration", change: func(*testing.T, store.Store, string) {}, opt: Options{Cluster: &other}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "s.index")
			_, st := newPipeline(t)
			var items []source.Item
			for i := range 40 {
				items = append(items, item(i, []string{"harbour", "budget", "school"}[i%3]))
			}
			p := newPipelineWith(t, st, Options{IndexFile: file})
			mustIngest(t, p, items)
			if saved, err := p.SaveIndex(ctx); err != nil || !saved.Kept {
				t.Fatalf("SaveIndex = %v, %v; want the index kept", saved, err)
			}
			tc.change(t, st, file)

			opt := tc.opt
			opt.IndexFile = file
			restarted := newPipelineWith(t, st, opt)
			if err := restarted.LoadIndex(ctx); err != nil {
				t.Fatalf("LoadIndex: %v", err)
			}
			o := restarted.IndexOrigin()
			if got := o.File != ""; got != tc.fromFile || o.Followed != tc.followed {
				t.Errorf("index origin %+v: read from the file = %v, want %v, with %d articles written since", o, got, tc.fromFile, tc.followed)
			}
			if !tc.fromFile && o.Articles == 0 {
				t.Errorf("index origin %+v: want it rebuilt from the stored articles", o)
			}
		})
	}
}

// TestSaveIndexOnlyWhatTheStoreHolds: a process another wrote beside
// follows those writes before it keeps its index, so the next start reads
// the file with nothing to follow.
func TestSaveIndexOnlyWhatTheStoreHolds(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "s.index")
	_, st := newPipeline(t)
	p := newPipelineWith(t, st, Options{IndexFile: file})
	mustIngest(t, p, []source.Item{item(1, "harbour"), item(2, "budget")})
	mustIngest(t, newPipelineOn(t, st), []source.Item{item(3, "harbour")}) // another process
	if saved, err := p.SaveIndex(ctx); err != nil || !saved.Kept {
		t.Fatalf("SaveIndex = %v, %v; want the index kept, the other's article followed", saved, err)
	}
	next := newPipelineWith(t, st, Options{IndexFile: file})
	if err := next.LoadIndex(ctx); err != nil || next.IndexOrigin().File != file || next.IndexOrigin().Followed != 0 {
		t.Errorf("LoadIndex = %v, index %+v; want it read from %s with nothing to follow", err, next.IndexOrigin(), file)
	}
	// Its own corrections, stored and applied, leave its index current; a
	// file left half written by a process killed while saving is written
	// over.
	writeFile(t, file+".tmp", []byte("half an index"))
	mustIngest(t, p, []source.Item{item(4, "school")})
	q := newPipelineWith(t, st, Options{IndexFile: file})
	mustIngest(t, q, []source.Item{item(5, "school")})
	if _, err := q.Move(ctx, 1, 0, "apart"); err != nil {
		t.Fatal(err)
	}
	if saved, err := q.SaveIndex(ctx); err != nil || !saved.Kept {
		t.Fatalf("after its own writes only: SaveIndex = %v, %v; want the index kept", saved, err)
	}
	if _, err := os.Stat(file + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("%s.tmp: %v, want none left", file, err)
	}
	restarted := newPipelineWith(t, st, Options{IndexFile: file})
	if err := restarted.LoadIndex(ctx); err != nil || restarted.IndexOrigin().File != file {
		t.Errorf("LoadIndex = %v, index %v; want it read from %s", err, restarted.IndexOrigin(), file)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
