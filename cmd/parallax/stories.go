package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/parallax-news/parallax/internal/compare"
	"github.com/parallax-news/parallax/internal/extract"
	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/pipeline"
	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/text"
)

func runStories(ctx context.Context, app *App, args []string) error {
	fs := flag.NewFlagSet("stories", flag.ContinueOnError)
	var q store.StoryQuery
	fs.StringVar(&q.Outlet, "outlet", "", "only stories an outlet covered")
	fs.StringVar(&q.Entity, "entity", "", "only stories about this entity (one of the eight their articles name most): a full name, a person's surname, or another spelling (U.S. for United States)")
	fs.StringVar(&q.Language, "language", "", "only stories in this language (ISO 639-1)")
	fs.StringVar(&q.Sort, "sort", "newest", "newest, biggest or updated")
	fs.IntVar(&q.Limit, "limit", 0, "at most this many stories (0: all)")
	since := fs.String("since", "", "only stories published on or after this date (YYYY-MM-DD)")
	if _, err := app.parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkLimit(q.Limit); err != nil {
		return err
	}
	if q.Language != "" {
		if q.Language = extract.LanguageCode(q.Language); q.Language == "" {
			return fmt.Errorf("%w: --language: want an ISO 639-1 code, such as en or de", errUsage)
		}
	}
	q.Entity = text.CanonicalName(q.Entity)
	var err error
	if q.Since, err = parseDay("since", *since, false); err != nil {
		return err
	}
	st, err := app.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	stories, err := st.Stories(ctx, q)
	if err != nil {
		return err
	}
	if app.JSON {
		if stories == nil {
			stories = []model.StorySummary{}
		}
		for i := range stories {
			if stories[i].Outlets == nil {
				stories[i].Outlets = []string{}
			}
		}
		return app.writeJSON(stories)
	}
	w := tabwriter.NewWriter(app.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tARTICLES\tPUBLISHED\tOUTLETS\tTITLE")
	for _, s := range stories {
		pub := "-"
		if s.LastPublished != nil {
			pub = s.LastPublished.Format(time.DateOnly)
		}
		fmt.Fprintf(w, "%d\t%d\t%s\t%s\t%s\n", s.ID, s.Articles, pub,
			truncate(strings.Join(s.Outlets, ", "), 40), truncate(s.Title, 70))
	}
	return w.Flush()
}

func runStory(ctx context.Context, app *App, args []string) error {
	fs := flag.NewFlagSet("story", flag.ContinueOnError)
	markdown := fs.Bool("markdown", false, "write a Markdown report")
	reason := fs.String("reason", "", "why (for merge and split)")
	rest, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(rest) == 3 && rest[0] == "merge":
		return runStoryMerge(ctx, app, rest[1], rest[2], *reason)
	case len(rest) >= 3 && rest[0] == "split":
		return runStorySplit(ctx, app, rest[1], rest[2:], *reason)
	case len(rest) != 1:
		return fmt.Errorf("%w: parallax story ID [--json|--markdown] | parallax story merge A B [--reason TEXT] | parallax story split STORY ARTICLE... [--reason TEXT]", errUsage)
	}
	id, err := parseID("story", rest[0])
	if err != nil {
		return err
	}
	return app.withPipeline(ctx, func(p *pipeline.Pipeline) error {
		s, err := p.Story(ctx, id)
		// A story merged away is shown as the story it went into, as the
		// web pages redirect to it; the note goes to standard error, so
		// that --json stays one story.
		var merged *store.MergedError
		if errors.As(err, &merged) {
			fmt.Fprintf(app.Stderr, "parallax story: %v; showing story %d\n", err, merged.Into)
			s, err = p.Story(ctx, merged.Into)
		}
		if err != nil {
			return err
		}
		switch {
		case app.JSON:
			return app.writeJSON(s)
		case *markdown:
			return compare.WriteMarkdown(app.Stdout, s)
		default:
			return compare.WriteText(app.Stdout, s)
		}
	})
}

// runStoryMerge folds story A into story B.
func runStoryMerge(ctx context.Context, app *App, a, b, reason string) error {
	from, err := parseID("story", a)
	if err != nil {
		return err
	}
	into, err := parseID("story", b)
	if err != nil {
		return err
	}
	return app.withPipeline(ctx, func(p *pipeline.Pipeline) error {
		c, err := p.Merge(ctx, from, into, reason)
		return app.reportCorrection(c, err, fmt.Sprintf("merged story %d into story %d", from, into))
	})
}

// runStorySplit moves the articles named, and their copies, out of a story
// into a new one.
func runStorySplit(ctx context.Context, app *App, storyArg string, articleArgs []string, reason string) error {
	story, err := parseID("story", storyArg)
	if err != nil {
		return err
	}
	articles := make([]int64, len(articleArgs))
	for i, a := range articleArgs {
		if articles[i], err = parseID("article", a); err != nil {
			return err
		}
	}
	return app.withPipeline(ctx, func(p *pipeline.Pipeline) error {
		cs, err := p.Split(ctx, story, articles, reason)
		switch {
		case err != nil:
			return err
		case app.JSON:
			return app.writeJSON(cs)
		}
		moved := "articles"
		if len(cs) == 1 {
			moved = "article"
		}
		fmt.Fprintf(app.Stdout, "moved %d %s out of story %d into the new story %d\n", len(cs), moved, story, cs[0].Target)
		return nil
	})
}

// reportCorrection prints a correction a person made, or its error.
func (a *App) reportCorrection(c model.Correction, err error, done string) error {
	switch {
	case err != nil:
		return err
	case a.JSON:
		return a.writeJSON(c)
	}
	fmt.Fprintln(a.Stdout, done)
	return nil
}

func runArticleMove(ctx context.Context, app *App, args []string) error {
	fs := flag.NewFlagSet("article move", flag.ContinueOnError)
	to := fs.Int64("to", 0, "the story to move the article to")
	newStory := fs.Bool("new", false, "move the article to a new story of its own")
	reason := fs.String("reason", "", "why")
	rest, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 || (*to == 0) == !*newStory {
		return fmt.Errorf("%w: parallax article move ID --to STORY|--new [--reason TEXT]", errUsage)
	}
	id, err := parseID("article", rest[0])
	if err != nil {
		return err
	}
	return app.withPipeline(ctx, func(p *pipeline.Pipeline) error {
		c, err := p.Move(ctx, id, *to, *reason)
		done := fmt.Sprintf("moved article %d to story %d", id, c.Target)
		if c.Story == c.Target {
			// Not nothing: the article is placed by hand, and regrouping
			// leaves it where it is.
			done = fmt.Sprintf("article %d stays in story %d, placed there by hand", id, c.Target)
		}
		return app.reportCorrection(c, err, done)
	})
}
