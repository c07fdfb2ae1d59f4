package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/soap"
)

// TestDigestRequestsVerify drives the soap-digest scenario with each
// generator against a server that decodes every envelope with package soap
// and checks its PasswordDigest (SHA-1 and Base64 computed by Go, or by the
// Lua script wrk runs), the freshness of its Created, the size of its nonce,
// and that no nonce repeats.
func TestDigestRequestsVerify(t *testing.T) {
	const username, password = "bench_api", "pässword \"quoted\" \\ <&>"
	var mu sync.Mutex
	seen := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		env, err := soap.Decode(r.Body, soap.HTTPInfo{SOAPAction: r.Header.Get("SOAPAction"), ContentType: r.Header.Get("Content-Type")}, soap.Limits{})
		if err != nil {
			http.Error(w, "decode: "+err.Error(), http.StatusBadRequest)
			return
		}
		var ut *soap.UsernameToken
		if env.Header.Security != nil {
			ut = env.Header.Security.UsernameToken
		}
		switch {
		case ut == nil || ut.Username != username:
			http.Error(w, "no UsernameToken for "+username, http.StatusBadRequest)
			return
		case !soap.VerifyDigest(ut, password):
			http.Error(w, "digest does not verify", http.StatusBadRequest)
			return
		case len(ut.Nonce) != NonceSize:
			http.Error(w, "nonce size", http.StatusBadRequest)
			return
		case time.Since(ut.CreatedAt).Abs() > 5*time.Second:
			http.Error(w, "created "+ut.Created+" is not now", http.StatusBadRequest)
			return
		}
		mu.Lock()
		replay := seen[string(ut.Nonce)]
		seen[string(ut.Nonce)] = true
		mu.Unlock()
		if replay {
			http.Error(w, "nonce replayed", http.StatusBadRequest)
			return
		}
		w.Write([]byte("<OverallStatus>OK</OverallStatus>"))
	}))
	defer srv.Close()
	sc, _ := ScenarioByName("soap-digest")
	for _, gen := range generators(t) {
		t.Run(gen.name, func(t *testing.T) {
			mu.Lock()
			before := len(seen)
			mu.Unlock()
			o := gen.opts
			o.Duration, o.Connections, o.Warmup = 300*time.Millisecond, 4, 200*time.Millisecond
			res, err := Run(context.Background(), &Target{URL: srv.URL, Username: username, Password: password}, sc, o)
			if err != nil {
				t.Fatal(err)
			}
			if res.Requests < 50 || res.Errors > 0 {
				t.Fatalf("%d requests, %d errors (%s); want many requests, all verified", res.Requests, res.Errors, res.FirstError)
			}
			mu.Lock()
			defer mu.Unlock()
			if got := int64(len(seen) - before); got < res.Requests {
				t.Errorf("%d distinct nonces for %d requests", got, res.Requests)
			}
		})
	}
}
