package manage_test

import (
	"context"
	"encoding/base64"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/sqlite"
)

// TestValidClientSecret: chosen secrets of 32 random bytes pass; short,
// repetitive, sequential and low-entropy ones are refused, and no message
// echoes the secret.
func TestValidClientSecret(t *testing.T) {
	for range 200 {
		for _, s := range []string{base64.RawURLEncoding.EncodeToString(secret.Bytes(32)), base64.StdEncoding.EncodeToString(secret.Bytes(32))} {
			if err := manage.ValidClientSecret(s); err != nil {
				t.Fatalf("ValidClientSecret(random 32 bytes %q): %v, want nil", s, err)
			}
		}
	}
	for _, s := range []string{
		"",
		"c2hvcnQtYnV0LXJhbmRvbS1pc2g", // 27 characters
		strings.Repeat("a", 40),       // one character
		strings.Repeat("password", 5), // a pattern repeated
		"abcdefghijklmnopqrstuvwxyz0123456789ABCD", // a run
		"Zm9vYmFyYmF6cXV4LXF1dXg123456Z29yZ2UtZ3",  // a run of 6 inside a good one
		"0101010101010101010101010101010101011010", // two characters
		"has a space in it but is long enough 1234",
		"tab\there-and-long-enough-xxxxxxxxxxxxxxxxxxxx",
		strings.Repeat("x", manage.MaxClientSecretLength+1),
	} {
		err := manage.ValidClientSecret(s)
		if fuelgate.ErrorCode(err) != fuelgate.EINVALID {
			t.Errorf("ValidClientSecret(%q) = %v, want EINVALID", s, err)
			continue
		}
		if len(s) >= 8 && strings.Contains(err.Error(), s[:8]) {
			t.Errorf("ValidClientSecret(%q) error %q echoes the secret", s, err)
		}
	}
	for id, ok := range map[string]bool{pinnedClientID: true, secret.ClientID(): true, "CI0000000000000000000001": false,
		"ci00000000000000000000001": false, "ci-000000000000000000001": false, "": false} {
		if err := manage.ValidClientID(id); (err == nil) != ok {
			t.Errorf("ValidClientID(%q) = %v, want ok %v", id, err, ok)
		}
	}
}

// TestChosenCredentialsOperatorOnly: an administrator who may create
// packages still may not choose a client ID or secret, apply or export;
// the operator may, and a taken client ID is refused.
func TestChosenCredentialsOperatorOnly(t *testing.T) {
	e := newApplyEnv(t)
	ctx, op := context.Background(), manage.Operator()
	if _, err := e.svc.Apply(ctx, op, sampleTenant(), false); err != nil {
		t.Fatal(err)
	}
	admin, err := e.svc.CreateUser(ctx, op, manage.NewUser{MID: 200000001, Username: "admin", Name: "Admin", Email: "a@example.com",
		Password: pinnedPassword, Roles: []string{"Administrator"}, MIDs: []int64{200000002, 200000003}})
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := e.svc.LoginActor(ctx, admin, manage.ChannelConsole)
	if err != nil || a == nil {
		t.Fatalf("LoginActor: %v, %v", a, err)
	}
	in := manage.NewPackage{MID: 200000001, Name: "Mine", Scopes: []string{"accounts_read"}}
	if _, _, err := e.svc.CreatePackage(ctx, a, in); err != nil {
		t.Fatalf("the administrator creates a package with generated credentials: %v", err)
	}
	for name, try := range map[string]func() error{
		"client ID": func() error {
			in := in
			in.ClientID = "ab0000000000000000000001"
			_, _, err := e.svc.CreatePackage(ctx, a, in)
			return err
		},
		"client secret": func() error {
			in := in
			in.ClientSecret = pinnedSecret
			_, _, err := e.svc.CreatePackage(ctx, a, in)
			return err
		},
		"set secret": func() error { _, err := e.svc.SetClientSecret(ctx, a, pinnedClientID, pinnedSecret+"x"); return err },
		"apply":      func() error { _, err := e.svc.Apply(ctx, a, sampleTenant(), true); return err },
		"export":     func() error { _, err := e.svc.Export(ctx, a, 200000001); return err },
	} {
		if err := try(); fuelgate.ErrorCode(err) != fuelgate.EPERMISSION || !errors.Is(err, manage.ErrNoPermission) {
			t.Errorf("administrator, %s: %v; want EPERMISSION (operator only)", name, err)
		}
	}
	in.ClientID = pinnedClientID
	if _, _, err := e.svc.CreatePackage(ctx, op, in); fuelgate.ErrorCode(err) != fuelgate.ECONFLICT {
		t.Fatalf("operator, taken client ID: %v, want ECONFLICT", err)
	}
}

// TestUpdatePackageLimits: a package administrator may rename a package
// and add scopes whose permissions it holds, but not scopes beyond them
// nor BUs out of its reach; taking a scope away revokes the package's tokens.
func TestUpdatePackageLimits(t *testing.T) {
	e := newApplyEnv(t)
	ctx, op := context.Background(), manage.Operator()
	if _, err := e.svc.Apply(ctx, op, sampleTenant(), false); err != nil {
		t.Fatal(err)
	}
	role, err := e.svc.CreateRole(ctx, op, 200000001, "Package admin", "", []string{fuelgate.PermPackageAdminister, fuelgate.PermBusinessUnitsView})
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.svc.CreateUser(ctx, op, manage.NewUser{MID: 200000002, Username: "pkgadmin", Name: "P", Email: "p@example.com",
		Password: pinnedPassword, Roles: []string{role.ID}})
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := e.svc.LoginActor(ctx, u, manage.ChannelConsole)
	if err != nil || a == nil {
		t.Fatalf("LoginActor: %v, %v", a, err)
	}
	pkg, _, err := e.svc.CreatePackage(ctx, op, manage.NewPackage{MID: 200000002, Name: "Child pkg", Scopes: []string{"offline"}})
	if err != nil {
		t.Fatal(err)
	}
	name, scopes, wider := "Renamed", []string{"accounts_read", "offline"}, []string{"offline", "users_read"}
	if _, err := e.svc.UpdatePackage(ctx, a, pkg.ClientID, manage.PackageChange{Name: &name, Scopes: &scopes}); err != nil {
		t.Fatalf("rename and add accounts_read: %v", err)
	}
	if _, err := e.svc.UpdatePackage(ctx, a, pkg.ClientID, manage.PackageChange{Scopes: &wider}); !errors.Is(err, manage.ErrGrantLimit) {
		t.Errorf("add users_read without holding Users | View: %v, want a grant-limit refusal", err)
	}
	ent := []int64{200000001}
	if _, err := e.svc.UpdatePackage(ctx, a, pkg.ClientID, manage.PackageChange{MIDs: &ent}); !errors.Is(err, manage.ErrNotInReach) {
		t.Errorf("add the enterprise BU, out of reach: %v, want a reach refusal", err)
	}
	hash := secret.SHA256("a token")
	now := time.Now()
	if err := e.st.CreateToken(ctx, &fuelgate.Token{Hash: hash, Kind: fuelgate.TokenAccess, PackageID: pkg.ID, ClientID: pkg.ClientID,
		MID: 200000002, Scopes: scopes, IssuedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	narrower := []string{"offline"}
	got, err := e.svc.UpdatePackage(ctx, a, pkg.ClientID, manage.PackageChange{Scopes: &narrower})
	if err != nil || got.Name != "Renamed" || len(got.Scopes) != 1 {
		t.Fatalf("narrowing: %+v, %v; want the renamed package with one scope", got, err)
	}
	if tok, err := e.st.Token(ctx, hash); err != nil || !tok.Revoked() {
		t.Fatalf("token after the package lost a scope: %+v, %v; want it revoked", tok, err)
	}
}

// countingStore counts the runs of the functions given to Atomic.
type countingStore struct {
	fuelgate.Store
	runs *int
}

func (c countingStore) Atomic(ctx context.Context, fn func(tx fuelgate.Store) error) error {
	return c.Store.Atomic(ctx, func(tx fuelgate.Store) error { *c.runs++; return fn(tx) })
}

// TestApplyRunsAgainCleanly makes SQLite's group commit run Apply's
// transaction twice (it shares a batch with a failing function, as in
// storetest.RerunAtomic): the second run starts afresh, so the plan still
// says create and each object and audit event is stored once.
func TestApplyRunsAgainCleanly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := t.Context()
		st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "r.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		runs := 0
		svc := manage.New(manage.Config{Store: countingStore{st, &runs},
			Keys: &secret.Keys{Pepper: secret.Bytes(32), EncryptionKey: secret.Bytes(32)}})
		release := make(chan struct{})
		held := make(chan error, 1)
		go func() { held <- st.Atomic(ctx, func(fuelgate.Store) error { <-release; return nil }) }()
		synctest.Wait()
		var plan *manage.Plan
		applied := make(chan error, 1)
		go func() {
			var err error
			plan, err = svc.Apply(ctx, manage.Operator(), sampleTenant(), false)
			applied <- err
		}()
		synctest.Wait()
		failing := errors.New("failing job")
		failed := make(chan error, 1)
		go func() {
			failed <- st.Atomic(ctx, func(tx fuelgate.Store) error {
				if err := tx.CreateAccount(ctx, &fuelgate.Account{MID: 5, Name: "Rolled back", Active: true}); err != nil {
					return err
				}
				return failing
			})
		}()
		synctest.Wait()
		close(release)
		if err := <-held; err != nil {
			t.Fatal(err)
		}
		if err := <-applied; err != nil {
			t.Fatalf("Apply: %v", err)
		}
		if err := <-failed; err != failing {
			t.Fatalf("failing job: %v", err)
		}
		if runs != 2 {
			t.Fatalf("Apply's transaction ran %d times; the scenario must make it run twice", runs)
		}
		if plan.Count(manage.ActionCreate) != 9 {
			t.Fatalf("plan after a second run: %v, want 9 creates (each run starts afresh)", actions(plan))
		}
		accts, err := st.Accounts(ctx, fuelgate.AccountFilter{})
		if err != nil || len(accts) != 4 {
			t.Fatalf("%d business units (%v), want the 4 of the tenant", len(accts), err)
		}
		evs, err := st.AuditEvents(ctx, fuelgate.AuditFilter{Action: "tenant.apply"})
		if err != nil || len(evs) != 1 {
			t.Fatalf("%d tenant.apply audit events (%v), want 1", len(evs), err)
		}
	})
}
