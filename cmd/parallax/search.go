package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/parallax-news/parallax/internal/extract"
	"github.com/parallax-news/parallax/internal/store"
)

// runSearch is the search of the web pages and the API on the command
// line: the best matches among the newest articles, and their stories.
func runSearch(ctx context.Context, app *App, args []string) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	var q store.ArticleQuery
	fs.StringVar(&q.Outlet, "outlet", "", "only articles of this outlet")
	fs.StringVar(&q.Language, "language", "", "only articles in this language (ISO 639-1)")
	fs.IntVar(&q.Limit, "limit", 0, "at most this many articles (0: the store's page of best matches)")
	since := fs.String("since", "", "only articles published on or after this date (YYYY-MM-DD)")
	until := fs.String("until", "", "only articles published on or before this date (YYYY-MM-DD)")
	words, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	query := strings.Join(words, " ")
	if strings.TrimSpace(query) == "" {
		return fmt.Errorf("%w: parallax search [--outlet NAME] [--language CODE] [--since DATE] [--until DATE] [--limit N] WORDS...", errUsage)
	}
	if err := checkLimit(q.Limit); err != nil {
		return err
	}
	if q.Language != "" {
		if q.Language = extract.LanguageCode(q.Language); q.Language == "" {
			return fmt.Errorf("%w: --language: want an ISO 639-1 code, such as en or de", errUsage)
		}
	}
	if q.Since, err = parseDay("since", *since, false); err != nil {
		return err
	}
	if q.Until, err = parseDay("until", *until, true); err != nil {
		return err
	}
	st, err := app.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	found, err := store.SearchStories(ctx, st, query, q)
	if err != nil {
		return err
	}
	if app.JSON {
		return app.writeJSON(found)
	}
	if len(found.Articles) == 0 {
		fmt.Fprintf(app.Stdout, "no article matches %q\n", query)
		return nil
	}
	w := tabwriter.NewWriter(app.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tSTORY\tPUBLISHED\tOUTLET\tTITLE")
	for _, h := range found.Articles {
		a := h.Article
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", a.ID, idOrDash(a.Story), dateOrDash(a), orDash(a.Outlet), truncate(a.Title, 80))
		fmt.Fprintf(w, "\t\t\t\t%s\n", marked(h.Snippet))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(app.Stdout, "\nin the stories:")
	for _, s := range found.Stories {
		fmt.Fprintf(app.Stdout, "  %d  %s (%d articles)\n", s.ID, truncate(s.Title, 80), s.Articles)
	}
	return nil
}

// marked shows a snippet's matched words in brackets on a terminal, where
// the store's highlight bytes would show as nothing.
func marked(snippet string) string {
	return strings.NewReplacer(store.HighlightStart, "[", store.HighlightEnd, "]", "\n", " ", "\t", " ").Replace(snippet)
}

// parseDay reads the date of flag name, YYYY-MM-DD, as its first instant or,
// for the end of a range, its last; "" is no date.
func parseDay(name, value string, endOfDay bool) (time.Time, error) {
	if value == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, value)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: --%s %q: want YYYY-MM-DD", errUsage, name, value)
	}
	if endOfDay {
		t = t.AddDate(0, 0, 1).Add(-time.Nanosecond)
	}
	return t, nil
}
