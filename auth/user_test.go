package auth_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/soap"
)

// text returns a PasswordText token with a Created of now+offset and no nonce.
func text(t *testing.T, e *fgtest.Env, user, password string, offset time.Duration) *soap.UsernameToken {
	t.Helper()
	ut, err := soap.NewUsernameToken(user, password, false, e.Clock.Now().Add(offset), nil)
	if err != nil {
		t.Fatal(err)
	}
	return ut
}

// digest returns a PasswordDigest token with a fresh 16-byte nonce.
func digest(t *testing.T, e *fgtest.Env, user, password string, offset time.Duration) *soap.UsernameToken {
	t.Helper()
	ut, err := soap.NewUsernameToken(user, password, true, e.Clock.Now().Add(offset), nil)
	if err != nil {
		t.Fatal(err)
	}
	return ut
}

// withNonce returns a copy of ut carrying nonce n (the digest is recomputed
// for password when ut is a digest token).
func withNonce(ut *soap.UsernameToken, n []byte, password string) *soap.UsernameToken {
	c := *ut
	c.Nonce, c.HasNonce = n, true
	if c.PasswordType == soap.PasswordDigest {
		c.Password = soap.PasswordDigestValue(n, c.Created, password)
	}
	return &c
}

// failedLogins reads a user's failure count and lock from the store, once
// the counts of earlier failures are written.
func failedLogins(t *testing.T, e *fgtest.Env, id int64) (int, bool) {
	t.Helper()
	e.Server.Auth.Settle()
	u, err := e.Store.User(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return u.FailedLogins, u.IsLocked(e.Clock.Now())
}

func verify(e *fgtest.Env, ut *soap.UsernameToken) error {
	_, err := e.Server.Auth.VerifyUser(ctx, credential(ut), "127.0.0.1")
	return err
}

// TestVerifyUserPolicy: with the right password, only an active API user with
// the WebServices API permission, in an enterprise that allows
// username/password API logins, gets in.
func TestVerifyUserPolicy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	role := e.APIUser.RoleIDs
	notAPI := e.CreateUser(manage.NewUser{Username: "not_api", Roles: role})
	noPerm := e.CreateUser(manage.NewUser{Username: "no_perm", APIUser: true})
	inactive := e.CreateUser(manage.NewUser{Username: "inactive", APIUser: true, Roles: role})
	if _, err := e.Manage.UpdateUser(ctx, manage.Operator(), inactive.ID, manage.UserChange{Active: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	legacyFlag := e.CreateUser(manage.NewUser{Username: "legacy_flag", APIUser: true, WebServices: true})

	tests := []struct {
		name     string
		model    fuelgate.PermissionModel // permission model; "" = role-based
		loginOff bool                     // username/password API logins disabled
		user     string
		password string
		want     error
	}{
		{name: "API user with the permission", user: "api_user", password: fgtest.Password},
		{name: "username with surrounding space is not trimmed here", user: " api_user", password: fgtest.Password, want: auth.ErrLoginFailed},
		{name: "unknown user", user: "nobody", password: fgtest.Password, want: auth.ErrLoginFailed},
		{name: "empty password", user: "api_user", password: "", want: auth.ErrLoginFailed},
		{name: "not an API user", user: notAPI.Username, password: fgtest.Password, want: auth.ErrLoginFailed},
		{name: "no WebServices API permission", user: noPerm.Username, password: fgtest.Password, want: auth.ErrLoginFailed},
		{name: "inactive", user: inactive.Username, password: fgtest.Password, want: auth.ErrLoginFailed},
		{name: "role-based model ignores the legacy flag", user: legacyFlag.Username, password: fgtest.Password, want: auth.ErrLoginFailed},
		{name: "setting off", loginOff: true, user: "api_user", password: fgtest.Password, want: auth.ErrLoginFailed},
		{name: "legacy model with the web services flag", model: fuelgate.ModelLegacy, user: legacyFlag.Username, password: fgtest.Password},
		{name: "legacy model without the flag, role ignored", model: fuelgate.ModelLegacy, user: "api_user", password: fgtest.Password, want: auth.ErrLoginFailed},
		{name: "legacy model, flag, not an API user", model: fuelgate.ModelLegacy, user: notAPI.Username, password: fgtest.Password, want: auth.ErrLoginFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			model := fuelgate.ModelRoleBased
			if tt.model != "" {
				model = tt.model
			}
			settings(t, e, manage.SettingsChange{PermissionModel: &model, APIPasswordLogin: ptr(!tt.loginOff)})
			if tt.name == "legacy model, flag, not an API user" {
				if _, err := e.Manage.UpdateUser(ctx, manage.Operator(), notAPI.ID, manage.UserChange{WebServices: ptr(true)}); err != nil {
					t.Fatal(err)
				}
			}
			p, err := e.Server.Auth.VerifyUser(ctx, credential(text(t, e, tt.user, tt.password, 0)), "127.0.0.1")
			wantErr(t, "VerifyUser", err, tt.want)
			if tt.want == nil && err == nil {
				if p.Kind() != manage.KindUser || p.Username() != tt.user || p.MID() != e.Enterprise.MID {
					t.Errorf("got actor %s %s in %d, want user %s in %d", p.Kind(), p.Username(), p.MID(), tt.user, e.Enterprise.MID)
				}
			}
		})
	}
}

// TestVerifyUserLockout: wrong passwords count; at the threshold the user is
// locked even for the right password; the lock expires or is lifted by an
// admin; a success resets the count.
func TestVerifyUserLockout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	settings(t, e, manage.SettingsChange{LockoutThreshold: ptr(3), LockoutDuration: ptr(10 * time.Minute)})
	u := e.CreateUser(manage.NewUser{Username: "lock_me", APIUser: true, Roles: e.APIUser.RoleIDs})
	const wrong = "wrong-Passw0rd!"
	steps := []struct {
		name       string
		password   string
		before     func(t *testing.T)
		want       error
		wantCount  int
		wantLocked bool
	}{
		{name: "first wrong password", password: wrong, want: auth.ErrLoginFailed, wantCount: 1},
		{name: "second wrong password", password: wrong, want: auth.ErrLoginFailed, wantCount: 2},
		{name: "success resets the count", password: fgtest.Password, wantCount: 0},
		{name: "wrong 1", password: wrong, want: auth.ErrLoginFailed, wantCount: 1},
		{name: "wrong 2", password: wrong, want: auth.ErrLoginFailed, wantCount: 2},
		{name: "wrong 3 locks", password: wrong, want: auth.ErrLoginFailed, wantCount: 0, wantLocked: true},
		{name: "right password while locked", password: fgtest.Password, want: auth.ErrLoginFailed, wantLocked: true},
		{name: "wrong password while locked is not counted", password: wrong, want: auth.ErrLoginFailed, wantLocked: true},
		{name: "still locked just before the end", before: func(t *testing.T) { e.Clock.Advance(10*time.Minute - time.Second) },
			password: fgtest.Password, want: auth.ErrLoginFailed, wantLocked: true},
		{name: "lock expired", before: func(t *testing.T) { e.Clock.Advance(time.Second) }, password: fgtest.Password},
		{name: "lock again 1", password: wrong, want: auth.ErrLoginFailed, wantCount: 1},
		{name: "lock again 2", password: wrong, want: auth.ErrLoginFailed, wantCount: 2},
		{name: "lock again 3", password: wrong, want: auth.ErrLoginFailed, wantLocked: true},
		{name: "admin unlock", before: func(t *testing.T) {
			if _, err := e.Manage.UnlockUser(ctx, manage.Operator(), u.ID); err != nil {
				t.Fatal(err)
			}
		}, password: fgtest.Password},
	}
	for _, st := range steps {
		if st.before != nil {
			st.before(t)
		}
		err := verify(e, text(t, e, u.Username, st.password, 0))
		wantErr(t, st.name, err, st.want)
		count, locked := failedLogins(t, e, u.ID)
		if count != st.wantCount || locked != st.wantLocked {
			t.Errorf("%s: got %d failures, locked %t; want %d, %t", st.name, count, locked, st.wantCount, st.wantLocked)
		}
	}
}

// TestVerifyUserDigest covers PasswordDigest, nonce rules and the Created window.
func TestVerifyUserDigest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	plain := e.CreateUser(manage.NewUser{Username: "no_digest", APIUser: true, Roles: e.APIUser.RoleIDs})
	used := digest(t, e, "api_user", fgtest.Password, 0)
	if err := verify(e, used); err != nil {
		t.Fatalf("first use of a digest token: %v", err)
	}
	nonce := func(n int) []byte { return bytes.Repeat([]byte{byte(n)}, n) }
	noNonce := digest(t, e, "api_user", fgtest.Password, 0)
	noNonce.Nonce, noNonce.HasNonce = nil, false
	noCreated := digest(t, e, "api_user", fgtest.Password, 0)
	noCreated.HasCreated = false
	tests := []struct {
		name string
		ut   *soap.UsernameToken
		want error
	}{
		{"digest, digest-capable user", digest(t, e, "api_user", fgtest.Password, 0), nil},
		{"digest, wrong password", digest(t, e, "api_user", "wrong-Passw0rd!", 0), auth.ErrLoginFailed},
		{"digest, user not digest-capable", digest(t, e, plain.Username, fgtest.Password, 0), auth.ErrLoginFailed},
		{"digest, unknown user", digest(t, e, "nobody", fgtest.Password, 0), auth.ErrLoginFailed},
		{"digest replayed", used, auth.ErrLoginFailed},
		{"digest without nonce", noNonce, auth.ErrLoginFailed},
		{"digest without created", noCreated, auth.ErrLoginFailed},
		{"digest value sent as PasswordText", func() *soap.UsernameToken {
			ut := digest(t, e, "api_user", fgtest.Password, 0)
			ut.PasswordType = soap.PasswordText
			return ut
		}(), auth.ErrLoginFailed},
		{"nonce of 15 bytes", withNonce(digest(t, e, "api_user", fgtest.Password, 0), nonce(15), fgtest.Password), auth.ErrLoginFailed},
		{"nonce of 16 bytes", withNonce(digest(t, e, "api_user", fgtest.Password, 0), nonce(16), fgtest.Password), nil},
		{"nonce of 64 bytes", withNonce(digest(t, e, "api_user", fgtest.Password, 0), nonce(64), fgtest.Password), nil},
		{"nonce of 65 bytes", withNonce(digest(t, e, "api_user", fgtest.Password, 0), nonce(65), fgtest.Password), auth.ErrLoginFailed},
		{"created 301 s ago", digest(t, e, "api_user", fgtest.Password, -301*time.Second), auth.ErrLoginFailed},
		{"created 299 s ago", digest(t, e, "api_user", fgtest.Password, -299*time.Second), nil},
		{"created 61 s ahead", digest(t, e, "api_user", fgtest.Password, 61*time.Second), auth.ErrLoginFailed},
		{"created 30 s ahead", digest(t, e, "api_user", fgtest.Password, 30*time.Second), nil},
		{"text, created 301 s ago", text(t, e, "api_user", fgtest.Password, -301*time.Second), auth.ErrLoginFailed},
		{"text, created 61 s ahead", text(t, e, "api_user", fgtest.Password, 61*time.Second), auth.ErrLoginFailed},
		{"text, created 30 s ahead", text(t, e, "api_user", fgtest.Password, 30*time.Second), nil},
		{"text without created", func() *soap.UsernameToken {
			ut := text(t, e, "api_user", fgtest.Password, -time.Hour)
			ut.HasCreated = false
			return ut
		}(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, "VerifyUser", verify(e, tt.ut), tt.want)
		})
	}
}

// TestNonceReplayBeforePassword: a replayed nonce is refused before the
// password is looked at, so a replay with a wrong password does not count
// toward the lockout; the same nonce is fresh for another user.
func TestNonceReplayBeforePassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	n := []byte("0123456789abcdef")
	tests := []struct {
		name      string
		ut        *soap.UsernameToken
		want      error
		wantCount int
	}{
		{"text with a nonce", withNonce(text(t, e, "api_user", fgtest.Password, 0), n, ""), nil, 0},
		{"same nonce, right password", withNonce(text(t, e, "api_user", fgtest.Password, 0), n, ""), auth.ErrLoginFailed, 0},
		{"same nonce, wrong password: not counted", withNonce(text(t, e, "api_user", "wrong-Passw0rd!", 0), n, ""), auth.ErrLoginFailed, 0},
		{"same nonce as digest", withNonce(digest(t, e, "api_user", fgtest.Password, 0), n, fgtest.Password), auth.ErrLoginFailed, 0},
		{"fresh nonce, wrong password: counted", withNonce(text(t, e, "api_user", "wrong-Passw0rd!", 0), []byte("fedcba9876543210"), ""), auth.ErrLoginFailed, 1},
		{"same nonce bytes, other user", withNonce(text(t, e, "nobody", fgtest.Password, 0), n, ""), auth.ErrLoginFailed, 1},
	}
	for _, tt := range tests {
		err := verify(e, tt.ut)
		wantErr(t, tt.name, err, tt.want)
		if got, _ := failedLogins(t, e, e.APIUser.ID); got != tt.wantCount {
			t.Errorf("%s: got %d failed logins, want %d", tt.name, got, tt.wantCount)
		}
	}
	// A replay stays refused until the nonce has expired from the store.
	e.Clock.Advance(2 * time.Minute)
	err := verify(e, withNonce(digest(t, e, "api_user", fgtest.Password, 0), n, fgtest.Password))
	wantErr(t, "replay two minutes later", err, auth.ErrLoginFailed)
	// Sweep removes expired nonces only.
	r, err := e.Server.Auth.Sweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.Nonces != 0 {
		t.Errorf("swept %d nonces before their expiry, want 0", r.Nonces)
	}
	e.Clock.Advance(10 * time.Minute)
	r, err = e.Server.Auth.Sweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.Nonces != 3 {
		t.Errorf("swept %d nonces, want 3 (api_user twice, nobody once)", r.Nonces)
	}
}

// TestDigestVector checks protocol.md §9.3's test vector through VerifyUser.
func TestDigestVector(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	created := "2026-11-28T10:00:00.000Z"
	at, _ := time.Parse(time.RFC3339Nano, created)
	e.Clock.Set(at.Add(10 * time.Second))
	for _, name := range []string{"vector_a", "vector_b"} {
		e.CreateUser(manage.NewUser{Username: name, Password: "verySecret", APIUser: true, Roles: e.APIUser.RoleIDs, DigestCapable: true})
	}
	nonce := []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
	tok := func(user, dig string) *soap.UsernameToken {
		return &soap.UsernameToken{Username: user, Password: dig, PasswordType: soap.PasswordDigest, HasPassword: true,
			Nonce: nonce, HasNonce: true, Created: created, CreatedAt: at, HasCreated: true}
	}
	tests := []struct {
		name string
		ut   *soap.UsernameToken
		want error
	}{
		{"vector digest", tok("vector_a", "E+GL3o82YUAbIL8Pgg2MUZ8q4x4="), nil},
		{"vector replayed", tok("vector_a", "E+GL3o82YUAbIL8Pgg2MUZ8q4x4="), auth.ErrLoginFailed},
		{"digest over the base64 nonce text", tok("vector_b", "brEtgs1K6ixUF5ZMI0FU6atW+BA="), auth.ErrLoginFailed},
		{"created as +00:00 with the Z digest", func() *soap.UsernameToken {
			ut := tok("vector_b", "E+GL3o82YUAbIL8Pgg2MUZ8q4x4=")
			ut.Created = "2026-11-28T10:00:00.000+00:00"
			ut.Nonce = append([]byte{0xff}, nonce...) // fresh nonce for vector_b
			return ut
		}(), auth.ErrLoginFailed},
	}
	for _, tt := range tests {
		wantErr(t, tt.name, verify(e, tt.ut), tt.want)
	}
}

// TestCredentialCache: after a password change the old password fails at
// once in this process, and within TokenCacheTTL in another process sharing
// the store (the password version invalidates its verified-credential cache).
func TestCredentialCache(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	other := auth.New(auth.Config{Store: e.Store, Keys: e.Keys, Manage: e.Manage, Now: e.Clock.Now})
	for _, s := range []*auth.Service{e.Server.Auth, other} {
		if _, err := s.VerifyUser(ctx, credential(text(t, e, "api_user", fgtest.Password, 0)), ""); err != nil {
			t.Fatalf("login with the first password: %v", err)
		}
	}
	const newPassword = "second-Passw0rd!"
	if _, err := e.Manage.UpdateUser(ctx, manage.Operator(), e.APIUser.ID, manage.UserChange{Password: ptr(newPassword)}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name     string
		s        *auth.Service
		advance  time.Duration
		password string
		want     error
	}{
		{"old password, same process", e.Server.Auth, 0, fgtest.Password, auth.ErrLoginFailed},
		{"new password, same process", e.Server.Auth, 0, newPassword, nil},
		{"new password by digest", e.Server.Auth, 0, "", nil},
		{"old password, other process after the cache TTL", other, 16 * time.Second, fgtest.Password, auth.ErrLoginFailed},
		{"new password, other process", other, 0, newPassword, nil},
	}
	for _, st := range steps {
		e.Clock.Advance(st.advance)
		var ut *soap.UsernameToken
		if st.password == "" {
			ut = digest(t, e, "api_user", newPassword, 0)
		} else {
			ut = text(t, e, "api_user", st.password, 0)
		}
		_, err := st.s.VerifyUser(ctx, credential(ut), "")
		wantErr(t, st.name, err, st.want)
	}
}

func TestCheckTimestamp(t *testing.T) {
	e := newEnv(t)
	now := e.Clock.Now()
	tests := []struct {
		name string
		ts   *auth.Timestamp
		want error
	}{
		{"none", nil, nil},
		{"fresh", &auth.Timestamp{Created: now, HasCreated: true, Expires: now.Add(5 * time.Minute), HasExpires: true}, nil},
		{"expired 59 s ago", &auth.Timestamp{Expires: now.Add(-59 * time.Second), HasExpires: true}, nil},
		{"expired 61 s ago", &auth.Timestamp{Expires: now.Add(-61 * time.Second), HasExpires: true}, auth.ErrLoginFailed},
		{"created 59 s ahead", &auth.Timestamp{Created: now.Add(59 * time.Second), HasCreated: true}, nil},
		{"created 61 s ahead", &auth.Timestamp{Created: now.Add(61 * time.Second), HasCreated: true}, auth.ErrLoginFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, "CheckTimestamp", e.Server.Auth.CheckTimestamp(tt.ts), tt.want)
		})
	}
}
