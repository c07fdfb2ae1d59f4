package soap

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"
)

func vectorNonce() []byte {
	n := make([]byte, 16)
	for i := range n {
		n[i] = byte(i)
	}
	return n
}

func TestPasswordDigestValue(t *testing.T) {
	tests := []struct {
		name     string
		nonce    []byte
		created  string
		password string
		want     string
	}{
		{"protocol.md 9.3 vector", vectorNonce(), "2026-11-28T10:00:00.000Z", "verySecret", "E+GL3o82YUAbIL8Pgg2MUZ8q4x4="},
		{"node-soap fixture", mustB64(t, "Bxh5tBXuQtc4irb5+K6/Zg=="), "2026-11-28T23:24:14Z", fixturePassword, "SZBCot/BGb89/D2OfMXCWI36IaI="},
		{"zeep fixture, +00:00 Created", mustB64(t, "DkNgDpIiImISpL8I5fFCsg=="), "2026-11-28T23:24:16+00:00", fixturePassword, "8jqZu6SMrfxkH76GNyvmmb2z/Jk="},
		{"zeep fixture, Z Created", mustB64(t, "VRzobC/edfDZuhEr+zAbkQ=="), "2026-11-28T23:24:16Z", fixturePassword, "3Bqa1waBTs8i/MYRXFeZ7vBl/eE="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PasswordDigestValue(tt.nonce, tt.created, tt.password); got != tt.want {
				t.Errorf("PasswordDigestValue: got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestPasswordDigestNotOverBase64Text guards against the interop bug of
// hashing the nonce's base64 text instead of its bytes.
func TestPasswordDigestNotOverBase64Text(t *testing.T) {
	const wrong = "brEtgs1K6ixUF5ZMI0FU6atW+BA="
	got := PasswordDigestValue(vectorNonce(), "2026-11-28T10:00:00.000Z", "verySecret")
	if got == wrong {
		t.Errorf("PasswordDigestValue: got %s, the digest over the nonce's base64 text", got)
	}
	// The wrong value is what hashing the base64 text gives; keep the vector honest.
	if alt := PasswordDigestValue([]byte("AAECAwQFBgcICQoLDA0ODw=="), "2026-11-28T10:00:00.000Z", "verySecret"); alt != wrong {
		t.Errorf("digest over base64 text: got %s, want %s", alt, wrong)
	}
}

func TestVerifyDigest(t *testing.T) {
	good := &UsernameToken{
		Username: "u", Password: "E+GL3o82YUAbIL8Pgg2MUZ8q4x4=", PasswordType: PasswordDigest, HasPassword: true,
		Nonce: vectorNonce(), HasNonce: true, Created: "2026-11-28T10:00:00.000Z", HasCreated: true,
	}
	with := func(f func(*UsernameToken)) *UsernameToken {
		c := *good
		f(&c)
		return &c
	}
	tests := []struct {
		name     string
		tok      *UsernameToken
		password string
		want     bool
	}{
		{"vector", good, "verySecret", true},
		{"wrong password", good, "verySecret!", false},
		{"nil token", nil, "verySecret", false},
		{"text type", with(func(u *UsernameToken) { u.PasswordType = PasswordText }), "verySecret", false},
		{"no nonce", with(func(u *UsernameToken) { u.HasNonce, u.Nonce = false, nil }), "verySecret", false},
		{"empty nonce", with(func(u *UsernameToken) { u.Nonce = []byte{} }), "verySecret", false},
		{"no created", with(func(u *UsernameToken) { u.HasCreated = false }), "verySecret", false},
		{"created reformatted", with(func(u *UsernameToken) { u.Created = "2026-11-28T10:00:00Z" }), "verySecret", false},
		{"digest not base64", with(func(u *UsernameToken) { u.Password = "!!!" }), "verySecret", false},
		{"truncated digest", with(func(u *UsernameToken) { u.Password = "E+GL3o82YUAbIL8Pgg2MUZ8q" }), "verySecret", false},
		{"wrong digest", with(func(u *UsernameToken) { u.Password = "brEtgs1K6ixUF5ZMI0FU6atW+BA=" }), "verySecret", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := VerifyDigest(tt.tok, tt.password); got != tt.want {
				t.Errorf("VerifyDigest: got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNewUsernameToken(t *testing.T) {
	now := time.Date(2026, 11, 28, 11, 0, 0, 123456789, time.FixedZone("CET", 3600))
	tests := []struct {
		name   string
		digest bool
	}{
		{"text", false},
		{"digest", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := NewUsernameToken("API_USER", "verySecret", tt.digest, now, bytes.NewReader(vectorNonce()))
			if err != nil {
				t.Fatalf("NewUsernameToken: got error %v, want nil", err)
			}
			if tok.Created != "2026-11-28T10:00:00.123Z" {
				t.Errorf("Created: got %q, want %q", tok.Created, "2026-11-28T10:00:00.123Z")
			}
			if !tok.CreatedAt.Equal(now.Truncate(time.Millisecond)) {
				t.Errorf("CreatedAt: got %v, want %v", tok.CreatedAt, now.Truncate(time.Millisecond))
			}
			if tok.HasNonce != tt.digest {
				t.Errorf("HasNonce: got %v, want %v", tok.HasNonce, tt.digest)
			}
			if tt.digest {
				want := PasswordDigestValue(vectorNonce(), tok.Created, "verySecret")
				if tok.Password != want || tok.PasswordType != PasswordDigest {
					t.Errorf("Password: got (%v, %q), want digest %q", tok.PasswordType, tok.Password, want)
				}
				if !VerifyDigest(tok, "verySecret") {
					t.Errorf("VerifyDigest: got false, want true")
				}
			} else if tok.Password != "verySecret" || tok.PasswordType != PasswordText {
				t.Errorf("Password: got (%v, %q), want text %q", tok.PasswordType, tok.Password, "verySecret")
			}
		})
	}
}

func TestNewUsernameTokenRandFailure(t *testing.T) {
	_, err := NewUsernameToken("u", "p", true, time.Now(), bytes.NewReader([]byte{1, 2, 3}))
	if err == nil {
		t.Fatalf("NewUsernameToken with a short random source: got nil error, want one")
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("error: got %v, want it to wrap io.ErrUnexpectedEOF", err)
	}
}
