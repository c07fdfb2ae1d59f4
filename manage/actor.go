package manage

import (
	"fmt"

	"github.com/fuelgate/fuelgate"
)

// Actor is who performs an admin use-case.
type Actor struct {
	Name          string // audit actor: "operator", "user:<username>", "client:<id>"
	Operator      bool   // the local operator (CLI): may do everything
	EnterpriseMID int64  // for users and clients: the only enterprise they may touch
	MIDs          []int64
	Perms         map[string]bool
	SourceIP      string
}

// Operator is the local operator running the CLI on the server's database.
func Operator() *Actor { return &Actor{Name: "operator", Operator: true} }

// UserActor is a signed-in user with the permissions of their roles.
func UserActor(u *fuelgate.User, perms map[string]bool, sourceIP string) *Actor {
	mids := append([]int64{u.DefaultMID}, u.MIDs...)
	return &Actor{Name: "user:" + u.Username, EnterpriseMID: u.EnterpriseMID, MIDs: mids, Perms: perms, SourceIP: sourceIP}
}

// scopePerms maps SFMC scopes to the admin permissions they confer on an
// installed package acting through the SOAP API.
var scopePerms = map[string][]string{
	"users_read":     {fuelgate.PermUsersView, fuelgate.PermRolesView},
	"users_write":    {fuelgate.PermUsersView, fuelgate.PermUsersManage, fuelgate.PermRolesView},
	"accounts_read":  {fuelgate.PermBusinessUnitsView},
	"accounts_write": {fuelgate.PermBusinessUnitsView, fuelgate.PermBusinessUnitsManage},
}

// ClientActor is an installed package acting in one BU with its token's scopes.
func ClientActor(clientID string, enterpriseMID, mid int64, scopes []string, sourceIP string) *Actor {
	perms := map[string]bool{}
	for _, sc := range scopes {
		for _, p := range scopePerms[sc] {
			perms[p] = true
		}
	}
	return &Actor{Name: "client:" + clientID, EnterpriseMID: enterpriseMID, MIDs: []int64{mid}, Perms: perms, SourceIP: sourceIP}
}

// Can reports whether the actor holds perm.
func (a *Actor) Can(perm string) bool { return a.Operator || a.Perms[perm] }

// require returns an EPERMISSION error unless the actor holds perm.
func (a *Actor) require(perm string) error {
	if a.Can(perm) {
		return nil
	}
	return fuelgate.Errorf(fuelgate.EPERMISSION, "you do not have the permission %q", fuelgate.DisplayPermission(perm))
}

// inEnterprise returns an EPERMISSION error unless the actor may touch enterprise.
func (a *Actor) inEnterprise(enterprise int64) error {
	if a.Operator || a.EnterpriseMID == enterprise {
		return nil
	}
	return fuelgate.Errorf(fuelgate.EPERMISSION, "not authorized for account %d", enterprise)
}

func (a *Actor) String() string { return fmt.Sprintf("actor %s", a.Name) }
