package manage_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
)

// The tests in this file replay, against a real server on a real SQLite
// file, the attacks that broke BU isolation before authorization was
// decided in one place. Each checks the refusal and the end state.

var ctx = context.Background()

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// tokenFor asks POST /v2/token for a token of clientID in mid (0: the
// package's BU) with scope ("" : all of the package's scopes).
func tokenFor(t *testing.T, e *fgtest.Env, clientID, secret string, mid int64, scope string) string {
	t.Helper()
	body := map[string]any{"grant_type": "client_credentials", "client_id": clientID, "client_secret": secret}
	if mid != 0 {
		body["account_id"] = itoa(mid)
	}
	if scope != "" {
		body["scope"] = scope
	}
	b, _ := json.Marshal(body)
	resp, err := e.HTTP.Client().Post(e.URL+"/v2/token", "application/json", strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/v2/token: status %d, %v", resp.StatusCode, err)
	}
	return out.AccessToken
}

// childPackage creates, as the operator, a package in the env's child BU
// with the user and account scopes, and returns a token of it.
func childToken(t *testing.T, e *fgtest.Env) string {
	t.Helper()
	p, sec, err := e.Manage.CreatePackage(ctx, manage.Operator(), manage.NewPackage{MID: e.Child.MID, Name: "Child Integration",
		Scopes: []string{"users_read", "users_write", "accounts_read", "accounts_write"}})
	if err != nil {
		t.Fatal(err)
	}
	return tokenFor(t, e, p.ClientID, sec, 0, "")
}

// perObject returns the StatusCode, StatusMessage and ErrorCode of a write's first result.
func perObject(t *testing.T, r *fgtest.SOAPReply) (status, message, code string) {
	t.Helper()
	res := r.Results()
	if r.Status != http.StatusOK || len(res) == 0 {
		t.Fatalf("got HTTP %d with %d results, want 200 with a result:\n%s", r.Status, len(res), r.Raw)
	}
	return res[0].ChildText("StatusCode"), res[0].ChildText("StatusMessage"), res[0].ChildText("ErrorCode")
}

func userExists(t *testing.T, e *fgtest.Env, username string) bool {
	t.Helper()
	_, err := e.Store.UserByUsername(ctx, username)
	if err != nil && fuelgate.ErrorCode(err) != fuelgate.ENOTFOUND {
		t.Fatal(err)
	}
	return err == nil
}

func createUserObject(mid int64, username, extra string) string {
	return fgtest.Object("AccountUser", `<Client><ID>`+itoa(mid)+`</ID></Client><UserID>`+username+`</UserID><Name>`+username+
		`</Name><Email>`+username+`@example.com</Email><Password>`+fgtest.Password+`</Password>`+extra)
}

// TestAttackChildTokenMintsAdministrator: a child-BU token with users_write
// cannot create an Administrator; a user it may create holds nothing, and
// cannot create a package in the parent from the console.
func TestAttackChildTokenMintsAdministrator(t *testing.T) {
	t.Parallel()
	e := fgtest.New(t)
	tok := childToken(t, e)
	admin := `<Roles><Role><Name>Administrator</Name></Role></Roles>`
	r := e.SOAP(t, "Create", fgtest.FuelOAuth(tok), fgtest.WriteBody("Create", createUserObject(e.Child.MID, "mole_admin", admin)))
	if status, msg, code := perObject(t, r); status != "Error" || code != "11" || !strings.Contains(msg, `cannot grant the role "Administrator"`) {
		t.Errorf("Create with the Administrator role: got %s %q code %s, want Error code 11 about the role", status, msg, code)
	}
	if userExists(t, e, "mole_admin") {
		t.Fatal("the Administrator was created")
	}

	r = e.SOAP(t, "Create", fgtest.FuelOAuth(tok), fgtest.WriteBody("Create", createUserObject(e.Child.MID, "mole", "")))
	if status, msg, _ := perObject(t, r); status != "OK" {
		t.Fatalf("Create of a user without roles: got %s %q, want OK", status, msg)
	}
	before, err := e.Store.Packages(ctx, fuelgate.PackageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	b := e.Browser(t)
	if !b.SignIn("mole", fgtest.Password) {
		t.Fatal("the created user cannot sign in to the console")
	}
	for _, mid := range []int64{e.Enterprise.MID, e.Child.MID} {
		p := b.Post("/console/packages", url.Values{"name": {"Escalation"}, "mid": {itoa(mid)}, "scopes": {"users_write"}})
		if p.Status != http.StatusForbidden {
			t.Errorf("console package create in %d: got %d, want 403", mid, p.Status)
		}
	}
	if p := b.Get("/console/packages/new"); p.Status != http.StatusForbidden {
		t.Errorf("GET /console/packages/new: got %d, want 403", p.Status)
	}
	after, err := e.Store.Packages(ctx, fuelgate.PackageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("got %d packages after the attempts, want %d", len(after), len(before))
	}
}

// TestAttackChildTokenTakesOverParentAdmin: a child token cannot change the
// password of an Administrator whose default BU is the child but who is
// also assigned to the parent, and so cannot log in as them.
func TestAttackChildTokenTakesOverParentAdmin(t *testing.T) {
	t.Parallel()
	e := fgtest.New(t)
	tok := childToken(t, e)
	boss := e.CreateUser(manage.NewUser{MID: e.Child.MID, Username: "boss", Roles: []string{"Administrator"},
		MIDs: []int64{e.Enterprise.MID}, APIUser: true})
	const stolen = "Stolen-Passw0rd!"
	for _, inner := range []string{
		`<AccountUserID>` + itoa(boss.ID) + `</AccountUserID><Password>` + stolen + `</Password>`,
		`<Client><ID>` + itoa(e.Child.MID) + `</ID></Client><UserID>boss</UserID><Password>` + stolen + `</Password>`,
	} {
		r := e.SOAP(t, "Update", fgtest.FuelOAuth(tok), fgtest.WriteBody("Update", fgtest.Object("AccountUser", inner)))
		if status, msg, code := perObject(t, r); status != "Error" || code != "11" || msg != "Not authorized for account "+itoa(e.Enterprise.MID)+"." {
			t.Errorf("Update of boss's password: got %s %q code %s, want Error code 11 Not authorized for account %d.", status, msg, code, e.Enterprise.MID)
		}
	}
	got, err := e.Store.User(ctx, boss.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.PasswordVersion != boss.PasswordVersion {
		t.Errorf("boss's password version went from %d to %d", boss.PasswordVersion, got.PasswordVersion)
	}
	r := e.SOAP(t, "Retrieve", fgtest.PasswordText("boss", stolen), fgtest.RetrieveBody("AccountUser", []string{"UserID"}, ""))
	if r.Fault == nil || r.Fault.String != "Login Failed" {
		t.Errorf("UsernameToken with the attacker's password: got HTTP %d, want the Login Failed fault\n%s", r.Status, r.Raw)
	}
}

// TestAttackSelfPromotion: a Security Administrator cannot give itself the
// Administrator role, and a holder of Roles | Manage cannot add a
// permission it does not hold to a custom role it holds.
func TestAttackSelfPromotion(t *testing.T) {
	t.Parallel()
	e := fgtest.New(t)
	sec := e.CreateUser(manage.NewUser{Username: "secadmin", Roles: []string{"Security Administrator"}})
	b := e.Browser(t)
	if !b.SignIn("secadmin", fgtest.Password) {
		t.Fatal("sign-in failed")
	}
	admin, _ := fuelgate.SystemRole("Administrator")
	p := b.Post("/console/users/"+itoa(sec.ID), url.Values{"action": {"save"}, "name": {"Sec"}, "email": {"sec@example.com"},
		"active": {"on"}, "default_mid": {itoa(e.Enterprise.MID)}, "roles": {admin.ID}})
	if p.Status != http.StatusForbidden {
		t.Errorf("self-assigning Administrator: got %d, want 403", p.Status)
	}
	got, err := e.Store.User(ctx, sec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(got.RoleIDs, admin.ID) {
		t.Fatalf("the Security Administrator now holds Administrator: roles %v", got.RoleIDs)
	}
	if p := b.Get("/console/packages/new"); p.Status != http.StatusForbidden {
		t.Errorf("GET /console/packages/new after the attempt: got %d, want 403", p.Status)
	}

	keeper, err := e.Manage.CreateRole(ctx, manage.Operator(), e.Enterprise.MID, "Role Keeper", "",
		[]string{fuelgate.PermRolesView, fuelgate.PermRolesManage})
	if err != nil {
		t.Fatal(err)
	}
	e.CreateUser(manage.NewUser{Username: "keeper", Roles: []string{keeper.ID}})
	b = e.Browser(t)
	if !b.SignIn("keeper", fgtest.Password) {
		t.Fatal("sign-in failed")
	}
	p = b.Post("/console/roles/"+keeper.ID, url.Values{"description": {"more"},
		"perms": {fuelgate.PermRolesView, fuelgate.PermRolesManage, fuelgate.PermPackageAdminister}})
	if p.Status != http.StatusForbidden {
		t.Errorf("adding Installed Package | Administer to a held role: got %d, want 403", p.Status)
	}
	r, err := e.Store.Role(ctx, keeper.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Has(fuelgate.PermPackageAdminister) || r.Description != "" {
		t.Errorf("the role changed: %+v", r)
	}
}

// TestAttackContinueWithNarrowerToken: a token narrowed to accounts_read
// cannot continue a Retrieve of AccountUser started by a users_read token
// of the same package.
func TestAttackContinueWithNarrowerToken(t *testing.T) {
	t.Parallel()
	e := fgtest.New(t)
	for i := range 3 {
		e.CreateUser(manage.NewUser{Username: "paged" + itoa(int64(i))})
	}
	reader := tokenFor(t, e, e.ClientID, e.ClientSecret, 0, "users_read")
	narrow := tokenFor(t, e, e.ClientID, e.ClientSecret, 0, "accounts_read")
	first := e.SOAP(t, "Retrieve", fgtest.FuelOAuth(reader),
		fgtest.RetrieveBody("AccountUser", []string{"UserID", "Email"}, `<Options><BatchSize>1</BatchSize></Options>`))
	if first.OverallStatus() != "MoreDataAvailable" {
		t.Fatalf("first page: got %q, want MoreDataAvailable\n%s", first.OverallStatus(), first.Raw)
	}
	id := first.Body.ChildText("RequestID")
	cont := fgtest.RetrieveBody("", nil, `<ContinueRequest>`+id+`</ContinueRequest>`)
	r := e.SOAP(t, "Retrieve", fgtest.FuelOAuth(narrow), cont)
	if r.OverallStatus() != "Error: API Permission Failed" || len(r.Results()) != 0 || strings.Contains(string(r.Raw), "@example.com") {
		t.Errorf("continued by the accounts_read token: got %q with %d results, want Error: API Permission Failed and none\n%s",
			r.OverallStatus(), len(r.Results()), r.Raw)
	}
	// The refused attempt does not consume the cursor of the token that started it.
	r = e.SOAP(t, "Retrieve", fgtest.FuelOAuth(reader), cont)
	if len(r.Results()) != 1 {
		t.Errorf("continued by the token that started it: got %q with %d results, want one", r.OverallStatus(), len(r.Results()))
	}
}

// TestAttackInactiveDefaultBU: a user whose default BU is inactive cannot
// authenticate, and nobody creates anything in an inactive BU.
func TestAttackInactiveDefaultBU(t *testing.T) {
	t.Parallel()
	e := fgtest.New(t)
	role, err := e.Manage.CreateRole(ctx, manage.Operator(), e.Enterprise.MID, "Child Admin", "",
		[]string{fuelgate.PermWebServicesAPI, fuelgate.PermUsersView, fuelgate.PermUsersManage, fuelgate.PermBusinessUnitsView,
			fuelgate.PermBusinessUnitsManage})
	if err != nil {
		t.Fatal(err)
	}
	e.CreateUser(manage.NewUser{MID: e.Child.MID, Username: "stranded", APIUser: true, Roles: []string{role.ID}})
	off := false
	if _, err := e.Manage.UpdateBusinessUnit(ctx, manage.Operator(), e.Child.MID, nil, &off); err != nil {
		t.Fatal(err)
	}
	create := fgtest.WriteBody("Create", createUserObject(e.Child.MID, "planted", ""))
	r := e.SOAP(t, "Create", fgtest.PasswordText("stranded", fgtest.Password), create)
	if r.Fault == nil || r.Fault.String != "Login Failed" {
		t.Errorf("UsernameToken of a user of the inactive BU: got HTTP %d, want Login Failed\n%s", r.Status, r.Raw)
	}
	reactivate := fgtest.WriteBody("Update", fgtest.Object("BusinessUnit", `<ID>`+itoa(e.Child.MID)+`</ID><IsActive>1</IsActive>`))
	if r := e.SOAP(t, "Update", fgtest.PasswordText("stranded", fgtest.Password), reactivate); r.Fault == nil {
		t.Errorf("reactivation by the stranded user: got HTTP %d, want a fault", r.Status)
	}
	if e.Browser(t).SignIn("stranded", fgtest.Password) {
		t.Error("the user of the inactive BU signed in to the console")
	}
	// api_user reaches the enterprise and the child and may manage users.
	r = e.SOAP(t, "Create", fgtest.PasswordText("api_user", fgtest.Password), create)
	if status, msg, _ := perObject(t, r); status != "Error" || !strings.Contains(msg, "inactive") {
		t.Errorf("Create in the inactive BU: got %s %q, want an error saying it is inactive", status, msg)
	}
	if userExists(t, e, "planted") {
		t.Error("a user was created in the inactive BU")
	}
	acct, err := e.Store.Account(ctx, e.Child.MID)
	if err != nil || acct.Active {
		t.Errorf("the child BU: %+v, %v; want it still inactive", acct, err)
	}
}

// TestAttackAuditAndNewID: BU creations and refusals carry the enterprise
// and BU they concern, so the enterprise's Audit Trail shows them; a
// successful AccountUser Create answers the new user's ID.
func TestAttackAuditAndNewID(t *testing.T) {
	t.Parallel()
	e := fgtest.New(t)
	e.CreateUser(manage.NewUser{Username: "auditor", Roles: []string{"Administrator"}, MIDs: []int64{e.Child.MID}})
	auditor, err := e.Server.Auth.SignIn(ctx, "auditor", fgtest.Password, "")
	if err != nil {
		t.Fatal(err)
	}
	bu, err := e.Manage.CreateBusinessUnit(ctx, auditor, e.Enterprise.MID, "Audited BU")
	if err != nil {
		t.Fatal(err)
	}
	// Signed in again, the auditor reaches the BU it created.
	if auditor, err = e.Server.Auth.SignIn(ctx, "auditor", fgtest.Password, ""); err != nil {
		t.Fatal(err)
	}
	if !auditor.Reaches(bu.MID) {
		t.Errorf("the user who created BU %d does not reach it", bu.MID)
	}
	tok := childToken(t, e)
	boss := e.CreateUser(manage.NewUser{MID: e.Child.MID, Username: "boss", Roles: []string{"Administrator"}})
	r := e.SOAP(t, "Update", fgtest.FuelOAuth(tok), fgtest.WriteBody("Update",
		fgtest.Object("AccountUser", `<AccountUserID>`+itoa(boss.ID)+`</AccountUserID><Name>Pwned</Name>`)))
	if status, _, _ := perObject(t, r); status != "Error" {
		t.Fatalf("the child token changed an Administrator: %s", r.Raw)
	}
	events, err := e.Manage.AuditEvents(ctx, auditor, fuelgate.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var sawCreate, sawDenial bool
	for _, ev := range events {
		if ev.EnterpriseMID != e.Enterprise.MID {
			t.Errorf("event %s %s in the trail of enterprise %d has EnterpriseMID %d", ev.Action, ev.Outcome, e.Enterprise.MID, ev.EnterpriseMID)
		}
		if ev.Action == "bu.create" && ev.MID == bu.MID && ev.Actor == "user:auditor" {
			sawCreate = true
		}
		if ev.Action == "user.update" && ev.Outcome == fuelgate.OutcomeFailure && ev.MID == e.Child.MID && ev.Target == "user:boss" {
			sawDenial = true
		}
	}
	if !sawCreate || !sawDenial {
		t.Errorf("the enterprise's Audit Trail shows the BU creation: %t, the refusal: %t; want both", sawCreate, sawDenial)
	}

	r = e.SOAP(t, "Create", fgtest.FuelOAuth(tok), fgtest.WriteBody("Create", createUserObject(e.Child.MID, "counted", "")))
	newID := r.Results()[0].ChildText("NewID")
	u, err := e.Store.UserByUsername(ctx, "counted")
	if err != nil {
		t.Fatal(err)
	}
	if newID != itoa(u.ID) {
		t.Errorf("Create answered NewID %q, want the new user's ID %d", newID, u.ID)
	}
}
