package fuel

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
)

// Defaults used when the matching Config field is zero.
const (
	// DefaultRefreshMargin is how long before its expiry a token is replaced.
	DefaultRefreshMargin = 5 * time.Minute
	// DefaultHTTPTimeout is the timeout of the http.Client made when
	// Config.HTTPClient is nil.
	DefaultHTTPTimeout = 30 * time.Second
	// DefaultMaxResponseBytes caps the size of one SOAP or token response.
	DefaultMaxResponseBytes = 64 << 20
	// DefaultUserAgent is sent when Config.UserAgent is empty.
	DefaultUserAgent = "fuelgate-fuel-go/1"
)

// ErrConfig is wrapped by every error about an unusable Config.
var ErrConfig = errors.New("fuel: invalid config")

// Config describes how to authenticate to SFMC or fuelgate. Its zero value
// plus the fields of one of the three modes is ready to use:
//
//   - OAuth 2.0 (installed package, the default): AuthBaseURL, ClientID,
//     ClientSecret, and optionally AccountID and Scopes.
//   - Legacy package (Legacy true): AuthBaseURL, ClientID, ClientSecret;
//     tokens come from /v1/requestToken.
//   - API user (Username set): Username, Password, Digest and SOAPEndpoint;
//     each SOAP call carries a WS-Security UsernameToken and no token is
//     fetched.
//
// A Config is copied by the constructors; changing it afterwards has no
// effect on sources and clients made from it.
type Config struct {
	// AuthBaseURL is the package's "Authentication Base URI", e.g.
	// "https://SUBDOMAIN.auth.marketingcloudapis.com/" or a fuelgate URL.
	// Paths are joined to it without producing "//".
	AuthBaseURL  string
	ClientID     string
	ClientSecret string
	// AccountID is the MID of the business unit tokens act in (account_id).
	// Zero omits account_id: the BU where the package was created.
	AccountID int64
	// Scopes are sent space-joined as scope; none omits scope (every scope
	// of the package).
	Scopes []string

	// HTTPClient sends every request. Nil means a client of its own with
	// DefaultHTTPTimeout (never http.DefaultClient).
	HTTPClient *http.Client
	// RefreshMargin is how long before expiry a cached token is replaced
	// (DefaultRefreshMargin when zero, no margin when negative). For a token
	// whose lifetime is shorter than twice the margin, half its lifetime is
	// used instead, so that short-lived tokens stay usable.
	RefreshMargin time.Duration
	// Now is the clock (time.Now when nil). Expiry is computed from
	// expires_in relative to Now at receipt; time.Now carries a monotonic
	// reading, so wall-clock jumps do not matter.
	Now func() time.Time

	// Legacy selects /v1/requestToken (legacy packages) instead of
	// /v2/token. Refresh tokens are used once and rotated.
	Legacy bool
	// LegacyToken appends ?legacy=1 so that the answer also carries a
	// legacyToken (Token.LegacyToken). The SOAP calls of this package send
	// the accessToken in fueloauth either way.
	LegacyToken bool
	// RESTBaseURL is used in legacy mode to discover the SOAP endpoint
	// (GET /platform/v1/endpoints/soap) when SOAPEndpoint is empty. Empty
	// means AuthBaseURL (fuelgate serves both on one host).
	RESTBaseURL string

	// SOAPEndpoint overrides the SOAP URL, which is otherwise the token's
	// soap_instance_url + "Service.asmx". Required in API-user mode.
	SOAPEndpoint string

	// Username, Password and Digest select API-user mode: a WS-Security
	// UsernameToken with PasswordText, or PasswordDigest (fresh 16-byte
	// nonce and Created on every call) when Digest is true.
	Username string
	Password string
	Digest   bool
	// Rand is the nonce source for Digest (crypto/rand when nil).
	Rand io.Reader

	// UserAgent is sent on every request (DefaultUserAgent when empty).
	UserAgent string
	// MaxResponseBytes caps one response body (DefaultMaxResponseBytes
	// when zero).
	MaxResponseBytes int64
}

// userMode reports API-user (UsernameToken) mode.
func (c *Config) userMode() bool { return c.Username != "" }

// validate reports the first missing field of the selected mode.
func (c *Config) validate() error {
	var missing []string
	if c.userMode() {
		if c.SOAPEndpoint == "" {
			missing = append(missing, "SOAPEndpoint")
		}
	} else {
		if c.AuthBaseURL == "" {
			missing = append(missing, "AuthBaseURL")
		}
		if c.ClientID == "" {
			missing = append(missing, "ClientID")
		}
		if c.ClientSecret == "" {
			missing = append(missing, "ClientSecret")
		}
	}
	if len(missing) > 0 {
		return configError(strings.Join(missing, ", ") + " required")
	}
	if c.AccountID < 0 {
		return configError("AccountID must not be negative")
	}
	return nil
}

func configError(msg string) error {
	return &configErr{msg: msg}
}

type configErr struct{ msg string }

func (e *configErr) Error() string { return ErrConfig.Error() + ": " + e.msg }
func (e *configErr) Unwrap() error { return ErrConfig }

func (c *Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Config) userAgent() string {
	if c.UserAgent != "" {
		return c.UserAgent
	}
	return DefaultUserAgent
}

func (c *Config) maxBytes() int64 {
	if c.MaxResponseBytes > 0 {
		return c.MaxResponseBytes
	}
	return DefaultMaxResponseBytes
}

// margin returns the configured refresh margin.
func (c *Config) margin() time.Duration {
	switch {
	case c.RefreshMargin < 0:
		return 0
	case c.RefreshMargin == 0:
		return DefaultRefreshMargin
	}
	return c.RefreshMargin
}

// withDefaults returns a copy with an HTTP client of its own when none was
// given, so that every source and client made from one Config shares it.
func (c Config) withDefaults() Config {
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: DefaultHTTPTimeout}
	}
	c.Scopes = append([]string(nil), c.Scopes...)
	return c
}

// joinURL joins base and path with exactly one slash between them.
func joinURL(base, path string) string {
	return strings.TrimRight(base, "/") + "/" + strings.TrimLeft(path, "/")
}
