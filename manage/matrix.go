package manage

import (
	"slices"
	"strings"

	"github.com/fuelgate/fuelgate"
)

// Matrix renders the authorization matrix in Markdown from the one table
// (Rules, ScopePermissions, the system roles): per operation, which client
// tokens and which users may perform it, where, and with which limits.
// docs/security.md holds this text; a test keeps the two equal.
func Matrix() string {
	var b strings.Builder
	b.WriteString("| operation | permission (any of) | client tokens: scopes that give it | users: system roles that hold it | reach | limits |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for _, r := range Rules {
		perms := make([]string, len(r.AnyOf))
		for i, p := range r.AnyOf {
			perms[i] = cell(fuelgate.DisplayPermission(p))
		}
		tokens := strings.Join(scopesGiving(r.AnyOf), ", ")
		if tokens == "" {
			tokens = "none"
		}
		users := strings.Join(rolesHolding(r.AnyOf), ", ")
		switch {
		case r.OwnBUs:
			users = "every user, for the BUs assigned to them"
		case r.Self && users != "":
			users = "every user, for themselves; for others: " + users
		case r.Self:
			users = "every user, for themselves"
		}
		row := []string{"`" + string(r.Op) + "`", strings.Join(perms, " or "), tokens, users, r.Reach, r.Limits}
		if row[1] == "" {
			row[1] = "—"
		}
		if row[5] == "" {
			row[5] = "—"
		}
		b.WriteString("| " + strings.Join(row, " | ") + " |\n")
	}
	b.WriteString("\nScopes and the permissions they give a client token (other scopes give none in fuelgate):\n\n")
	b.WriteString("| scope | permissions |\n|---|---|\n")
	for _, row := range ScopePermissions {
		perms := make([]string, len(row.Perms))
		for i, p := range row.Perms {
			perms[i] = cell(fuelgate.DisplayPermission(p))
		}
		b.WriteString("| `" + row.Scope + "` | " + strings.Join(perms, ", ") + " |\n")
	}
	b.WriteString("\nSigning in (decided by `LoginActor` once the credential is verified): a user whose account or default BU " +
		"is inactive never signs in; a WS-Security UsernameToken also needs the enterprise's username/password API-login " +
		"setting, the API User flag and the *" + fuelgate.DisplayPermission(fuelgate.PermWebServicesAPI) +
		"* permission (on the legacy permission model: the web-services flag). Granting the API User flag needs API " +
		"access: a client token, or a user holding that permission.\n")
	b.WriteString("\nA web or public app's token (`app.token`, decided by `AppUserActor` on every verification) acts for the user " +
		"who authorized the app: it holds the permissions its scopes give (the table above) that the user holds too, and " +
		"reaches only its one BU; it has API access only if the user has.\n")
	return b.String()
}

// cell escapes the pipes of a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// scopesGiving lists the scopes whose permissions include one of perms.
func scopesGiving(perms []string) []string {
	var out []string
	for _, row := range ScopePermissions {
		if slices.ContainsFunc(row.Perms, func(p string) bool { return slices.Contains(perms, p) }) {
			out = append(out, "`"+row.Scope+"`")
		}
	}
	return out
}

// rolesHolding lists the system roles that hold one of perms.
func rolesHolding(perms []string) []string {
	var out []string
	for _, r := range fuelgate.SystemRoles {
		if slices.ContainsFunc(perms, r.Has) {
			out = append(out, r.Name)
		}
	}
	return out
}
