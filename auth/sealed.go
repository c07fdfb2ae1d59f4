package auth

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
)

// Sealed access tokens.
//
// A package's own v2 access token (client credentials) is not stored: its
// text carries what verifying it needs, sealed (XChaCha20-Poly1305, see
// secret.Sealer) under a key derived from the server's encryption key, so
// that issuing one writes nothing and every instance sharing the keys
// verifies it:
//
//	base64url(0x01 ‖ nonce (24 bytes) ‖ sealed claims ‖ tag (16 bytes))
//
// The claims are uvarints: package ID, MID, issue time and lifetime (µs),
// then the client ID and the scopes (their indexes in fuelgate.Scopes, in
// the order granted), each after its length in bytes. A token is about 130
// characters with a few scopes, 190 with every scope. Revocation works on
// epochs and denials (fuelgate.TokenRevocations), since there is no row to
// mark. Web and public apps' tokens, which act for a user and rotate in
// families, and the legacy v1 tokens stay stored (tokentext.go).

const (
	sealedVersion = 0x01
	sealedPurpose = "fuelgate sealed access token v1"
	maxClientID   = 256 // the longest client ID AuthenticateClient accepts
)

// errClaims reports claims that do not decode.
var errClaims = errors.New("malformed token claims")

// sealToken returns the text of a sealed token carrying t's claims and sets
// t.Hash to its SHA-256.
func (s *Service) sealToken(t *fuelgate.Token) string {
	b := s.sealer.Seal([]byte{sealedVersion}, encodeClaims(t))
	text := base64.RawURLEncoding.EncodeToString(b)
	t.Hash = secret.SHA256(text)
	return text
}

// unseal returns the token that a sealed text carries, with Hash set, or
// false for a text that is not a sealed token of this server.
func (s *Service) unseal(text string) (*fuelgate.Token, bool) {
	if !looksSealed(text) {
		return nil, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(text)
	if err != nil || raw[0] != sealedVersion {
		return nil, false
	}
	msg, err := s.sealer.Open(raw[1:])
	if err != nil {
		return nil, false
	}
	t, err := decodeClaims(msg)
	if err != nil {
		return nil, false
	}
	t.Hash = secret.SHA256(text)
	return t, true
}

// looksSealed reports whether text has the length of a sealed token (every
// stored token has tokenBytes).
func looksSealed(text string) bool {
	n := base64.RawURLEncoding.DecodedLen(len(text))
	return n > tokenBytes && len(text) <= MaxTokenLength
}

func encodeClaims(t *fuelgate.Token) []byte {
	b := make([]byte, 0, 64)
	b = binary.AppendUvarint(b, uint64(t.PackageID))
	b = binary.AppendUvarint(b, uint64(t.MID))
	b = binary.AppendUvarint(b, uint64(t.IssuedAt.UnixMicro()))
	b = binary.AppendUvarint(b, uint64(t.ExpiresAt.Sub(t.IssuedAt).Microseconds()))
	b = binary.AppendUvarint(b, uint64(len(t.ClientID)))
	b = append(b, t.ClientID...)
	scopes := scopeIndexes(t.Scopes)
	b = binary.AppendUvarint(b, uint64(len(scopes)))
	return append(b, scopes...)
}

// decodeClaims reads what encodeClaims wrote, refusing anything else:
// trailing bytes, values out of range, unknown scope bits.
func decodeClaims(b []byte) (*fuelgate.Token, error) {
	d := claimReader{b: b}
	pkg, mid, issued, life := d.int(), d.int(), d.int(), d.int()
	clientID := string(d.bytes(maxClientID))
	set := d.bytes(2 * len(fuelgate.Scopes)) // an index takes at most 2 bytes
	if d.err != nil || len(d.b) > 0 || pkg == 0 || mid == 0 || life == 0 || clientID == "" {
		return nil, errClaims
	}
	scopes, ok := scopesAt(set)
	if !ok {
		return nil, errClaims
	}
	at := time.UnixMicro(issued).UTC()
	return &fuelgate.Token{Kind: fuelgate.TokenAccess, PackageID: pkg, ClientID: clientID, MID: mid, Scopes: scopes,
		IssuedAt: at, ExpiresAt: at.Add(time.Duration(life) * time.Microsecond)}, nil
}

// claimReader reads uvarints and length-prefixed bytes, keeping the first
// error.
type claimReader struct {
	b   []byte
	err error
}

// int reads a uvarint that fits a positive int64 microsecond duration.
func (d *claimReader) int() int64 {
	v, n := binary.Uvarint(d.b)
	if d.err != nil || n <= 0 || v > math.MaxInt64/1000 {
		d.err = errClaims
		return 0
	}
	d.b = d.b[n:]
	return int64(v)
}

// bytes reads a length and that many bytes, at most limit.
func (d *claimReader) bytes(limit int) []byte {
	n := d.int()
	if d.err != nil || n > int64(limit) || n > int64(len(d.b)) {
		d.err = errClaims
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

// scopeIndexes lists the scopes by their index in fuelgate.Scopes, in the
// order given. That list only ever grows at its end, so an index keeps its
// meaning.
func scopeIndexes(scopes []string) []byte {
	var b []byte
	for _, name := range scopes {
		if i := slices.Index(fuelgate.Scopes, name); i >= 0 {
			b = binary.AppendUvarint(b, uint64(i))
		}
	}
	return b
}

// scopesAt is the scopes of a list of indexes; false for an index past the
// known scopes or a scope listed twice (not what scopeIndexes writes).
func scopesAt(b []byte) ([]string, bool) {
	scopes := []string{}
	for len(b) > 0 {
		i, n := binary.Uvarint(b)
		if n <= 0 || i >= uint64(len(fuelgate.Scopes)) || slices.Contains(scopes, fuelgate.Scopes[i]) {
			return nil, false
		}
		scopes = append(scopes, fuelgate.Scopes[i])
		b = b[n:]
	}
	return scopes, true
}
