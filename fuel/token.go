package fuel

import (
	"fmt"
	"strings"
	"time"
)

// Token is an access token and what came with it.
//
// The fields are read-only once a source has handed the token out: the same
// *Token is shared by every caller until it is refreshed.
type Token struct {
	// AccessToken goes into the fueloauth SOAP header (and a REST
	// Authorization: Bearer header). It is opaque.
	AccessToken string
	TokenType   string // "Bearer" for /v2/token
	// Expiry is the receive time plus expires_in, on the client's clock.
	// A zero Expiry never expires.
	Expiry time.Time
	// Lifetime is expires_in as received.
	Lifetime time.Duration
	// Scope is the granted scope, space-separated as sent.
	Scope string
	// SOAPInstanceURL and RESTInstanceURL are the tenant's endpoints. A
	// legacy token carries the SOAP URL found by endpoint discovery and no
	// REST URL.
	SOAPInstanceURL string
	RESTInstanceURL string
	// AccountID is the MID the token was requested for (0: the package's
	// own BU).
	AccountID int64
	// LegacyToken is the v1 legacyToken (LegacyPackage with LegacyToken
	// set).
	LegacyToken string
	// RefreshToken is the single-use refresh token that came with the
	// token: legacy packages, and web and public apps (each refresh returns
	// a new one and retires the old). The source that fetched the token
	// spends it on the next refresh; a legacy token refreshed elsewhere makes
	// that refresh fall back to the client credentials. A refresh_token in a
	// client_credentials answer is never kept.
	RefreshToken string
}

// Scopes returns Scope split on spaces.
func (t *Token) Scopes() []string {
	if t == nil {
		return nil
	}
	return strings.Fields(t.Scope)
}

// Expired reports whether the token has expired at now. A nil token or one
// without an AccessToken counts as expired; a zero Expiry never expires.
func (t *Token) Expired(now time.Time) bool {
	if t == nil || t.AccessToken == "" {
		return true
	}
	return !t.Expiry.IsZero() && !now.Before(t.Expiry)
}

// String describes the token without revealing it or its refresh token.
func (t *Token) String() string {
	if t == nil {
		return "fuel.Token(nil)"
	}
	return fmt.Sprintf("fuel.Token{MID: %d, expires: %s, scope: %q, access_token: [redacted]}",
		t.AccountID, t.Expiry.Format(time.RFC3339), t.Scope)
}

// GoString is String, so that %#v does not print the token either.
func (t *Token) GoString() string { return t.String() }
