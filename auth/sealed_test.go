package auth

import (
	"bytes"
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
)

func sealingService() *Service {
	return &Service{sealer: secret.NewSealer(bytes.Repeat([]byte{1}, 32), sealedPurpose)}
}

func sampleClaims(scopes []string) *fuelgate.Token {
	at := time.Date(2026, 12, 5, 9, 0, 0, 123456000, time.UTC)
	return &fuelgate.Token{Kind: fuelgate.TokenAccess, PackageID: 42, ClientID: "c1ient-id-of-24-letters", MID: 500123456,
		Scopes: scopes, IssuedAt: at, ExpiresAt: at.Add(20 * time.Minute)}
}

// TestSealedRoundTrip: what is sealed opens to the same claims, scopes in
// the order granted, and a token with every scope fits MaxTokenLength.
func TestSealedRoundTrip(t *testing.T) {
	s := sealingService()
	reversed := slices.Clone(fuelgate.Scopes)
	slices.Reverse(reversed)
	for _, scopes := range [][]string{{}, {"users_read", "accounts_read"}, fuelgate.Scopes, reversed} {
		in := sampleClaims(scopes)
		text := s.sealToken(in)
		if len(text) > MaxTokenLength || !looksSealed(text) {
			t.Fatalf("%d scopes: a %d-character token (max %d, looks sealed %t)", len(scopes), len(text), MaxTokenLength, looksSealed(text))
		}
		if _, ok := tokenKey(text); ok {
			t.Fatalf("a sealed token reads as a stored token's text")
		}
		out, ok := s.unseal(text)
		if !ok {
			t.Fatalf("%d scopes: the token does not open", len(scopes))
		}
		if !bytes.Equal(out.Hash, secret.SHA256(text)) || !bytes.Equal(in.Hash, out.Hash) {
			t.Errorf("hash %x, want SHA-256 of the text", out.Hash)
		}
		if out.PackageID != in.PackageID || out.ClientID != in.ClientID || out.MID != in.MID || out.Kind != in.Kind ||
			!out.IssuedAt.Equal(in.IssuedAt) || !out.ExpiresAt.Equal(in.ExpiresAt) || !slices.Equal(out.Scopes, scopes) {
			t.Errorf("opened %+v, sealed %+v", out, in)
		}
	}
}

// TestSealedRefusesForgeries: a changed character, another key, a stored
// token's shape, garbage of a sealed token's length, and well-sealed but
// malformed claims all fail to open.
func TestSealedRefusesForgeries(t *testing.T) {
	s := sealingService()
	text := s.sealToken(sampleClaims([]string{"users_read"}))
	other := &Service{sealer: secret.NewSealer(bytes.Repeat([]byte{2}, 32), sealedPurpose)}
	flipped := []byte(text)
	flipped[len(flipped)/2] ^= 0x01
	if flipped[len(flipped)/2] == '-' || flipped[len(flipped)/2] == '_' {
		flipped[len(flipped)/2] = 'A'
	}
	stored, _ := newTokenText(time.Now())
	seal := func(claims []byte) string {
		return base64.RawURLEncoding.EncodeToString(s.sealer.Seal([]byte{sealedVersion}, claims))
	}
	good := encodeClaims(sampleClaims([]string{"users_read"}))
	version2 := s.sealer.Seal([]byte{2}, good)
	for name, forged := range map[string]string{
		"one character changed":  string(flipped),
		"sealed under other key": other.sealToken(sampleClaims(nil)),
		"stored token text":      stored,
		"garbage":                strings.Repeat("A", len(text)),
		"version 2":              base64.RawURLEncoding.EncodeToString(version2),
		"trailing claim byte":    seal(append(slices.Clone(good), 0)),
		"claims cut short":       seal(good[:len(good)-1]),
		"unknown scope index":    seal(append(slices.Clone(good[:len(good)-2]), 1, byte(len(fuelgate.Scopes)))),
		"scope twice":            seal(append(slices.Clone(good[:len(good)-2]), 2, good[len(good)-1], good[len(good)-1])),
		"no claims":              seal(nil),
		"too long":               text + strings.Repeat("A", MaxTokenLength),
	} {
		if t2, ok := s.unseal(forged); ok {
			t.Errorf("%s: opened to %+v", name, t2)
		}
	}
}
