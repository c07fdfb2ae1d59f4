package console

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/clientip"
	"github.com/fuelgate/fuelgate/manage"
)

// request is one signed-in request: the session and the manage.Actor of the
// signed-in user as stored now, which every use-case is called with.
type request struct {
	h     *Handler
	w     http.ResponseWriter
	r     *http.Request
	ctx   context.Context
	sess  *session
	actor *manage.Actor
}

// Errors a handler can return besides *fuelgate.Error.
var (
	errNotFound  = fuelgate.Errorf(fuelgate.ENOTFOUND, "There is no such page.")
	errForbidden = fuelgate.Errorf(fuelgate.EPERMISSION, "The form could not be verified. Reload the page and try again.")
)

// authed wraps a handler that needs a signed-in user. It loads the session
// (idle and absolute expiry), asks manage for the user's actor as stored now
// (a deactivated user or default BU, or a changed password, ends the
// session), and for POST parses the form and checks the CSRF token.
func (h *Handler) authed(fn func(*request) error) http.Handler {
	return headers(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		now := h.Now()
		var sess *session
		if c, err := r.Cookie(sessionCookie); err == nil {
			sess, _ = h.sessions.get(c.Value, now)
		}
		if sess == nil {
			h.toSignIn(w, r)
			return
		}
		a, err := h.Manage.SessionActor(ctx, sess.userID, sess.passwordVersion)
		if errors.Is(err, manage.ErrSessionEnded) {
			h.sessions.delete(sess)
			h.clearCookie(w, sessionCookie)
			h.toSignIn(w, r)
			return
		}
		if err != nil {
			h.fail(w, r, nil, err)
			return
		}
		rq := &request{h: h, w: w, r: r, ctx: ctx, sess: sess, actor: a.WithSourceIP(clientip.From(r))}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
			if err := r.ParseForm(); err != nil {
				h.fail(w, r, rq, fuelgate.Errorf(fuelgate.EINVALID, "The form could not be read."))
				return
			}
			if !sess.checkCSRF(r.PostForm.Get("csrf")) {
				h.fail(w, r, rq, errForbidden)
				return
			}
		}
		if err := fn(rq); err != nil {
			h.fail(w, r, rq, err)
		}
	}))
}

// toSignIn sends a browser without a session to the sign-in page, keeping
// the page it asked for when that was a GET.
func (h *Handler) toSignIn(w http.ResponseWriter, r *http.Request) {
	target := "/console/signin"
	if r.Method == http.MethodGet && r.URL.Path != "/console/" {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// fail renders the error page for err: 403 for a permission refusal, 404 for
// something missing, 400 for invalid input, and a generic 500 (logged, never
// shown) for anything else.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, rq *request, err error) {
	status, title := http.StatusInternalServerError, "Something went wrong"
	msg := "An internal error occurred. It has been logged."
	switch fuelgate.ErrorCode(err) {
	case fuelgate.EPERMISSION:
		status, title, msg = http.StatusForbidden, "Forbidden", fuelgate.ErrorMessage(err)
	case fuelgate.ENOTFOUND:
		status, title, msg = http.StatusNotFound, "Not found", fuelgate.ErrorMessage(err)
	case fuelgate.EINVALID, fuelgate.ECONFLICT:
		status, title, msg = http.StatusBadRequest, "Bad request", fuelgate.ErrorMessage(err)
	default:
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			status, title, msg = http.StatusRequestEntityTooLarge, "Too large", "The form is too large."
			break
		}
		h.Log.ErrorContext(r.Context(), "console error", "path", r.URL.Path, "err", err)
	}
	v := &view{Title: title, Status: status, Data: msg}
	if rq != nil {
		rq.fill(v)
	}
	h.render(w, r, "error.html", v)
}

// render executes a page template inside the layout.
func (rq *request) render(name string, v *view) error {
	rq.fill(v)
	rq.h.render(rq.w, rq.r, name, v)
	return nil
}

// fill adds what the layout needs about the signed-in user.
func (rq *request) fill(v *view) {
	v.User, v.CSRF, v.Can = rq.actor, rq.sess.csrf, capsOf(rq.actor)
}

// redirect answers a successful POST with 303 See Other.
func (rq *request) redirect(path string) error {
	http.Redirect(rq.w, rq.r, path, http.StatusSeeOther)
	return nil
}

// form returns a trimmed form value.
func (rq *request) form(key string) string { return strings.TrimSpace(rq.r.PostForm.Get(key)) }

// formList returns every value of a repeated form field (checkboxes).
func (rq *request) formList(key string) []string { return rq.r.PostForm[key] }

// formMIDs parses repeated BU checkboxes.
func (rq *request) formMIDs(key string) ([]int64, error) {
	var out []int64
	for _, s := range rq.r.PostForm[key] {
		mid, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fuelgate.Errorf(fuelgate.EINVALID, "business unit %q is not a number", fuelgate.Truncate(s, 64))
		}
		out = append(out, mid)
	}
	return out, nil
}

// pathInt parses an integer path segment; a bad one is a missing page.
func (rq *request) pathInt(name string) (int64, error) {
	n, err := strconv.ParseInt(rq.r.PathValue(name), 10, 64)
	if err != nil {
		return 0, errNotFound
	}
	return n, nil
}

// notices are the success messages a redirect can ask for with ?ok=.
var notices = map[string]string{
	"created":     "Created.",
	"saved":       "Saved.",
	"renamed":     "The business unit was renamed.",
	"activated":   "The business unit was activated.",
	"deactivated": "The business unit was deactivated; tokens acting in it were revoked.",
	"password":    "The password was changed.",
	"unlocked":    "The user was unlocked.",
	"enabled":     "The package was enabled.",
	"disabled":    "The package was disabled; its tokens were revoked.",
	"revoked":     "The app's access was revoked.",
}

// notice returns the success message named by the ?ok= parameter, or "".
func notice(rq *request) string { return notices[rq.r.URL.Query().Get("ok")] }
