package auth_test

import (
	"errors"
	"testing"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/server"
)

// TestLockoutEverySpelling: a username is one user whatever its spelling —
// case, full-width letters — for lookup, caches, lockout and throttling, on
// the UsernameToken and the console paths alike. Failures under six
// spellings lock the user; the right password then fails under every
// spelling, including ones whose snapshot and verified credential were
// cached before the first failure; further guesses are throttled under
// every spelling.
func TestLockoutEverySpelling(t *testing.T) {
	e := newEnvWith(t, func(c *server.Config) { c.Auth.UsernameThrottle.Burst = 20 })
	u := e.CreateUser(manage.NewUser{Username: "Viewer", APIUser: true, Roles: e.APIUser.RoleIDs})
	const wrong = "wrong-Passw0rd!"
	signIn := func(name, password string) error {
		_, err := e.Server.Auth.SignIn(ctx, name, password, "10.1.0.1")
		return err
	}
	soapLogin := func(name, password string) error {
		_, err := e.Server.Auth.VerifyUser(ctx, credential(text(t, e, name, password, 0)), "10.1.0.2")
		return err
	}
	// Pre-warm two spellings on both paths: snapshot and verified credential cached.
	for _, name := range []string{"vIEWER", "ＶＩＥＷＥＲ"} {
		if err := signIn(name, fgtest.Password); err != nil {
			t.Fatalf("sign-in as %q before any failure: %v", name, err)
		}
		if err := soapLogin(name, fgtest.Password); err != nil {
			t.Fatalf("UsernameToken as %q before any failure: %v", name, err)
		}
	}
	failures := []struct {
		name string
		try  func(name, password string) error
	}{
		{"Viewer", signIn}, {"vIewer", soapLogin}, {"viEwer", signIn},
		{"VIEWER", soapLogin}, {"ｖｉｅｗｅｒ", signIn}, {"vIEWER", soapLogin},
	}
	for i, f := range failures {
		if err := f.try(f.name, wrong); !errors.Is(err, auth.ErrLoginFailed) {
			t.Fatalf("failure %d as %q: got %v, want ErrLoginFailed", i+1, f.name, err)
		}
	}
	if n, locked := failedLogins(t, e, u.ID); !locked {
		t.Fatalf("after %d failures under %d spellings: %d counted, not locked; want locked", len(failures), len(failures), n)
	}
	for _, name := range []string{"Viewer", "viewer", "vIEWER", "ＶＩＥＷＥＲ", "VIEWER"} {
		if err := signIn(name, fgtest.Password); err == nil {
			t.Errorf("locked user signed in to the console as %q with the right password", name)
		}
		if err := soapLogin(name, fgtest.Password); err == nil {
			t.Errorf("locked user logged in by UsernameToken as %q with the right password", name)
		}
	}
	// 16 failures so far; the key's allowance is 20: more guesses under any
	// spelling are refused before any password work.
	for range 2 {
		signIn("Viewer", wrong)
		soapLogin("vieWER", wrong)
	}
	var th *auth.Throttled
	if err := signIn("VIEWER", wrong); !errors.As(err, &th) || th.Limit != "username" {
		t.Errorf("guess after the allowance: got %v, want a username throttle", err)
	}
	e.Server.Auth.Flush()
	evs, err := e.Store.AuditEvents(ctx, fuelgate.AuditFilter{Action: "user.lockout", Limit: 10})
	if err != nil || len(evs) != 1 || evs[0].Target != "user:Viewer" {
		t.Errorf("lockout audit: got %d events (%v), want one for user:Viewer", len(evs), err)
	}
}
