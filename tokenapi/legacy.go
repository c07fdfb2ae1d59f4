package tokenapi

import (
	"errors"
	"net/http"
	"strings"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/clientip"
	"github.com/fuelgate/fuelgate/manage"
)

// gatewayDocs is the documentation link of SFMC's API-gateway errors.
const gatewayDocs = "https://developer.salesforce.com/docs/atlas.en-us.mc-apis.meta/mc-apis/error-handling.htm"

// gatewayError is SFMC's legacy and REST gateway error shape.
type gatewayError struct {
	Message       string `json:"message"`
	ErrorCode     int    `json:"errorcode"`
	Documentation string `json:"documentation"`
}

// legacyResponse is the /v1/requestToken success body.
type legacyResponse struct {
	AccessToken  string `json:"accessToken"`
	ExpiresIn    int64  `json:"expiresIn"`
	LegacyToken  string `json:"legacyToken,omitempty"`
	RefreshToken string `json:"refreshToken,omitempty"`
}

// requestToken serves POST /v1/requestToken[?legacy=1].
func (h *Handler) requestToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, gatewayError{Message: "Method Not Allowed", ErrorCode: 0, Documentation: gatewayDocs})
		return
	}
	p, err := readParams(w, r)
	var bad errBadRequest
	if errors.As(err, &bad) {
		writeJSON(w, http.StatusBadRequest, gatewayError{Message: string(bad), ErrorCode: 10000, Documentation: gatewayDocs})
		return
	}
	req := auth.LegacyRequest{
		ClientID: p["clientId"], ClientSecret: p["clientSecret"], RefreshToken: p["refreshToken"],
		Offline:    strings.EqualFold(p["accessType"], "offline"),
		WithLegacy: r.URL.Query().Get("legacy") == "1",
		SourceIP:   clientip.From(r),
	}
	if h.throttled(w, r, req.ClientID, true) {
		return
	}
	toks, err := h.Auth.GrantLegacy(r.Context(), req)
	h.noteFailure(r, req.ClientID, err)
	switch {
	case writeRateLimited(w, err):
	case err == nil:
		writeJSON(w, http.StatusOK, legacyResponse{AccessToken: toks.AccessToken, ExpiresIn: toks.ExpiresIn,
			LegacyToken: toks.LegacyToken, RefreshToken: toks.RefreshToken})
	case fuelgate.ErrorCode(err) == fuelgate.EUNAUTHORIZED:
		writeJSON(w, http.StatusUnauthorized, gatewayError{Message: "Unauthorized", ErrorCode: 1, Documentation: ""})
	default:
		h.log().ErrorContext(r.Context(), "legacy token request failed", "err", err)
		writeJSON(w, http.StatusInternalServerError, gatewayError{Message: "Internal Server Error", ErrorCode: 0, Documentation: gatewayDocs})
	}
}

// endpointsSOAP serves GET /platform/v1/endpoints/soap.
func (h *Handler) endpointsSOAP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeJSON(w, http.StatusMethodNotAllowed, gatewayError{Message: "Method Not Allowed", Documentation: gatewayDocs})
		return
	}
	if _, ok := h.bearer(w, r); !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"url": h.baseURL() + "Service.asmx"})
}

// bearer verifies the request's Bearer token, answering 401 in the gateway
// shape when it is missing, unknown, revoked or expired.
func (h *Handler) bearer(w http.ResponseWriter, r *http.Request) (*manage.Actor, bool) {
	scheme, tok, found := strings.Cut(r.Header.Get("Authorization"), " ")
	if found && strings.EqualFold(scheme, "Bearer") { // the scheme is case-insensitive (RFC 9110 §11.1)
		p, err := h.Auth.VerifyToken(r.Context(), strings.TrimSpace(tok), fuelgate.TokenAccess, fuelgate.TokenLegacyAccess)
		if err == nil {
			return p, true
		}
		if fuelgate.ErrorCode(err) != fuelgate.EUNAUTHORIZED && fuelgate.ErrorCode(err) != fuelgate.EEXPIRED {
			h.log().ErrorContext(r.Context(), "bearer verification failed", "err", err)
		}
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="fuelgate", error="invalid_token"`)
	writeJSON(w, http.StatusUnauthorized, gatewayError{Message: "Not Authorized", ErrorCode: 0, Documentation: gatewayDocs})
	return nil, false
}
