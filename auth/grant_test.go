package auth_test

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
)

func TestAuthenticateClient(t *testing.T) {
	e := newEnv(t)
	off, offSecret := newPackage(t, e, manage.NewPackage{})
	if _, err := e.Manage.SetPackageEnabled(ctx, manage.Operator(), off.ClientID, false); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name         string
		clientID     string
		clientSecret string
		want         error
	}{
		{"right secret", e.ClientID, e.ClientSecret, nil},
		{"unknown client ID", "nosuchclient000000000000", e.ClientSecret, auth.ErrInvalidClient},
		{"wrong secret", e.ClientID, e.ClientSecret + "x", auth.ErrInvalidClient},
		{"secret of another package", e.ClientID, offSecret, auth.ErrInvalidClient},
		{"empty secret", e.ClientID, "", auth.ErrInvalidClient},
		{"empty client ID", "", e.ClientSecret, auth.ErrInvalidClient},
		{"oversized client ID", strings.Repeat("a", 257), e.ClientSecret, auth.ErrInvalidClient},
		{"oversized secret", e.ClientID, strings.Repeat("s", 1025), auth.ErrInvalidClient},
		{"client ID differs in case", strings.ToUpper(e.ClientID), e.ClientSecret, auth.ErrInvalidClient},
		{"disabled package, right secret", off.ClientID, offSecret, auth.ErrInvalidClient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkg, err := e.Server.Auth.AuthenticateClient(ctx, tt.clientID, tt.clientSecret)
			wantErr(t, "AuthenticateClient", err, tt.want)
			if tt.want == nil && (pkg == nil || pkg.ClientID != tt.clientID) {
				t.Errorf("got package %+v, want client %s", pkg, tt.clientID)
			}
			if tt.want != nil && pkg != nil {
				t.Errorf("got package %s with an error, want nil", pkg.ClientID)
			}
		})
	}
}

// TestInvalidClientParity is the timing-parity smoke test: an unknown client
// and a wrong secret are indistinguishable in the returned error (the timing
// itself is measured by benchmarks, not asserted here).
func TestInvalidClientParity(t *testing.T) {
	e := newEnv(t)
	_, errUnknown := e.Server.Auth.Grant(ctx, auth.GrantRequest{ClientID: "unknownclient00000000000", ClientSecret: e.ClientSecret})
	_, errWrong := e.Server.Auth.Grant(ctx, auth.GrantRequest{ClientID: e.ClientID, ClientSecret: "wrong"})
	if errUnknown != auth.ErrInvalidClient || errWrong != auth.ErrInvalidClient {
		t.Errorf("got unknown client %v, wrong secret %v; want both exactly ErrInvalidClient", errUnknown, errWrong)
	}
}

func TestGrant(t *testing.T) {
	e := newEnv(t)
	legacy, legacySecret := newPackage(t, e, manage.NewPackage{Legacy: true})
	all := strings.Join(e.Package.Scopes, " ")
	tests := []struct {
		name       string
		clientID   string
		secret     string
		accountID  int64
		scope      *string
		want       error
		wantMID    int64
		wantScopes string
	}{
		{name: "no account_id: the package's BU", accountID: 0, wantMID: e.Enterprise.MID, wantScopes: all},
		{name: "enterprise by MID", accountID: e.Enterprise.MID, wantMID: e.Enterprise.MID, wantScopes: all},
		{name: "reachable child BU", accountID: e.Child.MID, wantMID: e.Child.MID, wantScopes: all},
		{name: "unreachable grandchild BU", accountID: e.Grandchild.MID, want: auth.ErrAccountUnreachable},
		{name: "unknown MID", accountID: 999999999, want: auth.ErrAccountUnreachable},
		{name: "scope subset", scope: ptr("users_read accounts_read"), wantMID: e.Enterprise.MID, wantScopes: "users_read accounts_read"},
		{name: "duplicate scopes collapse", scope: ptr("users_read  users_read"), wantMID: e.Enterprise.MID, wantScopes: "users_read"},
		{name: "empty scope: no scopes", scope: ptr(""), wantMID: e.Enterprise.MID, wantScopes: ""},
		{name: "scope not granted", scope: ptr("email_read"), want: auth.ErrInvalidScope},
		{name: "unknown scope", scope: ptr("no_such_scope"), want: auth.ErrInvalidScope},
		{name: "legacy package", clientID: legacy.ClientID, secret: legacySecret, want: auth.ErrLegacyPackage},
		{name: "wrong secret before account check", secret: "wrong", accountID: e.Grandchild.MID, want: auth.ErrInvalidClient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, sec := e.ClientID, e.ClientSecret
			if tt.clientID != "" {
				id = tt.clientID
			}
			if tt.secret != "" {
				sec = tt.secret
			}
			tok, err := e.Server.Auth.Grant(ctx, auth.GrantRequest{ClientID: id, ClientSecret: sec, AccountID: tt.accountID, Scope: tt.scope})
			wantErr(t, "Grant", err, tt.want)
			if tt.want != nil || err != nil {
				return
			}
			if tok.MID != tt.wantMID {
				t.Errorf("got MID %d, want %d", tok.MID, tt.wantMID)
			}
			if got := strings.Join(tok.Scopes, " "); got != tt.wantScopes {
				t.Errorf("got scopes %q, want %q", got, tt.wantScopes)
			}
			if raw, err := base64.RawURLEncoding.DecodeString(tok.AccessToken); err != nil || raw[0] != 1 || len(tok.AccessToken) > auth.MaxTokenLength {
				t.Errorf("got token %q (%d chars), want base64url of a sealed token (version 1), at most %d chars", tok.AccessToken, len(tok.AccessToken), auth.MaxTokenLength)
			}
			if tok.ExpiresIn != 1079 {
				t.Errorf("got expires_in %d, want 1079", tok.ExpiresIn)
			}
			if want := epoch.Add(20 * time.Minute); !tok.ExpiresAt.Equal(want) {
				t.Errorf("got expiry %v, want %v", tok.ExpiresAt, want)
			}
			p, err := e.Server.Auth.VerifyToken(ctx, tok.AccessToken, fuelgate.TokenAccess)
			if err != nil {
				t.Fatalf("VerifyToken: %v", err)
			}
			if p.MID() != tt.wantMID || p.Kind() != manage.KindClient || p.ClientID() != id || p.EnterpriseMID() != e.Enterprise.MID {
				t.Errorf("got principal MID %d kind %s client %s enterprise %d, want MID %d token %s enterprise %d",
					p.MID(), p.Kind(), p.ClientID(), p.EnterpriseMID(), tt.wantMID, id, e.Enterprise.MID)
			}
			if !slices.Equal(p.Scopes(), tok.Scopes) {
				t.Errorf("got principal scopes %v, want %v", p.Scopes(), tok.Scopes)
			}
		})
	}
}

// TestGrantInactiveBU: a BU that was deactivated cannot be the target of a
// new token, and its existing tokens stop working.
func TestGrantInactiveBU(t *testing.T) {
	e := newEnv(t)
	tok := grant(t, e.Server.Auth, auth.GrantRequest{ClientID: e.ClientID, ClientSecret: e.ClientSecret, AccountID: e.Child.MID})
	if _, err := e.Manage.UpdateBusinessUnit(ctx, manage.Operator(), e.Child.MID, nil, ptr(false)); err != nil {
		t.Fatalf("UpdateBusinessUnit: %v", err)
	}
	_, err := e.Server.Auth.Grant(ctx, auth.GrantRequest{ClientID: e.ClientID, ClientSecret: e.ClientSecret, AccountID: e.Child.MID})
	wantErr(t, "Grant for the inactive BU", err, auth.ErrAccountUnreachable)
	_, err = e.Server.Auth.VerifyToken(ctx, tok.AccessToken)
	wantErr(t, "VerifyToken of a token of the inactive BU", err, auth.ErrLoginFailed)
}

func TestTokenRefused(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, e *envPkg, tok string)
		want   error
		// secretWant is what the package's (old) secret gets afterwards.
		secretWant error
	}{
		{
			name:   "expired",
			change: func(t *testing.T, e *envPkg, tok string) { e.Clock.Advance(20 * time.Minute) },
			want:   auth.ErrTokenExpired,
		},
		{
			name: "one second before expiry",
			change: func(t *testing.T, e *envPkg, tok string) {
				e.Clock.Advance(20*time.Minute - time.Second)
			},
		},
		{
			name: "package disabled",
			change: func(t *testing.T, e *envPkg, tok string) {
				if _, err := e.Manage.SetPackageEnabled(ctx, manage.Operator(), e.pkg.ClientID, false); err != nil {
					t.Fatal(err)
				}
			},
			want:       auth.ErrLoginFailed,
			secretWant: auth.ErrInvalidClient,
		},
		{
			name: "revoked",
			change: func(t *testing.T, e *envPkg, tok string) {
				if err := e.Server.Auth.Revoke(ctx, e.pkg.ClientID, e.secret, tok, "127.0.0.1"); err != nil {
					t.Fatal(err)
				}
			},
			want: auth.ErrLoginFailed,
		},
		{
			name: "revoked by another package: ignored",
			change: func(t *testing.T, e *envPkg, tok string) {
				if err := e.Server.Auth.Revoke(ctx, e.ClientID, e.ClientSecret, tok, "127.0.0.1"); err != nil {
					t.Fatal(err)
				}
			},
		},
		{
			name: "secret rotated without overlap",
			change: func(t *testing.T, e *envPkg, tok string) {
				if _, _, err := e.Manage.RotateSecret(ctx, manage.Operator(), e.pkg.ClientID, time.Time{}); err != nil {
					t.Fatal(err)
				}
			},
			want:       auth.ErrLoginFailed,
			secretWant: auth.ErrInvalidClient,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &envPkg{Env: newEnv(t)}
			e.pkg, e.secret = newPackage(t, e.Env, manage.NewPackage{})
			tok := grant(t, e.Server.Auth, auth.GrantRequest{ClientID: e.pkg.ClientID, ClientSecret: e.secret})
			// Verify first, so that a cached verification has to be dropped.
			if _, err := e.Server.Auth.VerifyToken(ctx, tok.AccessToken); err != nil {
				t.Fatalf("VerifyToken before the change: %v", err)
			}
			tt.change(t, e, tok.AccessToken)
			_, err := e.Server.Auth.VerifyToken(ctx, tok.AccessToken)
			wantErr(t, "VerifyToken after the change", err, tt.want)
			_, err = e.Server.Auth.Grant(ctx, auth.GrantRequest{ClientID: e.pkg.ClientID, ClientSecret: e.secret})
			wantErr(t, "Grant with the secret after the change", err, tt.secretWant)
		})
	}
}

type envPkg struct {
	*fgtest.Env
	pkg    *fuelgate.Package
	secret string
}

// TestGrantFailureAudit: a refused grant is audited under the MID of the
// package that authenticated, never under the request's account_id, which
// could name another enterprise and write into its audit trail.
func TestGrantFailureAudit(t *testing.T) {
	e := newEnv(t)
	victim, err := e.Manage.CreateEnterprise(ctx, manage.Operator(), "Victim Enterprise")
	if err != nil {
		t.Fatal(err)
	}
	legacy, legacySecret := newPackage(t, e, manage.NewPackage{Legacy: true})
	tests := []struct {
		name     string
		clientID string
		secret   string
		account  int64
		wantMID  int64
	}{
		{"unknown client, foreign account_id", "spoofed-client", "x", victim.MID, 0},
		{"wrong secret, foreign account_id", e.ClientID, "x", victim.MID, 0},
		{"authenticated, foreign account_id", e.ClientID, e.ClientSecret, victim.MID, e.Enterprise.MID},
		{"authenticated, unreachable grandchild", e.ClientID, e.ClientSecret, e.Grandchild.MID, e.Enterprise.MID},
		{"legacy package", legacy.ClientID, legacySecret, victim.MID, legacy.MID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := e.Server.Auth.Grant(ctx, auth.GrantRequest{ClientID: tt.clientID, ClientSecret: tt.secret, AccountID: tt.account}); err == nil {
				t.Fatal("Grant succeeded, want a refusal")
			}
			e.Server.Auth.Flush() // failures are written in the background, repeated ones aggregated
			evs, err := e.Store.AuditEvents(ctx, fuelgate.AuditFilter{Action: "token.issue", Actor: "client:" + tt.clientID,
				Outcome: fuelgate.OutcomeFailure, Limit: 1})
			if err != nil || len(evs) != 1 {
				t.Fatalf("got %d audit events (%v), want 1", len(evs), err)
			}
			if evs[0].MID != tt.wantMID {
				t.Errorf("got audit MID %d, want %d", evs[0].MID, tt.wantMID)
			}
		})
	}
}
