package manage

import (
	"slices"

	"github.com/fuelgate/fuelgate"
)

// ScopePermissions is the one table that maps SFMC scopes to the
// permissions they give a token. A client token holds exactly the
// permissions of its scopes; a web or public app's token holds those of
// them that the user it acts for holds too (see OpAppToken); scopes not
// listed give no permission in fuelgate (their APIs are not served).
var ScopePermissions = []struct {
	Scope string
	Perms []string
}{
	{"accounts_read", []string{fuelgate.PermBusinessUnitsView}},
	{"accounts_write", []string{fuelgate.PermBusinessUnitsView, fuelgate.PermBusinessUnitsManage}},
	{"users_read", []string{fuelgate.PermUsersView, fuelgate.PermRolesView}},
	{"users_write", []string{fuelgate.PermUsersView, fuelgate.PermUsersManage, fuelgate.PermRolesView}},
}

// scopePermissions returns the permissions the scope table gives scopes.
func scopePermissions(scopes []string) map[string]bool {
	perms := map[string]bool{}
	for _, sc := range scopes {
		for _, row := range ScopePermissions {
			if row.Scope == sc {
				for _, p := range row.Perms {
					perms[p] = true
				}
			}
		}
	}
	return perms
}

// Op is an operation the authorization model decides.
type Op string

// The operations. Every use-case of this package, every SOAP object
// operation and every console page or form is one of them.
const (
	OpBusinessUnitRead   Op = "business_unit.read"
	OpBusinessUnitCreate Op = "business_unit.create"
	OpBusinessUnitUpdate Op = "business_unit.update"
	OpUserRead           Op = "user.read"
	OpUserCreate         Op = "user.create"
	OpUserUpdate         Op = "user.update"
	OpRoleRead           Op = "role.read"
	OpRoleCreate         Op = "role.create"
	OpRoleUpdate         Op = "role.update"
	OpPackageRead        Op = "package.read"
	OpPackageCreate      Op = "package.create"
	OpPackageUpdate      Op = "package.update"
	OpSettingsRead       Op = "settings.read"
	OpSettingsUpdate     Op = "settings.update"
	OpAuditRead          Op = "audit.read"
	OpAppToken           Op = "app.token"
	OpAppGrantRead       Op = "app_grant.read"
	OpAppGrantRevoke     Op = "app_grant.revoke"
)

// Rule is one row of the authorization table: the permissions that allow an
// operation (any of them), the business units the actor must reach, and the
// grant and target limits that apply.
type Rule struct {
	Op    Op
	AnyOf []string
	// OwnBUs: a user needs no permission for the BUs assigned to them
	// (reading one's own business units).
	OwnBUs bool
	// Self: a user needs no permission to do this for themselves
	// (authorizing an app, reading and revoking their own app grants).
	Self   bool
	Reach  string // which BUs must be in the actor's reach
	Limits string // grant and target limits, "" when none
}

// Rules is the authorization table. The reach and limit texts describe what
// the use-cases enforce (see policy.go); docs/security.md is generated from
// this table, ScopePermissions and the system roles.
var Rules = []Rule{
	{Op: OpBusinessUnitRead, AnyOf: []string{fuelgate.PermBusinessUnitsView}, OwnBUs: true,
		Reach: "the BUs read (others are left out)"},
	{Op: OpBusinessUnitCreate, AnyOf: []string{fuelgate.PermBusinessUnitsManage},
		Reach: "the parent BU, which must be active", Limits: "a user creating a BU (or an app acting for one) is assigned to it"},
	{Op: OpBusinessUnitUpdate, AnyOf: []string{fuelgate.PermBusinessUnitsManage},
		Reach: "the BU changed", Limits: "the enterprise BU cannot be deactivated"},
	{Op: OpUserRead, AnyOf: []string{fuelgate.PermUsersView},
		Reach: "the user's default BU (others are left out)"},
	{Op: OpUserCreate, AnyOf: []string{fuelgate.PermUsersManage},
		Reach: "the default BU, which must be active, and every assigned BU",
		Limits: "grant: each role only if the actor holds all its permissions; the API User flag only with API access; " +
			"the web-services permission only if held"},
	{Op: OpUserUpdate, AnyOf: []string{fuelgate.PermUsersManage},
		Reach:  "every BU the user is assigned to, before and after",
		Limits: "target: the actor holds every permission the user holds; grant: as for create, for what is added"},
	{Op: OpRoleRead, AnyOf: []string{fuelgate.PermRolesView},
		Reach: "any BU of the enterprise"},
	{Op: OpRoleCreate, AnyOf: []string{fuelgate.PermRolesManage},
		Reach: "the enterprise BU", Limits: "grant: only permissions the actor holds"},
	{Op: OpRoleUpdate, AnyOf: []string{fuelgate.PermRolesManage},
		Reach: "the enterprise BU", Limits: "target and grant: the actor holds every permission of the role, before and after"},
	{Op: OpPackageRead, AnyOf: []string{fuelgate.PermPackageView, fuelgate.PermPackageAdminister},
		Reach: "the package's BU (others are left out)"},
	{Op: OpPackageCreate, AnyOf: []string{fuelgate.PermPackageAdminister},
		Reach:  "the package's BU, which must be active, and every BU its tokens may reach",
		Limits: "grant: only scopes whose permissions the actor holds"},
	{Op: OpPackageUpdate, AnyOf: []string{fuelgate.PermPackageAdminister},
		Reach:  "every BU the package's tokens may reach, before and after",
		Limits: "target: the actor holds every permission of the package's scopes; grant: as for create, for the scopes and BUs added"},
	{Op: OpSettingsRead, AnyOf: []string{fuelgate.PermSecuritySettingsView},
		Reach: "the enterprise BU"},
	{Op: OpSettingsUpdate, AnyOf: []string{fuelgate.PermSecuritySettingsAdmin},
		Reach: "the enterprise BU"},
	{Op: OpAuditRead, AnyOf: []string{fuelgate.PermAuditView},
		Reach: "the BU of each event (others are left out)"},
	{Op: OpAppToken, Self: true,
		Reach: "the one BU chosen at authorization (or account_id on refresh), which the user and the package both reach and which is active",
		Limits: "the token holds the permissions of its scopes that the user holds too; the user is active and not locked, " +
			"their default BU active, the package enabled and in the user's enterprise"},
	{Op: OpAppGrantRead, AnyOf: []string{fuelgate.PermUsersView}, Self: true,
		Reach: "the user's default BU (a user reads their own grants)"},
	{Op: OpAppGrantRevoke, AnyOf: []string{fuelgate.PermUsersManage}, Self: true,
		Reach:  "every BU the user is assigned to (a user revokes their own grants)",
		Limits: "target: as for user.update"},
}

// rule returns the table row of op.
func rule(op Op) *Rule {
	for i := range Rules {
		if Rules[i].Op == op {
			return &Rules[i]
		}
	}
	panic("manage: no rule for " + string(op))
}

// Allows reports whether a holds a permission that allows op, before any
// check of reach or limits. Edges use it only to decide what to show
// (menus, buttons); the use-cases make the decision.
func (a *Actor) Allows(op Op) bool {
	r := rule(op)
	if (r.OwnBUs || r.Self) && a.kind == KindUser {
		return true
	}
	return slices.ContainsFunc(r.AnyOf, a.Holds)
}
