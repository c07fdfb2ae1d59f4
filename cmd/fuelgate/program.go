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
		{"apply", "bring the database to a provisioning file (-f FILE, YAML or JSON; --dry-run)", (*Main).apply},
		{"export", "print an enterprise as a provisioning file (YAML, or JSON with --json; no secrets)", (*Main).export},
		{"bench", "load-test a fuelgate (started on a temp database, or --target) and report", (*Main).bench},
		{"bench-baseline", "", (*Main).benchBaseline},
		{"version", "print the version and the VCS revision it was built from", (*Main).version},
	}
}

// errUsage marks an error caused by bad arguments (exit status 2).
var errUsage = errors.New("usage")

// Run runs the subcommand named by args and returns the exit status. The
// flags every command takes (--db, --key-file, --json) may also come before
// the command: "fuelgate --db x.db bu list".
func (m *Main) Run(ctx context.Context, args []string) int {
	if m.Getenv == nil {
		m.Getenv = func(string) string { return "" }
	}
	global, args, err := m.globalFlags(args)
	if err != nil {
		fmt.Fprintf(m.Stderr, "fuelgate: %v\n", err)
		return 2
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		m.usage()
		return 0
	}
	for _, c := range commands() {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			err := c.run(m, ctx, append(global, args[len(words):]...))
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

// globalFlags splits the flags that come before the command from args. They
// must be flags every command takes (see newFlags); they are handed to the
// command before its own flags.
func (m *Main) globalFlags(args []string) (global, rest []string, err error) {
	known := m.newFlags("", new(common))
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-h" && args[0] != "--help" {
		name, _, hasValue := strings.Cut(strings.TrimLeft(args[0], "-"), "=")
		f := known.Lookup(name)
		if f == nil || name == "" {
			return nil, nil, fmt.Errorf("flag %s is not one every command takes (--db, --key-file, --json): put it after the command", args[0])
		}
		n := 1
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !hasValue && !(ok && b.IsBoolFlag()) {
			if len(args) < 2 {
				return nil, nil, fmt.Errorf("flag %s needs a value", args[0])
			}
			n = 2
		}
		global, args = append(global, args[:n]...), args[n:]
	}
	return global, args, nil
}

func (m *Main) usage() {
	fmt.Fprintln(m.Stderr, "Usage: fuelgate [--db DB] [--key-file FILE] [--json] <command> [flags]\n\nCommands:")
	cmds := commands()
	sort.SliceStable(cmds, func(i, j int) bool { return cmds[i].name == "serve" && cmds[j].name != "serve" })
	for _, c := range cmds {
		if c.summary == "" {
			continue // internal helper commands
		}
		fmt.Fprintf(m.Stderr, "  %-24s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(m.Stderr, "\nEvery command takes --db (default fuelgate.db, or $FUELGATE_DB), --key-file and --json,\nbefore or after the command. Run \"fuelgate <command> -h\" for its flags.")
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

// printed is what a command prints: json as one JSON object with --json,
// else text.
type printed struct {
	json any
	text func(w io.Writer)
}

// listOf is what a list command prints: {"items": [...]} with each of xs
// converted by toJSON, else text of the converted items.
func listOf[T, J any](xs []T, toJSON func(T) J, text func(w io.Writer, items []J)) printed {
	items := make([]J, 0, len(xs))
	for _, x := range xs {
		items = append(items, toJSON(x))
	}
	return printed{map[string]any{"items": items}, func(w io.Writer) { text(w, items) }}
}

// act is the body every administrative command shares: it opens the
// database c names, runs fn on it, closes it, and prints what fn returns.
func (m *Main) act(ctx context.Context, c *common, fn func(e *env) (printed, error)) error {
	e, err := m.open(ctx, c)
	if err != nil {
		return err
	}
	defer e.store.Close()
	out, err := fn(e)
	if err != nil {
		return err
	}
	return m.print(c, out)
}

// print prints out as the flags in c ask.
func (m *Main) print(c *common, out printed) error {
	if c.json {
		return json.NewEncoder(m.Stdout).Encode(out.json)
	}
	out.text(m.Stdout)
	return nil
}

// actInEnterprise is act for the commands that work on one enterprise: fn
// gets the enterprise of mid, or the only enterprise when mid is 0.
func (m *Main) actInEnterprise(ctx context.Context, c *common, mid int64, fn func(e *env, ent int64) (printed, error)) error {
	return m.act(ctx, c, func(e *env) (printed, error) {
		ent, err := enterpriseOf(ctx, e, mid)
		if err != nil {
			return printed{}, err
		}
		return fn(e, ent)
	})
}
