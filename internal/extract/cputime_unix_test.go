//go:build unix

package extract

import "syscall"

// processCPU returns the CPU time the test process has used, user and
// system, in seconds. Benchmarks report it beside wall time because on a
// shared machine wall time measures the neighbours as much as the code.
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
