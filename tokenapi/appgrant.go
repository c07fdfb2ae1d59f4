package tokenapi

import (
	"net/http"
	"strings"

	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/clientip"
)

// appTokenResponse is the answer to the authorization_code and
// refresh_token grants, in the field order of SFMC's web-app
// documentation.
type appTokenResponse struct {
	AccessToken     string `json:"access_token"`
	RefreshToken    string `json:"refresh_token"`
	ExpiresIn       int64  `json:"expires_in"`
	TokenType       string `json:"token_type"`
	RESTInstanceURL string `json:"rest_instance_url"`
	SOAPInstanceURL string `json:"soap_instance_url"`
	Scope           string `json:"scope"`
}

// appGrant serves the grants of web and public apps: authorization_code
// (code, redirect_uri, code_verifier when a PKCE challenge was sent) and
// refresh_token (refresh_token). A web app authenticates with its secret in
// the body or by HTTP Basic; a public app sends its client_id alone (an
// empty Basic password, as golang.org/x/oauth2 sends, is the same).
func (h *Handler) appGrant(w http.ResponseWriter, r *http.Request, p params, grantType string) {
	id, secret, basic, err := clientCredentials(r, p, "client_id", "client_secret")
	if err != nil {
		h.writeGrantError(w, r, err, basic, 0)
		return
	}
	if h.throttled(w, r, id, false) {
		return
	}
	req := auth.AppTokenRequest{ClientID: id, ClientSecret: secret, SourceIP: clientip.From(r)}
	if req.AccountID, err = accountID(p); err != nil {
		h.writeGrantError(w, r, err, basic, 0)
		return
	}
	if v, ok := p["scope"]; ok {
		req.Scope = &v
	}
	var tok *auth.IssuedToken
	if grantType == "authorization_code" {
		req.Code, req.RedirectURI = p["code"], p["redirect_uri"]
		req.CodeVerifier, req.HasVerifier = p["code_verifier"]
		if err = required(p, "code", "redirect_uri"); err == nil {
			tok, err = h.Auth.ExchangeCode(r.Context(), req)
		}
	} else {
		req.RefreshToken = p["refresh_token"]
		if err = required(p, "refresh_token"); err == nil {
			tok, err = h.Auth.Refresh(r.Context(), req)
		}
	}
	if err != nil {
		h.noteFailure(r, id, err)
		h.writeGrantError(w, r, err, basic, req.AccountID)
		return
	}
	writeJSON(w, http.StatusOK, appTokenResponse{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken,
		ExpiresIn: tok.ExpiresIn, TokenType: "Bearer", RESTInstanceURL: h.baseURL(), SOAPInstanceURL: h.baseURL(),
		Scope: strings.Join(tok.Scopes, " ")})
}

// required refuses a request that lacks one of the parameters names.
func required(p params, names ...string) error {
	for _, n := range names {
		if p[n] == "" {
			return errBadRequest("The parameter " + n + " is required.")
		}
	}
	return nil
}
