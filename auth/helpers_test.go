package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/server"
	"github.com/fuelgate/fuelgate/soap"
)

var ctx = context.Background()

// epoch is where tests freeze the clock: a fixed instant keeps stored times
// and expiries reproducible.
var epoch = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// newEnv starts a real fuelgate with its clock frozen at epoch. Many
// failures come from one address and username here: the login throttles
// have their own tests and are out of the way elsewhere.
func newEnv(t *testing.T) *fgtest.Env {
	t.Helper()
	e := fgtest.New(t, fgtest.Options{Configure: func(c *server.Config) { // fgtest also gives the store its clock (nonce expiry)
		c.Auth.AddressThrottle.Burst, c.Auth.UsernameThrottle.Burst = 1<<20, 1<<20
	}})
	e.Clock.Set(epoch)
	return e
}

// newPackage creates a further package in the env's enterprise.
func newPackage(t *testing.T, e *fgtest.Env, np manage.NewPackage) (*fuelgate.Package, string) {
	t.Helper()
	if np.MID == 0 {
		np.MID = e.Enterprise.MID
	}
	if np.Name == "" {
		np.Name = "Package " + t.Name()
	}
	if np.Scopes == nil {
		np.Scopes = []string{"accounts_read", "users_read"}
	}
	p, sec, err := e.Manage.CreatePackage(ctx, manage.Operator(), np)
	if err != nil {
		t.Fatalf("CreatePackage: %v", err)
	}
	return p, sec
}

// grant issues a v2 token or fails the test.
func grant(t *testing.T, s *auth.Service, req auth.GrantRequest) *auth.IssuedToken {
	t.Helper()
	tok, err := s.Grant(ctx, req)
	if err != nil {
		t.Fatalf("Grant(%s): %v", req.ClientID, err)
	}
	return tok
}

// wantErr reports whether err matches want (nil: no error expected).
func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Errorf("%s: got error %v, want none", what, err)
	case want != nil && !errors.Is(err, want):
		t.Errorf("%s: got error %v, want %v", what, err, want)
	}
}

// settings changes the enterprise settings.
func settings(t *testing.T, e *fgtest.Env, c manage.SettingsChange) {
	t.Helper()
	if _, err := e.Manage.UpdateSettings(ctx, manage.Operator(), e.Enterprise.MID, c); err != nil {
		t.Fatalf("UpdateSettings: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

// credential is the auth.Credential of a UsernameToken, as the SOAP edge builds it.
func credential(ut *soap.UsernameToken) auth.Credential {
	return auth.Credential{Username: ut.Username, Password: ut.Password, HasPassword: ut.HasPassword,
		Digest: ut.PasswordType == soap.PasswordDigest, Nonce: ut.Nonce, HasNonce: ut.HasNonce,
		Created: ut.Created, CreatedAt: ut.CreatedAt, HasCreated: ut.HasCreated}
}
