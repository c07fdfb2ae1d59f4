package manage

import (
	"context"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
)

// Bootstrapped is what Bootstrap created. The passwords and the client
// secret are the only copies: show them once.
type Bootstrapped struct {
	Enterprise    *fuelgate.Account
	AdminUsername string
	AdminPassword string
	Demo          *Demo // nil unless demo objects were asked for
}

// Demo lists the demo objects.
type Demo struct {
	ChildBU      *fuelgate.Account
	APIUsername  string
	APIPassword  string
	ClientID     string
	ClientSecret string
}

// DemoScopes are the scopes of the demo package.
var DemoScopes = []string{"offline", "accounts_read", "accounts_write", "users_read", "users_write",
	"email_read", "email_write", "data_extensions_read", "data_extensions_write", "list_and_subscribers_read"}

// Bootstrap prepares an empty database: an enterprise and an administrator
// with a generated password. With demo it also creates a child BU (the
// administrator is assigned to it as well), a
// digest-capable API user with the WebServices API permission, turns the
// username/password API-login setting on, and creates an installed package
// reaching both BUs. It returns nil when the database already has accounts,
// also when another instance bootstraps the same database at the same time
// (the emptiness check and the enterprise's creation are one transaction, and
// the first enterprise always gets FirstMID, so concurrent attempts conflict).
func (s *Service) Bootstrap(ctx context.Context, enterpriseName string, demo bool) (*Bootstrapped, error) {
	existing, err := s.store.Accounts(ctx, fuelgate.AccountFilter{})
	if err != nil || len(existing) > 0 {
		return nil, err
	}
	op := Operator()
	ent, err := s.createAccount(ctx, op, 0, enterpriseName, true)
	if fuelgate.ErrorCode(err) == fuelgate.ECONFLICT {
		return nil, nil // another instance bootstrapped first
	}
	if err != nil {
		return nil, err
	}
	out := &Bootstrapped{Enterprise: ent, AdminUsername: "admin", AdminPassword: secret.Password()}
	var d *Demo
	var adminMIDs []int64
	if demo {
		d = &Demo{APIUsername: "api_user", APIPassword: secret.Password()}
		if d.ChildBU, err = s.CreateBusinessUnit(ctx, op, ent.MID, "Demo Business Unit"); err != nil {
			return nil, err
		}
		adminMIDs = []int64{d.ChildBU.MID}
	}
	if _, err := s.CreateUser(ctx, op, NewUser{MID: ent.MID, Username: out.AdminUsername, Name: "Administrator",
		Email: "admin@example.com", Password: out.AdminPassword, Roles: []string{"Administrator"}, MIDs: adminMIDs}); err != nil {
		return nil, err
	}
	if !demo {
		return out, nil
	}
	role, err := s.CreateRole(ctx, op, ent.MID, "API Access", "May call the SOAP API with a username and password",
		[]string{fuelgate.PermWebServicesAPI})
	if err != nil {
		return nil, err
	}
	if _, err := s.CreateUser(ctx, op, NewUser{MID: ent.MID, Username: d.APIUsername, Name: "Demo API User",
		Email: "api@example.com", Password: d.APIPassword, APIUser: true, Roles: []string{role.ID},
		MIDs: []int64{d.ChildBU.MID}, DigestCapable: true}); err != nil {
		return nil, err
	}
	on := true
	if _, err := s.UpdateSettings(ctx, op, ent.MID, SettingsChange{APIPasswordLogin: &on}); err != nil {
		return nil, err
	}
	pkg, sec, err := s.CreatePackage(ctx, op, NewPackage{MID: ent.MID, Name: "Demo Package",
		Description: "created by fuelgate serve --demo", Scopes: DemoScopes, MIDs: []int64{d.ChildBU.MID}})
	if err != nil {
		return nil, err
	}
	d.ClientID, d.ClientSecret = pkg.ClientID, sec
	out.Demo = d
	return out, nil
}
