// Package tokenapi is the REST auth service, wire-compatible with SFMC:
// POST /v2/token (client_credentials), the legacy POST /v1/requestToken and
// GET /platform/v1/endpoints/soap, and, beyond SFMC, token revocation
// (RFC 7009), introspection (RFC 7662) and GET /v2/userinfo. It decodes
// requests, calls package auth, and renders errors in SFMC's shapes.
package tokenapi

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/throttle"
	"github.com/fuelgate/fuelgate/manage"
)

// MaxBodyBytes caps a token request body.
const MaxBodyBytes = 16 << 10

// Handler serves the auth endpoints.
type Handler struct {
	Auth      *auth.Service
	Manage    *manage.Service // describes a token's actor to itself (userinfo)
	PublicURL string          // e.g. "https://auth.example.com"; instance URLs are built from it
	Log       *slog.Logger
	// Throttle limits failed client authentication (nil: no throttling).
	Throttle *throttle.Limiter
}

// Register adds the endpoints to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("/v2/token", h.token)
	mux.HandleFunc("/v2/token/revoke", h.revoke)
	mux.HandleFunc("/v2/token/introspect", h.introspect)
	mux.HandleFunc("/v2/userinfo", h.userinfo)
	mux.HandleFunc("/v1/requestToken", h.requestToken)
	mux.HandleFunc("/platform/v1/endpoints/soap", h.endpointsSOAP)
}

// baseURL is the public URL with exactly one trailing slash.
func (h *Handler) baseURL() string { return strings.TrimRight(h.PublicURL, "/") + "/" }

func (h *Handler) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}
