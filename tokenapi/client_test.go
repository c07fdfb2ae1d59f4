package tokenapi_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/manage"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// TestOAuth2ClientCredentials: the reference Go OAuth2 client obtains working
// tokens with both client authentication styles.
func TestOAuth2ClientCredentials(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name      string
		style     oauth2.AuthStyle
		secret    string
		scopes    []string
		params    url.Values
		wantMID   int64
		wantScope string
		wantErr   string // RetrieveError.ErrorCode
	}{
		{name: "Basic", style: oauth2.AuthStyleInHeader, wantMID: e.Enterprise.MID, wantScope: "accounts_read accounts_write offline users_read users_write"},
		{name: "form", style: oauth2.AuthStyleInParams, wantMID: e.Enterprise.MID, wantScope: "accounts_read accounts_write offline users_read users_write"},
		{name: "Basic, scope and child account", style: oauth2.AuthStyleInHeader, scopes: []string{"users_read"},
			params: url.Values{"account_id": {itoa(e.Child.MID)}}, wantMID: e.Child.MID, wantScope: "users_read"},
		{name: "form, grandchild", style: oauth2.AuthStyleInParams, params: url.Values{"account_id": {itoa(e.Grandchild.MID)}}, wantErr: "unauthorized_client"},
		{name: "Basic, wrong secret", style: oauth2.AuthStyleInHeader, secret: "wrong", wantErr: "invalid_client"},
		{name: "form, wrong secret", style: oauth2.AuthStyleInParams, secret: "wrong", wantErr: "invalid_client"},
		{name: "Basic, unknown scope", style: oauth2.AuthStyleInHeader, scopes: []string{"email_read"}, wantErr: "invalid_scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			secret := e.ClientSecret
			if tt.secret != "" {
				secret = tt.secret
			}
			cfg := clientcredentials.Config{ClientID: e.ClientID, ClientSecret: secret, TokenURL: e.URL + "/v2/token",
				AuthStyle: tt.style, Scopes: tt.scopes, EndpointParams: tt.params}
			tok, err := cfg.Token(ctx)
			if tt.wantErr != "" {
				var re *oauth2.RetrieveError
				if !errors.As(err, &re) || re.ErrorCode != tt.wantErr {
					t.Fatalf("got error %v, want a RetrieveError %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Token: %v", err)
			}
			checkToken(t, "access_token", tok.AccessToken)
			if tok.TokenType != "Bearer" || tok.RefreshToken != "" {
				t.Errorf("got type %q refresh %q, want Bearer and no refresh token", tok.TokenType, tok.RefreshToken)
			}
			if left := time.Until(tok.Expiry); left < 1070*time.Second || left > 1080*time.Second {
				t.Errorf("got expiry in %v, want about 1079 s", left)
			}
			if got := tok.Extra("scope"); got != tt.wantScope {
				t.Errorf("got scope %v, want %q", got, tt.wantScope)
			}
			for _, k := range []string{"soap_instance_url", "rest_instance_url"} {
				if got := tok.Extra(k); got != e.URL+"/" {
					t.Errorf("got %s %v, want %s/", k, got, e.URL)
				}
			}
			p, err := e.Server.Auth.VerifyToken(ctx, tok.AccessToken, fuelgate.TokenAccess)
			if err != nil {
				t.Fatalf("VerifyToken: %v", err)
			}
			if p.MID() != tt.wantMID {
				t.Errorf("got principal MID %d, want %d", p.MID(), tt.wantMID)
			}
			// The token works as a Bearer token on the gateway endpoints.
			rep := e.do(t, request{method: http.MethodGet, path: "/platform/v1/endpoints/soap",
				header: map[string]string{"Authorization": "Bearer " + tok.AccessToken}})
			if rep.status != http.StatusOK {
				t.Errorf("endpoints/soap with the token: got %d %s, want 200", rep.status, rep.body)
			}
		})
	}
}

// TestAccountID: account_id picks the BU of the token, as a JSON string or a
// JSON number; a BU the package cannot reach is refused.
func TestAccountID(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name       string
		account    string // the JSON value, or "" for none
		wantStatus int
		wantMID    int64
	}{
		{"absent", "", 200, e.Enterprise.MID},
		{"enterprise as string", `"{{ENTERPRISE}}"`, 200, e.Enterprise.MID},
		{"child as string", `"{{CHILD}}"`, 200, e.Child.MID},
		{"child as number", `{{CHILD}}`, 200, e.Child.MID},
		{"child as string with spaces", `" {{CHILD}} "`, 200, e.Child.MID},
		{"empty string", `""`, 200, e.Enterprise.MID},
		{"grandchild as string", `"{{GRANDCHILD}}"`, 400, 0},
		{"grandchild as number", `{{GRANDCHILD}}`, 400, 0},
		{"other enterprise's MID", `1234567`, 400, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"grant_type":"client_credentials","client_id":"{{ID}}","client_secret":"{{SECRET}}"`
			if tt.account != "" {
				body += `,"account_id":` + tt.account
			}
			rep, m := e.token(t, body+`}`)
			if rep.status != tt.wantStatus {
				t.Fatalf("got %d %s, want %d", rep.status, rep.body, tt.wantStatus)
			}
			if tt.wantStatus != 200 {
				if m["error"] != "unauthorized_client" {
					t.Errorf("got error %v, want unauthorized_client", m["error"])
				}
				return
			}
			tok, _ := m["access_token"].(string)
			p, err := e.Server.Auth.VerifyToken(ctx, tok)
			if err != nil {
				t.Fatalf("VerifyToken: %v", err)
			}
			if p.MID() != tt.wantMID {
				t.Errorf("got MID %d, want %d", p.MID(), tt.wantMID)
			}
		})
	}
}

// TestTokenLifetimeHTTP: expires_in is 1079 by default; with a 5 s lifetime
// it is 4, the token expires 5 s after issue and stays "expired", also
// after TokenGrace and a sweep (a sealed token carries its expiry).
func TestTokenLifetimeHTTP(t *testing.T) {
	e := newEnv(t)
	body := `{"grant_type":"client_credentials","client_id":"{{ID}}","client_secret":"{{SECRET}}"}`
	if _, m := e.token(t, body); m["expires_in"] != float64(1079) {
		t.Errorf("default lifetime: got expires_in %v, want 1079", m["expires_in"])
	}
	lifetime := 5 * time.Second
	if _, err := e.Manage.UpdateSettings(ctx, manage.Operator(), e.Enterprise.MID, manage.SettingsChange{TokenLifetime: &lifetime}); err != nil {
		t.Fatal(err)
	}
	rep, m := e.token(t, body)
	if rep.status != 200 || m["expires_in"] != float64(4) {
		t.Fatalf("5 s lifetime: got %d expires_in %v, want 200 and 4", rep.status, m["expires_in"])
	}
	if !strings.Contains(string(rep.body), `"expires_in":4,`) {
		t.Errorf("expires_in is not a JSON integer in %s", rep.body)
	}
	tok := m["access_token"].(string)
	bearer := map[string]string{"Authorization": "Bearer " + tok}
	steps := []struct {
		name       string
		at         time.Duration
		sweep      bool
		want       error
		wantStatus int
	}{
		{"4 s after issue", 4 * time.Second, false, nil, 200},
		{"5 s after issue", 5 * time.Second, false, auth.ErrTokenExpired, 401},
		{"23 h after expiry", 5*time.Second + 23*time.Hour, true, auth.ErrTokenExpired, 401},
		{"after the grace, swept", 5*time.Second + fuelgate.TokenGrace + time.Second, true, auth.ErrTokenExpired, 401},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			e.Clock.Set(epoch.Add(st.at))
			if st.sweep {
				if _, err := e.Server.Auth.Sweep(ctx); err != nil {
					t.Fatal(err)
				}
			}
			_, err := e.Server.Auth.VerifyToken(ctx, tok)
			if !errors.Is(err, st.want) && !(err == nil && st.want == nil) {
				t.Errorf("VerifyToken: got %v, want %v", err, st.want)
			}
			rep := e.do(t, request{method: http.MethodGet, path: "/platform/v1/endpoints/soap", header: bearer})
			if rep.status != st.wantStatus {
				t.Errorf("endpoints/soap: got %d, want %d", rep.status, st.wantStatus)
			}
		})
	}
}

// TestConcurrentTokens: 1,000 token requests from 32 goroutines all succeed
// with distinct tokens that verify, and none of them is stored (they are
// sealed).
func TestConcurrentTokens(t *testing.T) {
	e := newEnv(t)
	stored, err := e.Store.CountTokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const total, workers = 1000, 32
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	defer client.CloseIdleConnections()
	body := e.expand(`{"grant_type":"client_credentials","client_id":"{{ID}}","client_secret":"{{SECRET}}","account_id":"{{CHILD}}"}`)
	var (
		mu     sync.Mutex
		tokens = map[string]bool{}
		fails  []string
		wg     sync.WaitGroup
	)
	jobs := make(chan int)
	for range workers {
		wg.Go(func() {
			for range jobs {
				resp, err := client.Post(e.URL+"/v2/token", "application/json", strings.NewReader(body))
				var tok string
				if err == nil {
					var m map[string]any
					err = decodeJSON(resp, &m)
					tok, _ = m["access_token"].(string)
					if err == nil && (resp.StatusCode != 200 || tok == "") {
						err = errors.New(resp.Status)
					}
				}
				mu.Lock()
				if err != nil {
					fails = append(fails, err.Error())
				} else {
					tokens[tok] = true
				}
				mu.Unlock()
			}
		})
	}
	for i := range total {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if len(fails) > 0 {
		t.Errorf("got %d failed requests, want 0; first: %s", len(fails), fails[0])
	}
	if len(tokens) != total {
		t.Errorf("got %d distinct tokens, want %d", len(tokens), total)
	}
	for tok := range tokens {
		if _, err := e.Server.Auth.VerifyToken(ctx, tok); err != nil {
			t.Fatalf("VerifyToken: %v", err)
		}
	}
	n, err := e.Store.CountTokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != stored {
		t.Errorf("got %d stored tokens after issuing %d sealed ones, want %d as before", n, total, stored)
	}
}

// TestGarbageNever5xx sends hostile bodies through the live server: every
// answer is JSON and never a 5xx; apart from introspection and revocation,
// which answer 200 for any token (RFC 7662, RFC 7009), it is a 4xx.
func TestGarbageNever5xx(t *testing.T) {
	e := newEnv(t)
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	tests := []struct {
		name string
		req  request
	}{
		{"invalid UTF-8 in a JSON string", request{path: "/v2/token", contentType: jsonCT, body: "{\"grant_type\":\"client_credentials\",\"client_id\":\"\xff\xfe\",\"client_secret\":\"x\"}"}},
		{"NUL bytes", request{path: "/v2/token", contentType: jsonCT, body: "{\"grant_type\":\"client_credentials\",\"client_id\":\"a\x00b\",\"client_secret\":\"\x00\"}"}},
		{"deeply nested JSON", request{path: "/v2/token", contentType: jsonCT, body: deep}},
		{"deeply nested JSON value", request{path: "/v2/token", contentType: jsonCT, body: `{"scope":` + deep[:8000] + deep[len(deep)-8000:] + `}`}},
		{"1 MiB body", request{path: "/v2/token", contentType: formCT, body: strings.Repeat("a=b&", 1<<18)}},
		{"binary", request{path: "/v2/token", contentType: "application/octet-stream", body: "\x89PNG\r\n\x1a\n\x00\x00"}},
		{"huge client_id", request{path: "/v2/token", contentType: jsonCT, body: `{"grant_type":"client_credentials","client_id":"` + strings.Repeat("i", 15000) + `","client_secret":"s"}`}},
		{"huge basic credentials", request{path: "/v2/token", contentType: formCT, body: "grant_type=client_credentials", basic: []string{strings.Repeat("i", 4000), strings.Repeat("s", 4000)}}},
		{"basic with bad escapes", request{path: "/v2/token", contentType: formCT, body: "grant_type=client_credentials", basic: []string{"%zz", "%"}}},
		{"bad basic base64", request{path: "/v2/token", contentType: formCT, body: "grant_type=client_credentials", header: map[string]string{"Authorization": "Basic ***"}}},
		{"huge refresh token", request{path: "/v1/requestToken", contentType: jsonCT, body: `{"clientId":"{{LEGACY_ID}}","clientSecret":"{{LEGACY_SECRET}}","refreshToken":"` + strings.Repeat("r", 10000) + `"}`}},
		{"huge token to introspect", request{path: "/v2/token/introspect", contentType: formCT, body: "token=" + strings.Repeat("t", 10000), basic: []string{"{{ID}}", "{{SECRET}}"}}},
		{"huge token to revoke", request{path: "/v2/token/revoke", contentType: formCT, body: "token=" + strings.Repeat("t", 10000), basic: []string{"{{ID}}", "{{SECRET}}"}}},
		{"huge bearer", request{method: http.MethodGet, path: "/v2/userinfo", header: map[string]string{"Authorization": "Bearer " + strings.Repeat("b", 8000)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := e.do(t, tt.req)
			ok200 := strings.HasPrefix(tt.req.path, "/v2/token/")
			if rep.status >= 500 || rep.status < 400 && !(ok200 && rep.status == 200) {
				t.Errorf("got status %d %.200s, want a 4xx", rep.status, rep.body)
			}
			if !json.Valid(rep.body) {
				t.Errorf("got a body that is not JSON: %.200q", rep.body)
			}
		})
	}
}
