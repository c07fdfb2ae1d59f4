// Package fueloauth2 connects the fuel SDK and golang.org/x/oauth2: the
// oauth2.Endpoint of a Marketing Cloud (or fuelgate) auth service for the
// web and public app flows, and a fuel.TokenSource over any
// oauth2.TokenSource, so that an application already built on
// oauth2.Config (with S256ChallengeOption and VerifierOption for PKCE)
// drives a fuel.Client with its tokens.
//
// It is a separate package so that fuel itself imports the standard
// library only.
package fueloauth2

import (
	"context"
	"strings"

	"golang.org/x/oauth2"

	"github.com/fuelgate/fuelgate/fuel"
)

// Endpoint returns the endpoint of the auth service at authBaseURL (the
// package's "Authentication Base URI"): {authBaseURL}/v2/authorize and
// {authBaseURL}/v2/token. fuelgate accepts the client secret in the body or
// by HTTP Basic, and a public app's empty Basic password, so the default
// AuthStyle (auto-detect) works against it. Note that SFMC documents JSON
// bodies for /v2/token; x/oauth2 sends form bodies.
func Endpoint(authBaseURL string) oauth2.Endpoint {
	base := strings.TrimRight(authBaseURL, "/")
	return oauth2.Endpoint{AuthURL: base + "/v2/authorize", TokenURL: base + "/v2/token"}
}

// TokenSource returns a fuel.TokenSource over ts. Each token carries the
// soap_instance_url and rest_instance_url of the token answer, so that a
// fuel.Client finds the SOAP endpoint. x/oauth2's Token takes no context:
// its requests run on the context ts was made with (oauth2.Config's
// TokenSource(ctx, tok), which also caches and refreshes).
func TokenSource(ts oauth2.TokenSource) fuel.TokenSource { return source{ts} }

type source struct{ ts oauth2.TokenSource }

func (s source) Token(ctx context.Context) (*fuel.Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t, err := s.ts.Token()
	if err != nil {
		return nil, err
	}
	return FromToken(t), nil
}

// FromToken converts an x/oauth2 token to a fuel token.
func FromToken(t *oauth2.Token) *fuel.Token {
	str := func(k string) string { v, _ := t.Extra(k).(string); return v }
	return &fuel.Token{AccessToken: t.AccessToken, TokenType: t.Type(), Expiry: t.Expiry, Scope: str("scope"),
		SOAPInstanceURL: str("soap_instance_url"), RESTInstanceURL: str("rest_instance_url"), RefreshToken: t.RefreshToken}
}
