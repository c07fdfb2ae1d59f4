package secret

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

func TestPasswordHash(t *testing.T) {
	h := HashPassword("correct horse")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("got hash %q, want argon2id PHC string with OWASP parameters", h)
	}
	tests := []struct {
		name, password string
		want           bool
	}{
		{"right", "correct horse", true},
		{"wrong", "correct horse!", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := VerifyPassword(h, tt.password)
			if err != nil || got != tt.want {
				t.Fatalf("VerifyPassword = %v, %v; want %v, nil", got, err, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "$argon2id$", "$bcrypt$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=99999999,t=2,p=1$AA$AA"} {
		if _, err := VerifyPassword(bad, "x"); err != ErrMalformedHash {
			t.Errorf("VerifyPassword(%q) err = %v, want ErrMalformedHash", bad, err)
		}
	}
}

func TestSealOpen(t *testing.T) {
	key := Bytes(32)
	sealed, err := Seal(key, []byte("pw"), []byte("user:1"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("pw")) {
		t.Fatal("sealed value contains the plaintext")
	}
	got, err := Open(key, sealed, []byte("user:1"))
	if err != nil || string(got) != "pw" {
		t.Fatalf("Open = %q, %v; want pw", got, err)
	}
	if _, err := Open(key, sealed, []byte("user:2")); err != ErrUnseal {
		t.Fatalf("Open with other aad err = %v, want ErrUnseal", err)
	}
	if _, err := Open(Bytes(32), sealed, []byte("user:1")); err != ErrUnseal {
		t.Fatalf("Open with other key err = %v, want ErrUnseal", err)
	}
}

func TestIdentifiers(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := ClientID()
		if len(id) != 24 || strings.Trim(id, idAlphabet) != "" {
			t.Fatalf("ClientID %q: want 24 chars of [0-9a-z]", id)
		}
		tok := Token()
		if len(tok) != 43 || seen[tok] {
			t.Fatalf("Token %q: want 43 unique chars", tok)
		}
		seen[tok] = true
	}
	if p := Password(); len(p) != 20 {
		t.Fatalf("Password length %d, want 20", len(p))
	}
	guid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if g, h := GUID(), GUID(); !guid.MatchString(g) || g == h {
		t.Fatalf("GUIDs %q, %q: want two different version-4 UUIDs", g, h)
	}
}

func TestLoadKeysCreatesFileOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fuelgate.key")
	noenv := func(string) string { return "" }
	var wg sync.WaitGroup
	keys := make([]*Keys, 8)
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, err := LoadKeys(path, noenv)
			if err != nil {
				t.Error(err)
				return
			}
			keys[i] = k
		}()
	}
	wg.Wait()
	for _, k := range keys[1:] {
		if k == nil || !bytes.Equal(k.Pepper, keys[0].Pepper) || !bytes.Equal(k.EncryptionKey, keys[0].EncryptionKey) {
			t.Fatal("concurrent LoadKeys returned different keys")
		}
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode = %v, %v; want 0600", st.Mode().Perm(), err)
	}
	os.Chmod(path, 0o644)
	if _, err := LoadKeys(path, noenv); err == nil {
		t.Fatal("LoadKeys accepted a world-readable key file")
	}
}

func TestLoadKeysFromEnv(t *testing.T) {
	env := map[string]string{
		EnvPepper:        "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=",
		EnvEncryptionKey: "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=",
	}
	k, err := LoadKeys(filepath.Join(t.TempDir(), "none"), func(k string) string { return env[k] })
	if err != nil || string(k.Pepper) != "01234567890123456789012345678901" {
		t.Fatalf("LoadKeys from env = %v, %v", k, err)
	}
	env[EnvEncryptionKey] = "c2hvcnQ="
	if _, err := LoadKeys("", func(k string) string { return env[k] }); err == nil {
		t.Fatal("LoadKeys accepted a short encryption key")
	}
}
