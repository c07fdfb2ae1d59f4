// Package server composes fuelgate: one HTTP handler with the REST auth
// service, the SOAP endpoint, the admin console, health checks and the
// middleware every request passes (request ID, access log, panic recovery,
// path normalisation), plus an http.Server with its timeouts and a graceful
// start and stop.
package server

import (
	"context"
	"crypto/tls"
	"database/sql"
	"errors"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/console"
	"github.com/fuelgate/fuelgate/internal/secret"
	"github.com/fuelgate/fuelgate/internal/throttle"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/soapapi"
	"github.com/fuelgate/fuelgate/tokenapi"
)

// Timeouts and limits of the HTTP server (documented in docs/configuration.md).
const (
	ReadHeaderTimeout = 10 * time.Second
	ReadTimeout       = 30 * time.Second
	WriteTimeout      = 30 * time.Second
	IdleTimeout       = 120 * time.Second
	MaxHeaderBytes    = 64 << 10
	ShutdownTimeout   = 15 * time.Second
)

// Config configures a Server. Store, Keys and PublicURL are required.
type Config struct {
	PublicURL string // the URL clients reach this server at, e.g. "https://127.0.0.1:8443"
	Store     fuelgate.Store
	Keys      *secret.Keys
	Log       *slog.Logger
	Now       func() time.Time
	TLS       *tls.Config // nil: plain HTTP
	Auth      auth.Config // tuning; Store, Keys, Now and Log are filled in
	// SOAPMaxBytes caps a SOAP request body (default 1 MiB).
	SOAPMaxBytes int64
	// SweepInterval is how often expired tokens, nonces and old audit events
	// are deleted (default 1 minute; negative disables).
	SweepInterval time.Duration
	// Timeouts override the HTTP server's timeouts (zero fields keep the defaults).
	Timeouts Timeouts
	// Throttle sets the limits on failed client authentication (zero: defaults,
	// 10 failures then one every 6 s per address and per client ID from it).
	Throttle throttle.Config
	// Pages bounds the Retrieve result sets kept for ContinueRequest (zero:
	// 64 MiB in all, 16 MiB per enterprise, 10 minutes).
	Pages soapapi.PageLimits
	// MetricsAddr, when set, is the address of a separate listener that
	// serves /metrics, which the main listener then does not (see Serve).
	MetricsAddr string
}

// Timeouts are the http.Server limits; the defaults are the constants above.
type Timeouts struct {
	ReadHeader, Read, Write, Idle time.Duration
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// Server is a configured fuelgate.
type Server struct {
	Auth    *auth.Service
	Manage  *manage.Service
	Handler http.Handler

	cfg     Config
	log     *slog.Logger
	srv     *http.Server
	metrics *metrics
}

// New builds a Server.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Keys == nil {
		return nil, errors.New("server: Store and Keys are required")
	}
	if cfg.PublicURL == "" {
		return nil, errors.New("server: PublicURL is required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SOAPMaxBytes == 0 {
		cfg.SOAPMaxBytes = 1 << 20
	}
	if cfg.SweepInterval == 0 {
		cfg.SweepInterval = time.Minute
	}
	var pool *sql.DB
	if sq, ok := cfg.Store.(SQLStore); ok {
		pool = sq.DB()
	}
	s := &Server{cfg: cfg, log: cfg.Log, metrics: newMetrics(pool)}
	s.Manage = manage.New(manage.Config{Store: cfg.Store, Keys: cfg.Keys, Now: cfg.Now, Log: cfg.Log,
		Changed: func() { s.Auth.Forget() }, CacheTTL: cfg.Auth.TokenCacheTTL})
	ac := cfg.Auth
	ac.Store, ac.Keys, ac.Manage, ac.Now, ac.Log = cfg.Store, cfg.Keys, s.Manage, cfg.Now, cfg.Log
	if ac.Observer == nil {
		ac.Observer = s.metrics
	}
	s.Auth = auth.New(ac)
	s.Handler = s.routes()
	s.srv = &http.Server{
		Handler:           s.Handler,
		ReadHeaderTimeout: orDefault(cfg.Timeouts.ReadHeader, ReadHeaderTimeout),
		ReadTimeout:       orDefault(cfg.Timeouts.Read, ReadTimeout),
		WriteTimeout:      orDefault(cfg.Timeouts.Write, WriteTimeout),
		IdleTimeout:       orDefault(cfg.Timeouts.Idle, IdleTimeout),
		MaxHeaderBytes:    MaxHeaderBytes,
		TLSConfig:         cfg.TLS,
		ErrorLog:          slog.NewLogLogger(cfg.Log.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// routes builds the one mux of the program.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	(&tokenapi.Handler{Auth: s.Auth, Manage: s.Manage, PublicURL: s.cfg.PublicURL, Log: s.log,
		Throttle: s.throttle()}).Register(mux)
	soapHandler := s.registerSOAP(mux)
	(&console.Handler{Manage: s.Manage, Auth: s.Auth, PublicURL: s.cfg.PublicURL, Secure: s.cfg.TLS != nil, Now: s.cfg.Now, Log: s.log,
		SOAPCalls: soapHandler.SOAPCalls}).Register(mux)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", s.ready)
	if s.cfg.MetricsAddr == "" {
		mux.Handle("GET /metrics", s.metrics.handler())
	}
	mux.HandleFunc("GET /{$}", root)
	mux.HandleFunc("/", notFound)
	return s.middleware(mux)
}

// throttle builds the limiter for failed client authentication.
func (s *Server) throttle() *throttle.Limiter {
	tc := s.cfg.Throttle
	if tc.Now == nil {
		tc.Now = s.cfg.Now
	}
	return throttle.New(tc)
}

// SQLStore is a Store on database/sql (both of fuelgate's backends are): a
// Server on one exports its connection pool's statistics as metrics.
type SQLStore interface {
	fuelgate.Store
	DB() *sql.DB
}

// forget drops every cache of this process, after another instance changed
// something.
func (s *Server) forget() {
	s.Manage.Forget()
	s.Auth.Forget()
}

// ready answers 200 when the store answers a cheap query (Store.Ping).
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.cfg.Store.Ping(ctx); err != nil {
		s.log.ErrorContext(ctx, "readiness check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("store unavailable\n"))
		return
	}
	w.Write([]byte("ready\n"))
}

// root sends a browser (a request that accepts text/html) to the admin
// console; API clients get the 404 of any unknown path, as from SFMC.
func root(w http.ResponseWriter, r *http.Request) {
	if acceptsHTML(r.Header.Values("Accept")) {
		http.Redirect(w, r, "/console/", http.StatusFound)
		return
	}
	notFound(w, r)
}

// acceptsHTML reports whether Accept header values name text/html with a
// quality above zero. A wildcard alone (*/*, curl's default) does not count:
// API clients send it too.
func acceptsHTML(accept []string) bool {
	for _, v := range accept {
		for _, part := range strings.Split(v, ",") {
			mt, params, err := mime.ParseMediaType(part)
			if err != nil || mt != "text/html" {
				continue
			}
			if q, err := strconv.ParseFloat(params["q"], 64); params["q"] == "" || (err == nil && q > 0) {
				return true
			}
		}
	}
	return false
}

// notFound answers unknown paths in SFMC's gateway shape.
func notFound(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(http.StatusNotFound)
	w.Write([]byte(`{"documentation":"https://developer.salesforce.com/docs/atlas.en-us.mc-apis.meta/mc-apis/error-handling.htm","errorcode":404,"message":"Not Found"}`))
}

// Serve serves until ctx ends, then shuts down gracefully: new connections
// are refused and in-flight requests get ShutdownTimeout to finish, and the
// audit events and failure counts still gathered in memory are written.
// With Config.MetricsAddr it also serves /metrics on a listener of its own.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	sweepCtx, stopSweep := context.WithCancel(context.Background())
	defer stopSweep()
	defer s.Auth.Flush()
	if s.cfg.MetricsAddr != "" {
		stop, err := s.serveMetrics(s.cfg.MetricsAddr)
		if err != nil {
			return err
		}
		defer stop()
	}
	if s.cfg.SweepInterval > 0 {
		go s.Auth.RunSweeper(sweepCtx, s.cfg.SweepInterval)
	}
	if n, ok := s.cfg.Store.(fuelgate.Notifier); ok {
		// Another instance changed something: drop the caches at once.
		go n.Listen(sweepCtx, s.forget)
	}
	errc := make(chan error, 1)
	go func() {
		if s.cfg.TLS != nil {
			errc <- s.srv.ServeTLS(ln, "", "")
		} else {
			errc <- s.srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err := s.srv.Shutdown(shutCtx)
	if e := <-errc; e != nil && !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}
