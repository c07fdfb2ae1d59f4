package auth_test

import (
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/manage"
)

// TestSealedRevocationAcrossInstances: sealed tokens are not stored, yet
// revoking one, disabling its package and deactivating its BU refuse it on
// the instance that made the change at once, on another instance sharing
// the store within TokenCacheTTL, and on an instance started afterwards
// from the start; re-enabling does not bring old tokens back, new ones
// work, and an expired one says "Token Expired" everywhere.
func TestSealedRevocationAcrossInstances(t *testing.T) {
	e := newEnv(t)
	a := e.Server.Auth // the server's instance: manage's changes reach it at once
	instance := func() *auth.Service {
		return auth.New(auth.Config{Store: e.Store, Keys: e.Keys, Manage: e.Manage, Now: e.Clock.Now})
	}
	b := instance() // another process: sees changes within TokenCacheTTL
	verify := func(what string, s *auth.Service, token string, want error) {
		t.Helper()
		_, err := s.VerifyToken(ctx, token)
		wantErr(t, what, err, want)
	}
	afterTTL := func() { e.Clock.Advance(16 * time.Second) } // the default TokenCacheTTL is 15 s
	tick := func() { e.Clock.Advance(time.Millisecond) }

	revoked := grant(t, a, auth.GrantRequest{ClientID: e.ClientID, ClientSecret: e.ClientSecret}).AccessToken
	kept := grant(t, a, auth.GrantRequest{ClientID: e.ClientID, ClientSecret: e.ClientSecret}).AccessToken
	child := grant(t, a, auth.GrantRequest{ClientID: e.ClientID, ClientSecret: e.ClientSecret, AccountID: e.Child.MID}).AccessToken
	for _, s := range []*auth.Service{a, b} {
		verify("fresh token", s, revoked, nil)
		verify("fresh child token", s, child, nil)
	}

	// One token revoked by its client (RFC 7009).
	if err := a.Revoke(ctx, e.ClientID, e.ClientSecret, revoked, "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	verify("revoked token, same instance", a, revoked, auth.ErrLoginFailed)
	verify("other token, same instance", a, kept, nil)
	afterTTL()
	verify("revoked token, other instance after the TTL", b, revoked, auth.ErrLoginFailed)
	verify("revoked token, new instance", instance(), revoked, auth.ErrLoginFailed)
	verify("other token, other instance", b, kept, nil)

	// A BU deactivated: its tokens go, and stay gone when it comes back.
	tick()
	active, inactive := true, false
	if _, err := e.Manage.UpdateBusinessUnit(ctx, manage.Operator(), e.Child.MID, nil, &inactive); err != nil {
		t.Fatal(err)
	}
	verify("token of a deactivated BU", a, child, auth.ErrLoginFailed)
	verify("token of the active parent", a, kept, nil)
	if _, err := e.Manage.UpdateBusinessUnit(ctx, manage.Operator(), e.Child.MID, nil, &active); err != nil {
		t.Fatal(err)
	}
	afterTTL()
	verify("token of a reactivated BU, other instance", b, child, auth.ErrLoginFailed)
	verify("token of a reactivated BU, new instance", instance(), child, auth.ErrLoginFailed)

	// The package disabled: every token goes; enabled again, new ones work.
	tick()
	if _, err := e.Manage.SetPackageEnabled(ctx, manage.Operator(), e.ClientID, false); err != nil {
		t.Fatal(err)
	}
	verify("token of a disabled package", a, kept, auth.ErrLoginFailed)
	afterTTL()
	verify("token of a disabled package, other instance", b, kept, auth.ErrLoginFailed)
	tick()
	if _, err := e.Manage.SetPackageEnabled(ctx, manage.Operator(), e.ClientID, true); err != nil {
		t.Fatal(err)
	}
	tick()
	fresh := grant(t, a, auth.GrantRequest{ClientID: e.ClientID, ClientSecret: e.ClientSecret}).AccessToken
	afterTTL()
	for _, s := range []*auth.Service{a, b, instance()} {
		verify("token issued before the package was disabled", s, kept, auth.ErrLoginFailed)
		verify("token issued after it was enabled again", s, fresh, nil)
	}

	// Expired: "Token Expired", not "Login Failed", on every instance.
	e.Clock.Advance(21 * time.Minute)
	for _, s := range []*auth.Service{a, b, instance()} {
		verify("expired token", s, fresh, auth.ErrTokenExpired)
	}
}
