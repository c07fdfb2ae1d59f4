package tokenapi

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/fuelgate/fuelgate/auth"
)

// rateLimited is SFMC's answer to a rate-limited request (its API gateway's
// error 50100): HTTP 429 with Retry-After, and the wait in the body too.
type rateLimited struct {
	Message       string `json:"message"`
	ErrorCode     int    `json:"errorcode"`
	RetryAfter    int    `json:"retryAfter"`
	Documentation string `json:"documentation"`
}

// writeRateLimited answers err with 429 when it is a package's token rate
// limit (auth.Throttled), and reports whether it did.
func writeRateLimited(w http.ResponseWriter, err error) bool {
	var th *auth.Throttled
	if !errors.As(err, &th) {
		return false
	}
	secs := th.RetrySeconds()
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeJSON(w, http.StatusTooManyRequests, rateLimited{Message: "Rate limit exceeded", ErrorCode: 50100,
		RetryAfter: secs, Documentation: gatewayDocs})
	return true
}
