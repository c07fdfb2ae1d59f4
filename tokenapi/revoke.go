package tokenapi

import (
	"net/http"
	"strings"

	"github.com/fuelgate/fuelgate/internal/clientip"
)

// revoke serves POST /v2/token/revoke (RFC 7009): the client authenticates
// and may revoke only its own tokens; the answer is 200 whether or not the
// token was known.
func (h *Handler) revoke(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		methodNotAllowed(w, http.MethodPost)
		return
	}
	p, err := readParams(w, r)
	if err != nil {
		h.writeGrantError(w, r, err, false, 0)
		return
	}
	id, secret, basic, err := clientCredentials(r, p, "client_id", "client_secret")
	if err == nil && h.throttled(w, r, id, false) {
		return
	}
	if err == nil {
		err = h.Auth.Revoke(r.Context(), id, secret, p["token"], clientip.From(r))
		h.noteFailure(r, id, err)
	}
	if err != nil {
		h.writeGrantError(w, r, err, basic, 0)
		return
	}
	writeJSON(w, http.StatusOK, struct{}{})
}

// introspectResponse is the RFC 7662 answer.
type introspectResponse struct {
	Active    bool   `json:"active"`
	ClientID  string `json:"client_id,omitempty"`
	Scope     string `json:"scope,omitempty"`
	TokenType string `json:"token_type,omitempty"`
	Exp       int64  `json:"exp,omitempty"`
	Iat       int64  `json:"iat,omitempty"`
	AccountID int64  `json:"account_id,omitempty"`
}

// introspect serves POST /v2/token/introspect (RFC 7662): the client
// authenticates and learns about its own active tokens only.
func (h *Handler) introspect(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		methodNotAllowed(w, http.MethodPost)
		return
	}
	p, err := readParams(w, r)
	if err != nil {
		h.writeGrantError(w, r, err, false, 0)
		return
	}
	id, secret, basic, err := clientCredentials(r, p, "client_id", "client_secret")
	if err != nil {
		h.writeGrantError(w, r, err, basic, 0)
		return
	}
	if h.throttled(w, r, id, false) {
		return
	}
	info, err := h.Auth.Introspect(r.Context(), id, secret, p["token"])
	if err != nil {
		h.noteFailure(r, id, err)
		h.writeGrantError(w, r, err, basic, 0)
		return
	}
	if !info.Active {
		writeJSON(w, http.StatusOK, introspectResponse{})
		return
	}
	writeJSON(w, http.StatusOK, introspectResponse{Active: true, ClientID: info.ClientID,
		Scope: strings.Join(info.Scopes, " "), TokenType: "Bearer", Exp: info.ExpiresAt.Unix(),
		Iat: info.IssuedAt.Unix(), AccountID: info.MID})
}
