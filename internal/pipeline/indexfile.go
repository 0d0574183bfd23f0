package pipeline

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/cespare/xxhash/v2"

	"github.com/parallax-news/parallax/internal/cluster"
	"github.com/parallax-news/parallax/internal/store"
)

// A process that ends keeps its story index in a file (Options.IndexFile),
// and the next one reads it back instead of rebuilding it from every
// stored article: a minute and more at a million articles, against
// seconds. The file is derived data, used only when it is what the store
// held at a count of its writes: saved from the same database
// (store.Generation) at that count or an earlier one, whose later writes
// the index then follows (catchUp), by the same program with the same
// clusterer configuration, and whole (a checksum). Anything else is a
// rebuild, as without the file.

// indexMagic begins an index file; the last byte is the layout of the
// header, the clusterer's snapshot carrying its own version.
var indexMagic = [8]byte{'P', 'X', 'I', 'N', 'D', 'E', 'X', 1}

// The header: magic, the store's identity and writes, the program's key,
// and the checksum of the rest.
const (
	indexHeaderLen = 8 + 8 + 8 + 8 + 4
	indexCRCAt     = indexHeaderLen - 4
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// indexHeader is what an index file says it was saved from.
type indexHeader struct {
	gen store.Generation
	key uint64
	crc uint32
}

func (h indexHeader) encode() []byte {
	b := make([]byte, 0, indexHeaderLen)
	b = append(b, indexMagic[:]...)
	b = binary.LittleEndian.AppendUint64(b, uint64(h.gen.Store))
	b = binary.LittleEndian.AppendUint64(b, uint64(h.gen.Writes))
	b = binary.LittleEndian.AppendUint64(b, h.key)
	return binary.LittleEndian.AppendUint32(b, h.crc)
}

func decodeIndexHeader(b []byte) (indexHeader, error) {
	if len(b) != indexHeaderLen || [8]byte(b[:8]) != indexMagic {
		return indexHeader{}, errors.New("not a story index file of this version")
	}
	le := binary.LittleEndian
	return indexHeader{
		gen: store.Generation{Store: int64(le.Uint64(b[8:])), Writes: int64(le.Uint64(b[16:]))},
		key: le.Uint64(b[24:]),
		crc: le.Uint32(b[indexCRCAt:]),
	}, nil
}

// programHash is a hash of the running executable: another build may
// compute or lay out the index otherwise, and its file must not be taken
// for this one's. Read once; 0 when the executable cannot be read, which
// turns index files off.
var programHash = sync.OnceValue(func() uint64 {
	path, err := os.Executable()
	if err != nil {
		return 0
	}
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	h := xxhash.New()
	if _, err := io.Copy(h, f); err != nil {
		return 0
	}
	return h.Sum64() | 1
})

// indexKey identifies the program and the clusterer's configuration an
// index is made by; 0 when unknown.
func indexKey(cfg cluster.Config) uint64 {
	prog := programHash()
	if prog == 0 {
		return 0
	}
	return xxhash.Sum64String(fmt.Sprintf("%x %#v", prog, cfg)) | 1
}

// errIndexStale marks an index file saved from another store, generation,
// program or configuration: the usual reason for a rebuild, not a fault.
var errIndexStale = errors.New("saved from another state of the store or another program")

// readIndexFile reads the index saved in path, when it was saved from the
// store at gen, or at an earlier count of its writes (the articles written
// since are then to be followed: catchUp), by this program with cfg, and
// returns it with the count it was saved at. An absent file is an error
// matching fs.ErrNotExist, a stale one errIndexStale.
func readIndexFile(path string, gen store.Generation, cfg cluster.Config, log *slog.Logger) (*cluster.Clusterer, int64, error) {
	key := indexKey(cfg)
	if key == 0 {
		return nil, 0, fmt.Errorf("%w: the program cannot be identified", errIndexStale)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	var head [indexHeaderLen]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, 0, fmt.Errorf("read %s: header: %w", path, err)
	}
	h, err := decodeIndexHeader(head[:])
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", path, err)
	}
	if h.gen.Store != gen.Store || h.gen.Writes > gen.Writes || h.key != key {
		return nil, 0, fmt.Errorf("%s: %w", path, errIndexStale)
	}
	sum := crc32.New(castagnoli)
	body := io.TeeReader(r, sum)
	cl, err := cluster.ReadSnapshot(body, cfg, log)
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", path, err)
	}
	// Whatever follows the snapshot is checked too: the sum covers all
	// that was written after the header.
	if _, err := io.Copy(io.Discard, body); err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", path, err)
	}
	if sum.Sum32() != h.crc {
		return nil, 0, fmt.Errorf("read %s: damaged: checksum %08x, saved as %08x", path, sum.Sum32(), h.crc)
	}
	return cl, h.gen.Writes, nil
}

// writeIndexFile saves cl, made from the store at gen, in path: written
// beside it as path.tmp, synced, then renamed over it, so that a process
// killed while writing leaves the old file or none, never half of one. The
// one name bounds what killed writers leave behind to one file, which the
// next save writes over; two processes saving at once could mix their
// writes in it, which the checksum tells.
func writeIndexFile(path string, gen store.Generation, cfg cluster.Config, cl *cluster.Clusterer) (err error) {
	key := indexKey(cfg)
	if key == 0 {
		return errors.New("the program cannot be identified")
	}
	f, err := os.OpenFile(path+".tmp", os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	h := indexHeader{gen: gen, key: key}
	if _, err := f.Write(h.encode()); err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	sum := crc32.New(castagnoli)
	if err := cl.WriteSnapshot(io.MultiWriter(w, sum)); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	h.crc = sum.Sum32()
	if _, err := f.WriteAt(h.encode()[indexCRCAt:], indexCRCAt); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// IndexOrigin says how the story index was last made; its zero value, that
// it was not made yet (only a new article needs it).
type IndexOrigin struct {
	// At is when it was made.
	At time.Time
	// File is the index file it was read from; "" when it was rebuilt
	// from the store.
	File string
	// Articles is the number of stored articles it was rebuilt from.
	Articles int
	// Followed is the number of articles stored or moved since the file
	// was saved, by other processes or a process killed before it saved,
	// that the index read from it took in (catchUp).
	Followed int
	// Took is the time it took.
	Took time.Duration
}

// String says where the index came from, for people.
func (o IndexOrigin) String() string {
	switch {
	case o.At.IsZero():
		return "not made: no new article needed it"
	case o.File != "" && o.Followed > 0:
		return fmt.Sprintf("read from %s, with %d articles stored or moved since", o.File, o.Followed)
	case o.File != "":
		return "read from " + o.File
	}
	return fmt.Sprintf("rebuilt from %d stored articles", o.Articles)
}

// IndexOrigin returns how the story index was last made (the zero value
// before it is).
func (p *Pipeline) IndexOrigin() IndexOrigin {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.origin
}

// loadIndexFile reads the index file when it was saved from the store at
// gen or earlier, with the count of writes it was saved at, and says why
// not when it was not: a missing or stale file is usual, a damaged one is
// worth a warning.
func (p *Pipeline) loadIndexFile(gen store.Generation) (*cluster.Clusterer, int64) {
	if p.opt.IndexFile == "" {
		return nil, 0
	}
	cl, saved, err := readIndexFile(p.opt.IndexFile, gen, p.cfg, p.log)
	switch {
	case err == nil:
		return cl, saved
	case errors.Is(err, fs.ErrNotExist):
	case errors.Is(err, errIndexStale):
		p.log.Debug("story index file not used: rebuilding", "err", err)
	default:
		p.log.Warn("story index file not used: rebuilding", "err", err)
	}
	return nil, 0
}

// fileLag bounds how far an index file may fall behind before a process
// ending writes it again: until the articles stored or moved since it
// number a fileLag-th of those the index holds. The next start reads the file and
// follows those articles (catchUp): 130 to 200 µs an article followed,
// against 5 to 8 µs an article held to write the file (measured at 100,000
// and 1,000,000), so following a 64th costs a quarter to two thirds of a
// rewrite. A small ingest into a big store then does not rewrite hundreds
// of megabytes as it ends.
const fileLag = 64

// IndexKept is what SaveIndex did with the index file.
type IndexKept struct {
	// Kept: the next start can read the index from the file.
	Kept bool
	// Written: the file was written now.
	Written bool
	// Behind is the number of articles stored, or moved by people's
	// corrections, since the file was written, which the next start
	// follows; 0 when the file holds the index.
	Behind int
}

// SaveIndex saves the story index in Options.IndexFile, for the next
// process to start from, and says what the file now holds. Call it when no
// ingest is running, as a process ends. It follows what other processes
// wrote first, so that the file is the store as it is. It leaves a file
// read or written by this process as it is when the articles stored or
// moved since are few (fileLag): the next start follows them. It saves nothing when
// there is no file to save to or no index built, or when the index may not
// be what the store holds: articles decided are not stored yet, or another
// process wrote meanwhile. A file left from before is then older than the
// store, and the next start follows the writes since.
func (p *Pipeline) SaveIndex(ctx context.Context) (IndexKept, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.opt.IndexFile == "" || p.cl == nil {
		return IndexKept{}, nil
	}
	p.followOthers(ctx)
	gen, err := p.st.Generation(ctx)
	if err != nil {
		return IndexKept{}, fmt.Errorf("save story index: %w", err)
	}
	writes := p.writes.current() // -1, never the store's, when unknown
	if gen.Store != p.builtAt.Store || gen.Writes != writes || len(p.inflight) > 0 {
		p.log.Info("story index not saved: the store changed beside this process; the next start follows the writes since the file or rebuilds",
			"file", p.opt.IndexFile)
		return IndexKept{}, nil
	}
	if p.fileAt == writes {
		return IndexKept{Kept: true}, nil // the file holds it already
	}
	if behind := p.writes.lackedByFile(); p.fileAt >= 0 && behind >= 0 && behind*fileLag < p.cl.Articles() {
		if _, err := os.Stat(p.opt.IndexFile); err == nil {
			p.log.Info("story index file left as it was: the next start follows the articles stored or moved since",
				"file", p.opt.IndexFile, "articles", behind)
			return IndexKept{Kept: true, Behind: behind}, nil
		}
	}
	if err := writeIndexFile(p.opt.IndexFile, gen, p.cfg, p.cl); err != nil {
		return IndexKept{}, fmt.Errorf("save story index in %s: %w", p.opt.IndexFile, err)
	}
	p.fileAt = writes
	p.writes.setSinceFile(0)
	return IndexKept{Kept: true, Written: true}, nil
}
