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
func (h *Handler) authenticate(ctx context.Context, env *soap.Envelope, r *http.Request) (*auth.Principal, error) {
	p, method, err := h.verify(ctx, env, r)
	outcome := "success"
	switch {
	case errors.Is(err, auth.ErrTokenExpired):
		outcome = "expired"
	case err != nil:
		outcome = "failure"
	}
	h.Auth.ObserveLogin(method, outcome)
	return p, err
}

// verify checks the credentials and names the method used.
func (h *Handler) verify(ctx context.Context, env *soap.Envelope, r *http.Request) (*auth.Principal, string, error) {
	hdr := env.Header
	var ut *soap.UsernameToken
	if hdr.Security != nil {
		if err := h.Auth.CheckTimestamp(hdr.Security.Timestamp); err != nil {
			return nil, "timestamp", err
		}
		ut = hdr.Security.UsernameToken
	}
	realUT := ut != nil && !ut.IsPlaceholder()
	switch {
	case hdr.HasFuelOAuth && hdr.HasOAuth, (hdr.HasFuelOAuth || hdr.HasOAuth) && realUT:
		return nil, "ambiguous", auth.ErrLoginFailed
	case hdr.HasFuelOAuth:
		p, err := h.Auth.VerifyToken(ctx, hdr.FuelOAuth, fuelgate.TokenAccess, fuelgate.TokenLegacyAccess)
		return p, "token", err
	case hdr.HasOAuth:
		p, err := h.Auth.VerifyToken(ctx, hdr.OAuthToken, fuelgate.TokenLegacy)
		return p, "legacy_token", err
	case realUT:
		method := "password_text"
		if ut.PasswordType == soap.PasswordDigest {
			method = "password_digest"
		}
		p, err := h.Auth.VerifyUser(ctx, ut, clientip.From(r))
		return p, method, err
	}
	return nil, "none", auth.ErrLoginFailed
}

// actorFor is the manage actor of a principal, for writes.
func (h *Handler) actorFor(p *auth.Principal, r *http.Request) *manage.Actor {
	if p.Kind == auth.PrincipalUser {
		return manage.UserActor(p.User, p.Perms, clientip.From(r))
	}
	return manage.ClientActor(p.ClientID, p.EnterpriseMID, p.MID, p.Scopes, clientip.From(r))
}

// allowed reports whether the principal meets an access requirement.
func allowed(p *auth.Principal, scope, perm string) bool { return p.Allowed(scope, perm) }
