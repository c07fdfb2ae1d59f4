package auth_test

import (
	"context"
	"crypto/rand"
	"path/filepath"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/secret"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/soap"
	"github.com/fuelgate/fuelgate/sqlite"
)

// benchEnv is an auth.Service on a real SQLite file with one package and one
// digest-capable API user.
type benchEnv struct {
	svc                    *auth.Service
	clientID, clientSecret string
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	dir := b.TempDir()
	st, err := sqlite.Open(b.Context(), filepath.Join(dir, "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	keys := &secret.Keys{Pepper: secret.Bytes(32), EncryptionKey: secret.Bytes(32)}
	var svc *auth.Service
	m := manage.New(manage.Config{Store: st, Keys: keys, Changed: func() { svc.Forget() }})
	svc = auth.New(auth.Config{Store: st, Keys: keys, Manage: m})
	ctx, op := context.Background(), manage.Operator()
	ent, err := m.CreateEnterprise(ctx, op, "Bench")
	if err != nil {
		b.Fatal(err)
	}
	pkg, sec, err := m.CreatePackage(ctx, op, manage.NewPackage{MID: ent.MID, Name: "p", Scopes: []string{"accounts_read"}})
	if err != nil {
		b.Fatal(err)
	}
	role, err := m.CreateRole(ctx, op, ent.MID, "API", "", []string{fuelgate.PermWebServicesAPI})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := m.CreateUser(ctx, op, manage.NewUser{MID: ent.MID, Username: "api", Name: "API", Email: "a@example.com",
		Password: "bench-Passw0rd!", APIUser: true, Roles: []string{role.ID}, DigestCapable: true}); err != nil {
		b.Fatal(err)
	}
	on := true
	if _, err := m.UpdateSettings(ctx, op, ent.MID, manage.SettingsChange{APIPasswordLogin: &on}); err != nil {
		b.Fatal(err)
	}
	return &benchEnv{svc: svc, clientID: pkg.ClientID, clientSecret: sec}
}

// BenchmarkTokenMint measures /v2/token's work without HTTP: client
// authentication (HMAC), scope and BU checks, and the token + audit insert.
func BenchmarkTokenMint(b *testing.B) {
	e := newBenchEnv(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.svc.Grant(ctx, auth.GrantRequest{ClientID: e.clientID, ClientSecret: e.clientSecret}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTokenVerifyCacheHit is the SOAP steady state: a known token.
func BenchmarkTokenVerifyCacheHit(b *testing.B) {
	e := newBenchEnv(b)
	ctx := context.Background()
	tok, err := e.svc.Grant(ctx, auth.GrantRequest{ClientID: e.clientID, ClientSecret: e.clientSecret})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.svc.VerifyToken(ctx, tok.AccessToken); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.svc.VerifyToken(ctx, tok.AccessToken); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTokenVerifyCacheMiss reads the token and its package from SQLite each time.
func BenchmarkTokenVerifyCacheMiss(b *testing.B) {
	e := newBenchEnv(b)
	ctx := context.Background()
	tok, err := e.svc.Grant(ctx, auth.GrantRequest{ClientID: e.clientID, ClientSecret: e.clientSecret})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		e.svc.Forget()
		if _, err := e.svc.VerifyToken(ctx, tok.AccessToken); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDigestVerify is one PasswordDigest login: freshness, a nonce
// insert, opening the sealed password and the SHA-1 comparison.
func BenchmarkDigestVerify(b *testing.B) {
	e := newBenchEnv(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		ut, err := soap.NewUsernameToken("api", "bench-Passw0rd!", true, time.Now(), rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.svc.VerifyUser(ctx, credential(ut), "127.0.0.1"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPasswordTextCached is a PasswordText login after the first one:
// no argon2id, only the verified-credential cache.
func BenchmarkPasswordTextCached(b *testing.B) {
	e := newBenchEnv(b)
	ctx := context.Background()
	ut := auth.Credential{Username: "api", Password: "bench-Passw0rd!", HasPassword: true}
	if _, err := e.svc.VerifyUser(ctx, ut, "127.0.0.1"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.svc.VerifyUser(ctx, ut, "127.0.0.1"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTokenMintParallel is Grant under concurrency, where SQLite writes
// are group-committed.
func BenchmarkTokenMintParallel(b *testing.B) {
	e := newBenchEnv(b)
	ctx := context.Background()
	b.SetParallelism(8)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := e.svc.Grant(ctx, auth.GrantRequest{ClientID: e.clientID, ClientSecret: e.clientSecret}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
