package main

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestSelfSignedTLS runs "serve --tls-self-signed" and talks HTTPS to it,
// trusting only the CA it created next to the database.
func TestSelfSignedTLS(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	dir := t.TempDir()
	addr := startServe(t, nil, "--tls-self-signed", "--db", filepath.Join(dir, "f.db")).addr
	pem, err := os.ReadFile(filepath.Join(dir, "fuelgate-ca.pem"))
	if err != nil {
		t.Fatalf("no CA file next to the database: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("the CA file holds no certificate")
	}
	if st, err := os.Stat(filepath.Join(dir, "fuelgate-tls-key.pem")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("TLS key file: %v, %v; want mode 0600", st, err)
	}
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := c.Get("https://" + addr + "/healthz")
	if err != nil {
		t.Fatalf("HTTPS with the printed CA: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET /healthz over TLS = %d, want 200", resp.StatusCode)
	}
	if _, err := http.Get("https://" + addr + "/healthz"); err == nil {
		t.Fatal("the certificate was trusted without the CA: it must not be a publicly trusted one")
	}
}
