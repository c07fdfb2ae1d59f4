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
	e, err := m.open(ctx, &c)
	if err != nil {
		return err
	}
	defer e.store.Close()
	u, err := e.manage.CreateUser(ctx, manage.Operator(), in)
	if err != nil {
		return err
	}
	return m.output(c.json, map[string]any{"id": u.ID, "username": u.Username}, func(w io.Writer) {
		fmt.Fprintf(w, "created user %d %q\n", u.ID, u.Username)
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
	e, err := m.open(ctx, &c)
	if err != nil {
		return err
	}
	defer e.store.Close()
	users, err := e.manage.Users(ctx, manage.Operator(), f)
	if err != nil {
		return err
	}
	items := make([]userJSON, 0, len(users))
	for _, u := range users {
		items = append(items, toUserJSON(u))
	}
	return m.output(c.json, map[string]any{"items": items}, func(w io.Writer) {
		fmt.Fprintf(w, "%-8s %-24s %-8s %-7s %-7s %s\n", "ID", "USERNAME", "API", "ACTIVE", "LOCKED", "ROLES")
		for _, u := range items {
			fmt.Fprintf(w, "%-8d %-24s %-8t %-7t %-7t %s\n", u.ID, u.Username, u.APIUser, u.Active, u.Locked, strings.Join(u.Roles, ", "))
		}
	})
}

// findUser resolves --id or --username.
func findUser(ctx context.Context, e *env, id int64, username string) (*fuelgate.User, error) {
	if id > 0 {
		return e.store.User(ctx, id)
	}
	if username == "" {
		return nil, fmt.Errorf("%w: give --id or --username", errUsage)
	}
	return e.store.UserByUsername(ctx, username)
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
	e, err := m.open(ctx, &c)
	if err != nil {
		return err
	}
	defer e.store.Close()
	u, err := findUser(ctx, e, *id, *username)
	if err != nil {
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
	u, err = e.manage.UpdateUser(ctx, manage.Operator(), u.ID, ch)
	if err != nil {
		return err
	}
	return m.output(c.json, toUserJSON(u), func(w io.Writer) { fmt.Fprintf(w, "updated user %d %q\n", u.ID, u.Username) })
}

func (m *Main) userUnlock(ctx context.Context, args []string) error {
	var c common
	fs := m.newFlags("user unlock", &c)
	id := fs.Int64("id", 0, "user ID")
	username := fs.String("username", "", "username (instead of --id)")
	if err := parse(fs, args); err != nil {
		return err
	}
	e, err := m.open(ctx, &c)
	if err != nil {
		return err
	}
	defer e.store.Close()
	u, err := findUser(ctx, e, *id, *username)
	if err != nil {
		return err
	}
	if u, err = e.manage.UnlockUser(ctx, manage.Operator(), u.ID); err != nil {
		return err
	}
	return m.output(c.json, toUserJSON(u), func(w io.Writer) { fmt.Fprintf(w, "unlocked user %d %q\n", u.ID, u.Username) })
}
