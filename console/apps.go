package console

import (
	"net/http"
	"strconv"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
)

// The apps a user has authorized (web and public apps holding tokens for
// them): every user sees and revokes their own on /console/apps; the user
// page shows a user's to those who may read users, and lets those who may
// change the user revoke them. Manage decides both.

func (h *Handler) registerApps(mux *http.ServeMux) {
	mux.Handle("GET /console/apps", h.authed(h.apps))
	mux.Handle("POST /console/apps/revoke", h.authed(h.revokeOwnApp))
	mux.Handle("POST /console/users/{id}/apps/revoke", h.authed(h.revokeUserApp))
}

// appsData lists a user's app grants.
type appsData struct {
	UserID  int64
	Grants  []manage.AppGrant
	BUNames map[int64]string
	Self    bool // the signed-in user's own grants
}

func (h *Handler) apps(rq *request) error {
	d, err := h.appsOf(rq, rq.actor.UserID())
	if err != nil {
		return err
	}
	return rq.render("apps.html", &view{Title: "Your authorized apps", Nav: "apps", Notice: notice(rq), Data: d})
}

// appsOf reads the grants of user id as the signed-in user may see them.
func (h *Handler) appsOf(rq *request, id int64) (*appsData, error) {
	grants, err := h.Manage.AppGrants(rq.ctx, rq.actor, id)
	if err != nil {
		return nil, err
	}
	names, err := h.buNames(rq)
	if err != nil {
		return nil, err
	}
	return &appsData{UserID: id, Grants: grants, BUNames: names, Self: id == rq.actor.UserID()}, nil
}

func (h *Handler) revokeOwnApp(rq *request) error {
	if err := h.Manage.RevokeAppGrant(rq.ctx, rq.actor, rq.actor.UserID(), rq.form("family")); err != nil {
		return err
	}
	return rq.redirect("/console/apps?ok=revoked")
}

func (h *Handler) revokeUserApp(rq *request) error {
	id, err := rq.pathInt("id")
	if err != nil {
		return err
	}
	if err := h.Manage.RevokeAppGrant(rq.ctx, rq.actor, id, rq.form("family")); err != nil {
		return err
	}
	return rq.redirect("/console/users/" + strconv.FormatInt(id, 10) + "?ok=revoked")
}

// userApps is the user page's section of app grants: nil when the
// signed-in user may not read them.
func (h *Handler) userApps(rq *request, u *fuelgate.User) (*appsData, error) {
	d, err := h.appsOf(rq, u.ID)
	if fuelgate.ErrorCode(err) == fuelgate.EPERMISSION {
		return nil, nil
	}
	return d, err
}
