package fuel

import (
	"errors"
	"net/http"
	"strings"
	"time"
)

// Defaults used when the matching field of ClientCredentials, LegacyPackage,
// UsernameToken or ClientOptions is zero.
const (
	// DefaultRefreshMargin is how long before its expiry a token is replaced.
	DefaultRefreshMargin = 5 * time.Minute
	// DefaultHTTPTimeout is the timeout of the http.Client made when no
	// HTTPClient is given.
	DefaultHTTPTimeout = 30 * time.Second
	// DefaultMaxResponseBytes caps the size of one SOAP response.
	DefaultMaxResponseBytes = 64 << 20
	// DefaultUserAgent is sent when UserAgent is empty.
	DefaultUserAgent = "fuelgate-fuel-go/1"
)

// ErrConfig is wrapped by every error about unusable settings: a missing
// credential, a nil source, a client asked for a business unit its
// credentials cannot act in.
var ErrConfig = errors.New("fuel: invalid config")

func configError(msg string) error {
	return &configErr{msg: msg}
}

type configErr struct{ msg string }

func (e *configErr) Error() string { return ErrConfig.Error() + ": " + e.msg }
func (e *configErr) Unwrap() error { return ErrConfig }

// missing reports the names whose values are empty, as a config error, or
// nil when none is.
func missing(fields ...string) error {
	var names []string
	for i := 0; i+1 < len(fields); i += 2 {
		if fields[i+1] == "" {
			names = append(names, fields[i])
		}
	}
	if len(names) == 0 {
		return nil
	}
	return configError(strings.Join(names, ", ") + " required")
}

// orDefaultHTTP returns hc, or a client of the package's own with
// DefaultHTTPTimeout (never http.DefaultClient, which has no timeout).
func orDefaultHTTP(hc *http.Client) *http.Client {
	if hc != nil {
		return hc
	}
	return &http.Client{Timeout: DefaultHTTPTimeout}
}

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

func orNow(now func() time.Time) func() time.Time {
	if now != nil {
		return now
	}
	return time.Now
}

// refreshMargin returns the margin of a RefreshMargin setting: the default
// when zero, none when negative.
func refreshMargin(m time.Duration) time.Duration {
	switch {
	case m < 0:
		return 0
	case m == 0:
		return DefaultRefreshMargin
	}
	return m
}

// joinURL joins base and path with exactly one slash between them.
func joinURL(base, path string) string {
	return strings.TrimRight(base, "/") + "/" + strings.TrimLeft(path, "/")
}
