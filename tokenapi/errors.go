package tokenapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/fuelgate/fuelgate/auth"
)

// errorURI is the error_uri SFMC puts in every OAuth error.
const errorURI = "https://developer.salesforce.com/docs"

// SFMC's exact error descriptions (protocol.md §1.6).
const (
	descInvalidClient = "Client authentication failed. Make sure that the client ID and client secret are valid and that the package is installed and enabled."
	descLegacy        = "This integration is not eligible to use the /v2/token endpoint because the integration was created in a legacy package. To obtain a token for this integration, use the /v1/requestToken endpoint."
	descGrantType     = `Use "authorization_code" or "refresh_token" or "client_credentials" or "urn:ietf:params:oauth:grant-type:jwt-bearer" as the grant_type.`
	descScope         = "The requested scope is invalid, unknown, or not granted to this package."
	descNotAnApp      = "The client is not authorized to request an authorization code using this method."
	descNotServer     = `The client is a web or public app: use "authorization_code" or "refresh_token" as the grant_type.`
	descInvalidGrant  = "The authorization code or refresh token is invalid, expired, revoked or already used, " +
		"or was issued to another client or redirect URI, or the code_verifier does not match."
)

// oauthError is the JSON error body, in SFMC's field order.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
	URI         string `json:"error_uri"`
}

// writeOAuthError writes an OAuth error response.
func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, oauthError{Error: code, Description: desc, URI: errorURI})
}

// writeGrantError renders an error from package auth for /v2/token and the
// other client-authenticated endpoints.
func (h *Handler) writeGrantError(w http.ResponseWriter, r *http.Request, err error, basic bool, accountID int64) {
	var bad errBadRequest
	switch {
	case writeRateLimited(w, err):
	case errors.As(err, &bad):
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", string(bad))
	case errors.Is(err, auth.ErrInvalidClient), errors.Is(err, auth.ErrNotLegacyPackage):
		if basic {
			w.Header().Set("WWW-Authenticate", `Basic realm="fuelgate"`)
		}
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", descInvalidClient)
	case errors.Is(err, auth.ErrLegacyPackage):
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", descLegacy)
	case errors.Is(err, auth.ErrInvalidGrant):
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", descInvalidGrant)
	case errors.Is(err, auth.ErrUnauthorizedClient):
		writeOAuthError(w, http.StatusUnauthorized, "unauthorized_client", descNotAnApp)
	case errors.Is(err, auth.ErrNotServerToServer):
		writeOAuthError(w, http.StatusUnauthorized, "unauthorized_client", descNotServer)
	case errors.Is(err, auth.ErrInvalidScope):
		writeOAuthError(w, http.StatusBadRequest, "invalid_scope", descScope)
	case errors.Is(err, auth.ErrAccountUnreachable):
		writeOAuthError(w, http.StatusBadRequest, "unauthorized_client",
			"The client is not authorized for account_id "+strconv.FormatInt(accountID, 10)+".")
	default:
		h.log().ErrorContext(r.Context(), "token request failed", "err", err)
		writeOAuthError(w, http.StatusInternalServerError, "server_error", "An internal error occurred. Try again later.")
	}
}

// writeJSON writes v with the headers every auth response carries.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"server_error"}`)
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "application/json;charset=UTF-8")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Pragma", "no-cache")
	w.WriteHeader(status)
	w.Write(b)
}

// methodNotAllowed answers a request with the wrong method.
func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "Use "+allow+" for this endpoint.")
}
