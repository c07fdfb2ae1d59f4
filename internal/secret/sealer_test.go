package secret

import (
	"bytes"
	"errors"
	"testing"
)

func TestSealer(t *testing.T) {
	master := bytes.Repeat([]byte{7}, 32)
	s := NewSealer(master, "tokens")
	a, b := s.Seal(nil, []byte("claims")), s.Seal(nil, []byte("claims"))
	if bytes.Equal(a, b) {
		t.Error("two seals of one message are equal: the nonce is not random")
	}
	if len(a) != len("claims")+s.Overhead() {
		t.Errorf("sealed length %d, want %d", len(a), len("claims")+s.Overhead())
	}
	if msg, err := s.Open(a); err != nil || string(msg) != "claims" {
		t.Fatalf("Open = %q, %v", msg, err)
	}
	tampered := bytes.Clone(a)
	tampered[len(tampered)-1] ^= 1
	other := NewSealer(master, "digests")
	otherKey := NewSealer(bytes.Repeat([]byte{8}, 32), "tokens")
	for name, open := range map[string]func() ([]byte, error){
		"tampered":      func() ([]byte, error) { return s.Open(tampered) },
		"short":         func() ([]byte, error) { return s.Open(a[:10]) },
		"empty":         func() ([]byte, error) { return s.Open(nil) },
		"other purpose": func() ([]byte, error) { return other.Open(a) },
		"other master":  func() ([]byte, error) { return otherKey.Open(a) },
	} {
		if _, err := open(); !errors.Is(err, ErrUnseal) {
			t.Errorf("%s: err = %v, want ErrUnseal", name, err)
		}
	}
}
