package console

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/clientip"
	"github.com/fuelgate/fuelgate/internal/secret"
	"github.com/fuelgate/fuelgate/manage"
)

// Cookie names. Both are HttpOnly, SameSite=Strict, scoped to /console/ and
// Secure under TLS.
const (
	sessionCookie = "fuelgate_console"
	signInCookie  = "fuelgate_signin" // the sign-in form's CSRF token (double submit)
)

// SignInFailed is the one text shown for every refused sign-in: a wrong
// password, an unknown user, an inactive or a locked one.
const SignInFailed = "Sign-in failed. Check your username and password and try again."

// signInThrottled is the text shown when failed sign-ins from the address,
// or for the username, have used up their allowance. It reads the same
// whether or not the username exists.
func signInThrottled(th *auth.Throttled) string {
	return "Too many failed sign-ins from this address or for this username. Try again in " +
		strconv.Itoa(th.RetrySeconds()) + " seconds."
}

type signInData struct {
	Username string
	Next     string
	Token    string
}

// signInPage shows the sign-in form with a fresh form token.
func (h *Handler) signInPage(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if _, ok := h.sessions.get(c.Value, h.Now()); ok {
			http.Redirect(w, r, "/console/", http.StatusSeeOther)
			return
		}
	}
	h.renderSignIn(w, r, &view{}, "", localNext(r.URL.Query().Get("next")))
}

func (h *Handler) renderSignIn(w http.ResponseWriter, r *http.Request, v *view, username, next string) {
	token := secret.Token()
	h.setCookie(w, signInCookie, token, 0)
	v.Title = "Sign in"
	v.Data = signInData{Username: username, Next: next, Token: token}
	h.render(w, r, "signin.html", v)
}

// signIn checks the form token, then the credentials through auth.SignIn
// (argon2id, lockout, audit), and starts a session.
func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, nil, err)
		return
	}
	username := strings.TrimSpace(r.PostForm.Get("username"))
	next := localNext(r.PostForm.Get("next"))
	c, err := r.Cookie(signInCookie)
	token := r.PostForm.Get("csrf")
	if err != nil || token == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(token)) != 1 {
		h.renderSignIn(w, r, &view{Status: http.StatusForbidden,
			Errors: formErrors{Form: "The sign-in form expired. Please sign in again."}}, username, next)
		return
	}
	u, err := h.Auth.SignIn(r.Context(), username, r.PostForm.Get("password"), clientip.From(r))
	if v, refused := signInRefused(w, err); refused {
		h.renderSignIn(w, r, v, username, next)
		return
	}
	if err != nil {
		h.fail(w, r, nil, err)
		return
	}
	h.startSession(w, r, u)
	h.clearCookie(w, signInCookie)
	if next == "" {
		next = "/console/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// signInRefused reports whether err, from auth.Service.SignIn, refuses the
// sign-in, and the view the form is shown again with. Every sign-in form
// (the console's, the authorization page's) answers refusals through it.
func signInRefused(w http.ResponseWriter, err error) (*view, bool) {
	var th *auth.Throttled
	if errors.As(err, &th) {
		w.Header().Set("Retry-After", strconv.Itoa(th.RetrySeconds()))
		return &view{Status: http.StatusTooManyRequests, Errors: formErrors{Form: signInThrottled(th)}}, true
	}
	if errors.Is(err, auth.ErrLoginFailed) {
		return &view{Status: http.StatusUnauthorized, Errors: formErrors{Form: SignInFailed}}, true
	}
	return nil, false
}

// startSession starts a console session for the signed-in user a, replacing
// any session of the browser.
func (h *Handler) startSession(w http.ResponseWriter, r *http.Request, a *manage.Actor) *session {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if old, ok := h.sessions.get(c.Value, h.Now()); ok {
			h.sessions.delete(old)
		}
	}
	id, sess := h.sessions.create(a.UserID(), a.PasswordVersion(), h.Now())
	h.setCookie(w, sessionCookie, id, 0)
	return sess
}

// signOut ends the session.
func (h *Handler) signOut(rq *request) error {
	h.sessions.delete(rq.sess)
	h.clearCookie(rq.w, sessionCookie)
	return rq.redirect("/console/signin")
}

func (h *Handler) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/console/", MaxAge: maxAge,
		HttpOnly: true, Secure: h.Secure, SameSite: http.SameSiteStrictMode})
}

func (h *Handler) clearCookie(w http.ResponseWriter, name string) { h.setCookie(w, name, "", -1) }

// localNext returns next if it is a console path on this server, else "".
func localNext(next string) string {
	if next == "" || strings.ContainsAny(next, "\\\r\n") || strings.HasPrefix(next, "//") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/console/") {
		return ""
	}
	return next
}
