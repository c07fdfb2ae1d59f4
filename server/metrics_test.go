package server_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/soap"
)

// TestMetrics checks that /metrics counts tokens, SOAP logins, cache lookups
// and requests, exposes the pool, and never carries an identifier.
func TestMetrics(t *testing.T) {
	e := fgtest.New(t)
	resp, err := http.Post(e.URL+"/v2/token", "application/json", strings.NewReader(
		`{"grant_type":"client_credentials","client_id":"`+e.ClientID+`","client_secret":"`+e.ClientSecret+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	http.Post(e.URL+"/v2/token", "application/json", strings.NewReader(`{"grant_type":"client_credentials","client_id":"nobody","client_secret":"x"}`))
	soapCall(t, e, soap.RequestHeader{FuelOAuth: e.Token(0)})
	soapCall(t, e, soap.RequestHeader{FuelOAuth: "garbage"})
	resp, err = http.Get(e.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text := string(body)
	for _, want := range []string{
		`fuelgate_tokens_total{result="issued",version="v2"}`,
		`fuelgate_tokens_total{result="refused",version="v2"} 1`,
		`fuelgate_soap_logins_total{method="token",outcome="success"} 1`,
		`fuelgate_soap_logins_total{method="token",outcome="failure"} 1`,
		`fuelgate_cache_lookups_total{cache="token",result="miss"}`,
		`fuelgate_http_requests_total{code="2xx",route="/v2/token"} 1`,
		`fuelgate_http_requests_total{code="4xx",route="/v2/token"} 1`,
		`fuelgate_http_request_duration_seconds_bucket{route="/Service.asmx"`,
		`go_sql_max_open_connections{db_name="fuelgate"}`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for _, secret := range []string{e.ClientID, "nobody", "api_user"} {
		if strings.Contains(text, secret) {
			t.Errorf("/metrics contains the identifier %q: labels must stay low-cardinality", secret)
		}
	}
}
