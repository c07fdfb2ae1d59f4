package server

import (
	"database/sql"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the Prometheus series of one server. Labels are low-cardinality
// only: routes from a fixed list, outcomes, methods — never a client ID or a
// username. No series moves differently for an existing username than for
// an unknown one (lockouts, which only an existing user can reach, are in
// the audit trail, not here), so reading them tells nobody which usernames
// exist; serve them on a separate listener anyway (Config.MetricsAddr).
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	tokens    *prometheus.CounterVec
	logins    *prometheus.CounterVec
	throttled *prometheus.CounterVec
	hashes    prometheus.Counter
	cache     *prometheus.CounterVec
}

func newMetrics(db *sql.DB) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fuelgate_http_requests_total",
			Help: "HTTP requests by route and status class."}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "fuelgate_http_request_duration_seconds",
			Help: "HTTP request latency by route.", Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}},
			[]string{"route"}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fuelgate_tokens_total",
			Help: "Token requests by API version (v1, v2) and result (issued, refused)."}, []string{"version", "result"}),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fuelgate_soap_logins_total",
			Help: "SOAP call authentications by method (token, legacy_token, password_text, password_digest, none, ambiguous, timestamp) and outcome (success, failure, expired)."},
			[]string{"method", "outcome"}),
		throttled: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fuelgate_throttled_total",
			Help: "Requests refused by a limit: failed password logins per source address (address) or per username (username), token issuance per package (package)."},
			[]string{"limit"}),
		hashes: prometheus.NewCounter(prometheus.CounterOpts{Name: "fuelgate_password_hashes_total",
			Help: "argon2id password verifications run (an unknown username's dummy verification included)."}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fuelgate_cache_lookups_total",
			Help: "In-process cache lookups by cache (token, user, credential) and result (hit, miss)."}, []string{"cache", "result"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.tokens, m.logins, m.throttled, m.hashes, m.cache,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if db != nil {
		m.reg.MustRegister(collectors.NewDBStatsCollector(db, "fuelgate"))
	}
	return m
}

// handler serves /metrics.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// serveMetrics serves /metrics (and nothing else) on its own listener at
// addr, as Prometheus exporters commonly do, so that it can be bound to a
// private interface. It returns a function that stops it.
func (s *Server) serveMetrics(addr string) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics listener: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metrics.handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: ReadHeaderTimeout, ReadTimeout: ReadTimeout,
		WriteTimeout: WriteTimeout, IdleTimeout: IdleTimeout, MaxHeaderBytes: MaxHeaderBytes,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	s.log.Info("metrics listening", "addr", ln.Addr().String())
	go srv.Serve(ln)
	return func() { srv.Close() }, nil
}

// observe records one request.
func (m *metrics) observe(path string, status int, d time.Duration) {
	r := route(path)
	m.requests.WithLabelValues(r, strconv.Itoa(status/100)+"xx").Inc()
	m.latency.WithLabelValues(r).Observe(d.Seconds())
}

// The methods below implement auth.Observer.

// TokenIssued counts an issued token.
func (m *metrics) TokenIssued(version string) { m.tokens.WithLabelValues(version, "issued").Inc() }

// TokenRefused counts a refused token request.
func (m *metrics) TokenRefused(version string) { m.tokens.WithLabelValues(version, "refused").Inc() }

// Login counts a SOAP authentication.
func (m *metrics) Login(method, outcome string) { m.logins.WithLabelValues(method, outcome).Inc() }

// Throttled counts a request a limit refused.
func (m *metrics) Throttled(limit string) { m.throttled.WithLabelValues(limit).Inc() }

// SlowHash counts an argon2id verification.
func (m *metrics) SlowHash() { m.hashes.Inc() }

// Cache counts a cache lookup.
func (m *metrics) Cache(name string, hit bool) {
	res := "miss"
	if hit {
		res = "hit"
	}
	m.cache.WithLabelValues(name, res).Inc()
}

// routes is the fixed list of route labels.
var routes = []string{"/v2/token/revoke", "/v2/token/introspect", "/v2/token", "/v2/userinfo", "/v1/requestToken",
	"/platform/v1/endpoints/soap", "/Service.asmx", "/etframework.wsdl", "/ETFrameworkFault.xsd", "/healthz", "/readyz", "/metrics"}

func route(path string) string {
	for _, r := range routes {
		if path == r {
			return r
		}
	}
	if strings.HasPrefix(path, "/console/") || path == "/console" {
		return "/console"
	}
	return "other"
}
