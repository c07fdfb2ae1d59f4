package fuel_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/fuelgate/fuelgate/fuel"
)

func TestObjectProperties(t *testing.T) {
	o := fuel.NewObject("AccountUser", "Client.ID", "1", "Name", "n")
	o.Set("Roles.Role[0].ObjectID", "r0").Set("Roles.Role[1].ObjectID", "r1").SetBool("ActiveFlag", true)
	o.Set("Name", "renamed")
	tests := []struct{ name, want string }{
		{"Client.ID", "1"},
		{"Name", "renamed"},
		{"Roles.Role.ObjectID", "r0"},
		{"Roles.Role[0].ObjectID", "r0"},
		{"Roles.Role[1].ObjectID", "r1"},
		{"ActiveFlag", "true"},
	}
	for _, tt := range tests {
		if got := o.Value(tt.name); got != tt.want {
			t.Errorf("Value(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	if got, want := strings.Join(o.Names(), ","), "Client.ID,Name,Roles.Role.ObjectID,Roles.Role[1].ObjectID,ActiveFlag"; got != want {
		t.Errorf("Names = %s, want %s", got, want)
	}
	if n, ok := o.Int("Client.ID"); !ok || n != 1 {
		t.Errorf("Int(Client.ID) = %d, %v", n, ok)
	}
	cl := o.Clone()
	cl.Set("Name", "other")
	o.Delete("Client.ID")
	if o.Value("Name") != "renamed" || cl.Value("Client.ID") != "1" || o.Len() != 4 {
		t.Errorf("Clone shares storage: o=%v clone=%v", o, cl)
	}
	if got := o.Sub("Roles.Role[1]").Value("ObjectID"); got != "r1" {
		t.Errorf("Sub = %q, want r1", got)
	}
}

func TestTypedRoundTrip(t *testing.T) {
	user := fuel.AccountUser{
		ClientID: 1, ID: 7, AccountUserID: 7, UserID: "u1", Name: "User", Email: "u@x.com",
		ActiveFlag: fuel.Bool(false), IsAPIUser: fuel.Bool(true), UserPermissions: []int64{2, 3},
		Roles: []fuel.Role{{ObjectID: "a"}, {ObjectID: "b", Name: "Admin", IsSystemDefined: fuel.Bool(true)}},
	}
	o := user.ToObject()
	if got := o.Value("Roles.Role[1].Name"); got != "Admin" {
		t.Errorf("Roles.Role[1].Name = %q, want Admin", got)
	}
	if _, ok := o.Get("MustChangePassword"); ok {
		t.Error("nil MustChangePassword was written; an Update would change it")
	}
	back, err := fuel.AccountUserFromObject(o)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, user) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, user)
	}

	bu := fuel.BusinessUnit{ID: 100000002, ParentID: 100000001, Name: "Child", IsActive: fuel.Bool(true)}
	if v := bu.ToObject().Value("IsActive"); v != "1" {
		t.Errorf("IsActive written as %q, want 1", v)
	}
	buBack, err := fuel.BusinessUnitFromObject(bu.ToObject())
	if err != nil || !reflect.DeepEqual(buBack, bu) {
		t.Errorf("BusinessUnit round trip = %+v, %v; want %+v", buBack, err, bu)
	}

	role := fuel.Role{ClientID: 1, ObjectID: "o", CustomerKey: "SYS_DEF_ADMIN", IsPrivate: fuel.Bool(false)}
	if rb, err := fuel.RoleFromObject(role.ToObject()); err != nil || !reflect.DeepEqual(rb, role) {
		t.Errorf("Role round trip = %+v, %v; want %+v", rb, err, role)
	}

	bad := []struct {
		name string
		conv func() error
	}{
		{"wrong type", func() error { _, err := fuel.RoleFromObject(fuel.NewObject("AccountUser")); return err }},
		{"bad int", func() error { _, err := fuel.RoleFromObject(fuel.NewObject("Role", "ID", "x")); return err }},
		{"bad bool", func() error {
			_, err := fuel.AccountUserFromObject(fuel.NewObject("AccountUser", "ActiveFlag", "maybe"))
			return err
		}},
	}
	for _, tt := range bad {
		if err := tt.conv(); err == nil {
			t.Errorf("%s: err = nil, want an error", tt.name)
		}
	}
}
