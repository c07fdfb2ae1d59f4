package soapapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/clientip"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/soap"
)

// authenticate decides who the call acts as:
//   - a fueloauth header: the token decides (v2 or v1 access token);
//   - a legacy oAuth header: the legacy token decides;
//   - otherwise a WS-Security UsernameToken authenticates an API user.
//
// A token beside a real (not "*"/"*") UsernameToken is ambiguous and fails.
// No credentials at all fail. Every failure is auth.ErrLoginFailed, except a
// token past its expiry (auth.ErrTokenExpired).
func (h *Handler) authenticate(ctx context.Context, env *soap.Envelope, r *http.Request) (*manage.Actor, error) {
	a, method, err := h.verify(ctx, env, r)
	outcome := "success"
	switch {
	case errors.Is(err, auth.ErrTokenExpired):
		outcome = "expired"
	case err != nil:
		outcome = "failure"
	default:
		h.calls.add(h.Now())
	}
	if h.Logins != nil {
		h.Logins.Login(method, outcome)
	}
	return a, err
}

// verify checks the credentials and names the method used.
func (h *Handler) verify(ctx context.Context, env *soap.Envelope, r *http.Request) (*manage.Actor, string, error) {
	hdr := env.Header
	var ut *soap.UsernameToken
	if hdr.Security != nil {
		if err := h.Auth.CheckTimestamp(timestamp(hdr.Security.Timestamp)); err != nil {
			return nil, "timestamp", err
		}
		ut = hdr.Security.UsernameToken
	}
	realUT := ut != nil && !ut.IsPlaceholder()
	switch {
	case hdr.HasFuelOAuth && hdr.HasOAuth, (hdr.HasFuelOAuth || hdr.HasOAuth) && realUT:
		return nil, "ambiguous", auth.ErrLoginFailed
	case hdr.HasFuelOAuth:
		a, err := h.Auth.VerifyToken(ctx, hdr.FuelOAuth, fuelgate.TokenAccess, fuelgate.TokenLegacyAccess)
		return withSource(a, r), "token", err
	case hdr.HasOAuth:
		a, err := h.Auth.VerifyToken(ctx, hdr.OAuthToken, fuelgate.TokenLegacy)
		return withSource(a, r), "legacy_token", err
	case realUT:
		method := "password_text"
		if ut.PasswordType == soap.PasswordDigest {
			method = "password_digest"
		}
		a, err := h.Auth.VerifyUser(ctx, credential(ut), clientip.From(r))
		return a, method, err
	}
	return nil, "none", auth.ErrLoginFailed
}

func withSource(a *manage.Actor, r *http.Request) *manage.Actor {
	if a == nil {
		return nil
	}
	return a.WithSourceIP(clientip.From(r))
}

// credential is the auth.Credential of a decoded UsernameToken.
func credential(ut *soap.UsernameToken) auth.Credential {
	return auth.Credential{Username: ut.Username, Password: ut.Password, HasPassword: ut.HasPassword,
		Digest: ut.PasswordType == soap.PasswordDigest, Nonce: ut.Nonce, HasNonce: ut.HasNonce,
		Created: ut.Created, CreatedAt: ut.CreatedAt, HasCreated: ut.HasCreated}
}

// timestamp is the auth.Timestamp of a decoded wsu:Timestamp (nil: none).
func timestamp(ts *soap.Timestamp) *auth.Timestamp {
	if ts == nil {
		return nil
	}
	return &auth.Timestamp{Created: ts.Created, Expires: ts.Expires, HasCreated: ts.HasCreated, HasExpires: ts.HasExpires}
}
