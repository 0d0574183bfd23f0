package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a buffer that serve's goroutines may write to while the
// test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestServeSaysIndexReady: serve answers readers at once and makes the
// story index beside them; the operator is told when it is ready, since
// arrivals wait until then, and whether it was read from the file a
// process kept or rebuilt from every stored article.
func TestServeSaysIndexReady(t *testing.T) {
	db, arts := ingestSeeds(t)
	// The ingest kept its story index beside the database.
	if m := serveUntilReady(t, db); m[1] != "read from "+db+".index" {
		t.Errorf("after an ingest: story index %s, want it read from the file the ingest kept", m[1])
	}
	if err := os.Remove(db + ".index"); err != nil {
		t.Fatal(err)
	}
	if m := serveUntilReady(t, db); m[1] != "rebuilt from "+strconv.Itoa(len(arts))+" stored articles" {
		t.Errorf("without the file: story index %s, want it rebuilt from the %d stored articles", m[1], len(arts))
	}
	// The server kept it as it stopped.
	if m := serveUntilReady(t, db); !strings.HasPrefix(m[1], "read from ") {
		t.Errorf("after a server stopped: story index %s, want it read from the file the server kept", m[1])
	}
}

// serveUntilReady serves db until it says its story index is ready, then
// stops it, and returns the line's submatches: how the index was made.
func serveUntilReady(t *testing.T, db string) []string {
	t.Helper()
	var out, errOut lockedBuffer
	app := newApp(strings.NewReader(""), &out, &errOut)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { done <- run(ctx, []string{"--db", db, "serve", "--addr", "127.0.0.1:0"}, app) }()

	ready := regexp.MustCompile(`parallax serve: story index ready in \S+ \(([^)]*)\): arrivals no longer wait`)
	deadline := time.Now().Add(30 * time.Second)
	var m []string
	for m == nil && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		m = ready.FindStringSubmatch(errOut.String())
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exited %d: %s", code, errOut.String())
	}
	if m == nil {
		t.Fatalf("no line saying the story index is ready in serve's output:\n%s", errOut.String())
	}
	return m
}
