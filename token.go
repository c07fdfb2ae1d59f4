package fuelgate

import (
	"slices"
	"time"
)

// TokenKind says what a token is for and where it is accepted.
type TokenKind string

// Token kinds.
const (
	TokenAccess       TokenKind = "access"        // v2 access token (fueloauth)
	TokenLegacyAccess TokenKind = "legacy_access" // v1 accessToken (fueloauth)
	TokenLegacy       TokenKind = "legacy"        // v1 legacyToken (<oAuth><oAuthToken>)
	TokenRefresh      TokenKind = "refresh"       // v1 refresh token, single use
	TokenAppRefresh   TokenKind = "app_refresh"   // v2 refresh token of a web or public app: rotates, one family per authorization
)

// Token is an issued token as stored: only SHA-256 of the token text is kept.
type Token struct {
	Hash      []byte // SHA-256 of the token
	Kind      TokenKind
	PackageID int64
	ClientID  string
	MID       int64
	Scopes    []string
	IssuedAt  time.Time
	ExpiresAt time.Time
	RevokedAt time.Time // zero unless revoked
	// UserID is the Marketing Cloud user a web or public app's token acts
	// for; 0 for a package's own tokens.
	UserID int64
	// Family names the authorization a web or public app's token descends
	// from: every token issued from one authorization code, and from the
	// refresh tokens that followed it, shares it ("" for other tokens). A
	// reused code or refresh token revokes the whole family.
	Family string
}

// Revoked reports whether the token was revoked.
func (t *Token) Revoked() bool { return !t.RevokedAt.IsZero() }

// Expired reports whether the token has expired at now.
func (t *Token) Expired(now time.Time) bool { return !now.Before(t.ExpiresAt) }

// HasScope reports whether the token carries scope.
func (t *Token) HasScope(scope string) bool { return slices.Contains(t.Scopes, scope) }

// TokenFilter selects tokens. Zero fields do not filter; at least one field
// must be set.
type TokenFilter struct {
	PackageID int64
	MID       int64
	UserID    int64
	Family    string
	Kind      TokenKind
}

// MatchesSealed reports whether f can match a sealed access token: one of
// a package's own v2 access tokens, which name no user and no family.
func (f TokenFilter) MatchesSealed() bool {
	return f.UserID == 0 && f.Family == "" && (f.Kind == "" || f.Kind == TokenAccess)
}

// TokenRevocations is what refuses sealed access tokens, which are not
// stored and so cannot be marked revoked one by one.
type TokenRevocations struct {
	// Epochs maps a package and BU to a time: their sealed tokens issued at
	// or before it are revoked. A zero PackageID or MID matches any.
	Epochs map[TokenEpoch]time.Time
	// Denied holds the SHA-256 of sealed token texts revoked one by one.
	Denied map[string]bool
}

// TokenEpoch names the sealed tokens a revocation epoch applies to: those
// of a package, of a BU, or of a package in a BU (0: any).
type TokenEpoch struct{ PackageID, MID int64 }

// Refuses reports whether t, a sealed token (its Hash the SHA-256 of its
// text), was revoked.
func (r *TokenRevocations) Refuses(t *Token) bool {
	if r.Denied[string(t.Hash)] {
		return true
	}
	for _, k := range [...]TokenEpoch{{t.PackageID, t.MID}, {t.PackageID, 0}, {0, t.MID}, {0, 0}} {
		if before, ok := r.Epochs[k]; ok && !t.IssuedAt.After(before) {
			return true
		}
	}
	return false
}

// TokenGrace is how long an expired token stays stored, so that a late caller
// is still told "Token Expired" (which SDKs act on) rather than "Login Failed".
const TokenGrace = 24 * time.Hour
