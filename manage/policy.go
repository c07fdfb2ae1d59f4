package manage

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/fuelgate/fuelgate"
)

// The reasons an operation is refused. Every refusal is a *fuelgate.Error
// with code EPERMISSION whose cause is one of these, so that edges can render
// it in their wire format (SOAP: "API Permission Failed" for
// ErrNoPermission) without deciding anything.
var (
	ErrNoPermission = errors.New("missing permission")
	ErrNotInReach   = errors.New("business unit out of reach")
	ErrGrantLimit   = errors.New("grant exceeds what the actor holds")
	ErrTargetLimit  = errors.New("target holds more than the actor")
)

// NotInReach is the refusal for a BU outside the actor's reach, with
// SFMC's text.
func NotInReach(mid int64) error {
	return &fuelgate.Error{Code: fuelgate.EPERMISSION, Err: ErrNotInReach,
		Message: "Not authorized for account " + strconv.FormatInt(mid, 10) + "."}
}

func noPermission(perm string) error {
	return &fuelgate.Error{Code: fuelgate.EPERMISSION, Err: ErrNoPermission,
		Message: "You do not have the permission " + strconv.Quote(fuelgate.DisplayPermission(perm)) + "."}
}

func grantLimit(format string, args ...any) error {
	e := fuelgate.Errorf(fuelgate.EPERMISSION, format, args...)
	e.Err = ErrGrantLimit
	return e
}

func targetLimit(format string, args ...any) error {
	e := fuelgate.Errorf(fuelgate.EPERMISSION, format, args...)
	e.Err = ErrTargetLimit
	return e
}

// check decides op for a: a must hold a permission of op's rule (or, for
// OwnBUs rules, be a user) and reach every BU in mids.
func (a *Actor) check(op Op, mids ...int64) error {
	if !a.Allows(op) {
		if r := rule(op); len(r.AnyOf) > 0 {
			return noPermission(r.AnyOf[0])
		}
		return &fuelgate.Error{Code: fuelgate.EPERMISSION, Err: ErrNoPermission, Message: "Only a user may do this for themselves."}
	}
	for _, m := range mids {
		if !a.Reaches(m) {
			return NotInReach(m)
		}
	}
	return nil
}

// within returns the BUs of mids the actor reaches, sorted, without duplicates.
func (a *Actor) within(mids []int64) []int64 {
	var out []int64
	for _, m := range mids {
		if a.Reaches(m) {
			out = append(out, m)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// lacking returns, in catalog order, the permissions of perms a does not hold.
func (a *Actor) lacking(perms map[string]bool) []string {
	var out []string
	for _, p := range fuelgate.Permissions {
		if perms[p.Name] && !a.Holds(p.Name) {
			out = append(out, p.Name)
		}
	}
	return out
}

func displayList(perms []string) string {
	shown := make([]string, len(perms))
	for i, p := range perms {
		shown[i] = strconv.Quote(fuelgate.DisplayPermission(p))
	}
	return strings.Join(shown, ", ")
}

// checkGrantRoles refuses a role whose permissions a does not all hold.
func (a *Actor) checkGrantRoles(roles []*fuelgate.Role) error {
	for _, r := range roles {
		if miss := a.lacking(permSet(r.Permissions)); len(miss) > 0 {
			return grantLimit("You cannot grant the role %q: you do not hold %s.", r.Name, displayList(miss))
		}
	}
	return nil
}

// checkGrantPerms refuses permissions a does not hold.
func (a *Actor) checkGrantPerms(perms []string) error {
	if miss := a.lacking(permSet(perms)); len(miss) > 0 {
		return grantLimit("You cannot grant %s: you do not hold it.", displayList(miss))
	}
	return nil
}

// checkGrantScopes refuses scopes whose permissions a does not all hold.
func (a *Actor) checkGrantScopes(scopes []string) error {
	for _, sc := range scopes {
		if miss := a.lacking(scopePermissions([]string{sc})); len(miss) > 0 {
			return grantLimit("You cannot grant the scope %q: you do not hold %s.", sc, displayList(miss))
		}
	}
	return nil
}

// checkGrantFlags refuses the API User flag without API access, and the
// legacy web-services permission without the WebServices API permission.
func (a *Actor) checkGrantFlags(apiUser, webServices bool) error {
	if apiUser && a.kind != KindOperator && !a.apiAccess {
		return grantLimit("You cannot make a user an API user: you do not have API access (%q).",
			fuelgate.DisplayPermission(fuelgate.PermWebServicesAPI))
	}
	if webServices && !a.Holds(fuelgate.PermWebServicesAPI) {
		return grantLimit("You cannot grant access to the web services: you do not hold %q.",
			fuelgate.DisplayPermission(fuelgate.PermWebServicesAPI))
	}
	return nil
}

// checkReachAll refuses when any BU of mids is outside a's reach.
func (a *Actor) checkReachAll(mids []int64) error {
	for _, m := range mids {
		if !a.Reaches(m) {
			return NotInReach(m)
		}
	}
	return nil
}

// checkTarget refuses to change a principal (a user, a package) assigned to
// BUs outside a's reach or holding permissions a does not hold: nobody takes
// over a stronger account.
func (a *Actor) checkTarget(what string, mids []int64, perms map[string]bool) error {
	for _, m := range mids {
		if !a.Reaches(m) {
			return NotInReach(m)
		}
	}
	if miss := a.lacking(perms); len(miss) > 0 {
		return targetLimit("You cannot change %s: it holds %s, which you do not hold.", what, displayList(miss))
	}
	return nil
}

// effectivePerms is what a user holds: the permissions of their roles and,
// in an enterprise on the legacy permission model, the WebServices API
// permission when the legacy web-services flag is set.
func effectivePerms(rolePerms map[string]bool, webServices bool, model fuelgate.PermissionModel) map[string]bool {
	out := make(map[string]bool, len(rolePerms)+1)
	for p, ok := range rolePerms {
		if ok {
			out[p] = true
		}
	}
	if model == fuelgate.ModelLegacy && webServices {
		out[fuelgate.PermWebServicesAPI] = true
	}
	return out
}

func permSet(perms []string) map[string]bool {
	m := make(map[string]bool, len(perms))
	for _, p := range perms {
		m[p] = true
	}
	return m
}

// Channel is how a user signs in.
type Channel string

// Sign-in channels.
const (
	ChannelConsole  Channel = "console"   // the admin console and the /v2/authorize pages
	ChannelSOAPUser Channel = "soap_user" // a SOAP call with a WS-Security UsernameToken
	ChannelApp      Channel = "app"       // a web or public app's token acting for the user
)

// loginRefusal returns why a user whose credential is right may still not
// sign in through ch, or "": an inactive user or default BU never; a
// UsernameToken only when the enterprise allows username/password API
// logins and the user is an API user with the WebServices API permission
// (or, on the legacy model, the web-services flag).
func loginRefusal(u *fuelgate.User, defaultBU *fuelgate.Account, st *fuelgate.Settings, perms map[string]bool, ch Channel) string {
	switch {
	case !u.Active:
		return "user inactive"
	case defaultBU == nil || !defaultBU.Active:
		return "default business unit inactive"
	case ch != ChannelSOAPUser:
		return ""
	case !st.APIPasswordLogin:
		return "username/password API logins are disabled"
	case !u.APIUser:
		return "not an API user"
	case st.PermissionModel == fuelgate.ModelLegacy && !u.WebServices:
		return "no web services permission"
	case st.PermissionModel != fuelgate.ModelLegacy && !perms[fuelgate.PermWebServicesAPI]:
		return "no WebServices API permission"
	}
	return ""
}

// Authorize decides op for a in the BUs mids before any object is read or
// written: a must hold a permission that allows op and reach every BU of
// mids. Edges call it to refuse a request early, and to check a continued
// request exactly like the one that started it; the use-cases decide again,
// with their grant and target limits.
func (a *Actor) Authorize(op Op, mids ...int64) error { return a.check(op, mids...) }
