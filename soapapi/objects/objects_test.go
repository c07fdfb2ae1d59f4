package objects_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/soap"
	"github.com/fuelgate/fuelgate/soapapi/objects"
)

// tokenCall returns a Call acting as a real v2 token of the test package in mid.
func tokenCall(t *testing.T, e *fgtest.Env, mid int64) *objects.Call {
	t.Helper()
	a, err := e.Server.Auth.VerifyToken(context.Background(), e.Token(mid))
	if err != nil {
		t.Fatal(err)
	}
	return &objects.Call{Actor: a, Manage: e.Manage, Location: time.UTC, Now: e.Clock.Now}
}

// userCall returns a Call acting as u, signed in through the console with fgtest.Password.
func userCall(t *testing.T, e *fgtest.Env, u *fuelgate.User) *objects.Call {
	t.Helper()
	a, err := e.Server.Auth.SignIn(context.Background(), u.Username, fgtest.Password, "")
	if err != nil {
		t.Fatal(err)
	}
	return &objects.Call{Actor: a, Manage: e.Manage, Location: time.UTC, Now: e.Clock.Now}
}

func TestRegistry(t *testing.T) {
	t.Parallel()
	reg := objects.Registry()
	var names []string
	for name, o := range reg {
		names = append(names, name)
		if o.Name() != name {
			t.Errorf("registry key %q holds type %q", name, o.Name())
		}
		seen := map[string]bool{}
		for _, f := range o.Fields() {
			if seen[f.Name] {
				t.Errorf("%s: field %s listed twice", name, f.Name)
			}
			seen[f.Name] = true
			if f.DataType == "" {
				t.Errorf("%s.%s: no DataType", name, f.Name)
			}
		}
	}
	slices.Sort(names)
	if got, want := strings.Join(names, ","), "Account,AccountUser,AccountUserAccount,BusinessUnit,Role"; got != want {
		t.Errorf("got types %s, want %s", got, want)
	}
	if _, ok := reg["accountuser"]; ok {
		t.Error("got a type for accountuser, want names to be case-sensitive")
	}
	for name, write := range map[string][]bool{ // Creator, Updater, Deleter, Configurer
		"AccountUser": {true, true, true, true}, "BusinessUnit": {true, true, false, false}, "Account": {true, true, false, false},
		"Role": {false, false, false, false}, "AccountUserAccount": {false, false, false, false},
	} {
		o := reg[name]
		_, c := o.(objects.Creator)
		_, u := o.(objects.Updater)
		_, d := o.(objects.Deleter)
		_, cf := o.(objects.Configurer)
		if got := []bool{c, u, d, cf}; !slices.Equal(got, write) {
			t.Errorf("%s: got create/update/delete/configure %v, want %v", name, got, write)
		}
	}
}

func TestCallTime(t *testing.T) {
	t.Parallel()
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	at := time.Date(2026, 11, 29, 12, 30, 45, 120_000_000, time.UTC)
	cases := []struct {
		name string
		loc  *time.Location
		t    time.Time
		want string
	}{
		{"UTC default", nil, at, "2026-11-29T12:30:45.12"},
		{"US Central", chicago, at, "2026-11-29T06:30:45.12"},
		{"whole seconds", time.UTC, at.Truncate(time.Second), "2026-11-29T12:30:45"},
		{"zero", time.UTC, time.Time{}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := (&objects.Call{Location: c.loc}).Time(c.t); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestFromManage(t *testing.T) {
	t.Parallel()
	internal := errors.New("disk on fire")
	cases := []struct {
		name string
		in   error
		code int // 0: returned unchanged
		msg  string
	}{
		{"invalid", fuelgate.Errorf(fuelgate.EINVALID, "bad name"), 2, "bad name"},
		{"conflict", fuelgate.Errorf(fuelgate.ECONFLICT, "taken"), 2, "taken"},
		{"not found", fuelgate.Errorf(fuelgate.ENOTFOUND, "no such user"), 2, "no such user"},
		{"reach", manage.NotInReach(42), 11, "Not authorized for account 42."},
		{"missing permission", fuelgate.WrapError(fuelgate.EPERMISSION, "", "You do not have it.", manage.ErrNoPermission), 11, "API Permission Failed"},
		{"internal", internal, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := objects.FromManage(c.in)
			if c.code == 0 {
				if got != c.in {
					t.Errorf("got %v, want the error unchanged", got)
				}
				return
			}
			var oe *objects.Error
			if !errors.As(got, &oe) || oe.Code != c.code || oe.Message != c.msg {
				t.Errorf("got %#v, want code %d %q", got, c.code, c.msg)
			}
		})
	}
}

// children lists the local names of e's children.
func children(e *soap.Element) []string {
	var out []string
	for _, c := range e.Children {
		out = append(out, c.Name.Local)
	}
	return out
}

// TestListAndRender lists each type on a real store and renders the first
// record with every retrievable property and with none: members come in WSDL
// order, and the members SFMC always sends are there either way.
func TestListAndRender(t *testing.T) {
	t.Parallel()
	e := fgtest.New(t)
	c := tokenCall(t, e, 0)
	reg := objects.Registry()
	cases := []struct {
		typ       string
		mids      []int64
		all, none []string
	}{
		{"BusinessUnit", []int64{e.Enterprise.MID},
			[]string{"Client", "PartnerKey", "CreatedDate", "ModifiedDate", "ID", "ObjectID", "CustomerKey", "AccountType", "ParentID", "Name", "IsActive", "Subscription", "MasterUnsubscribeBehavior"},
			[]string{"PartnerKey", "ObjectID", "AccountType", "Subscription", "MasterUnsubscribeBehavior"}},
		{"Account", []int64{e.Enterprise.MID},
			[]string{"Client", "PartnerKey", "CreatedDate", "ModifiedDate", "ID", "ObjectID", "CustomerKey", "AccountType", "ParentID", "Name", "IsActive", "Subscription"},
			[]string{"PartnerKey", "ObjectID", "AccountType", "Subscription"}},
		{"AccountUser", []int64{e.Enterprise.MID},
			[]string{"Client", "PartnerKey", "CreatedDate", "ModifiedDate", "ID", "ObjectID", "CustomerKey", "AccountUserID", "UserID", "Name", "Email",
				"MustChangePassword", "ActiveFlag", "Delete", "IsAPIUser", "NotificationEmailAddress", "IsLocked", "DefaultBusinessUnit", "Roles"},
			[]string{"PartnerKey", "ObjectID", "Delete"}},
		{"AccountUserAccount", []int64{e.Enterprise.MID}, []string{"PartnerKey", "ObjectID", "AccountUser", "Account"}, []string{"PartnerKey", "ObjectID"}},
		{"Role", nil, []string{"Client", "PartnerKey", "ObjectID", "CustomerKey", "Name", "Description", "IsPrivate", "IsSystemDefined", "Permissions"},
			[]string{"PartnerKey", "ObjectID"}},
	}
	for _, tc := range cases {
		t.Run(tc.typ, func(t *testing.T) {
			o := reg[tc.typ]
			recs, err := o.List(context.Background(), c, tc.mids)
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) == 0 {
				t.Fatal("got no records, want at least one")
			}
			all := map[string]bool{}
			for _, f := range o.Fields() {
				if f.Retrievable {
					all[f.Name] = true
				}
			}
			el := o.Render(context.Background(), c, recs[0], all)
			if el.Name.Local != "Results" || el.Type() != tc.typ {
				t.Errorf("got <%s xsi:type=%q>, want <Results xsi:type=%q>", el.Name.Local, el.Type(), tc.typ)
			}
			if got := children(el); !slices.Equal(got, tc.all) {
				t.Errorf("with every property:\ngot  %v\nwant %v", got, tc.all)
			}
			if got := children(o.Render(context.Background(), c, recs[0], map[string]bool{})); !slices.Equal(got, tc.none) {
				t.Errorf("with no property: got %v, want %v", got, tc.none)
			}
		})
	}
}

func TestListScoping(t *testing.T) {
	t.Parallel()
	e := fgtest.New(t)
	ctx, op := context.Background(), manage.Operator()
	other, err := e.Manage.CreateEnterprise(ctx, op, "Other")
	if err != nil {
		t.Fatal(err)
	}
	e.CreateUser(manage.NewUser{MID: other.MID, Username: "foreigner"})
	e.CreateUser(manage.NewUser{MID: e.Child.MID, Username: "child_user"})
	if _, err := e.Manage.CreateRole(ctx, op, other.MID, "Foreign Role", "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Manage.CreateRole(ctx, op, e.Enterprise.MID, "Marketing Cloud Lookalike", "", nil); err != nil {
		t.Fatal(err)
	}
	reader := e.CreateUser(manage.NewUser{MID: e.Grandchild.MID, Username: "reader", Roles: []string{"Viewer"},
		MIDs: []int64{e.Enterprise.MID, e.Child.MID}})
	c := userCall(t, e, reader)
	reg := objects.Registry()
	keyOf := func(t *testing.T, c *objects.Call, typ string, mids []int64, prop string) []string {
		recs, err := reg[typ].List(context.Background(), c, mids)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range recs {
			out = append(out, r[prop])
		}
		slices.Sort(out)
		return out
	}
	key := func(typ string, mids []int64, prop string) []string { return keyOf(t, c, typ, mids, prop) }
	ent, child, grand := e.Enterprise.MID, e.Child.MID, e.Grandchild.MID
	cases := []struct {
		name, typ, prop string
		mids            []int64
		want            []string
	}{
		{"BUs listed", "BusinessUnit", "ID", []int64{child, grand}, []string{itoa(child), itoa(grand)}},
		{"BU of another enterprise is never listed", "BusinessUnit", "ID", []int64{other.MID}, nil},
		{"grandchild's enterprise", "BusinessUnit", "Client.EnterpriseID", []int64{grand}, []string{itoa(ent)}},
		{"grandchild's parent name", "BusinessUnit", "ParentName", []int64{grand}, []string{"Child BU"}},
		{"account types", "BusinessUnit", "AccountType", []int64{ent, child}, []string{"BUSINESS_UNIT", "ENTERPRISE_2"}},
		{"users by default BU", "AccountUser", "UserID", []int64{child}, []string{"child_user"}},
		{"users of another enterprise are never listed", "AccountUser", "UserID", []int64{other.MID}, nil},
		{"associations", "AccountUserAccount", "Account.ID", []int64{ent}, []string{itoa(ent), itoa(child)}},
	}
	t.Run("a token does not reach child BUs", func(t *testing.T) {
		tc := tokenCall(t, e, ent)
		if got := keyOf(t, tc, "BusinessUnit", []int64{ent, child}, "ID"); !slices.Equal(got, []string{itoa(ent)}) {
			t.Errorf("token of %d lists BUs %v, want only its own", ent, got)
		}
		if got := keyOf(t, tc, "AccountUser", []int64{child}, "UserID"); got != nil {
			t.Errorf("token of %d lists users %v of the child BU, want none", ent, got)
		}
	})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := key(tc.typ, tc.mids, tc.prop); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("roles", func(t *testing.T) {
		names := key("Role", nil, "Name")
		for _, bad := range []string{"Foreign Role", "Marketing Cloud Lookalike", "Marketing Cloud Administrator"} {
			if slices.Contains(names, bad) {
				t.Errorf("got role %q in %v, want it hidden", bad, names)
			}
		}
		for _, good := range []string{"Administrator", "API Access"} {
			if !slices.Contains(names, good) {
				t.Errorf("got roles %v, want %q among them", names, good)
			}
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
