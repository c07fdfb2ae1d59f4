package tokenapi_test

import (
	"net/http"
	"testing"
)

// The exact bodies of protocol.md §1.6, copied from the document rather than
// from the code, so that a drift in either shows up here.
const (
	bodyInvalidClient = `{"error":"invalid_client","error_description":"Client authentication failed. Make sure that the client ID and client secret are valid and that the package is installed and enabled.","error_uri":"https://developer.salesforce.com/docs"}`
	bodyLegacy        = `{"error":"invalid_client","error_description":"This integration is not eligible to use the /v2/token endpoint because the integration was created in a legacy package. To obtain a token for this integration, use the /v1/requestToken endpoint.","error_uri":"https://developer.salesforce.com/docs"}`
	bodyGrantType     = `{"error":"unsupported_grant_type","error_description":"Use \"authorization_code\" or \"refresh_token\" or \"client_credentials\" or \"urn:ietf:params:oauth:grant-type:jwt-bearer\" as the grant_type.","error_uri":"https://developer.salesforce.com/docs"}`
	bodyNotFound      = `{"documentation":"https://developer.salesforce.com/docs/atlas.en-us.mc-apis.meta/mc-apis/error-handling.htm","errorcode":404,"message":"Not Found"}`
	bodyLegacyBad     = `{"message":"Unauthorized","errorcode":1,"documentation":""}`
)

// TestErrorRows has one case per row of protocol.md §1.6 (and the legacy
// bad-credentials answer of §2.3), with fuelgate's decisions of design.md §10
// where SFMC's answer is unknown.
func TestErrorRows(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		row        string
		req        request
		wantStatus int
		wantBody   string
	}{
		{"wrong client_id", request{path: "/v2/token", contentType: jsonCT,
			body: `{"client_id":"unknownclient00000000000","client_secret":"{{SECRET}}","grant_type":"client_credentials","account_id":"{{ENTERPRISE}}"}`},
			401, bodyInvalidClient},
		{"wrong secret", request{path: "/v2/token", contentType: jsonCT,
			body: `{"client_id":"{{ID}}","client_secret":"not-the-secret","grant_type":"client_credentials","account_id":"{{ENTERPRISE}}"}`},
			401, bodyInvalidClient},
		{"package disabled", request{path: "/v2/token", contentType: jsonCT,
			body: `{"client_id":"{{OFF_ID}}","client_secret":"{{OFF_SECRET}}","grant_type":"client_credentials"}`},
			401, bodyInvalidClient},
		// fuelgate never uses the older "Invalid client ID" wording: it would
		// tell an unknown client ID from a wrong secret.
		{"invalid client id (older wording not used)", request{path: "/v2/token", contentType: jsonCT,
			body: `{"client_id":"x","client_secret":"y","grant_type":"client_credentials"}`},
			401, bodyInvalidClient},
		{"legacy package calling /v2/token", request{path: "/v2/token", contentType: jsonCT,
			body: `{"client_id":"{{LEGACY_ID}}","client_secret":"{{LEGACY_SECRET}}","grant_type":"client_credentials"}`},
			401, bodyLegacy},
		{"grant_type missing", request{path: "/v2/token", contentType: jsonCT,
			body: `{"client_id":"{{ID}}","client_secret":"{{SECRET}}"}`},
			400, bodyGrantType},
		{"grant_type unknown", request{path: "/v2/token", contentType: jsonCT,
			body: `{"client_id":"{{ID}}","client_secret":"{{SECRET}}","grant_type":"password"}`},
			400, bodyGrantType},
		{"auth-code flow: client not allowed (a server-to-server package)", request{path: "/v2/token", contentType: jsonCT,
			body: `{"grant_type":"authorization_code","code":"c","client_id":"{{ID}}","client_secret":"{{SECRET}}","redirect_uri":"https://example.com/cb"}`},
			401, `{"error":"unauthorized_client","error_description":"The client is not authorized to request an authorization code using this method.","error_uri":"https://developer.salesforce.com/docs"}`},
		{"unknown path on the auth host", request{method: http.MethodGet, path: "/v2/nothing-here"},
			404, bodyNotFound},
		{"unreachable account_id", request{path: "/v2/token", contentType: jsonCT,
			body: `{"client_id":"{{ID}}","client_secret":"{{SECRET}}","grant_type":"client_credentials","account_id":"{{GRANDCHILD}}"}`},
			400, `{"error":"unauthorized_client","error_description":"The client is not authorized for account_id {{GRANDCHILD}}.","error_uri":"https://developer.salesforce.com/docs"}`},
		{"bad account_id", request{path: "/v2/token", contentType: jsonCT,
			body: `{"client_id":"{{ID}}","client_secret":"{{SECRET}}","grant_type":"client_credentials","account_id":"MID"}`},
			400, `{"error":"invalid_request","error_description":"account_id must be a positive integer (the MID of a business unit).","error_uri":"https://developer.salesforce.com/docs"}`},
		{"bad scope", request{path: "/v2/token", contentType: jsonCT,
			body: `{"client_id":"{{ID}}","client_secret":"{{SECRET}}","grant_type":"client_credentials","scope":"email_send"}`},
			400, `{"error":"invalid_scope","error_description":"The requested scope is invalid, unknown, or not granted to this package.","error_uri":"https://developer.salesforce.com/docs"}`},
		{"legacy bad credentials (§2.3)", request{path: "/v1/requestToken?legacy=1", contentType: jsonCT,
			body: `{"clientId":"{{LEGACY_ID}}","clientSecret":"wrong","accessType":"offline"}`},
			401, bodyLegacyBad},
	}
	for _, tt := range tests {
		t.Run(tt.row, func(t *testing.T) {
			rep := e.do(t, tt.req)
			if rep.status != tt.wantStatus {
				t.Errorf("got status %d, want %d", rep.status, tt.wantStatus)
			}
			if want := e.expand(tt.wantBody); string(rep.body) != want {
				t.Errorf("got body\n%s\nwant\n%s", rep.body, want)
			}
			if got := rep.header.Get("Content-Type"); got != "application/json;charset=UTF-8" {
				t.Errorf("got Content-Type %q, want application/json;charset=UTF-8", got)
			}
		})
	}
}
