// Package auth checks credentials at runtime: it grants access tokens for
// client credentials (v2 and legacy v1), verifies tokens presented to the
// SOAP endpoint and the Bearer endpoints, verifies username/password
// credentials (WS-Security UsernameToken PasswordText and PasswordDigest with
// nonce replay and Created freshness, console sign-in) and applies the
// lockout rules. It decides who is calling, not what they may do: once a
// credential is verified it asks package manage for the caller's Actor, and
// manage makes every authorization decision. Every time-dependent rule
// reads the injected clock.
//
// It also bounds what failures cost: usernames are keyed one way whatever
// their spelling (package userkey); failed password logins are throttled
// per source address and per username key; each package's token issuance
// is rate-limited; failure audit events are aggregated (auditLog); and a
// failure costs an unknown username what it costs an existing one, in time
// (no store write while the caller waits, see lockouts) and in what the
// Observer is told.
package auth

import (
	"context"
	"log/slog"
	"runtime"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
	"github.com/fuelgate/fuelgate/internal/throttle"
	"github.com/fuelgate/fuelgate/internal/ttlcache"
	"github.com/fuelgate/fuelgate/manage"
	"golang.org/x/sync/singleflight"
)

// Config configures a Service. Store, Keys and Manage are required; zero
// values of the other fields select the documented defaults.
type Config struct {
	Store  fuelgate.Store
	Keys   *secret.Keys
	Manage *manage.Service  // builds the actors of verified principals
	Now    func() time.Time // default time.Now
	Log    *slog.Logger     // default slog.Default()

	// TokenCacheTTL bounds how long a verified token, user or package
	// snapshot is used without re-reading the store (default 15s). It is the
	// bound on how late a change made by another process (CLI, another
	// instance) takes effect.
	TokenCacheTTL time.Duration
	// TokenCacheSize bounds the number of entries of each cache (default 100000).
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
	// RefreshLifetime is the lifetime of v1 refresh tokens and of the
	// refresh tokens of web and public apps (default 30 days). A web or
	// public app's refresh token rotates: each refresh gets a new one with
	// a full lifetime.
	RefreshLifetime time.Duration
	// AuditRetention is how long audit events are kept by Sweep (default 90 days; negative keeps forever).
	AuditRetention time.Duration
	// AuditWindow is how long repeated failures from one source are gathered
	// into one aggregate audit event (default 10s; see auditLog).
	AuditWindow time.Duration
	// AddressThrottle limits failed password logins (UsernameToken and
	// console) per source address (zero: 20 failures, then one a second).
	AddressThrottle throttle.Config
	// UsernameThrottle limits failed password logins per username key,
	// from any address (zero: 10 failures, then one every 6 seconds).
	UsernameThrottle throttle.Config
	// TokenRate is how many tokens a second each package may be issued,
	// /v2/token and /v1/requestToken together (0: the default, 100;
	// negative: unlimited); TokenBurst how many at once (0: 10 × TokenRate).
	TokenRate  float64
	TokenBurst int
	// Observer receives counts for metrics (default: none).
	Observer Observer
}

// Observer receives what the service counts. Labels are low-cardinality:
// versions ("v1", "v2"), cache names and throttle names — never an ID. What
// it is told never depends on whether a username exists: lockouts (which
// only an existing user can reach) are not counted here but audited.
type Observer interface {
	TokenIssued(version string)
	TokenRefused(version string)
	Cache(name string, hit bool)
	// Throttled counts a request refused by a limit: "address" or
	// "username" (failed password logins) or "package" (token issuance).
	Throttled(limit string)
	// SlowHash counts an argon2id verification as it starts (for an
	// unknown user too: a dummy hash costs the same).
	SlowHash()
}

type noObserver struct{}

func (noObserver) TokenIssued(string)  {}
func (noObserver) TokenRefused(string) {}
func (noObserver) Cache(string, bool)  {}
func (noObserver) Throttled(string)    {}
func (noObserver) SlowHash()           {}

// Service implements the runtime rules. It is safe for concurrent use.
type Service struct {
	cfg      Config
	store    fuelgate.Store
	keys     *secret.Keys
	manage   *manage.Service
	now      func() time.Time
	log      *slog.Logger
	tokens   *ttlcache.Cache[tokenEntry]         // by token storage key
	users    *ttlcache.Cache[userEntry]          // by username key
	creds    *ttlcache.Cache[credEntry]          // by HMAC of username and password
	packages *ttlcache.Cache[*fuelgate.Package]  // by client ID
	settings *ttlcache.Cache[*fuelgate.Settings] // by enterprise MID
	slow     chan struct{}
	flights  singleflight.Group // concurrent argon2id runs of one credential

	sealer      *secret.Sealer     // sealed access tokens (sealed.go)
	revs        revocationSnapshot // what refuses sealed tokens
	dummyDigest []byte             // a sealed digest password opened for users without one (same cost)
	obs         Observer

	addrLimit, userLimit *throttle.Limiter // failed password logins
	tokenLimit           *throttle.Limiter // token issuance per package
	events               *auditLog         // aggregated audit events: failures, sealed token issues
	lockouts             lockouts          // failure counts gathered for a background write
	bg                   writes            // background writes (see Settle)
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
	def(&cfg.AuditWindow, 10*time.Second)
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
	n := cfg.TokenCacheSize
	s := &Service{
		cfg:      cfg,
		store:    cfg.Store,
		keys:     cfg.Keys,
		manage:   cfg.Manage,
		now:      cfg.Now,
		log:      cfg.Log,
		tokens:   ttlcache.New[tokenEntry](n),
		users:    ttlcache.New[userEntry](n),
		creds:    ttlcache.New[credEntry](n),
		packages: ttlcache.New[*fuelgate.Package](n),
		settings: ttlcache.New[*fuelgate.Settings](n),
		slow:     make(chan struct{}, cfg.SlowHashes),
		obs:      cfg.Observer,
	}
	s.addrLimit = throttle.New(limitConfig(cfg.AddressThrottle, 20, time.Second, cfg.Now))
	s.userLimit = throttle.New(limitConfig(cfg.UsernameThrottle, 10, 6*time.Second, cfg.Now))
	s.tokenLimit = newTokenLimit(cfg)
	s.events = newAuditLog(s, cfg.AuditWindow)
	if cfg.Keys != nil {
		s.sealer = secret.NewSealer(cfg.Keys.EncryptionKey, sealedPurpose)
		s.dummyDigest, _ = secret.Seal(cfg.Keys.EncryptionKey, []byte(secret.Password()), secret.DigestAAD(0))
	}
	return s
}

// limitConfig fills a throttle configuration's zero fields.
func limitConfig(c throttle.Config, burst int, every time.Duration, now func() time.Time) throttle.Config {
	if c.Burst == 0 {
		c.Burst = burst
	}
	if c.Every == 0 {
		c.Every = every
	}
	if c.Now == nil {
		c.Now = now
	}
	return c
}

// Settle writes the failure counts gathered so far and waits until every
// write this service made in the background for earlier calls (failure
// counts, lockouts, failure audit events) is done. Aggregated failures
// still gathering in their window are not written: see Flush.
func (s *Service) Settle() {
	s.writeFailures(context.Background())
	s.bg.wait()
}

// Flush writes every aggregated failure audit event now, whatever its
// window, and waits for every background write. The server calls it when it
// stops; tests call it to read the audit trail.
func (s *Service) Flush() {
	s.events.flush()
	s.Settle()
}

// Forget drops every cached token, user, package, settings and revocation
// snapshot, so
// that the next call re-reads the store. Admin changes made in this process
// call it; changes made elsewhere take effect within TokenCacheTTL, or at
// once where the store notifies. Verified credentials are kept: they are
// bound to the user's ID and password version, which the fresh snapshot
// checks, so a password change invalidates them by itself.
func (s *Service) Forget() {
	s.tokens.Clear()
	s.users.Clear()
	s.packages.Clear()
	s.settings.Clear()
	s.revs.drop()
}

// settingsOf returns the settings of an enterprise from a snapshot at most
// TokenCacheTTL old (the defaults when none are stored).
func (s *Service) settingsOf(ctx context.Context, enterpriseMID int64) (*fuelgate.Settings, error) {
	key := itoa(enterpriseMID)
	now := s.now()
	if st, ok := s.settings.Get(key, now); ok {
		return st, nil
	}
	st, err := s.store.Settings(ctx, enterpriseMID)
	if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
		st, err = fuelgate.DefaultSettings(enterpriseMID), nil
	}
	if err != nil {
		return nil, err
	}
	s.settings.Put(key, st, now.Add(s.cfg.TokenCacheTTL), now)
	return st, nil
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

// background runs fn in its own goroutine, detached from the request's
// cancellation, and counts it for Settle.
func (s *Service) background(ctx context.Context, fn func(ctx context.Context)) {
	s.bg.start()
	go func() {
		defer s.bg.done()
		fn(context.WithoutCancel(ctx))
	}()
}
