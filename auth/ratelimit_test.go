package auth_test

import (
	"errors"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/server"
)

// TestTokenRateLimit: each package may be issued TokenRate tokens a second
// after a burst of TokenBurst, on /v2/token and /v1/requestToken together;
// another package is not slowed; the limit refills; a negative rate turns
// it off.
func TestTokenRateLimit(t *testing.T) {
	e := newEnvWith(t, func(c *server.Config) { c.Auth.TokenRate, c.Auth.TokenBurst = 0.5, 3 })
	legacy, legacySecret := newPackage(t, e, manage.NewPackage{Legacy: true})
	other, otherSecret := newPackage(t, e, manage.NewPackage{})
	v2 := func(id, secret string) error {
		_, err := e.Server.Auth.Grant(ctx, auth.GrantRequest{ClientID: id, ClientSecret: secret})
		return err
	}
	v1 := func() error {
		_, err := e.Server.Auth.GrantLegacy(ctx, auth.LegacyRequest{ClientID: legacy.ClientID, ClientSecret: legacySecret})
		return err
	}
	for i := range 3 {
		if err := v2(e.ClientID, e.ClientSecret); err != nil {
			t.Fatalf("token %d of the burst: %v", i+1, err)
		}
	}
	var th *auth.Throttled
	if err := v2(e.ClientID, e.ClientSecret); !errors.As(err, &th) || th.Limit != "package" || th.RetrySeconds() != 2 {
		t.Fatalf("4th token: got %v, want a package throttle with a 2 s wait", err)
	}
	if err := v2(other.ClientID, otherSecret); err != nil {
		t.Errorf("another package: %v", err)
	}
	for range 3 {
		v1()
	}
	if err := v1(); !errors.As(err, &th) {
		t.Errorf("legacy package after its burst: got %v, want a throttle", err)
	}
	if err := v2(e.ClientID, "wrong-secret"); !errors.Is(err, auth.ErrInvalidClient) {
		t.Errorf("wrong secret while the package is limited: got %v, want ErrInvalidClient (the limit is for issued tokens)", err)
	}
	e.Clock.Advance(2 * time.Second)
	if err := v2(e.ClientID, e.ClientSecret); err != nil {
		t.Errorf("after the refill: %v", err)
	}

	off := newEnvWith(t, func(c *server.Config) { c.Auth.TokenRate = -1 })
	for i := range 2000 {
		if _, err := off.Server.Auth.Grant(ctx, auth.GrantRequest{ClientID: off.ClientID, ClientSecret: off.ClientSecret}); err != nil {
			t.Fatalf("unlimited: token %d: %v", i+1, err)
		}
	}
}
