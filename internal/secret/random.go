package secret

import (
	"crypto/rand"
	"encoding/base64"
)

const idAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz"

// Bytes returns n random bytes from crypto/rand.
func Bytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return b
}

// Token returns a new opaque token: base64url of 32 random bytes (256 bits, 43 characters).
func Token() string { return base64.RawURLEncoding.EncodeToString(Bytes(32)) }

// ClientSecret returns a new client secret: base64url of 32 random bytes.
func ClientSecret() string { return Token() }

// ClientID returns a new client ID in SFMC's form: 24 characters of [0-9a-z]
// (about 124 bits).
func ClientID() string { return randomString(24, idAlphabet) }

// Password returns a generated password of 20 characters from letters, digits
// and a few symbols (about 118 bits).
func Password() string {
	return randomString(20, "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.!")
}

// randomString draws n characters uniformly from alphabet (rejection sampling).
func randomString(n int, alphabet string) string {
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	for len(out) < n {
		for _, b := range Bytes(n * 2) {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// GUID returns a random RFC 4122 version 4 UUID in the lower-case form SFMC
// uses for ObjectIDs.
func GUID() string {
	b := Bytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[c>>4], hex[c&15])
	}
	return string(out)
}
