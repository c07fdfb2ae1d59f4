package fuelgate

import "time"

// Token kinds.
const (
	TokenAccess       = "access"        // v2 access token (fueloauth)
	TokenLegacyAccess = "legacy_access" // v1 accessToken (fueloauth)
	TokenLegacy       = "legacy"        // v1 legacyToken (<oAuth><oAuthToken>)
	TokenRefresh      = "refresh"       // v1 refresh token, single use
)

// Token is an issued token as stored: only SHA-256 of the token text is kept.
type Token struct {
	Hash      []byte // SHA-256 of the token
	Kind      string
	PackageID int64
	ClientID  string
	MID       int64
	Scopes    []string
	IssuedAt  time.Time
	ExpiresAt time.Time
	RevokedAt time.Time // zero unless revoked
}

// Revoked reports whether the token was revoked.
func (t *Token) Revoked() bool { return !t.RevokedAt.IsZero() }

// Expired reports whether the token has expired at now.
func (t *Token) Expired(now time.Time) bool { return !now.Before(t.ExpiresAt) }

// HasScope reports whether the token carries scope.
func (t *Token) HasScope(scope string) bool { return containsString(t.Scopes, scope) }

// TokenFilter selects tokens for bulk revocation. At least one field must be set.
type TokenFilter struct {
	PackageID int64
	MID       int64
}

// TokenGrace is how long an expired token stays stored, so that a late caller
// is still told "Token Expired" (which SDKs act on) rather than "Login Failed".
const TokenGrace = 24 * time.Hour
