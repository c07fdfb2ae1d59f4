package fuelgate

import (
	"context"
	"time"
)

// Store persists fuelgate's objects. It holds no rules: permission checks,
// validation and secret handling live in the auth and manage packages.
// Implementations return *Error values with ENOTFOUND for a missing object and
// ECONFLICT for a uniqueness violation. Update functions run fn inside one
// transaction against the current stored value; if fn returns an error nothing
// is written. Every backend must pass the storetest conformance suite.
type Store interface {
	// Atomic runs fn in one transaction: every write made through tx is
	// committed together or not at all. Nested calls join the outer
	// transaction.
	//
	// fn may run more than once: SQLite's group commit runs the functions of
	// several callers in one transaction and, when one of them fails, rolls
	// it back and runs them all again, each inside a savepoint. Each run
	// starts from a view without the writes of earlier runs; only the last
	// run's writes are committed, and Atomic returns the last run's error.
	// So fn reads what it needs through tx on every run, keeps no state from
	// one run to the next (assigning a result on every run is fine, appending
	// to it is not), and has no effect outside tx that must not happen twice
	// (sending a message, counting an event): do those after Atomic returns.
	// storetest's AtomicRerun holds every backend to this.
	Atomic(ctx context.Context, fn func(tx Store) error) error

	// Ping checks, cheaply, that the database answers queries on fuelgate's
	// schema (a readiness check): it reads at most one row.
	Ping(ctx context.Context) error

	CreateAccount(ctx context.Context, a *Account) error
	Account(ctx context.Context, mid int64) (*Account, error)
	Accounts(ctx context.Context, f AccountFilter) ([]*Account, error)
	UpdateAccount(ctx context.Context, mid int64, fn func(*Account) error) (*Account, error)

	Settings(ctx context.Context, enterpriseMID int64) (*Settings, error)
	PutSettings(ctx context.Context, s *Settings) error

	CreateUser(ctx context.Context, u *User) error // sets u.ID
	User(ctx context.Context, id int64) (*User, error)
	UserByUsername(ctx context.Context, username string) (*User, error)
	Users(ctx context.Context, f UserFilter) ([]*User, error)
	UpdateUser(ctx context.Context, id int64, fn func(*User) error) (*User, error)

	// Custom roles only; system roles live in code (SystemRoles).
	CreateRole(ctx context.Context, r *Role) error
	Role(ctx context.Context, id string) (*Role, error)
	Roles(ctx context.Context, enterpriseMID int64) ([]*Role, error)
	UpdateRole(ctx context.Context, id string, fn func(*Role) error) (*Role, error)

	CreatePackage(ctx context.Context, p *Package) error // sets p.ID
	Package(ctx context.Context, id int64) (*Package, error)
	PackageByClientID(ctx context.Context, clientID string) (*Package, error)
	Packages(ctx context.Context, f PackageFilter) ([]*Package, error)
	UpdatePackage(ctx context.Context, id int64, fn func(*Package) error) (*Package, error)

	CreateToken(ctx context.Context, t *Token) error
	Token(ctx context.Context, hash []byte) (*Token, error)
	// RevokeToken marks one token revoked at at. It returns ENOTFOUND for an
	// unknown token and ECONFLICT if it was already revoked, so that a
	// single-use token can be consumed exactly once.
	RevokeToken(ctx context.Context, hash []byte, at time.Time) error
	// RevokeTokens revokes every unrevoked, unexpired token matching f and
	// returns how many stored tokens it revoked. When f can match sealed
	// access tokens (TokenFilter.MatchesSealed), which are not stored, it
	// also records a revocation epoch (see TokenRevocations) in the same
	// transaction.
	RevokeTokens(ctx context.Context, f TokenFilter, at time.Time) (int64, error)
	// DenyToken records that the sealed token whose text has SHA-256 hash
	// is revoked; the denial is kept until expiresAt (and swept with the
	// tokens expired before the sweep's time). Denying twice is no error.
	DenyToken(ctx context.Context, hash []byte, expiresAt time.Time) error
	// TokenRevocations returns every revocation epoch and every denial
	// that has not been swept.
	TokenRevocations(ctx context.Context) (*TokenRevocations, error)
	// DeleteTokensExpiredBefore deletes tokens, and denials of sealed
	// tokens, whose expiry is before t.
	DeleteTokensExpiredBefore(ctx context.Context, t time.Time) (int64, error)
	CountTokens(ctx context.Context) (int64, error)
	// LiveTokens returns at most limit unrevoked tokens matching f (which
	// must set UserID or Family) that expire after now, newest first.
	LiveTokens(ctx context.Context, f TokenFilter, now time.Time, limit int) ([]*Token, error)

	// CreateAuthCode stores an authorization code; ECONFLICT if its hash is
	// already stored.
	CreateAuthCode(ctx context.Context, c *AuthCode) error
	AuthCode(ctx context.Context, hash []byte) (*AuthCode, error)
	// UseAuthCode marks a code used at at. It returns ENOTFOUND for an
	// unknown code and ECONFLICT if it was used already, so that of
	// concurrent trades exactly one succeeds.
	UseAuthCode(ctx context.Context, hash []byte, at time.Time) error
	DeleteAuthCodesExpiredBefore(ctx context.Context, t time.Time) (int64, error)

	// UseNonce records a UsernameToken nonce for a user until expires. It
	// returns false if the same (user, nonceHash) is already recorded and
	// its expiry is not before now: a replay. A record that expired before
	// now no longer counts; it is replaced and the nonce is fresh again.
	UseNonce(ctx context.Context, userID int64, nonceHash []byte, now, expires time.Time) (bool, error)
	DeleteNoncesExpiredBefore(ctx context.Context, t time.Time) (int64, error)

	AppendAudit(ctx context.Context, e *AuditEvent) error // sets e.ID
	AuditEvents(ctx context.Context, f AuditFilter) ([]*AuditEvent, error)
	DeleteAuditBefore(ctx context.Context, t time.Time) (int64, error)

	Close() error
}
