package manage_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/sqlite"
)

// Credentials the tests pin.
const (
	pinnedClientID = "ci0000000000000000000001"
	pinnedSecret   = "Qp_uOFfN399hvje-3YL_P3bYelH4ZPIbV-UVZv1lZ-g"
	pinnedPassword = "ci-Passw0rd!"
)

// applyEnv is a manage.Service on a fresh SQLite file.
type applyEnv struct {
	st   fuelgate.Store
	keys *secret.Keys
	svc  *manage.Service
}

func newApplyEnv(t *testing.T) *applyEnv {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	keys := &secret.Keys{Pepper: secret.Bytes(32), EncryptionKey: secret.Bytes(32)}
	return &applyEnv{st: st, keys: keys, svc: manage.New(manage.Config{Store: st, Keys: keys})}
}

// sampleTenant describes an enterprise with one of everything, and some
// values that differ from the defaults.
func sampleTenant() *manage.Tenant {
	st := fuelgate.DefaultSettings(0)
	st.APIPasswordLogin = true
	st.TokenLifetime = 10 * time.Minute
	return &manage.Tenant{
		Enterprise: manage.EnterpriseSpec{MID: 200000001, Name: "Acme", Settings: *st},
		BusinessUnits: []manage.BusinessUnitSpec{
			{MID: 200000002, Name: "Acme Europe", Active: true},
			{Name: "Acme Labs", Parent: manage.BURef{Name: "Acme Europe"}, Active: true},
			{MID: 200000009, Name: "Acme Archive", Active: false},
		},
		Roles: []manage.RoleSpec{{Name: "API Access", Description: "SOAP with a password",
			Permissions: []string{fuelgate.PermWebServicesAPI, fuelgate.PermBusinessUnitsView}}},
		Users: []manage.UserSpec{
			{Username: "ci_api_user", Name: "CI", Email: "ci@example.com", Password: pinnedPassword, APIUser: true,
				DigestCapable: true, Active: true, Roles: []string{"API Access"},
				BusinessUnits: []manage.BURef{{MID: 200000002}, {Name: "Acme Labs"}}},
			{Username: "viewer", Name: "Viewer", Email: "viewer@example.com", Active: false, Roles: []string{"Viewer"},
				DefaultBU: manage.BURef{MID: 200000002}},
		},
		Packages: []manage.PackageSpec{
			{Name: "CI package", Scopes: []string{"accounts_read", "users_read"}, BusinessUnits: []manage.BURef{{MID: 200000002}},
				Enabled: true, ClientID: pinnedClientID, ClientSecret: pinnedSecret},
			{Name: "Generated", Scopes: []string{"accounts_read"}, BU: manage.BURef{MID: 200000002}, Enabled: false},
		},
	}
}

// auditCount is the number of audit events in the database.
func (e *applyEnv) auditCount(t *testing.T) int {
	t.Helper()
	evs, err := e.st.AuditEvents(context.Background(), fuelgate.AuditFilter{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	return len(evs)
}

func (e *applyEnv) export(t *testing.T, mid int64) *manage.Tenant {
	t.Helper()
	got, err := e.svc.Export(context.Background(), manage.Operator(), mid)
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	return got
}

func actions(p *manage.Plan) map[manage.Action]int {
	return map[manage.Action]int{manage.ActionCreate: p.Count(manage.ActionCreate),
		manage.ActionUpdate: p.Count(manage.ActionUpdate), manage.ActionUnchanged: p.Count(manage.ActionUnchanged)}
}

// TestApplyCreatesWhatItDescribes applies the sample to an empty database
// and checks each object through the store: MIDs, tree, roles, flags,
// credentials (only hashes stored), disabled and inactive objects.
func TestApplyCreatesWhatItDescribes(t *testing.T) {
	e := newApplyEnv(t)
	ctx := context.Background()
	plan, err := e.svc.Apply(ctx, manage.Operator(), sampleTenant(), false)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if got := actions(plan); got[manage.ActionCreate] != 9 || len(plan.Changes) != 9 {
		t.Fatalf("plan actions %v over %d changes, want 9 creates", got, len(plan.Changes))
	}
	labs, err := e.st.Account(ctx, 200000003)
	if err != nil || labs.Name != "Acme Labs" || labs.ParentMID != 200000002 {
		t.Fatalf("Acme Labs = %+v, %v; want MID 200000003 under 200000002", labs, err)
	}
	if a, err := e.st.Account(ctx, 200000009); err != nil || a.Active || a.ParentMID != 200000001 {
		t.Fatalf("Acme Archive = %+v, %v; want an inactive child of the enterprise", a, err)
	}
	st, err := e.st.Settings(ctx, 200000001)
	if err != nil || !st.APIPasswordLogin || st.TokenLifetime != 10*time.Minute {
		t.Fatalf("settings = %+v, %v; want API password logins on and a 10m token lifetime", st, err)
	}
	u, err := e.st.UserByUsername(ctx, "ci_api_user")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := secret.VerifyPassword(u.PasswordHash, pinnedPassword); !ok || !u.DigestCapable() || !u.APIUser ||
		!slices.Equal(u.MIDs, []int64{200000001, 200000002, 200000003}) || len(u.RoleIDs) != 1 {
		t.Fatalf("ci_api_user = %+v; want the pinned password, digest-capable, API user, 3 BUs, 1 role", u)
	}
	if v, err := e.st.UserByUsername(ctx, "viewer"); err != nil || v.Active || v.DefaultMID != 200000002 {
		t.Fatalf("viewer = %+v, %v; want inactive with default BU 200000002", v, err)
	}
	p, err := e.st.PackageByClientID(ctx, pinnedClientID)
	if err != nil || !secret.Equal(p.SecretHash, secret.ClientSecretHash(e.keys.Pepper, pinnedSecret)) ||
		!slices.Equal(p.MIDs, []int64{200000001, 200000002}) {
		t.Fatalf("CI package = %+v, %v; want the pinned secret's HMAC and BUs 200000001, 200000002", p, err)
	}
	if len(plan.Generated) != 2 {
		t.Fatalf("generated credentials %v, want the viewer's password and the second package's secret", plan.Generated)
	}
	for _, c := range plan.Generated {
		switch c.What {
		case "password":
			v, _ := e.st.UserByUsername(ctx, c.Name)
			if ok, _ := secret.VerifyPassword(v.PasswordHash, c.Value); !ok || c.Name != "viewer" {
				t.Errorf("generated password for %s does not verify", c.Name)
			}
		case "client_secret":
			g, _ := e.st.PackageByClientID(ctx, c.Name)
			if g == nil || g.Enabled || !secret.Equal(g.SecretHash, secret.ClientSecretHash(e.keys.Pepper, c.Value)) {
				t.Errorf("generated secret of %s: package %+v; want a disabled package with that secret's HMAC", c.Name, g)
			}
		}
	}
}

// TestApplyTwiceIsANoOp applies the sample twice: the second run changes
// nothing (every object unchanged, no audit event, no timestamp moves),
// and a changed description updates exactly the fields that changed.
func TestApplyTwiceIsANoOp(t *testing.T) {
	e := newApplyEnv(t)
	ctx := context.Background()
	if _, err := e.svc.Apply(ctx, manage.Operator(), sampleTenant(), false); err != nil {
		t.Fatal(err)
	}
	events := e.auditCount(t)
	before, _ := e.st.UserByUsername(ctx, "ci_api_user")
	plan, err := e.svc.Apply(ctx, manage.Operator(), sampleTenant(), false)
	if err != nil {
		t.Fatalf("second Apply: %v", err)
	}
	if got := actions(plan); got[manage.ActionUnchanged] != 9 || len(plan.Changes) != 9 || len(plan.Generated) != 0 {
		t.Fatalf("second apply: %v, generated %v; want 9 unchanged and nothing generated", got, plan.Generated)
	}
	after, _ := e.st.UserByUsername(ctx, "ci_api_user")
	if n := e.auditCount(t); n != events || !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Fatalf("second apply wrote: %d audit events (was %d), user updated at %v (was %v)", n, events, after.UpdatedAt, before.UpdatedAt)
	}

	changed := sampleTenant()
	changed.BusinessUnits[2].Name = "Acme Old"
	changed.Users[0].Email = "ci2@example.com"
	changed.Users[0].Password = "another-Passw0rd"
	changed.Users[1].Active = true
	changed.Packages[0].Scopes = append(changed.Packages[0].Scopes, "users_write")
	changed.Packages[0].ClientSecret = "Zm9vYmFyYmF6cXV4LXF1dXgtY29yZ2UtZ3JhdWx0LWdhcnBseQ"
	changed.Enterprise.Settings.LockoutThreshold = 9
	plan, err = e.svc.Apply(ctx, manage.Operator(), changed, false)
	if err != nil {
		t.Fatalf("changed Apply: %v", err)
	}
	want := map[string][]string{
		"enterprise":        {"settings.lockout_threshold"},
		"business_units[2]": {"name"},
		"users[0]":          {"email", "password"},
		"users[1]":          {"active"},
		"packages[0]":       {"scopes", "client_secret"},
	}
	for _, c := range plan.Changes {
		if w, ok := want[c.Path]; ok != (c.Action == manage.ActionUpdate) || !slices.Equal(c.Fields, w) {
			t.Errorf("%s: %s %v, want fields %v", c.Path, c.Action, c.Fields, w)
		}
	}
	p, _ := e.st.PackageByClientID(ctx, pinnedClientID)
	if !secret.Equal(p.SecretHash, secret.ClientSecretHash(e.keys.Pepper, changed.Packages[0].ClientSecret)) || p.PrevSecretHash != nil {
		t.Fatalf("after a changed client secret the package keeps %x (prev %x); want only the new secret's HMAC", p.SecretHash, p.PrevSecretHash)
	}
	if plan, err = e.svc.Apply(ctx, manage.Operator(), changed, false); err != nil || plan.Count(manage.ActionUnchanged) != 9 {
		t.Fatalf("applying the changed tenant again: %v, %v; want 9 unchanged", actions(plan), err)
	}
}

// TestApplyDryRunWritesNothing plans the sample on an empty database: the
// plan lists every create, the database stays empty, no secret is handed out.
func TestApplyDryRunWritesNothing(t *testing.T) {
	e := newApplyEnv(t)
	ctx := context.Background()
	plan, err := e.svc.Apply(ctx, manage.Operator(), sampleTenant(), true)
	if err != nil {
		t.Fatalf("dry run: %v", err)
	}
	if !plan.DryRun || plan.Count(manage.ActionCreate) != 9 || len(plan.Generated) != 0 {
		t.Fatalf("dry run plan: dry %v, %v, generated %v; want 9 creates and no credentials", plan.DryRun, actions(plan), plan.Generated)
	}
	var gen []string
	for _, c := range plan.Changes {
		gen = append(gen, c.Generated...)
	}
	if !slices.Equal(gen, []string{"password", "client_secret"}) {
		t.Fatalf("the plan says it generates %v, want [password client_secret]", gen)
	}
	accts, err := e.st.Accounts(ctx, fuelgate.AccountFilter{})
	if err != nil || len(accts) != 0 || e.auditCount(t) != 0 {
		t.Fatalf("after a dry run: %d BUs (%v), %d audit events; want none", len(accts), err, e.auditCount(t))
	}
}

// TestApplyBadObjectChangesNothing: a tenant that is wrong in one object,
// however late in the file, fails with that object's path and leaves the
// database exactly as it was (one transaction).
func TestApplyBadObjectChangesNothing(t *testing.T) {
	tests := []struct {
		name, path, code string
		edit             func(*manage.Tenant)
	}{
		{"unknown scope", "packages[1]", fuelgate.EINVALID, func(t *manage.Tenant) { t.Packages[1].Scopes = []string{"no_such_scope"} }},
		{"unknown role", "users[0].roles", fuelgate.EINVALID, func(t *manage.Tenant) { t.Users[0].Roles = []string{"Nobody"} }},
		{"unknown BU", "users[1].default_bu", fuelgate.EINVALID, func(t *manage.Tenant) { t.Users[1].DefaultBU = manage.BURef{Name: "Mars"} }},
		{"unknown parent", "business_units[0].parent", fuelgate.EINVALID,
			func(t *manage.Tenant) { t.BusinessUnits[0].Parent = manage.BURef{Name: "Mars"} }},
		{"weak secret", "packages[0]", fuelgate.EINVALID, func(t *manage.Tenant) { t.Packages[0].ClientSecret = strings.Repeat("ab", 20) }},
		{"bad client ID", "packages[0]", fuelgate.EINVALID, func(t *manage.Tenant) { t.Packages[0].ClientID = "CI-Client" }},
		{"unknown type", "packages[1].type", fuelgate.EINVALID, func(t *manage.Tenant) { t.Packages[1].Type = "desktop" }},
		{"web app without a redirect URI", "packages[1]", fuelgate.EINVALID, func(t *manage.Tenant) { t.Packages[1].Type = "web" }},
		{"redirect URI on a server package", "packages[1]", fuelgate.EINVALID,
			func(t *manage.Tenant) { t.Packages[1].RedirectURIs = []string{"https://app.example.com/cb"} }},
		{"server package turned web app", "packages[0].type", fuelgate.EINVALID, func(t *manage.Tenant) {
			t.Packages[0].Type, t.Packages[0].RedirectURIs = "web", []string{"https://app.example.com/cb"}
		}},
		{"user twice", "users[1].username", fuelgate.EINVALID, func(t *manage.Tenant) { t.Users[1].Username = "ci_api_user" }},
		{"short password", "users[0]", fuelgate.EINVALID, func(t *manage.Tenant) { t.Users[0].Password = "short" }},
		{"MID out of range", "business_units[0].mid", fuelgate.EINVALID, func(t *manage.Tenant) { t.BusinessUnits[0].MID = 1 << 40 }},
		{"bad settings", "enterprise.settings", fuelgate.EINVALID, func(t *manage.Tenant) { t.Enterprise.Settings.LockoutThreshold = 0 }},
		{"moved BU", "business_units[1]", fuelgate.EINVALID, func(t *manage.Tenant) { t.BusinessUnits[1].Parent = manage.BURef{} }},
	}
	e := newApplyEnv(t)
	ctx := context.Background()
	// The database already holds the sample, minus the last package; the
	// bad tenants add it and change the rest.
	base := sampleTenant()
	base.Packages = base.Packages[:1]
	if _, err := e.svc.Apply(ctx, manage.Operator(), base, false); err != nil {
		t.Fatal(err)
	}
	want, events := e.export(t, 200000001), e.auditCount(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := sampleTenant()
			bad.BusinessUnits[2].Name = "Renamed" // a change before the bad object…
			bad.Users[0].Email = "changed@example.com"
			tt.edit(bad)
			_, err := e.svc.Apply(ctx, manage.Operator(), bad, false)
			var ae *manage.ApplyError
			if !errors.As(err, &ae) || ae.Path != tt.path || fuelgate.ErrorCode(err) != tt.code {
				t.Fatalf("Apply: %v; want an ApplyError at %s with code %s", err, tt.path, tt.code)
			}
			if got := e.export(t, 200000001); !reflect.DeepEqual(got, want) || e.auditCount(t) != events {
				t.Fatalf("the failed apply changed the database (…which must not be kept):\ngot  %+v\nwant %+v", got, want)
			}
		})
	}
}

// TestExportApplyRoundTrip builds an enterprise through the use-cases (not
// Apply), exports it, applies the export to an empty database and exports
// that: the two descriptions are equal, and applying the export to its own
// source changes nothing.
func TestExportApplyRoundTrip(t *testing.T) {
	src := newApplyEnv(t)
	ctx, op := context.Background(), manage.Operator()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ent, err := src.svc.CreateEnterprise(ctx, op, "Source")
	must(err)
	child, err := src.svc.CreateBusinessUnit(ctx, op, ent.MID, "Child")
	must(err)
	grand, err := src.svc.CreateBusinessUnit(ctx, op, child.MID, "Grandchild")
	must(err)
	legacy := fuelgate.ModelLegacy
	must2(src.svc.UpdateSettings(ctx, op, ent.MID, manage.SettingsChange{PermissionModel: &legacy}))(t)
	role, err := src.svc.CreateRole(ctx, op, ent.MID, "Auditor", "reads the trail", []string{fuelgate.PermAuditView})
	must(err)
	u, err := src.svc.CreateUser(ctx, op, manage.NewUser{MID: child.MID, Username: "legacy_api", Name: "Legacy", Email: "l@example.com",
		Password: pinnedPassword, APIUser: true, WebServices: true, Roles: []string{role.ID, "Viewer"}, MIDs: []int64{grand.MID}})
	must(err)
	off := false
	must2(src.svc.UpdateUser(ctx, op, u.ID, manage.UserChange{Active: &off}))(t)
	p, _, err := src.svc.CreatePackage(ctx, op, manage.NewPackage{MID: ent.MID, Name: "Legacy pkg", Scopes: []string{"offline"}, Legacy: true})
	must(err)
	must2(src.svc.SetPackageEnabled(ctx, op, p.ClientID, false))(t)
	must2(src.svc.UpdateBusinessUnit(ctx, op, grand.MID, nil, &off))(t)

	exported := src.export(t, child.MID)
	dst := newApplyEnv(t)
	plan, err := dst.svc.Apply(ctx, op, exported, false)
	if err != nil {
		t.Fatalf("applying the export to an empty database: %v", err)
	}
	if plan.Count(manage.ActionCreate) != len(plan.Changes) {
		t.Fatalf("apply of the export on an empty database: %v, want only creates", actions(plan))
	}
	if again := dst.export(t, ent.MID); !reflect.DeepEqual(again, exported) {
		t.Fatalf("export → apply → export differs:\nfirst  %+v\nsecond %+v", exported, again)
	}
	plan, err = src.svc.Apply(ctx, op, exported, false)
	if err != nil || plan.Count(manage.ActionUnchanged) != len(plan.Changes) {
		t.Fatalf("applying the export to its source: %v, %v; want every object unchanged", actions(plan), err)
	}
}

// must2 fails the test when the second result is an error.
func must2[T any](_ T, err error) func(*testing.T) {
	return func(t *testing.T) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestApplyWebAndPublicApps provisions a web app with a pinned secret and a
// public app (no secret, PKCE required): created as described, a second
// apply changes nothing, new redirect URIs are an update, a secret for the
// public app is refused, and export → apply → export round-trips them.
func TestApplyWebAndPublicApps(t *testing.T) {
	e := newApplyEnv(t)
	ctx, op := context.Background(), manage.Operator()
	tenant := sampleTenant()
	tenant.Packages = []manage.PackageSpec{
		{Name: "Web app", Type: manage.PackageTypeWeb, RedirectURIs: []string{"https://app.example.com/cb"},
			Scopes: []string{"users_read"}, Enabled: true, ClientID: "web000000000000000000001", ClientSecret: pinnedSecret},
		{Name: "Public app", Type: manage.PackageTypePublic, RedirectURIs: []string{"http://127.0.0.1:9999/cb"}, RequirePKCE: true,
			Scopes: []string{"accounts_read"}, Enabled: true, ClientID: "pub000000000000000000001"},
	}
	plan, err := e.svc.Apply(ctx, op, tenant, false)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if len(plan.Generated) != 1 || plan.Generated[0].What != "password" {
		t.Fatalf("generated %v; want only the viewer's password (the web app's secret is pinned, the public app has none)", plan.Generated)
	}
	web, err := e.st.PackageByClientID(ctx, "web000000000000000000001")
	if err != nil || web.IntegrationType != fuelgate.IntegrationWebApp || !web.HasRedirectURI("https://app.example.com/cb") ||
		!secret.Equal(web.SecretHash, secret.ClientSecretHash(e.keys.Pepper, pinnedSecret)) {
		t.Fatalf("web app = %+v, %v", web, err)
	}
	pub, err := e.st.PackageByClientID(ctx, "pub000000000000000000001")
	if err != nil || pub.IntegrationType != fuelgate.IntegrationPublicApp || !pub.RequirePKCE || pub.SecretHash != nil {
		t.Fatalf("public app = %+v, %v; want PKCE required and no secret", pub, err)
	}
	if plan, err = e.svc.Apply(ctx, op, tenant, false); err != nil || plan.Count(manage.ActionUnchanged) != len(plan.Changes) {
		t.Fatalf("second apply: %v, %v; want every object unchanged", actions(plan), err)
	}
	tenant.Packages[0].RedirectURIs = append(tenant.Packages[0].RedirectURIs, "https://app.example.com/cb2")
	if plan, err = e.svc.Apply(ctx, op, tenant, false); err != nil || !slices.Equal(plan.Changes[len(plan.Changes)-2].Fields, []string{"redirect_uris"}) {
		t.Fatalf("a new redirect URI: %+v, %v; want an update of redirect_uris", plan, err)
	}
	bad := *tenant
	bad.Packages = slices.Clone(tenant.Packages)
	bad.Packages[1].ClientSecret = pinnedSecret
	var ae *manage.ApplyError
	if _, err := e.svc.Apply(ctx, op, &bad, false); !errors.As(err, &ae) || ae.Path != "packages[1]" || !strings.Contains(err.Error(), "public app has no client secret") {
		t.Fatalf("a secret for the public app: %v; want it refused at packages[1]", err)
	}
	exported := e.export(t, 200000001)
	dst := newApplyEnv(t)
	if _, err := dst.svc.Apply(ctx, op, exported, false); err != nil {
		t.Fatalf("applying the export: %v", err)
	}
	if again := dst.export(t, 200000001); !reflect.DeepEqual(again, exported) {
		t.Fatalf("export → apply → export differs:\nfirst  %+v\nsecond %+v", exported.Packages, again.Packages)
	}
}
