package server

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/fuelgate/fuelgate/internal/clientip"
	"github.com/fuelgate/fuelgate/internal/secret"
)

type ctxKey int

const requestIDKey ctxKey = 1

// RequestID returns the ID the middleware gave the request, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// middleware wraps h with path normalisation, a request ID, panic recovery
// and an access log line per request. The log holds the path, never the
// query string, a header value or a body.
func (s *Server) middleware(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := secret.Token()[:16]
		w.Header().Set("X-Request-Id", id)
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey, id))
		normalizePath(r)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.ErrorContext(r.Context(), "panic", "request_id", id, "path", r.URL.Path, "panic", p)
				if !sw.wrote {
					http.Error(sw, "Internal Server Error", http.StatusInternalServerError)
				}
			}
			s.metrics.observe(r.URL.Path, sw.status, time.Since(start))
			s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("request_id", id), slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", sw.status), slog.Duration("duration", time.Since(start)),
				slog.String("remote", clientip.From(r)))
		}()
		h.ServeHTTP(sw, r)
	})
}

// normalizePath collapses repeated slashes (SDKs configured with a trailing
// slash request "//v2/token") and folds the case of the SOAP endpoint and WSDL
// paths, which clients spell both ways.
func normalizePath(r *http.Request) {
	p := r.URL.Path
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	switch strings.ToLower(p) {
	case "/service.asmx":
		p = "/Service.asmx"
	case "/etframework.wsdl":
		p = "/etframework.wsdl"
	case "/etframeworkfault.xsd":
		p = "/ETFrameworkFault.xsd"
	}
	if p != r.URL.Path {
		r.URL.Path = p
		r.URL.RawPath = ""
	}
}

// statusWriter records the status code for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
