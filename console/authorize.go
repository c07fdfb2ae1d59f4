package console

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/clientip"
	"github.com/fuelgate/fuelgate/internal/secret"
	"github.com/fuelgate/fuelgate/manage"
)

// The authorization pages of web and public apps (GET /v2/authorize): a
// Marketing Cloud user signs in with the console's sign-in (the same
// argon2id check, lockout, throttling, audit and double-submit form token,
// and a console session), chooses a business unit when the app may act in
// more than one of theirs, and is sent back to the app's redirect URI with
// a code. The authorization request travels in hidden fields and package
// auth validates it again at every step, so nothing is kept between pages
// but the session.

func (h *Handler) registerAuthorize(mux *http.ServeMux) {
	mux.Handle("GET /v2/authorize", headers(http.HandlerFunc(h.authorize)))
	mux.Handle("POST /console/authorize", headers(http.HandlerFunc(h.authorizeSignIn)))
	mux.Handle("POST /console/authorize/business-unit", h.authed(h.authorizeBU))
}

// authorizeParams are the parameters of an authorization request, as the
// page carries them from step to step.
var authorizeParams = []string{"response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"}

// authorizeData is what the authorization pages show and carry.
type authorizeData struct {
	App      string   // the package's name
	Scopes   []string // what it asks for
	Params   [][2]string
	Username string
	Token    string              // the sign-in form token
	BUs      []*fuelgate.Account // the choices, on the business-unit page
}

// authorizeRequest decodes the authorization request in v (the query, or
// the form of a later step).
func authorizeRequest(v url.Values) auth.AuthorizeRequest {
	req := auth.AuthorizeRequest{ResponseType: v.Get("response_type"), ClientID: v.Get("client_id"),
		RedirectURI: v.Get("redirect_uri"), State: v.Get("state"), CodeChallenge: v.Get("code_challenge"),
		CodeChallengeMethod: v.Get("code_challenge_method")}
	if sc, ok := v["scope"]; ok && len(sc) > 0 {
		req.Scope = &sc[0]
	}
	for _, k := range authorizeParams {
		if len(v[k]) > 1 {
			req.Repeated = k
		}
	}
	return req
}

// checkAuthorization validates the request in v. When it reports false it
// has answered: an error page for a client or redirect URI that cannot be
// trusted, else a redirect back to the app with the error.
func (h *Handler) checkAuthorization(w http.ResponseWriter, r *http.Request, v url.Values) (*auth.Authorization, bool) {
	az, err := h.Auth.Authorize(r.Context(), authorizeRequest(v))
	var ae *auth.AuthorizeError
	switch {
	case err == nil:
		return az, true
	case errors.As(err, &ae):
		http.Redirect(w, r, backToApp(v.Get("redirect_uri"), "error", ae.Code, "error_description", ae.Description, "state", v.Get("state")), http.StatusFound)
	case fuelgate.ErrorCode(err) == fuelgate.EINVALID:
		h.render(w, r, "error.html", &view{Title: "The app's request cannot be accepted", Status: http.StatusBadRequest,
			Data: fuelgate.ErrorMessage(err)})
	default:
		h.fail(w, r, nil, err)
	}
	return nil, false
}

// backToApp returns the redirect URI with the parameters kv added to its
// query (empty values left out); the URI's own query is kept as it is.
func backToApp(redirectURI string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	sep := "?"
	if strings.Contains(redirectURI, "?") {
		sep = "&"
	}
	return redirectURI + sep + q.Encode()
}

// authorize serves GET /v2/authorize: it checks the request and shows the
// sign-in form for the app.
func (h *Handler) authorize(w http.ResponseWriter, r *http.Request) {
	az, ok := h.checkAuthorization(w, r, r.URL.Query())
	if !ok {
		return
	}
	h.renderAuthorizeSignIn(w, r, &view{}, az, r.URL.Query(), "")
}

func (h *Handler) renderAuthorizeSignIn(w http.ResponseWriter, r *http.Request, v *view, az *auth.Authorization, params url.Values, username string) {
	token := secret.Token()
	h.setCookie(w, signInCookie, token, 0)
	v.Title = "Sign in to authorize " + az.Package.Name
	v.Data = &authorizeData{App: az.Package.Name, Scopes: az.Scopes, Params: carried(params), Username: username, Token: token}
	allowFormAction(w, az.RedirectURI)
	h.render(w, r, "authorize.html", v)
}

// carried lists the authorization parameters of params to carry in hidden fields.
func carried(params url.Values) [][2]string {
	var out [][2]string
	for _, k := range authorizeParams {
		if vs, ok := params[k]; ok && len(vs) > 0 {
			out = append(out, [2]string{k, vs[0]})
		}
	}
	return out
}

// authorizeSignIn serves the sign-in form of the authorization page: the
// form token, the request again, then the credentials through
// auth.Service.SignIn, which starts a console session.
func (h *Handler) authorizeSignIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, nil, err)
		return
	}
	az, ok := h.checkAuthorization(w, r, r.PostForm)
	if !ok {
		return
	}
	username := strings.TrimSpace(r.PostForm.Get("username"))
	c, err := r.Cookie(signInCookie)
	token := r.PostForm.Get("csrf")
	if err != nil || token == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(token)) != 1 {
		h.renderAuthorizeSignIn(w, r, &view{Status: http.StatusForbidden,
			Errors: formErrors{Form: "The sign-in form expired. Please sign in again."}}, az, r.PostForm, username)
		return
	}
	a, err := h.Auth.SignIn(r.Context(), username, r.PostForm.Get("password"), clientip.From(r))
	if v, refused := signInRefused(w, err); refused {
		h.renderAuthorizeSignIn(w, r, v, az, r.PostForm, username)
		return
	}
	if err != nil {
		h.fail(w, r, nil, err)
		return
	}
	sess := h.startSession(w, r, a)
	h.clearCookie(w, signInCookie)
	bus, err := h.Manage.AppBUs(r.Context(), a, az.Package)
	if err != nil {
		h.fail(w, r, nil, err)
		return
	}
	switch len(bus) {
	case 0:
		http.Redirect(w, r, backToApp(az.RedirectURI, "error", "access_denied", "error_description",
			"The user has no business unit this app may act in.", "state", az.State), http.StatusFound)
	case 1:
		h.issueCode(w, r, a, az, bus[0].MID)
	default:
		allowFormAction(w, az.RedirectURI)
		h.render(w, r, "authorize_bu.html", &view{Title: "Authorize " + az.Package.Name, CSRF: sess.csrf,
			Data: &authorizeData{App: az.Package.Name, Scopes: az.Scopes, Params: carried(r.PostForm), BUs: bus}})
	}
}

// authorizeBU serves the business-unit choice of a signed-in user: deny, or
// a code for the chosen BU, which manage decides again.
func (h *Handler) authorizeBU(rq *request) error {
	az, ok := h.checkAuthorization(rq.w, rq.r, rq.r.PostForm)
	if !ok {
		return nil
	}
	if rq.form("decision") == "deny" {
		http.Redirect(rq.w, rq.r, backToApp(az.RedirectURI, "error", "access_denied", "error_description",
			"The user denied the request.", "state", az.State), http.StatusFound)
		return nil
	}
	mid, _ := strconv.ParseInt(rq.form("mid"), 10, 64)
	h.issueCode(rq.w, rq.r, rq.actor, az, mid)
	return nil
}

// issueCode sends the browser back to the app with a code for mid, or with
// access_denied when manage refuses.
func (h *Handler) issueCode(w http.ResponseWriter, r *http.Request, a *manage.Actor, az *auth.Authorization, mid int64) {
	code, err := h.Auth.IssueCode(r.Context(), a, az, mid)
	var ae *auth.AuthorizeError
	switch {
	case err == nil:
		http.Redirect(w, r, backToApp(az.RedirectURI, "code", code, "state", az.State), http.StatusFound)
	case errors.As(err, &ae):
		http.Redirect(w, r, backToApp(az.RedirectURI, "error", ae.Code, "error_description", ae.Description, "state", az.State), http.StatusFound)
	default:
		h.fail(w, r, nil, err)
	}
}

// allowFormAction lets the forms of the page lead, through the server's
// redirect, to the app's redirect URI: browsers apply form-action to the
// redirects that follow a form submission.
func allowFormAction(w http.ResponseWriter, redirectURI string) {
	u, err := url.Parse(redirectURI)
	if err != nil || u.Host == "" {
		return
	}
	w.Header().Set("Content-Security-Policy", contentSecurityPolicy(u.Scheme+"://"+u.Host))
}
