package fuel_test

// End-to-end tests of the SDK against a real fuelgate (internal/fgtest: the
// real server on a temporary SQLite file behind httptest). Every request
// passes through a recording http.RoundTripper (wire), so the tests count
// what really went over HTTP.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/fuel"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/soap"
)

const descInvalidClient = "Client authentication failed. Make sure that the client ID and client secret are valid and that the package is installed and enabled."

// retrieveUser returns the user with login name userID, or ok false.
func retrieveUser(t *testing.T, c *fuel.Client, userID string) (fuel.AccountUser, bool) {
	t.Helper()
	page, err := c.Retrieve(context.Background(), fuel.RetrieveRequest{ObjectType: "AccountUser",
		Properties: fuel.AccountUserProperties(), Filter: fuel.Where("UserID", fuel.Equals, userID)})
	if err != nil {
		t.Fatalf("Retrieve AccountUser %s: %v", userID, err)
	}
	switch len(page.Objects) {
	case 0:
		return fuel.AccountUser{}, false
	case 1:
	default:
		t.Fatalf("Retrieve AccountUser %s: %d objects, want at most 1", userID, len(page.Objects))
	}
	u, err := fuel.AccountUserFromObject(page.Objects[0])
	if err != nil {
		t.Fatalf("AccountUserFromObject(%v): %v", page.Objects[0], err)
	}
	return u, true
}

// retrieveBUs returns the MIDs a Retrieve of BusinessUnit (all accounts) answers.
func retrieveBUs(t *testing.T, c *fuel.Client) []fuel.BusinessUnit {
	t.Helper()
	var out []fuel.BusinessUnit
	for obj, err := range c.RetrieveAll(context.Background(), fuel.RetrieveRequest{ObjectType: "BusinessUnit",
		Properties: fuel.BusinessUnitProperties(), QueryAllAccounts: true}) {
		if err != nil {
			t.Fatalf("RetrieveAll BusinessUnit (MID %d): %v", c.AccountID(), err)
		}
		bu, err := fuel.BusinessUnitFromObject(obj)
		if err != nil {
			t.Fatalf("BusinessUnitFromObject(%v): %v", obj, err)
		}
		out = append(out, bu)
	}
	return out
}

func buIDs(bus []fuel.BusinessUnit) []int64 {
	var ids []int64
	for _, b := range bus {
		ids = append(ids, b.ID)
	}
	return ids
}

func TestFgE2EToken(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	tok, err := e.cfg.TokenSource().Token(context.Background())
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	if tok.AccessToken == "" || tok.TokenType != "Bearer" || tok.AccountID != 0 {
		t.Errorf("token %v (type %q): want a Bearer token for the package's BU", tok, tok.TokenType)
	}
	if want := e.env.URL + "/"; tok.SOAPInstanceURL != want || tok.RESTInstanceURL != want {
		t.Errorf("instance URLs %q, %q; want %q", tok.SOAPInstanceURL, tok.RESTInstanceURL, want)
	}
	if tok.Lifetime != 1079*time.Second {
		t.Errorf("Lifetime %v, want 1079s (expires_in of the default 20-minute lifetime)", tok.Lifetime)
	}
	scopes := tok.Scopes()
	for _, s := range []string{"accounts_read", "accounts_write", "users_read", "users_write"} {
		if !slices.Contains(scopes, s) {
			t.Errorf("scope %q lacks %s", tok.Scope, s)
		}
	}
	if strings.Contains(tok.String(), tok.AccessToken) || strings.Contains(fmt.Sprintf("%#v", tok), tok.AccessToken) {
		t.Error("Token.String reveals the access token")
	}
	if n := len(tokenRequests(e.wire.since(0))); n != 1 {
		t.Errorf("%d /v2/token requests, want 1", n)
	}
}

// TestFgE2EAccountUserCRUD creates, retrieves, updates and deletes
// (deactivates) a user, checking each step with a Retrieve.
func TestFgE2EAccountUserCRUD(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c := e.client(t, nil)
	ctx := context.Background()

	resp, err := c.Create(ctx, fuel.AccountUser{UserID: "e2e_crud", Name: "E2E Crud", Email: "crud@example.com",
		Password: fgtest.Password}.ToObject())
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if resp.OverallStatus != fuel.StatusOK || len(resp.Results) != 1 || !resp.Results[0].OK() || resp.Results[0].Object == nil {
		t.Fatalf("Create answered %+v, want one OK result echoing the user", resp)
	}
	echo, err := fuel.AccountUserFromObject(*resp.Results[0].Object)
	if err != nil || echo.ID == 0 || echo.UserID != "e2e_crud" {
		t.Fatalf("echoed user %+v (%v), want e2e_crud with an ID", echo, err)
	}

	u, ok := retrieveUser(t, c, "e2e_crud")
	if !ok {
		t.Fatal("the created user is not retrieved")
	}
	if u.ID != echo.ID || u.Name != "E2E Crud" || u.Email != "crud@example.com" || u.ClientID != e.env.Enterprise.MID ||
		u.DefaultBusinessUnit != e.env.Enterprise.MID || u.ActiveFlag == nil || !*u.ActiveFlag {
		t.Errorf("retrieved %+v, want the active user e2e_crud in the enterprise", u)
	}
	if u.Password != "" {
		t.Errorf("Retrieve returned a Password %q", u.Password)
	}

	if _, err := c.Update(ctx, fuel.AccountUser{ID: u.ID, Name: "E2E Renamed"}.ToObject()); err != nil {
		t.Fatalf("Update Name: %v", err)
	}
	if u, _ = retrieveUser(t, c, "e2e_crud"); u.Name != "E2E Renamed" || u.ActiveFlag == nil || !*u.ActiveFlag {
		t.Errorf("after Update Name: %+v, want Name E2E Renamed and still active", u)
	}

	if _, err := c.Update(ctx, fuel.AccountUser{ID: u.ID, ActiveFlag: fuel.Bool(false)}.ToObject()); err != nil {
		t.Fatalf("Update ActiveFlag false: %v", err)
	}
	if u, _ = retrieveUser(t, c, "e2e_crud"); u.ActiveFlag == nil || *u.ActiveFlag || u.Name != "E2E Renamed" {
		t.Errorf("after Update ActiveFlag=false: %+v, want inactive and the name kept", u)
	}
	if _, err := c.Update(ctx, fuel.AccountUser{UserID: "e2e_crud", ActiveFlag: fuel.Bool(true)}.ToObject()); err != nil {
		t.Fatalf("Update ActiveFlag true (by UserID): %v", err)
	}
	if u, _ = retrieveUser(t, c, "e2e_crud"); u.ActiveFlag == nil || !*u.ActiveFlag {
		t.Errorf("after Update ActiveFlag=true: %+v, want active", u)
	}

	resp, err = c.Delete(ctx, fuel.AccountUser{ID: u.ID}.ToObject())
	if err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if len(resp.Results) != 1 || resp.Results[0].StatusMessage != "AccountUser deactivated" {
		t.Errorf("Delete answered %+v, want one result \"AccountUser deactivated\"", resp.Results)
	}
	u, ok = retrieveUser(t, c, "e2e_crud")
	if !ok {
		t.Fatal("after Delete the user is gone; Delete deactivates")
	}
	if u.ActiveFlag == nil || *u.ActiveFlag {
		t.Errorf("after Delete: %+v, want ActiveFlag false", u)
	}
}

// TestFgE2EBusinessUnitCreateUpdate creates a child BU under the token's
// BU and renames it.
func TestFgE2EBusinessUnitCreateUpdate(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c := e.client(t, nil)
	ctx := context.Background()
	ent := e.env.Enterprise.MID

	resp, err := c.Create(ctx, fuel.BusinessUnit{ParentID: ent, Name: "E2E Created BU"}.ToObject())
	if err != nil {
		t.Fatalf("Create BusinessUnit: %v", err)
	}
	if len(resp.Results) != 1 || !resp.Results[0].OK() || resp.Results[0].NewID <= 0 {
		t.Fatalf("Create BusinessUnit answered %+v, want one OK result with a NewID", resp.Results)
	}
	mid := resp.Results[0].NewID

	// A token acts only in its own MID (docs/soap-api.md, "Business units"):
	// the enterprise's token neither sees nor renames its new child.
	if ids := buIDs(retrieveBUs(t, c)); !slices.Equal(ids, []int64{ent}) {
		t.Errorf("the enterprise token retrieves BUs %v, want only %d", ids, ent)
	}
	_, err = c.Update(ctx, fuel.BusinessUnit{ID: mid, Name: "Not Allowed"}.ToObject())
	var se *fuel.StatusError
	if !errors.As(err, &se) || se.OverallStatus != "Error" || len(se.Failed()) != 1 || se.Failed()[0].ErrorCode != 11 ||
		se.Failed()[0].StatusMessage != "Not authorized for account "+strconv.FormatInt(mid, 10)+"." {
		t.Errorf("Update of the child by the parent's token: err = %v, want a per-object Not authorized (11)", err)
	}

	// A package that reaches the new BU retrieves and renames it.
	pkg, secret, err := e.env.Manage.CreatePackage(ctx, manage.Operator(), manage.NewPackage{MID: ent, Name: "Reaches New BU",
		Scopes: []string{"accounts_read", "accounts_write"}, MIDs: []int64{mid}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := e.packageConfig(pkg.ClientID, secret)
	child := e.client(t, &cfg).ForAccount(mid)
	bus := retrieveBUs(t, child)
	if len(bus) != 1 || bus[0].ID != mid || bus[0].ParentID != ent || bus[0].Name != "E2E Created BU" {
		t.Fatalf("the new BU's token retrieves %+v, want only %d (parent %d, E2E Created BU)", bus, mid, ent)
	}
	if _, err := child.Update(ctx, fuel.BusinessUnit{ID: mid, Name: "E2E Renamed BU"}.ToObject()); err != nil {
		t.Fatalf("Update BusinessUnit Name: %v", err)
	}
	if bus = retrieveBUs(t, child); len(bus) != 1 || bus[0].Name != "E2E Renamed BU" {
		t.Errorf("after Update: %+v, want Name E2E Renamed BU", bus)
	}
}

// assignment returns a Configure assign of mids to user id.
func assignment(id int64, mids ...int64) fuel.Object {
	o := fuel.AccountUser{ID: id}.ToObject()
	for i, m := range mids {
		o.SetInt(fuel.Indexed("BusinessUnitAssignmentConfiguration.BusinessUnitIds.BusinessUnitId", i), m)
	}
	o.SetBool("BusinessUnitAssignmentConfiguration.IsDelete", false)
	return o
}

// userBUs returns the BUs user id is associated with (AccountUserAccount).
func userBUs(t *testing.T, c *fuel.Client, id int64) []int64 {
	t.Helper()
	var mids []int64
	for obj, err := range c.RetrieveAll(context.Background(), fuel.RetrieveRequest{ObjectType: "AccountUserAccount",
		Properties: []string{"AccountUser.AccountUserID", "Account.ID"},
		Filter:     fuel.Where("AccountUser.AccountUserID", fuel.Equals, strconv.FormatInt(id, 10))}) {
		if err != nil {
			t.Fatalf("Retrieve AccountUserAccount: %v", err)
		}
		m, ok := obj.Int("Account.ID")
		if !ok {
			t.Fatalf("AccountUserAccount %v has no Account.ID", obj)
		}
		mids = append(mids, m)
	}
	slices.Sort(mids)
	return mids
}

func TestFgE2EConfigureAssign(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c := e.client(t, nil)
	ctx := context.Background()
	ent, child := e.env.Enterprise.MID, e.env.Child.MID

	if _, err := c.Create(ctx, fuel.AccountUser{UserID: "assignee", Name: "Assignee", Email: "assignee@example.com",
		Password: fgtest.Password}.ToObject()); err != nil {
		t.Fatalf("Create: %v", err)
	}
	u, _ := retrieveUser(t, c, "assignee")
	if got := userBUs(t, c, u.ID); !slices.Equal(got, []int64{ent}) {
		t.Fatalf("new user's BUs %v, want [%d]", got, ent)
	}

	// The token may assign its own BU…
	resp, err := c.Configure(ctx, "assign", assignment(u.ID, ent))
	if err != nil {
		t.Fatalf("Configure assign of the token's BU: %v", err)
	}
	if len(resp.Results) != 1 || resp.Results[0].StatusMessage != "User Business Unit assignments successfully updated" {
		t.Errorf("Configure answered %+v", resp.Results)
	}
	// …but not the child (a token acts only in its MID).
	_, err = c.Configure(ctx, "assign", assignment(u.ID, child))
	var se *fuel.StatusError
	if !errors.As(err, &se) || se.Op != "Configure" || se.OverallStatus != "Error" || len(se.Failed()) != 1 ||
		se.Failed()[0].StatusMessage != "Not authorized for account "+strconv.FormatInt(child, 10)+"." {
		t.Errorf("token assigning the child: err = %v, want a Configure StatusError Not authorized", err)
	}

	// api_user (enterprise + child, Users | Manage) assigns the child.
	uc := e.userConfig(false)
	resp, err = e.client(t, &uc).Configure(ctx, "assign", assignment(u.ID, child))
	if err != nil {
		t.Fatalf("Configure assign as api_user: %v", err)
	}
	if resp.OverallStatus != fuel.StatusOK || len(resp.Results) != 1 || !resp.Results[0].OK() ||
		resp.Results[0].StatusMessage != "User Business Unit assignments successfully updated" {
		t.Errorf("Configure answered %+v", resp)
	}
	want := []int64{ent, child}
	slices.Sort(want)
	if got := userBUs(t, c, u.ID); !slices.Equal(got, want) {
		t.Errorf("after assign the user's BUs are %v, want %v", got, want)
	}
}

func TestFgE2EDescribe(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c := e.client(t, nil)
	def, err := c.Describe(context.Background(), "AccountUser")
	if err != nil {
		t.Fatalf("Describe: %v", err)
	}
	if def.ObjectType != "AccountUser" {
		t.Errorf("ObjectType %q", def.ObjectType)
	}
	props := map[string]fuel.PropertyDefinition{}
	for _, p := range def.Properties {
		props[p.Name] = p
	}
	for _, name := range fuel.AccountUserProperties() {
		if p, ok := props[name]; !ok || !p.IsRetrievable {
			t.Errorf("property %s: %+v (present %v), want a retrievable property", name, p, ok)
		}
	}
	if p := props["UserID"]; !p.IsRequired || p.DataType != "String" {
		t.Errorf("UserID: %+v, want a required String", p)
	}
	if p := props["Password"]; !p.IsRequired || p.IsRetrievable || !p.IsUpdatable {
		t.Errorf("Password: %+v, want required, updatable, not retrievable", p)
	}
	if p := props["ActiveFlag"]; p.DataType != "Boolean" || !p.IsUpdatable {
		t.Errorf("ActiveFlag: %+v, want an updatable Boolean", p)
	}
}

// TestFgE2ERetrieveAllPaging creates 7 users and pages through all users
// three at a time.
func TestFgE2ERetrieveAllPaging(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c := e.client(t, nil)
	ctx := context.Background()
	want := map[string]bool{e.env.APIUser.Username: true}
	var objs []fuel.Object
	for i := range 7 {
		id := fmt.Sprintf("pager_%d", i)
		want[id] = true
		objs = append(objs, fuel.AccountUser{UserID: id, Name: "Pager " + strconv.Itoa(i), Email: id + "@example.com",
			Password: fgtest.Password}.ToObject())
	}
	resp, err := c.Create(ctx, objs...)
	if err != nil {
		t.Fatalf("Create 7 users: %v", err)
	}
	if len(resp.Results) != 7 {
		t.Fatalf("Create answered %d results, want 7", len(resp.Results))
	}

	mark := e.wire.mark()
	seen := map[string]int{}
	for obj, err := range c.RetrieveAll(ctx, fuel.RetrieveRequest{ObjectType: "AccountUser",
		Properties: []string{"ID", "UserID"}, BatchSize: 3}) {
		if err != nil {
			t.Fatalf("RetrieveAll: %v", err)
		}
		seen[obj.Value("UserID")]++
	}
	for id := range want {
		if seen[id] != 1 {
			t.Errorf("user %s yielded %d times, want once", id, seen[id])
		}
	}
	for id, n := range seen {
		if !want[id] {
			t.Errorf("unexpected user %s yielded %d times", id, n)
		}
	}

	// 8 users, 3 a page: three Retrieve requests, the later two continuing
	// the first with its RequestID.
	xs := e.wire.since(mark)
	pages := soapRequests(xs)
	if len(pages) != 3 || len(xs) != 3 {
		t.Fatalf("%d SOAP requests (%d in all), want 3 pages and nothing else", len(pages), len(xs))
	}
	wantStatus := []string{"MoreDataAvailable", "MoreDataAvailable", "OK"}
	for i, p := range pages {
		if p.action != "Retrieve" || p.status != http.StatusOK {
			t.Errorf("page %d: %s answered %d", i, p.action, p.status)
		}
		if m := overallStatus.FindStringSubmatch(p.respBody); m == nil || m[1] != wantStatus[i] {
			t.Errorf("page %d: OverallStatus %v, want %s", i, m, wantStatus[i])
		}
		if cont := strings.Contains(p.reqBody, "<ContinueRequest>"); cont != (i > 0) {
			t.Errorf("page %d: ContinueRequest sent = %v", i, cont)
		}
	}

	// Stopping early sends no further request.
	mark = e.wire.mark()
	for range c.RetrieveAll(ctx, fuel.RetrieveRequest{ObjectType: "AccountUser", Properties: []string{"ID"}, BatchSize: 3}) {
		break
	}
	if n := len(e.wire.since(mark)); n != 1 {
		t.Errorf("stopping after the first object sent %d requests, want 1", n)
	}
}

// TestFgE2EPerMIDTokens uses one client for the enterprise and the child.
func TestFgE2EPerMIDTokens(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	root := e.client(t, nil)
	ent, childMID := e.env.Enterprise.MID, e.env.Child.MID
	child := root.ForAccount(childMID)
	if root.ForAccount(childMID).TokenSource() != child.TokenSource() {
		t.Error("ForAccount twice for one MID gave two token caches")
	}
	for range 3 {
		if got := buIDs(retrieveBUs(t, child)); !slices.Equal(got, []int64{childMID}) {
			t.Errorf("child client retrieves BUs %v, want only the child %d", got, childMID)
		}
		if got := buIDs(retrieveBUs(t, root)); !slices.Equal(got, []int64{ent}) {
			t.Errorf("root client retrieves BUs %v, want only the enterprise %d", got, ent)
		}
	}
	perMID := map[int64]int{}
	for _, x := range tokenRequests(e.wire.since(0)) {
		perMID[x.accountID]++
	}
	if len(perMID) != 2 || perMID[0] != 1 || perMID[childMID] != 1 {
		t.Errorf("/v2/token requests per account_id: %v, want one without account_id and one for %d", perMID, childMID)
	}
	rt, _ := root.TokenSource().Token(context.Background())
	ct, _ := child.TokenSource().Token(context.Background())
	if rt == nil || ct == nil || rt.AccessToken == ct.AccessToken || ct.AccountID != childMID {
		t.Errorf("root token %v, child token %v: want two tokens, the child's for %d", rt, ct, childMID)
	}

	// The package does not reach the grandchild.
	_, err := root.ForAccount(e.env.Grandchild.MID).Retrieve(context.Background(),
		fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID"}})
	var ae *fuel.AuthError
	want := "The client is not authorized for account_id " + strconv.FormatInt(e.env.Grandchild.MID, 10) + "."
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusBadRequest || ae.Code != "unauthorized_client" || ae.Description != want {
		t.Errorf("grandchild: err = %v, want a 400 unauthorized_client %q", err, want)
	}
}

// TestFgE2EUsernameToken retrieves as api_user with PasswordText and
// PasswordDigest, and checks that a wrong password is not retried.
func TestFgE2EUsernameToken(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	ctx := context.Background()
	for _, digest := range []bool{false, true} {
		cfg := e.userConfig(digest)
		c := e.client(t, &cfg)
		mark := e.wire.mark()
		for range 2 { // a digest carries a fresh nonce each time: no replay
			u, ok := retrieveUser(t, c, e.env.APIUser.Username)
			if !ok || u.ID != e.env.APIUser.ID || u.IsAPIUser == nil || !*u.IsAPIUser {
				t.Errorf("digest=%v: retrieved %+v, want api_user", digest, u)
			}
		}
		xs := e.wire.since(mark)
		if len(xs) != 2 || len(soapRequests(xs)) != 2 {
			t.Errorf("digest=%v: %d requests, want 2 SOAP requests and no token request", digest, len(xs))
		}
		for _, x := range xs {
			wantType := "#PasswordText"
			if digest {
				wantType = "#PasswordDigest"
			}
			if !strings.Contains(x.reqBody, wantType) || x.token != "" {
				t.Errorf("digest=%v: request without a %s UsernameToken (or with a fueloauth)", digest, wantType)
			}
			if digest && strings.Contains(x.reqBody, fgtest.Password) {
				t.Error("PasswordDigest request carries the password in clear")
			}
		}
		if bus := buIDs(retrieveBUs(t, c)); !slices.Contains(bus, e.env.Enterprise.MID) || !slices.Contains(bus, e.env.Child.MID) {
			t.Errorf("digest=%v: api_user retrieves BUs %v, want the enterprise and the child", digest, bus)
		}
	}

	cfg := e.userConfig(true)
	cfg.Password = "wrong-Passw0rd!"
	mark := e.wire.mark()
	_, err := e.client(t, &cfg).Retrieve(ctx, fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID"}})
	var fault *fuel.Fault
	if !errors.As(err, &fault) || !fault.IsSecurity() || fault.String != soap.FaultLoginFailed || fault.StatusCode != http.StatusInternalServerError {
		t.Errorf("wrong password: err = %v, want a Security fault Login Failed", err)
	}
	if n := len(e.wire.since(mark)); n != 1 {
		t.Errorf("wrong password: %d requests, want 1 (API-user mode does not retry)", n)
	}
}

func TestFgE2EErrors(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	ctx := context.Background()

	t.Run("missing scope", func(t *testing.T) {
		pkg, secret, err := e.env.Manage.CreatePackage(ctx, manage.Operator(), manage.NewPackage{MID: e.env.Enterprise.MID,
			Name: "Accounts Read Only", Scopes: []string{"accounts_read"}})
		if err != nil {
			t.Fatal(err)
		}
		cfg := e.packageConfig(pkg.ClientID, secret)
		c := e.client(t, &cfg)
		_, err = c.Retrieve(ctx, fuel.RetrieveRequest{ObjectType: "AccountUser", Properties: []string{"ID", "UserID"}})
		var se *fuel.StatusError
		if !errors.As(err, &se) || se.Op != "Retrieve" || se.OverallStatus != "Error: API Permission Failed" ||
			se.Message != "API Permission Failed" {
			t.Errorf("Retrieve AccountUser without users_read: err = %v, want StatusError Error: API Permission Failed", err)
		}
		if bus := retrieveBUs(t, c); len(bus) != 1 {
			t.Errorf("Retrieve BusinessUnit with accounts_read: %v, want the enterprise", bus)
		}
		_, err = c.Create(ctx, fuel.AccountUser{UserID: "no_scope", Name: "No Scope", Email: "ns@example.com",
			Password: fgtest.Password}.ToObject())
		if !errors.As(err, &se) || se.OverallStatus != "Error" || len(se.Results) != 1 ||
			se.Results[0].StatusMessage != "API Permission Failed" || se.Results[0].ErrorCode != 11 {
			t.Errorf("Create AccountUser without users_write: err = %v, want a per-object API Permission Failed", err)
		}
	})

	t.Run("per-object errors", func(t *testing.T) {
		c := e.client(t, nil)
		_, err := c.Create(ctx,
			fuel.AccountUser{UserID: "good_user", Name: "Good", Email: "good@example.com", Password: fgtest.Password}.ToObject(),
			fuel.AccountUser{UserID: "no_password", Name: "No Password", Email: "np@example.com"}.ToObject())
		var se *fuel.StatusError
		if !errors.As(err, &se) {
			t.Fatalf("Create with one user lacking a Password: err = %v, want a *fuel.StatusError", err)
		}
		if se.Op != "Create" || se.OverallStatus != fuel.StatusHasErrors || len(se.Results) != 2 || !se.Results[0].OK() {
			t.Errorf("StatusError %+v: want Has Errors with the first result OK", se)
		}
		failed := se.Failed()
		if len(failed) != 1 || failed[0].OrdinalID != 1 || failed[0].ErrorCode != 11003 || failed[0].StatusCode != "Error" ||
			failed[0].StatusMessage != "Name, Email, UserID, and Password are required fields when creating a new user." {
			t.Errorf("failed results %+v, want ordinal 1 with error 11003", failed)
		}
		if _, ok := retrieveUser(t, c, "good_user"); !ok {
			t.Error("the valid user of a Has Errors Create was not created")
		}
		if _, ok := retrieveUser(t, c, "no_password"); ok {
			t.Error("the user without a Password was created")
		}

		_, err = c.Create(ctx, fuel.AccountUser{UserID: "no_password", Name: "No Password", Email: "np@example.com"}.ToObject())
		if !errors.As(err, &se) || se.OverallStatus != "Error" || len(se.Failed()) != 1 || se.Failed()[0].ErrorCode != 11003 {
			t.Errorf("Create of only an invalid user: err = %v, want OverallStatus Error with error 11003", err)
		}
	})

	t.Run("wrong secret", func(t *testing.T) {
		cfg := e.packageConfig(e.env.ClientID, "wrong-"+e.env.ClientSecret)
		mark := e.wire.mark()
		_, err := e.client(t, &cfg).Retrieve(ctx, fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID"}})
		var ae *fuel.AuthError
		if !errors.As(err, &ae) {
			t.Fatalf("err = %v, want a *fuel.AuthError", err)
		}
		if ae.StatusCode != http.StatusUnauthorized || ae.Code != "invalid_client" || ae.Description != descInvalidClient ||
			ae.URI != "https://developer.salesforce.com/docs" {
			t.Errorf("AuthError %+v, want 401 invalid_client %q", ae, descInvalidClient)
		}
		if strings.Contains(err.Error(), cfg.ClientSecret) {
			t.Error("the error reveals the client secret")
		}
		xs := e.wire.since(mark)
		if len(xs) != 1 || !xs[0].isToken() {
			t.Errorf("%d requests, want only the refused token request", len(xs))
		}
	})

	t.Run("garbage token", func(t *testing.T) {
		// The SOAP requests carry a garbage token instead of the real one;
		// the first 5 only, so that a retry loop ends (and fails the test)
		// instead of hanging.
		var garbled int
		e.wire.setHook(func(_ context.Context, x *exchange, body []byte) (io.Reader, int64) {
			if !x.isSOAP() || x.token == "" || garbled == 5 {
				return nil, 0
			}
			garbled++
			b := strings.Replace(string(body), x.token, "garbage-"+strings.Repeat("x", 35), 1)
			return strings.NewReader(b), int64(len(b))
		})
		defer e.wire.setHook(nil)
		c := e.client(t, nil)
		mark := e.wire.mark()
		_, err := c.Retrieve(ctx, fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID"}})
		var fault *fuel.Fault
		if !errors.As(err, &fault) || !fault.IsSecurity() || fault.TokenExpired() || fault.String != soap.FaultLoginFailed {
			t.Fatalf("err = %v, want a Security fault Login Failed", err)
		}
		var wf *soap.Fault
		if !errors.As(err, &wf) || wf.String != soap.FaultLoginFailed {
			t.Errorf("the Fault does not unwrap to the wire *soap.Fault")
		}
		xs := e.wire.since(mark)
		if tk, sp := len(tokenRequests(xs)), len(soapRequests(xs)); tk != 2 || sp != 2 {
			t.Errorf("%d token and %d SOAP requests, want 2 and 2 (one retry with a new token, then give up)", tk, sp)
		}
		for _, x := range soapRequests(xs) {
			if x.fault() != soap.FaultLoginFailed {
				t.Errorf("SOAP answer %q, want Login Failed", x.fault())
			}
		}
	})
}

// TestFgE2EExpiryRefresh moves the server's and the SDK's clocks forward
// together: the SDK replaces its token from the refresh margin on and never
// sends one past its expiry.
func TestFgE2EExpiryRefresh(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c := e.client(t, nil)
	ctx := context.Background()
	advance := func(d time.Duration) {
		e.env.Clock.Advance(d)
		e.sdkClock.Advance(d)
	}
	req := fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID"}}
	retrieve := func(step string) {
		t.Helper()
		if _, err := c.Retrieve(ctx, req); err != nil {
			t.Fatalf("%s: Retrieve: %v", step, err)
		}
	}
	tokens := func() int { return len(tokenRequests(e.wire.since(0))) }

	retrieve("cold")
	tok1, _ := c.TokenSource().Token(ctx)
	margin := min(fuel.DefaultRefreshMargin, tok1.Lifetime/2)
	refreshAt := tok1.Expiry.Add(-margin)

	advance(refreshAt.Sub(e.sdkClock.Now()) - 2*time.Second)
	retrieve("2 s before the margin")
	if tok, _ := c.TokenSource().Token(ctx); tok != tok1 || tokens() != 1 {
		t.Errorf("2 s before the margin: %d token requests, want the first token still in use", tokens())
	}

	advance(4 * time.Second)
	retrieve("2 s into the margin")
	tok2, _ := c.TokenSource().Token(ctx)
	if tok2 == tok1 || tokens() != 2 {
		t.Errorf("2 s into the margin: %d token requests, want a second token", tokens())
	}

	// Far past every expiry: a new token before the call, the call sent once.
	mark := e.wire.mark()
	advance(3 * time.Hour)
	retrieve("3 h later")
	xs := e.wire.since(mark)
	if tk, sp := len(tokenRequests(xs)), len(soapRequests(xs)); tk != 1 || sp != 1 || !xs[0].isToken() {
		t.Errorf("3 h later: %d token then %d SOAP requests, want 1 token request before 1 SOAP request", tk, sp)
	}

	// Every SOAP request carried the newest token, sent before its refresh
	// point on the SDK's clock; the server never answered Token Expired.
	var cur exchange
	for _, x := range e.wire.since(0) {
		switch {
		case x.isToken():
			cur = x
		case x.isSOAP():
			if x.token != cur.issued {
				t.Errorf("SOAP request at %v carried another token than the newest", x.sent)
			}
			life := cur.expiresIn
			if x.sent.After(cur.sent.Add(life - min(fuel.DefaultRefreshMargin, life/2))) {
				t.Errorf("SOAP request at %v carried a token past its refresh point", x.sent)
			}
			if f := x.fault(); f != "" {
				t.Errorf("the server answered the fault %q", f)
			}
		}
	}
}

// TestFgE2EServerTokenExpired moves only the server's clock past the
// token's lifetime: the SDK, which still trusts its token, gets Token
// Expired, fetches one new token and retries once.
func TestFgE2EServerTokenExpired(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c := e.client(t, nil)
	ctx := context.Background()
	req := fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID"}}
	if _, err := c.Retrieve(ctx, req); err != nil {
		t.Fatalf("first Retrieve: %v", err)
	}
	old, _ := c.TokenSource().Token(ctx)

	e.env.Clock.Advance(time.Hour) // the SDK's clock stays
	mark := e.wire.mark()
	page, err := c.Retrieve(ctx, req)
	if err != nil {
		t.Fatalf("Retrieve after the server's clock moved on: %v", err)
	}
	if len(page.Objects) != 1 {
		t.Errorf("%d objects, want the enterprise", len(page.Objects))
	}
	xs := e.wire.since(mark)
	if len(xs) != 3 || !xs[0].isSOAP() || !xs[1].isToken() || !xs[2].isSOAP() {
		t.Fatalf("exchanges %v, want SOAP, /v2/token, SOAP", paths(xs))
	}
	if xs[0].token != old.AccessToken || xs[0].fault() != soap.FaultTokenExpired {
		t.Errorf("first attempt: fault %q, want Token Expired for the old token", xs[0].fault())
	}
	if xs[2].token != xs[1].issued || xs[2].token == old.AccessToken || xs[2].status != http.StatusOK {
		t.Errorf("retry: status %d, want 200 with the new token", xs[2].status)
	}
	if tok, _ := c.TokenSource().Token(ctx); tok == old || tok.AccessToken != xs[1].issued {
		t.Error("the new token is not the cached one")
	}
}

func paths(xs []exchange) []string {
	var out []string
	for _, x := range xs {
		out = append(out, x.path)
	}
	return out
}

// TestFgE2EConcurrentColdCache starts 200 goroutines on cold caches (root
// and child): one /v2/token request per MID.
func TestFgE2EConcurrentColdCache(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	root := e.cfg.TokenSource()
	child := root.ForAccount(e.env.Child.MID)

	const n = 200
	var launched sync.WaitGroup
	launched.Add(n)
	allLaunched := make(chan struct{})
	go func() { launched.Wait(); close(allLaunched) }()
	// Hold the token requests until every goroutine has started, so that
	// they arrive while the fetches are in flight.
	e.wire.setHook(func(ctx context.Context, x *exchange, _ []byte) (io.Reader, int64) {
		if x.isToken() {
			select {
			case <-allLaunched:
			case <-ctx.Done():
			}
		}
		return nil, 0
	})

	start := make(chan struct{})
	toks := make([]*fuel.Token, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		src := root
		if i%2 == 1 {
			src = child
		}
		wg.Go(func() {
			<-start
			launched.Done()
			toks[i], errs[i] = src.Token(context.Background())
		})
	}
	close(start)
	wg.Wait()

	for i := range n {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		if toks[i] != toks[i%2] {
			t.Fatalf("goroutine %d got another token than goroutine %d", i, i%2)
		}
	}
	if toks[0].AccessToken == toks[1].AccessToken {
		t.Error("root and child share a token")
	}
	perMID := map[int64]int{}
	for _, x := range tokenRequests(e.wire.since(0)) {
		perMID[x.accountID]++
	}
	if len(perMID) != 2 || perMID[0] != 1 || perMID[e.env.Child.MID] != 1 {
		t.Errorf("/v2/token requests per account_id: %v, want exactly one per MID", perMID)
	}
}

// TestFgE2ECancel cancels calls while their request is on the wire to the
// real server.
func TestFgE2ECancel(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	req := fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID"}}

	// cancelMidCall stalls the first request whose path matches after its
	// first bytes, cancels the call's context there and checks that the call
	// returns promptly with context.Canceled.
	cancelMidCall := func(t *testing.T, c *fuel.Client, match func(exchange) bool) []exchange {
		t.Helper()
		stalled := make(chan struct{})
		var once sync.Once
		e.wire.setHook(func(ctx context.Context, x *exchange, body []byte) (io.Reader, int64) {
			var r io.Reader
			if match(*x) {
				once.Do(func() { r = stall(ctx, body, stalled) })
			}
			return r, int64(len(body))
		})
		defer e.wire.setHook(nil)
		mark := e.wire.mark()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() {
			_, err := c.Retrieve(ctx, req)
			done <- err
		}()
		select {
		case <-stalled:
		case err := <-done:
			t.Fatalf("the call ended before its request stalled: %v", err)
		}
		cancel()
		t0 := time.Now()
		select {
		case err := <-done:
			if d := time.Since(t0); d > time.Second {
				t.Errorf("the call returned %v after the cancellation, want < 1s", d)
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled in the chain", err)
			}
		case <-time.After(time.Second):
			t.Fatal("the call did not return within 1 s of the cancellation")
		}
		return e.wire.since(mark)
	}

	t.Run("SOAP request", func(t *testing.T) {
		c := e.client(t, nil)
		if _, err := c.Retrieve(context.Background(), req); err != nil { // warm the token cache
			t.Fatal(err)
		}
		xs := cancelMidCall(t, c, exchange.isSOAP)
		if len(xs) != 1 || !xs[0].isSOAP() || xs[0].err == nil {
			t.Errorf("exchanges %v, want one failed SOAP request (no retry after a cancellation)", paths(xs))
		}
		if _, err := c.Retrieve(context.Background(), req); err != nil {
			t.Errorf("Retrieve after the cancelled one: %v", err)
		}
	})

	t.Run("token request", func(t *testing.T) {
		c := e.client(t, nil)
		xs := cancelMidCall(t, c, exchange.isToken)
		if len(xs) != 1 || !xs[0].isToken() {
			t.Errorf("exchanges %v, want only the cancelled token request", paths(xs))
		}
		mark := e.wire.mark()
		if _, err := c.Retrieve(context.Background(), req); err != nil {
			t.Fatalf("Retrieve after the cancelled one: %v", err)
		}
		if n := len(tokenRequests(e.wire.since(mark))); n != 1 {
			t.Errorf("%d token requests after the cancelled fetch, want 1 (a fresh fetch)", n)
		}
	})

	t.Run("between pages", func(t *testing.T) {
		e.env.CreateUser(manage.NewUser{Username: "second_user"}) // two users, one a page
		c := e.client(t, nil)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		mark := e.wire.mark()
		var n int
		var last error
		for _, err := range c.RetrieveAll(ctx, fuel.RetrieveRequest{ObjectType: "AccountUser", Properties: []string{"ID"}, BatchSize: 1}) {
			if err != nil {
				last = err
				break
			}
			n++
			cancel() // mid-iteration: the next page must not be fetched
		}
		if n != 1 || !errors.Is(last, context.Canceled) {
			t.Errorf("yielded %d objects then %v, want 1 then context.Canceled", n, last)
		}
		if sp := len(soapRequests(e.wire.since(mark))); sp != 1 {
			t.Errorf("%d SOAP requests, want 1", sp)
		}
	})
}

// TestFgE2ETypedProperties retrieves each typed object with its
// Properties() list: the real server must accept every property (Describe
// lists each as retrievable) and the conversion must succeed.
func TestFgE2ETypedProperties(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c := e.client(t, nil)
	ctx := context.Background()
	cases := []struct {
		typ     string
		props   []string
		convert func(fuel.Object) error
	}{
		{"BusinessUnit", fuel.BusinessUnitProperties(), func(o fuel.Object) error { _, err := fuel.BusinessUnitFromObject(o); return err }},
		{"AccountUser", fuel.AccountUserProperties(), func(o fuel.Object) error { _, err := fuel.AccountUserFromObject(o); return err }},
		{"Role", fuel.RoleProperties(), func(o fuel.Object) error { _, err := fuel.RoleFromObject(o); return err }},
	}
	for _, tc := range cases {
		def, err := c.Describe(ctx, tc.typ)
		if err != nil {
			t.Fatalf("Describe %s: %v", tc.typ, err)
		}
		retrievable := map[string]bool{"ObjectID": true} // accepted for every type
		for _, p := range def.Properties {
			retrievable[p.Name] = p.IsRetrievable
		}
		for _, p := range tc.props {
			if !retrievable[p] {
				t.Errorf("%sProperties() holds %s, which the server does not describe as retrievable", tc.typ, p)
			}
		}
		var n int
		for obj, err := range c.RetrieveAll(ctx, fuel.RetrieveRequest{ObjectType: tc.typ, Properties: tc.props}) {
			if err != nil {
				t.Fatalf("Retrieve %s with %sProperties(): %v", tc.typ, tc.typ, err)
			}
			if err := tc.convert(obj); err != nil {
				t.Errorf("%s %v: %v", tc.typ, obj, err)
			}
			n++
		}
		if n == 0 {
			t.Errorf("no %s retrieved", tc.typ)
		}
	}
	// Roles carry what RoleFromObject needs to assign them.
	page, err := c.Retrieve(ctx, fuel.RetrieveRequest{ObjectType: "Role", Properties: fuel.RoleProperties(),
		Filter: fuel.Where("Name", fuel.Equals, "API Access")})
	if err != nil || len(page.Objects) != 1 {
		t.Fatalf("Retrieve Role API Access: %v, %v", page, err)
	}
	if r, _ := fuel.RoleFromObject(page.Objects[0]); r.ObjectID == "" || r.Name != "API Access" || r.IsSystemDefined == nil || *r.IsSystemDefined {
		t.Errorf("role %+v, want the custom role API Access with an ObjectID", r)
	}
}
