package manage_test

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
)

// The tests in this file check the rule for the tokens of web and public
// apps (OpAppToken): a token holds the permissions of its scopes that the
// user holds too, acts only in one BU both reach, and only while the user
// may sign in. The expected permissions come from this restatement of the
// scope table and the role permissions, not from package manage.

// appScopeGives restates what each scope gives a token (docs/security.md).
var appScopeGives = map[string][]string{
	"accounts_read":  {fuelgate.PermBusinessUnitsView},
	"accounts_write": {fuelgate.PermBusinessUnitsView, fuelgate.PermBusinessUnitsManage},
	"users_read":     {fuelgate.PermUsersView, fuelgate.PermRolesView},
	"users_write":    {fuelgate.PermUsersView, fuelgate.PermUsersManage, fuelgate.PermRolesView},
}

// wantAppPerms is the reference: every catalog permission a scope gives
// that the user holds, in catalog order.
func wantAppPerms(scopes, userPerms []string) []string {
	var out []string
	for _, p := range fuelgate.Permissions {
		given := false
		for _, sc := range scopes {
			given = given || slices.Contains(appScopeGives[sc], p.Name)
		}
		if given && slices.Contains(userPerms, p.Name) {
			out = append(out, p.Name)
		}
	}
	return out
}

// webApp creates a web app in the enterprise that reaches mids too, with
// every scope of the table and offline.
func webApp(t *testing.T, e *fgtest.Env, mids ...int64) *fuelgate.Package {
	t.Helper()
	p, _, err := e.Manage.CreatePackage(ctx, manage.Operator(), manage.NewPackage{MID: e.Enterprise.MID, Name: "Web App",
		Type: fuelgate.IntegrationWebApp, RedirectURIs: []string{"https://app.example.com/cb"}, MIDs: mids,
		Scopes: []string{"accounts_read", "accounts_write", "users_read", "users_write", "offline"}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAppTokenPermissionsAreTheIntersection(t *testing.T) {
	e := fgtest.New(t)
	pkg := webApp(t, e, e.Child.MID)
	op := manage.Operator()
	roleSets := map[string][]string{
		"none":             nil,
		"bu and user view": {fuelgate.PermBusinessUnitsView, fuelgate.PermUsersView},
		"user manager":     {fuelgate.PermUsersView, fuelgate.PermUsersManage, fuelgate.PermRolesView, fuelgate.PermWebServicesAPI},
		"all but scopes'":  {fuelgate.PermAuditView, fuelgate.PermPackageAdminister, fuelgate.PermSecuritySettingsView},
		"everything":       fuelgate.SystemRoles[0].Permissions,
	}
	scopeSets := [][]string{
		{"accounts_read", "accounts_write", "users_read", "users_write"},
		{"users_read"},
		{"accounts_write"},
		{"offline"},
		nil,
	}
	i := 0
	for name, perms := range roleSets {
		i++
		var roles []string
		if perms != nil {
			r, err := e.Manage.CreateRole(ctx, op, e.Enterprise.MID, "Role "+name, "", perms)
			if err != nil {
				t.Fatal(err)
			}
			roles = []string{r.ID}
		}
		u := e.CreateUser(manage.NewUser{Username: "app_user_" + strings.ReplaceAll(name, " ", "_"), Roles: roles,
			MIDs: []int64{e.Child.MID}})
		for _, scopes := range scopeSets {
			for _, mid := range []int64{e.Enterprise.MID, e.Child.MID} {
				a, reason, err := e.Manage.AppUserActor(ctx, pkg, u.ID, mid, scopes, fuelgate.TokenAccess)
				if err != nil || a == nil {
					t.Fatalf("%s, scopes %v, BU %d: got refusal %q, %v", name, scopes, mid, reason, err)
				}
				if got, want := a.Permissions(), wantAppPerms(scopes, perms); !slices.Equal(got, want) {
					t.Errorf("%s, scopes %v: permissions %v, want %v", name, scopes, got, want)
				}
				if got := a.Reach(); !slices.Equal(got, []int64{mid}) {
					t.Errorf("%s in BU %d: reach %v, want only that BU", name, mid, got)
				}
				if a.Kind() != manage.KindApp || a.UserID() != u.ID || a.ClientID() != pkg.ClientID || a.MID() != mid {
					t.Errorf("actor %v: kind %s, user %d, client %s, MID %d", a, a.Kind(), a.UserID(), a.ClientID(), a.MID())
				}
			}
		}
	}
}

func TestAppTokenRefusals(t *testing.T) {
	e := fgtest.New(t)
	op := manage.Operator()
	spare, err := e.Manage.CreateBusinessUnit(ctx, op, e.Enterprise.MID, "Spare BU")
	if err != nil {
		t.Fatal(err)
	}
	pkg := webApp(t, e, e.Child.MID, spare.MID)
	u := e.CreateUser(manage.NewUser{Username: "app_user", MIDs: []int64{e.Child.MID, e.Grandchild.MID, spare.MID}})
	child := e.CreateUser(manage.NewUser{Username: "child_user", MID: e.Child.MID})
	inactive := e.CreateUser(manage.NewUser{Username: "inactive_user"})
	locked := e.CreateUser(manage.NewUser{Username: "locked_user"})
	off := false
	if _, err := e.Manage.UpdateUser(ctx, op, inactive.ID, manage.UserChange{Active: &off}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Store.UpdateUser(ctx, locked.ID, func(u *fuelgate.User) error {
		u.LockedUntil = time.Now().Add(time.Hour)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	other, err := e.Manage.CreateEnterprise(ctx, op, "Other Enterprise")
	if err != nil {
		t.Fatal(err)
	}
	stranger := e.CreateUser(manage.NewUser{Username: "stranger", MID: other.MID})
	server, _, err := e.Manage.CreatePackage(ctx, op, manage.NewPackage{MID: e.Enterprise.MID, Name: "S2S", Scopes: []string{"users_read"}})
	if err != nil {
		t.Fatal(err)
	}
	disabled := webApp(t, e)
	if _, err := e.Manage.SetPackageEnabled(ctx, op, disabled.ClientID, false); err != nil {
		t.Fatal(err)
	}
	disabled.Enabled = false
	if _, err := e.Manage.UpdateBusinessUnit(ctx, op, spare.MID, nil, &off); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		pkg    *fuelgate.Package
		userID int64
		mid    int64
		want   string // "" : allowed
	}{
		{"the user's default BU", pkg, u.ID, e.Enterprise.MID, ""},
		{"another BU of the user", pkg, u.ID, e.Child.MID, ""},
		{"a BU of a user whose default BU is a child", pkg, child.ID, e.Child.MID, ""},
		{"a BU the package does not reach", pkg, u.ID, e.Grandchild.MID, manage.ReasonPackageReach},
		{"a BU the user is not assigned to", pkg, child.ID, e.Enterprise.MID, manage.ReasonUserReach},
		{"an inactive BU", pkg, u.ID, spare.MID, manage.ReasonBUInactive},
		{"a BU of another enterprise", pkg, u.ID, other.MID, manage.ReasonUserReach},
		{"an inactive user", pkg, inactive.ID, e.Enterprise.MID, "user inactive"},
		{"a locked user", pkg, locked.ID, e.Enterprise.MID, "user locked"},
		{"a user of another enterprise", pkg, stranger.ID, other.MID, "user of another enterprise"},
		{"an unknown user", pkg, 999999, e.Enterprise.MID, "user not found"},
		{"a server-to-server package", server, u.ID, e.Enterprise.MID, "package is not an enabled web or public app"},
		{"a disabled package", disabled, u.ID, e.Enterprise.MID, "package is not an enabled web or public app"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, reason, err := e.Manage.AppUserActor(ctx, tt.pkg, tt.userID, tt.mid, []string{"users_read"}, fuelgate.TokenAccess)
			if err != nil {
				t.Fatal(err)
			}
			if reason != tt.want || (a == nil) != (tt.want != "") {
				t.Fatalf("got actor %v, reason %q; want reason %q", a, reason, tt.want)
			}
		})
	}

	// The choices of the BU page are the active BUs both reach.
	ua, reason, err := e.Manage.LoginActor(ctx, u, manage.ChannelConsole)
	if err != nil || ua == nil {
		t.Fatalf("LoginActor: %q %v", reason, err)
	}
	bus, err := e.Manage.AppBUs(ctx, ua, pkg)
	if err != nil {
		t.Fatal(err)
	}
	var mids []int64
	for _, b := range bus {
		mids = append(mids, b.MID)
	}
	if want := []int64{e.Enterprise.MID, e.Child.MID}; !slices.Equal(mids, want) {
		t.Errorf("AppBUs: got %v, want %v (the grandchild is out of the package's reach, the spare BU inactive)", mids, want)
	}
	if bus, err := e.Manage.AppBUs(ctx, ua, server); err != nil || len(bus) != 0 {
		t.Errorf("AppBUs of a server-to-server package: got %d BUs, %v; want none", len(bus), err)
	}
	if _, err := e.Manage.AppBUs(ctx, manage.Operator(), pkg); fuelgate.ErrorCode(err) != fuelgate.EPERMISSION {
		t.Errorf("AppBUs for the operator: got %v, want EPERMISSION (only a user authorizes apps)", err)
	}
}

func TestCreateAppPackage(t *testing.T) {
	e := fgtest.New(t)
	op := manage.Operator()
	tests := []struct {
		name    string
		in      manage.NewPackage
		wantErr string // a substring of the error, "" for success
	}{
		{"web app", manage.NewPackage{Type: fuelgate.IntegrationWebApp, RedirectURIs: []string{"https://a.example.com/cb", "https://a.example.com/cb"}}, ""},
		{"public app on loopback", manage.NewPackage{Type: fuelgate.IntegrationPublicApp, RedirectURIs: []string{"http://127.0.0.1:8400/cb", "http://[::1]/cb", "http://localhost/x"}, RequirePKCE: true}, ""},
		{"server-to-server by default", manage.NewPackage{}, ""},
		{"web app without redirect URI", manage.NewPackage{Type: fuelgate.IntegrationWebApp}, "needs at least one"},
		{"http on a public host", manage.NewPackage{Type: fuelgate.IntegrationWebApp, RedirectURIs: []string{"http://app.example.com/cb"}}, "must use https"},
		{"relative URI", manage.NewPackage{Type: fuelgate.IntegrationWebApp, RedirectURIs: []string{"/cb"}}, "not an absolute URL"},
		{"fragment", manage.NewPackage{Type: fuelgate.IntegrationWebApp, RedirectURIs: []string{"https://a.example.com/cb#x"}}, "fragment"},
		{"user info", manage.NewPackage{Type: fuelgate.IntegrationWebApp, RedirectURIs: []string{"https://u:p@a.example.com/cb"}}, "user name"},
		{"space", manage.NewPackage{Type: fuelgate.IntegrationWebApp, RedirectURIs: []string{"https://a.example.com/c b"}}, "space"},
		{"custom scheme", manage.NewPackage{Type: fuelgate.IntegrationPublicApp, RedirectURIs: []string{"com.example.app:/cb"}}, "not an absolute URL"},
		{"redirect URI on server-to-server", manage.NewPackage{RedirectURIs: []string{"https://a.example.com/cb"}}, "not server-to-server"},
		{"PKCE on server-to-server", manage.NewPackage{RequirePKCE: true}, "not server-to-server"},
		{"legacy web app", manage.NewPackage{Type: fuelgate.IntegrationWebApp, Legacy: true, RedirectURIs: []string{"https://a.example.com/cb"}}, "legacy"},
		{"unknown type", manage.NewPackage{Type: "mobile"}, "not one of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.MID, tt.in.Name, tt.in.Scopes = e.Enterprise.MID, tt.name, []string{"users_read"}
			p, sec, err := e.Manage.CreatePackage(ctx, op, tt.in)
			if tt.wantErr != "" {
				if fuelgate.ErrorCode(err) != fuelgate.EINVALID || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want EINVALID mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			stored, err := e.Store.PackageByClientID(ctx, p.ClientID)
			if err != nil {
				t.Fatal(err)
			}
			public := tt.in.Type == fuelgate.IntegrationPublicApp
			if public != (sec == "") || public != (stored.SecretHash == nil) {
				t.Errorf("type %s: secret %d chars, stored hash %d bytes", tt.in.Type, len(sec), len(stored.SecretHash))
			}
			if tt.in.Type == "" && stored.IntegrationType != fuelgate.IntegrationServerToServer {
				t.Errorf("default type: got %q", stored.IntegrationType)
			}
			if len(stored.RedirectURIs) != len(slices.Compact(slices.Clone(tt.in.RedirectURIs))) || stored.RequirePKCE != tt.in.RequirePKCE {
				t.Errorf("stored redirect URIs %q, PKCE %v; from %q, %v", stored.RedirectURIs, stored.RequirePKCE, tt.in.RedirectURIs, tt.in.RequirePKCE)
			}
			if public {
				if _, _, err := e.Manage.RotateSecret(ctx, op, p.ClientID, time.Time{}); fuelgate.ErrorCode(err) != fuelgate.EINVALID {
					t.Errorf("rotating a public app's secret: got %v, want EINVALID", err)
				}
			}
		})
	}
}

// appTokens stores, as package auth would, an access token and a refresh
// token of pkg for user userID in family.
func appTokens(t *testing.T, e *fgtest.Env, pkg *fuelgate.Package, userID int64, family string) {
	t.Helper()
	now := e.Clock.Now()
	for i, kind := range []fuelgate.TokenKind{fuelgate.TokenAccess, fuelgate.TokenAppRefresh} {
		tk := &fuelgate.Token{Hash: []byte(family + "-" + string(kind) + "-" + itoa(userID) + "-" + itoa(int64(i))), Kind: kind,
			PackageID: pkg.ID, ClientID: pkg.ClientID, MID: e.Enterprise.MID, Scopes: []string{"users_read"},
			IssuedAt: now, ExpiresAt: now.Add(time.Hour), UserID: userID, Family: family}
		if err := e.Store.CreateToken(ctx, tk); err != nil {
			t.Fatal(err)
		}
	}
}

// liveTokens counts the unrevoked tokens of user userID.
func liveTokens(t *testing.T, e *fgtest.Env, userID int64) int {
	t.Helper()
	list, err := e.Store.LiveTokens(ctx, fuelgate.TokenFilter{UserID: userID}, e.Clock.Now(), 100)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

func TestAppTokensEndWithTheUsersAccess(t *testing.T) {
	e := fgtest.New(t)
	pkg := webApp(t, e)
	op := manage.Operator()
	pw, deact, bystander := e.CreateUser(manage.NewUser{Username: "pw_user"}), e.CreateUser(manage.NewUser{Username: "deact_user"}),
		e.CreateUser(manage.NewUser{Username: "bystander"})
	for _, u := range []*fuelgate.User{pw, deact, bystander} {
		appTokens(t, e, pkg, u.ID, "fam-"+u.Username)
	}
	newPassword, off, name := "an0ther-Passw0rd", false, "Renamed"
	changes := []struct {
		what   string
		user   *fuelgate.User
		change manage.UserChange
		want   int // live tokens after
	}{
		{"a new name", bystander, manage.UserChange{Name: &name}, 2},
		{"a new password", pw, manage.UserChange{Password: &newPassword}, 0},
		{"deactivation", deact, manage.UserChange{Active: &off}, 0},
	}
	for _, c := range changes {
		if _, err := e.Manage.UpdateUser(ctx, op, c.user.ID, c.change); err != nil {
			t.Fatal(err)
		}
		if got := liveTokens(t, e, c.user.ID); got != c.want {
			t.Errorf("%s after %s: %d live tokens, want %d", c.user.Username, c.what, got, c.want)
		}
	}
	if got := liveTokens(t, e, bystander.ID); got != 2 {
		t.Errorf("bystander: %d live tokens, want 2 (other users' changes leave them)", got)
	}
}

func TestAppGrants(t *testing.T) {
	e := fgtest.New(t)
	pkg := webApp(t, e)
	op := manage.Operator()
	viewerRole, err := e.Manage.CreateRole(ctx, op, e.Enterprise.MID, "Users viewer", "", []string{fuelgate.PermUsersView})
	if err != nil {
		t.Fatal(err)
	}
	owner := e.CreateUser(manage.NewUser{Username: "owner"})
	viewer := e.CreateUser(manage.NewUser{Username: "viewer", Roles: []string{viewerRole.ID}})
	nobody := e.CreateUser(manage.NewUser{Username: "nobody"})
	admin := e.CreateUser(manage.NewUser{Username: "grant_admin", Roles: []string{"Administrator"}})
	appTokens(t, e, pkg, owner.ID, "fam-a")
	appTokens(t, e, pkg, owner.ID, "fam-b")
	actor := func(u *fuelgate.User) *manage.Actor {
		a, reason, err := e.Manage.LoginActor(ctx, u, manage.ChannelConsole)
		if err != nil || a == nil {
			t.Fatalf("LoginActor(%s): %q %v", u.Username, reason, err)
		}
		return a
	}

	reads := []struct {
		who  *fuelgate.User
		want string // error code
	}{{owner, ""}, {viewer, ""}, {admin, ""}, {nobody, fuelgate.EPERMISSION}}
	for _, r := range reads {
		grants, err := e.Manage.AppGrants(ctx, actor(r.who), owner.ID)
		if fuelgate.ErrorCode(err) != r.want {
			t.Fatalf("AppGrants by %s: got %v, want code %q", r.who.Username, err, r.want)
		}
		if err == nil && (len(grants) != 2 || grants[0].PackageName != pkg.Name || grants[0].ClientID != pkg.ClientID) {
			t.Errorf("AppGrants by %s: got %+v, want the two grants of %s", r.who.Username, grants, pkg.Name)
		}
	}
	revokes := []struct {
		who    *fuelgate.User
		family string
		want   string
	}{
		{viewer, "fam-a", fuelgate.EPERMISSION}, // reading users is not managing them
		{nobody, "fam-a", fuelgate.EPERMISSION},
		{owner, "fam-none", fuelgate.ENOTFOUND},
		{owner, "fam-a", ""},
		{admin, "fam-b", ""},
		{admin, "fam-b", fuelgate.ENOTFOUND}, // already revoked
	}
	for _, r := range revokes {
		err := e.Manage.RevokeAppGrant(ctx, actor(r.who), owner.ID, r.family)
		if fuelgate.ErrorCode(err) != r.want {
			t.Errorf("RevokeAppGrant(%s) by %s: got %v, want code %q", r.family, r.who.Username, err, r.want)
		}
	}
	if got := liveTokens(t, e, owner.ID); got != 0 {
		t.Errorf("after revoking both grants: %d live tokens, want 0", got)
	}
	// The trail shows the two revocations and the two refused attempts.
	events, err := e.Manage.AuditEvents(ctx, op, fuelgate.AuditFilter{Action: "app_grant.revoke"})
	if err != nil {
		t.Fatal(err)
	}
	outcomes := map[string]int{}
	for _, ev := range events {
		outcomes[ev.Outcome+" by "+ev.Actor]++
	}
	want := map[string]int{"success by user:owner": 1, "success by user:grant_admin": 1,
		"failure by user:viewer": 1, "failure by user:nobody": 1}
	if !maps.Equal(outcomes, want) {
		t.Errorf("app_grant.revoke events: got %v, want %v", outcomes, want)
	}
}
