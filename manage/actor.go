package manage

import (
	"slices"
	"strconv"

	"github.com/fuelgate/fuelgate"
)

// Kind is the kind of principal an actor is.
type Kind string

// Actor kinds.
const (
	KindOperator Kind = "operator" // the local operator running the CLI on the database
	KindUser     Kind = "user"     // a Marketing Cloud user (console sign-in or UsernameToken)
	KindClient   Kind = "client"   // an installed package acting through one of its tokens
	KindApp      Kind = "app"      // a web or public app acting for a user through one of its tokens
)

// Actor is the one model of who performs an operation, where and with what.
// Every authorization decision of fuelgate is made on an Actor, in this
// package: what it holds (permissions), where it may act (its reach: a
// token's MID, a user's assigned BUs) and who it is for the audit trail.
//
// Its fields are unexported: only this package builds actors (Operator,
// Service.TokenActor, Service.AppUserActor, Service.LoginActor,
// Service.SessionActor), so an edge cannot make one stronger than its
// credential.
type Actor struct {
	kind       Kind
	name       string // audit name: "operator", "user:<username>", "client:<client id>"
	enterprise int64
	home       int64   // the BU it acts in by default: a token's MID, a user's default BU
	reach      []int64 // sorted BUs it may act in; unused for the operator
	perms      map[string]bool
	apiAccess  bool // may call the web-services API: tokens always, users with WebServices API
	sourceIP   string

	// client and app actors
	packageID int64
	clientID  string
	scopes    []string
	tokenKind fuelgate.TokenKind

	// user and app actors
	userID          int64
	username        string
	passwordVersion int64
}

// Operator is the local operator running the CLI on the server's database.
// It may do everything, in every enterprise.
func Operator() *Actor { return &Actor{kind: KindOperator, name: "operator"} }

// clientActor is an installed package acting in mid through a token with
// scopes: it holds the permissions the scope table gives those scopes, and
// reaches only mid.
func clientActor(pkg *fuelgate.Package, mid int64, scopes []string, tokenKind fuelgate.TokenKind) *Actor {
	return &Actor{kind: KindClient, name: "client:" + pkg.ClientID, enterprise: pkg.EnterpriseMID, home: mid,
		reach: []int64{mid}, perms: scopePermissions(scopes), apiAccess: true,
		packageID: pkg.ID, clientID: pkg.ClientID, scopes: slices.Clone(scopes), tokenKind: tokenKind}
}

// userActor is a user holding perms (their effective permissions) in the BUs
// they are assigned to.
func userActor(u *fuelgate.User, perms map[string]bool) *Actor {
	reach := slices.Clone(u.MIDs)
	reach = append(reach, u.DefaultMID)
	slices.Sort(reach)
	return &Actor{kind: KindUser, name: "user:" + u.Username, enterprise: u.EnterpriseMID, home: u.DefaultMID,
		reach: slices.Compact(reach), perms: perms, apiAccess: perms[fuelgate.PermWebServicesAPI],
		userID: u.ID, username: u.Username, passwordVersion: u.PasswordVersion}
}

// appActor is a web or public app acting for user u in mid through a token
// with scopes: it holds the permissions of its scopes that u holds too
// (userPerms, u's effective permissions), reaches only mid, and has API
// access only if u has it. It is named after both for the audit trail.
func appActor(pkg *fuelgate.Package, u *fuelgate.User, userPerms map[string]bool, mid int64, scopes []string, tokenKind fuelgate.TokenKind) *Actor {
	perms := scopePermissions(scopes)
	for p := range perms {
		if !userPerms[p] {
			delete(perms, p)
		}
	}
	return &Actor{kind: KindApp, name: "user:" + u.Username + " via client:" + pkg.ClientID, enterprise: pkg.EnterpriseMID,
		home: mid, reach: []int64{mid}, perms: perms, apiAccess: userPerms[fuelgate.PermWebServicesAPI],
		packageID: pkg.ID, clientID: pkg.ClientID, scopes: slices.Clone(scopes), tokenKind: tokenKind,
		userID: u.ID, username: u.Username, passwordVersion: u.PasswordVersion}
}

// WithSourceIP returns a copy of a that records ip as the source of its actions.
func (a *Actor) WithSourceIP(ip string) *Actor {
	c := *a
	c.sourceIP = ip
	return &c
}

// Kind is the actor's kind.
func (a *Actor) Kind() Kind { return a.kind }

// Name is the actor's audit name.
func (a *Actor) Name() string { return a.name }

// EnterpriseMID is the enterprise the actor belongs to (0 for the operator).
func (a *Actor) EnterpriseMID() int64 { return a.enterprise }

// MID is the BU the actor acts in by default: a token's MID, a user's default BU.
func (a *Actor) MID() int64 { return a.home }

// Reach returns the BUs the actor may act in, sorted (nil for the operator,
// who may act everywhere).
func (a *Actor) Reach() []int64 { return slices.Clone(a.reach) }

// Reaches reports whether the actor may act in mid.
func (a *Actor) Reaches(mid int64) bool {
	if a.kind == KindOperator {
		return true
	}
	_, ok := slices.BinarySearch(a.reach, mid)
	return ok
}

// Holds reports whether the actor holds perm.
func (a *Actor) Holds(perm string) bool { return a.kind == KindOperator || a.perms[perm] }

// Permissions returns the permissions the actor holds, in catalog order.
func (a *Actor) Permissions() []string {
	var out []string
	for _, p := range fuelgate.Permissions {
		if a.Holds(p.Name) {
			out = append(out, p.Name)
		}
	}
	return out
}

// SourceIP is the address the actor's request came from.
func (a *Actor) SourceIP() string { return a.sourceIP }

// ClientID, PackageID, Scopes and TokenKind describe a client or app actor.
func (a *Actor) ClientID() string              { return a.clientID }
func (a *Actor) PackageID() int64              { return a.packageID }
func (a *Actor) Scopes() []string              { return slices.Clone(a.scopes) }
func (a *Actor) TokenKind() fuelgate.TokenKind { return a.tokenKind }

// UserID, Username and PasswordVersion describe a user actor, or the user
// an app actor acts for.
func (a *Actor) UserID() int64          { return a.userID }
func (a *Actor) Username() string       { return a.username }
func (a *Actor) PasswordVersion() int64 { return a.passwordVersion }

// Key identifies the principal behind the actor for continued requests: a
// Retrieve may be continued only by the principal that started it (the same
// package in the same BU, the same user, or the same app for the same user
// in the same BU).
func (a *Actor) Key() string {
	switch a.kind {
	case KindClient:
		return "c:" + a.clientID + ":" + strconv.FormatInt(a.home, 10)
	case KindApp:
		return "a:" + a.clientID + ":" + strconv.FormatInt(a.userID, 10) + ":" + strconv.FormatInt(a.home, 10)
	case KindUser:
		return "u:" + strconv.FormatInt(a.userID, 10)
	}
	return "o:"
}

func (a *Actor) String() string { return "actor " + a.name }
