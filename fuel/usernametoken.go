package fuel

import (
	"fmt"

	"github.com/fuelgate/fuelgate/soap"
)

// usernameToken builds the WS-Security UsernameToken of one API-user call:
// PasswordText, or with Config.Digest a PasswordDigest over a fresh
// 16-byte nonce (Config.Rand, crypto/rand by default) and Created = now.
func (c *Client) usernameToken() (*soap.UsernameToken, error) {
	ut, err := soap.NewUsernameToken(c.cfg.Username, c.cfg.Password, c.cfg.Digest, c.cfg.now(), c.cfg.Rand)
	if err != nil {
		return nil, fmt.Errorf("fuel: building UsernameToken: %w", err)
	}
	return ut, nil
}
