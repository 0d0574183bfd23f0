package server

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

const (
	htmlType     = "text/html; charset=utf-8"
	storyPattern = "GET /stories/{id}"
	atomSuffix   = ".atom"
)

// pageRoutes are the web pages, and the forms they post.
func (s *Server) pageRoutes() []route {
	return []route{
		{"GET /{$}", http.HandlerFunc(s.storiesPage)},
		// The story's Atom feed, /stories/{id}.atom, shares this pattern:
		// ServeMux wildcards are whole path segments.
		{storyPattern, http.HandlerFunc(s.storyOrFeed)},
		{"GET /articles/{id}", http.HandlerFunc(s.articlePage)},
		{"GET /outlets", http.HandlerFunc(s.outletsPage)},
		{"GET /search", http.HandlerFunc(s.searchPage)},
		{"GET /signin", http.HandlerFunc(s.signinPage)},
		{"POST /signin", http.HandlerFunc(s.signin)},
		{"POST /signout", s.form(s.signout)},
		{"POST /stories/{id}/merge", s.form(s.mergeForm)},
		{"POST /stories/{id}/split", s.form(s.splitForm)},
		{"POST /articles/{id}/move", s.form(s.moveForm)},
		{noPagePattern, http.HandlerFunc(s.noPage)},
	}
}

// noPagePattern takes the reads no other route takes, so a mistyped
// address gets the site's own 404 page rather than the mux's plain text.
const noPagePattern = "GET /"

func (s *Server) noPage(w http.ResponseWriter, r *http.Request) {
	s.pageFail(w, r, fmt.Errorf("no page at %s: %w", r.URL.Path, store.ErrNotFound))
}

// newPage fills what the layout needs for this request.
func (s *Server) newPage(w http.ResponseWriter, r *http.Request, title string, f filter, data any) *page {
	return &page{
		Title:         title,
		SignedIn:      s.signedIn(r, time.Now()),
		WritesEnabled: s.cfg.Token != "",
		CSRF:          s.csrfToken(w, r),
		Path:          r.URL.RequestURI(),
		Filter:        f,
		Data:          data,
	}
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, name string, p *page) {
	buf, err := s.pages.execute(name, p)
	if err != nil {
		s.log.ErrorContext(r.Context(), "render page", slog.String("page", name), slog.Any("error", err))
		http.Error(w, "the page could not be drawn", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", htmlType)
	w.WriteHeader(code)
	_, _ = buf.WriteTo(w)
}

// pageFail shows err on the error page with its status.
func (s *Server) pageFail(w http.ResponseWriter, r *http.Request, err error) {
	if loc, _, ok := mergedLocation(r, err); ok {
		http.Redirect(w, r, loc, http.StatusMovedPermanently)
		return
	}
	code := status(err)
	msg := err.Error()
	if code >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", slog.String("route", r.Pattern), slog.Any("error", err))
		msg = "Something went wrong on our side; the error is logged."
	}
	s.render(w, r, code, "error", s.newPage(w, r, http.StatusText(code), filter{}, struct {
		Code    int
		Message string
	}{code, msg}))
}

func (s *Server) storiesPage(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilter(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	q := f.storyQuery()
	q.Limit++ // one more than shown tells whether a next page has any
	stories, err := s.st.Stories(r.Context(), q)
	if err != nil {
		s.pageFail(w, r, fmt.Errorf("list stories: %w", err))
		return
	}
	var v storiesView
	if len(stories) > f.Limit {
		stories = stories[:f.Limit]
		if f.Page*f.Limit <= maxOffset {
			v.Next = f.pageLink("/", f.Page+1)
		}
	}
	if f.Page > 1 {
		v.Previous = f.pageLink("/", f.Page-1)
	}
	if v.Cards, err = s.storyCards(r.Context(), stories); err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "stories", s.newPage(w, r, "Stories", f, v))
}

// storiesView is a page of the stories listing, with the addresses of the
// pages around it ("" where there is none).
type storiesView struct {
	Cards          []storyCard
	Previous, Next string
}

func (s *Server) storyOrFeed(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.PathValue("id"), atomSuffix) {
		s.storyFeed(w, r)
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	if s.signedIn(r, time.Now()) || r.URL.RequestURI() != fmt.Sprintf("/stories/%d", id) {
		// A signed-in page carries its reader's CSRF token, and any other
		// spelling of the address its own sign-in link: both are drawn
		// for the one request.
		v, err := s.storyPage(r.Context(), id)
		if err != nil {
			s.pageFail(w, r, err)
			return
		}
		s.render(w, r, http.StatusOK, "story", s.newPage(w, r, v.Story.Title, filter{}, v))
		return
	}
	// Every reader who is not signed in sees the same page. newPage sets
	// the CSRF cookie where it is missing, as on every page; the token
	// itself is drawn only for signed-in readers.
	p := s.newPage(w, r, "", filter{}, nil)
	s.serveCached(w, r, "page", id, func(ctx context.Context) (rendered, error) {
		v, err := s.storyPage(ctx, id)
		if err != nil {
			return rendered{}, err
		}
		p.Title, p.Data = v.Story.Title, v
		buf, err := s.pages.execute("story", p)
		if err != nil {
			return rendered{}, err
		}
		return rendered{contentType: htmlType, body: buf.Bytes()}, nil
	}, s.pageFail)
}

func (s *Server) articlePage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v, err := s.article(r.Context(), id)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "article", s.newPage(w, r, cmp.Or(v.Title, "Untitled article"), filter{}, v))
}

func (s *Server) outletsPage(w http.ResponseWriter, r *http.Request) {
	outlets, feeds, err := s.outletList(r.Context())
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "outlets", s.newPage(w, r, "Outlets", filter{}, struct {
		Outlets []outletCount
		Feeds   []model.Feed
	}{outlets, feeds}))
}

// searchHitView is a hit with its snippet cut into marked runs.
type searchHitView struct {
	ID      int64
	Title   string
	Outlet  string
	Story   *int64
	Date    string
	Snippet []segment
}

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilter(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	title := "Search"
	if f.Query != "" {
		title = "Search: " + f.Query
	}
	p := s.newPage(w, r, title, f, nil)
	if p.SignedIn {
		// Signed-in pages carry their reader's CSRF token.
		if p.Data, err = s.searchView(r.Context(), f); err != nil {
			s.pageFail(w, r, err)
			return
		}
		s.render(w, r, http.StatusOK, "search", p)
		return
	}
	// The address, query string and all, is the key: the page's sign-in
	// link is drawn from it.
	s.serveAnswer(w, r, slot{key: "page-search " + r.URL.RequestURI(), ttl: searchTTL}, func(ctx context.Context) (rendered, error) {
		v, err := s.searchView(ctx, f)
		if err != nil {
			return rendered{}, err
		}
		p.Data = v
		buf, err := s.pages.execute("search", p)
		if err != nil {
			return rendered{}, err
		}
		return rendered{contentType: htmlType, body: buf.Bytes()}, nil
	}, s.pageFail)
}

// searchView is what the search page shows.
func (s *Server) searchView(ctx context.Context, f filter) (any, error) {
	res, err := s.search(ctx, f)
	if err != nil {
		return nil, err
	}
	hits := make([]searchHitView, 0, len(res.Articles))
	for _, h := range res.Articles {
		hits = append(hits, searchHitView{
			ID: h.Article.ID, Title: h.Article.Title, Outlet: h.Article.Outlet, Story: h.Article.Story,
			Date: formatDate(h.Article.Published), Snippet: snippetSegments(h.Snippet),
		})
	}
	cards, err := s.storyCards(ctx, res.Stories)
	if err != nil {
		return nil, err
	}
	return struct {
		Searched bool
		Hits     []searchHitView
		Stories  []storyCard
	}{f.Query != "", hits, cards}, nil
}

func (s *Server) signinPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "signin", s.newPage(w, r, "Sign in", filter{}, struct {
		Next  string
		Error string
	}{localPath(r.URL.Query().Get("next")), ""}))
}

// signin checks its own CSRF token (it cannot go through form, which needs
// a session) and starts a session when the token is right.
func (s *Server) signin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := s.checkCSRF(r); err != nil {
		s.pageFail(w, r, err)
		return
	}
	if s.cfg.Token == "" {
		s.pageFail(w, r, errWritesDisabled)
		return
	}
	next := localPath(r.PostFormValue("next"))
	if !s.tokenOK(r.PostFormValue("token")) {
		s.log.WarnContext(r.Context(), "sign-in refused", slog.String("remote", r.RemoteAddr))
		s.render(w, r, http.StatusUnauthorized, "signin", s.newPage(w, r, "Sign in", filter{}, struct {
			Next  string
			Error string
		}{next, "That token is not the server's."}))
		return
	}
	s.startSession(w, r, time.Now())
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) error {
	s.endSession(w, r)
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

const maxFormBytes = 64 << 10

// form guards a page's write: writes enabled, a session, and the form's
// CSRF token; its handler's error is shown on the error page.
func (s *Server) form(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		err := s.checkCSRF(r)
		switch {
		case err != nil:
		case s.cfg.Token == "":
			err = errWritesDisabled
		case !s.signedIn(r, time.Now()):
			err = fmt.Errorf("sign in with the server's token first: %w", errForbidden)
		default:
			err = h(w, detached(r))
		}
		if err != nil {
			s.pageFail(w, r, err)
		}
	})
}

func (s *Server) mergeForm(w http.ResponseWriter, r *http.Request) error {
	from, err := pathID(r, "id")
	if err != nil {
		return err
	}
	into, err := formID(r, "into", false)
	if err != nil {
		return err
	}
	c, err := s.p.Merge(r.Context(), from, into, r.PostFormValue("reason"))
	if err != nil {
		return err // it names both stories
	}
	http.Redirect(w, r, fmt.Sprintf("/stories/%d", c.Target), http.StatusSeeOther)
	return nil
}

func (s *Server) moveForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	to, err := formID(r, "to", true)
	if err != nil {
		return err
	}
	c, err := s.p.Move(r.Context(), id, to, r.PostFormValue("reason"))
	if err != nil {
		return err // it names the article
	}
	http.Redirect(w, r, fmt.Sprintf("/stories/%d", c.Target), http.StatusSeeOther)
	return nil
}

// splitForm moves the articles ticked on a story page, with their copies,
// to a new story, and shows it.
func (s *Server) splitForm(w http.ResponseWriter, r *http.Request) error {
	story, err := pathID(r, "id")
	if err != nil {
		return err
	}
	values := r.PostForm["article"] // parsed by the CSRF check
	if len(values) == 0 {
		return fmt.Errorf("tick the articles to split out of story %d: %w", story, errBadRequest)
	}
	articles := make([]int64, len(values))
	for i, v := range values {
		if articles[i], err = strconv.ParseInt(v, 10, 64); err != nil || articles[i] <= 0 {
			return fmt.Errorf("article %q is not an article number: %w", v, errBadRequest)
		}
	}
	cs, err := s.p.Split(r.Context(), story, articles, r.PostFormValue("reason"))
	if err != nil {
		return err // it names the story
	}
	http.Redirect(w, r, fmt.Sprintf("/stories/%d", cs[0].Target), http.StatusSeeOther)
	return nil
}

// formID reads a story number from a form; zero is allowed where it means
// "a new story".
func formID(r *http.Request, name string, zeroOK bool) (int64, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	id, err := strconv.ParseInt(strings.TrimPrefix(v, "#"), 10, 64)
	if err != nil || id < 0 || id == 0 && !zeroOK {
		return 0, fmt.Errorf("%s %q is not a story number: %w", name, v, errBadRequest)
	}
	return id, nil
}

// localPath keeps a redirect target on this site: a path, never a scheme,
// host or protocol-relative "//elsewhere".
func localPath(p string) string {
	u, err := url.Parse(p)
	if err != nil || p == "" || u.IsAbs() || u.Host != "" || !strings.HasPrefix(p, "/") ||
		strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/"
	}
	return p
}
