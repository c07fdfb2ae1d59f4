// Package auth makes fuelgate's runtime authentication decisions: it grants
// access tokens for client credentials (v2 and legacy v1), verifies tokens
// presented to the SOAP endpoint, verifies WS-Security UsernameTokens
// (PasswordText and PasswordDigest, nonce replay, Created freshness, lockout),
// and says what a verified principal may do. Storage holds no rules; this
// package does. Every time-dependent rule reads the injected clock.
package auth

import (
	"context"
	"log/slog"
	"runtime"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
)

// Config configures a Service. Store and Keys are required; zero values of
// the other fields select the documented defaults.
type Config struct {
	Store fuelgate.Store
	Keys  *secret.Keys
	Now   func() time.Time // default time.Now
	Log   *slog.Logger     // default slog.Default()

	// TokenCacheTTL bounds how long a verified token or user snapshot is used
	// without re-reading the store (default 15s). It is the bound on how late
	// a change made by another process (CLI, another instance) takes effect.
	TokenCacheTTL time.Duration
	// TokenCacheSize bounds the number of cached tokens (default 100000).
	TokenCacheSize int
	// CredentialCacheTTL bounds how long a verified PasswordText credential is
	// trusted without running argon2id again (default 5m).
	CredentialCacheTTL time.Duration
	// CreatedPast and CreatedFuture bound a UsernameToken's Created time
	// (defaults 300s and 60s, as WSS4J).
	CreatedPast, CreatedFuture time.Duration
	// NonceMin and NonceMax bound the decoded nonce length (defaults 16 and 64).
	NonceMin, NonceMax int
	// SlowHashes bounds concurrent argon2id verifications (default NumCPU).
	SlowHashes int
	// LegacyLifetime is the v1 accessToken/legacyToken lifetime (default 1h).
	LegacyLifetime time.Duration
	// RefreshLifetime is the v1 refresh-token lifetime (default 30 days).
	RefreshLifetime time.Duration
	// AuditRetention is how long audit events are kept by Sweep (default 90 days; negative keeps forever).
	AuditRetention time.Duration
	// Observer receives counts for metrics (default: none).
	Observer Observer
}

// Observer receives what the service counts. Labels are low-cardinality:
// versions ("v1", "v2"), methods, outcomes and cache names — never an ID.
type Observer interface {
	TokenIssued(version string)
	TokenRefused(version string)
	Login(method, outcome string)
	Lockout()
	Cache(name string, hit bool)
}

type noObserver struct{}

func (noObserver) TokenIssued(string)   {}
func (noObserver) TokenRefused(string)  {}
func (noObserver) Login(string, string) {}
func (noObserver) Lockout()             {}
func (noObserver) Cache(string, bool)   {}

// Service implements the runtime rules. It is safe for concurrent use.
type Service struct {
	cfg     Config
	store   fuelgate.Store
	keys    *secret.Keys
	now     func() time.Time
	log     *slog.Logger
	tokens  *cache[tokenEntry]
	users   *cache[userEntry]
	creds   *cache[credEntry]
	slow    chan struct{}
	flights flights
	obs     Observer
	calls   hourly
}

// New returns a Service for cfg.
func New(cfg Config) *Service {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&cfg.TokenCacheTTL, 15*time.Second)
	def(&cfg.CredentialCacheTTL, 5*time.Minute)
	def(&cfg.CreatedPast, 300*time.Second)
	def(&cfg.CreatedFuture, 60*time.Second)
	def(&cfg.LegacyLifetime, time.Hour)
	def(&cfg.RefreshLifetime, 30*24*time.Hour)
	def(&cfg.AuditRetention, 90*24*time.Hour)
	if cfg.TokenCacheSize == 0 {
		cfg.TokenCacheSize = 100000
	}
	if cfg.NonceMin == 0 {
		cfg.NonceMin = 16
	}
	if cfg.NonceMax == 0 {
		cfg.NonceMax = 64
	}
	if cfg.SlowHashes == 0 {
		cfg.SlowHashes = runtime.NumCPU()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Observer == nil {
		cfg.Observer = noObserver{}
	}
	return &Service{
		cfg:    cfg,
		store:  cfg.Store,
		keys:   cfg.Keys,
		now:    cfg.Now,
		log:    cfg.Log,
		tokens: newCache[tokenEntry](cfg.TokenCacheSize),
		users:  newCache[userEntry](cfg.TokenCacheSize),
		creds:  newCache[credEntry](cfg.TokenCacheSize),
		slow:   make(chan struct{}, cfg.SlowHashes),
		obs:    cfg.Observer,
	}
}

// ObserveLogin counts a SOAP authentication by method and outcome.
func (s *Service) ObserveLogin(method, outcome string) {
	s.obs.Login(method, outcome)
	if outcome == "success" {
		s.calls.add(s.now())
	}
}

// Forget drops every cached token, user snapshot and verified credential, so
// that the next call re-reads the store. Admin changes made in this process
// call it; changes made elsewhere take effect within TokenCacheTTL.
func (s *Service) Forget() {
	s.tokens.clear()
	s.users.clear()
	s.creds.clear()
}

// audit appends an audit event; a failure to write it is logged, not returned,
// because the decision it records has already been made.
func (s *Service) audit(ctx context.Context, e *fuelgate.AuditEvent) {
	if e.Time.IsZero() {
		e.Time = s.now()
	}
	if err := s.store.AppendAudit(ctx, e); err != nil {
		s.log.ErrorContext(ctx, "audit write failed", "action", e.Action, "err", err)
	}
}
