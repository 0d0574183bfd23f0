package server

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// asset is one embedded file served at a URL carrying its checksum, so it
// can be cached for a year and still change the moment the binary does.
type asset struct {
	body        []byte
	contentType string
}

type assets struct {
	byURL  map[string]asset  // "style.1a2b3c4d5e6f.css" -> asset
	byName map[string]string // "style.css" -> "/static/style.1a2b3c4d5e6f.css"
}

func newAssets() *assets {
	a := &assets{byURL: map[string]asset{}, byName: map[string]string{}}
	entries, err := fs.ReadDir(staticFS, "static")
	if err != nil {
		panic("embedded static directory missing: " + err.Error()) // a build fault, not input
	}
	for _, e := range entries {
		body, err := staticFS.ReadFile("static/" + e.Name())
		if err != nil {
			panic("embedded asset " + e.Name() + ": " + err.Error())
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(e.Name())
		file := strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:6]) + ext
		a.byURL[file] = asset{body: body, contentType: mime.TypeByExtension(ext)}
		a.byName[e.Name()] = "/static/" + file
	}
	return a
}

// url is the checksum URL of a named asset; templates call it as {{asset "style.css"}}.
func (a *assets) url(name string) (string, error) {
	u, ok := a.byName[name]
	if !ok {
		return "", &fs.PathError{Op: "asset", Path: name, Err: fs.ErrNotExist}
	}
	return u, nil
}

func (a *assets) serve(w http.ResponseWriter, r *http.Request) {
	as, ok := a.byURL[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", as.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, _ = w.Write(as.body)
}
