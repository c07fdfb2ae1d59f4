package fuel_test

// End-to-end tests of the SOAP operations against a real fuelgate (harness
// in e2e_test.go).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

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
			t.Fatalf("RetrieveAll BusinessUnit: %v", err)
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

// TestE2EAccountUserCRUD creates, retrieves, updates and deletes
// (deactivates) a user, checking each step with a Retrieve.
func TestE2EAccountUserCRUD(t *testing.T) {
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

// TestE2EBusinessUnitCreateUpdate creates a child BU under the token's
// BU and renames it.
func TestE2EBusinessUnitCreateUpdate(t *testing.T) {
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
	cc := e.packageCredentials(pkg.ClientID, secret)
	child := forAccount(t, e.client(t, &cc), mid)
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

func TestE2EConfigureAssign(t *testing.T) {
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
	ucl := e.userClient(t, fgtest.Password, false)
	resp, err = ucl.Configure(ctx, "assign", assignment(u.ID, child))
	if err != nil {
		t.Fatalf("Configure assign as api_user: %v", err)
	}
	if resp.OverallStatus != fuel.StatusOK || len(resp.Results) != 1 || !resp.Results[0].OK() ||
		resp.Results[0].StatusMessage != "User Business Unit assignments successfully updated" {
		t.Errorf("Configure answered %+v", resp)
	}
	want := []int64{ent, child}
	slices.Sort(want)
	// api_user reaches both BUs, so it sees both assignments; the token sees
	// only the assignment to its own BU.
	if got := userBUs(t, ucl, u.ID); !slices.Equal(got, want) {
		t.Errorf("after assign the user's BUs are %v, want %v", got, want)
	}
	if got := userBUs(t, c, u.ID); !slices.Equal(got, []int64{ent}) {
		t.Errorf("after assign the token of %d sees the user's BUs %v, want [%d]", ent, got, ent)
	}
}

func TestE2EDescribe(t *testing.T) {
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

// TestE2ERetrieveAllPaging creates 7 users and pages through all users
// three at a time.
func TestE2ERetrieveAllPaging(t *testing.T) {
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

func TestE2EErrors(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	ctx := context.Background()

	t.Run("missing scope", func(t *testing.T) {
		pkg, secret, err := e.env.Manage.CreatePackage(ctx, manage.Operator(), manage.NewPackage{MID: e.env.Enterprise.MID,
			Name: "Accounts Read Only", Scopes: []string{"accounts_read"}})
		if err != nil {
			t.Fatal(err)
		}
		cc := e.packageCredentials(pkg.ClientID, secret)
		c := e.client(t, &cc)
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
		cc := e.packageCredentials(e.env.ClientID, "wrong-"+e.env.ClientSecret)
		mark := e.wire.mark()
		_, err := e.client(t, &cc).Retrieve(ctx, fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID"}})
		var ae *fuel.AuthError
		if !errors.As(err, &ae) {
			t.Fatalf("err = %v, want a *fuel.AuthError", err)
		}
		if ae.StatusCode != http.StatusUnauthorized || ae.Code != "invalid_client" || ae.Description != descInvalidClient ||
			ae.URI != "https://developer.salesforce.com/docs" {
			t.Errorf("AuthError %+v, want 401 invalid_client %q", ae, descInvalidClient)
		}
		if strings.Contains(err.Error(), cc.ClientSecret) {
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

// TestE2ETypedProperties retrieves each typed object with its
// Properties() list: the real server must accept every property (Describe
// lists each as retrievable) and the conversion must succeed.
func TestE2ETypedProperties(t *testing.T) {
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
