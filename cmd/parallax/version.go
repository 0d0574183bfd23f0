package main

import (
	"context"
	"flag"
	"fmt"
	"runtime/debug"
)

// runVersion prints the build: the module's version (a tag, or "(devel)"
// for a build from a checkout), the commit it was built from where the
// build recorded one, and the Go version; a bug report wants all three.
func runVersion(_ context.Context, app *App, args []string) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	if rest, err := app.parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) != 0 {
		return fmt.Errorf("%w: parallax version", errUsage)
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return fmt.Errorf("this binary carries no build information")
	}
	line := "parallax " + info.Main.Version
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; rev != "" {
		line += " " + rev[:min(len(rev), 12)]
		if settings["vcs.modified"] == "true" {
			line += "+changes"
		}
	}
	fmt.Fprintf(app.Stdout, "%s %s\n", line, info.GoVersion)
	return nil
}
