package manage_test

import (
	"maps"
	"slices"
	"strings"

	"github.com/fuelgate/fuelgate"
)

// This file is the reference model of fuelgate's authorization rules: plain
// Go, written from docs/security.md's rules rather than from package manage,
// small enough to check by reading. The model-based test (model_run_test.go)
// runs random operations against a real server and compares every decision
// with the model's.

// Permission names, restated.
const (
	pWS         = fuelgate.PermWebServicesAPI
	pPkgAdmin   = fuelgate.PermPackageAdminister
	pPkgView    = fuelgate.PermPackageView
	pUsersView  = fuelgate.PermUsersView
	pUsersMgr   = fuelgate.PermUsersManage
	pBUView     = fuelgate.PermBusinessUnitsView
	pBUMgr      = fuelgate.PermBusinessUnitsManage
	pRolesView  = fuelgate.PermRolesView
	pRolesMgr   = fuelgate.PermRolesManage
	pSecView    = fuelgate.PermSecuritySettingsView
	pSecMgr     = fuelgate.PermSecuritySettingsAdmin
	pAuditView  = fuelgate.PermAuditView
	modelScopes = "accounts_read accounts_write users_read users_write"
)

var allPerms = []string{pWS, pPkgAdmin, pPkgView, pUsersView, pUsersMgr, pBUView, pBUMgr, pRolesView, pRolesMgr, pSecView, pSecMgr, pAuditView}

// scopeGives is what each scope gives a token.
var scopeGives = map[string][]string{
	"accounts_read":  {pBUView},
	"accounts_write": {pBUView, pBUMgr},
	"users_read":     {pUsersView, pRolesView},
	"users_write":    {pUsersView, pUsersMgr, pRolesView},
}

// systemRoles are the system roles by name.
var systemRoles = map[string][]string{
	"Administrator":                 allPerms,
	"Marketing Cloud Administrator": allPerms,
	"Security Administrator":        {pUsersView, pUsersMgr, pRolesView, pBUView, pSecView, pSecMgr, pAuditView, pPkgView},
	"Viewer":                        {pUsersView, pRolesView, pBUView, pSecView, pPkgView},
}

// Outcome classes: what a decision was, whatever the wire.
const (
	cOK        = "ok"
	cNoLogin   = "login failed"   // the credential is refused
	cNoPerm    = "no permission"  // the actor's permissions do not allow the operation
	cReach     = "out of reach"   // a BU the actor does not reach
	cGrant     = "grant limit"    // giving what the actor does not hold
	cTarget    = "target limit"   // changing what holds more than the actor
	cInvalid   = "invalid"        // bad input, inactive BU, unknown role, not found…
	cNotFound  = "not found"      // the console's 404
	cNotActive = "not authorized" // an op on an inactive thing
)

type set[T comparable] map[T]bool

func setOf[T comparable](vs ...T) set[T] {
	s := set[T]{}
	for _, v := range vs {
		s[v] = true
	}
	return s
}

func (s set[T]) sorted(less func(a, b T) int) []T { return slices.SortedFunc(maps.Keys(s), less) }

type mBU struct {
	mid, parent, ent int64
	active           bool
}

type mRole struct {
	id, name string
	ent      int64 // 0: a system role
	perms    set[string]
}

type mUser struct {
	id           int64
	name         string
	ent, def     int64
	mids         set[int64] // includes def
	roles        []string   // role IDs
	apiUser      bool
	active       bool
	password     string
	pwVersion    int64
	sessionPwVer int64 // the password version of the console session the test holds, 0: none
}

type mPkg struct {
	clientID, secret string
	ent, mid         int64
	mids             set[int64] // includes mid
	scopes           []string
	enabled          bool
	app              bool // a web app: its tokens act for a user who authorized it
}

// mActor is who the model thinks acts: a token, a user, or a web app's
// token acting for a user (appUser).
type mActor struct {
	user    *mUser // nil for a token
	pkg     *mPkg
	mid     int64 // a token's BU
	scopes  []string
	appUser *mUser // a web app's token: the user it acts for
}

// model is the reference state.
type model struct {
	bus   map[int64]*mBU
	roles map[string]*mRole
	users map[int64]*mUser
	pkgs  map[string]*mPkg
	// grants records, for each (user or package, permission or BU) ever
	// given by an operation, whether the actor that gave it held it.
	grants map[string]bool
}

func newModel() *model {
	m := &model{bus: map[int64]*mBU{}, roles: map[string]*mRole{}, users: map[int64]*mUser{}, pkgs: map[string]*mPkg{},
		grants: map[string]bool{}}
	for name, perms := range systemRoles {
		r, _ := fuelgate.SystemRole(name)
		m.roles[r.ID] = &mRole{id: r.ID, name: name, perms: setOf(perms...)}
	}
	return m
}

// perms is what a holds now: a token its scopes' permissions, a web app's
// token those of them its user holds too, a user their roles'.
func (m *model) perms(a mActor) set[string] {
	out := set[string]{}
	if a.user == nil {
		var userHolds set[string]
		if a.appUser != nil {
			userHolds = m.userHolds(a.appUser)
		}
		for _, sc := range a.scopes {
			for _, p := range scopeGives[sc] {
				if a.appUser == nil || userHolds[p] {
					out[p] = true
				}
			}
		}
		return out
	}
	for _, id := range a.user.roles {
		if r := m.roles[id]; r != nil {
			for p := range r.perms {
				out[p] = true
			}
		}
	}
	return out
}

// reach is where a may act.
func (m *model) reach(a mActor) set[int64] {
	if a.user == nil {
		return setOf(a.mid)
	}
	return maps.Clone(a.user.mids)
}

func (m *model) ent(a mActor) int64 {
	if a.user == nil {
		return a.pkg.ent
	}
	return a.user.ent
}

func (m *model) home(a mActor) int64 {
	if a.user == nil {
		return a.mid
	}
	return a.user.def
}

// apiAccess: tokens always; users holding the WebServices API permission,
// and the web app tokens acting for them.
func (m *model) apiAccess(a mActor) bool {
	if a.appUser != nil {
		return m.userHolds(a.appUser)[pWS]
	}
	return a.user == nil || m.perms(a)[pWS]
}

// allows reports whether a's permissions allow an operation needing any of
// perms; a user reads their own BUs without a permission.
func (m *model) allows(a mActor, ownBUs bool, perms ...string) bool {
	if ownBUs && a.user != nil {
		return true
	}
	held := m.perms(a)
	return slices.ContainsFunc(perms, func(p string) bool { return held[p] })
}

// userHolds is what user u holds.
func (m *model) userHolds(u *mUser) set[string] { return m.perms(mActor{user: u}) }

// lacks reports whether perms holds something a does not.
func (m *model) lacks(a mActor, perms set[string]) bool {
	held := m.perms(a)
	for p := range perms {
		if !held[p] {
			return true
		}
	}
	return false
}

// inReach reports whether every BU of mids is in a's reach.
func (m *model) inReach(a mActor, mids ...int64) bool {
	r := m.reach(a)
	for _, x := range mids {
		if !r[x] {
			return false
		}
	}
	return true
}

// canSOAPUser: a UsernameToken login succeeds (the enterprise setting is on
// in the test world).
func (m *model) canSOAPUser(u *mUser) bool {
	return u.active && m.bus[u.def].active && u.apiUser && m.userHolds(u)[pWS]
}

// canConsole: a console sign-in succeeds.
func (m *model) canConsole(u *mUser) bool { return u.active && m.bus[u.def].active }

// canToken: /v2/token gives pkg a token in mid.
func (m *model) canToken(p *mPkg, mid int64) bool {
	return p.enabled && p.mids[mid] && m.bus[mid] != nil && m.bus[mid].active
}

// canAppAct: a web app's token acts for its user in its BU (and a code is
// issued for it): the package enabled and of the user's enterprise, the
// user able to sign in, the BU assigned to the user, reached by the
// package and active.
func (m *model) canAppAct(a mActor) bool {
	u := a.appUser
	return a.pkg.enabled && a.pkg.ent == u.ent && m.canConsole(u) && u.mids[a.mid] && a.pkg.mids[a.mid] &&
		m.bus[a.mid] != nil && m.bus[a.mid].active
}

// canAct: a's credential is accepted by SOAP (a token in hand is assumed
// valid: the world tracks revocations).
func (m *model) canAct(a mActor) bool {
	switch {
	case a.appUser != nil:
		return m.canAppAct(a)
	case a.user != nil:
		return m.canSOAPUser(a.user)
	}
	return true
}

func (m *model) nextMID() int64 {
	var top int64
	for mid := range m.bus {
		top = max(top, mid)
	}
	return top + 1
}

// roleByID finds a role the way a use-case resolves an ID in enterprise
// ent: a system role, or a custom role of ent (nil: unknown there).
func (m *model) roleByID(ent int64, id string) *mRole {
	if r := m.roles[id]; r != nil && (r.ent == 0 || r.ent == ent) {
		return r
	}
	return nil
}

// grant records that to was given what by an actor that held it or not:
// grants[key] stays true only while every giver held what it gave.
func (m *model) grant(to, what string, held bool) {
	key := to + " " + what
	prev, seen := m.grants[key]
	m.grants[key] = held && (!seen || prev)
}

// recordUserGrants records the roles' permissions, the BUs and the flag a
// user got from a.
func (m *model) recordUserGrants(a mActor, u *mUser, roles []*mRole, mids set[int64], apiUser bool) {
	held, reach := m.perms(a), m.reach(a)
	for _, r := range roles {
		for p := range r.perms {
			m.grant(userKey(u.id), p, held[p])
		}
	}
	for x := range mids {
		m.grant(userKey(u.id), buKey(x), reach[x])
	}
	if apiUser {
		m.grant(userKey(u.id), "api_user", m.apiAccess(a))
	}
}

func userKey(id int64) string { return "user:" + itoa(id) }
func buKey(mid int64) string  { return "bu:" + itoa(mid) }

// usersOf lists, by name, the users of ent whose default BU is in mids.
func (m *model) usersOf(ent int64, mids set[int64]) []string {
	var out []string
	for _, u := range m.users {
		if u.ent == ent && mids[u.def] {
			out = append(out, u.name)
		}
	}
	slices.Sort(out)
	return out
}

func intersect(a set[int64], b []int64) set[int64] {
	out := set[int64]{}
	for _, x := range b {
		if a[x] {
			out[x] = true
		}
	}
	return out
}

// classOf maps a refusal message to its class.
func classOf(msg string) string {
	switch {
	case msg == "API Permission Failed", strings.HasPrefix(msg, "You do not have the permission"),
		strings.HasPrefix(msg, "Only the operator"):
		return cNoPerm
	case strings.HasPrefix(msg, "Not authorized for account"):
		return cReach
	case strings.HasPrefix(msg, "You cannot grant"), strings.HasPrefix(msg, "You cannot make"):
		return cGrant
	case strings.HasPrefix(msg, "You cannot change"):
		return cTarget
	}
	return cInvalid
}
