package text

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestSeedsGolden keeps the whole analysis of the seeds (entities with
// kinds, counts, variants and roles; time expressions) in a golden file,
// so any change in what is found shows up as a reviewed diff. Regenerate
// with go test -run TestSeedsGolden -update.
func TestSeedsGolden(t *testing.T) {
	var b strings.Builder
	for _, prefix := range []string{"000_", "004_"} {
		d := analyzeSeed(t, prefix)
		fmt.Fprintf(&b, "# seed %s: %d sentences, %d tokens\n", prefix, len(d.Sentences), len(d.Tokens))
		for _, e := range d.Entities {
			fmt.Fprintf(&b, "entity %s | %s | %d | variants %s | roles %s | title %v | weak %v | sentences %v\n",
				e.Name, e.Kind, e.Count, strings.Join(e.Variants, "; "), strings.Join(e.Roles, "; "), e.InTitle, e.Weak, e.Sentences)
		}
		for _, tm := range d.Times {
			fmt.Fprintf(&b, "time %q | %s | sentence %d\n", tm.Text, tm.Kind, tm.Sentence)
		}
	}
	path := filepath.Join("testdata", "seeds.golden")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("analysis of the seeds changed; if for the better, run go test -run TestSeedsGolden -update\n--- got\n%s\n--- want\n%s", got, want)
	}
}

// TestAnalyzeConcurrent checks that the shared caches and models give the
// same analysis when used from several goroutines (run with -race).
func TestAnalyzeConcurrent(t *testing.T) {
	title, body := seedParts(t, "004_")
	want := Analyze(title, body)
	errs := make(chan string, 4)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 5 {
				got := Analyze(title, body)
				if !reflect.DeepEqual(got, want) {
					errs <- "concurrent analysis differs from the serial one"
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
