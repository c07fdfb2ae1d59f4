package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/postgres"
	"github.com/fuelgate/fuelgate/storetest"
)

// dsnEnv names the variable with the DSN of a PostgreSQL server whose user
// may create databases. Without it the tests that need a server skip, or
// fail under CI=true.
const dsnEnv = "FUELGATE_TEST_POSTGRES_DSN"

// testDB is a fresh database, dropped when the test ends. Each Store the
// tests open gets an empty schema of its own in it.
type testDB struct {
	dsn     string // the fresh database
	schemas atomic.Int64
}

// newTestDB creates the database fuelgate_test_<random> on the server that
// FUELGATE_TEST_POSTGRES_DSN names; when it is unset it skips t, or fails it
// under CI=true.
func newTestDB(t testing.TB) *testDB {
	t.Helper()
	server := os.Getenv(dsnEnv)
	if server == "" {
		fgtest.Missing(t, "PostgreSQL tests need a server: set "+dsnEnv+", e.g. "+dsnEnv+"=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
	}
	name := "fuelgate_test_" + randomHex(t, 8)
	serverExec(t, server, "CREATE DATABASE "+name)
	t.Cleanup(func() { serverExec(t, server, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	dsn, err := withDatabase(server, name, "")
	if err != nil {
		t.Fatalf("withDatabase: %v", err)
	}
	return &testDB{dsn: dsn}
}

// serverExec runs one statement on the database dsn names, on a connection
// of its own. (No pool is kept between tests: a connection made inside a
// synctest bubble must not outlive it.)
func serverExec(t testing.TB, dsn, stmt string) {
	t.Helper()
	ctx := context.WithoutCancel(t.Context()) // also in Cleanup, after t.Context ends
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect for %q: %v", stmt, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

// schema creates an empty schema and returns the DSN that uses it.
func (d *testDB) schema(t testing.TB) string {
	t.Helper()
	name := "s" + strconv.FormatInt(d.schemas.Add(1), 10)
	serverExec(t, d.dsn, "CREATE SCHEMA "+name)
	dsn, err := withDatabase(d.dsn, "", name)
	if err != nil {
		t.Fatalf("withDatabase: %v", err)
	}
	return dsn
}

// open opens a Store on dsn and closes it when t ends.
func open(t testing.TB, dsn string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// withDatabase returns dsn with its database replaced by database and its
// search_path set to schema; an empty argument leaves that part alone. dsn
// is a URL or key=value pairs.
func withDatabase(dsn, database, schema string) (string, error) {
	if !strings.Contains(dsn, "://") {
		if database != "" {
			dsn += " dbname=" + database
		}
		if schema != "" {
			dsn += " search_path=" + schema
		}
		return strings.TrimSpace(dsn), nil
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	if database != "" {
		u.Path = "/" + database
	}
	if schema != "" {
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("rand: %v", err)
	}
	return hex.EncodeToString(b)
}

func TestStore(t *testing.T) {
	d := newTestDB(t)
	storetest.Run(t, func(t *testing.T) fuelgate.Store {
		return open(t, d.schema(t))
	})
}

func TestWithDatabase(t *testing.T) {
	tests := []struct {
		name            string
		dsn, db, schema string
		want            string
	}{
		{"url database", "postgres://u@h:5432/postgres?sslmode=disable", "x", "",
			"postgres://u@h:5432/x?sslmode=disable"},
		{"url schema", "postgres://u@h/x?sslmode=disable", "", "s1",
			"postgres://u@h/x?search_path=s1&sslmode=disable"},
		{"key value", "host=h user=u dbname=postgres", "x", "s1",
			"host=h user=u dbname=postgres dbname=x search_path=s1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := withDatabase(tt.dsn, tt.db, tt.schema)
			if err != nil {
				t.Fatalf("withDatabase: %v", err)
			}
			if got != tt.want {
				t.Fatalf("withDatabase(%q, %q, %q): got %q, want %q", tt.dsn, tt.db, tt.schema, got, tt.want)
			}
		})
	}
}
