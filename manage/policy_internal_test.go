package manage

import (
	"errors"
	"testing"

	"github.com/fuelgate/fuelgate"
)

// The unit tests of the pure decisions; the model-based test drives them
// through the whole server.

func TestActorReachAndPermissions(t *testing.T) {
	pkg := &fuelgate.Package{ID: 7, ClientID: "c", EnterpriseMID: 1, MID: 2, MIDs: []int64{2, 3}}
	tok := clientActor(pkg, 2, []string{"users_read", "email_read"}, fuelgate.TokenAccess)
	user := userActor(&fuelgate.User{ID: 9, Username: "u", EnterpriseMID: 1, DefaultMID: 3, MIDs: []int64{5, 1}},
		map[string]bool{fuelgate.PermBusinessUnitsManage: true})
	op := Operator()
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"token reaches its MID", tok.Reaches(2), true},
		{"token does not reach another BU of its package", tok.Reaches(3), false},
		{"user reaches the default BU", user.Reaches(3), true},
		{"user reaches an assigned BU", user.Reaches(5), true},
		{"user does not reach others", user.Reaches(4), false},
		{"operator reaches anything", op.Reaches(12345), true},
		{"token holds its scopes' permissions", tok.Holds(fuelgate.PermUsersView) && tok.Holds(fuelgate.PermRolesView), true},
		{"token holds nothing else", tok.Holds(fuelgate.PermUsersManage), false},
		{"a scope without permissions gives none", len(tok.Permissions()) == 2, true},
		{"user reads own BUs without a permission", user.Allows(OpBusinessUnitRead), true},
		{"token needs accounts_read to read BUs", tok.Allows(OpBusinessUnitRead), false},
		{"user with BU Manage may create BUs", user.Allows(OpBusinessUnitCreate), true},
		{"token has API access", tok.apiAccess, true},
		{"user without WebServices API has no API access", user.apiAccess, false},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %t, want %t", tt.name, tt.got, tt.want)
		}
	}
	if got := tok.Key(); got != "c:c:2" {
		t.Errorf("token key %q, want c:c:2", got)
	}
	if got := user.Reach(); len(got) != 3 || got[0] != 1 || got[2] != 5 {
		t.Errorf("user reach %v, want [1 3 5]", got)
	}
}

func TestDecisions(t *testing.T) {
	held := map[string]bool{fuelgate.PermUsersView: true, fuelgate.PermUsersManage: true, fuelgate.PermRolesView: true}
	a := userActor(&fuelgate.User{ID: 1, Username: "a", EnterpriseMID: 1, DefaultMID: 1, MIDs: []int64{2}}, held)
	weak := &fuelgate.Role{Name: "Weak", Permissions: []string{fuelgate.PermUsersView}}
	strong := &fuelgate.Role{Name: "Strong", Permissions: []string{fuelgate.PermUsersView, fuelgate.PermPackageAdminister}}
	tests := []struct {
		name string
		err  error
		want error // nil: allowed
	}{
		{"op held, BU reached", a.check(OpUserUpdate, 2), nil},
		{"op held, BU not reached", a.check(OpUserUpdate, 3), ErrNotInReach},
		{"op not held", a.check(OpPackageCreate, 1), ErrNoPermission},
		{"grant a weaker role", a.checkGrantRoles([]*fuelgate.Role{weak}), nil},
		{"grant a stronger role", a.checkGrantRoles([]*fuelgate.Role{weak, strong}), ErrGrantLimit},
		{"grant held permissions", a.checkGrantPerms([]string{fuelgate.PermUsersView}), nil},
		{"grant an unheld permission", a.checkGrantPerms([]string{fuelgate.PermAuditView}), ErrGrantLimit},
		{"grant a scope whose permissions are held", a.checkGrantScopes([]string{"users_write", "email_read"}), nil},
		{"grant a scope whose permissions are not", a.checkGrantScopes([]string{"accounts_read"}), ErrGrantLimit},
		{"API User flag without API access", a.checkGrantFlags(true, false), ErrGrantLimit},
		{"web-services flag without the permission", a.checkGrantFlags(false, true), ErrGrantLimit},
		{"change a weaker user", a.checkTarget("u", []int64{1, 2}, map[string]bool{fuelgate.PermUsersView: true}), nil},
		{"change a user in a BU out of reach", a.checkTarget("u", []int64{1, 9}, nil), ErrNotInReach},
		{"change a stronger user", a.checkTarget("u", []int64{1}, map[string]bool{fuelgate.PermAuditView: true}), ErrTargetLimit},
	}
	for _, tt := range tests {
		switch {
		case tt.want == nil && tt.err != nil:
			t.Errorf("%s: got %v, want allowed", tt.name, tt.err)
		case tt.want != nil && !errors.Is(tt.err, tt.want):
			t.Errorf("%s: got %v, want %v", tt.name, tt.err, tt.want)
		case tt.want != nil && fuelgate.ErrorCode(tt.err) != fuelgate.EPERMISSION:
			t.Errorf("%s: got code %q, want %q", tt.name, fuelgate.ErrorCode(tt.err), fuelgate.EPERMISSION)
		}
	}
	if err := a.check(OpUserUpdate, 3); fuelgate.ErrorMessage(err) != "Not authorized for account 3." {
		t.Errorf("reach refusal says %q, want SFMC's text", fuelgate.ErrorMessage(err))
	}
}

func TestLoginRefusal(t *testing.T) {
	ws := map[string]bool{fuelgate.PermWebServicesAPI: true}
	on := &fuelgate.Settings{APIPasswordLogin: true, PermissionModel: fuelgate.ModelRoleBased}
	legacy := &fuelgate.Settings{APIPasswordLogin: true, PermissionModel: fuelgate.ModelLegacy}
	off := &fuelgate.Settings{PermissionModel: fuelgate.ModelRoleBased}
	active, inactive := &fuelgate.Account{Active: true}, &fuelgate.Account{}
	api := &fuelgate.User{Active: true, APIUser: true}
	tests := []struct {
		name string
		u    *fuelgate.User
		bu   *fuelgate.Account
		st   *fuelgate.Settings
		perm map[string]bool
		ch   Channel
		want string
	}{
		{"API user, SOAP", api, active, on, ws, ChannelSOAPUser, ""},
		{"inactive user", &fuelgate.User{APIUser: true}, active, on, ws, ChannelSOAPUser, "user inactive"},
		{"inactive default BU, SOAP", api, inactive, on, ws, ChannelSOAPUser, "default business unit inactive"},
		{"inactive default BU, console", api, inactive, on, ws, ChannelConsole, "default business unit inactive"},
		{"setting off", api, active, off, ws, ChannelSOAPUser, "username/password API logins are disabled"},
		{"setting off does not stop the console", api, active, off, nil, ChannelConsole, ""},
		{"not an API user", &fuelgate.User{Active: true}, active, on, ws, ChannelSOAPUser, "not an API user"},
		{"no WebServices API", api, active, on, nil, ChannelSOAPUser, "no WebServices API permission"},
		{"legacy without the flag", api, active, legacy, ws, ChannelSOAPUser, "no web services permission"},
		{"legacy with the flag", &fuelgate.User{Active: true, APIUser: true, WebServices: true}, active, legacy, nil, ChannelSOAPUser, ""},
	}
	for _, tt := range tests {
		if got := loginRefusal(tt.u, tt.bu, tt.st, tt.perm, tt.ch); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
	if p := effectivePerms(nil, true, fuelgate.ModelLegacy); !p[fuelgate.PermWebServicesAPI] {
		t.Error("legacy web-services flag: want WebServices API held")
	}
	if p := effectivePerms(nil, true, fuelgate.ModelRoleBased); p[fuelgate.PermWebServicesAPI] {
		t.Error("role-based model: the legacy flag gives nothing")
	}
}
