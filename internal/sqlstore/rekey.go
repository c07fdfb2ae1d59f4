package sqlstore

import (
	"context"
	"database/sql"
	"strings"
)

// goSteps are the migrations that SQL alone cannot express, by the name of
// their file without the version (NNNN_) and .sql: Migrate runs the step in
// the migration's transaction, after its SQL.
var goSteps = map[string]func(ctx context.Context, tx *sql.Tx) error{
	"username_key_fold.sql":     rekeyUsernames,
	"username_key_cherokee.sql": rekeyUsernames,
}

// goStep returns the Go step of the migration file name, if it has one.
func goStep(name string) func(context.Context, *sql.Tx) error {
	_, rest, _ := strings.Cut(name, "_")
	return goSteps[rest]
}

// rekeyUsernames recomputes users.username_key with the canonical key (see
// package userkey) whenever the key's rule changes: username_key_fold
// replaced strings.ToLower (the two differ only for names with non-ASCII
// letters), username_key_cherokee folds Cherokee to the capitals. A user whose new key another
// user already holds (or took earlier in this step, by lower ID) keeps its
// old key: no spelling finds that user until an admin renames it
// (docs/security.md).
func rekeyUsernames(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, "SELECT id, username, username_key FROM users ORDER BY id")
	if err != nil {
		return err
	}
	type change struct {
		id  int64
		key string
	}
	var changes []change
	for rows.Next() {
		var id int64
		var name, key string
		if err := rows.Scan(&id, &name, &key); err != nil {
			rows.Close()
			return err
		}
		if k := usernameKey(name); k != key {
			changes = append(changes, change{id, k})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range changes {
		_, err := tx.ExecContext(ctx, `UPDATE users SET username_key = $1 WHERE id = $2
			AND NOT EXISTS (SELECT 1 FROM users WHERE username_key = $1)`, c.key, c.id)
		if err != nil {
			return err
		}
	}
	return nil
}
