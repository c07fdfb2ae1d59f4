package manage

import (
	"context"
	"net/mail"
	"slices"
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

// CreateUser creates a user in mid's enterprise.
func (s *Service) CreateUser(ctx context.Context, a *Actor, in NewUser) (*fuelgate.User, error) {
	ent, err := s.userEnterprise(ctx, a, in.MID, "user.create", in.Username)
	if err != nil {
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
	roleIDs, err := s.resolveRoles(ctx, ent, in.Roles)
	if err != nil {
		return nil, err
	}
	mids, err := s.checkMIDs(ctx, ent, in.MID, in.MIDs)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	u := &fuelgate.User{EnterpriseMID: ent, Username: in.Username, Name: strings.TrimSpace(in.Name),
		Email: strings.TrimSpace(in.Email), PasswordHash: secret.HashPassword(in.Password), PasswordVersion: 1,
		Active: true, APIUser: in.APIUser, WebServices: in.WebServices, DefaultMID: in.MID, MIDs: mids,
		RoleIDs: roleIDs, CreatedAt: now, UpdatedAt: now}
	err = s.write(ctx, a, &fuelgate.AuditEvent{MID: in.MID, Action: "user.create", Target: "user:" + u.Username}, func(tx fuelgate.Store) error {
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

// UpdateUser changes a user. Changing the password bumps its version, which
// invalidates cached verifications; Unlock clears a soft lock.
func (s *Service) UpdateUser(ctx context.Context, a *Actor, id int64, c UserChange) (*fuelgate.User, error) {
	cur, err := s.store.User(ctx, id)
	if err != nil {
		return nil, notFoundAs(err, "user %d not found", id)
	}
	target := "user:" + cur.Username
	if _, err := s.userEnterprise(ctx, a, cur.DefaultMID, "user.update", target); err != nil {
		return nil, err
	}
	if err := s.validateChange(ctx, cur, &c); err != nil {
		return nil, err
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
	err = s.write(ctx, a, &fuelgate.AuditEvent{MID: cur.DefaultMID, Action: "user.update", Target: target, Detail: c.describe()}, func(tx fuelgate.Store) error {
		var err error
		out, err = tx.UpdateUser(ctx, id, func(u *fuelgate.User) error {
			c.apply(u, sealed)
			u.UpdatedAt = s.now().UTC()
			return nil
		})
		return err
	})
	return out, err
}

// UnlockUser ends a user's soft lock early.
func (s *Service) UnlockUser(ctx context.Context, a *Actor, id int64) (*fuelgate.User, error) {
	return s.UpdateUser(ctx, a, id, UserChange{Unlock: true})
}

// Users lists the users of the actor's enterprise matching f.
func (s *Service) Users(ctx context.Context, a *Actor, f fuelgate.UserFilter) ([]*fuelgate.User, error) {
	if err := a.require(fuelgate.PermUsersView); err != nil {
		return nil, err
	}
	if !a.Operator {
		f.EnterpriseMID = a.EnterpriseMID
	}
	return s.store.Users(ctx, f)
}

// User returns one user of the actor's enterprise.
func (s *Service) User(ctx context.Context, a *Actor, id int64) (*fuelgate.User, error) {
	if err := a.require(fuelgate.PermUsersView); err != nil {
		return nil, err
	}
	u, err := s.store.User(ctx, id)
	if err != nil {
		return nil, notFoundAs(err, "user %d not found", id)
	}
	if err := a.inEnterprise(u.EnterpriseMID); err != nil {
		return nil, fuelgate.Errorf(fuelgate.ENOTFOUND, "user %d not found", id)
	}
	return u, nil
}

// userEnterprise checks that a may manage users in mid and returns mid's enterprise.
func (s *Service) userEnterprise(ctx context.Context, a *Actor, mid int64, action, target string) (int64, error) {
	if err := a.require(fuelgate.PermUsersManage); err != nil {
		return 0, s.denied(ctx, a, action, target, err)
	}
	ent, err := s.Enterprise(ctx, mid)
	if err != nil {
		return 0, notFoundAs(err, "business unit %d not found", mid)
	}
	if err := a.inEnterprise(ent); err != nil {
		return 0, s.denied(ctx, a, action, target, err)
	}
	return ent, nil
}

func (s *Service) validateChange(ctx context.Context, cur *fuelgate.User, c *UserChange) error {
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
	if c.Roles != nil {
		ids, err := s.resolveRoles(ctx, cur.EnterpriseMID, *c.Roles)
		if err != nil {
			return err
		}
		c.Roles = &ids
	}
	if c.DefaultMID != nil || c.MIDs != nil {
		def := cur.DefaultMID
		if c.DefaultMID != nil {
			def = *c.DefaultMID
		}
		extra := cur.MIDs
		if c.MIDs != nil {
			extra = *c.MIDs
		}
		mids, err := s.checkMIDs(ctx, cur.EnterpriseMID, def, extra)
		if err != nil {
			return err
		}
		c.DefaultMID, c.MIDs = &def, &mids
	}
	return nil
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
	for _, m := range mids {
		e, err := s.Enterprise(ctx, m)
		if err != nil || e != ent {
			return nil, fuelgate.Errorf(fuelgate.EINVALID, "business unit %d is not in enterprise %d", m, ent)
		}
	}
	return mids, nil
}

func validEmail(e string) error {
	e = strings.TrimSpace(e)
	if e == "" {
		return fuelgate.Errorf(fuelgate.EINVALID, "email is required")
	}
	if _, err := mail.ParseAddress(e); err != nil || len(e) > 254 {
		return fuelgate.Errorf(fuelgate.EINVALID, "email %q is not a valid address", truncateField(e))
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

func truncateField(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
