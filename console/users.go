package console

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
	"github.com/fuelgate/fuelgate/manage"
)

func (h *Handler) registerUsers(mux *http.ServeMux) {
	mux.Handle("GET /console/users", h.authed(h.users))
	mux.Handle("GET /console/users/new", h.authed(h.newUser))
	mux.Handle("POST /console/users", h.authed(h.createUser))
	mux.Handle("GET /console/users/{id}", h.authed(h.user))
	mux.Handle("POST /console/users/{id}", h.authed(h.updateUser))
}

// usersPage is the number of users listed per page.
const usersPage = 50

type usersData struct {
	Users     []*fuelgate.User
	Query     string
	NextAfter int64 // keyset cursor of the next page, 0 when there is none
	After     int64
	RoleNames map[string]string
	BUNames   map[int64]string
	Now       int64 // for "locked" (unix seconds)
}

// userForm is the create/edit form with its choices.
type userForm struct {
	User        *fuelgate.User // nil on create
	Username    string
	Name        string
	Email       string
	Active      bool
	APIUser     bool
	WebServices bool
	Legacy      bool // the enterprise uses the legacy permission model
	RoleIDs     []string
	DefaultMID  int64
	MIDs        []int64
	Roles       []*fuelgate.Role
	BUs         []*fuelgate.Account
	Locked      bool
	NewPassword string    // a generated password, shown once
	Apps        *appsData // the apps the user authorized; nil when the signed-in user may not read them
	Once        string    // one-time ID of the reset form: a reload does not reset twice
}

var userRules = []fieldRule{
	{prefix: "username", field: "username"},
	{prefix: "name", field: "name"},
	{prefix: "email", field: "email"},
	{prefix: "password", field: "password"},
	{prefix: "making a user digest", field: "password"},
	{prefix: "unknown role", field: "roles"},
	{prefix: "business unit", field: "mids"},
}

func (h *Handler) users(rq *request) error {
	q := rq.r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	d := &usersData{Query: q.Get("q"), After: after}
	list, err := h.Manage.Users(rq.ctx, rq.actor, fuelgate.UserFilter{Query: d.Query, AfterID: after, Limit: usersPage + 1})
	if err != nil {
		return err
	}
	if len(list) > usersPage {
		list = list[:usersPage]
		d.NextAfter = list[len(list)-1].ID
	}
	d.Users = list
	if d.RoleNames, err = h.roleNames(rq); err != nil {
		return err
	}
	bus, err := h.buChoices(rq)
	if err != nil {
		return err
	}
	d.BUNames = map[int64]string{}
	for _, b := range bus {
		d.BUNames[b.MID] = b.Name
	}
	d.Now = h.Now().Unix()
	return rq.render("users.html", &view{Title: "Users", Nav: "users", Notice: notice(rq), Data: d})
}

func (h *Handler) newUser(rq *request) error {
	if err := rq.actor.Authorize(manage.OpUserCreate); err != nil {
		return err
	}
	f := &userForm{Active: true, DefaultMID: rq.actor.MID()}
	return h.renderUserForm(rq, &view{}, f)
}

func (h *Handler) renderUserForm(rq *request, v *view, f *userForm) error {
	var err error
	if f.BUs, err = h.buChoices(rq); err != nil {
		return err
	}
	if f.Roles, err = h.roleChoices(rq, f); err != nil {
		return err
	}
	model, err := h.Manage.PermissionModel(rq.ctx, rq.actor)
	if err != nil {
		return err
	}
	f.Legacy = model == fuelgate.ModelLegacy || f.WebServices
	v.Nav, v.Data = "users", f
	v.Title = "New user"
	if f.User != nil {
		v.Title = "User " + f.User.Username
		f.Locked = f.User.IsLocked(h.Now())
		f.Once = newFormID()
	}
	return rq.render("user.html", v)
}

// formUser reads the user form's shared fields.
func (rq *request) formUser(f *userForm) error {
	f.Name, f.Email = rq.form("name"), rq.form("email")
	f.APIUser, f.WebServices, f.Active = rq.form("api_user") != "", rq.form("web_services") != "", rq.form("active") != ""
	f.RoleIDs = rq.formList("roles")
	f.DefaultMID, _ = strconv.ParseInt(rq.form("default_mid"), 10, 64)
	var err error
	f.MIDs, err = rq.formMIDs("mids")
	return err
}

func (h *Handler) createUser(rq *request) error {
	f := &userForm{Username: rq.form("username")}
	if err := rq.formUser(f); err != nil {
		return err
	}
	u, err := h.Manage.CreateUser(rq.ctx, rq.actor, manage.NewUser{MID: f.DefaultMID, Username: f.Username,
		Name: f.Name, Email: f.Email, Password: rq.r.PostForm.Get("password"), APIUser: f.APIUser,
		WebServices: f.WebServices, Roles: f.RoleIDs, MIDs: f.MIDs})
	if err != nil {
		fe, ok := inputError(err, userRules...)
		if !ok {
			return err
		}
		return h.renderUserForm(rq, &view{Status: http.StatusBadRequest, Errors: fe}, f)
	}
	return rq.redirect("/console/users/" + strconv.FormatInt(u.ID, 10) + "?ok=created")
}

func (h *Handler) user(rq *request) error {
	id, err := rq.pathInt("id")
	if err != nil {
		return err
	}
	u, err := h.Manage.User(rq.ctx, rq.actor, id)
	if err != nil {
		return err
	}
	f := userFormOf(u)
	if f.Apps, err = h.userApps(rq, u); err != nil {
		return err
	}
	return h.renderUserForm(rq, &view{Notice: notice(rq)}, f)
}

func userFormOf(u *fuelgate.User) *userForm {
	return &userForm{User: u, Username: u.Username, Name: u.Name, Email: u.Email, Active: u.Active,
		APIUser: u.APIUser, WebServices: u.WebServices, RoleIDs: u.RoleIDs, DefaultMID: u.DefaultMID, MIDs: u.MIDs}
}

// updateUser saves the edit form, resets the password or unlocks the user.
func (h *Handler) updateUser(rq *request) error {
	id, err := rq.pathInt("id")
	if err != nil {
		return err
	}
	cur, err := h.Manage.User(rq.ctx, rq.actor, id)
	if err != nil {
		return err
	}
	self := "/console/users/" + strconv.FormatInt(id, 10)
	f := userFormOf(cur)
	var c manage.UserChange
	ok := "saved"
	switch rq.form("action") {
	case "save":
		if err := rq.formUser(f); err != nil {
			return err
		}
		roles := f.RoleIDs
		if roles == nil {
			roles = []string{}
		}
		c = manage.UserChange{Name: &f.Name, Email: &f.Email, Active: &f.Active, APIUser: &f.APIUser,
			Roles: &roles, DefaultMID: &f.DefaultMID, MIDs: &f.MIDs}
		if rq.form("legacy") != "" {
			c.WebServices = &f.WebServices
		}
	case "password":
		if _, fresh := h.sessions.claimForm(rq.sess, rq.form("once")); !fresh {
			return rq.redirect(self)
		}
		pw := rq.r.PostForm.Get("password")
		if pw == "" {
			f.NewPassword = secret.Password()
			pw = f.NewPassword
		}
		c, ok = manage.UserChange{Password: &pw}, "password"
	case "unlock":
		c, ok = manage.UserChange{Unlock: true}, "unlocked"
	default:
		return fuelgate.Errorf(fuelgate.EINVALID, "Unknown action.")
	}
	u, err := h.Manage.UpdateUser(rq.ctx, rq.actor, id, c)
	if err != nil {
		fe, isInput := inputError(err, userRules...)
		if !isInput {
			return err
		}
		f.NewPassword = ""
		return h.renderUserForm(rq, &view{Status: http.StatusBadRequest, Errors: fe}, f)
	}
	if f.NewPassword != "" { // shown once, on this response only
		g := userFormOf(u)
		g.NewPassword = f.NewPassword
		return h.renderUserForm(rq, &view{Notice: "The password was reset. Copy the new password now: it is not shown again."}, g)
	}
	return rq.redirect(self + "?ok=" + ok)
}

// roleChoices lists the roles the form offers: those the signed-in user may
// give (manage decides), plus the roles the edited user has already, so that
// saving the form keeps them.
func (h *Handler) roleChoices(rq *request, f *userForm) ([]*fuelgate.Role, error) {
	if !rq.actor.Allows(manage.OpUserUpdate) {
		return nil, nil
	}
	roles, err := h.Manage.GrantableRoles(rq.ctx, rq.actor, rq.actor.EnterpriseMID())
	if err != nil {
		return nil, err
	}
	for _, id := range f.RoleIDs {
		if slices.IndexFunc(roles, func(r *fuelgate.Role) bool { return r.ID == id }) >= 0 {
			continue
		}
		if all, err := h.Manage.RoleNames(rq.ctx, rq.actor, rq.actor.EnterpriseMID()); err == nil && all[id] != nil {
			roles = append(roles, all[id])
		}
	}
	return roles, nil
}

// roleNames maps role IDs of the enterprise to their names, for lists.
func (h *Handler) roleNames(rq *request) (map[string]string, error) {
	roles, err := h.Manage.RoleNames(rq.ctx, rq.actor, rq.actor.EnterpriseMID())
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(roles))
	for id, r := range roles {
		names[id] = r.Name
	}
	return names, nil
}

// buChoices lists the BUs a form may offer: those the signed-in user reaches.
func (h *Handler) buChoices(rq *request) ([]*fuelgate.Account, error) {
	return h.Manage.BusinessUnits(rq.ctx, rq.actor)
}
