package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/parallax-news/parallax/internal/follow"
	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/store"
)

const feedsUsage = "parallax feeds add URL [--outlet NAME] [--title TITLE] | list [--json] | remove ID|URL | import FILE.opml | export"

// runFeeds manages the feeds `parallax serve` follows.
func runFeeds(ctx context.Context, app *App, args []string) error {
	if app.helpAsked(args, feedsUsage) {
		return flag.ErrHelp
	}
	if len(args) == 0 {
		return fmt.Errorf("%w: %s", errUsage, feedsUsage)
	}
	sub, rest := args[0], args[1:]
	run, ok := map[string]func(context.Context, *App, []string) error{
		"add":    runFeedsAdd,
		"list":   runFeedsList,
		"remove": runFeedsRemove,
		"import": runFeedsImport,
		"export": runFeedsExport,
	}[sub]
	if !ok {
		return fmt.Errorf("%w: unknown feeds command %q: %s", errUsage, sub, feedsUsage)
	}
	return run(ctx, app, rest)
}

func runFeedsAdd(ctx context.Context, app *App, args []string) error {
	fs := flag.NewFlagSet("feeds add", flag.ContinueOnError)
	var f model.Feed
	fs.StringVar(&f.Outlet, "outlet", "", "outlet the feed's articles are credited to")
	fs.StringVar(&f.Title, "title", "", "the feed's name")
	rest, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return fmt.Errorf("%w: parallax feeds add URL [--outlet NAME] [--title TITLE]", errUsage)
	}
	if f.URL, err = follow.CheckURL(rest[0]); err != nil {
		return err
	}
	st, err := app.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	added, err := st.AddFeed(ctx, f)
	if dup := (*store.DuplicateError)(nil); errors.As(err, &dup) {
		return fmt.Errorf("feed %s is already followed as feed %d", f.URL, dup.ID)
	}
	if err != nil {
		return err
	}
	if app.JSON {
		return app.writeJSON(added)
	}
	fmt.Fprintf(app.Stdout, "following feed %d: %s\n", added.ID, added.URL)
	return nil
}

func runFeedsList(ctx context.Context, app *App, args []string) error {
	fs := flag.NewFlagSet("feeds list", flag.ContinueOnError)
	if rest, err := app.parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) != 0 {
		return fmt.Errorf("%w: parallax feeds list [--json]", errUsage)
	}
	feeds, err := listFeeds(ctx, app)
	if err != nil {
		return err
	}
	if app.JSON {
		if feeds == nil {
			feeds = []model.Feed{}
		}
		return app.writeJSON(feeds)
	}
	w := tabwriter.NewWriter(app.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tOUTLET\tLAST POLLED\tNEXT POLL\tFAILURES\tURL\tLAST ERROR")
	for _, f := range feeds {
		// The error is whole: it is the last column, and a fetch error
		// gives its reason last ("...: refusing loopback ... address").
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%d\t%s\t%s\n", f.ID, orDash(f.Outlet), timeOrDash(f.LastPolled),
			timeOrDash(f.NextPoll), f.Failures, f.URL, orDash(f.LastError))
	}
	return w.Flush()
}

func runFeedsRemove(ctx context.Context, app *App, args []string) error {
	fs := flag.NewFlagSet("feeds remove", flag.ContinueOnError)
	rest, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return fmt.Errorf("%w: parallax feeds remove ID|URL", errUsage)
	}
	st, err := app.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	id, err := feedID(ctx, st, rest[0])
	if err != nil {
		return err
	}
	if err := st.RemoveFeed(ctx, id); err != nil {
		return err
	}
	if !app.JSON {
		fmt.Fprintf(app.Stdout, "no longer following feed %d\n", id)
	}
	return nil
}

// feedID resolves a feed named by id or by URL.
func feedID(ctx context.Context, st store.Store, arg string) (int64, error) {
	if id, err := strconv.ParseInt(arg, 10, 64); err == nil {
		return id, nil
	}
	u, err := follow.CheckURL(arg)
	if err != nil {
		return 0, fmt.Errorf("%w: %q is neither a feed id nor a feed URL", errUsage, arg)
	}
	feeds, err := st.Feeds(ctx)
	if err != nil {
		return 0, err
	}
	for _, f := range feeds {
		if f.URL == u {
			return f.ID, nil
		}
	}
	return 0, fmt.Errorf("feed %s: %w", u, store.ErrNotFound)
}

func runFeedsImport(ctx context.Context, app *App, args []string) error {
	fs := flag.NewFlagSet("feeds import", flag.ContinueOnError)
	rest, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return fmt.Errorf("%w: parallax feeds import FILE.opml", errUsage)
	}
	file, err := os.Open(rest[0])
	if err != nil {
		return err // *PathError names the file
	}
	defer file.Close()
	feeds, readErr := follow.ReadOPML(file)
	if errors.Is(readErr, follow.ErrBadOPML) {
		return fmt.Errorf("import %s: %w", rest[0], readErr)
	}
	st, err := app.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	var added, known int
	for _, f := range feeds {
		_, err := st.AddFeed(ctx, f)
		if errors.Is(err, store.ErrDuplicate) {
			known++
			continue
		}
		if err != nil {
			return fmt.Errorf("import %s: %w", rest[0], err)
		}
		added++
	}
	fmt.Fprintf(app.Stdout, "%d feeds added, %d already followed\n", added, known)
	if readErr != nil {
		// The good outlines are in; say which were not, and exit 1.
		return fmt.Errorf("import %s: %w", rest[0], readErr)
	}
	return nil
}

func runFeedsExport(ctx context.Context, app *App, args []string) error {
	fs := flag.NewFlagSet("feeds export", flag.ContinueOnError)
	if rest, err := app.parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) != 0 {
		return fmt.Errorf("%w: parallax feeds export", errUsage)
	}
	feeds, err := listFeeds(ctx, app)
	if err != nil {
		return err
	}
	return follow.WriteOPML(app.Stdout, feeds)
}

func listFeeds(ctx context.Context, app *App) ([]model.Feed, error) {
	st, err := app.openExisting(ctx)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return st.Feeds(ctx)
}

func timeOrDash(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04")
}
