package secret

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Environment variables that override the key file.
const (
	EnvPepper        = "FUELGATE_PEPPER"         // base64 of ≥ 32 bytes
	EnvEncryptionKey = "FUELGATE_ENCRYPTION_KEY" // base64 of exactly 32 bytes
)

// Keys are the server secrets that must never be stored in the database.
type Keys struct {
	Pepper        []byte // HMAC key for client secrets and cache keys
	EncryptionKey []byte // AES-256-GCM key for digest-capable passwords
}

type keyFile struct {
	Pepper        string `json:"pepper"`
	EncryptionKey string `json:"encryption_key"`
}

// LoadKeys returns the keys from the environment (getenv) when both variables
// are set, else from the key file at path, creating it with mode 0600 and
// fresh random keys when it does not exist. A key file readable by group or
// others is refused.
func LoadKeys(path string, getenv func(string) string) (*Keys, error) {
	if p, e := getenv(EnvPepper), getenv(EnvEncryptionKey); p != "" || e != "" {
		return keysFromEnv(p, e)
	}
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createKeyFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read key file: %w", err)
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("key file %s is readable by others (mode %v): chmod 600 it", path, st.Mode().Perm())
	}
	var kf keyFile
	if err := json.Unmarshal(raw, &kf); err != nil {
		return nil, fmt.Errorf("key file %s: not valid JSON", path)
	}
	return keysFromEnv(kf.Pepper, kf.EncryptionKey)
}

func keysFromEnv(pepper, enc string) (*Keys, error) {
	p, err := base64.StdEncoding.DecodeString(pepper)
	if err != nil || len(p) < 32 {
		return nil, errors.New("pepper must be base64 of at least 32 bytes")
	}
	e, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || len(e) != 32 {
		return nil, errors.New("encryption key must be base64 of exactly 32 bytes")
	}
	return &Keys{Pepper: p, EncryptionKey: e}, nil
}

func createKeyFile(path string) (*Keys, error) {
	k := &Keys{Pepper: Bytes(32), EncryptionKey: Bytes(32)}
	raw, _ := json.MarshalIndent(keyFile{
		Pepper:        base64.StdEncoding.EncodeToString(k.Pepper),
		EncryptionKey: base64.StdEncoding.EncodeToString(k.EncryptionKey),
	}, "", "  ")
	// Write a temporary file completely, then link it into place, so that a
	// concurrent starter never reads a half-written key file.
	tmp := fmt.Sprintf("%s.%x.tmp", path, Bytes(6))
	if err := os.WriteFile(tmp, append(raw, '\n'), 0o600); err != nil {
		return nil, fmt.Errorf("create key file: %w", err)
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) { // another process created it first
			return LoadKeys(path, func(string) string { return "" })
		}
		return nil, fmt.Errorf("create key file: %w", err)
	}
	return k, nil
}
