package soap

import (
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
)

// PasswordDigestValue returns Base64(SHA-1(nonce ‖ created ‖ password)), the
// OASIS UsernameToken Profile digest. nonce is the decoded bytes and created
// the Created text exactly as sent.
func PasswordDigestValue(nonce []byte, created, password string) string {
	sum := digest(nonce, created, password)
	return base64.StdEncoding.EncodeToString(sum[:])
}

func digest(nonce []byte, created, password string) [sha1.Size]byte {
	h := sha1.New()
	h.Write(nonce)
	h.Write([]byte(created))
	h.Write([]byte(password))
	var out [sha1.Size]byte
	h.Sum(out[:0])
	return out
}

// VerifyDigest reports whether tok is a PasswordDigest token whose Password
// matches password. It decodes the sent digest and compares the SHA-1 values
// in constant time. A token without Nonce or Created never verifies.
func VerifyDigest(tok *UsernameToken, password string) bool {
	if tok == nil || tok.PasswordType != PasswordDigest || !tok.HasPassword || !tok.HasNonce || !tok.HasCreated {
		return false
	}
	return DigestMatches(tok.Password, tok.Nonce, tok.Created, password)
}

// DigestMatches reports whether sent, a Base64 PasswordDigest, is the digest
// of password under nonce and created (the Created text exactly as sent),
// comparing the SHA-1 values in constant time. An empty nonce or created
// never matches.
func DigestMatches(sent string, nonce []byte, created, password string) bool {
	if len(nonce) == 0 || created == "" {
		return false
	}
	got, err := decodeBase64(sent)
	want := digest(nonce, created, password)
	if err != nil || len(got) != len(want) {
		return false
	}
	return subtle.ConstantTimeCompare(got, want[:]) == 1
}
