package server

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestServeGracefulShutdown: when ctx ends, Serve stops accepting, the
// request in flight still gets its whole answer, and Serve returns nil.
func TestServeGracefulShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "finished")
	})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, h, slog.New(slog.DiscardHandler)) }()

	type answer struct {
		body string
		err  error
	}
	got := make(chan answer, 1)
	addr := "http://" + ln.Addr().String()
	go func() {
		resp, err := http.Get(addr)
		if err != nil {
			got <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- answer{string(b), err}
	}()
	<-started
	cancel()
	// Shutdown closes the listener first: wait until new connections fail.
	for {
		c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second)
		if err != nil {
			break
		}
		c.Close()
		select {
		case err := <-done:
			t.Fatalf("Serve returned %v with a request in flight", err)
		default:
		}
	}
	close(release)
	if a := <-got; a.err != nil || a.body != "finished" {
		t.Errorf("request in flight: %q, %v; want its whole answer", a.body, a.err)
	}
	if err := <-done; err != nil {
		t.Errorf("Serve: %v, want nil after a graceful shutdown", err)
	}
}

// TestServeListenerFails: a listener that fails ends Serve with an error
// naming the address.
func TestServeListenerFails(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	err = Serve(t.Context(), ln, http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	if err == nil {
		t.Fatal("Serve on a closed listener returned nil")
	}
}
