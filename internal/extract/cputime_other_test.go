//go:build !unix

package extract

// processCPU is not measured here; benchmarks then report wall time only.
func processCPU() float64 { return 0 }
