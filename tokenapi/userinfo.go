package tokenapi

import (
	"net/http"
	"strings"
)

// userinfo serves GET /v2/userinfo in SFMC's documented shape, for the
// installed package's app user behind the Bearer token.
func (h *Handler) userinfo(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, "GET")
		return
	}
	p, ok := h.bearer(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	pkgName, entName := "", ""
	if pkg, err := h.Store.Package(ctx, p.PackageID); err == nil {
		pkgName = pkg.Name
	}
	if ent, err := h.Store.Account(ctx, p.EnterpriseMID); err == nil {
		entName = ent.Name
	}
	accountType := "enterprise"
	if p.MID != p.EnterpriseMID {
		accountType = "business_unit"
	}
	base := strings.TrimRight(h.PublicURL, "/")
	writeJSON(w, http.StatusOK, map[string]any{
		"iss": base,
		"user": map[string]any{
			"sub":  "client:" + p.ClientID,
			"name": pkgName + " app user",
		},
		"organization": map[string]any{
			"member_id": p.MID, "enterprise_id": p.EnterpriseMID, "enterprise_name": entName,
			"account_type": accountType, "stack_key": "fuelgate",
		},
		"rest": map[string]any{"rest_instance_url": base, "soap_instance_url": base},
		"application": map[string]any{
			"id": p.ClientID, "name": pkgName, "appScopes": nonNil(p.Scopes),
		},
		"permissions": []any{},
	})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
