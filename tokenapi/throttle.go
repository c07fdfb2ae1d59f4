package tokenapi

import (
	"math"
	"net/http"
	"strconv"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/clientip"
)

// Failed client authentication is throttled per source address, and per
// client ID from that address. Only failures spend from the buckets, so a
// client that authenticates correctly from an address that has not been
// failing is never slowed, and nothing is locked for good: buckets refill.

// throttled answers 429 when the request's address, or this client ID from
// that address, has used up its failures. It reports whether it answered.
func (h *Handler) throttled(w http.ResponseWriter, r *http.Request, clientID string, legacy bool) bool {
	if h.Throttle == nil {
		return false
	}
	ip := clientip.From(r)
	blocked, wait := h.Throttle.Blocked("ip:" + ip)
	if !blocked {
		blocked, wait = h.Throttle.Blocked("client:" + clientID + "|ip:" + ip)
	}
	if !blocked {
		return false
	}
	secs := int(math.Ceil(wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	msg := "Too many failed client authentications from this address. Retry after " + strconv.Itoa(max(secs, 1)) + " seconds."
	if legacy {
		writeJSON(w, http.StatusTooManyRequests, gatewayError{Message: msg, ErrorCode: 429, Documentation: gatewayDocs})
	} else {
		writeOAuthError(w, http.StatusTooManyRequests, "temporarily_unavailable", msg)
	}
	return true
}

// noteFailure spends a failure when err is a client-authentication failure.
func (h *Handler) noteFailure(r *http.Request, clientID string, err error) {
	if h.Throttle == nil || fuelgate.ErrorCode(err) != fuelgate.EUNAUTHORIZED {
		return
	}
	ip := clientip.From(r)
	h.Throttle.Fail("ip:" + ip)
	h.Throttle.Fail("client:" + clientID + "|ip:" + ip)
}
