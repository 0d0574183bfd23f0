// Command parallax follows a news story across outlets: it ingests articles,
// recognises syndicated copies, groups articles into stories and compares
// their coverage. See README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/parallax-news/parallax/internal/memlimit"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	app := newApp(os.Stdin, os.Stdout, os.Stderr)
	// The process-wide memory limit is set here, not in run, which tests
	// call in-process.
	limitCtx, stopLimit := context.WithCancel(ctx)
	go memlimit.Keep(limitCtx, app.Log)
	code := run(ctx, os.Args[1:], app)
	stopLimit()
	stop()
	os.Exit(code)
}

// run parses the global flags and dispatches to a subcommand, returning the
// process exit status.
func run(ctx context.Context, args []string, app *App) int {
	rest, err := app.parseGlobal(args)
	if errors.Is(err, flag.ErrHelp) {
		app.usage(app.Stdout)
		return 0
	}
	if err != nil {
		fmt.Fprintf(app.Stderr, "parallax: %v\n", err)
		return 2
	}
	if len(rest) == 0 {
		app.usage(app.Stderr)
		return 2
	}
	name, args := rest[0], rest[1:]
	if name == "help" {
		// "help CMD" is "CMD --help"; "help" alone is the list of commands.
		if len(args) == 0 || commands[args[0]].run == nil {
			app.usage(app.Stdout)
			return 0
		}
		name, args = args[0], []string{"--help"}
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(app.Stderr, "parallax: unknown command %q\n", name)
		app.usage(app.Stderr)
		return 2
	}
	err = cmd.run(ctx, app, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0 // the command's flags are printed already
	case err != nil:
		fmt.Fprintf(app.Stderr, "parallax %s: %v\n", name, err)
		return exitCode(err)
	}
	return 0
}
