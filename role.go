package fuelgate

import "time"

// Role is a named set of permissions. System roles are defined by fuelgate and
// cannot be changed; custom roles belong to one enterprise.
type Role struct {
	ID            string // ObjectID, a GUID (system roles have fixed IDs)
	Key           string // CustomerKey, e.g. "SYS_DEF_ADMIN"
	EnterpriseMID int64  // 0 for system roles
	Name          string
	Description   string
	System        bool
	Permissions   []string // dotted names from the catalog
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Has reports whether the role grants perm.
func (r *Role) Has(perm string) bool {
	for _, p := range r.Permissions {
		if p == perm {
			return true
		}
	}
	return false
}

// System roles, with SFMC's CustomerKeys.
var SystemRoles = []Role{
	{ID: "f1cfb80f-3550-e611-96fe-38eaa7142c61", Key: "SYS_DEF_ADMIN", Name: "Administrator",
		Description: "Administrator", System: true, Permissions: allPermissionNames()},
	{ID: "0a6c31a8-3550-e611-96fe-38eaa7142c61", Key: "SYS_DEF_IMHADMIN", Name: "Marketing Cloud Administrator",
		Description: "Marketing Cloud Administrator", System: true, Permissions: allPermissionNames()},
	{ID: "1b8e7a62-3550-e611-96fe-38eaa7142c61", Key: "SYS_DEF_SECURITYADMIN", Name: "Security Administrator",
		Description: "Manages users, security settings and the audit trail", System: true,
		Permissions: []string{PermUsersView, PermUsersManage, PermRolesView, PermBusinessUnitsView,
			PermSecuritySettingsView, PermSecuritySettingsAdmin, PermAuditView, PermPackageView}},
	{ID: "2c4d9b13-3550-e611-96fe-38eaa7142c61", Key: "SYS_DEF_VIEWER", Name: "Viewer",
		Description: "Read-only access to the Setup pages", System: true,
		Permissions: []string{PermUsersView, PermRolesView, PermBusinessUnitsView,
			PermSecuritySettingsView, PermPackageView}},
}

// SystemRole returns the system role with the given name, key or ID.
func SystemRole(nameKeyOrID string) (*Role, bool) {
	for i := range SystemRoles {
		r := &SystemRoles[i]
		if r.Name == nameKeyOrID || r.Key == nameKeyOrID || r.ID == nameKeyOrID {
			return r, true
		}
	}
	return nil, false
}

func allPermissionNames() []string {
	names := make([]string, len(Permissions))
	for i, p := range Permissions {
		names[i] = p.Name
	}
	return names
}
