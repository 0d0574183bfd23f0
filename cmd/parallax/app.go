package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/parallax-news/parallax/internal/pipeline"
	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/store/postgres"
	"github.com/parallax-news/parallax/internal/store/sqlite"
)

// App holds what every subcommand shares: the global flags, the standard
// streams and the logger.
type App struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Log    *slog.Logger

	DB    string // --db, PARALLAX_DB
	Index string // --index, PARALLAX_INDEX: see indexFile
	JSON  bool   // --json
	// logLevel is the least level logged: --log, PARALLAX_LOG; warnings
	// unless told.
	logLevel slog.LevelVar
	// dbGiven is set when the command line names --db, before the command
	// or after it: the commands that work in a temporary store (bench,
	// demo) take only a database named on purpose, never PARALLAX_DB's.
	dbGiven bool
}

type command struct {
	summary string
	run     func(ctx context.Context, app *App, args []string) error
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *App {
	a := &App{Stdin: stdin, Stdout: stdout, Stderr: stderr}
	a.logLevel.Set(slog.LevelWarn)
	a.Log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: &a.logLevel}))
	return a
}

// parseGlobal reads the flags that come before the subcommand.
func (a *App) parseGlobal(args []string) ([]string, error) {
	if v := os.Getenv("PARALLAX_LOG"); v != "" {
		if err := a.logLevel.UnmarshalText([]byte(v)); err != nil {
			return nil, fmt.Errorf("PARALLAX_LOG=%s: %w", v, err)
		}
	}
	fs := flag.NewFlagSet("parallax", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	a.addGlobalFlags(fs)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	a.dbGiven = flagGiven(fs, "db")
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
	fs.StringVar(&a.DB, "db", def, "database file, or a PostgreSQL URL postgres://... (env PARALLAX_DB)")
	fs.StringVar(&a.Index, "index", cmp.Or(a.Index, os.Getenv("PARALLAX_INDEX")),
		`file the story index is kept in between runs (env PARALLAX_INDEX; default the database file's name with ".index", none for PostgreSQL; "off" for none)`)
	fs.BoolVar(&a.JSON, "json", a.JSON, "print JSON")
	fs.TextVar(&a.logLevel, "log", &a.logLevel, "the least `level` of the log lines written to standard error: debug, info, warn or error (env PARALLAX_LOG)")
}

func (a *App) usage(w io.Writer) {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "usage: parallax [--db PATH] [--index PATH|off] [--json] [--log LEVEL] COMMAND [ARGS]")
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "flags, before or after the command:")
	fs := flag.NewFlagSet("parallax", flag.ContinueOnError)
	fs.SetOutput(w)
	a.addGlobalFlags(fs)
	fs.PrintDefaults()
}

// errUsage marks a command line that cannot be run; the process exits 2.
var errUsage = errors.New("usage")

func exitCode(err error) int {
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

// parseFlags parses a subcommand's flags, which may come before, between or
// after its arguments, and returns the arguments.
func (a *App) parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	// Help asked for goes to standard output, where a reader may page it;
	// the flags printed after a mistake go to standard error.
	fs.SetOutput(a.Stderr)
	if wantsHelp(args) {
		fs.SetOutput(a.Stdout)
	}
	a.addGlobalFlags(fs)
	var positional []string
	for {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			return nil, err
		} else if err != nil {
			return nil, fmt.Errorf("%w: %w", errUsage, err)
		}
		a.dbGiven = a.dbGiven || flagGiven(fs, "db")
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// wantsHelp reports whether a command's arguments ask for its help.
func wantsHelp(args []string) bool {
	for _, arg := range args {
		switch arg {
		case "--":
			return false
		case "-h", "--h", "-help", "--help":
			return true
		}
	}
	return false
}

// helpAsked prints a command's usage to standard output when its first
// argument asks for help: a command of subcommands has no flags of its own
// to print.
func (a *App) helpAsked(args []string, usage string) bool {
	if len(args) == 0 || !wantsHelp(args[:1]) {
		return false
	}
	fmt.Fprintln(a.Stdout, "usage: "+usage)
	return true
}

// flagGiven reports whether the command line set the flag name of fs.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// openStore opens the store named by --db: a PostgreSQL database for a
// postgres:// URL, else the SQLite file at that path.
func (a *App) openStore(ctx context.Context) (st store.Store, err error) {
	if a.onPostgres() {
		st, err = postgres.Open(ctx, a.DB, a.Log)
	} else {
		st, err = sqlite.Open(ctx, a.DB, a.Log)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", a.dbName(), err)
	}
	return st, nil
}

// onPostgres reports whether --db names a PostgreSQL database.
func (a *App) onPostgres() bool {
	return strings.HasPrefix(a.DB, "postgres://") || strings.HasPrefix(a.DB, "postgresql://")
}

// dbName is --db as messages show it: a URL's password is not printed.
func (a *App) dbName() string {
	if !a.onPostgres() {
		return a.DB
	}
	u, err := url.Parse(a.DB)
	if err != nil {
		return "the PostgreSQL URL of --db" // its text may hold a password
	}
	return u.Redacted()
}

// openExisting is openStore for the commands that read or correct what is
// stored: given a mistyped path, they would otherwise make an empty
// database there and show nothing.
func (a *App) openExisting(ctx context.Context) (store.Store, error) {
	if err := a.requireDB(); err != nil {
		return nil, err
	}
	return a.openStore(ctx)
}

// requireDB reports an error naming the --db path when no database is there.
// A PostgreSQL database is the server's to have: opening it says.
func (a *App) requireDB() error {
	if a.onPostgres() {
		return nil
	}
	if _, err := os.Stat(a.DB); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no database at %s: make one with ingest or feeds add, or name another with --db or PARALLAX_DB", a.DB)
	}
	return nil
}

// openPipeline opens the store and the pipeline on it, keeping the story
// index between runs beside the database (see saveIndex); close the store
// when done.
func (a *App) openPipeline(ctx context.Context, opt pipeline.Options) (*pipeline.Pipeline, store.Store, error) {
	st, err := a.openStore(ctx)
	if err != nil {
		return nil, nil, err
	}
	if opt.IndexFile == "" {
		opt.IndexFile = a.indexFile()
	}
	p, err := pipeline.New(st, opt, a.Log)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return p, st, nil
}

// indexFile names the file the story index is kept in between runs: by
// default beside the database file, and none for a PostgreSQL database
// unless --index names one; "" when --index is off. A store written
// every few minutes by a cron job rewrites the file once it falls behind
// (563 MB at a million articles; see pipeline.SaveIndex), which a disk may
// be spared, or the file may go to another disk.
func (a *App) indexFile() string {
	switch {
	case a.Index == "" && a.onPostgres():
		return "" // a URL is no place for a file; --index names one
	case a.Index == "":
		return a.DB + ".index"
	case a.Index == "off":
		return ""
	}
	return a.Index
}

// saveIndex keeps the story index p built for the next process on the
// store, which then starts in seconds where a rebuild from every article
// takes a minute at a million, and says what the file keeps and how long
// that took. Not when ctx ended: a process asked to stop stops. A failure only
// costs the next start time (it follows the writes since an older file,
// or rebuilds), so it is logged and not returned.
func (a *App) saveIndex(ctx context.Context, p *pipeline.Pipeline) (pipeline.IndexKept, time.Duration) {
	if ctx.Err() != nil {
		return pipeline.IndexKept{}, 0
	}
	began := time.Now()
	kept, err := p.SaveIndex(ctx)
	if err != nil {
		a.Log.Warn("story index not kept: the next start follows the writes since an older file, or rebuilds", "err", err)
	}
	return kept, time.Since(began)
}

// withPipeline runs fn on a pipeline over the --db store, which must be
// there, closing it after.
func (a *App) withPipeline(ctx context.Context, fn func(*pipeline.Pipeline) error) error {
	if err := a.requireDB(); err != nil {
		return err
	}
	p, st, err := a.openPipeline(ctx, pipeline.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(p)
}

// writeJSON prints v as indented JSON.
func (a *App) writeJSON(v any) error {
	enc := json.NewEncoder(a.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
