package auth

import (
	"math"
	"strconv"
	"time"

	"github.com/fuelgate/fuelgate/internal/throttle"
)

// Throttled is the error of a request that a limit refused before any
// credential work: no password hash, no store write. Limit names it:
// "address" or "username" (failed password logins from one source address,
// or for one username key from anywhere) or "package" (the token issuance
// rate of one package). The SOAP endpoint never sees it (VerifyUser answers
// a throttled login with ErrLoginFailed, like any other failure); the
// console shows it and /v2/token answers it with HTTP 429.
type Throttled struct {
	Limit      string
	RetryAfter time.Duration
}

func (e *Throttled) Error() string {
	return "too many requests (" + e.Limit + " limit): retry after " + strconv.Itoa(e.RetrySeconds()) + " s"
}

// RetrySeconds is RetryAfter rounded up to whole seconds, at least 1.
func (e *Throttled) RetrySeconds() int { return max(int(math.Ceil(e.RetryAfter.Seconds())), 1) }

// loginAttempt is a password login's place in the throttles of its source
// address and its username key, held until its outcome is known: attempts
// in flight count against the allowance, so concurrent ones cannot all
// pass, and only a failure spends from it.
type loginAttempt struct {
	endAddr, endUser func(failed bool)
}

// beginLogin takes a place for a login from ip for the username key, or
// reports which limit refuses it.
func (s *Service) beginLogin(ip, key string) (*loginAttempt, *Throttled) {
	endAddr, ok, wait := s.addrLimit.Begin(ip)
	if !ok {
		s.obs.Throttled("address")
		return nil, &Throttled{Limit: "address", RetryAfter: wait}
	}
	endUser, ok, wait := s.userLimit.Begin(key)
	if !ok {
		endAddr(false)
		s.obs.Throttled("username")
		return nil, &Throttled{Limit: "username", RetryAfter: wait}
	}
	return &loginAttempt{endAddr: endAddr, endUser: endUser}, nil
}

// end gives the place back; a failure spends from both allowances.
func (a *loginAttempt) end(failed bool) {
	a.endAddr(failed)
	a.endUser(failed)
}

// newTokenLimit returns the per-package token rate limit of cfg (nil: none).
func newTokenLimit(cfg Config) *throttle.Limiter {
	if cfg.TokenRate < 0 {
		return nil
	}
	r := cfg.TokenRate
	if r == 0 {
		r = 100
	}
	burst := cfg.TokenBurst
	if burst <= 0 {
		burst = max(int(10*r), 1)
	}
	return throttle.New(throttle.Config{Burst: burst, Every: time.Duration(float64(time.Second) / r), Now: cfg.Now})
}

// allowToken spends one token issuance of the package with the given ID.
func (s *Service) allowToken(pkgID int64) error {
	if s.tokenLimit == nil {
		return nil
	}
	if ok, wait := s.tokenLimit.Allow(itoa(pkgID)); !ok {
		s.obs.Throttled("package")
		return &Throttled{Limit: "package", RetryAfter: wait}
	}
	return nil
}
