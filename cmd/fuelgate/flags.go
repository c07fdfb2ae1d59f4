package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/postgres"
	"github.com/fuelgate/fuelgate/sqlite"
)

// common are the flags every subcommand takes.
type common struct {
	db      string
	keyFile string
	json    bool
}

// newFlags returns a FlagSet for a subcommand with the common flags.
func (m *Main) newFlags(name string, c *common) *flag.FlagSet {
	fs := flag.NewFlagSet("fuelgate "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	def := m.Getenv("FUELGATE_DB")
	if def == "" {
		def = "fuelgate.db"
	}
	fs.StringVar(&c.db, "db", def, "database: a SQLite file path, or a postgres:// URL ($FUELGATE_DB)")
	fs.StringVar(&c.keyFile, "key-file", m.Getenv("FUELGATE_KEY_FILE"), "key file with the HMAC pepper and encryption key (default for a SQLite file: <db>.key; $FUELGATE_KEY_FILE)")
	fs.BoolVar(&c.json, "json", false, "print one JSON object")
	return fs
}

// parse parses args, turning flag errors into usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	return nil
}

// env is the database, keys and use-case service a command works with.
type env struct {
	store  fuelgate.Store
	keys   *secret.Keys
	manage *manage.Service
}

// open opens the store and keys named by c.
func (m *Main) open(ctx context.Context, c *common) (*env, error) {
	keyFile := c.keyFile
	if keyFile == "" && strings.Contains(c.db, "://") {
		// A database URL names no file to put <db>.key beside.
		if m.Getenv(secret.EnvPepper) == "" && m.Getenv(secret.EnvEncryptionKey) == "" {
			return nil, fmt.Errorf("%w: with a database URL, set --key-file (or FUELGATE_KEY_FILE), "+
				"or FUELGATE_PEPPER and FUELGATE_ENCRYPTION_KEY", errUsage)
		}
	} else if keyFile == "" {
		keyFile = c.db + ".key"
	}
	st, err := openStore(ctx, c.db)
	if err != nil {
		return nil, err
	}
	keys, err := secret.LoadKeys(keyFile, m.Getenv)
	if err != nil {
		st.Close()
		return nil, err
	}
	return &env{store: st, keys: keys, manage: manage.New(manage.Config{Store: st, Keys: keys})}, nil
}

// openStore opens the backend named by dsn: PostgreSQL for a postgres:// or
// postgresql:// URL, else a SQLite file path.
func openStore(ctx context.Context, dsn string) (fuelgate.Store, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return postgres.Open(ctx, dsn)
	case strings.Contains(dsn, "://"):
		return nil, fuelgate.Errorf(fuelgate.ENOTIMPLEMENTED,
			"database URL %q: use postgres:// (PostgreSQL) or a SQLite file path", scheme(dsn))
	}
	return sqlite.Open(ctx, filepath.Clean(dsn))
}

func scheme(dsn string) string {
	s, _, _ := strings.Cut(dsn, "://")
	return s + "://…"
}

// readSecret reads a password from FUELGATE_PASSWORD or the first line of stdin.
func (m *Main) readSecret(what string) (string, error) {
	if v := m.Getenv("FUELGATE_PASSWORD"); v != "" {
		return v, nil
	}
	if m.Stdin == nil {
		return "", fmt.Errorf("%w: give the %s in FUELGATE_PASSWORD or on stdin", errUsage, what)
	}
	line, err := bufio.NewReader(m.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("%w: give the %s in FUELGATE_PASSWORD or on stdin", errUsage, what)
	}
	return line, nil
}

// listFlag collects a repeated string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// midsFlag collects a repeated MID flag.
type midsFlag []int64

func (l *midsFlag) String() string { return fmt.Sprint(*l) }
func (l *midsFlag) Set(v string) error {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return errors.New("must be a positive MID")
	}
	*l = append(*l, n)
	return nil
}

// onOff is an optional on/off flag.
type onOff struct{ v *bool }

func (o *onOff) String() string {
	if o.v == nil {
		return ""
	}
	return strconv.FormatBool(*o.v)
}
func (o *onOff) Set(s string) error {
	var b bool
	switch strings.ToLower(s) {
	case "on", "true", "yes", "1":
		b = true
	case "off", "false", "no", "0":
	default:
		return errors.New("must be on or off")
	}
	o.v = &b
	return nil
}

// requireFlag returns a usage error when a required flag is missing.
func requireFlag(ok bool, name string) error {
	if !ok {
		return fmt.Errorf("%w: --%s is required", errUsage, name)
	}
	return nil
}
