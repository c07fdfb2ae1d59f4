package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"errors"
)

// ErrUnseal is returned when sealed data cannot be opened with the key.
var ErrUnseal = errors.New("cannot decrypt sealed value")

// Seal encrypts plaintext with AES-256-GCM under key (32 bytes), binding it to
// aad. The result is nonce ‖ ciphertext.
func Seal(key []byte, plaintext, aad []byte) ([]byte, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	nonce := Bytes(gcm.NonceSize())
	return gcm.Seal(nonce, nonce, plaintext, aad), nil
}

// Open decrypts the output of Seal.
func Open(key []byte, sealed, aad []byte) ([]byte, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < gcm.NonceSize() {
		return nil, ErrUnseal
	}
	out, err := gcm.Open(nil, sealed[:gcm.NonceSize()], sealed[gcm.NonceSize():], aad)
	if err != nil {
		return nil, ErrUnseal
	}
	return out, nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, errors.New("encryption key must be 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
