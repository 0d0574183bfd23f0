package server

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"container/list"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// DefaultCacheBytes bounds the rendered answers the server keeps when
// Config.CacheBytes is zero. Answers are kept gzipped: a story page runs
// from a few kilobytes to half a megabyte (its articles side by side),
// about a tenth of that gzipped, so this holds a few thousand stories.
// Readers cycling through more answers than a cache holds get no hits
// from it at all, which is why the bound is set by the compressed size.
const DefaultCacheBytes = 64 << 20

// searchTTL is how long a search's answer is served again: a repeated
// search finds articles stored since within this time. Followed feeds are
// polled every 15 minutes by default, so a search half a minute old nearly
// always finds what a fresh one would; at 5 s, searches drawn again were
// a third of the server's CPU under load.
const searchTTL = 30 * time.Second

// versionRecheck is how long a story answer is served without asking the
// store for the story's version again: a changed story is shown within
// this time. Under ingestion every read transaction that finds the file
// changed drops its connection's page cache, page by page; a version
// query per request made that a tenth of the server's CPU.
const versionRecheck = time.Second

// Cache states, sent in the X-Cache header of cacheable answers so a load
// test can tell hits from misses (and report each).
const (
	cacheHit  = "hit"
	cacheMiss = "miss"
)

// answer is one rendered answer, kept whole and gzipped: nearly every
// client (browsers, Go, Python, feed readers) takes gzip, so a hit is
// served without compressing anything; the few others get it inflated.
type answer struct {
	key         string
	version     int64
	etag        string // of the identity form; the gzipped one adds gzipTag
	contentType string
	gz          []byte
	expires     time.Time // zero: until the version changes
	// confirmed is when the store last gave the answer's version (under
	// the cache's lock).
	confirmed time.Time
}

const gzipTag = "-gz"

// answerCache keeps rendered story pages and story JSON, each under the
// story's version (a story that changes gets a new version, so an old
// answer is served at most versionRecheck longer, then crowded out), and
// searches for searchTTL. Least recently used answers go first when the
// bytes kept pass the bound. Written here rather than
// taken from an LRU library because those bound the number of entries,
// and answers differ in size a hundredfold.
type answerCache struct {
	max int64
	// build runs one render per key and version however many readers ask
	// for it at once.
	build singleflight.Group

	now func() time.Time // the clock ttl is measured by; tests set it

	mu    sync.Mutex
	size  int64
	order *list.List // of *answer, most recently used first
	byKey map[string]*list.Element
}

func newAnswerCache(maxBytes int64) *answerCache {
	return &answerCache{max: maxBytes, now: time.Now, order: list.New(), byKey: map[string]*list.Element{}}
}

// get returns the answer kept under key at version, if any and not
// expired at now.
func (c *answerCache) get(key string, version int64, now time.Time) (*answer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, a := c.entry(key)
	if a == nil || a.version != version || !a.expires.IsZero() && !now.Before(a.expires) {
		return nil, false
	}
	a.confirmed = now
	c.order.MoveToFront(e)
	return a, true
}

// entry returns the list element and answer kept under key, or nils; the
// caller holds c.mu.
func (c *answerCache) entry(key string) (*list.Element, *answer) {
	e, ok := c.byKey[key]
	if !ok {
		return nil, nil
	}
	return e, e.Value.(*answer)
}

// recent returns the answer kept under key if its version was confirmed
// less than versionRecheck before now.
func (c *answerCache) recent(key string, now time.Time) (*answer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, a := c.entry(key)
	if a == nil || !a.expires.IsZero() || a.confirmed.IsZero() || now.Sub(a.confirmed) >= versionRecheck {
		return nil, false
	}
	c.order.MoveToFront(e)
	return a, true
}

// put keeps a, replacing what key held, and drops the least recently used
// answers beyond the bound. An answer bigger than the whole bound is not kept.
func (c *answerCache) put(a *answer) {
	n := int64(len(a.gz))
	if n > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[a.key]; ok {
		old := e.Value.(*answer)
		if old.version > a.version {
			return // a newer version is kept already
		}
		c.size -= int64(len(old.gz))
		e.Value = a
		c.order.MoveToFront(e)
	} else {
		c.byKey[a.key] = c.order.PushFront(a)
	}
	c.size += n
	for c.size > c.max {
		e := c.order.Back()
		old := e.Value.(*answer)
		c.order.Remove(e)
		delete(c.byKey, old.key)
		c.size -= int64(len(old.gz))
	}
}

// rendered is a page or JSON answer drawn into memory.
type rendered struct {
	contentType string
	body        []byte
}

// serveCached answers with the story's rendered answer of kind ("page",
// "json") at its current version: from the cache, or drawn by render once
// for all who ask at the same time and kept. Errors (an unknown story,
// say) are render's to report: fail is called with them and nothing is
// kept.
func (s *Server) serveCached(w http.ResponseWriter, r *http.Request, kind string, id int64,
	render func(ctx context.Context) (rendered, error), fail func(http.ResponseWriter, *http.Request, error)) {
	key := fmt.Sprintf("%s/%d", kind, id)
	if a, ok := s.cache.recent(key, s.cache.now()); ok {
		s.writeAnswer(w, r, a, true)
		return
	}
	// The version is read before the answer is drawn, so an answer kept
	// under a version is never older than it; a change in between only
	// makes it newer than its label, and a later request draws it again.
	version, err := s.st.StoryVersion(r.Context(), id)
	if err != nil {
		// Unknown stories and store faults are told the usual way.
		_, err := render(r.Context())
		fail(w, r, err)
		return
	}
	s.serveAnswer(w, r, slot{key: key, version: version,
		tag: fmt.Sprintf("%s-%d-%d", kind, id, version)}, render, fail)
}

// slot says where an answer is kept and how long it holds.
type slot struct {
	key     string
	version int64 // the story's version; 0 where ttl bounds the answer instead
	// ttl, when set, is how long the answer is served; the version then
	// says nothing.
	ttl time.Duration
	// tag names the answer's content in its ETag; empty for answers
	// bounded by ttl, which take the time they were drawn.
	tag string
}

// serveAnswer answers from the cache's answer in sl, drawing it with
// render (once for all who ask at the same time) when there is none or it
// has expired. A client holding the same answer (If-None-Match) gets 304
// without a body.
func (s *Server) serveAnswer(w http.ResponseWriter, r *http.Request, sl slot,
	render func(ctx context.Context) (rendered, error), fail func(http.ResponseWriter, *http.Request, error)) {
	a, hit := s.cache.get(sl.key, sl.version, s.cache.now())
	if !hit {
		v, err, _ := s.cache.build.Do(fmt.Sprintf("%s@%d", sl.key, sl.version), func() (any, error) {
			// Drawn for everyone waiting: one reader leaving must not
			// cancel it for the others.
			out, err := render(context.WithoutCancel(r.Context()))
			if err != nil {
				return nil, err
			}
			gz, err := gzipped(out.body)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", sl.key, err)
			}
			drawn := s.cache.now()
			a := &answer{key: sl.key, version: sl.version, contentType: out.contentType, gz: gz,
				etag: fmt.Sprintf(`"%s-%s`, s.generation, cmp.Or(sl.tag, strconv.FormatInt(drawn.UnixNano(), 36)))}
			if sl.ttl > 0 {
				a.expires = drawn.Add(sl.ttl)
			} else {
				a.confirmed = drawn
			}
			s.cache.put(a)
			return a, nil
		})
		if err != nil {
			fail(w, r, err)
			return
		}
		a = v.(*answer)
	}
	s.writeAnswer(w, r, a, hit)
}

// writeAnswer sends a, gzipped when the client takes it, or 304 when the
// client holds it already.
func (s *Server) writeAnswer(w http.ResponseWriter, r *http.Request, a *answer, hit bool) {
	h := w.Header()
	// The two forms of an answer are two representations, each with its
	// own ETag (RFC 9110 8.8.3).
	gz := acceptsGzip(r.Header.Get("Accept-Encoding"))
	etag := a.etag + `"`
	if gz {
		etag = a.etag + gzipTag + `"`
	}
	h.Set("ETag", etag)
	h.Set("Vary", "Accept-Encoding")
	// Clients may keep the answer but must ask again before each use: a
	// story changes whenever an article joins it, a search whenever one
	// matching arrives.
	h.Set("Cache-Control", "no-cache")
	state := cacheMiss
	if hit {
		state = cacheHit
	}
	h.Set("X-Cache", state)
	s.metrics.answers.WithLabelValues(state).Inc()
	if etagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", a.contentType)
	if gz {
		h.Set("Content-Encoding", "gzip")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(a.gz)
		return
	}
	w.WriteHeader(http.StatusOK)
	// gunzip only fails on bytes gzipped did not write, or on the
	// connection's own write errors: the status is out, nothing to tell.
	_ = gunzip(w, a.gz)
}

// gzipped compresses an answer once, when it is drawn. BestSpeed: a miss
// is on some reader's clock, and for a 360 KB story JSON it took 2.5 to
// 4 ms against 4 to 4.2 at the default level, for 48 KB against 39.
func gzipped(body []byte) ([]byte, error) {
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	if _, err := zw.Write(body); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return b.Bytes(), nil
}

// gunzip writes the answer inflated, for a client that takes no gzip.
func gunzip(w io.Writer, gz []byte) error {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return fmt.Errorf("gunzip: %w", err)
	}
	if _, err := io.Copy(w, zr); err != nil {
		return fmt.Errorf("gunzip: %w", err)
	}
	return nil
}

// acceptsGzip reports whether an Accept-Encoding header takes gzip: named
// without q=0, or, where gzip is not named, "*" without q=0 (RFC 9110
// 12.5.3). The order of the codings does not matter, and a coding named
// twice is refused if either refuses it.
func acceptsGzip(header string) bool {
	gzip, any := 2.0, 2.0 // their least weights; 2: not named
	for part := range strings.SplitSeq(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		w := 1.0
		if q, ok := strings.CutPrefix(strings.ReplaceAll(strings.ToLower(params), " ", ""), "q="); ok {
			v, err := strconv.ParseFloat(q, 64)
			if err != nil || v < 0 || v > 1 {
				continue // a weight that is no weight names nothing
			}
			w = v
		}
		switch strings.ToLower(strings.TrimSpace(coding)) {
		case "gzip":
			gzip = min(gzip, w)
		case "*":
			any = min(any, w)
		}
	}
	if gzip <= 1 {
		return gzip > 0
	}
	return any > 0 && any <= 1
}

// etagMatch reports whether an If-None-Match header names etag, or is "*".
// The comparison is weak (RFC 9110 13.1.2): a W/ prefix does not matter.
func etagMatch(header, etag string) bool {
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
