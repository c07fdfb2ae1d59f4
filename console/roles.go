package console

import (
	"net/http"
	"net/url"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
)

func (h *Handler) registerRoles(mux *http.ServeMux) {
	mux.Handle("GET /console/roles", h.authed(h.roles))
	mux.Handle("GET /console/roles/new", h.authed(h.newRole))
	mux.Handle("POST /console/roles", h.authed(h.createRole))
	mux.Handle("GET /console/roles/{id}", h.authed(h.role))
	mux.Handle("POST /console/roles/{id}", h.authed(h.updateRole))
}

type rolesData struct {
	Roles []*fuelgate.Role
}

// roleForm is the create/edit form of a custom role.
type roleForm struct {
	Role        *fuelgate.Role // nil on create
	Name        string
	Description string
	Perms       []string
	Catalog     []fuelgate.Permission
}

var roleRules = []fieldRule{
	{prefix: "name", field: "name"},
	{prefix: "a role named", field: "name"},
	{prefix: "is a system role", field: "name", contains: true},
	{prefix: "unknown permission", field: "perms"},
}

func (h *Handler) roles(rq *request) error {
	roles, err := h.Manage.Roles(rq.ctx, rq.actor, rq.actor.EnterpriseMID())
	if err != nil {
		return err
	}
	return rq.render("roles.html", &view{Title: "Roles", Nav: "roles", Notice: notice(rq), Data: &rolesData{Roles: roles}})
}

func (h *Handler) newRole(rq *request) error {
	if err := rq.actor.Authorize(manage.OpRoleCreate); err != nil {
		return err
	}
	return h.renderRoleForm(rq, &view{}, &roleForm{})
}

func (h *Handler) renderRoleForm(rq *request, v *view, f *roleForm) error {
	f.Catalog = fuelgate.Permissions
	v.Nav, v.Data, v.Title = "roles", f, "New role"
	if f.Role != nil {
		v.Title = "Role " + f.Role.Name
	}
	return rq.render("role.html", v)
}

func (h *Handler) createRole(rq *request) error {
	f := &roleForm{Name: rq.form("name"), Description: rq.form("description"), Perms: rq.formList("perms")}
	r, err := h.Manage.CreateRole(rq.ctx, rq.actor, rq.actor.EnterpriseMID(), f.Name, f.Description, f.Perms)
	if err != nil {
		fe, ok := inputError(err, roleRules...)
		if !ok {
			return err
		}
		return h.renderRoleForm(rq, &view{Status: http.StatusBadRequest, Errors: fe}, f)
	}
	return rq.redirect("/console/roles/" + url.PathEscape(r.ID) + "?ok=created")
}

// findRole returns a role of the actor's enterprise (system or custom).
func (h *Handler) findRole(rq *request) (*fuelgate.Role, error) {
	roles, err := h.Manage.Roles(rq.ctx, rq.actor, rq.actor.EnterpriseMID())
	if err != nil {
		return nil, err
	}
	id := rq.r.PathValue("id")
	for _, r := range roles {
		if r.ID == id {
			return r, nil
		}
	}
	return nil, errNotFound
}

func (h *Handler) role(rq *request) error {
	r, err := h.findRole(rq)
	if err != nil {
		return err
	}
	return h.renderRoleForm(rq, &view{Notice: notice(rq)},
		&roleForm{Role: r, Name: r.Name, Description: r.Description, Perms: r.Permissions})
}

func (h *Handler) updateRole(rq *request) error {
	r, err := h.findRole(rq)
	if err != nil {
		return err
	}
	f := &roleForm{Role: r, Name: r.Name, Description: rq.form("description"), Perms: rq.formList("perms")}
	perms := f.Perms
	if perms == nil {
		perms = []string{}
	}
	if _, err := h.Manage.UpdateRole(rq.ctx, rq.actor, r.ID, &f.Description, &perms); err != nil {
		fe, ok := inputError(err, roleRules...)
		if !ok {
			return err
		}
		return h.renderRoleForm(rq, &view{Status: http.StatusBadRequest, Errors: fe}, f)
	}
	return rq.redirect("/console/roles/" + url.PathEscape(r.ID) + "?ok=saved")
}
