package console

import (
	"net/http"
	"strconv"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
)

func (h *Handler) registerSettings(mux *http.ServeMux) {
	mux.Handle("GET /console/settings", h.authed(h.settings))
	mux.Handle("POST /console/settings", h.authed(h.updateSettings))
}

// settingsForm holds the Security Settings form as typed.
type settingsForm struct {
	Settings         *fuelgate.Settings
	PermissionModel  fuelgate.PermissionModel
	APIPasswordLogin bool
	LockoutThreshold string
	LockoutDuration  string
	TokenLifetime    string
}

var settingsRules = []fieldRule{
	{prefix: "permission model", field: "permission_model"},
	{prefix: "lockout threshold", field: "lockout_threshold"},
	{prefix: "lockout duration", field: "lockout_duration"},
	{prefix: "token lifetime", field: "token_lifetime"},
}

func (h *Handler) settings(rq *request) error {
	st, err := h.Manage.Settings(rq.ctx, rq.actor, rq.actor.EnterpriseMID())
	if err != nil {
		return err
	}
	f := &settingsForm{Settings: st, PermissionModel: st.PermissionModel, APIPasswordLogin: st.APIPasswordLogin,
		LockoutThreshold: strconv.Itoa(st.LockoutThreshold), LockoutDuration: shortDuration(st.LockoutDuration),
		TokenLifetime: shortDuration(st.TokenLifetime)}
	return rq.render("settings.html", &view{Title: "Security Settings", Nav: "settings", Notice: notice(rq), Data: f})
}

func (h *Handler) updateSettings(rq *request) error {
	f := &settingsForm{PermissionModel: fuelgate.PermissionModel(rq.form("permission_model")), APIPasswordLogin: rq.form("api_password_login") != "",
		LockoutThreshold: rq.form("lockout_threshold"), LockoutDuration: rq.form("lockout_duration"),
		TokenLifetime: rq.form("token_lifetime")}
	fe := formErrors{Fields: map[string]string{}}
	threshold, err := strconv.Atoi(f.LockoutThreshold)
	if err != nil {
		fe.Fields["lockout_threshold"] = "Enter a whole number."
	}
	lockout, err := time.ParseDuration(f.LockoutDuration)
	if err != nil {
		fe.Fields["lockout_duration"] = "Enter a duration such as 15m or 1h30m."
	}
	lifetime, err := time.ParseDuration(f.TokenLifetime)
	if err != nil {
		fe.Fields["token_lifetime"] = "Enter a duration such as 20m or 1h."
	}
	if len(fe.Fields) > 0 {
		if err := rq.actor.Authorize(manage.OpSettingsUpdate, rq.actor.EnterpriseMID()); err != nil {
			return err
		}
	}
	if len(fe.Fields) == 0 {
		_, err = h.Manage.UpdateSettings(rq.ctx, rq.actor, rq.actor.EnterpriseMID(), manage.SettingsChange{
			PermissionModel: &f.PermissionModel, APIPasswordLogin: &f.APIPasswordLogin,
			LockoutThreshold: &threshold, LockoutDuration: &lockout, TokenLifetime: &lifetime})
		if err == nil {
			return rq.redirect("/console/settings?ok=saved")
		}
		var ok bool
		if fe, ok = inputError(err, settingsRules...); !ok {
			return err
		}
	}
	if f.Settings, err = h.Manage.Settings(rq.ctx, rq.actor, rq.actor.EnterpriseMID()); err != nil {
		return err
	}
	return rq.render("settings.html", &view{Title: "Security Settings", Nav: "settings",
		Status: http.StatusBadRequest, Errors: fe, Data: f})
}

// shortDuration prints 15m0s as 15m and 1h0m0s as 1h.
func shortDuration(d time.Duration) string {
	s := d.String()
	for _, suffix := range []string{"m0s", "h0m"} {
		if len(s) > len(suffix) && s[len(s)-len(suffix):] == suffix {
			s = s[:len(s)-len(suffix)+1]
		}
	}
	return s
}
