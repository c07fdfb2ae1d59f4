package auth

import "github.com/fuelgate/fuelgate"

// Principal kinds.
const (
	PrincipalToken = "token" // an access token of an installed package
	PrincipalUser  = "user"  // an API user authenticated by UsernameToken
)

// Principal is who a verified SOAP call acts as, and where.
type Principal struct {
	Kind          string
	EnterpriseMID int64
	MID           int64 // the BU the call acts in: the token's MID or the user's default BU
	// Token principals.
	PackageID int64
	ClientID  string
	Scopes    []string
	TokenKind string
	// User principals.
	User  *fuelgate.User
	Perms map[string]bool
}

// CanActIn reports whether the principal may read or change objects of mid.
// A token acts only in its own MID, never in child BUs; a user acts in the
// BUs they are associated with.
func (p *Principal) CanActIn(mid int64) bool {
	if p.Kind == PrincipalUser {
		return mid == p.User.DefaultMID || p.User.HasMID(mid)
	}
	return mid == p.MID
}

// Allowed reports whether the principal may perform an operation that needs
// scope (for tokens) or perm (for users). An empty requirement always passes.
func (p *Principal) Allowed(scope, perm string) bool {
	if p.Kind == PrincipalUser {
		return perm == "" || p.Perms[perm]
	}
	if scope == "" {
		return true
	}
	for _, s := range p.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// Name is the principal's audit actor name.
func (p *Principal) Name() string {
	if p.Kind == PrincipalUser {
		return "user:" + p.User.Username
	}
	return "client:" + p.ClientID
}
