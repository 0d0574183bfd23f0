package main

import (
	"bytes"
	"context"
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

// TestServeSaysIndexReady: serve answers readers at once and builds the
// story index beside them; the operator is told when it is ready and how
// many stored articles it was rebuilt from, since arrivals wait until then.
func TestServeSaysIndexReady(t *testing.T) {
	db, arts := ingestSeeds(t)
	var out, errOut lockedBuffer
	app := newApp(strings.NewReader(""), &out, &errOut)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { done <- run(ctx, []string{"--db", db, "serve", "--addr", "127.0.0.1:0"}, app) }()

	ready := regexp.MustCompile(`parallax serve: story index ready in \S+ \(rebuilt from (\d+) stored articles\): arrivals no longer wait`)
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
	if want := strconv.Itoa(len(arts)); m[1] != want {
		t.Errorf("index rebuilt from %s stored articles, want %s", m[1], want)
	}
}
