package auth

import (
	"strconv"
	"time"
)

// Credential is a username and password as a caller presented them: the
// edge decodes its wire format (a WS-Security UsernameToken, a sign-in form)
// into this.
type Credential struct {
	Username string
	// Password is the password, or for a digest the Base64 PasswordDigest.
	Password    string
	HasPassword bool
	Digest      bool // Password is a PasswordDigest
	Nonce       []byte
	HasNonce    bool
	Created     string // the Created text as sent, used verbatim in a digest
	CreatedAt   time.Time
	HasCreated  bool
}

// Timestamp is a request's WS-Security Timestamp, when present.
type Timestamp struct {
	Created, Expires       time.Time
	HasCreated, HasExpires bool
}

// CheckTimestamp validates a request's Timestamp (nil: none): Expires not
// more than CreatedFuture in the past and Created not more than
// CreatedFuture ahead.
func (s *Service) CheckTimestamp(ts *Timestamp) error {
	if ts == nil {
		return nil
	}
	now := s.now()
	if ts.HasExpires && ts.Expires.Before(now.Add(-s.cfg.CreatedFuture)) {
		return ErrLoginFailed
	}
	if ts.HasCreated && ts.Created.After(now.Add(s.cfg.CreatedFuture)) {
		return ErrLoginFailed
	}
	return nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
