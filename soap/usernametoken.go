package soap

import (
	"encoding/base64"
	"errors"
	"io"
	"strings"
	"time"
)

// PasswordType is the Type of a UsernameToken Password.
type PasswordType int

// Password types. A Password without a Type attribute is PasswordText.
const (
	PasswordText PasswordType = iota
	PasswordDigest
)

// CreatedLayout is the Created format NewUsernameToken writes.
const CreatedLayout = "2006-01-02T15:04:05.000Z"

// UsernameToken is a decoded (or client-built) wsse:UsernameToken.
type UsernameToken struct {
	Username     string // whitespace-trimmed
	Password     string // whitespace-trimmed; the Base64 digest for PasswordDigest
	PasswordType PasswordType
	HasPassword  bool
	Nonce        []byte // decoded bytes (base64, white space ignored)
	HasNonce     bool
	Created      string // the Created text as sent (trimmed), used verbatim in the digest
	CreatedAt    time.Time
	HasCreated   bool
}

// IsPlaceholder reports the legacy dummy credentials "*"/"*" that SDKs send
// beside a legacy oAuth token.
func (u *UsernameToken) IsPlaceholder() bool {
	return u != nil && u.Username == "*" && u.Password == "*"
}

// parseUsernameToken applies the WSS4J/BSP structural rules (protocol.md
// §9.2). hard refusals always apply (duplicates, no Username); strict ones
// are waived for the legacy placeholder token.
func parseUsernameToken(ut *Element) (tok *UsernameToken, strict, hard *DecodeError) {
	var user, pass, nonce, created *Element
	var salted bool
	for _, c := range ut.Children {
		var slot **Element
		var dup string
		switch c.Name.Local {
		case "Username":
			slot, dup = &user, reasonTwoUsername
		case "Password":
			slot, dup = &pass, reasonTwoPassword
		case "Nonce":
			slot, dup = &nonce, reasonTwoNonce
		case "Created":
			slot, dup = &created, reasonTwoCreated
		case "Salt", "Iteration":
			salted = true
			continue
		default:
			continue
		}
		if *slot != nil {
			return nil, nil, refuse(dup)
		}
		*slot = c
	}
	if user == nil {
		return nil, nil, refuse(reasonNoUsername)
	}
	tok = &UsernameToken{Username: user.TrimmedText()}
	note := func(reason string) {
		if strict == nil {
			strict = refuse(reason)
		}
	}
	if pass != nil {
		tok.HasPassword = true
		tok.Password = pass.TrimmedText()
		typ, _ := pass.AttrValue("", "Type")
		switch strings.TrimSpace(typ) {
		case "", PasswordTextURI:
			tok.PasswordType = PasswordText
		case PasswordDigestURI:
			tok.PasswordType = PasswordDigest
		default:
			note(reasonPasswordType)
		}
	}
	if nonce != nil {
		tok.HasNonce = true
		if enc, ok := nonce.AttrValue("", "EncodingType"); ok && strings.TrimSpace(enc) != Base64BinaryURI {
			note(reasonNonceEncoding)
		}
		b, err := decodeBase64(nonce.Text)
		switch {
		case err != nil:
			note(reasonNonceBase64)
		case len(b) == 0:
			note(reasonNonceEmpty)
		default:
			tok.Nonce = b
		}
	}
	if created != nil {
		tok.HasCreated = true
		tok.Created = created.TrimmedText()
		at, ok := ParseDateTime(tok.Created)
		if !ok {
			note(reasonCreated)
		}
		tok.CreatedAt = at
	}
	if salted {
		note(reasonSalt)
	}
	if tok.PasswordType == PasswordDigest && (!tok.HasNonce || !tok.HasCreated) {
		note(reasonDigestNeeds)
	}
	return tok, strict, nil
}

// decodeBase64 decodes standard base64, ignoring white space; padding is
// optional.
func decodeBase64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
	if len(s)%4 != 0 {
		return base64.RawStdEncoding.Strict().DecodeString(strings.TrimRight(s, "="))
	}
	return base64.StdEncoding.Strict().DecodeString(s)
}

// NonceSize is the nonce length NewUsernameToken generates.
const NonceSize = 16

// NewUsernameToken builds a token for a client. Created is now in UTC with
// milliseconds (CreatedLayout). With digest, a NonceSize-byte nonce is read
// from rand (crypto/rand when nil) and Password is the PasswordDigest value;
// otherwise Password is the plain password and there is no nonce.
func NewUsernameToken(username, password string, digest bool, now time.Time, rand io.Reader) (*UsernameToken, error) {
	now = now.UTC()
	created := now.Format(CreatedLayout)
	at, _ := time.Parse(time.RFC3339Nano, created)
	tok := &UsernameToken{
		Username:    username,
		Password:    password,
		HasPassword: true,
		Created:     created,
		CreatedAt:   at,
		HasCreated:  true,
	}
	if !digest {
		return tok, nil
	}
	nonce := make([]byte, NonceSize)
	if _, err := io.ReadFull(randReader(rand), nonce); err != nil {
		return nil, errors.Join(errors.New("soap: reading nonce"), err)
	}
	tok.PasswordType = PasswordDigest
	tok.Nonce, tok.HasNonce = nonce, true
	tok.Password = PasswordDigestValue(nonce, created, password)
	return tok, nil
}
