package memlimit

import (
	"context"
	"log/slog"
	"math"
	"os"
	"runtime/debug"
	"testing"
	"time"
)

func TestLimit(t *testing.T) {
	tests := []struct {
		name string
		live uint64
		want int64
	}{
		{"empty heap", 0, Headroom},
		{"a gigabyte", 1 << 30, 1<<30 + Headroom},
		{"no overflow", math.MaxUint64, math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Limit(tt.live); got != tt.want {
				t.Errorf("Limit(%d) = %d, want %d", tt.live, got, tt.want)
			}
		})
	}
}

// TestKeep: the limit follows the live heap while Keep runs and is lifted
// when it ends.
func TestKeep(t *testing.T) {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" {
		t.Skip("GOMEMLIMIT or GOGC is set: Keep leaves the limit alone; unset them to run this test")
	}
	defer debug.SetMemoryLimit(math.MaxInt64)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		Keep(ctx, slog.New(slog.DiscardHandler))
	}()
	deadline := time.Now().Add(5 * time.Second)
	for debug.SetMemoryLimit(-1) == math.MaxInt64 {
		if time.Now().After(deadline) {
			t.Fatal("no limit set within 5 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := debug.SetMemoryLimit(-1); got < Headroom || got > Headroom+1<<30 {
		t.Errorf("limit %d for a test's heap, want the headroom %d plus a little", got, Headroom)
	}
	cancel()
	<-done
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("limit %d after Keep ended, want none", got)
	}
}

// TestKeepLeavesTheUsersChoice: with GOMEMLIMIT set, Keep returns at once
// and sets nothing.
func TestKeepLeavesTheUsersChoice(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "3GiB")
	before := debug.SetMemoryLimit(-1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		Keep(context.Background(), slog.New(slog.DiscardHandler))
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Keep ran on with GOMEMLIMIT set")
	}
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit changed from %d to %d", before, got)
	}
}
