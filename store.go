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
	// committed together or not at all. Nested calls join the outer transaction.
	Atomic(ctx context.Context, fn func(tx Store) error) error

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
	// returns how many it revoked.
	RevokeTokens(ctx context.Context, f TokenFilter, at time.Time) (int64, error)
	// DeleteTokensExpiredBefore deletes tokens whose expiry is before t.
	DeleteTokensExpiredBefore(ctx context.Context, t time.Time) (int64, error)
	CountTokens(ctx context.Context) (int64, error)

	// UseNonce records a UsernameToken nonce for a user until expires. It
	// returns false if the same (user, nonceHash) is already recorded: a replay.
	UseNonce(ctx context.Context, userID int64, nonceHash []byte, expires time.Time) (bool, error)
	DeleteNoncesExpiredBefore(ctx context.Context, t time.Time) (int64, error)

	AppendAudit(ctx context.Context, e *AuditEvent) error // sets e.ID
	AuditEvents(ctx context.Context, f AuditFilter) ([]*AuditEvent, error)
	DeleteAuditBefore(ctx context.Context, t time.Time) (int64, error)

	Close() error
}
