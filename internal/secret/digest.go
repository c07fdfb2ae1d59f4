package secret

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"strconv"
)

// SHA256 returns the SHA-256 digest of s. Tokens are stored this way.
func SHA256(s string) []byte {
	sum := sha256.Sum256([]byte(s))
	return sum[:]
}

// HMAC returns HMAC-SHA256(key, parts joined by a zero byte). Client secrets
// are stored as HMAC(pepper, secret).
func HMAC(key []byte, parts ...string) []byte {
	m := hmac.New(sha256.New, key)
	for i, p := range parts {
		if i > 0 {
			m.Write([]byte{0})
		}
		m.Write([]byte(p))
	}
	return m.Sum(nil)
}

// Equal compares a and b in constant time (for equal lengths).
func Equal(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }

// ClientSecretHash is how a client secret is stored: HMAC-SHA256(pepper, secret).
func ClientSecretHash(pepper []byte, clientSecret string) []byte {
	return HMAC(pepper, "client-secret", clientSecret)
}

// DigestAAD binds a sealed digest-capable password to its user ID.
func DigestAAD(userID int64) []byte {
	return []byte("user-digest:" + strconv.FormatInt(userID, 10))
}
