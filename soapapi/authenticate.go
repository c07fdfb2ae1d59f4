package soapapi

import (
	"context"
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
	hdr := env.Header
	var ut *soap.UsernameToken
	if hdr.Security != nil {
		if err := h.Auth.CheckTimestamp(hdr.Security.Timestamp); err != nil {
			return nil, err
		}
		ut = hdr.Security.UsernameToken
	}
	realUT := ut != nil && !ut.IsPlaceholder()
	switch {
	case hdr.HasFuelOAuth && hdr.HasOAuth, (hdr.HasFuelOAuth || hdr.HasOAuth) && realUT:
		return nil, auth.ErrLoginFailed
	case hdr.HasFuelOAuth:
		return h.Auth.VerifyToken(ctx, hdr.FuelOAuth, fuelgate.TokenAccess, fuelgate.TokenLegacyAccess)
	case hdr.HasOAuth:
		return h.Auth.VerifyToken(ctx, hdr.OAuthToken, fuelgate.TokenLegacy)
	case realUT:
		return h.Auth.VerifyUser(ctx, ut, clientip.From(r))
	}
	return nil, auth.ErrLoginFailed
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
