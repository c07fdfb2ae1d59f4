// Package sqlstore is the SQL plumbing shared by fuelgate's SQL storage
// backends: a transaction helper, a migration runner for
// embedded NNNN_name.sql files, and the whole fuelgate.Store implementation
// written once against database/sql.
//
// Queries use $1, $2 … placeholders, INSERT … RETURNING and
// INSERT … ON CONFLICT, which both SQLite (modernc.org/sqlite) and PostgreSQL
// accept. A backend supplies only its driver, its migrations and a Dialect
// describing the few differences.
//
// Storage conventions, which every backend's migrations must follow:
//   - times are BIGINT Unix microseconds in UTC, 0 for the zero time;
//   - durations are BIGINT nanoseconds;
//   - booleans are written and scanned as Go bool (INTEGER 0/1 in SQLite,
//     BOOLEAN in PostgreSQL);
//   - hashes and sealed secrets are blobs, NULL when empty, so they read back
//     as nil;
//   - scopes are one space-separated TEXT column;
//   - user BUs, user roles, package BUs and role permissions live in join
//     tables and read back sorted ascending and without duplicates; an empty
//     set reads back as a nil slice.
//
// When several instances share one database, the expired-row sweeps
// (Delete…Before) run under Dialect.TryLock, so one instance sweeps at a
// time and the others skip that round.
//
// The Store holds no rules and no clock: it stores timestamps as given,
// compares with the times callers pass, and checks only existence and
// uniqueness.
package sqlstore
