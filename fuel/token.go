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
	Expiry time.Time
	// Lifetime is expires_in as received.
	Lifetime time.Duration
	// Scope is the granted scope, space-separated as sent.
	Scope string
	// SOAPInstanceURL and RESTInstanceURL are the tenant's endpoints (empty
	// for legacy tokens).
	SOAPInstanceURL string
	RESTInstanceURL string
	// AccountID is the MID the token was requested for (0: the package's
	// own BU).
	AccountID int64
	// LegacyToken is the v1 legacyToken (legacy mode with LegacyToken set).
	LegacyToken string

	// refreshToken is the single-use v1 refresh token (legacy mode only; a
	// refresh_token in a client_credentials answer is never kept).
	refreshToken string
}

// Scopes returns Scope split on spaces.
func (t *Token) Scopes() []string {
	if t == nil {
		return nil
	}
	return strings.Fields(t.Scope)
}

// Expired reports whether the token has expired at now.
func (t *Token) Expired(now time.Time) bool {
	return t == nil || t.AccessToken == "" || !now.Before(t.Expiry)
}

// refreshAt returns the instant from which t is no longer handed out:
// Expiry minus the margin, the margin being capped at half the lifetime.
func (t *Token) refreshAt(margin time.Duration) time.Time {
	if t.Lifetime > 0 && margin > t.Lifetime/2 {
		margin = t.Lifetime / 2
	}
	return t.Expiry.Add(-margin)
}

// String describes the token without revealing it.
func (t *Token) String() string {
	if t == nil {
		return "fuel.Token(nil)"
	}
	return fmt.Sprintf("fuel.Token{MID: %d, expires: %s, scope: %q, access_token: [redacted]}",
		t.AccountID, t.Expiry.Format(time.RFC3339), t.Scope)
}

// GoString is String, so that %#v does not print the token either.
func (t *Token) GoString() string { return t.String() }
