package tokenapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/golden"
)

// goldenHeaders are the response headers a golden file records.
var goldenHeaders = []string{"Allow", "Cache-Control", "Content-Type", "Pragma", "WWW-Authenticate"}

// tokenFields are the JSON fields that carry a fresh token, with the
// placeholder that replaces each in a golden file.
var tokenFields = map[string]string{
	"access_token": "ACCESS_TOKEN", "accessToken": "ACCESS_TOKEN",
	"legacyToken": "LEGACY_TOKEN", "refreshToken": "REFRESH_TOKEN",
}

// render turns a reply into the golden text: status line, the recorded
// headers, a blank line and the body exactly as sent, with tokens, the
// server URL and client IDs replaced by placeholders.
func (e *env) render(t *testing.T, rep reply) []byte {
	t.Helper()
	body := string(rep.body)
	var m map[string]any
	if json.Unmarshal(rep.body, &m) == nil {
		for field, placeholder := range tokenFields {
			if v, ok := m[field].(string); ok {
				checkToken(t, field, v)
				body = strings.ReplaceAll(body, v, placeholder)
			}
		}
	}
	body = strings.NewReplacer(e.URL, "http://SERVER", e.ClientID, "CLIENT_ID", e.legacy.ClientID, "LEGACY_CLIENT_ID").Replace(body)
	var b bytes.Buffer
	b.WriteString("HTTP " + itoa(int64(rep.status)) + "\n")
	for _, h := range goldenHeaders {
		for _, v := range rep.header.Values(h) {
			b.WriteString(h + ": " + v + "\n")
		}
	}
	b.WriteString("\n" + body + "\n")
	return b.Bytes()
}

const jsonCT = "application/json"
const formCT = "application/x-www-form-urlencoded"

// TestGolden records every success and error answer of the auth endpoints.
// Several cases share a golden file: their answers must be byte-identical
// (e.g. unknown client, wrong secret and disabled package).
func TestGolden(t *testing.T) {
	e := newEnv(t)
	v2 := e.Token(0)
	v1, err := e.Server.Auth.GrantLegacy(ctx, auth.LegacyRequest{ClientID: e.legacy.ClientID, ClientSecret: e.legacySecret})
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.Server.Auth.GrantLegacy(ctx, auth.LegacyRequest{ClientID: e.legacy.ClientID, ClientSecret: e.legacySecret})
	if err != nil {
		t.Fatal(err)
	}
	grant := `"grant_type":"client_credentials"`
	creds := `"client_id":"{{ID}}","client_secret":"{{SECRET}}"`
	oversized := `{` + grant + `,` + creds + `,"pad":"` + strings.Repeat("x", 16<<10) + `"}`
	bearer := func(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

	tests := []struct {
		name   string
		golden string
		req    request
	}{
		// /v2/token success.
		{"json", "token-success", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds + `}`}},
		{"json python spacing", "token-success", request{path: "/v2/token", contentType: jsonCT,
			body: `{"client_id": "{{ID}}", "client_secret": "{{SECRET}}", "grant_type": "client_credentials", "account_id": "{{ENTERPRISE}}"}`}},
		{"json account_id number", "token-success", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds + `,"account_id":{{CHILD}}}`}},
		{"json account_id string", "token-success", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds + `,"account_id":"{{CHILD}}"}`}},
		{"json charset content type", "token-success", request{path: "/v2/token", contentType: "application/json; charset=utf-8", body: `{` + grant + `,` + creds + `}`}},
		{"json null account_id", "token-success", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds + `,"account_id":null}`}},
		{"form", "token-success", request{path: "/v2/token", contentType: formCT, body: "grant_type=client_credentials&client_id={{ID}}&client_secret={{SECRET}}"}},
		{"basic", "token-success", request{path: "/v2/token", contentType: formCT, body: "grant_type=client_credentials", basic: []string{"{{ID}}", "{{SECRET}}"}}},
		{"basic and body client_id", "token-success", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,"client_id":"{{ID}}"}`, basic: []string{"{{ID}}", "{{SECRET}}"}}},
		{"double slash path", "token-success", request{path: "//v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds + `}`}},
		{"scope", "token-scope", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds + `,"scope":"users_read accounts_read"}`}},
		{"empty scope", "token-empty-scope", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds + `,"scope":""}`}},

		// invalid_client: one answer for every credential failure.
		{"unknown client ID", "invalid-client", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,"client_id":"unknownclient00000000000","client_secret":"{{SECRET}}"}`}},
		{"wrong secret", "invalid-client", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,"client_id":"{{ID}}","client_secret":"wrong"}`}},
		{"disabled package", "invalid-client", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,"client_id":"{{OFF_ID}}","client_secret":"{{OFF_SECRET}}"}`}},
		{"no credentials", "invalid-client", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `}`}},
		{"wrong secret by form", "invalid-client", request{path: "/v2/token", contentType: formCT, body: "grant_type=client_credentials&client_id={{ID}}&client_secret=wrong"}},
		{"wrong secret by basic", "invalid-client-basic", request{path: "/v2/token", contentType: formCT, body: "grant_type=client_credentials", basic: []string{"{{ID}}", "wrong"}}},
		{"unknown client by basic", "invalid-client-basic", request{path: "/v2/token", contentType: formCT, body: "grant_type=client_credentials", basic: []string{"unknownclient00000000000", "{{SECRET}}"}}},
		{"legacy package", "legacy-package", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,"client_id":"{{LEGACY_ID}}","client_secret":"{{LEGACY_SECRET}}"}`}},

		// unsupported_grant_type.
		{"grant_type missing", "unsupported-grant-type", request{path: "/v2/token", contentType: jsonCT, body: `{` + creds + `}`}},
		{"grant_type unknown", "unsupported-grant-type", request{path: "/v2/token", contentType: jsonCT, body: `{"grant_type":"password",` + creds + `}`}},
		{"grant_type empty", "unsupported-grant-type", request{path: "/v2/token", contentType: jsonCT, body: `{"grant_type":"",` + creds + `}`}},
		{"grant_type in another case", "unsupported-grant-type", request{path: "/v2/token", contentType: jsonCT, body: `{"grant_type":"Client_Credentials",` + creds + `}`}},
		{"credentials in the query string are ignored", "unsupported-grant-type", request{path: "/v2/token?grant_type=client_credentials&client_id={{ID}}&client_secret={{SECRET}}", contentType: jsonCT}},
		{"empty body", "unsupported-grant-type", request{path: "/v2/token", contentType: jsonCT}},
		{"jwt-bearer", "grant-jwt-bearer", request{path: "/v2/token", contentType: jsonCT, body: `{"grant_type":"urn:ietf:params:oauth:grant-type:jwt-bearer",` + creds + `}`}},

		// invalid_request.
		{"malformed JSON", "invalid-request-json", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds}},
		{"JSON array", "invalid-request-json", request{path: "/v2/token", contentType: jsonCT, body: `[` + grant + `]`}},
		{"JSON after the object", "invalid-request-json", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds + `}{}`}},
		{"duplicate JSON key", "invalid-request-duplicate", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds + `,"client_id":"{{ID}}"}`}},
		{"duplicate JSON key, escaped", "invalid-request-duplicate", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds + `,"client\u005fid":"x"}`}},
		{"duplicate form key", "invalid-request-duplicate", request{path: "/v2/token", contentType: formCT, body: "grant_type=client_credentials&client_id={{ID}}&client_secret={{SECRET}}&client_id={{ID}}"}},
		{"nested JSON object", "invalid-request-nested", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds + `,"scope":{"a":"b"}}`}},
		{"nested JSON array", "invalid-request-nested", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds + `,"scope":["users_read"]}`}},
		{"JSON boolean", "invalid-request-nested", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds + `,"scope":true}`}},
		{"basic and body secret", "invalid-request-two-methods", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds + `}`, basic: []string{"{{ID}}", "{{SECRET}}"}}},
		{"basic and another body client_id", "invalid-request-client-mismatch", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,"client_id":"other"}`, basic: []string{"{{ID}}", "{{SECRET}}"}}},
		{"malformed authorization header", "invalid-request-authorization", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds + `}`, header: map[string]string{"Authorization": "Digest x"}}},
		{"oversized body", "invalid-request-oversized", request{path: "/v2/token", contentType: jsonCT, body: oversized}},
		{"account_id not a number", "invalid-request-account-id", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds + `,"account_id":"abc"}`}},
		{"account_id zero", "invalid-request-account-id", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds + `,"account_id":0}`}},
		{"account_id negative", "invalid-request-account-id", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds + `,"account_id":-5}`}},
		{"account_id fraction", "invalid-request-account-id", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds + `,"account_id":1.5}`}},
		{"account_id too large", "invalid-request-account-id", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds + `,"account_id":99999999999999999999}`}},
		{"content type text/plain", "invalid-request-content-type", request{path: "/v2/token", contentType: "text/plain", body: `{` + grant + `,` + creds + `}`}},

		// invalid_scope, unauthorized_client, 405, 404.
		{"scope not granted", "invalid-scope", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds + `,"scope":"email_read"}`}},
		{"unknown scope", "invalid-scope", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds + `,"scope":"bogus"}`}},
		{"grandchild account_id", "unauthorized-client", request{path: "/v2/token", contentType: jsonCT, body: `{` + grant + `,` + creds + `,"account_id":"{{GRANDCHILD}}"}`}},
		// A server-to-server package asking for the grants of web and public apps.
		{"authorization_code by a server-to-server package", "unauthorized-client-not-app", request{path: "/v2/token", contentType: jsonCT, body: `{"grant_type":"authorization_code",` + creds + `,"code":"x","redirect_uri":"https://example.com/"}`}},
		{"refresh_token by a server-to-server package", "unauthorized-client-not-app", request{path: "/v2/token", contentType: jsonCT, body: `{"grant_type":"refresh_token",` + creds + `,"refresh_token":"x"}`}},
		{"GET /v2/token", "method-not-allowed", request{method: http.MethodGet, path: "/v2/token"}},
		{"PUT /v2/token", "method-not-allowed", request{method: http.MethodPut, path: "/v2/token", contentType: jsonCT, body: `{}`}},
		{"unknown path", "not-found", request{method: http.MethodGet, path: "/v2/authorization"}},

		// Legacy /v1/requestToken.
		{"legacy online", "legacy-token", request{path: "/v1/requestToken", contentType: jsonCT, body: `{"clientId":"{{LEGACY_ID}}","clientSecret":"{{LEGACY_SECRET}}"}`}},
		{"legacy offline", "legacy-token-offline", request{path: "/v1/requestToken", contentType: jsonCT, body: `{"clientId":"{{LEGACY_ID}}","clientSecret":"{{LEGACY_SECRET}}","accessType":"offline"}`}},
		{"legacy=1", "legacy-token-legacy", request{path: "/v1/requestToken?legacy=1", contentType: jsonCT, body: `{"clientId":"{{LEGACY_ID}}","clientSecret":"{{LEGACY_SECRET}}"}`}},
		{"legacy=1 offline", "legacy-token-legacy-offline", request{path: "/v1/requestToken?legacy=1", contentType: jsonCT, body: `{"clientId":"{{LEGACY_ID}}","clientSecret":"{{LEGACY_SECRET}}","accessType":"offline"}`}},
		{"legacy online accessType", "legacy-token", request{path: "/v1/requestToken", contentType: jsonCT, body: `{"clientId":"{{LEGACY_ID}}","clientSecret":"{{LEGACY_SECRET}}","accessType":"online"}`}},
		{"legacy C# scope ignored", "legacy-token-legacy-offline", request{path: "/v1/requestToken?legacy=1", contentType: jsonCT, body: `{"clientId":"{{LEGACY_ID}}","clientSecret":"{{LEGACY_SECRET}}","scope":"cas:x","accessType":"offline"}`}},
		{"legacy wrong secret", "legacy-unauthorized", request{path: "/v1/requestToken", contentType: jsonCT, body: `{"clientId":"{{LEGACY_ID}}","clientSecret":"wrong"}`}},
		{"legacy unknown client", "legacy-unauthorized", request{path: "/v1/requestToken", contentType: jsonCT, body: `{"clientId":"unknownclient00000000000","clientSecret":"{{LEGACY_SECRET}}"}`}},
		{"legacy enhanced package", "legacy-unauthorized", request{path: "/v1/requestToken", contentType: jsonCT, body: `{"clientId":"{{ID}}","clientSecret":"{{SECRET}}"}`}},
		{"legacy bad refresh token", "legacy-unauthorized", request{path: "/v1/requestToken", contentType: jsonCT, body: `{"clientId":"{{LEGACY_ID}}","clientSecret":"{{LEGACY_SECRET}}","refreshToken":"nope"}`}},
		{"legacy empty body", "legacy-unauthorized", request{path: "/v1/requestToken", contentType: jsonCT}},
		{"legacy malformed JSON", "legacy-bad-request", request{path: "/v1/requestToken", contentType: jsonCT, body: `{"clientId":`}},
		{"legacy GET", "legacy-method-not-allowed", request{method: http.MethodGet, path: "/v1/requestToken"}},

		// GET /platform/v1/endpoints/soap and the Bearer 401.
		{"endpoints v2 token", "endpoints-soap", request{method: http.MethodGet, path: "/platform/v1/endpoints/soap", header: bearer(v2)}},
		{"endpoints v1 token", "endpoints-soap", request{method: http.MethodGet, path: "/platform/v1/endpoints/soap", header: bearer(v1.AccessToken)}},
		{"endpoints double slash", "endpoints-soap", request{method: http.MethodGet, path: "//platform/v1/endpoints/soap", header: bearer(v2)}},
		{"endpoints scheme in capitals", "endpoints-soap", request{method: http.MethodGet, path: "/platform/v1/endpoints/soap", header: map[string]string{"Authorization": "BEARER " + v2}}},
		{"endpoints scheme in lower case", "endpoints-soap", request{method: http.MethodGet, path: "/platform/v1/endpoints/soap", header: map[string]string{"Authorization": "bearer " + v2}}},
		{"endpoints no token", "bearer-unauthorized", request{method: http.MethodGet, path: "/platform/v1/endpoints/soap"}},
		{"endpoints garbage token", "bearer-unauthorized", request{method: http.MethodGet, path: "/platform/v1/endpoints/soap", header: bearer("garbage")}},
		{"endpoints basic auth", "bearer-unauthorized", request{method: http.MethodGet, path: "/platform/v1/endpoints/soap", basic: []string{"{{ID}}", "{{SECRET}}"}}},
		{"endpoints POST", "endpoints-method-not-allowed", request{path: "/platform/v1/endpoints/soap", header: bearer(v2)}},

		// Introspection and revocation.
		{"introspect active", "introspect-active", request{path: "/v2/token/introspect", contentType: formCT, body: "token=" + v2, basic: []string{"{{ID}}", "{{SECRET}}"}}},
		{"introspect active by JSON", "introspect-active", request{path: "/v2/token/introspect", contentType: jsonCT, body: `{` + creds + `,"token":"` + v2 + `"}`}},
		{"introspect garbage", "introspect-inactive", request{path: "/v2/token/introspect", contentType: formCT, body: "token=garbage", basic: []string{"{{ID}}", "{{SECRET}}"}}},
		{"introspect no token", "introspect-inactive", request{path: "/v2/token/introspect", contentType: formCT, basic: []string{"{{ID}}", "{{SECRET}}"}}},
		{"introspect another package's token", "introspect-inactive", request{path: "/v2/token/introspect", contentType: formCT, body: "token=" + v1.AccessToken, basic: []string{"{{ID}}", "{{SECRET}}"}}},
		{"introspect wrong secret", "invalid-client-basic", request{path: "/v2/token/introspect", contentType: formCT, body: "token=" + v2, basic: []string{"{{ID}}", "wrong"}}},
		{"introspect GET", "method-not-allowed", request{method: http.MethodGet, path: "/v2/token/introspect"}},
		{"revoke another package's token", "revoke", request{path: "/v2/token/revoke", contentType: formCT, body: "token=" + other.AccessToken, basic: []string{"{{ID}}", "{{SECRET}}"}}},
		{"revoke unknown token", "revoke", request{path: "/v2/token/revoke", contentType: formCT, body: "token=garbage", basic: []string{"{{ID}}", "{{SECRET}}"}}},
		{"revoke wrong secret", "invalid-client", request{path: "/v2/token/revoke", contentType: jsonCT, body: `{"client_id":"{{ID}}","client_secret":"wrong","token":"x"}`}},
		{"revoke GET", "method-not-allowed", request{method: http.MethodGet, path: "/v2/token/revoke"}},

		// userinfo.
		{"userinfo", "userinfo", request{method: http.MethodGet, path: "/v2/userinfo", header: bearer(v2)}},
		{"userinfo no token", "bearer-unauthorized", request{method: http.MethodGet, path: "/v2/userinfo"}},
		{"userinfo POST", "userinfo-method-not-allowed", request{path: "/v2/userinfo", header: bearer(v2)}},
	}
	first := map[string][]byte{} // golden name → the first answer rendered for it
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := e.render(t, e.do(t, tt.req))
			if prev, ok := first[tt.golden]; ok && golden.Updating() {
				// A shared golden file must not depend on which case wrote it.
				if !bytes.Equal(got, prev) {
					t.Errorf("answer differs from the first answer for %s\ngot:\n%s\nwant:\n%s", tt.golden, got, prev)
				}
				return
			}
			first[tt.golden] = got
			golden.Check(t, tt.golden, got)
		})
	}

	// After the revocation cases, the other package's token still works, and
	// revoking the caller's own token ends it.
	if _, err := e.Server.Auth.VerifyToken(ctx, other.AccessToken); err != nil {
		t.Errorf("another package's token after a foreign revoke: got %v, want none", err)
	}
	rep := e.do(t, request{path: "/v2/token/revoke", contentType: formCT, body: "token=" + v2, basic: []string{"{{ID}}", "{{SECRET}}"}})
	golden.Check(t, "revoke", e.render(t, rep))
	if _, err := e.Server.Auth.VerifyToken(ctx, v2); err != auth.ErrLoginFailed {
		t.Errorf("revoked token: got %v, want ErrLoginFailed", err)
	}
	rep = e.do(t, request{path: "/v2/token/introspect", contentType: formCT, body: "token=" + v2, basic: []string{"{{ID}}", "{{SECRET}}"}})
	golden.Check(t, "introspect-inactive", e.render(t, rep))
	rep = e.do(t, request{method: http.MethodGet, path: "/platform/v1/endpoints/soap", header: bearer(v2)})
	golden.Check(t, "bearer-unauthorized", e.render(t, rep))
}
