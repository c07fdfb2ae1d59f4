package auth_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
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

// readCounter wraps a store and counts the reads a token verification may
// make.
type readCounter struct {
	fuelgate.Store
	reads atomic.Int64
}

func (c *readCounter) Token(ctx context.Context, hash []byte) (*fuelgate.Token, error) {
	c.reads.Add(1)
	return c.Store.Token(ctx, hash)
}

func (c *readCounter) TokenRevocations(ctx context.Context) (*fuelgate.TokenRevocations, error) {
	c.reads.Add(1)
	return c.Store.TokenRevocations(ctx)
}

func (c *readCounter) Package(ctx context.Context, id int64) (*fuelgate.Package, error) {
	c.reads.Add(1)
	return c.Store.Package(ctx, id)
}

func (c *readCounter) PackageByClientID(ctx context.Context, clientID string) (*fuelgate.Package, error) {
	c.reads.Add(1)
	return c.Store.PackageByClientID(ctx, clientID)
}

// TestSealedVerifiesWithoutStoreReads: once the package and revocation
// snapshots are loaded, a sealed token never seen before verifies with no
// store read; text that is no token of this server costs none either.
func TestSealedVerifiesWithoutStoreReads(t *testing.T) {
	e := newEnv(t)
	st := &readCounter{Store: e.Store}
	s := auth.New(auth.Config{Store: st, Keys: e.Keys, Manage: e.Manage, Now: e.Clock.Now})
	first := grant(t, e.Server.Auth, auth.GrantRequest{ClientID: e.ClientID, ClientSecret: e.ClientSecret}).AccessToken
	second := grant(t, e.Server.Auth, auth.GrantRequest{ClientID: e.ClientID, ClientSecret: e.ClientSecret}).AccessToken
	if _, err := s.VerifyToken(ctx, first); err != nil {
		t.Fatal(err)
	}
	if n := st.reads.Load(); n != 2 {
		t.Errorf("first sealed token: %d store reads, want 2 (the revocations and the package)", n)
	}
	st.reads.Store(0)
	if _, err := s.VerifyToken(ctx, second); err != nil {
		t.Fatal(err)
	}
	forged := []byte(second)
	forged[10] ^= 1
	for _, bad := range []string{string(forged), strings.Repeat("A", len(second)), strings.Repeat("B", 54)[:53] + "!"} {
		_, err := s.VerifyToken(ctx, bad)
		wantErr(t, "forged token", err, auth.ErrLoginFailed)
	}
	if n := st.reads.Load(); n != 0 {
		t.Errorf("another sealed token and three forgeries: %d store reads, want 0", n)
	}
}
