package soapapi_test

import (
	"context"
	"slices"
	"testing"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
)

// perObject is the status, message and error code of one write result.
type perObject struct{ status, message, code string }

func resultRows(r *result) []perObject {
	var out []perObject
	for _, el := range resultsOf(r) {
		out = append(out, perObject{el.ChildText("StatusCode"), el.ChildText("StatusMessage"), el.ChildText("ErrorCode")})
	}
	return out
}

func TestWriteAccountUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	tok := fuel(e.Token(0))
	ent, child := itoa(e.Enterprise.MID), itoa(e.Child.MID)
	otherEnt, err := e.Manage.CreateEnterprise(ctx, manage.Operator(), "Other")
	if err != nil {
		t.Fatal(err)
	}
	foreign := e.CreateUser(manage.NewUser{MID: otherEnt.MID, Username: "foreign_user"})
	inChild := e.CreateUser(manage.NewUser{MID: e.Child.MID, Username: "child_user"})
	target := e.CreateUser(manage.NewUser{Username: "target"})
	pw := fgtest.Password
	full := func(username string) string {
		return userObject(`<Client><ID>` + ent + `</ID></Client><UserID>` + username + `</UserID><Name>N ` + username +
			`</Name><Email>` + username + `@example.com</Email><Password>` + pw + `</Password>`)
	}
	required := perObject{"Error", "Name, Email, UserID, and Password are required fields when creating a new user.", "11003"}
	cases := []struct {
		name, action, body, overall string
		want                        []perObject
	}{
		{"create", "Create", write("Create", full("created1")), "OK",
			[]perObject{{"OK", "Account User Updated / Created", ""}}},
		{"create without Password", "Create", write("Create", userObject(`<UserID>nopw</UserID><Name>N</Name><Email>n@example.com</Email>`)),
			"Error", []perObject{required}},
		{"create without Email", "Create", write("Create", userObject(`<UserID>nomail</UserID><Name>N</Name><Password>`+pw+`</Password>`)),
			"Error", []perObject{required}},
		{"create, one of two fails", "Create", write("Create", full("created2"), userObject(`<UserID>nopw2</UserID><Name>N</Name><Email>n@example.com</Email>`)),
			"Has Errors", []perObject{{"OK", "Account User Updated / Created", ""}, required}},
		{"create, duplicate username", "Create", write("Create", full("created1")), "Error",
			[]perObject{{"Error", "", "2"}}},
		{"create in child", "Create", write("Create", userObject(`<Client><ID>`+child+`</ID></Client><UserID>x</UserID><Name>X</Name><Email>x@example.com</Email><Password>`+pw+`</Password>`)),
			"Error", []perObject{{"Error", "Not authorized for account " + child + ".", "11"}}},
		{"create, DefaultBusinessUnit child", "Create", write("Create", userObject(`<UserID>y</UserID><Name>Y</Name><Email>y@example.com</Email><Password>`+pw+`</Password><DefaultBusinessUnit>`+child+`</DefaultBusinessUnit>`)),
			"Error", []perObject{{"Error", "Not authorized for account " + child + ".", "11"}}},
		{"create unknown type", "Create", write("Create", `<Objects xsi:type="Subscriber"><EmailAddress>a@b.c</EmailAddress></Objects>`),
			"Error", []perObject{{"Error", "Unable to find a handler for object type: Subscriber. Object types are case-sensitive, check spelling.", "2"}}},
		{"create Role unsupported", "Create", write("Create", `<Objects xsi:type="Role"><Name>R</Name></Objects>`),
			"Error", []perObject{{"Error", "Create is not supported for Role.", "2"}}},
		{"update", "Update", write("Update", userObject(`<AccountUserID>`+itoa(target.ID)+`</AccountUserID><Name>Renamed</Name>`)), "OK",
			[]perObject{{"OK", "Account User Updated / Created", ""}}},
		{"update by CustomerKey", "Update", write("Update", userObject(`<CustomerKey>target</CustomerKey><Email>t2@example.com</Email>`)), "OK",
			[]perObject{{"OK", "Account User Updated / Created", ""}}},
		{"update user of another enterprise", "Update", write("Update", userObject(`<AccountUserID>`+itoa(foreign.ID)+`</AccountUserID><Name>X</Name>`)),
			"Error", []perObject{{"Error", "The user was not found.", "2"}}},
		{"update user of the child", "Update", write("Update", userObject(`<AccountUserID>`+itoa(inChild.ID)+`</AccountUserID><Name>X</Name>`)),
			"Error", []perObject{{"Error", "Not authorized for account " + child + ".", "11"}}},
		{"update, move to child", "Update", write("Update", userObject(`<AccountUserID>`+itoa(target.ID)+`</AccountUserID><DefaultBusinessUnit>`+child+`</DefaultBusinessUnit>`)),
			"Error", []perObject{{"Error", "Not authorized for account " + child + ".", "11"}}},
		{"update, bad ActiveFlag", "Update", write("Update", userObject(`<AccountUserID>`+itoa(target.ID)+`</AccountUserID><ActiveFlag>maybe</ActiveFlag>`)),
			"Error", []perObject{{"Error", "ActiveFlag must be true or false.", "2"}}},
		{"update, unidentified", "Update", write("Update", userObject(`<Name>X</Name>`)),
			"Error", []perObject{{"Error", "Identify the user by AccountUserID, ID, CustomerKey or UserID.", "2"}}},
		{"delete", "Delete", write("Delete", userObject(`<ID>`+itoa(target.ID)+`</ID>`)), "OK",
			[]perObject{{"OK", "AccountUser deactivated", ""}}},
		{"delete user of another enterprise", "Delete", write("Delete", userObject(`<ID>`+itoa(foreign.ID)+`</ID>`)),
			"Error", []perObject{{"Error", "The user was not found.", "2"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := call(t, e, c.action, tok, c.body)
			assertOK(t, r)
			if got := r.OverallStatus(); got != c.overall {
				t.Errorf("got OverallStatus %q, want %q", got, c.overall)
			}
			got := resultRows(r)
			if len(got) != len(c.want) {
				t.Fatalf("got %d Results, want %d; %s", len(got), len(c.want), r.describe())
			}
			for i, w := range c.want {
				g := got[i]
				if g.status != w.status || (w.message != "" && g.message != w.message) || g.code != w.code {
					t.Errorf("result %d: got %+v, want %+v", i, g, w)
				}
				if ord := resultsOf(r)[i].ChildText("OrdinalID"); ord != itoa(int64(i)) {
					t.Errorf("result %d: got OrdinalID %q, want %d", i, ord, i)
				}
			}
		})
	}

	t.Run("effects", func(t *testing.T) {
		u, err := e.Store.UserByUsername(ctx, "created1")
		if err != nil {
			t.Fatalf("created user: %v", err)
		}
		if u.DefaultMID != e.Enterprise.MID || !u.Active {
			t.Errorf("got created user default %d active %v, want %d true", u.DefaultMID, u.Active, e.Enterprise.MID)
		}
		for _, name := range []string{"nopw", "nomail", "nopw2", "x", "y"} {
			if _, err := e.Store.UserByUsername(ctx, name); fuelgate.ErrorCode(err) != fuelgate.ENOTFOUND {
				t.Errorf("user %s: got %v, want ENOTFOUND (nothing written for a failed object)", name, err)
			}
		}
		got, err := e.Store.User(ctx, target.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Active || got.Name != "Renamed" || got.Email != "t2@example.com" || got.DefaultMID != e.Enterprise.MID {
			t.Errorf("got target active=%v name=%q email=%q default=%d, want deactivated, Renamed, t2@example.com, enterprise",
				got.Active, got.Name, got.Email, got.DefaultMID)
		}
		if f, _ := e.Store.User(ctx, foreign.ID); f.Name != "foreign_user" || !f.Active {
			t.Errorf("got foreign user name=%q active=%v, want unchanged", f.Name, f.Active)
		}
		r := call(t, e, "Retrieve", tok, retrieve("AccountUser", []string{"UserID", "ActiveFlag"},
			simple("Filter", "SimpleFilterPart", "UserID", "equals", "target")))
		if got := texts(resultsOf(r), "ActiveFlag"); len(got) != 1 || got[0] != "false" {
			t.Errorf("got ActiveFlag %v after Delete, want [false]", got)
		}
	})

	t.Run("audit", func(t *testing.T) {
		events, err := e.Store.AuditEvents(ctx, fuelgate.AuditFilter{Action: "user.create", Actor: "client:" + e.ClientID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var targets []string
		for _, ev := range events {
			if ev.Outcome == fuelgate.OutcomeSuccess {
				targets = append(targets, ev.Target)
			}
		}
		slices.Sort(targets)
		if want := []string{"user:created1", "user:created2"}; !slices.Equal(targets, want) {
			t.Errorf("got successful user.create events by client:%s for %v, want %v", e.ClientID, targets, want)
		}
		upd, err := e.Store.AuditEvents(ctx, fuelgate.AuditFilter{Action: "user.update", Actor: "client:" + e.ClientID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(upd) < 3 { // two updates and the deactivation
			t.Errorf("got %d user.update events by the client, want at least 3", len(upd))
		}
	})
}

func TestWriteAsUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	r := call(t, e, "Create", apiUser(e), write("Create", userObject(`<Client><ID>`+itoa(e.Child.MID)+
		`</ID></Client><UserID>made_by_user</UserID><Name>M</Name><Email>m@example.com</Email><Password>`+fgtest.Password+`</Password>`)))
	assertOK(t, r)
	if got := r.OverallStatus(); got != "OK" {
		t.Fatalf("got OverallStatus %q, want OK; %s", got, r.describe())
	}
	u, err := e.Store.UserByUsername(ctx, "made_by_user")
	if err != nil {
		t.Fatal(err)
	}
	if u.DefaultMID != e.Child.MID {
		t.Errorf("got default BU %d, want the child %d", u.DefaultMID, e.Child.MID)
	}
	events, err := e.Store.AuditEvents(ctx, fuelgate.AuditFilter{Action: "user.create", Actor: "user:api_user"})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Target != "user:made_by_user" || events[0].MID != e.Child.MID {
		t.Errorf("got %d user.create events by user:api_user (%+v), want one for made_by_user in the child", len(events), events)
	}
}

func TestConfigureAssign(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	tok := fuel(e.Token(0))
	u := e.CreateUser(manage.NewUser{Username: "assignee"})
	configure := func(id int64, del bool, mids ...int64) string {
		ids := ""
		for _, m := range mids {
			ids += `<BusinessUnitId>` + itoa(m) + `</BusinessUnitId>`
		}
		d := "false"
		if del {
			d = "true"
		}
		return `<ConfigureRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><Action>assign</Action><Configurations>` +
			`<Configuration xsi:type="AccountUser"><Client><ID>` + itoa(e.Enterprise.MID) + `</ID></Client><ID>` + itoa(id) + `</ID>` +
			`<BusinessUnitAssignmentConfiguration><BusinessUnitIds>` + ids + `</BusinessUnitIds><IsDelete>` + d +
			`</IsDelete></BusinessUnitAssignmentConfiguration></Configuration></Configurations></ConfigureRequestMsg>`
	}
	user := apiUser
	cases := []struct {
		name, header, body, overall, message string
		wantMIDs                             []int64
	}{
		{"token assigns its own BU", tok, configure(u.ID, false, e.Enterprise.MID), "OK",
			"User Business Unit assignments successfully updated", []int64{e.Enterprise.MID}},
		{"token cannot assign the child", tok, configure(u.ID, false, e.Child.MID), "Error",
			"Not authorized for account " + itoa(e.Child.MID) + ".", []int64{e.Enterprise.MID}},
		{"user assigns the child", "USER", configure(u.ID, false, e.Child.MID), "OK",
			"User Business Unit assignments successfully updated", []int64{e.Enterprise.MID, e.Child.MID}},
		{"user cannot assign the grandchild", "USER", configure(u.ID, false, e.Grandchild.MID), "Error",
			"Not authorized for account " + itoa(e.Grandchild.MID) + ".", []int64{e.Enterprise.MID, e.Child.MID}},
		{"user removes the child", "USER", configure(u.ID, true, e.Child.MID), "OK",
			"User Business Unit assignments successfully updated", []int64{e.Enterprise.MID}},
		{"default BU cannot be removed", tok, configure(u.ID, true, e.Enterprise.MID), "Error",
			"The user's default business unit cannot be unassigned.", []int64{e.Enterprise.MID}},
		{"unknown action", tok, `<ConfigureRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><Action>frobnicate</Action><Configurations><Configuration xsi:type="AccountUser"><ID>` +
			itoa(u.ID) + `</ID></Configuration></Configurations></ConfigureRequestMsg>`, "Error",
			`Unsupported Configure action "frobnicate" for AccountUser; use assign.`, []int64{e.Enterprise.MID}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hdr := c.header
			if hdr == "USER" {
				hdr = user(e)
			}
			r := call(t, e, "Configure", hdr, c.body)
			assertOK(t, r)
			if got := r.OverallStatus(); got != c.overall {
				t.Errorf("got OverallStatus %q, want %q", got, c.overall)
			}
			res := r.Body().Path("Results").ChildrenNamed("Result")
			if len(res) != 1 {
				t.Fatalf("got %d Results/Result, want 1; %s", len(res), r.describe())
			}
			if got := res[0].ChildText("StatusMessage"); got != c.message {
				t.Errorf("got StatusMessage %q, want %q", got, c.message)
			}
			got, err := e.Store.User(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			mids := append([]int64{got.DefaultMID}, got.MIDs...)
			slices.Sort(mids)
			mids = slices.Compact(mids)
			if !slices.Equal(mids, c.wantMIDs) {
				t.Errorf("got BUs %v, want %v", mids, c.wantMIDs)
			}
		})
	}
}
