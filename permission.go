package fuelgate

import "strings"

// Permission names are dotted paths; Display renders them SFMC-style with " | ".
const (
	PermWebServicesAPI        = "email.admin.api_access.webservices_api"
	PermPackageAdminister     = "installed_package.administer"
	PermPackageView           = "installed_package.view"
	PermUsersView             = "administration.users.view"
	PermUsersManage           = "administration.users.manage"
	PermBusinessUnitsView     = "administration.business_units.view"
	PermBusinessUnitsManage   = "administration.business_units.manage"
	PermRolesView             = "administration.roles.view"
	PermRolesManage           = "administration.roles.manage"
	PermSecuritySettingsView  = "administration.security_settings.view"
	PermSecuritySettingsAdmin = "administration.security_settings.manage"
	PermAuditView             = "administration.audit_trail.view"
)

// Permission is one entry of the catalog.
type Permission struct {
	Name    string // dotted path, e.g. "installed_package.administer"
	Display string // SFMC-style, e.g. "Installed Package | Administer"
}

// Permissions is the catalog, in display order.
var Permissions = []Permission{
	{PermWebServicesAPI, "Email | Admin | API Access | WebServices API"},
	{PermPackageAdminister, "Installed Package | Administer"},
	{PermPackageView, "Installed Package | View"},
	{PermUsersView, "Administration | Users | View"},
	{PermUsersManage, "Administration | Users | Manage"},
	{PermBusinessUnitsView, "Administration | Business Units | View"},
	{PermBusinessUnitsManage, "Administration | Business Units | Manage"},
	{PermRolesView, "Administration | Roles | View"},
	{PermRolesManage, "Administration | Roles | Manage"},
	{PermSecuritySettingsView, "Administration | Security Settings | View"},
	{PermSecuritySettingsAdmin, "Administration | Security Settings | Manage"},
	{PermAuditView, "Administration | Audit Trail | View"},
}

// LookupPermission returns the catalog entry for name.
func LookupPermission(name string) (Permission, bool) {
	for _, p := range Permissions {
		if p.Name == name {
			return p, true
		}
	}
	return Permission{}, false
}

// DisplayPermission renders a dotted name SFMC-style; unknown names are
// rendered from their path segments.
func DisplayPermission(name string) string {
	if p, ok := LookupPermission(name); ok {
		return p.Display
	}
	return strings.Join(strings.Split(name, "."), " | ")
}
