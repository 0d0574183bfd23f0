//go:build unix

package compare

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user and system) the process has used:
// on a loaded machine wall time says little, CPU time per operation does.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
