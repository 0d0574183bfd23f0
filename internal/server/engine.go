package server

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"time"
)

//go:embed templates
var templateFS embed.FS

// Every page is the layout and the shared partials plus one file of
// templates/pages, parsed once at start.
const (
	layoutFile   = "templates/layout.html"
	partialsFile = "templates/partials.html"
	pagesDir     = "templates/pages"
)

type engine struct {
	pages map[string]*template.Template // "story" -> layout+partials+pages/story.html
}

func newEngine(a *assets) *engine {
	funcs := template.FuncMap{
		"asset": a.url,
		"date":  formatDate,
		"filters": func(action string, search bool, f filter) filterForm {
			return filterForm{Action: action, Search: search, Filter: f}
		},
		"paragraphs": paragraphs,
		"day":        formatDay,
		"join":       func(s []string) string { return strings.Join(s, ", ") },
		"plural":     plural,
		"short":      shorten,
	}
	e := &engine{pages: map[string]*template.Template{}}
	files, err := fs.Glob(templateFS, pagesDir+"/*.html")
	if err != nil || len(files) == 0 {
		panic(fmt.Sprintf("embedded page templates missing: %v", err)) // a build fault, not input
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		t := template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS, layoutFile, partialsFile, f))
		e.pages[name] = t
	}
	return e
}

// execute renders the named page into a buffer, so a template fault
// becomes a clean 500 rather than half a page.
func (e *engine) execute(name string, data *page) (*bytes.Buffer, error) {
	t, ok := e.pages[name]
	if !ok {
		return nil, fmt.Errorf("page template %q: %w", name, fs.ErrNotExist)
	}
	data.Name = name
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return nil, fmt.Errorf("render page %s: %w", name, err)
	}
	return &buf, nil
}

// filterForm is what the filters partial draws: the story list's filters,
// or the search's.
type filterForm struct {
	Action string
	Search bool
	Filter filter
}

// paragraphs splits clean text at its blank lines.
func paragraphs(text string) []string {
	var ps []string
	for p := range strings.SplitSeq(text, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			ps = append(ps, p)
		}
	}
	return ps
}

// page is what the layout needs of every page; Data is the page's own.
type page struct {
	Name     string
	Title    string
	SignedIn bool
	// WritesEnabled says a token is configured, so signing in is possible.
	WritesEnabled bool
	CSRF          string
	// Path is the current path, to come back to after signing in.
	Path   string
	Filter filter
	Data   any
}

func formatDate(t any) string {
	switch v := t.(type) {
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.UTC().Format("2 Jan 2006 15:04")
	case *time.Time:
		if v == nil {
			return "undated"
		}
		return formatDate(*v)
	}
	return ""
}

func formatDay(t *time.Time) string {
	if t == nil {
		return "undated"
	}
	return t.UTC().Format("2 Jan 2006")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// shorten cuts s to at most n runes on a word boundary, with an ellipsis.
func shorten(n int, s string) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}
