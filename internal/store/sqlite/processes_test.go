package sqlite

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/store/storetest"
)

// writerChildEnv, when set to a database path, makes TestTwoProcessesWrite
// the child that opens the store, saves a batch and closes it.
const writerChildEnv = "PARALLAX_STORE_WRITER_CHILD"

func processRecord(who string, i int) *store.Record {
	return storetest.Record(fmt.Sprintf("%s%d", who, i), "Outlet", int64(i%5+1), storetest.Day(i%28+1), "Entity")
}

func saveProcessBatch(ctx context.Context, s *Store, who string, from, n int) error {
	recs := make([]*store.Record, n)
	for i := range recs {
		recs[i] = processRecord(who, from+i)
	}
	_, err := s.SaveBatch(ctx, recs)
	return err
}

// TestTwoProcessesWrite: a process that has written keeps SQLite's locks
// on the store's files while another process opens the store, writes and
// closes it, as a cron ingest does beside serve. Closing any descriptor of
// a file drops every POSIX lock the process holds on it: a descriptor of
// the WAL-index opened and closed beside SQLite left the other process
// believing it was alone, so it reset the WAL-index under the first (a
// fault, "disk I/O error (8714)"), and the two could write the WAL at once.
func TestTwoProcessesWrite(t *testing.T) {
	ctx := context.Background()
	if path := os.Getenv(writerChildEnv); path != "" {
		s, err := Open(ctx, path, nil)
		if err == nil {
			var n int64 // another batch each time: start past what is stored
			if n, err = s.CountArticles(ctx); err == nil {
				err = saveProcessBatch(ctx, s, "child", int(n), 20)
			}
			if cerr := s.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	if testing.Short() {
		t.Skip("starts a child process; run without -short")
	}
	path := filepath.Join(t.TempDir(), "two.db")
	s := openTest(t, path)
	const rounds, size = 3, 20
	for round := range rounds {
		if err := saveProcessBatch(ctx, s, "parent", round*size, size); err != nil {
			t.Fatalf("round %d: parent's batch: %v", round, err)
		}
		s.ckpt.settle() // the checkpointer has looked at the WAL-index
		if n, ok := locksHeld(t, path+"-shm"); ok && n == 0 {
			t.Fatalf("round %d: this process holds no lock on the WAL-index: SQLite's were dropped", round)
		}
		if round == rounds-1 {
			break
		}
		child := exec.Command(os.Args[0], "-test.run=^TestTwoProcessesWrite$")
		child.Env = append(os.Environ(), writerChildEnv+"="+path)
		if out, err := child.CombinedOutput(); err != nil {
			t.Fatalf("round %d: child: %v: %s", round, err, out)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openTest(t, path)
	var check string
	if err := s.read.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	want := int64(rounds*size + (rounds-1)*20)
	if n, err := s.CountArticles(ctx); err != nil || n != want {
		t.Errorf("%d articles stored (%v), want %d: the parent's and the child's", n, err, want)
	}
}

// locksHeld counts the POSIX locks this process holds on file, as
// /proc/locks lists them; ok is false where it cannot tell.
func locksHeld(t *testing.T, file string) (n int, ok bool) {
	t.Helper()
	data, err := os.ReadFile("/proc/locks")
	if err != nil {
		t.Logf("locks not counted: %v", err)
		return 0, false
	}
	var st syscall.Stat_t
	if err := syscall.Stat(file, &st); err != nil {
		t.Fatal(err)
	}
	pid, ino := strconv.Itoa(os.Getpid()), ":"+strconv.FormatUint(st.Ino, 10)
	for line := range strings.Lines(string(data)) {
		// "1: POSIX  ADVISORY  READ 7951 fe:00:123456 128 128"
		f := strings.Fields(line)
		if len(f) >= 6 && f[1] == "POSIX" && f[4] == pid && strings.HasSuffix(f[5], ino) {
			n++
		}
	}
	return n, true
}

// TestTwoStoresOneProcess: a store closed while another of the process is
// open on the same database, under another name of it, leaves the other's
// locks on the WAL-index alone, and the last store to close lets the file go.
func TestTwoStoresOneProcess(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "one.db")
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	first := openTest(t, path)
	if err := saveProcessBatch(ctx, first, "first", 0, 10); err != nil {
		t.Fatal(err)
	}
	first.ckpt.settle() // the WAL-index is open
	second := openTest(t, filepath.Join(link, "one.db"))
	if second.wal != first.wal {
		t.Fatal("the two names of one database have two WAL-indexes")
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if n, ok := locksHeld(t, path+"-shm"); ok && n == 0 {
		t.Fatal("closing one store dropped the other's locks on the WAL-index")
	}
	if err := saveProcessBatch(ctx, second, "second", 0, 10); err != nil {
		t.Fatal(err)
	}
	if n, err := second.CountArticles(ctx); err != nil || n != 20 {
		t.Errorf("%d articles (%v), want 20", n, err)
	}
	if err := second.Close(); err != nil {
		t.Fatal(err)
	}
	walIndexes.Lock()
	defer walIndexes.Unlock()
	if len(walIndexes.byPath) != 0 {
		t.Errorf("WAL-indexes still held after every store closed: %v", walIndexes.byPath)
	}
}
