package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
)

// App holds what every subcommand shares: the global flags, the standard
// streams and the logger.
type App struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Log    *slog.Logger

	DB   string // --db, PARALLAX_DB
	JSON bool   // --json
}

type command struct {
	summary string
	run     func(ctx context.Context, app *App, args []string) error
}

// commands is the table of subcommands; each lives in a file of its own.
var commands = map[string]command{}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *App {
	return &App{
		Stdin:  stdin,
		Stdout: stdout,
		Stderr: stderr,
		Log:    slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
}

// parseGlobal reads the flags that come before the subcommand.
func (a *App) parseGlobal(args []string) ([]string, error) {
	fs := flag.NewFlagSet("parallax", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	a.addGlobalFlags(fs)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return fs.Args(), nil
}

// addGlobalFlags lets --db and --json also follow the subcommand name.
func (a *App) addGlobalFlags(fs *flag.FlagSet) {
	def := os.Getenv("PARALLAX_DB")
	if a.DB != "" {
		def = a.DB
	}
	if def == "" {
		def = "parallax.db"
	}
	fs.StringVar(&a.DB, "db", def, "database file (env PARALLAX_DB)")
	fs.BoolVar(&a.JSON, "json", a.JSON, "print JSON")
}

func (a *App) usage() {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(a.Stderr, "usage: parallax [--db PATH] [--json] COMMAND [ARGS]")
	for _, n := range names {
		fmt.Fprintf(a.Stderr, "  %-10s %s\n", n, commands[n].summary)
	}
}

// errFailedInputs marks a run that kept every good input but failed some;
// the process exits 1 without repeating the per-input errors.
var errFailedInputs = errors.New("some inputs failed")

func exitCode(err error) int {
	if errors.Is(err, errFailedInputs) {
		return 1
	}
	return 1
}
