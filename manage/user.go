package manage

import (
	"context"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
)

// NewUser is the input of CreateUser.
type NewUser struct {
	MID           int64 // default BU; the user belongs to its enterprise
	Username      string
	Name          string
	Email         string
	Password      string
	APIUser       bool
	WebServices   bool     // legacy permission model only
	Roles         []string // role names, keys or IDs
	MIDs          []int64  // further associated BUs
	DigestCapable bool     // keep the password sealed so PasswordDigest can be verified
}

// UserChange is the input of UpdateUser; nil fields stay as they are.
type UserChange struct {
	Name          *string
	Email         *string
	Active        *bool
	APIUser       *bool
	WebServices   *bool
	Roles         *[]string
	DefaultMID    *int64
	MIDs          *[]int64
	Password      *string
	DigestCapable *bool
	Unlock        bool
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 8

// CreateUser creates a user whose default BU is in.MID, in that BU's
// enterprise. The actor must reach the default BU (which must be active) and
// every further BU, and may give only roles, flags and BUs it holds itself.
func (s *Service) CreateUser(ctx context.Context, a *Actor, in NewUser) (*fuelgate.User, error) {
	const action = "user.create"
	target := "user:" + fuelgate.Truncate(strings.TrimSpace(in.Username), 64)
	if err := a.check(OpUserCreate, in.MID); err != nil {
		return nil, s.denied(ctx, a, action, target, in.MID, err)
	}
	ent, err := s.Enterprise(ctx, in.MID)
	if err != nil {
		return nil, notFoundAs(err, "business unit %d not found", in.MID)
	}
	if err := s.activeBU(ctx, in.MID); err != nil {
		return nil, err
	}
	in.Username = strings.TrimSpace(in.Username)
	if !fuelgate.ValidUsername(in.Username) {
		return nil, fuelgate.Errorf(fuelgate.EINVALID, "username must be 1–128 characters without spaces")
	}
	if err := validName("name", strings.TrimSpace(in.Name)); err != nil {
		return nil, err
	}
	if err := validEmail(in.Email); err != nil {
		return nil, err
	}
	if err := validPassword(in.Password); err != nil {
		return nil, err
	}
	roles, err := s.resolveRoles(ctx, ent, in.Roles)
	if err != nil {
		return nil, err
	}
	if err := a.checkReachAll(in.MIDs); err != nil {
		return nil, s.denied(ctx, a, action, target, in.MID, err)
	}
	mids, err := s.checkMIDs(ctx, ent, in.MID, in.MIDs)
	if err != nil {
		return nil, err
	}
	if err := checkGrants(a, roles, in.APIUser, in.WebServices); err != nil {
		return nil, s.denied(ctx, a, action, target, in.MID, err)
	}
	now := s.now().UTC()
	u := &fuelgate.User{EnterpriseMID: ent, Username: in.Username, Name: strings.TrimSpace(in.Name),
		Email: strings.TrimSpace(in.Email), PasswordHash: secret.HashPassword(in.Password), PasswordVersion: 1,
		Active: true, APIUser: in.APIUser, WebServices: in.WebServices, DefaultMID: in.MID, MIDs: mids,
		RoleIDs: roleIDs(roles), CreatedAt: now, UpdatedAt: now}
	err = s.write(ctx, a, &fuelgate.AuditEvent{MID: in.MID, EnterpriseMID: ent, Action: action, Target: "user:" + u.Username}, func(tx fuelgate.Store) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			if fuelgate.ErrorCode(err) == fuelgate.ECONFLICT {
				return fuelgate.Errorf(fuelgate.ECONFLICT, "username %q is already taken", u.Username)
			}
			return err
		}
		if !in.DigestCapable {
			return nil
		}
		sealed, err := secret.Seal(s.keys.EncryptionKey, []byte(in.Password), secret.DigestAAD(u.ID))
		if err != nil {
			return err
		}
		u, err = tx.UpdateUser(ctx, u.ID, func(x *fuelgate.User) error { x.DigestSecret = sealed; return nil })
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// checkGrants applies the grant limits of a new or changed user (the BUs
// were checked against the actor's reach before): every role's permissions
// held by a, the API User flag only with API access, the web-services flag
// only with WebServices API.
func checkGrants(a *Actor, roles []*fuelgate.Role, apiUser, webServices bool) error {
	if err := a.checkGrantRoles(roles); err != nil {
		return err
	}
	return a.checkGrantFlags(apiUser, webServices)
}

// UpdateUser changes a user. The actor must reach every BU the user is
// assigned to and hold every permission the user holds (target limits), and
// may add only roles, flags and BUs it holds itself (grant limits).
// Changing the password bumps its version, which invalidates cached
// verifications and console sessions; a new password or deactivation also
// revokes every token web and public apps hold for the user. Unlock clears
// a soft lock.
func (s *Service) UpdateUser(ctx context.Context, a *Actor, id int64, c UserChange) (*fuelgate.User, error) {
	const action = "user.update"
	cur, err := s.store.User(ctx, id)
	if err == nil && a.kind != KindOperator && cur.EnterpriseMID != a.enterprise {
		err = fuelgate.Errorf(fuelgate.ENOTFOUND, "not found")
	}
	if err != nil {
		return nil, notFoundAs(err, "user %d not found", id)
	}
	target := "user:" + cur.Username
	if err := a.check(OpUserUpdate); err != nil {
		return nil, s.denied(ctx, a, action, target, cur.DefaultMID, err)
	}
	held, err := s.holdings(ctx, cur)
	if err != nil {
		return nil, err
	}
	if err := a.checkTarget("user "+strconv.Quote(cur.Username), cur.MIDs, held); err != nil {
		return nil, s.denied(ctx, a, action, target, cur.DefaultMID, err)
	}
	if err := s.validateChange(ctx, a, cur, &c); err != nil {
		return nil, s.denied(ctx, a, action, target, cur.DefaultMID, err)
	}
	var sealed []byte
	if c.Password != nil && (c.DigestCapable == nil && cur.DigestCapable() || c.DigestCapable != nil && *c.DigestCapable) {
		if sealed, err = secret.Seal(s.keys.EncryptionKey, []byte(*c.Password), secret.DigestAAD(id)); err != nil {
			return nil, err
		}
	}
	if c.DigestCapable != nil && *c.DigestCapable && c.Password == nil && !cur.DigestCapable() {
		return nil, fuelgate.Errorf(fuelgate.EINVALID, "making a user digest-capable needs a new password")
	}
	var out *fuelgate.User
	err = s.write(ctx, a, &fuelgate.AuditEvent{MID: cur.DefaultMID, EnterpriseMID: cur.EnterpriseMID, Action: action, Target: target, Detail: c.describe()}, func(tx fuelgate.Store) error {
		var err error
		out, err = tx.UpdateUser(ctx, id, func(u *fuelgate.User) error {
			c.apply(u, sealed)
			u.UpdatedAt = s.now().UTC()
			return nil
		})
		if err == nil && c.endsAppAccess(cur) {
			_, err = tx.RevokeTokens(ctx, fuelgate.TokenFilter{UserID: id}, s.now().UTC())
		}
		return err
	})
	return out, err
}

// endsAppAccess reports whether the change revokes the tokens that web and
// public apps hold for the user: deactivating them, or a new password.
func (c *UserChange) endsAppAccess(cur *fuelgate.User) bool {
	return c.Password != nil || c.Active != nil && !*c.Active && cur.Active
}

// UnlockUser ends a user's soft lock early.
func (s *Service) UnlockUser(ctx context.Context, a *Actor, id int64) (*fuelgate.User, error) {
	return s.UpdateUser(ctx, a, id, UserChange{Unlock: true})
}

// Users lists the users matching f whose default BU the actor reaches (all
// of the enterprise's for the operator). f.DefaultMIDs, when set, narrows
// the BUs further.
func (s *Service) Users(ctx context.Context, a *Actor, f fuelgate.UserFilter) ([]*fuelgate.User, error) {
	if err := a.check(OpUserRead); err != nil {
		return nil, err
	}
	if a.kind != KindOperator {
		f.EnterpriseMID = a.enterprise
		if f.DefaultMIDs == nil {
			f.DefaultMIDs = a.Reach()
		} else if f.DefaultMIDs = a.within(f.DefaultMIDs); len(f.DefaultMIDs) == 0 {
			return []*fuelgate.User{}, nil
		}
	}
	return s.store.Users(ctx, f)
}

// User returns a user whose default BU the actor reaches (ENOTFOUND otherwise).
func (s *Service) User(ctx context.Context, a *Actor, id int64) (*fuelgate.User, error) {
	if err := a.check(OpUserRead); err != nil {
		return nil, err
	}
	u, err := s.store.User(ctx, id)
	if err == nil && !a.sees(u) {
		err = fuelgate.Errorf(fuelgate.ENOTFOUND, "not found")
	}
	return u, notFoundAs(err, "user %d not found", id)
}

// FindUser returns the user named by id or, when id is 0, username, in the
// actor's enterprise, for a change the caller will ask UpdateUser for (which
// decides; this only needs a permission to read or manage users).
func (s *Service) FindUser(ctx context.Context, a *Actor, id int64, username string) (*fuelgate.User, error) {
	if !a.Allows(OpUserRead) && !a.Allows(OpUserUpdate) {
		return nil, a.check(OpUserUpdate)
	}
	var u *fuelgate.User
	var err error
	if id != 0 {
		u, err = s.store.User(ctx, id)
	} else {
		u, err = s.store.UserByUsername(ctx, username)
	}
	if err == nil && a.kind != KindOperator && u.EnterpriseMID != a.enterprise {
		err = fuelgate.Errorf(fuelgate.ENOTFOUND, "not found")
	}
	return u, notFoundAs(err, "The user was not found.")
}

// sees reports whether the actor may read user u: the operator always,
// others when they reach the user's default BU.
func (a *Actor) sees(u *fuelgate.User) bool {
	return a.kind == KindOperator || u.EnterpriseMID == a.enterprise && a.Reaches(u.DefaultMID)
}

func (s *Service) validateChange(ctx context.Context, a *Actor, cur *fuelgate.User, c *UserChange) error {
	if c.Name != nil {
		*c.Name = strings.TrimSpace(*c.Name)
		if err := validName("name", *c.Name); err != nil {
			return err
		}
	}
	if c.Email != nil {
		if err := validEmail(*c.Email); err != nil {
			return err
		}
	}
	if c.Password != nil {
		if err := validPassword(*c.Password); err != nil {
			return err
		}
	}
	var roles []*fuelgate.Role
	if c.Roles != nil {
		var err error
		if roles, err = s.resolveRoles(ctx, cur.EnterpriseMID, *c.Roles); err != nil {
			return err
		}
		ids := roleIDs(roles)
		c.Roles = &ids
	}
	var mids []int64
	if c.DefaultMID != nil || c.MIDs != nil {
		def := cur.DefaultMID
		if c.DefaultMID != nil {
			def = *c.DefaultMID
		}
		extra := cur.MIDs
		if c.MIDs != nil {
			extra = *c.MIDs
		}
		if err := a.checkReachAll(append([]int64{def}, extra...)); err != nil {
			return err
		}
		var err error
		if mids, err = s.checkMIDs(ctx, cur.EnterpriseMID, def, extra); err != nil {
			return err
		}
		if def != cur.DefaultMID {
			if err := s.activeBU(ctx, def); err != nil {
				return err
			}
		}
		c.DefaultMID, c.MIDs = &def, &mids
	}
	apiUser := c.APIUser != nil && *c.APIUser && !cur.APIUser
	webServices := c.WebServices != nil && *c.WebServices && !cur.WebServices
	return checkGrants(a, roles, apiUser, webServices)
}

func (c *UserChange) apply(u *fuelgate.User, sealed []byte) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	setb := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	set(&u.Name, c.Name)
	set(&u.Email, c.Email)
	setb(&u.Active, c.Active)
	setb(&u.APIUser, c.APIUser)
	setb(&u.WebServices, c.WebServices)
	if c.Roles != nil {
		u.RoleIDs = *c.Roles
	}
	if c.DefaultMID != nil {
		u.DefaultMID, u.MIDs = *c.DefaultMID, *c.MIDs
	}
	if c.Password != nil {
		u.PasswordHash = secret.HashPassword(*c.Password)
		u.PasswordVersion++
		u.DigestSecret = sealed
	}
	if c.DigestCapable != nil && !*c.DigestCapable {
		u.DigestSecret = nil
	}
	if c.Unlock {
		u.LockedUntil = time.Time{}
		u.FailedLogins = 0
	}
}

// describe lists the changed fields for the audit trail (never values of secrets).
func (c *UserChange) describe() string {
	var f []string
	add := func(name string, set bool) {
		if set {
			f = append(f, name)
		}
	}
	add("name", c.Name != nil)
	add("email", c.Email != nil)
	add("active", c.Active != nil)
	add("api_user", c.APIUser != nil)
	add("web_services", c.WebServices != nil)
	add("roles", c.Roles != nil)
	add("business_units", c.DefaultMID != nil || c.MIDs != nil)
	add("password", c.Password != nil)
	add("digest_capable", c.DigestCapable != nil)
	add("unlock", c.Unlock)
	return "changed: " + strings.Join(f, ",")
}

// checkMIDs validates a default BU and associated BUs within enterprise ent and
// returns the sorted association list including the default.
func (s *Service) checkMIDs(ctx context.Context, ent, def int64, extra []int64) ([]int64, error) {
	mids := append([]int64{def}, extra...)
	slices.Sort(mids)
	mids = slices.Compact(mids)
	if err := s.businessUnitsOf(ctx, ent, mids); err != nil {
		return nil, err
	}
	return mids, nil
}

func validEmail(e string) error {
	e = strings.TrimSpace(e)
	if e == "" {
		return fuelgate.Errorf(fuelgate.EINVALID, "email is required")
	}
	if _, err := mail.ParseAddress(e); err != nil || len(e) > 254 {
		return fuelgate.Errorf(fuelgate.EINVALID, "email %q is not a valid address", fuelgate.Truncate(e, 64))
	}
	return nil
}

func validPassword(p string) error {
	if utf8.RuneCountInString(p) < MinPasswordLength {
		return fuelgate.Errorf(fuelgate.EINVALID, "password must be at least %d characters", MinPasswordLength)
	}
	if len(p) > 1024 {
		return fuelgate.Errorf(fuelgate.EINVALID, "password must be at most 1024 bytes")
	}
	return nil
}

// Assignment is one user's assignment to one BU.
type Assignment struct {
	User *fuelgate.User
	MID  int64
}

// Assignments lists, for the users whose default BU is one of mids and
// reached by the actor, their assignments to the BUs the actor reaches, by
// user ID then MID.
func (s *Service) Assignments(ctx context.Context, a *Actor, mids []int64) ([]Assignment, error) {
	var out []Assignment
	err := s.EachUser(ctx, a, mids, func(u *fuelgate.User) {
		for _, m := range u.MIDs {
			if a.Reaches(m) {
				out = append(out, Assignment{User: u, MID: m})
			}
		}
	})
	return out, err
}

// EachUser calls fn, in ID order, for each user whose default BU is one of
// mids and reached by the actor, reading the store a page at a time.
func (s *Service) EachUser(ctx context.Context, a *Actor, mids []int64, fn func(*fuelgate.User)) error {
	const page = 1000
	f := fuelgate.UserFilter{DefaultMIDs: mids, Limit: page}
	if mids == nil {
		f.DefaultMIDs = []int64{}
	}
	for {
		users, err := s.Users(ctx, a, f)
		if err != nil {
			return err
		}
		for _, u := range users {
			fn(u)
		}
		if len(users) < page {
			return nil
		}
		f.AfterID = users[len(users)-1].ID
	}
}
