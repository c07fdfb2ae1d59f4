package auth_test

import (
	"sync"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
)

// TestSecretRotationOverlap: during the overlap both secrets work and tokens
// issued before the rotation keep working; after the deadline the old secret
// and those tokens are refused, while the new secret works.
func TestSecretRotationOverlap(t *testing.T) {
	e := newEnv(t)
	a := e.Server.Auth
	before := grant(t, a, auth.GrantRequest{ClientID: e.ClientID, ClientSecret: e.ClientSecret})
	e.Clock.Set(epoch.Add(time.Second)) // rotate after the issue, not at the same instant
	deadline := epoch.Add(5 * time.Minute)
	_, newSecret, err := e.Manage.RotateSecret(ctx, manage.Operator(), e.ClientID, deadline)
	if err != nil {
		t.Fatalf("RotateSecret: %v", err)
	}
	requireRotationTime(t, e)
	after := grant(t, a, auth.GrantRequest{ClientID: e.ClientID, ClientSecret: newSecret})

	steps := []struct {
		name      string
		at        time.Time
		oldSecret error
		oldToken  error
	}{
		{"right after the rotation", epoch.Add(time.Second), nil, nil},
		{"one second before the deadline", deadline.Add(-time.Second), nil, nil},
		{"at the deadline", deadline, auth.ErrInvalidClient, auth.ErrLoginFailed},
		{"a minute after the deadline", deadline.Add(time.Minute), auth.ErrInvalidClient, auth.ErrLoginFailed},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			e.Clock.Set(st.at)
			a.Forget() // the token cache may lag by TokenCacheTTL; this test is about the rule
			_, err := a.Grant(ctx, auth.GrantRequest{ClientID: e.ClientID, ClientSecret: e.ClientSecret})
			wantErr(t, "Grant with the old secret", err, st.oldSecret)
			_, err = a.Grant(ctx, auth.GrantRequest{ClientID: e.ClientID, ClientSecret: newSecret})
			wantErr(t, "Grant with the new secret", err, nil)
			_, err = a.VerifyToken(ctx, before.AccessToken)
			wantErr(t, "token issued before the rotation", err, st.oldToken)
			_, err = a.VerifyToken(ctx, after.AccessToken)
			wantErr(t, "token issued after the rotation", err, nil)
		})
	}
}

// TestTokenCacheTTL: a token verified just before the overlap deadline is
// refused once the cache entry has lived TokenCacheTTL, without Forget.
func TestTokenCacheTTL(t *testing.T) {
	e := newEnv(t)
	a := e.Server.Auth
	tok := grant(t, a, auth.GrantRequest{ClientID: e.ClientID, ClientSecret: e.ClientSecret})
	e.Clock.Set(epoch.Add(time.Second))
	deadline := epoch.Add(5 * time.Minute)
	if _, _, err := e.Manage.RotateSecret(ctx, manage.Operator(), e.ClientID, deadline); err != nil {
		t.Fatal(err)
	}
	requireRotationTime(t, e)
	e.Clock.Set(deadline.Add(-time.Second))
	if _, err := a.VerifyToken(ctx, tok.AccessToken); err != nil {
		t.Fatalf("VerifyToken before the deadline: %v", err)
	}
	e.Clock.Set(deadline.Add(-time.Second + 16*time.Second)) // past the default 15 s cache TTL
	_, err := a.VerifyToken(ctx, tok.AccessToken)
	wantErr(t, "VerifyToken after the deadline and the cache TTL", err, auth.ErrLoginFailed)
}

// TestTokenLifetime: a 5 s lifetime reports expires_in 4; the sealed token
// is "expired" (not "login failed") from 5 s on, before and after a sweep:
// it carries its expiry, so it is never forgotten.
func TestTokenLifetime(t *testing.T) {
	e := newEnv(t)
	a := e.Server.Auth
	settings(t, e, manage.SettingsChange{TokenLifetime: ptr(5 * time.Second)})
	tok := grant(t, a, auth.GrantRequest{ClientID: e.ClientID, ClientSecret: e.ClientSecret})
	if tok.ExpiresIn != 4 {
		t.Errorf("got expires_in %d, want 4", tok.ExpiresIn)
	}
	if want := epoch.Add(5 * time.Second); !tok.ExpiresAt.Equal(want) {
		t.Errorf("got expiry %v, want %v", tok.ExpiresAt, want)
	}
	steps := []lifeStep{
		{"4.999 s", 5*time.Second - time.Millisecond, false, nil},
		{"5 s", 5 * time.Second, false, auth.ErrTokenExpired},
		{"23 h", 23 * time.Hour, true, auth.ErrTokenExpired},
		{"grace not yet over, swept", 5*time.Second + fuelgate.TokenGrace - time.Second, true, auth.ErrTokenExpired},
		{"grace over, not swept", 5*time.Second + fuelgate.TokenGrace + time.Minute, false, auth.ErrTokenExpired},
		{"grace over, swept", 5*time.Second + fuelgate.TokenGrace + time.Minute, true, auth.ErrTokenExpired},
	}
	verifyOverTime(t, e, tok.AccessToken, steps)
}

// lifeStep is a moment in a token's life: the clock set to at after
// epoch, a sweep first or not, and the verification's expected error.
type lifeStep struct {
	name  string
	at    time.Duration // after issue
	sweep bool
	want  error
}

// verifyOverTime verifies token at each step, in order.
func verifyOverTime(t *testing.T, e *fgtest.Env, token string, steps []lifeStep) {
	t.Helper()
	a := e.Server.Auth
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			e.Clock.Set(epoch.Add(st.at))
			if st.sweep {
				if _, err := a.Sweep(ctx); err != nil {
					t.Fatalf("Sweep: %v", err)
				}
				a.Forget()
			}
			_, err := a.VerifyToken(ctx, token)
			wantErr(t, "VerifyToken", err, st.want)
		})
	}
}

// TestStoredTokenGrace: a stored token (here a legacy v1 access token) is
// "expired" from its expiry on and for TokenGrace, and "login failed" once
// a sweep after the grace deleted it.
func TestStoredTokenGrace(t *testing.T) {
	e := newEnv(t)
	a := e.Server.Auth
	legacy, legacySecret := newPackage(t, e, manage.NewPackage{Legacy: true})
	v1, err := a.GrantLegacy(ctx, auth.LegacyRequest{ClientID: legacy.ClientID, ClientSecret: legacySecret})
	if err != nil {
		t.Fatalf("GrantLegacy: %v", err)
	}
	life := time.Hour // the default LegacyLifetime
	steps := []lifeStep{
		{"before expiry", life - time.Second, false, nil},
		{"at expiry", life, false, auth.ErrTokenExpired},
		{"grace not yet over, swept", life + fuelgate.TokenGrace - time.Second, true, auth.ErrTokenExpired},
		{"grace over, not swept", life + fuelgate.TokenGrace + time.Minute, false, auth.ErrTokenExpired},
		{"grace over, swept", life + fuelgate.TokenGrace + time.Minute, true, auth.ErrLoginFailed},
	}
	verifyOverTime(t, e, v1.AccessToken, steps)
}

func TestVerifyTokenKinds(t *testing.T) {
	e := newEnv(t)
	a := e.Server.Auth
	legacy, legacySecret := newPackage(t, e, manage.NewPackage{Legacy: true})
	v2 := grant(t, a, auth.GrantRequest{ClientID: e.ClientID, ClientSecret: e.ClientSecret})
	v1, err := a.GrantLegacy(ctx, auth.LegacyRequest{ClientID: legacy.ClientID, ClientSecret: legacySecret, Offline: true, WithLegacy: true})
	if err != nil {
		t.Fatalf("GrantLegacy: %v", err)
	}
	fueloauth := []fuelgate.TokenKind{fuelgate.TokenAccess, fuelgate.TokenLegacyAccess}
	tests := []struct {
		name  string
		token string
		kinds []fuelgate.TokenKind
		want  error
	}{
		{"v2 access token in fueloauth", v2.AccessToken, fueloauth, nil},
		{"v1 access token in fueloauth", v1.AccessToken, fueloauth, nil},
		{"v1 legacy token in oAuth", v1.LegacyToken, []fuelgate.TokenKind{fuelgate.TokenLegacy}, nil},
		{"v1 legacy token in fueloauth", v1.LegacyToken, fueloauth, auth.ErrLoginFailed},
		{"v2 access token in oAuth", v2.AccessToken, []fuelgate.TokenKind{fuelgate.TokenLegacy}, auth.ErrLoginFailed},
		{"refresh token as a bearer", v1.RefreshToken, fueloauth, auth.ErrLoginFailed},
		{"garbage", "not-a-token", nil, auth.ErrLoginFailed},
		{"empty", "", nil, auth.ErrLoginFailed},
		{"longer than 512", string(make([]byte, 513)), nil, auth.ErrLoginFailed},
		{"token with a trailing character", v2.AccessToken + "A", nil, auth.ErrLoginFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := a.VerifyToken(ctx, tt.token, tt.kinds...)
			wantErr(t, "VerifyToken", err, tt.want)
		})
	}
}

func TestLegacyGrant(t *testing.T) {
	e := newEnv(t)
	a := e.Server.Auth
	legacy, sec := newPackage(t, e, manage.NewPackage{Legacy: true})
	other, otherSec := newPackage(t, e, manage.NewPackage{Legacy: true})
	otherToks, err := a.GrantLegacy(ctx, auth.LegacyRequest{ClientID: other.ClientID, ClientSecret: otherSec, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                    string
		req                     auth.LegacyRequest
		want                    error
		wantLegacy, wantRefresh bool
	}{
		{name: "online", req: auth.LegacyRequest{ClientID: legacy.ClientID, ClientSecret: sec}},
		{name: "legacy=1", req: auth.LegacyRequest{ClientID: legacy.ClientID, ClientSecret: sec, WithLegacy: true}, wantLegacy: true},
		{name: "offline", req: auth.LegacyRequest{ClientID: legacy.ClientID, ClientSecret: sec, Offline: true}, wantRefresh: true},
		{name: "wrong secret", req: auth.LegacyRequest{ClientID: legacy.ClientID, ClientSecret: "x"}, want: auth.ErrInvalidClient},
		{name: "enhanced package", req: auth.LegacyRequest{ClientID: e.ClientID, ClientSecret: e.ClientSecret}, want: auth.ErrNotLegacyPackage},
		{name: "unknown refresh token", req: auth.LegacyRequest{ClientID: legacy.ClientID, ClientSecret: sec, RefreshToken: "nope"}, want: auth.ErrInvalidGrant},
		{name: "refresh token of another package", req: auth.LegacyRequest{ClientID: legacy.ClientID, ClientSecret: sec, RefreshToken: otherToks.RefreshToken}, want: auth.ErrInvalidGrant},
		{name: "access token as refresh token", req: auth.LegacyRequest{ClientID: other.ClientID, ClientSecret: otherSec, RefreshToken: otherToks.AccessToken}, want: auth.ErrInvalidGrant},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := a.GrantLegacy(ctx, tt.req)
			wantErr(t, "GrantLegacy", err, tt.want)
			if err != nil || tt.want != nil {
				return
			}
			if got.ExpiresIn != 3600 {
				t.Errorf("got expiresIn %d, want 3600", got.ExpiresIn)
			}
			if (got.LegacyToken != "") != tt.wantLegacy || (got.RefreshToken != "") != tt.wantRefresh {
				t.Errorf("got legacyToken %t refreshToken %t, want %t %t", got.LegacyToken != "", got.RefreshToken != "", tt.wantLegacy, tt.wantRefresh)
			}
			p, err := a.VerifyToken(ctx, got.AccessToken, fuelgate.TokenLegacyAccess)
			if err != nil {
				t.Fatalf("VerifyToken(accessToken): %v", err)
			}
			if p.MID() != legacy.MID {
				t.Errorf("got MID %d, want %d", p.MID(), legacy.MID)
			}
		})
	}
}

// TestLegacyRefreshToken: a v1 refresh token works once and is rotated.
func TestLegacyRefreshToken(t *testing.T) {
	e := newEnv(t)
	a := e.Server.Auth
	legacy, sec := newPackage(t, e, manage.NewPackage{Legacy: true})
	req := auth.LegacyRequest{ClientID: legacy.ClientID, ClientSecret: sec, Offline: true}
	first, err := a.GrantLegacy(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	req.RefreshToken = first.RefreshToken
	second, err := a.GrantLegacy(ctx, req)
	if err != nil {
		t.Fatalf("first use of the refresh token: %v", err)
	}
	if second.RefreshToken == "" || second.RefreshToken == first.RefreshToken {
		t.Errorf("got refresh token %q after use, want a new one", second.RefreshToken)
	}
	if second.AccessToken == first.AccessToken {
		t.Errorf("got the same access token twice")
	}
	_, err = a.GrantLegacy(ctx, req)
	wantErr(t, "second use of the refresh token", err, auth.ErrInvalidGrant)
	req.RefreshToken = second.RefreshToken
	if _, err := a.GrantLegacy(ctx, req); err != nil {
		t.Errorf("use of the rotated refresh token: got %v, want none", err)
	}

	// Expired refresh token.
	third, err := a.GrantLegacy(ctx, auth.LegacyRequest{ClientID: legacy.ClientID, ClientSecret: sec, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	e.Clock.Advance(30*24*time.Hour + time.Second)
	_, err = a.GrantLegacy(ctx, auth.LegacyRequest{ClientID: legacy.ClientID, ClientSecret: sec, RefreshToken: third.RefreshToken})
	wantErr(t, "expired refresh token", err, auth.ErrInvalidGrant)
}

// TestLegacyRefreshTokenConcurrent: of concurrent uses of one refresh token
// exactly one succeeds.
func TestLegacyRefreshTokenConcurrent(t *testing.T) {
	e := newEnv(t)
	a := e.Server.Auth
	legacy, sec := newPackage(t, e, manage.NewPackage{Legacy: true})
	first, err := a.GrantLegacy(ctx, auth.LegacyRequest{ClientID: legacy.ClientID, ClientSecret: sec, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = a.GrantLegacy(ctx, auth.LegacyRequest{ClientID: legacy.ClientID, ClientSecret: sec, RefreshToken: first.RefreshToken})
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case err != auth.ErrInvalidGrant:
			t.Errorf("got error %v, want ErrInvalidGrant or none", err)
		}
	}
	if ok != 1 {
		t.Errorf("got %d successful uses of one refresh token, want 1", ok)
	}
}

// TestSweep: stored tokens (legacy v1 here) and the denials of revoked
// sealed tokens are deleted TokenGrace after expiry, and storage does not
// grow with the number of rounds; sealed tokens themselves are not stored.
func TestSweep(t *testing.T) {
	e := newEnv(t)
	a := e.Server.Auth
	settings(t, e, manage.SettingsChange{TokenLifetime: ptr(time.Hour)}) // as the default LegacyLifetime
	legacy, legacySecret := newPackage(t, e, manage.NewPackage{Legacy: true})
	base, err := e.Store.CountTokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const perRound = 10
	for round := range 3 {
		for range perRound {
			if _, err := a.GrantLegacy(ctx, auth.LegacyRequest{ClientID: legacy.ClientID, ClientSecret: legacySecret}); err != nil {
				t.Fatal(err)
			}
		}
		sealed := grant(t, a, auth.GrantRequest{ClientID: e.ClientID, ClientSecret: e.ClientSecret})
		if err := a.Revoke(ctx, e.ClientID, e.ClientSecret, sealed.AccessToken, "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		n, err := e.Store.CountTokens(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != base+perRound {
			t.Errorf("round %d: got %d tokens stored, want %d (the sealed one not stored)", round, n, base+perRound)
		}
		if r, err := e.Store.TokenRevocations(ctx); err != nil || len(r.Denied) != 1 {
			t.Errorf("round %d: got %d denials (%v), want 1", round, len(r.Denied), err)
		}
		// Just inside the grace: nothing goes.
		e.Clock.Advance(time.Hour + fuelgate.TokenGrace - time.Second)
		r, err := a.Sweep(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if r.Tokens != 0 {
			t.Errorf("round %d: swept %d tokens inside the grace, want 0", round, r.Tokens)
		}
		e.Clock.Advance(2 * time.Second)
		r, err = a.Sweep(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if r.Tokens != perRound+1 {
			t.Errorf("round %d: swept %d tokens and denials, want %d", round, r.Tokens, perRound+1)
		}
		if n, _ := e.Store.CountTokens(ctx); n != base {
			t.Errorf("round %d: got %d tokens after the sweep, want %d", round, n, base)
		}
		if r, err := e.Store.TokenRevocations(ctx); err != nil || len(r.Denied) != 0 {
			t.Errorf("round %d: got %d denials after the sweep (%v), want 0", round, len(r.Denied), err)
		}
	}
}

// and keeps the rest; a negative retention keeps everything.
// requireRotationTime fails a test when the store loses
// Package.SecretRotatedAt, without which tokens issued before a rotation
// cannot be told apart.
func requireRotationTime(t *testing.T, e *fgtest.Env) {
	t.Helper()
	p, err := e.Store.PackageByClientID(ctx, e.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	if p.SecretRotatedAt.IsZero() {
		t.Fatal("the store does not persist Package.SecretRotatedAt: tokens issued before a rotation survive the overlap deadline")
	}
}

// TestAuditRetention: Sweep deletes audit events older than the retention
// and keeps the rest; a negative retention keeps everything.
func TestAuditRetention(t *testing.T) {
	e := fgtest.New(t) // the clock runs from now, when provisioning wrote its events
	svc := auth.New(auth.Config{Store: e.Store, Keys: e.Keys, Manage: e.Manage, Now: e.Clock.Now, AuditRetention: 48 * time.Hour})
	keep := auth.New(auth.Config{Store: e.Store, Keys: e.Keys, Manage: e.Manage, Now: e.Clock.Now, AuditRetention: -1})
	count := func() int {
		evs, err := e.Store.AuditEvents(ctx, fuelgate.AuditFilter{Limit: 10000})
		if err != nil {
			t.Fatal(err)
		}
		return len(evs)
	}
	before := count()
	if before == 0 {
		t.Fatal("provisioning wrote no audit events: the test proves nothing")
	}
	e.Clock.Advance(24 * time.Hour)
	grant(t, svc, auth.GrantRequest{ClientID: e.ClientID, ClientSecret: e.ClientSecret}) // one event a day later
	svc.Flush()                                                                          // written in the background
	e.Clock.Advance(25 * time.Hour)                                                      // provisioning is now 49 h old
	if _, err := keep.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if got := count(); got != before+1 {
		t.Fatalf("negative retention: %d events left, want %d", got, before+1)
	}
	r, err := svc.Sweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := count(); got != 1 || r.AuditEvents != int64(before) {
		t.Fatalf("after a 48h-retention sweep: %d events left (swept %d), want 1 left and %d swept", got, r.AuditEvents, before)
	}
}
