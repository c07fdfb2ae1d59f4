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
	c, ok := h.clientCall(w, r)
	if !ok {
		return
	}
	err := h.Auth.Revoke(r.Context(), c.id, c.secret, c.p["token"], clientip.From(r))
	if err != nil {
		h.noteFailure(r, c.id, err)
		h.writeGrantError(w, r, err, c.basic, 0)
		return
	}
	writeJSON(w, http.StatusOK, struct{}{})
}

// clientCall is a decoded request of a client-authenticated endpoint.
type clientCall struct {
	p          params
	id, secret string
	basic      bool
}

// clientCall decodes a POST to a client-authenticated endpoint (revoke,
// introspect): method, body, credentials and throttle. When it reports false
// it has answered the request.
func (h *Handler) clientCall(w http.ResponseWriter, r *http.Request) (clientCall, bool) {
	var c clientCall
	if r.Method != http.MethodPost {
		methodNotAllowed(w, http.MethodPost)
		return c, false
	}
	var err error
	if c.p, err = readParams(w, r); err != nil {
		h.writeGrantError(w, r, err, false, 0)
		return c, false
	}
	if c.id, c.secret, c.basic, err = clientCredentials(r, c.p, "client_id", "client_secret"); err != nil {
		h.writeGrantError(w, r, err, c.basic, 0)
		return c, false
	}
	return c, !h.throttled(w, r, c.id, false)
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
	c, ok := h.clientCall(w, r)
	if !ok {
		return
	}
	info, err := h.Auth.Introspect(r.Context(), c.id, c.secret, c.p["token"])
	if err != nil {
		h.noteFailure(r, c.id, err)
		h.writeGrantError(w, r, err, c.basic, 0)
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
