package tokenapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
)

// userinfo serves GET /v2/userinfo in SFMC's documented shape: for a web or
// public app's token, the user it acts for and the permissions the token
// holds; for a server-to-server token, the installed package's app user.
func (h *Handler) userinfo(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, "GET")
		return
	}
	p, ok := h.bearer(w, r)
	if !ok {
		return
	}
	self, err := h.Manage.Self(r.Context(), p)
	if err != nil {
		h.log().ErrorContext(r.Context(), "userinfo failed", "err", err)
		writeJSON(w, http.StatusInternalServerError, gatewayError{Message: "Internal Server Error", Documentation: gatewayDocs})
		return
	}
	pkgName, entName := "", self.EnterpriseName
	application := map[string]any{"id": p.ClientID(), "appScopes": nonNil(p.Scopes())}
	if self.Package != nil {
		pkgName = self.Package.Name
		application["name"] = pkgName
		if self.Package.UserApp() {
			application["redirectUrl"] = nonNil(self.Package.RedirectURIs)
		}
	}
	accountType := "enterprise"
	if p.MID() != p.EnterpriseMID() {
		accountType = "business_unit"
	}
	user := map[string]any{"sub": p.Name(), "name": pkgName + " app user"}
	if u := self.User; u != nil {
		user = map[string]any{"sub": strconv.FormatInt(u.ID, 10), "name": u.Name, "preferred_username": u.Username,
			"email": u.Email, "locale": "en-US", "zoneinfo": "UTC"}
	}
	base := strings.TrimRight(h.PublicURL, "/")
	writeJSON(w, http.StatusOK, map[string]any{
		"iss":  base,
		"user": user,
		"organization": map[string]any{
			"member_id": p.MID(), "enterprise_id": p.EnterpriseMID(), "enterprise_name": entName,
			"account_type": accountType, "stack_key": "fuelgate",
		},
		"rest":        map[string]any{"rest_instance_url": base, "soap_instance_url": base},
		"application": application,
		"permissions": permissions(p),
	})
}

// permission is one entry of userinfo's permissions, SFMC's shape: the
// catalog's display name split into the object type (all but the last part)
// and the operation (the last part); id is the catalog position.
type permission struct {
	ObjectTypeName string `json:"objectTypeName"`
	OperationName  string `json:"operationName"`
	Name           string `json:"name"`
	ID             int    `json:"id"`
}

// permissions lists what an app's token holds for its user; other tokens
// list none (their scopes are in application.appScopes).
func permissions(a *manage.Actor) []permission {
	out := []permission{}
	if a.Kind() != manage.KindApp {
		return out
	}
	for i, p := range fuelgate.Permissions {
		if !a.Holds(p.Name) {
			continue
		}
		obj, op := p.Display, p.Display
		if j := strings.LastIndex(p.Display, " | "); j >= 0 {
			obj, op = p.Display[:j], p.Display[j+3:]
		}
		out = append(out, permission{ObjectTypeName: obj, OperationName: op, Name: op, ID: i + 1})
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
