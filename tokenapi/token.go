package tokenapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/clientip"
)

// tokenResponse is the /v2/token success body, in SFMC's field order.
type tokenResponse struct {
	AccessToken     string `json:"access_token"`
	TokenType       string `json:"token_type"`
	ExpiresIn       int64  `json:"expires_in"`
	Scope           string `json:"scope"`
	SOAPInstanceURL string `json:"soap_instance_url"`
	RESTInstanceURL string `json:"rest_instance_url"`
}

// token serves POST /v2/token.
func (h *Handler) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		methodNotAllowed(w, http.MethodPost)
		return
	}
	p, err := readParams(w, r)
	if err != nil {
		h.writeGrantError(w, r, err, false, 0)
		return
	}
	switch gt := p["grant_type"]; gt {
	case "client_credentials":
		h.clientCredentials(w, r, p)
	case "authorization_code", "refresh_token":
		h.appGrant(w, r, p, gt)
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type",
			`fuelgate does not implement the `+gt+` grant; use "client_credentials", "authorization_code" or "refresh_token" as the grant_type.`)
	default:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", descGrantType)
	}
}

// clientCredentials serves the client_credentials grant.
func (h *Handler) clientCredentials(w http.ResponseWriter, r *http.Request, p params) {
	id, secret, basic, err := clientCredentials(r, p, "client_id", "client_secret")
	if err != nil {
		h.writeGrantError(w, r, err, basic, 0)
		return
	}
	if h.throttled(w, r, id, false) {
		return
	}
	req := auth.GrantRequest{ClientID: id, ClientSecret: secret, SourceIP: clientip.From(r)}
	if req.AccountID, err = accountID(p); err != nil {
		h.writeGrantError(w, r, err, basic, 0)
		return
	}
	if v, ok := p["scope"]; ok {
		req.Scope = &v
	}
	tok, err := h.Auth.Grant(r.Context(), req)
	if err != nil {
		h.noteFailure(r, id, err)
		h.writeGrantError(w, r, err, basic, req.AccountID)
		return
	}
	writeJSON(w, http.StatusOK, tokenResponse{
		AccessToken: tok.AccessToken, TokenType: "Bearer", ExpiresIn: tok.ExpiresIn,
		Scope: strings.Join(tok.Scopes, " "), SOAPInstanceURL: h.baseURL(), RESTInstanceURL: h.baseURL(),
	})
}

// accountID parses the optional account_id: a positive MID, 0 when absent or blank.
func accountID(p params) (int64, error) {
	v, ok := p["account_id"]
	if !ok || strings.TrimSpace(v) == "" {
		return 0, nil
	}
	mid, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || mid <= 0 {
		return 0, errBadRequest("account_id must be a positive integer (the MID of a business unit).")
	}
	return mid, nil
}
