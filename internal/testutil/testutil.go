// Package testutil finds the shared evaluation data and seed articles for
// tests and benchmarks. The data belongs to its publishers and is never
// copied into the project, so tests read it from beside the checkout and
// skip, saying how to enable them, where it is absent.
package testutil

import (
	"os"
	"path/filepath"
	"testing"
)

// RepoRoot returns the directory holding go.mod.
func RepoRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatalf("working directory: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("go.mod not found above the test's directory")
		}
		dir = parent
	}
}

// SharedDir returns ../shared/<elem...> beside the checkout (or
// $PARALLAX_SHARED/<elem...>), skipping the test when it is absent.
func SharedDir(tb testing.TB, elem ...string) string {
	tb.Helper()
	base := os.Getenv("PARALLAX_SHARED")
	if base == "" {
		base = filepath.Join(RepoRoot(tb), "..", "shared")
	}
	p := filepath.Join(append([]string{base}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("%s not found: put the shared evaluation data beside the checkout (../shared) or set PARALLAX_SHARED", p)
	}
	return p
}

// Seeds returns the paths of the two seed articles, kept in the demo corpus.
func Seeds(tb testing.TB) []string {
	tb.Helper()
	root := RepoRoot(tb)
	paths, err := filepath.Glob(filepath.Join(root, "demo", "corpus", "seeds", "*.txt"))
	if err != nil || len(paths) != 2 {
		tb.Fatalf("seed articles: want 2 in demo/corpus/seeds, found %d (%v)", len(paths), err)
	}
	return paths
}
