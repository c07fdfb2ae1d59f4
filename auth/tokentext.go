package auth

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"sync/atomic"
	"time"

	"github.com/fuelgate/fuelgate/internal/secret"
)

// Token text and storage key.
//
// A token is base64url(id ‖ r): an 8-byte id — the issue time in
// milliseconds and a per-process sequence number, not secret — followed by 32
// random bytes from crypto/rand (256 bits), 54 characters in all. The store
// keeps only its key, id ‖ SHA-256(token): the id prefix makes keys arrive in
// time order, so inserts touch the right edge of the index instead of a
// random page each, and the cost of issuing a token does not grow with the
// number stored. Text of any other shape is refused without a store lookup.

const (
	tokenIDBytes   = 8
	tokenRandBytes = 32
	tokenBytes     = tokenIDBytes + tokenRandBytes
)

// tokenSeq numbers the tokens of this process within a millisecond.
var tokenSeq atomic.Uint64

func init() {
	var b [8]byte
	copy(b[:], secret.Bytes(8))
	tokenSeq.Store(binary.BigEndian.Uint64(b[:]))
}

// newTokenText returns a new token and its storage key.
func newTokenText(now time.Time) (string, []byte) {
	raw := make([]byte, tokenBytes)
	id := uint64(now.UnixMilli())<<21 | tokenSeq.Add(1)&(1<<21-1)
	binary.BigEndian.PutUint64(raw, id&(1<<63-1))
	copy(raw[tokenIDBytes:], secret.Bytes(tokenRandBytes))
	text := base64.RawURLEncoding.EncodeToString(raw)
	key, _ := tokenKey(text)
	return text, key
}

// tokenKey returns the storage key of a token text, or false when the text
// cannot be a fuelgate token.
func tokenKey(text string) ([]byte, bool) {
	if base64.RawURLEncoding.DecodedLen(len(text)) != tokenBytes {
		return nil, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(text)
	if err != nil || len(raw) != tokenBytes {
		return nil, false
	}
	sum := sha256.Sum256([]byte(text))
	return append(raw[:tokenIDBytes:tokenIDBytes], sum[:]...), true
}

// NewTokenText returns a new token text and its storage key, for tools that
// fill a store (the bench's prefill).
func NewTokenText(now time.Time) (string, []byte) { return newTokenText(now) }
