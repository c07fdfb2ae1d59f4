package soap

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzDecode(f *testing.F) {
	for _, fx := range soapFixtures(f) {
		f.Add(fx.body, fx.info.SOAPAction, fx.info.ContentType)
	}
	f.Add([]byte(env11(ut(`<wsse:Username>u</wsse:Username><wsse:Password`+digestType+`>E+GL3o82YUAbIL8Pgg2MUZ8q4x4=</wsse:Password>`+goodNonce+goodCreated), retrieveBody)), "", "")
	f.Add([]byte(`<!DOCTYPE x><x/>`), `"Retrieve"`, "text/xml")
	var fault bytes.Buffer
	_ = WriteFault(&fault, V12, fixedHeader(""), SecurityFault(FaultTokenExpired, "a"))
	f.Add(fault.Bytes(), "", `application/soap+xml; action="x"`)

	f.Fuzz(func(t *testing.T, doc []byte, soapAction, contentType string) {
		env, err := Decode(bytes.NewReader(doc), HTTPInfo{SOAPAction: soapAction, ContentType: contentType}, Limits{})
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("Decode: got error %T %v, want a *DecodeError", err, err)
			}
			if env != nil {
				t.Fatalf("Decode: got an Envelope with error %v, want nil", err)
			}
			return
		}
		if env == nil || (env.Version != V11 && env.Version != V12) {
			t.Fatalf("Decode: got %+v with nil error, want an Envelope with a version", env)
		}
		if env.Fault != nil && env.Body == nil {
			t.Fatalf("Decode: got a Fault without a Body")
		}
		if env.Body == nil {
			return
		}
		// The decoded payload must re-encode and decode to the same shape.
		var out bytes.Buffer
		if err := WriteResponse(&out, env.Version, fixedHeader("x"), env.Body); err != nil {
			t.Fatalf("WriteResponse of a decoded Body: %v", err)
		}
		again, err := Decode(&out, HTTPInfo{}, Limits{MaxElements: 1 << 20, MaxDepth: 1 << 10})
		if err != nil {
			t.Fatalf("Decode of re-encoded Body: %v\n%s", err, out.Bytes())
		}
		if !sameShape(env.Body, again.Body) {
			t.Fatalf("re-encoded Body differs:\nfirst  %+v\nsecond %+v", env.Body, again.Body)
		}
	})
}

// sameShape compares local names, text, attribute names/values and
// children. Namespaces are not compared: an empty namespace means "none"
// when decoded but "inherit" when encoded.
func sameShape(a, b *Element) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Name.Local != b.Name.Local || a.Text != b.Text || len(a.Attr) != len(b.Attr) || len(a.Children) != len(b.Children) {
		return false
	}
	for i := range a.Attr {
		if a.Attr[i].Name.Local != b.Attr[i].Name.Local || a.Attr[i].Value != b.Attr[i].Value {
			return false
		}
	}
	for i := range a.Children {
		if !sameShape(a.Children[i], b.Children[i]) {
			return false
		}
	}
	return true
}

func FuzzUsernameToken(f *testing.F) {
	f.Add("API_USER", "stub-Passw0rd!", []byte("0123456789abcdef"), "2026-11-28T23:24:16+00:00", true)
	f.Add("*", "*", []byte{}, "", false)
	f.Add(" user\n", "p<&>\"'ss\r", []byte{0}, "2026-11-28T10:00:00.000Z", false)
	f.Add("u", "p", []byte("n"), "not a date", true)

	f.Fuzz(func(t *testing.T, user, password string, nonce []byte, created string, digest bool) {
		tok := &UsernameToken{Username: user, Password: password, HasPassword: true,
			Nonce: nonce, HasNonce: len(nonce) > 0, Created: created, HasCreated: created != ""}
		if digest {
			tok.PasswordType = PasswordDigest
			tok.Password = PasswordDigestValue(nonce, created, password)
		}
		var b bytes.Buffer
		if err := WriteRequest(&b, V11, RequestHeader{UsernameToken: tok}, NewElement("RetrieveRequestMsg")); err != nil {
			t.Fatalf("WriteRequest: %v", err)
		}
		env, err := Decode(&b, HTTPInfo{}, Limits{})
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("Decode: got %T %v, want a *DecodeError", err, err)
			}
			return
		}
		got := env.Header.Security.UsernameToken
		if got == nil {
			t.Fatalf("UsernameToken: got nil, want one")
		}
		if clean(user) && got.Username != strings.TrimSpace(user) {
			t.Errorf("Username: got %q, want %q", got.Username, strings.TrimSpace(user))
		}
		if !digest && clean(password) && got.Password != strings.TrimSpace(password) {
			t.Errorf("Password: got %q, want %q", got.Password, strings.TrimSpace(password))
		}
		if tok.HasNonce && !bytes.Equal(got.Nonce, nonce) {
			t.Errorf("Nonce: got %x, want %x", got.Nonce, nonce)
		}
		wantVerify := digest && tok.HasNonce && clean(created) && strings.TrimSpace(created) == created
		if gotVerify := VerifyDigest(got, password); digest && gotVerify != wantVerify {
			t.Errorf("VerifyDigest: got %v, want %v (token %+v)", gotVerify, wantVerify, got)
		}
		if !digest && VerifyDigest(got, password) {
			t.Errorf("VerifyDigest of a PasswordText token: got true, want false")
		}
	})
}

// clean reports text that survives XML escaping unchanged.
func clean(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !isInCharacterRange(r) {
			return false
		}
	}
	return true
}
