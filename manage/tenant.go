package manage

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/fuelgate/fuelgate"
)

// Tenant is the described state of one enterprise: its settings, business
// units, custom roles, users and installed packages. Apply brings a
// database to it; Export reads it back. Package provision reads and writes
// it as a provisioning file (JSON or YAML), whose field names the paths in
// ApplyError use.
//
// Every field is declared: an empty list means none, false means off. The
// secrets (UserSpec.Password, PackageSpec.ClientSecret) are set only for
// Apply, from sources the file names; Export never fills them.
type Tenant struct {
	Enterprise    EnterpriseSpec
	BusinessUnits []BusinessUnitSpec // a parent before its children
	Roles         []RoleSpec         // custom roles
	Users         []UserSpec
	Packages      []PackageSpec
}

// EnterpriseSpec describes the enterprise (the root business unit).
type EnterpriseSpec struct {
	MID      int64 // 0: found by name, or created with the next free MID
	Name     string
	Settings fuelgate.Settings // EnterpriseMID and UpdatedAt are ignored
}

// BURef names a business unit of the enterprise: by MID or, when MID is 0,
// by name. The zero BURef names the enterprise.
type BURef struct {
	MID  int64
	Name string
}

// BusinessUnitSpec describes a child business unit. A BU with a MID is
// found, or created, by that MID; one without by its name.
type BusinessUnitSpec struct {
	MID    int64
	Name   string
	Parent BURef // zero: the enterprise
	Active bool
}

// RoleSpec describes a custom role, found by its name (case-insensitive).
type RoleSpec struct {
	Name        string
	Description string
	Permissions []string // dotted names from the catalog
}

// UserSpec describes a user, found by username.
type UserSpec struct {
	Username      string
	Name          string
	Email         string
	Password      string // "" when none is given: a new user gets a generated one
	APIUser       bool
	WebServices   bool // legacy permission model
	DigestCapable bool
	Active        bool
	Roles         []string // role names (system or custom), keys or IDs
	DefaultBU     BURef    // zero: the enterprise
	BusinessUnits []BURef  // further BUs
}

// Package types of a provisioning file.
const (
	PackageTypeServer = "server" // a server-to-server API integration
	PackageTypeWeb    = "web"    // a web app: authorization code, with a client secret
	PackageTypePublic = "public" // a public app: authorization code, no client secret
)

// PackageSpec describes an installed package, found by ClientID when given,
// else by name.
type PackageSpec struct {
	Name          string
	Description   string
	Type          string   // PackageTypeServer ("" too), PackageTypeWeb or PackageTypePublic
	RedirectURIs  []string // web and public apps
	RequirePKCE   bool     // web and public apps
	BU            BURef    // where the package is created; zero: the enterprise
	BusinessUnits []BURef  // further BUs its tokens may act in
	Scopes        []string
	Legacy        bool
	Enabled       bool
	ClientID      string // "" : generated for a new package
	ClientSecret  string // "" when none is given: a new package gets a generated one (a public app none)
}

// Export describes the enterprise of mid as a Tenant that Apply reproduces
// on an empty database: MIDs and client IDs as they are, roles and BUs by
// name and MID, no secret. It reads one consistent view. Only the operator
// may export.
func (s *Service) Export(ctx context.Context, a *Actor, mid int64) (*Tenant, error) {
	if a.kind != KindOperator {
		return nil, fuelgate.WrapError(fuelgate.EPERMISSION, "", "Only the operator may export an enterprise.", ErrNoPermission)
	}
	var t *Tenant
	err := s.store.Atomic(ctx, func(tx fuelgate.Store) error {
		var err error
		t, err = exportFrom(ctx, tx, mid)
		return err
	})
	return t, err
}

// exportFrom reads the Tenant of mid's enterprise from st.
func exportFrom(ctx context.Context, st fuelgate.Store, mid int64) (*Tenant, error) {
	ent, err := enterpriseIn(ctx, st, mid)
	if err != nil {
		return nil, notFoundAs(err, "business unit %d not found", mid)
	}
	bus, err := businessUnitsOfEnterprise(ctx, st, ent)
	if err != nil {
		return nil, err
	}
	settings, err := st.Settings(ctx, ent)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
		settings, err = fuelgate.DefaultSettings(ent), nil
	}
	if err != nil {
		return nil, err
	}
	settings.EnterpriseMID, settings.UpdatedAt = 0, time.Time{}
	t := &Tenant{Enterprise: EnterpriseSpec{MID: ent, Name: bus[ent].Name, Settings: *settings}}
	for _, b := range treeOrder(bus, ent)[1:] {
		t.BusinessUnits = append(t.BusinessUnits, BusinessUnitSpec{MID: b.MID, Name: b.Name, Parent: BURef{MID: b.ParentMID}, Active: b.Active})
	}
	roles, err := st.Roles(ctx, ent)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(roles, func(x, y *fuelgate.Role) int { return cmp.Compare(x.Name, y.Name) })
	for _, r := range roles {
		t.Roles = append(t.Roles, RoleSpec{Name: r.Name, Description: r.Description, Permissions: sortedOrNil(r.Permissions)})
	}
	if t.Users, err = exportUsers(ctx, st, ent, roles); err != nil {
		return nil, err
	}
	pkgs, err := st.Packages(ctx, fuelgate.PackageFilter{EnterpriseMID: ent})
	if err != nil {
		return nil, err
	}
	for _, p := range pkgs {
		t.Packages = append(t.Packages, PackageSpec{Name: p.Name, Description: p.Description, Type: PackageTypeOf(p.IntegrationType),
			BU: BURef{MID: p.MID}, BusinessUnits: refs(others(p.MIDs, p.MID)), Scopes: sortedOrNil(p.Scopes),
			Legacy: p.Legacy, Enabled: p.Enabled, ClientID: p.ClientID, RedirectURIs: sortedOrNil(p.RedirectURIs),
			RequirePKCE: p.RequirePKCE})
	}
	return t, nil
}

func exportUsers(ctx context.Context, st fuelgate.Store, ent int64, custom []*fuelgate.Role) ([]UserSpec, error) {
	users, err := st.Users(ctx, fuelgate.UserFilter{EnterpriseMID: ent})
	if err != nil {
		return nil, err
	}
	var out []UserSpec
	for _, u := range users {
		var roles []string
		for _, id := range u.RoleIDs {
			if r, ok := fuelgate.SystemRole(id); ok {
				roles = append(roles, r.Name)
			} else if i := slices.IndexFunc(custom, func(r *fuelgate.Role) bool { return r.ID == id }); i >= 0 {
				roles = append(roles, custom[i].Name)
			}
		}
		out = append(out, UserSpec{Username: u.Username, Name: u.Name, Email: u.Email, APIUser: u.APIUser,
			WebServices: u.WebServices, DigestCapable: u.DigestCapable(), Active: u.Active, Roles: sortedOrNil(roles),
			DefaultBU: BURef{MID: u.DefaultMID}, BusinessUnits: refs(others(u.MIDs, u.DefaultMID))})
	}
	return out, nil
}

// PackageTypes map the provisioning-file types to integration types.
var PackageTypes = map[string]fuelgate.IntegrationType{PackageTypeServer: fuelgate.IntegrationServerToServer,
	PackageTypeWeb: fuelgate.IntegrationWebApp, PackageTypePublic: fuelgate.IntegrationPublicApp}

// PackageTypeOf is the short name of an integration type.
func PackageTypeOf(integration fuelgate.IntegrationType) string {
	for t, i := range PackageTypes {
		if i == integration {
			return t
		}
	}
	return string(integration)
}

// businessUnitsOfEnterprise returns the BUs of enterprise ent, the
// enterprise included, by MID.
func businessUnitsOfEnterprise(ctx context.Context, st fuelgate.Store, ent int64) (map[int64]*fuelgate.Account, error) {
	all, err := st.Accounts(ctx, fuelgate.AccountFilter{})
	if err != nil {
		return nil, err
	}
	byMID := make(map[int64]*fuelgate.Account, len(all))
	for _, a := range all {
		byMID[a.MID] = a
	}
	out := map[int64]*fuelgate.Account{}
	for _, a := range all {
		root := a
		for range 1000 { // bounded: trees are far shallower
			if root.ParentMID == 0 || byMID[root.ParentMID] == nil {
				break
			}
			root = byMID[root.ParentMID]
		}
		if root.MID == ent && root.ParentMID == 0 {
			out[a.MID] = a
		}
	}
	if out[ent] == nil {
		return nil, fuelgate.Errorf(fuelgate.ENOTFOUND, "enterprise %d not found", ent)
	}
	return out, nil
}

// treeOrder lists the BUs of bus from root down, each parent before its
// children, siblings by MID.
func treeOrder(bus map[int64]*fuelgate.Account, root int64) []*fuelgate.Account {
	children := map[int64][]*fuelgate.Account{}
	for _, a := range bus {
		if a.MID != root {
			children[a.ParentMID] = append(children[a.ParentMID], a)
		}
	}
	out := []*fuelgate.Account{bus[root]}
	for i := 0; i < len(out); i++ {
		kids := children[out[i].MID]
		slices.SortFunc(kids, func(x, y *fuelgate.Account) int { return cmp.Compare(x.MID, y.MID) })
		out = append(out, kids...)
	}
	return out
}

// others returns mids without skip, sorted.
func others(mids []int64, skip int64) []int64 {
	out := slices.DeleteFunc(slices.Clone(mids), func(m int64) bool { return m == skip })
	slices.Sort(out)
	return slices.Compact(out)
}

// sortedOrNil returns a sorted copy of l, nil when l is empty: Export's
// lists do not depend on the order the store returns sets in (role IDs are
// random, so a user's roles come back in another order elsewhere).
func sortedOrNil(l []string) []string {
	if len(l) == 0 {
		return nil
	}
	return slices.Sorted(slices.Values(l))
}

func refs(mids []int64) []BURef {
	var out []BURef
	for _, m := range mids {
		out = append(out, BURef{MID: m})
	}
	return out
}
