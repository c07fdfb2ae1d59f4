package manage

import (
	"context"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/fuelgate/fuelgate"
)

// Web and public apps: a Marketing Cloud user authorizes an installed
// package's app in one business unit (GET /v2/authorize), and the app's
// tokens then act for that user there. This file holds the rules of those
// packages and the one decision about what such a token may do (OpAppToken).

// MaxRedirectURIs bounds the redirect URIs of one package.
const MaxRedirectURIs = 20

// validIntegration checks the integration type of a new package and its
// redirect URIs, filling in the default type and dropping duplicate URIs.
func validIntegration(in *NewPackage) error {
	if in.Type == "" {
		in.Type = fuelgate.IntegrationServerToServer
	}
	switch in.Type {
	case fuelgate.IntegrationServerToServer:
		if len(in.RedirectURIs) > 0 {
			return fuelgate.Errorf(fuelgate.EINVALID, "redirect URIs are for web and public apps, not server-to-server integrations")
		}
		if in.RequirePKCE {
			return fuelgate.Errorf(fuelgate.EINVALID, "PKCE is for web and public apps, not server-to-server integrations")
		}
		return nil
	case fuelgate.IntegrationWebApp, fuelgate.IntegrationPublicApp:
	default:
		return fuelgate.Errorf(fuelgate.EINVALID, "integration type %q is not one of %s, %s, %s", fuelgate.Truncate(string(in.Type), 64),
			fuelgate.IntegrationServerToServer, fuelgate.IntegrationWebApp, fuelgate.IntegrationPublicApp)
	}
	if in.Legacy {
		return fuelgate.Errorf(fuelgate.EINVALID, "a legacy package is server-to-server only")
	}
	if len(in.RedirectURIs) == 0 {
		return fuelgate.Errorf(fuelgate.EINVALID, "redirect URI: a web or public app needs at least one")
	}
	var uris []string
	for _, u := range in.RedirectURIs {
		if err := validRedirectURI(u); err != nil {
			return err
		}
		if !slices.Contains(uris, u) {
			uris = append(uris, u)
		}
	}
	if len(uris) > MaxRedirectURIs {
		return fuelgate.Errorf(fuelgate.EINVALID, "redirect URI: at most %d per package", MaxRedirectURIs)
	}
	in.RedirectURIs = uris
	return nil
}

// validRedirectURI accepts an absolute URL without user information or
// fragment (RFC 6749 §3.1.2), https, or http on a loopback host (RFC 8252
// §7.3: an app on the user's own machine). Requests must then name it
// exactly as registered.
func validRedirectURI(s string) error {
	bad := func(why string) error {
		return fuelgate.Errorf(fuelgate.EINVALID, "redirect URI %q: %s", fuelgate.Truncate(s, 64), why)
	}
	if len(s) > 2000 {
		return bad("longer than 2000 characters")
	}
	if strings.IndexFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
		return bad("contains a space or a control character")
	}
	u, err := url.Parse(s)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "":
		return bad("not an absolute URL")
	case u.User != nil:
		return bad("must not contain a user name or password")
	case strings.Contains(s, "#"):
		return bad("must not contain a fragment")
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && loopback(u.Hostname()):
		return nil
	}
	return bad("must use https (http only on a loopback host: 127.0.0.1, [::1], localhost)")
}

// loopback reports whether host names this machine.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// AppUserActor returns the actor of a token of the web or public app pkg
// acting for user userID in mid with scopes (OpAppToken), and "" — or nil
// and the reason the token may not act, for the audit trail. The token holds
// the permissions of its scopes that the user holds too; it reaches only
// mid, which the user and the package must both reach and which must be
// active; the user must be active, not locked, with an active default BU,
// in the package's enterprise, and the package enabled. Everything is read
// as stored now, so a change to the user, their roles or the BU takes effect
// on the token's next verification.
func (s *Service) AppUserActor(ctx context.Context, pkg *fuelgate.Package, userID, mid int64, scopes []string, tokenKind fuelgate.TokenKind) (*Actor, string, error) {
	if !pkg.UserApp() || !pkg.Enabled {
		return nil, "package is not an enabled web or public app", nil
	}
	u, err := s.store.User(ctx, userID)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
		return nil, "user not found", nil
	}
	if err != nil {
		return nil, "", err
	}
	if u.EnterpriseMID != pkg.EnterpriseMID {
		return nil, "user of another enterprise", nil
	}
	if u.IsLocked(s.now()) {
		return nil, "user locked", nil
	}
	perms, reason, err := s.signInHoldings(ctx, u, ChannelApp)
	if err != nil || reason != "" {
		return nil, reason, err
	}
	if reason := s.appBURefusal(ctx, pkg, userActor(u, perms), mid); reason != "" {
		return nil, reason, nil
	}
	return appActor(pkg, u, perms, mid, scopes, tokenKind), "", nil
}

// appBURefusal returns why user actor a may not use pkg in mid, or "".
func (s *Service) appBURefusal(ctx context.Context, pkg *fuelgate.Package, a *Actor, mid int64) string {
	switch {
	case !a.Reaches(mid):
		return ReasonUserReach
	case !pkg.CanReach(mid):
		return ReasonPackageReach
	}
	acct, err := s.account(ctx, mid)
	if err != nil || !acct.Active {
		return ReasonBUInactive
	}
	return ""
}

// AppBUs returns, by MID, the business units where the signed-in user a may
// authorize the web or public app pkg: those both reach that are active.
// None when pkg is not an enabled app of a's enterprise.
func (s *Service) AppBUs(ctx context.Context, a *Actor, pkg *fuelgate.Package) ([]*fuelgate.Account, error) {
	if err := a.check(OpAppToken); err != nil {
		return nil, err
	}
	out := []*fuelgate.Account{}
	if !pkg.UserApp() || !pkg.Enabled || pkg.EnterpriseMID != a.enterprise {
		return out, nil
	}
	for _, mid := range a.reach {
		if s.appBURefusal(ctx, pkg, a, mid) == "" {
			acct, err := s.account(ctx, mid)
			if err != nil {
				return nil, err
			}
			out = append(out, acct)
		}
	}
	return out, nil
}

// The reasons AppUserActor gives when the business unit is what the token
// may not act in (so that a request naming that BU can be told so).
const (
	ReasonUserReach    = "business unit out of the user's reach"
	ReasonPackageReach = "business unit out of the package's reach"
	ReasonBUInactive   = "business unit inactive"
)
