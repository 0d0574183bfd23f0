package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parallax-news/parallax/internal/extract"
	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/text"
)

// Sentinel errors the handlers map to HTTP statuses in one place (status).
var (
	errBadRequest   = errors.New("bad request")
	errUnauthorized = errors.New("unauthorized")
	errForbidden    = errors.New("forbidden")
	errInvalidInput = errors.New("invalid input")
)

// apiError is the one JSON form of every API error.
type apiError struct {
	Error string `json:"error"`
	// MergedInto is the story a story asked for was merged into.
	MergedInto int64 `json:"merged_into,omitempty"`
}

const jsonType = "application/json; charset=utf-8"

// writeJSON writes v as the whole answer.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := jsonBody(v)
	if err != nil {
		http.Error(w, "the answer could not be encoded", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", jsonType)
	w.WriteHeader(status)
	// The header is out: a write error can only be a broken connection.
	_, _ = w.Write(body)
}

// jsonBody is v in the one JSON form of every answer.
func jsonBody(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode %T: %w", v, err)
	}
	return b.Bytes(), nil
}

// status maps an error to its HTTP status.
func status(err error) int {
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, store.ErrDuplicate), errors.Is(err, store.ErrBadSplit), errors.Is(err, store.ErrSameStory):
		return http.StatusConflict
	case errors.Is(err, errBadRequest), errors.Is(err, store.ErrLongQuery):
		return http.StatusBadRequest
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, errUnauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, errForbidden):
		return http.StatusForbidden
	case errors.Is(err, errInvalidInput):
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

// apiFail writes err as a JSON error; server faults are logged and their
// detail kept from the client.
func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	if loc, into, ok := mergedLocation(r, err); ok {
		w.Header().Set("Location", loc)
		writeJSON(w, http.StatusMovedPermanently, apiError{Error: err.Error(), MergedInto: into})
		return
	}
	code := status(err)
	msg := err.Error()
	if code >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", slog.String("route", r.Pattern), slog.Any("error", err))
		msg = http.StatusText(code)
	}
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="parallax"`)
	}
	writeJSON(w, code, apiError{Error: msg})
}

// mergedLocation is where a read that failed on a story merged into
// another is sent, permanently: the same address of the story it went into
// (into). Links people saved, and the entries of their feeds, keep leading
// to the story's articles as stories merge. ok is false for other errors
// and for writes.
func mergedLocation(r *http.Request, err error) (loc string, into int64, ok bool) {
	var merged *store.MergedError
	if !errors.As(err, &merged) || r.Method != http.MethodGet && r.Method != http.MethodHead {
		return "", 0, false
	}
	// The route's pattern, with the live story's id where the merged one
	// was ("/stories/{id}" serves the story's feed too, as "28.atom").
	_, path, _ := strings.Cut(r.Pattern, " ")
	if !strings.Contains(path, "/stories/{id}") {
		return "", 0, false
	}
	id := strconv.FormatInt(merged.Into, 10)
	if strings.HasSuffix(r.PathValue("id"), atomSuffix) {
		id += atomSuffix
	}
	u := *r.URL
	u.Path, u.RawPath = strings.Replace(path, "{id}", id, 1), ""
	return u.RequestURI(), merged.Into, true
}

// pathID reads the {name} path value as a positive id.
func pathID(r *http.Request, name string) (int64, error) {
	return parseID(r.PathValue(name))
}

func parseID(v string) (int64, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%q is not an id, a whole number from 1 to %d: %w", v, int64(math.MaxInt64), errBadRequest)
	}
	return id, nil
}

// filter is what story listings and search can be narrowed by; pages and
// API read it from the same query parameters.
type filter struct {
	Query    string
	Outlet   string
	Entity   string
	Language string
	Since    time.Time
	Until    time.Time
	// Form values as typed, to fill the page's form again.
	SinceText, UntilText string
	Sort                 string
	Limit                int
	Page                 int // from 1
}

const (
	defaultLimit = 30
	maxLimit     = 200
	// maxOffset bounds how deep a listing pages: the store skips the rows
	// before a page one by one. Past it, filters narrow the list faster.
	maxOffset = 10000
)

// parseFilter reads q, outlet, entity, lang, since, until, sort, limit and page.
// Dates are YYYY-MM-DD or RFC 3339; a bare until date includes that day.
func parseFilter(r *http.Request) (filter, error) {
	q := r.URL.Query()
	// The values are shown back in the page (the search box, the title):
	// bytes that are not UTF-8 would make the page invalid.
	get := func(key string) string { return strings.ToValidUTF8(q.Get(key), "\uFFFD") }
	f := filter{
		Query:     get("q"),
		Outlet:    get("outlet"),
		Entity:    get("entity"),
		Language:  get("lang"),
		SinceText: get("since"),
		UntilText: get("until"),
		Sort:      get("sort"),
		Limit:     defaultLimit,
		Page:      1,
	}
	var err error
	if f.Since, err = parseDate(f.SinceText, false); err != nil {
		return f, fmt.Errorf("since: %w", err)
	}
	if f.Until, err = parseDate(f.UntilText, true); err != nil {
		return f, fmt.Errorf("until: %w", err)
	}
	if f.Language != "" {
		if f.Language = extract.LanguageCode(f.Language); f.Language == "" {
			return f, fmt.Errorf("lang %q is not an ISO 639-1 code, such as en or de: %w", get("lang"), errBadRequest)
		}
	}
	switch f.Sort {
	case "", "newest", "biggest", "updated":
	default:
		return f, fmt.Errorf("sort %q is not newest, biggest or updated: %w", f.Sort, errBadRequest)
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return f, fmt.Errorf("limit %q is not a positive number: %w", v, errBadRequest)
		}
		f.Limit = min(n, maxLimit)
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return f, fmt.Errorf("page %q is not a positive number: %w", v, errBadRequest)
		}
		if (n-1)*f.Limit > maxOffset {
			return f, fmt.Errorf("page %d is past the first %d: narrow the filters instead: %w", n, maxOffset, errBadRequest)
		}
		f.Page = n
	}
	return f, nil
}

// pageLink is the address of page n of the listing at path under f.
func (f filter) pageLink(path string, n int) string {
	v := url.Values{}
	for key, val := range map[string]string{"q": f.Query, "outlet": f.Outlet, "entity": f.Entity, "lang": f.Language,
		"since": f.SinceText, "until": f.UntilText, "sort": f.Sort} {
		if val != "" {
			v.Set(key, val)
		}
	}
	if f.Limit != defaultLimit {
		v.Set("limit", strconv.Itoa(f.Limit))
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

func parseDate(v string, endOfDay bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD): %w", v, errBadRequest)
	}
	if endOfDay {
		t = t.AddDate(0, 0, 1).Add(-time.Nanosecond)
	}
	return t, nil
}

func (f filter) storyQuery() store.StoryQuery {
	return store.StoryQuery{
		Outlet: f.Outlet, Entity: text.CanonicalName(f.Entity), Since: f.Since, Until: f.Until,
		Language: f.Language, Sort: f.Sort, Limit: f.Limit, Offset: (f.Page - 1) * f.Limit,
	}
}

func (f filter) articleQuery() store.ArticleQuery {
	return store.ArticleQuery{
		Outlet: f.Outlet, Since: f.Since, Until: f.Until, Language: f.Language, Limit: f.Limit,
	}
}
