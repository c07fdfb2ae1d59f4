// Package clientip tells the source address of an HTTP request, for audit
// events and throttling. Forwarding headers are not trusted.
package clientip

import (
	"net"
	"net/http"
)

// From returns the request's source IP address (the TCP peer).
func From(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
