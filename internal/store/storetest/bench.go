//go:build unix

package storetest

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/parallax-news/parallax/internal/store"
)

// CPUTime is the CPU this process has used so far, user and system. The
// benchmarks report it beside wall time because the machine they run on
// is shared: wall time there measures the neighbours as much as the store
// (and, for PostgreSQL, it leaves out the server's own processes).
func CPUTime(b testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Continuing makes records a store of BenchStored generated records does
// not hold yet.
func Continuing(b *testing.B) *Generator {
	g := NewGenerator(b, 2)
	g.N = BenchStored(b)
	return g
}

// BenchSaveBatch saves batches of 100 and of 1,000 records that g makes
// into the store open makes, reporting articles a second, the time of one
// article and this process's CPU per article under cpuMetric: both stores'
// BenchmarkSaveBatch, so that they compare.
func BenchSaveBatch(b *testing.B, open func(b *testing.B) store.Store, g func(b *testing.B) *Generator, cpuMetric string) {
	for _, size := range []int{100, 1000} {
		b.Run(fmt.Sprintf("size=%d", size), func(b *testing.B) {
			s, g := open(b), g(b)
			ctx := context.Background()
			var (
				n   int
				cpu time.Duration
			)
			for b.Loop() {
				b.StopTimer()
				batch := make([]*store.Record, size)
				for i := range batch {
					batch[i] = g.Record()
				}
				b.StartTimer()
				before := CPUTime(b)
				if _, err := s.SaveBatch(ctx, batch); err != nil {
					b.Fatal(err)
				}
				cpu += CPUTime(b) - before
				n += size
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "articles/s")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/article")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), cpuMetric)
		})
	}
}
