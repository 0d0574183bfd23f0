package server

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/parallax-news/parallax/internal/follow"
	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/pipeline"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/source/jsonl"
)

//go:embed openapi.json
var openAPI []byte

const maxArticleBytes = 8 << 20

// apiRoutes is the JSON API, described in openapi.json.
func (s *Server) apiRoutes() []route {
	return []route{
		{"GET /api/v1/openapi.json", http.HandlerFunc(serveOpenAPI)},
		{"GET /api/v1/stories", http.HandlerFunc(s.apiStories)},
		{"GET /api/v1/stories/{id}", http.HandlerFunc(s.apiStory)},
		{"GET /api/v1/articles/{id}", http.HandlerFunc(s.apiArticle)},
		{"GET /api/v1/search", http.HandlerFunc(s.apiSearch)},
		{"POST /api/v1/articles", s.requireToken(s.apiPostArticle)},
		{"POST /api/v1/stories/{id}/merge", s.requireToken(s.apiCorrection(s.apiMerge))},
		{"POST /api/v1/stories/{id}/split", s.requireToken(s.apiCorrection(s.apiSplit))},
		{"POST /api/v1/articles/{id}/move", s.requireToken(s.apiCorrection(s.apiMove))},
		{"GET /api/v1/feeds", http.HandlerFunc(s.apiFeeds)},
		{"POST /api/v1/feeds", s.requireToken(s.apiAddFeed)},
		{"DELETE /api/v1/feeds/{id}", s.requireToken(s.apiRemoveFeed)},
	}
}

func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPI)
}

func (s *Server) apiStories(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilter(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	stories, err := s.st.Stories(r.Context(), f.storyQuery())
	if err != nil {
		s.apiFail(w, r, fmt.Errorf("list stories: %w", err))
		return
	}
	writeList(w, stories)
}

func (s *Server) apiStory(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.serveCached(w, r, "json", id, func(ctx context.Context) (rendered, error) {
		st, err := s.p.Story(ctx, id) // its errors name the story
		if err != nil {
			return rendered{}, err
		}
		body, err := jsonBody(st)
		return rendered{contentType: jsonType, body: body}, err
	}, s.apiFail)
}

func (s *Server) apiArticle(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	v, err := s.article(r.Context(), id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilter(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if strings.TrimSpace(f.Query) == "" {
		s.apiFail(w, r, fmt.Errorf("search needs q, the words to look for: %w", errBadRequest))
		return
	}
	s.serveAnswer(w, r, slot{key: "api-search?" + r.URL.RawQuery, ttl: searchTTL}, func(ctx context.Context) (rendered, error) {
		res, err := s.search(ctx, f)
		if err != nil {
			return rendered{}, err
		}
		body, err := jsonBody(res)
		return rendered{contentType: jsonType, body: body}, err
	}, s.apiFail)
}

// postedArticle is the JSONL form of one article, or just a URL to fetch.
type postedArticle struct {
	ID        string  `json:"id"`
	Outlet    string  `json:"outlet"`
	URL       string  `json:"url"`
	Title     string  `json:"title"`
	Published *string `json:"published"`
	Text      string  `json:"text"`
	Language  string  `json:"language"`
}

// ingestAnswer tells the client where its article is.
type ingestAnswer struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
}

func (s *Server) apiPostArticle(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxArticleBytes))
	if err != nil {
		s.apiFail(w, r, fmt.Errorf("read posted article: %w", err))
		return
	}
	var in postedArticle
	if err := json.Unmarshal(body, &in); err != nil {
		s.apiFail(w, r, fmt.Errorf("posted article is not a JSON object: %v: %w", err, errBadRequest))
		return
	}
	var res pipeline.Result
	switch {
	case strings.TrimSpace(in.Text) != "":
		it, err := in.item(body)
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		res, _ = s.p.IngestItem(r.Context(), it)
	case strings.TrimSpace(in.URL) != "":
		var err error
		if res, err = s.p.IngestURL(r.Context(), in.URL); res.Err == nil {
			res.Err = err
		}
	default:
		s.apiFail(w, r, fmt.Errorf(`post {"url": "..."} to fetch an article, or its "text": %w`, errBadRequest))
		return
	}
	s.RecordIngest(res.Status, 1)
	switch res.Status {
	case pipeline.StatusNew:
		writeJSON(w, http.StatusCreated, ingestAnswer{ID: res.Article, Status: res.Status})
	case pipeline.StatusKnown:
		writeJSON(w, http.StatusOK, ingestAnswer{ID: res.Article, Status: res.Status})
	default:
		if strings.TrimSpace(in.Text) == "" {
			s.RecordFetchError()
		}
		// The pipeline reports an input's failure in the result and names the
		// input; it is the client's input that failed, whatever the cause, so
		// the cause is told (%v) but not matched to another status.
		reason := res.Err
		if reason == nil {
			reason = errors.New("the pipeline gave no reason")
		}
		s.apiFail(w, r, fmt.Errorf("%v: %w", reason, errInvalidInput))
	}
}

// item turns the posted JSONL form into the pipeline's input, keeping the
// posted bytes as the raw input.
func (in postedArticle) item(raw []byte) (source.Item, error) {
	if err := jsonl.CheckID(in.ID); err != nil {
		return source.Item{}, fmt.Errorf("%v: %w", err, errBadRequest)
	}
	h := source.Hint{ExternalID: in.ID, Outlet: in.Outlet, URL: in.URL, Title: in.Title, Language: in.Language}
	if in.Published != nil && *in.Published != "" {
		t, err := parseDate(*in.Published, false)
		if err != nil {
			return source.Item{}, fmt.Errorf("published: %w", err)
		}
		h.Published = &t
	}
	name := "api"
	if in.ID != "" {
		name = "api:" + in.ID
	}
	return source.Item{
		Input:  name,
		Kind:   "jsonl",
		Format: source.FormatText,
		Body:   []byte(in.Text),
		Raw:    model.Raw{ContentType: "application/json", Bytes: raw},
		Hint:   h,
	}, nil
}

// correctionRequest is the body of merge, move and split.
type correctionRequest struct {
	Into     *int64  `json:"into"`
	To       *int64  `json:"to"`
	Articles []int64 `json:"articles"`
	Reason   string  `json:"reason"`
}

func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxFormBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("request body: %v: %w", err, errBadRequest)
	}
	return nil
}

// apiCorrection serves a person's correction of the story or article its
// path names: correct checks the body and makes it, and its answer is
// written as JSON. The pipeline's errors name the stories and articles.
func (s *Server) apiCorrection(correct func(ctx context.Context, id int64, req correctionRequest) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		var req correctionRequest
		if err := decodeBody(w, r, &req); err != nil {
			s.apiFail(w, r, err)
			return
		}
		out, err := correct(r.Context(), id, req)
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, out)
	}
}

func (s *Server) apiMerge(ctx context.Context, from int64, req correctionRequest) (any, error) {
	if req.Into == nil || *req.Into <= 0 {
		return nil, fmt.Errorf(`merge needs "into", the story to merge into: %w`, errBadRequest)
	}
	return s.p.Merge(ctx, from, *req.Into, req.Reason)
}

func (s *Server) apiMove(ctx context.Context, article int64, req correctionRequest) (any, error) {
	if req.To == nil || *req.To < 0 {
		return nil, fmt.Errorf(`move needs "to", a story id or 0 for a new story: %w`, errBadRequest)
	}
	return s.p.Move(ctx, article, *req.To, req.Reason)
}

func (s *Server) apiSplit(ctx context.Context, story int64, req correctionRequest) (any, error) {
	if len(req.Articles) == 0 {
		return nil, fmt.Errorf(`split needs "articles", the ids of the articles to move to a new story: %w`, errBadRequest)
	}
	return s.p.Split(ctx, story, req.Articles, req.Reason)
}

func (s *Server) apiFeeds(w http.ResponseWriter, r *http.Request) {
	feeds, err := s.st.Feeds(r.Context())
	if err != nil {
		s.apiFail(w, r, fmt.Errorf("list feeds: %w", err))
		return
	}
	writeList(w, feeds)
}

func (s *Server) apiAddFeed(w http.ResponseWriter, r *http.Request) {
	var req struct {
		URL    string `json:"url"`
		Title  string `json:"title"`
		Outlet string `json:"outlet"`
	}
	if err := decodeBody(w, r, &req); err != nil {
		s.apiFail(w, r, err)
		return
	}
	// Whether the host may be reached is the fetcher's decision, made after
	// DNS resolution; here only the form of the address is checked.
	feedURL, err := follow.CheckURL(req.URL)
	if err != nil {
		s.apiFail(w, r, fmt.Errorf("feed url: %w: %w", err, errBadRequest))
		return
	}
	req.URL = feedURL
	now := time.Now().UTC()
	f, err := s.st.AddFeed(r.Context(), model.Feed{URL: req.URL, Title: req.Title, Outlet: req.Outlet, NextPoll: &now})
	if err != nil {
		s.apiFail(w, r, fmt.Errorf("add feed %s: %w", req.URL, err))
		return
	}
	if s.cfg.FeedAdded != nil {
		s.cfg.FeedAdded()
	}
	writeJSON(w, http.StatusCreated, f)
}

func (s *Server) apiRemoveFeed(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if err := s.st.RemoveFeed(r.Context(), id); err != nil {
		s.apiFail(w, r, err) // the store's error names the feed
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// writeList answers with a list, [] rather than null when it is empty.
func writeList[T any](w http.ResponseWriter, list []T) {
	if list == nil {
		list = []T{}
	}
	writeJSON(w, http.StatusOK, list)
}
