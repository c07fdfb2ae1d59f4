package auth_test

import (
	"database/sql"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/server"
)

// rows counts the rows of a table of the env's database.
func rows(t *testing.T, e *fgtest.Env, table string) int {
	t.Helper()
	var n int
	db := e.Store.(interface{ DB() *sql.DB }).DB()
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLoginThrottle: failed password logins are throttled per source
// address and per username key (known or not); a throttled attempt looks at
// no password and writes nothing, answers Login Failed on the SOAP path and
// a *Throttled to the console; other addresses and usernames are not
// slowed; a credential verified before keeps working; the throttle lifts by
// itself.
func TestLoginThrottle(t *testing.T) {
	obs := &observer{}
	e := newEnvWith(t, func(c *server.Config) {
		c.Auth.Observer = obs
		c.Auth.AddressThrottle.Burst, c.Auth.AddressThrottle.Every = 5, 10*time.Second
		c.Auth.UsernameThrottle.Burst, c.Auth.UsernameThrottle.Every = 3, time.Minute
	})
	const wrong = "wrong-Passw0rd!"
	soapLogin := func(ut func() auth.Credential, ip string) error {
		_, err := e.Server.Auth.VerifyUser(ctx, ut(), ip)
		return err
	}
	digestOf := func(user, pw string) func() auth.Credential {
		return func() auth.Credential { return credential(digest(t, e, user, pw, 0)) }
	}
	textOf := func(user, pw string) func() auth.Credential {
		return func() auth.Credential { return credential(text(t, e, user, pw, 0)) }
	}

	// Per address: 5 failures for 5 different unknown users, then throttled.
	for i := range 5 {
		if err := soapLogin(digestOf("nobody"+strconv.Itoa(i), wrong), "10.0.0.1"); !errors.Is(err, auth.ErrLoginFailed) {
			t.Fatalf("failure %d: got %v, want ErrLoginFailed", i+1, err)
		}
	}
	e.Server.Auth.Settle()
	nonces, audits, lookups := rows(t, e, "nonces"), rows(t, e, "audit_events"), obs.count("credential")
	for i := range 20 {
		if err := soapLogin(digestOf("other"+strconv.Itoa(i), wrong), "10.0.0.1"); !errors.Is(err, auth.ErrLoginFailed) {
			t.Fatalf("throttled digest attempt: got %v, want ErrLoginFailed", err)
		}
		if err := soapLogin(textOf("api_user", fgtest.Password), "10.0.0.1"); !errors.Is(err, auth.ErrLoginFailed) {
			t.Fatalf("throttled attempt with the right password (not verified before): got %v, want ErrLoginFailed", err)
		}
	}
	var th *auth.Throttled
	if _, err := e.Server.Auth.SignIn(ctx, "api_user", fgtest.Password, "10.0.0.1"); !errors.As(err, &th) || th.Limit != "address" || th.RetryAfter <= 0 {
		t.Fatalf("console sign-in from the throttled address: got %v, want an address throttle with a wait", err)
	}
	e.Server.Auth.Settle()
	if got := rows(t, e, "nonces"); got != nonces {
		t.Errorf("throttled attempts wrote %d nonce rows, want none", got-nonces)
	}
	if got := rows(t, e, "audit_events"); got != audits {
		t.Errorf("throttled attempts wrote %d audit rows, want none (they are counted in the next aggregate)", got-audits)
	}
	if got := obs.count("credential"); got != lookups {
		t.Errorf("throttled attempts made %d credential checks, want none (no password work)", got-lookups)
	}
	if obs.throttles("address") == 0 {
		t.Error("the observer was not told of the address throttle")
	}
	if err := soapLogin(textOf("api_user", fgtest.Password), "10.0.0.2"); err != nil {
		t.Errorf("right password from another address: %v", err)
	}

	// Per username key: 3 failures for api_user from 3 addresses, then
	// throttled from a fourth, under another spelling.
	for i := range 3 {
		soapLogin(digestOf("api_user", wrong), "10.0.1."+strconv.Itoa(i))
	}
	if _, err := e.Server.Auth.SignIn(ctx, "API_USER", fgtest.Password, "10.0.1.9"); !errors.As(err, &th) || th.Limit != "username" {
		t.Errorf("sign-in after the username's allowance: got %v, want a username throttle", err)
	}
	if err := soapLogin(digestOf("api_user", fgtest.Password), "10.0.1.9"); !errors.Is(err, auth.ErrLoginFailed) {
		t.Errorf("digest with the right password after the username's allowance: got %v, want ErrLoginFailed", err)
	}
	if err := soapLogin(textOf("Api_User", fgtest.Password), "10.0.1.9"); err != nil {
		t.Errorf("a PasswordText credential verified before the throttle: %v; want it still accepted (no password work)", err)
	}
	if err := soapLogin(digestOf("api_user_2", wrong), "10.0.1.9"); errors.As(err, &th) || !errors.Is(err, auth.ErrLoginFailed) {
		t.Errorf("another username from that address: got %v, want an ordinary failure", err)
	}

	// Buckets refill: nothing is throttled for good.
	e.Clock.Advance(time.Minute)
	if _, err := e.Server.Auth.SignIn(ctx, "api_user", fgtest.Password, "10.0.1.9"); err != nil {
		t.Errorf("sign-in after the refill: %v", err)
	}
	if err := soapLogin(digestOf("api_user", fgtest.Password), "10.0.0.1"); err != nil {
		t.Errorf("login from the first address after the refill: %v", err)
	}
	e.Server.Auth.Flush()
	evs, err := e.Store.AuditEvents(ctx, fuelgate.AuditFilter{Action: "soap.login", Outcome: fuelgate.OutcomeFailure, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	throttled := 0
	for _, ev := range evs {
		if ev.SourceIP == "10.0.0.1" && ev.Count > 0 {
			throttled = ev.Count
		}
	}
	if throttled < 40 {
		t.Errorf("aggregate of 10.0.0.1's failures counts %d, want at least the 40 throttled ones", throttled)
	}
}

// TestLoginThrottleConcurrent: once an address has spent half its
// allowance, concurrent failed logins from it cannot all pass the check
// that each alone would pass: attempts in flight count against what is
// left, so no more than that reach the password (or write a nonce).
func TestLoginThrottleConcurrent(t *testing.T) {
	obs := &observer{}
	e := newEnvWith(t, func(c *server.Config) {
		c.Auth.Observer = obs
		c.Auth.AddressThrottle.Burst, c.Auth.AddressThrottle.Every = 6, time.Hour
	})
	for i := range 4 { // 2 failures left of 6
		e.Server.Auth.VerifyUser(ctx, credential(digest(t, e, "sequential"+strconv.Itoa(i), "wrong-Passw0rd!", 0)), "10.2.0.1")
	}
	before, hashes := rows(t, e, "nonces"), obs.slowHashes()
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := "concurrent" + strconv.Itoa(i)
			e.Server.Auth.VerifyUser(ctx, credential(digest(t, e, user, "wrong-Passw0rd!", 0)), "10.2.0.1")
			e.Server.Auth.VerifyUser(ctx, credential(text(t, e, user, "wrong-Passw0rd!", 0)), "10.2.0.1")
		}()
	}
	wg.Wait()
	n, h := rows(t, e, "nonces")-before, obs.slowHashes()-hashes
	if n+h > 2 {
		t.Errorf("128 concurrent failures with 2 left wrote %d nonces and ran argon2id %d times, want at most 2 in all", n, h)
	}
}
