package secret

import (
	"crypto/cipher"

	"golang.org/x/crypto/chacha20poly1305"
)

// Sealer seals many short messages under one key derived from a master key
// for one purpose: XChaCha20-Poly1305 with a random 192-bit nonce each,
// which, unlike AES-GCM's 96-bit nonces, sets no practical limit on how many
// messages one key may seal. Sealed access tokens use it. It is safe for
// concurrent use.
type Sealer struct {
	aead cipher.AEAD
	aad  []byte
}

// NewSealer derives the key for purpose from master (HMAC-SHA256), so that
// nothing sealed for one purpose opens for another.
func NewSealer(master []byte, purpose string) *Sealer {
	aead, err := chacha20poly1305.NewX(HMAC(master, "fuelgate sealer", purpose))
	if err != nil { // a 32-byte HMAC is always a valid key
		panic(err)
	}
	return &Sealer{aead: aead, aad: []byte(purpose)}
}

// Overhead is how many bytes Seal adds to a message: nonce and tag.
func (s *Sealer) Overhead() int { return s.aead.NonceSize() + s.aead.Overhead() }

// Seal appends nonce ‖ ciphertext of msg to dst.
func (s *Sealer) Seal(dst, msg []byte) []byte {
	nonce := Bytes(s.aead.NonceSize())
	dst = append(dst, nonce...)
	return s.aead.Seal(dst, nonce, msg, s.aad)
}

// Open returns the message sealed in sealed, or ErrUnseal.
func (s *Sealer) Open(sealed []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return nil, ErrUnseal
	}
	msg, err := s.aead.Open(nil, sealed[:n], sealed[n:], s.aad)
	if err != nil {
		return nil, ErrUnseal
	}
	return msg, nil
}
