// Package secret holds fuelgate's cryptography: random identifiers, client
// secrets and tokens from crypto/rand; HMAC and SHA-256 digests for storing
// secrets and tokens; argon2id password hashes; AES-256-GCM sealing for
// digest-capable passwords; constant-time comparison; and the loading of the
// server keys (HMAC pepper, encryption key) from the environment or a key file.
package secret
