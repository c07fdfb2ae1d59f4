package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
)

type userJSON struct {
	ID            int64    `json:"id"`
	Username      string   `json:"username"`
	Name          string   `json:"name"`
	Email         string   `json:"email"`
	Active        bool     `json:"active"`
	APIUser       bool     `json:"api_user"`
	WebServices   bool     `json:"web_services"`
	DigestCapable bool     `json:"digest_capable"`
	Locked        bool     `json:"locked"`
	DefaultMID    int64    `json:"default_mid"`
	MIDs          []int64  `json:"mids"`
	Roles         []string `json:"roles"`
}

func toUserJSON(u *fuelgate.User) userJSON {
	roles := []string{}
	for _, id := range u.RoleIDs {
		if r, ok := fuelgate.SystemRole(id); ok {
			roles = append(roles, r.Name)
		} else {
			roles = append(roles, id)
		}
	}
	return userJSON{ID: u.ID, Username: u.Username, Name: u.Name, Email: u.Email, Active: u.Active,
		APIUser: u.APIUser, WebServices: u.WebServices, DigestCapable: u.DigestCapable(),
		Locked: u.IsLocked(time.Now()), DefaultMID: u.DefaultMID, MIDs: u.MIDs, Roles: roles}
}

func (m *Main) userCreate(ctx context.Context, args []string) error {
	var c common
	fs := m.newFlags("user create", &c)
	var in manage.NewUser
	var roles listFlag
	var mids midsFlag
	fs.Int64Var(&in.MID, "mid", 0, "default business unit (MID)")
	fs.StringVar(&in.Username, "username", "", "username (unique)")
	fs.StringVar(&in.Name, "name", "", "display name")
	fs.StringVar(&in.Email, "email", "", "email address")
	fs.BoolVar(&in.APIUser, "api-user", false, "flag the user as an API User")
	fs.BoolVar(&in.WebServices, "web-services", false, "legacy permission: grant access to the web services")
	fs.BoolVar(&in.DigestCapable, "digest-capable", false, "keep the password sealed so WS-Security PasswordDigest works")
	fs.Var(&roles, "role", "role name, key or ID (repeatable)")
	fs.Var(&mids, "bu", "further associated business unit (repeatable)")
	if err := parse(fs, args); err != nil {
		return err
	}
	for _, f := range []struct {
		ok   bool
		name string
	}{{in.MID > 0, "mid"}, {in.Username != "", "username"}, {in.Name != "", "name"}, {in.Email != "", "email"}} {
		if err := requireFlag(f.ok, f.name); err != nil {
			return err
		}
	}
	in.Roles, in.MIDs = roles, mids
	pw, err := m.readSecret("password")
	if err != nil {
		return err
	}
	in.Password = pw
	return m.act(ctx, &c, func(e *env) (printed, error) {
		u, err := e.manage.CreateUser(ctx, manage.Operator(), in)
		if err != nil {
			return printed{}, err
		}
		return printed{map[string]any{"id": u.ID, "username": u.Username}, func(w io.Writer) {
			fmt.Fprintf(w, "created user %d %q\n", u.ID, u.Username)
		}}, nil
	})
}

func (m *Main) userList(ctx context.Context, args []string) error {
	var c common
	fs := m.newFlags("user list", &c)
	var f fuelgate.UserFilter
	fs.Int64Var(&f.MID, "mid", 0, "only users associated with this BU")
	fs.StringVar(&f.Query, "query", "", "search username, name and email")
	if err := parse(fs, args); err != nil {
		return err
	}
	return m.act(ctx, &c, func(e *env) (printed, error) {
		users, err := e.manage.Users(ctx, manage.Operator(), f)
		return listOf(users, toUserJSON, func(w io.Writer, items []userJSON) {
			fmt.Fprintf(w, "%-8s %-24s %-8s %-7s %-7s %s\n", "ID", "USERNAME", "API", "ACTIVE", "LOCKED", "ROLES")
			for _, u := range items {
				fmt.Fprintf(w, "%-8d %-24s %-8t %-7t %-7t %s\n", u.ID, u.Username, u.APIUser, u.Active, u.Locked, strings.Join(u.Roles, ", "))
			}
		}), err
	})
}

// actOnUser is act for the commands that change one user, named by --id or
// --username: fn changes it and returns it as it now is, and the command
// prints it, saying what was done.
func (m *Main) actOnUser(ctx context.Context, c *common, id int64, username, done string,
	fn func(e *env, u *fuelgate.User) (*fuelgate.User, error)) error {
	if id <= 0 && username == "" {
		return fmt.Errorf("%w: give --id or --username", errUsage)
	}
	return m.act(ctx, c, func(e *env) (printed, error) {
		var u *fuelgate.User
		var err error
		if id > 0 {
			u, err = e.store.User(ctx, id)
		} else {
			u, err = e.store.UserByUsername(ctx, username)
		}
		if err != nil {
			return printed{}, err
		}
		if u, err = fn(e, u); err != nil {
			return printed{}, err
		}
		return printed{toUserJSON(u), func(w io.Writer) { fmt.Fprintf(w, "%s user %d %q\n", done, u.ID, u.Username) }}, nil
	})
}

func (m *Main) userUpdate(ctx context.Context, args []string) error {
	var c common
	fs := m.newFlags("user update", &c)
	id := fs.Int64("id", 0, "user ID")
	username := fs.String("username", "", "username (instead of --id)")
	name := fs.String("name", "", "new display name")
	email := fs.String("email", "", "new email")
	var active, apiUser, webServices, digest onOff
	fs.Var(&active, "active", "on or off")
	fs.Var(&apiUser, "api-user", "on or off")
	fs.Var(&webServices, "web-services", "legacy web-services permission: on or off")
	fs.Var(&digest, "digest-capable", "on or off (on needs --password)")
	var roles listFlag
	fs.Var(&roles, "role", "replace the roles (repeatable)")
	defMID := fs.Int64("default-mid", 0, "new default business unit")
	var mids midsFlag
	fs.Var(&mids, "bu", "replace the associated business units (repeatable)")
	setPassword := fs.Bool("password", false, "set a new password (from FUELGATE_PASSWORD or stdin)")
	if err := parse(fs, args); err != nil {
		return err
	}
	ch := manage.UserChange{Active: active.v, APIUser: apiUser.v, WebServices: webServices.v, DigestCapable: digest.v}
	if *name != "" {
		ch.Name = name
	}
	if *email != "" {
		ch.Email = email
	}
	if len(roles) > 0 {
		r := []string(roles)
		ch.Roles = &r
	}
	if *defMID > 0 {
		ch.DefaultMID = defMID
	}
	if len(mids) > 0 {
		x := []int64(mids)
		ch.MIDs = &x
	}
	if *setPassword {
		pw, err := m.readSecret("password")
		if err != nil {
			return err
		}
		ch.Password = &pw
	}
	return m.actOnUser(ctx, &c, *id, *username, "updated", func(e *env, u *fuelgate.User) (*fuelgate.User, error) {
		return e.manage.UpdateUser(ctx, manage.Operator(), u.ID, ch)
	})
}

func (m *Main) userUnlock(ctx context.Context, args []string) error {
	var c common
	fs := m.newFlags("user unlock", &c)
	id := fs.Int64("id", 0, "user ID")
	username := fs.String("username", "", "username (instead of --id)")
	if err := parse(fs, args); err != nil {
		return err
	}
	return m.actOnUser(ctx, &c, *id, *username, "unlocked", func(e *env, u *fuelgate.User) (*fuelgate.User, error) {
		return e.manage.UnlockUser(ctx, manage.Operator(), u.ID)
	})
}
