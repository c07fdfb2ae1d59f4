// Package console is fuelgate's admin web console, served under /console/:
// server-rendered html/template pages with embedded assets (plain CSS, one
// small script for the copy button), for business units, users, roles,
// installed packages, security settings, the audit trail and an overview.
//
// Users sign in with their username and password (argon2id, with the
// enterprise's lockout rules, through auth.Service.SignIn). Sessions live in
// memory in a bounded map keyed by a 256-bit random ID carried in an
// HttpOnly, SameSite=Strict cookie (Secure under TLS); they end after 30
// minutes idle or 12 hours in all, on sign-out, when the user is deactivated
// or their password changes, and when the process restarts. Several
// instances behind a load balancer need sticky sessions.
//
// Every form carries a per-session CSRF token compared in constant time.
// Every page and action builds a manage.Actor for the signed-in user and
// calls the manage use-cases, which make the permission decisions: templates
// only hide what the actor may not do, and a forged request is refused by
// manage and answered with a 403 page.
package console

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/manage"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Session limits (documented in docs/console.md).
const (
	DefaultIdleTimeout     = 30 * time.Minute
	DefaultAbsoluteTimeout = 12 * time.Hour
	DefaultMaxSessions     = 10000
	maxFormBytes           = 1 << 20
)

// Handler serves the console. Fill in the exported fields, then call Register.
type Handler struct {
	Manage    *manage.Service
	Auth      *auth.Service
	PublicURL string // shown on package pages (auth and SOAP base URLs)
	// SOAPCalls reports the SOAP calls served per hour for the last 24 hours
	// (see soapapi.Handler.SOAPCalls); nil shows none.
	SOAPCalls func(now time.Time) []int
	Secure    bool             // the server speaks TLS: cookies get the Secure flag
	Now       func() time.Time // default time.Now
	Log       *slog.Logger     // default slog.Default()

	IdleTimeout     time.Duration // default DefaultIdleTimeout
	AbsoluteTimeout time.Duration // default DefaultAbsoluteTimeout
	MaxSessions     int           // default DefaultMaxSessions

	sessions *sessions
	pages    map[string]*pageTemplate
}

// Register adds the console's routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	h.init()
	static, _ := fs.Sub(staticFS, "static")
	fileServer := http.FileServerFS(static)
	files := http.StripPrefix("/console/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") { // no directory listings
			http.NotFound(w, r)
			return
		}
		fileServer.ServeHTTP(w, r)
	}))
	mux.Handle("GET /console/static/", headers(cacheable(files)))
	mux.Handle("GET /console", http.RedirectHandler("/console/", http.StatusMovedPermanently))
	mux.Handle("GET /console/signin", headers(http.HandlerFunc(h.signInPage)))
	mux.Handle("POST /console/signin", headers(http.HandlerFunc(h.signIn)))
	mux.Handle("POST /console/signout", h.authed(h.signOut))

	mux.Handle("GET /console/{$}", h.authed(h.overview))
	h.registerBusinessUnits(mux)
	h.registerUsers(mux)
	h.registerRoles(mux)
	h.registerPackages(mux)
	h.registerSettings(mux)
	h.registerAuthorize(mux)
	h.registerApps(mux)
	mux.Handle("GET /console/audit", h.authed(h.audit))
	mux.Handle("/console/", h.authed(func(rq *request) error { return errNotFound }))
}

func (h *Handler) init() {
	if h.Now == nil {
		h.Now = time.Now
	}
	if h.Log == nil {
		h.Log = slog.Default()
	}
	if h.IdleTimeout <= 0 {
		h.IdleTimeout = DefaultIdleTimeout
	}
	if h.AbsoluteTimeout <= 0 {
		h.AbsoluteTimeout = DefaultAbsoluteTimeout
	}
	if h.MaxSessions <= 0 {
		h.MaxSessions = DefaultMaxSessions
	}
	h.PublicURL = strings.TrimRight(h.PublicURL, "/")
	h.sessions = newSessions(h.MaxSessions, h.IdleTimeout, h.AbsoluteTimeout)
	h.pages = mustParsePages()
}

// headers sets the security headers every console response carries. Pages
// are never cached: they show admin data and, once, client secrets.
func headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", contentSecurityPolicy(""))
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy is the policy of every console page; formAction,
// when set, is one more origin forms may lead to (an app's redirect URI).
func contentSecurityPolicy(formAction string) string {
	if formAction != "" {
		formAction = " " + formAction
	}
	return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
		"form-action 'self'" + formAction + "; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'"
}

// cacheable lets browsers keep the embedded assets for an hour.
func cacheable(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}
