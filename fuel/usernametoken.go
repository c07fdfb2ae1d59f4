package fuel

import (
	"fmt"
	"io"
	"time"

	"github.com/fuelgate/fuelgate/soap"
)

// UsernameToken is the credential of an API user: every SOAP call carries a
// WS-Security UsernameToken instead of a token, and no token is fetched.
// fuelgate and SFMC accept it only for users flagged API User with the
// WebServices API permission, when the enterprise allows username/password
// API logins. Calls run in the user's default business unit.
type UsernameToken struct {
	Username string
	Password string
	// Digest sends a PasswordDigest over a fresh 16-byte nonce and Created
	// on every call instead of the password in clear (PasswordText).
	Digest bool
	// Rand is the nonce source (crypto/rand when nil).
	Rand io.Reader
	// Now is the clock of Created (time.Now when nil).
	Now func() time.Time
}

func (u UsernameToken) validate() error {
	return missing("Username", u.Username, "Password", u.Password)
}

// header builds the UsernameToken of one call.
func (u UsernameToken) header() (*soap.UsernameToken, error) {
	ut, err := soap.NewUsernameToken(u.Username, u.Password, u.Digest, orNow(u.Now)(), u.Rand)
	if err != nil {
		return nil, fmt.Errorf("fuel: building UsernameToken: %w", err)
	}
	return ut, nil
}
