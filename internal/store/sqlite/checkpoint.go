package sqlite

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// walLimit is how many frames (pages) the WAL holds before the
// checkpointer copies them into the database file: 16384 pages of 8 KiB.
// Copied once per several 1,000-article batches, the index pages every
// batch rewrites are copied once, not once per batch (BenchmarkSaveBatch
// spent about 9% less CPU per article than with SQLite's 1000 pages).
const walLimit = 16384

// checkpointer copies the WAL into the database file from a connection of
// its own, beside the writer. Left to the writer (wal_autocheckpoint), the
// checkpoint ran inside whichever commit crossed the limit, in the serial
// store write every ingest waits on, and that commit also waited for the
// database file's fsync. A PASSIVE checkpoint blocks neither the writer nor
// readers.
//
// The WAL starts over only when a write transaction begins with all of it
// copied, and a busy writer has always committed more while the copy ran:
// so the writer copies that remainder itself, before its next transaction
// (see finish). Without it the WAL never started over, and every commit
// past the limit set off another checkpoint.
type checkpointer struct {
	db *sql.DB // one connection, used only here
	// walIndex reads the WAL-index (the -shm file). Closing any descriptor
	// of a file drops every POSIX lock the process holds on it, SQLite's
	// among them: another process then takes itself to be alone, resets
	// the WAL-index under this one's readers and writers, and may write
	// beside this one's writer. So the file is opened once per process and
	// closed only after every SQLite connection of every store of the
	// process on it (see acquireWALIndex).
	walIndex *walIndex
	limit    uint32 // in frames
	log      *slog.Logger
	poke     chan struct{}
	// idle, when a test sends on it, is answered once every poke before it
	// has been handled.
	idle     chan chan struct{}
	stop     chan struct{}
	stopping sync.Once
	done     chan struct{}
	// copied is set when a checkpoint has run and the writer has not yet
	// copied what was committed meanwhile.
	copied atomic.Bool
	// runs counts the checkpoints run, for tests.
	runs atomic.Int64
}

// startCheckpointer opens the checkpointer's connection to path and starts
// its goroutine; limit is walLimit but in tests. The caller releases wal.
func startCheckpointer(path string, wal *walIndex, limit uint32, log *slog.Logger) (*checkpointer, error) {
	v := url.Values{}
	v.Set("_busy_timeout", "10000")
	v.Set("_synchronous", "NORMAL")
	db, err := sql.Open("sqlite", "file:"+path+"?"+v.Encode())
	if err != nil {
		return nil, fmt.Errorf("open checkpointer: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	c := &checkpointer{
		db:       db,
		walIndex: wal,
		limit:    limit,
		log:      log,
		poke:     make(chan struct{}, 1),
		idle:     make(chan chan struct{}),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	go c.run()
	c.wake() // a WAL left large by an earlier process is copied now
	return c, nil
}

// wake tells the checkpointer a write committed; it never blocks the writer.
func (c *checkpointer) wake() {
	select {
	case c.poke <- struct{}{}:
	default: // a wake is pending already
	}
}

func (c *checkpointer) run() {
	defer close(c.done)
	for {
		select {
		case <-c.stop:
			return
		case <-c.poke:
			c.check()
		case reply := <-c.idle:
			select {
			case <-c.poke:
				c.check()
			default:
			}
			close(reply)
		}
	}
}

// check checkpoints when the WAL holds more than the limit not yet copied.
func (c *checkpointer) check() {
	if c.copied.Load() {
		return // the writer has yet to finish the last one
	}
	if n, err := c.walIndex.pendingFrames(); err != nil || n < c.limit {
		return // no WAL-index (nothing written yet, or closed), or little to copy
	}
	var busy, frames, copied int64
	// The store's Close ends the goroutine before closing the connection, so
	// a checkpoint is never cut short: it needs no cancellation.
	err := c.db.QueryRowContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied)
	if err != nil {
		c.log.Warn("WAL checkpoint failed", "err", err)
		return
	}
	c.runs.Add(1)
	c.copied.Store(true)
	c.log.Debug("WAL checkpointed", slog.Int64("frames", frames), slog.Int64("copied", copied))
}

// finish runs on the write connection before a write transaction: after a
// checkpoint, it copies what was committed while that ran (a batch or two),
// so the transaction finds the WAL all copied and starts it over.
func (c *checkpointer) finish(ctx context.Context, write *sql.DB) {
	if !c.copied.CompareAndSwap(true, false) {
		return
	}
	if _, err := write.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
		// The WAL goes on growing until the next checkpoint; the write can
		// go ahead.
		c.log.Warn("WAL checkpoint before a write failed", "err", err)
	}
}

// walIndexes are this process's WAL-index files, one per file however many
// stores have it open: a store closed while another is open on the same
// file must leave the descriptor open, or the other's connections lose
// their locks (see checkpointer).
var walIndexes = struct {
	sync.Mutex
	byPath map[string]*walIndex
}{byPath: make(map[string]*walIndex)}

// walIndex is a WAL-index file, opened when first read and kept open until
// the last store of the process using it is closed.
type walIndex struct {
	path string
	refs int // guarded by walIndexes
	mu   sync.Mutex
	f    *os.File
}

// acquireWALIndex returns the WAL-index of the database at dbPath, shared
// with every store of the process on that database. Acquired before the
// store's first SQLite connection and released after its last, it is never
// closed while a connection of the process holds locks on the file.
func acquireWALIndex(dbPath string) (*walIndex, error) {
	path, err := walIndexPath(dbPath)
	if err != nil {
		return nil, err
	}
	walIndexes.Lock()
	defer walIndexes.Unlock()
	w := walIndexes.byPath[path]
	if w == nil {
		w = &walIndex{path: path}
		walIndexes.byPath[path] = w
	}
	w.refs++
	return w, nil
}

// walIndexPath names the WAL-index file as SQLite does, beside the database
// file once symbolic links are followed, so that two names of one database
// (relative and absolute, or through a link) share one walIndex.
func walIndexPath(dbPath string) (string, error) {
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		return "", fmt.Errorf("WAL-index of %s: %w", dbPath, err)
	}
	if resolved, err := filepath.EvalSymlinks(abs); err == nil {
		abs = resolved
	} else if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		abs = filepath.Join(dir, filepath.Base(abs)) // a new database
	}
	return abs + "-shm", nil
}

// release gives up one store's use of w; the last closes the file.
func (w *walIndex) release() error {
	walIndexes.Lock()
	defer walIndexes.Unlock()
	if w.refs--; w.refs > 0 {
		return nil
	}
	delete(walIndexes.byPath, w.path)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}

// header reads the start of the WAL-index file into hdr.
func (w *walIndex) header(hdr []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		f, err := os.Open(w.path)
		if err != nil {
			return fmt.Errorf("WAL-index: %w", err)
		}
		w.f = f
	}
	if _, err := w.f.ReadAt(hdr, 0); err != nil {
		return fmt.Errorf("read WAL-index header: %w", err)
	}
	return nil
}

// pendingFrames reads, from the WAL-index file (see
// https://sqlite.org/walformat.html), how many frames the WAL holds that no
// checkpoint has copied: its header's mxFrame less nBackfill. The size of
// the WAL file cannot tell: the file is reused, not shrunk, when the WAL
// starts over. Read without SQLite's locks, the figures may be a commit
// old, which only moves a checkpoint by a commit.
func (w *walIndex) pendingFrames() (uint32, error) {
	var hdr [walIndexHeader]byte
	if err := w.header(hdr[:]); err != nil {
		return 0, err
	}
	// Both in the byte order of the machine that wrote them, this one.
	mxFrame := binary.NativeEndian.Uint32(hdr[16:])
	nBackfill := binary.NativeEndian.Uint32(hdr[96:])
	if nBackfill > mxFrame {
		return 0, nil // read mid-update
	}
	return mxFrame - nBackfill, nil
}

// walIndexHeader is the part of the WAL-index file pendingFrames reads: two
// copies of the 48-byte header, then nBackfill.
const walIndexHeader = 100

// close stops the goroutine and closes the connection; Store.Close may be
// called twice.
func (c *checkpointer) close() error {
	c.stopping.Do(func() { close(c.stop) })
	<-c.done
	if err := c.db.Close(); err != nil {
		return fmt.Errorf("close checkpointer: %w", err)
	}
	return nil
}
