package fuelgate

import "time"

// AuthCode is an authorization code as stored: /v2/authorize issues it to a
// web or public app once a user has signed in and chosen a business unit,
// and the app trades it at /v2/token exactly once. Only SHA-256 of the code
// text is kept. It binds the client, the redirect URI, the user, the BU and
// the PKCE challenge.
type AuthCode struct {
	Hash        []byte // SHA-256 of the code
	PackageID   int64
	ClientID    string
	UserID      int64
	MID         int64
	Scopes      []string
	RedirectURI string
	// Challenge is the PKCE code_challenge (method S256) sent to
	// /v2/authorize, "" when none was sent.
	Challenge string
	// Family names the authorization: the tokens issued for this code carry
	// it, so that a reused code revokes them.
	Family    string
	IssuedAt  time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // zero until traded
}

// Used reports whether the code was traded already.
func (c *AuthCode) Used() bool { return !c.UsedAt.IsZero() }

// AuthCodeLifetime is how long an authorization code may be traded (SFMC: 5 minutes).
const AuthCodeLifetime = 5 * time.Minute
