package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"strconv"
	"text/tabwriter"

	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

func runArticles(ctx context.Context, app *App, args []string) error {
	fs := flag.NewFlagSet("articles", flag.ContinueOnError)
	var q store.ArticleQuery
	fs.Int64Var(&q.Story, "story", 0, "only articles of this story")
	fs.StringVar(&q.Outlet, "outlet", "", "only articles of this outlet")
	fs.IntVar(&q.Limit, "limit", 0, "at most this many articles (0: all)")
	if _, err := app.parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkLimit(q.Limit); err != nil {
		return err
	}
	st, err := app.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := app.resolveStory(ctx, st, &q); err != nil {
		return err
	}
	arts, err := st.Articles(ctx, q)
	if err != nil {
		return err
	}
	if app.JSON {
		if arts == nil {
			arts = []model.Article{}
		}
		return app.writeJSON(arts)
	}
	w := tabwriter.NewWriter(app.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tSTORY\tCOPY OF\tPUBLISHED\tOUTLET\tTITLE")
	for _, a := range arts {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", a.ID, idOrDash(a.Story), idOrDash(a.CopyOf),
			dateOrDash(a), orDash(a.Outlet), truncate(a.Title, 80))
	}
	return w.Flush()
}

func runArticle(ctx context.Context, app *App, args []string) error {
	if len(args) > 0 && args[0] == "move" {
		return runArticleMove(ctx, app, args[1:])
	}
	fs := flag.NewFlagSet("article", flag.ContinueOnError)
	rest, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return fmt.Errorf("%w: parallax article ID [--json] | parallax article move ID --to STORY|--new", errUsage)
	}
	id, err := parseID("article", rest[0])
	if err != nil {
		return err
	}
	st, err := app.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := st.Article(ctx, id)
	if err != nil {
		return err // the store's error names the article
	}
	if app.JSON {
		if a.Removed == nil {
			a.Removed = []model.Removal{}
		}
		return app.writeJSON(articleJSON{a, true})
	}
	fmt.Fprintf(app.Stdout, "%s\n%s · %s · story %s", a.Title, orDash(a.Outlet), dateOrDash(*a), idOrDash(a.Story))
	if a.CopyOf != nil {
		fmt.Fprintf(app.Stdout, " · copy of article %d", *a.CopyOf)
	}
	fmt.Fprintf(app.Stdout, "\n%s\n\n%s\n", a.URL, a.Text)
	if len(a.Removed) > 0 {
		fmt.Fprintln(app.Stdout, "\nRemoved by cleaning:")
		for _, r := range a.Removed {
			fmt.Fprintf(app.Stdout, "  [%s] %s\n", r.Kind, r.Text)
		}
	}
	return nil
}

// articleJSON always carries text, even when empty; with removed set it
// carries what cleaning removed too, as `article ID --json` does, while the
// lines of `export` leave it out.
type articleJSON struct {
	*model.Article
	removed bool
}

func (a articleJSON) MarshalJSON() ([]byte, error) {
	type plain model.Article
	var removed *[]model.Removal
	if a.removed {
		r := a.Removed
		if r == nil {
			r = []model.Removal{}
		}
		removed = &r
	}
	return json.Marshal(struct {
		*plain
		Text    string           `json:"text"`
		Removed *[]model.Removal `json:"removed,omitempty"`
	}{(*plain)(a.Article), a.Text, removed})
}

func runExport(ctx context.Context, app *App, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	var q store.ArticleQuery
	fs.Int64Var(&q.Story, "story", 0, "only articles of this story")
	fs.StringVar(&q.Outlet, "outlet", "", "only articles of this outlet")
	if _, err := app.parseFlags(fs, args); err != nil {
		return err
	}
	st, err := app.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := app.resolveStory(ctx, st, &q); err != nil {
		return err
	}
	enc := json.NewEncoder(app.Stdout)
	q.WithText = true
	const page = 1000
	q.Limit = page
	for {
		arts, err := st.Articles(ctx, q)
		if err != nil {
			return err
		}
		for i := range arts {
			a := &arts[i]
			if err := enc.Encode(articleJSON{Article: a}); err != nil {
				return err
			}
			q.AfterID = a.ID
		}
		if len(arts) < page {
			return nil
		}
	}
}

func parseID(what, s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%w: %s %q is not an id, a whole number from 1 to %d", errUsage, what, s, int64(math.MaxInt64))
	}
	return id, nil
}

func idOrDash(id *int64) string {
	if id == nil {
		return "-"
	}
	return strconv.FormatInt(*id, 10)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func dateOrDash(a model.Article) string {
	if a.Published == nil {
		return "-"
	}
	return a.Published.Format("2006-01-02")
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// resolveStory checks the story a listing is limited to: an unknown one is an
// error, not an empty list that reads as a story with no articles, and one
// merged away is followed to the story its articles went into, as `story ID`
// and the web pages do, with a note on standard error so the listing stays
// what it was asked to be.
func (a *App) resolveStory(ctx context.Context, st store.Store, q *store.ArticleQuery) error {
	if q.Story == 0 {
		return nil
	}
	_, err := st.Story(ctx, q.Story)
	var merged *store.MergedError
	if errors.As(err, &merged) {
		fmt.Fprintf(a.Stderr, "parallax: %v; listing story %d\n", err, merged.Into)
		q.Story = merged.Into
		return nil
	}
	return err
}

// checkLimit refuses a --limit below 0, which would otherwise list all.
func checkLimit(n int) error {
	if n < 0 {
		return fmt.Errorf("%w: --limit %d: want 0 (all) or more", errUsage, n)
	}
	return nil
}
