package soap

import (
	"crypto/rand"
	"encoding/hex"
	"io"
)

// randReader returns r, or crypto/rand when r is nil.
func randReader(r io.Reader) io.Reader {
	if r == nil {
		return rand.Reader
	}
	return r
}

// NewUUID returns an RFC 4122 version 4 UUID read from r (crypto/rand when r
// is nil or fails): "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
func NewUUID(r io.Reader) string {
	var b [16]byte
	if _, err := io.ReadFull(randReader(r), b[:]); err != nil {
		_, _ = rand.Read(b[:])
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}
