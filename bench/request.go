package bench

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/fuelgate/fuelgate/soap"
)

// Request is what a scenario sends, in a form both load generators use:
// the built-in one writes it on its connections, wrk gets it in its Lua
// script.
type Request struct {
	Method string
	Path   string
	Header [][2]string // name, value; Host and Content-Length are added
	// Body is the request body; with Digest it is unused.
	Body []byte
	// Digest, when set, makes every request a new UsernameToken
	// PasswordDigest envelope: fresh nonce, Created and digest.
	Digest *DigestBody
	// Marker is what the body of a correct answer contains.
	Marker string
	// Status is the HTTP status of a correct answer (0: 200).
	Status int
	// Idle, when set, sends nothing: the run only waits out its duration
	// (to see the server settle after an abuse scenario).
	Idle bool
}

// status is the HTTP status of a correct answer.
func (r *Request) status() int {
	if r.Status == 0 {
		return 200
	}
	return r.Status
}

// DigestBody is a SOAP envelope with a PasswordDigest UsernameToken, split
// around the three values that change with every request:
//
//	Text[0] digest Text[1] nonce Text[2] created Text[3]
//
// where digest is Base64(SHA-1(nonce ‖ created ‖ Password)) and nonce is
// the Base64 of NonceSize bytes.
type DigestBody struct {
	Text     [4]string
	Password string
}

// NonceSize is the size of the nonces both generators send: 8 bytes that
// differ per connection (or wrk thread) and run, then an 8-byte counter.
const NonceSize = 16

// Sentinels that newDigestBody finds in an envelope written by soap.
const (
	sentinelDigest  = "FUELGATEBENCHDIGEST"
	sentinelCreated = "FUELGATEBENCHCREATED"
)

// sentinelNonce is the nonce whose Base64 marks the nonce's place.
var sentinelNonce = []byte("FUELGATE-BENCH-N")

// newDigestBody writes the envelope of payload with a digest UsernameToken
// for username and password, and splits it around the per-request values.
func newDigestBody(username, password string, payload *soap.Element) (*DigestBody, error) {
	ut := &soap.UsernameToken{Username: username, Password: sentinelDigest, HasPassword: true,
		PasswordType: soap.PasswordDigest, Nonce: sentinelNonce, HasNonce: true,
		Created: sentinelCreated, HasCreated: true}
	var buf bytes.Buffer
	if err := soap.WriteRequest(&buf, soap.V11, soap.RequestHeader{UsernameToken: ut}, payload); err != nil {
		return nil, err
	}
	rest := buf.String()
	d := &DigestBody{Password: password}
	for i, s := range []string{sentinelDigest, base64.StdEncoding.EncodeToString(sentinelNonce), sentinelCreated} {
		before, after, ok := strings.Cut(rest, s)
		if !ok {
			return nil, errors.New("bench: digest envelope lacks the value " + strconv.Itoa(i))
		}
		d.Text[i], rest = before, after
	}
	d.Text[3] = rest
	return d, nil
}

// nonceSource makes the unique nonces of one connection.
type nonceSource struct {
	prefix [8]byte
	n      uint64
}

// next returns the next nonce.
func (s *nonceSource) next() [NonceSize]byte {
	var b [NonceSize]byte
	copy(b[:8], s.prefix[:])
	s.n++
	binary.BigEndian.PutUint64(b[8:], s.n)
	return b
}

// appendBody appends one envelope with a fresh nonce from src, Created now
// and their digest.
func (d *DigestBody) appendBody(dst []byte, src *nonceSource, now time.Time) []byte {
	nonce := src.next()
	created := now.UTC().Format(soap.CreatedLayout)
	dst = append(dst, d.Text[0]...)
	dst = append(dst, soap.PasswordDigestValue(nonce[:], created, d.Password)...)
	dst = append(dst, d.Text[1]...)
	dst = base64.StdEncoding.AppendEncode(dst, nonce[:])
	dst = append(dst, d.Text[2]...)
	dst = append(dst, created...)
	return append(dst, d.Text[3]...)
}

// appendHead appends the request line and headers for a body of n bytes.
func (r *Request) appendHead(dst []byte, host string, n int) []byte {
	dst = append(dst, r.Method...)
	dst = append(dst, ' ')
	dst = append(dst, r.Path...)
	dst = append(dst, " HTTP/1.1\r\nHost: "...)
	dst = append(dst, host...)
	dst = append(dst, "\r\n"...)
	for _, h := range r.Header {
		dst = append(dst, h[0]...)
		dst = append(dst, ": "...)
		dst = append(dst, h[1]...)
		dst = append(dst, "\r\n"...)
	}
	if r.Method != "GET" || n > 0 {
		dst = append(dst, "Content-Length: "...)
		dst = strconv.AppendInt(dst, int64(n), 10)
		dst = append(dst, "\r\n"...)
	}
	return append(dst, "\r\n"...)
}
