package manage

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
)

// The roles and users of Apply.

func (r *applier) roles(ctx context.Context, t *Tenant) error {
	existing, err := r.s.store.Roles(ctx, r.ent)
	if err != nil {
		return err
	}
	seen := map[string]string{}
	for i, rs := range t.Roles {
		path := "roles[" + strconv.Itoa(i) + "]"
		name := strings.TrimSpace(rs.Name)
		fail := func(p string, err error) error {
			return &ApplyError{Path: p, Object: "role " + strconv.Quote(name), Err: err}
		}
		key := strings.ToLower(name)
		if prev, dup := seen[key]; dup {
			return fail(path+".name", fuelgate.Errorf(fuelgate.EINVALID, "%s describes the same role", prev))
		}
		seen[key] = path
		i := slices.IndexFunc(existing, func(x *fuelgate.Role) bool { return strings.EqualFold(x.Name, name) })
		if i < 0 {
			if _, err := r.s.CreateRole(ctx, r.a, r.ent, name, rs.Description, rs.Permissions); err != nil {
				return fail(path, err)
			}
			r.record(ObjectRole, strconv.Quote(name), path, true, nil, nil)
			continue
		}
		cur := existing[i]
		var fields []string
		var desc *string
		var perms *[]string
		if d := strings.TrimSpace(rs.Description); d != cur.Description {
			desc, fields = &d, append(fields, "description")
		}
		if !sameSet(rs.Permissions, cur.Permissions) {
			perms, fields = &rs.Permissions, append(fields, "permissions")
		}
		if len(fields) > 0 {
			if _, err := r.s.UpdateRole(ctx, r.a, cur.ID, desc, perms); err != nil {
				return fail(path, err)
			}
		}
		r.record(ObjectRole, strconv.Quote(cur.Name), path, false, fields, nil)
	}
	return nil
}

func (r *applier) users(ctx context.Context, t *Tenant) error {
	seen := map[int64]string{}
	for i, u := range t.Users {
		path := "users[" + strconv.Itoa(i) + "]"
		username := strings.TrimSpace(u.Username)
		fail := func(p string, err error) error {
			return &ApplyError{Path: p, Object: "user " + strconv.Quote(username), Err: err}
		}
		def, err := r.resolve(u.DefaultBU)
		if err != nil {
			return fail(path+".default_bu", err)
		}
		extra, ierr := r.resolveAll(u.BusinessUnits)
		if ierr != nil {
			return fail(path+".business_units"+ierr.index, ierr.err)
		}
		cur, err := r.s.store.UserByUsername(ctx, username)
		switch {
		case fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND:
			cur = nil
		case err != nil:
			return fail(path, err)
		case cur.EnterpriseMID != r.ent:
			return fail(path+".username", fuelgate.Errorf(fuelgate.ECONFLICT, "username %q is taken in another enterprise", username))
		}
		if cur == nil {
			created, generated, err := r.createUser(ctx, u, username, def, extra)
			if err != nil {
				return fail(path, err)
			}
			seen[created.ID] = path
			r.record(ObjectUser, created.Username, path, true, nil, generated)
			continue
		}
		if prev, dup := seen[cur.ID]; dup {
			return fail(path+".username", fuelgate.Errorf(fuelgate.EINVALID, "%s describes the same user", prev))
		}
		seen[cur.ID] = path
		c, fields, ferr := r.userChange(ctx, cur, u, def, extra)
		if ferr != nil {
			return fail(path+"."+ferr.field, ferr.err)
		}
		if len(fields) > 0 {
			if _, err := r.s.UpdateUser(ctx, r.a, cur.ID, c); err != nil {
				return fail(path, err)
			}
		}
		r.record(ObjectUser, cur.Username, path, false, fields, nil)
	}
	return nil
}

// createUser creates u, with a generated password when u has none, and
// returns the user and what it generated.
func (r *applier) createUser(ctx context.Context, u UserSpec, username string, def int64, extra []int64) (*fuelgate.User, []string, error) {
	password, generated := u.Password, []string(nil)
	if password == "" {
		password, generated = secret.Password(), []string{"password"}
	}
	created, err := r.s.CreateUser(ctx, r.a, NewUser{MID: def, Username: username, Name: u.Name, Email: u.Email,
		Password: password, APIUser: u.APIUser, WebServices: u.WebServices, Roles: u.Roles, MIDs: extra,
		DigestCapable: u.DigestCapable})
	if err != nil {
		return nil, nil, err
	}
	if !u.Active {
		off := false
		if _, err := r.s.UpdateUser(ctx, r.a, created.ID, UserChange{Active: &off}); err != nil {
			return nil, nil, err
		}
	}
	if generated != nil {
		r.plan.Generated = append(r.plan.Generated, Credential{Kind: ObjectUser, Name: created.Username, What: "password", Value: password})
	}
	return created, generated, nil
}

// fieldError is an error about one field of an object.
type fieldError struct {
	field string
	err   error
}

// userChange compares cur with u and returns the change that brings cur to
// u, with the names of the fields it changes.
func (r *applier) userChange(ctx context.Context, cur *fuelgate.User, u UserSpec, def int64, extra []int64) (UserChange, []string, *fieldError) {
	var c UserChange
	var fields []string
	set := func(field string, differs bool) bool {
		if differs {
			fields = append(fields, field)
		}
		return differs
	}
	if name := strings.TrimSpace(u.Name); set("name", name != cur.Name) {
		c.Name = &name
	}
	if email := strings.TrimSpace(u.Email); set("email", email != cur.Email) {
		c.Email = &email
	}
	if set("active", u.Active != cur.Active) {
		c.Active = &u.Active
	}
	if set("api_user", u.APIUser != cur.APIUser) {
		c.APIUser = &u.APIUser
	}
	if set("web_services", u.WebServices != cur.WebServices) {
		c.WebServices = &u.WebServices
	}
	roles, err := r.s.resolveRoles(ctx, r.ent, u.Roles)
	if err != nil {
		return c, nil, &fieldError{"roles", err}
	}
	if set("roles", !sameSet(roleIDs(roles), cur.RoleIDs)) {
		c.Roles = &u.Roles
	}
	if set("business_units", def != cur.DefaultMID || !sameSet(append([]int64{def}, extra...), cur.MIDs)) {
		c.DefaultMID, c.MIDs = &def, &extra
	}
	if u.Password != "" {
		ok, err := secret.VerifyPassword(cur.PasswordHash, u.Password)
		if err != nil {
			return c, nil, &fieldError{"password", err}
		}
		if set("password", !ok) {
			c.Password = &u.Password
		}
	}
	if set("digest_capable", u.DigestCapable != cur.DigestCapable()) {
		c.DigestCapable = &u.DigestCapable
		if u.DigestCapable && c.Password == nil {
			if u.Password == "" {
				return c, nil, &fieldError{"digest_capable", fuelgate.Errorf(fuelgate.EINVALID,
					"making a user digest-capable needs their password: give password_env or password_file")}
			}
			c.Password = &u.Password // sealed for PasswordDigest
		}
	}
	return c, fields, nil
}

// indexError is an error about one element of a list.
type indexError struct {
	index string // "[2]"
	err   error
}

// resolveAll resolves refs to MIDs.
func (r *applier) resolveAll(refs []BURef) ([]int64, *indexError) {
	out := make([]int64, 0, len(refs))
	for j, ref := range refs {
		mid, err := r.resolve(ref)
		if err != nil {
			return nil, &indexError{"[" + strconv.Itoa(j) + "]", err}
		}
		out = append(out, mid)
	}
	return out, nil
}

// sameSet reports whether a and b hold the same elements, ignoring order
// and repetition.
func sameSet[T comparable](a, b []T) bool {
	return len(added(a, b)) == 0 && len(added(b, a)) == 0
}
