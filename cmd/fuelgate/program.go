package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/fuelgate/fuelgate"
)

// Main is the program: its I/O and environment are fields, so tests run it
// end to end in-process.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// command is one subcommand.
type command struct {
	name    string // e.g. "bu create"
	summary string
	run     func(m *Main, ctx context.Context, args []string) error
}

// commands lists every subcommand; each lives in its own file.
func commands() []command {
	return []command{
		{"serve", "run the server", (*Main).serve},
		{"bu create", "create a business unit", (*Main).buCreate},
		{"bu list", "list business units", (*Main).buList},
		{"bu update", "rename or (de)activate a business unit", (*Main).buUpdate},
		{"user create", "create a user (password from FUELGATE_PASSWORD or stdin)", (*Main).userCreate},
		{"user list", "list users", (*Main).userList},
		{"user update", "change a user", (*Main).userUpdate},
		{"user unlock", "end a user's lockout", (*Main).userUnlock},
		{"role list", "list roles and their permissions", (*Main).roleList},
		{"role create", "create a custom role", (*Main).roleCreate},
		{"package create", "create an installed package with an API integration", (*Main).packageCreate},
		{"package list", "list installed packages", (*Main).packageList},
		{"package rotate-secret", "give a package a new client secret", (*Main).packageRotate},
		{"package disable", "disable a package and revoke its tokens", (*Main).packageDisable},
		{"package enable", "enable a package", (*Main).packageEnable},
		{"settings show", "show enterprise settings", (*Main).settingsShow},
		{"settings set", "change enterprise settings", (*Main).settingsSet},
		{"audit list", "list audit events", (*Main).auditList},
		{"bench", "load-test a fuelgate (started on a temp database, or --target) and report", (*Main).bench},
		{"bench-baseline", "", (*Main).benchBaseline},
	}
}

// errUsage marks an error caused by bad arguments (exit status 2).
var errUsage = errors.New("usage")

// Run runs the subcommand named by args and returns the exit status.
func (m *Main) Run(ctx context.Context, args []string) int {
	if m.Getenv == nil {
		m.Getenv = func(string) string { return "" }
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		m.usage()
		return 0
	}
	for _, c := range commands() {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			err := c.run(m, ctx, args[len(words):])
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				fmt.Fprintf(m.Stderr, "fuelgate %s: %v\n", c.name, err)
				return 2
			default:
				fmt.Fprintf(m.Stderr, "fuelgate %s: %s\n", c.name, errorText(err))
				return 1
			}
		}
	}
	fmt.Fprintf(m.Stderr, "fuelgate: unknown command %q\n\n", strings.Join(args, " "))
	m.usage()
	return 2
}

func (m *Main) usage() {
	fmt.Fprintln(m.Stderr, "Usage: fuelgate <command> [flags]\n\nCommands:")
	cmds := commands()
	sort.SliceStable(cmds, func(i, j int) bool { return cmds[i].name == "serve" && cmds[j].name != "serve" })
	for _, c := range cmds {
		if c.summary == "" {
			continue // internal helper commands
		}
		fmt.Fprintf(m.Stderr, "  %-24s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(m.Stderr, "\nEvery command takes --db (default fuelgate.db, or $FUELGATE_DB) and --json.\nRun \"fuelgate <command> -h\" for its flags.")
}

// errorText renders an error for the terminal: the safe message of a
// fuelgate error, the plain text of others.
func errorText(err error) string {
	var fe *fuelgate.Error
	if errors.As(err, &fe) {
		return fuelgate.ErrorMessage(err)
	}
	return err.Error()
}

// output prints v as one JSON object when asJSON, else calls text.
func (m *Main) output(asJSON bool, v any, text func(w io.Writer)) error {
	if asJSON {
		enc := json.NewEncoder(m.Stdout)
		return enc.Encode(v)
	}
	text(m.Stdout)
	return nil
}
