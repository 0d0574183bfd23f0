// Package demo embeds the bundled demo corpus (see NOTICE) so that
// `parallax demo` and `parallax serve --demo` work from any installed binary.
package demo

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

//go:embed corpus
var corpus embed.FS

// WriteCorpus copies the demo corpus into dir and returns the path of the
// copy, ready to be ingested as a directory.
func WriteCorpus(dir string) (string, error) {
	root := filepath.Join(dir, "corpus")
	err := fs.WalkDir(corpus, "corpus", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(path))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := corpus.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		return "", fmt.Errorf("write demo corpus: %w", err)
	}
	return root, nil
}
