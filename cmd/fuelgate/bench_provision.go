package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/bench"
	"github.com/fuelgate/fuelgate/internal/secret"
	"github.com/fuelgate/fuelgate/manage"
)

// ownServers is the provisioned database of the bench's own servers and
// how to start them.
type ownServers struct {
	creds     bench.Target // the credentials; no URL yet
	args      []string     // "serve" and its flags
	env       []string     // the keys
	instances int
	cleanup   func() // removes a temp SQLite database
}

// provisionOwn creates the own servers' database — a temp SQLite file, or
// the empty PostgreSQL database f.pgURL that f.instances servers share — and
// provisions it.
func (m *Main) provisionOwn(ctx context.Context, f *benchFlags) (*ownServers, error) {
	o := &ownServers{creds: bench.Target{Username: "bench_api", Password: secret.Password()}, instances: f.instances}
	db, cleanup, keys, err := m.benchDatabase(f)
	if err != nil {
		return nil, err
	}
	// Provisioning and the servers read the keys from this environment.
	pm := *m
	pm.Getenv = func(k string) string {
		if v, ok := keys[k]; ok {
			return v
		}
		return m.Getenv(k)
	}
	if err := pm.provisionBench(ctx, &common{db: db, keyFile: f.keyFile}, &o.creds, f); err != nil {
		cleanup()
		return nil, err
	}
	o.args = []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--token-rate", "0"} // the token scenario measures issuance
	if f.keyFile != "" {
		o.args = append(o.args, "--key-file", f.keyFile)
	}
	for k, v := range keys {
		o.env = append(o.env, k+"="+v)
	}
	o.cleanup = cleanup
	return o, nil
}

// benchDatabase returns the database the own server uses, a function that
// removes it (SQLite temp dir only), and the environment variables that
// provisioning and the servers see in place of this process's: for SQLite
// an empty FUELGATE_KEY_FILE (the key file is <db>.key, or the keys of the
// environment), and for PostgreSQL without --key-file the FUELGATE_PEPPER
// and FUELGATE_ENCRYPTION_KEY of the environment, or keys generated for
// this run.
func (m *Main) benchDatabase(f *benchFlags) (string, func(), map[string]string, error) {
	if f.pgURL != "" {
		keys := map[string]string{}
		if f.keyFile == "" {
			p, e := m.Getenv(secret.EnvPepper), m.Getenv(secret.EnvEncryptionKey)
			if p == "" && e == "" {
				p, e = base64.StdEncoding.EncodeToString(secret.Bytes(32)), base64.StdEncoding.EncodeToString(secret.Bytes(32))
			}
			keys[secret.EnvPepper], keys[secret.EnvEncryptionKey] = p, e
		}
		return f.pgURL, func() {}, keys, nil
	}
	dir := f.dbDir
	cleanup := func() {}
	if dir == "" {
		d, err := os.MkdirTemp("", "fuelgate-bench-")
		if err != nil {
			return "", nil, nil, err
		}
		dir, cleanup = d, func() { os.RemoveAll(d) }
	}
	return filepath.Join(dir, "bench.db"), cleanup, map[string]string{"FUELGATE_KEY_FILE": ""}, nil
}

// provisionBench creates the enterprise, package, API user and prefill on
// the database c names, which must hold no business unit yet.
func (m *Main) provisionBench(ctx context.Context, c *common, t *bench.Target, f *benchFlags) error {
	e, err := m.open(ctx, c)
	if err != nil {
		return err
	}
	defer e.store.Close()
	if existing, err := e.store.Accounts(ctx, fuelgate.AccountFilter{}); err != nil {
		return err
	} else if len(existing) > 0 {
		return fmt.Errorf("%w: bench provisions an empty database; %s already has business units (create a new database for each run)",
			errUsage, redactDSN(c.db))
	}
	op := manage.Operator()
	ent, err := e.manage.CreateEnterprise(ctx, op, "Bench Enterprise")
	if err != nil {
		return err
	}
	pkg, sec, err := e.manage.CreatePackage(ctx, op, manage.NewPackage{MID: ent.MID, Name: "bench", Scopes: []string{"accounts_read", "users_read"}})
	if err != nil {
		return err
	}
	role, err := e.manage.CreateRole(ctx, op, ent.MID, "API Access", "", []string{fuelgate.PermWebServicesAPI})
	if err != nil {
		return err
	}
	if _, err := e.manage.CreateUser(ctx, op, manage.NewUser{MID: ent.MID, Username: t.Username, Name: "Bench API",
		Email: "bench@example.com", Password: t.Password, APIUser: true, Roles: []string{role.ID}, DigestCapable: true}); err != nil {
		return err
	}
	on := true
	if _, err := e.manage.UpdateSettings(ctx, op, ent.MID, manage.SettingsChange{APIPasswordLogin: &on}); err != nil {
		return err
	}
	t.ClientID, t.ClientSecret, t.AccountID = pkg.ClientID, sec, ent.MID
	return prefill(ctx, e.store, pkg, ent.MID, f)
}

// prefill stores extra BUs, users and tokens in large transactions.
func prefill(ctx context.Context, st fuelgate.Store, pkg *fuelgate.Package, ent int64, f *benchFlags) error {
	now := time.Now().UTC()
	const batch = 5000
	for done := 0; done < f.prefillBUs; done += batch {
		err := st.Atomic(ctx, func(tx fuelgate.Store) error {
			for i := done; i < min(done+batch, f.prefillBUs); i++ {
				a := &fuelgate.Account{MID: ent + 1000 + int64(i), ParentMID: ent, Name: "bu-" + strconv.Itoa(i), Active: true, CreatedAt: now, UpdatedAt: now}
				if err := tx.CreateAccount(ctx, a); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	hash := secret.HashPassword(secret.Password()) // one slow hash shared by every prefilled user
	for done := 0; done < f.prefillUsers; done += batch {
		err := st.Atomic(ctx, func(tx fuelgate.Store) error {
			for i := done; i < min(done+batch, f.prefillUsers); i++ {
				u := &fuelgate.User{EnterpriseMID: ent, Username: "user" + strconv.Itoa(i), Name: "u", Email: "u@example.com",
					PasswordHash: hash, PasswordVersion: 1, Active: true, DefaultMID: ent, MIDs: []int64{ent}, CreatedAt: now, UpdatedAt: now}
				if err := tx.CreateUser(ctx, u); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for done := 0; done < f.prefillTokens; done += batch {
		err := st.Atomic(ctx, func(tx fuelgate.Store) error {
			for i := done; i < min(done+batch, f.prefillTokens); i++ {
				// Spread over the last 24 hours, as a store holding a day of
				// tokens (most expired, kept for the grace period) would be.
				issued := now.Add(-24*time.Hour + time.Duration(i)*(24*time.Hour)/time.Duration(f.prefillTokens))
				_, key := auth.NewTokenText(issued)
				tok := &fuelgate.Token{Hash: key, Kind: fuelgate.TokenAccess, PackageID: pkg.ID,
					ClientID: pkg.ClientID, MID: ent, Scopes: pkg.Scopes, IssuedAt: issued, ExpiresAt: issued.Add(20 * time.Minute)}
				if err := tx.CreateToken(ctx, tok); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
