package manage

import (
	"context"
	"math"
	"strings"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
)

// Caller-chosen credentials. Test and CI set-ups pin a package's client ID
// and secret so that their configuration can name them before the database
// exists (as Hydra's "create client --id --secret" does). Only the operator
// may choose them; only the secret's HMAC is stored, as for generated ones.

// Bounds of a chosen client secret.
const (
	MinClientSecretLength = 32  // characters (a generated secret has 43)
	MaxClientSecretLength = 512 // bytes
	// minSecretBits is the least estimated entropy of a chosen secret: its
	// length times the Shannon entropy of its characters.
	minSecretBits = 128
)

// clientIDLength and clientIDAlphabet describe generated client IDs, which
// chosen ones must look like.
const (
	clientIDLength   = 24
	clientIDAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
)

// ValidClientID checks a chosen client ID: like a generated one, 24
// characters of lower-case letters and digits.
func ValidClientID(id string) error {
	if len(id) != clientIDLength || strings.Trim(id, clientIDAlphabet) != "" {
		return fuelgate.Errorf(fuelgate.EINVALID, "a client ID must be %d characters of lower-case letters and digits, like a generated one",
			clientIDLength)
	}
	return nil
}

// ValidClientSecret checks a chosen client secret and refuses weak ones: it
// must be 32–512 printable ASCII characters without spaces, not repeat a
// shorter pattern, and carry an estimated 128 bits (its length times the
// entropy of its character distribution): a random base64 string of 32
// bytes passes, "password…" padded out does not. The message never echoes
// the secret.
func ValidClientSecret(sec string) error {
	weak := func(why string) error {
		return fuelgate.Errorf(fuelgate.EINVALID, "the client secret is too weak: %s (use 32 random bytes, base64-encoded)", why)
	}
	switch {
	case len(sec) < MinClientSecretLength:
		return weak("it is shorter than 32 characters")
	case len(sec) > MaxClientSecretLength:
		return fuelgate.Errorf(fuelgate.EINVALID, "the client secret is longer than %d bytes", MaxClientSecretLength)
	case strings.IndexFunc(sec, func(r rune) bool { return r < '!' || r > '~' }) >= 0:
		return fuelgate.Errorf(fuelgate.EINVALID, "the client secret must be printable ASCII without spaces")
	case periodic(sec):
		return weak("it repeats a shorter pattern")
	case longestRun(sec) >= maxRun:
		return weak("it holds a run such as 123456 or aaaaaa")
	case entropyBits(sec) < minSecretBits:
		return weak("it uses too few different characters")
	}
	return nil
}

// periodic reports whether s is a shorter string repeated (the last
// repetition may be cut short), e.g. "abcabcab".
func periodic(s string) bool {
	for p := 1; p <= len(s)/2; p++ {
		if s[p:] == s[:len(s)-p] {
			return true
		}
	}
	return false
}

// maxRun is the shortest run (characters at equal steps, as in "aaaaaa" or
// "abcdef") that makes a chosen secret weak: in a random base64 string of 43
// characters one happens about twice in a million.
const maxRun = 6

// longestRun returns the length of the longest substring of s whose
// characters follow one another at one fixed step (0 for a repeated
// character, 1 for "abcd").
func longestRun(s string) int {
	best, run := min(len(s), 1), 1
	for i := 1; i < len(s); i++ {
		if i >= 2 && int(s[i])-int(s[i-1]) == int(s[i-1])-int(s[i-2]) {
			run++
		} else {
			run = 2
		}
		best = max(best, run)
	}
	return best
}

// entropyBits estimates the entropy of s: len(s) times the Shannon entropy
// of its byte distribution.
func entropyBits(s string) float64 {
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h * n
}

// chooseCredentials returns the client ID and secret of a new package: the
// ones given, which only the operator may choose and which must be valid,
// or generated ones. Without hasSecret (a public app) there is no secret.
func (a *Actor) chooseCredentials(clientID, clientSecret string, hasSecret bool) (string, string, error) {
	if (clientID != "" || clientSecret != "") && a.kind != KindOperator {
		return "", "", fuelgate.WrapError(fuelgate.EPERMISSION, "", "Only the operator may choose a client ID or secret.", ErrNoPermission)
	}
	if clientID == "" {
		clientID = secret.ClientID()
	} else if err := ValidClientID(clientID); err != nil {
		return "", "", err
	}
	switch {
	case !hasSecret && clientSecret != "":
		return "", "", errPublicNoSecret
	case !hasSecret:
		return clientID, "", nil
	case clientSecret == "":
		clientSecret = secret.ClientSecret()
	default:
		if err := ValidClientSecret(clientSecret); err != nil {
			return "", "", err
		}
	}
	return clientID, clientSecret, nil
}

// errPublicNoSecret refuses a client secret for a public app.
var errPublicNoSecret = fuelgate.Errorf(fuelgate.EINVALID, "a public app has no client secret")

// SetClientSecret makes clientSecret, chosen by the caller, a package's
// secret: the current one (and a previous one still in its overlap) stops
// working at once and the package's tokens are revoked. Only the operator
// may choose a secret. The current secret given again changes nothing and
// returns changed false.
func (s *Service) SetClientSecret(ctx context.Context, a *Actor, clientID, clientSecret string) (changed bool, err error) {
	const action = "package.set_secret"
	cur, err := s.packageFor(ctx, a, clientID, action)
	if err != nil {
		return false, err
	}
	if clientSecret == "" {
		return false, fuelgate.Errorf(fuelgate.EINVALID, "the client secret is empty")
	}
	if _, _, err := a.chooseCredentials(clientID, clientSecret, cur.IntegrationType != fuelgate.IntegrationPublicApp); err != nil {
		return false, s.denied(ctx, a, action, "client:"+clientID, cur.MID, err)
	}
	hash := secret.ClientSecretHash(s.keys.Pepper, clientSecret)
	if secret.Equal(hash, cur.SecretHash) {
		return false, nil
	}
	err = s.write(ctx, a, &fuelgate.AuditEvent{MID: cur.MID, Action: action, Target: "client:" + clientID,
		Detail: "chosen secret; old secret retired now"}, func(tx fuelgate.Store) error {
		now := s.now().UTC()
		if _, err := tx.UpdatePackage(ctx, cur.ID, func(p *fuelgate.Package) error {
			p.SecretHash, p.PrevSecretHash, p.PrevSecretExpires = hash, nil, time.Time{}
			p.SecretRotatedAt, p.UpdatedAt = now, now
			return nil
		}); err != nil {
			return err
		}
		_, err := tx.RevokeTokens(ctx, fuelgate.TokenFilter{PackageID: cur.ID}, now)
		return err
	})
	return err == nil, err
}
