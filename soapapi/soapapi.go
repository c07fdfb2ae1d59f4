// Package soapapi serves the SOAP endpoint /Service.asmx and its WSDL. It
// decodes each envelope (package soap), authenticates the call by fueloauth
// token, legacy oAuth token or WS-Security UsernameToken (package auth,
// which yields the caller's manage.Actor), dispatches the operation to the
// object types of package objects, which read and write through package
// manage (the one authorization decider), and renders results, business
// errors (HTTP 200) and faults (HTTP 500) in SFMC's shapes. It also counts
// the calls it authenticates, per hour, for the console's overview.
package soapapi

import (
	"bytes"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/soap"
	"github.com/fuelgate/fuelgate/soapapi/objects"
)

// DefaultMaxBytes caps a SOAP request body.
const DefaultMaxBytes = 1 << 20

// LoginObserver counts SOAP authentications by method (token, legacy_token,
// password_text, password_digest, none, ambiguous, timestamp) and outcome
// (success, failure, expired).
type LoginObserver interface {
	Login(method, outcome string)
}

// Handler serves /Service.asmx.
type Handler struct {
	Auth      *auth.Service
	Manage    *manage.Service
	Logins    LoginObserver // may be nil
	PublicURL string
	Log       *slog.Logger
	Now       func() time.Time
	MaxBytes  int64          // default DefaultMaxBytes
	Limits    soap.Limits    // XML depth, element count and text caps
	Location  *time.Location // zone of SOAP dateTime values, default UTC
	// BatchSize is the largest Retrieve page (default 2500, as SFMC).
	BatchSize int
	// Pages bounds the result sets kept for ContinueRequest.
	Pages PageLimits

	once    sync.Once
	types   map[string]objects.Object
	fields  map[string]map[string]bool // retrievable properties by type
	pages   *pageStore
	bufPool sync.Pool
	calls   hourly
}

// SOAPCalls returns the number of SOAP calls this handler authenticated in
// each of the 24 hours ending with now's hour, oldest first. The counts live
// in memory only: they start at zero when the process starts.
func (h *Handler) SOAPCalls(now time.Time) []int { return h.calls.last24(now) }

func (h *Handler) init() {
	h.once.Do(func() {
		h.types = objects.Registry()
		h.fields = map[string]map[string]bool{}
		for name, o := range h.types {
			h.fields[name] = retrievable(o)
		}
		h.pages = newPageStore(h.Pages, func() time.Time { return h.Now() })
		if h.Now == nil {
			h.Now = time.Now
		}
		if h.Log == nil {
			h.Log = slog.Default()
		}
		if h.MaxBytes == 0 {
			h.MaxBytes = DefaultMaxBytes
		}
		if h.BatchSize == 0 {
			h.BatchSize = 2500
		}
		if h.Location == nil {
			h.Location = time.UTC
		}
		h.bufPool.New = func() any { return new(bytes.Buffer) }
	})
}

// actor is the faultactor: this endpoint's URL.
func (h *Handler) actor() string { return strings.TrimRight(h.PublicURL, "/") + "/Service.asmx" }

// request is one SOAP call being served.
type request struct {
	w   http.ResponseWriter
	r   *http.Request
	env *soap.Envelope
	v   soap.Version
}

// ServeHTTP serves one SOAP call.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.init()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "Use POST with a SOAP envelope.", http.StatusMethodNotAllowed)
		return
	}
	req := &request{w: w, r: r, v: soap.V11}
	env, err := soap.Decode(http.MaxBytesReader(w, r.Body, h.MaxBytes),
		soap.HTTPInfo{SOAPAction: r.Header.Get("SOAPAction"), ContentType: r.Header.Get("Content-Type")}, h.Limits)
	if err != nil {
		h.decodeFailed(req, err)
		return
	}
	req.env, req.v = env, env.Version
	ctx := r.Context()
	a, err := h.authenticate(ctx, env, r)
	if err != nil {
		h.authFailed(req, err)
		return
	}
	body, err := h.dispatch(ctx, req, a)
	if err != nil {
		var f *soap.Fault
		if errors.As(err, &f) {
			h.writeFault(req, http.StatusInternalServerError, f)
			return
		}
		h.Log.ErrorContext(ctx, "soap call failed", "action", env.Action, "err", err)
		h.writeFault(req, http.StatusInternalServerError, soap.ServerFault("An unexpected error occurred. Try again later."))
		return
	}
	h.writeResponse(req, responseAction(env.Action), body)
}

// versionHint guesses the SOAP version from the Content-Type, for faults
// about bodies that could not be decoded.
func versionHint(ct string) soap.Version {
	mt, _, _ := mime.ParseMediaType(ct)
	if mt == "application/soap+xml" {
		return soap.V12
	}
	return soap.V11
}

// decodeFailed answers a body that is too large, malformed or refused:
// HTTP 413 or 400 with a SOAP Client fault that says why.
func (h *Handler) decodeFailed(req *request, err error) {
	req.v = versionHint(req.r.Header.Get("Content-Type"))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		h.writeFault(req, http.StatusRequestEntityTooLarge,
			soap.ClientFault("Request Entity Too Large: the SOAP body exceeds "+strconv.FormatInt(h.MaxBytes, 10)+" bytes."))
		return
	}
	var de *soap.DecodeError
	msg := "Bad Request: the request is not a well-formed SOAP envelope."
	if errors.As(err, &de) {
		msg = "Bad Request: " + de.Error()
	}
	h.writeFault(req, http.StatusBadRequest, soap.ClientFault(msg))
}

// authFailed answers an authentication failure with the SFMC security fault.
func (h *Handler) authFailed(req *request, err error) {
	switch {
	case errors.Is(err, auth.ErrTokenExpired):
		h.writeFault(req, http.StatusInternalServerError, soap.SecurityFault(soap.FaultTokenExpired, h.actor()))
	case errors.Is(err, auth.ErrLoginFailed):
		h.writeFault(req, http.StatusInternalServerError, soap.SecurityFault(soap.FaultLoginFailed, h.actor()))
	default:
		h.Log.ErrorContext(req.r.Context(), "authentication error", "err", err)
		h.writeFault(req, http.StatusInternalServerError, soap.ServerFault("An unexpected error occurred during login. Try again later."))
	}
}

// writeResponse writes a 200 response with body as payload.
func (h *Handler) writeResponse(req *request, action string, body *soap.Element) {
	buf := h.bufPool.Get().(*bytes.Buffer)
	defer h.putBuf(buf)
	if err := soap.WriteResponse(buf, req.v, h.header(req, action), body); err != nil {
		h.Log.ErrorContext(req.r.Context(), "encode response", "err", err)
		h.writeFault(req, http.StatusInternalServerError, soap.ServerFault("The response could not be encoded."))
		return
	}
	h.send(req, http.StatusOK, buf)
}

// writeFault writes a fault with its HTTP status.
func (h *Handler) writeFault(req *request, status int, f *soap.Fault) {
	buf := h.bufPool.Get().(*bytes.Buffer)
	defer h.putBuf(buf)
	if err := soap.WriteFault(buf, req.v, h.header(req, soap.FaultActionURI), f); err != nil {
		http.Error(req.w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	h.send(req, status, buf)
}

func (h *Handler) header(req *request, action string) soap.ResponseHeader {
	hdr := soap.ResponseHeader{Action: action, Now: h.Now()}
	if req.env != nil && req.env.MessageID != "" && len(req.env.MessageID) <= 200 {
		hdr.RelatesTo = req.env.MessageID
	}
	return hdr
}

func (h *Handler) send(req *request, status int, buf *bytes.Buffer) {
	hdr := req.w.Header()
	hdr.Set("Content-Type", req.v.ContentType())
	hdr.Set("Content-Length", strconv.Itoa(buf.Len()))
	hdr.Set("Cache-Control", "private, no-store")
	req.w.WriteHeader(status)
	req.w.Write(buf.Bytes())
}

func (h *Handler) putBuf(b *bytes.Buffer) {
	if b.Cap() <= 1<<20 {
		b.Reset()
		h.bufPool.Put(b)
	}
}

// call builds the objects.Call of an authenticated actor.
func (h *Handler) call(a *manage.Actor) *objects.Call {
	return &objects.Call{Actor: a, Manage: h.Manage, Location: h.Location, Now: h.Now}
}

// responseAction is the wsa:Action of an operation's response.
func responseAction(op string) string { return op + "Response" }
