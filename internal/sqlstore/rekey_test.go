package sqlstore_test

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/fuelgate/fuelgate/internal/sqlstore"
)

// TestRekeyUsernames: the username_key_fold migration gives every existing
// user the canonical key; a user whose new key another user already holds
// keeps its old key.
func TestRekeyUsernames(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	before := fstest.MapFS{"0001_users.sql": file(`CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT NOT NULL,
		username_key TEXT NOT NULL UNIQUE);
		INSERT INTO users VALUES (1, 'Viewer', 'viewer'), (2, 'ＡＤＭＩＮ', 'ａｄｍｉｎ'), (3, 'Straße', 'straße'),
			(4, 'STRASSE', 'strasse'), (5, 'José', 'josé');`)}
	if _, err := sqlstore.Migrate(ctx, db, before, dialect); err != nil {
		t.Fatal(err)
	}
	after := fstest.MapFS{"0001_users.sql": before["0001_users.sql"],
		"0002_username_key_fold.sql": file("-- the Go step does the work")}
	if applied, err := sqlstore.Migrate(ctx, db, after, dialect); err != nil || len(applied) != 1 {
		t.Fatalf("Migrate = %v, %v; want [2] applied", applied, err)
	}
	// User 3 (Straße) would take "strasse", which user 4 (STRASSE) already
	// holds: it keeps its old key. NFKC composes "José" again.
	want := map[int64]string{1: "viewer", 2: "admin", 3: "straße", 4: "strasse", 5: "josé"}
	rows, err := db.QueryContext(ctx, "SELECT id, username_key FROM users")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[int64]string{}
	for rows.Next() {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			t.Fatal(err)
		}
		got[id] = key
	}
	for id, k := range want {
		if got[id] != k {
			t.Errorf("user %d: username_key %q, want %q", id, got[id], k)
		}
	}
}

// TestRekeyCherokee: the username_key_cherokee migration moves the keys of
// Cherokee names from the small letters (the earlier rule) to the capitals,
// and leaves every other key alone.
func TestRekeyCherokee(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	before := fstest.MapFS{"0001_users.sql": file(`CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT NOT NULL,
		username_key TEXT NOT NULL UNIQUE);
		INSERT INTO users VALUES (1, 'Ꮑ', 'ꮑ'), (2, 'ꮎꮳ', 'ꮎꮳ'), (3, 'Viewer', 'viewer');`)}
	if _, err := sqlstore.Migrate(ctx, db, before, dialect); err != nil {
		t.Fatal(err)
	}
	after := fstest.MapFS{"0001_users.sql": before["0001_users.sql"],
		"0002_username_key_cherokee.sql": file("-- the Go step does the work")}
	if applied, err := sqlstore.Migrate(ctx, db, after, dialect); err != nil || len(applied) != 1 {
		t.Fatalf("Migrate = %v, %v; want [2] applied", applied, err)
	}
	want := map[int64]string{1: "Ꮑ", 2: "ᎾᏣ", 3: "viewer"}
	for id, k := range want {
		var got string
		if err := db.QueryRowContext(ctx, "SELECT username_key FROM users WHERE id = $1", id).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != k {
			t.Errorf("user %d: username_key %q, want %q", id, got, k)
		}
	}
}
