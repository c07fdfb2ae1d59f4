package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/fuelgate/fuelgate/soap"
)

// Scenarios lists the scenarios in report order.
func Scenarios() []Scenario {
	return []Scenario{
		Baseline(),
		{Name: "token", Prepare: token},
		{Name: "soap-token", Prepare: soapToken},
		{Name: "soap-text", Prepare: soapUser(false)},
		{Name: "soap-digest", Prepare: soapUser(true)},
	}
}

// Baseline is the scenario every ratio is taken against.
func Baseline() Scenario { return Scenario{Name: "baseline", Prepare: baseline} }

// ScenarioByName finds a scenario, the abuse scenarios included.
func ScenarioByName(name string) (Scenario, bool) {
	for _, s := range append(Scenarios(), AbuseScenarios()...) {
		if s.Name == name {
			return s, true
		}
	}
	return Scenario{}, false
}

// baseline is a GET of the trivial handler's small JSON body.
func baseline(context.Context, *Target, *http.Client) (*Request, error) {
	return &Request{Method: http.MethodGet, Path: "/", Marker: `"status":"ok"`}, nil
}

// tokenBody is the JSON body SFMC SDKs send to /v2/token.
func tokenBody(t *Target) []byte {
	body, _ := json.Marshal(map[string]any{"grant_type": "client_credentials", "client_id": t.ClientID,
		"client_secret": t.ClientSecret, "account_id": t.AccountID})
	return body
}

// token is POST /v2/token with the JSON body SFMC SDKs send.
func token(_ context.Context, t *Target, _ *http.Client) (*Request, error) {
	return &Request{Method: http.MethodPost, Path: "/v2/token", Header: [][2]string{{"Content-Type", "application/json"}},
		Body: tokenBody(t), Marker: `"access_token"`}, nil
}

// GetToken fetches one access token.
func GetToken(ctx context.Context, t *Target, c *http.Client) (string, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, t.URL+"/v2/token", bytes.NewReader(tokenBody(t)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&out); err != nil || out.AccessToken == "" {
		return "", fmt.Errorf("token request: HTTP %d", resp.StatusCode)
	}
	return out.AccessToken, nil
}

// retrieveBU is the Retrieve of one BusinessUnit each SOAP scenario sends.
func retrieveBU(mid int64) *soap.Element {
	return soap.NewElement("RetrieveRequestMsg", soap.NewElement("RetrieveRequest",
		soap.TextElement("ObjectType", "BusinessUnit"), soap.TextElement("Properties", "ID"),
		soap.TextElement("Properties", "Name"),
		soap.NewElement("Filter", soap.TextElement("Property", "ID"), soap.TextElement("SimpleOperator", "equals"),
			soap.TextElement("Value", strconv.FormatInt(mid, 10))).WithType("SimpleFilterPart")))
}

// soapRequest is a Retrieve POSTed to /Service.asmx.
func soapRequest(body []byte) *Request {
	return &Request{Method: http.MethodPost, Path: "/Service.asmx",
		Header: [][2]string{{"Content-Type", "text/xml; charset=utf-8"}, {"SOAPAction", "Retrieve"}},
		Body:   body, Marker: "<OverallStatus>OK</OverallStatus>"}
}

// soapToken is a Retrieve authenticated by fueloauth with a token fetched first.
func soapToken(ctx context.Context, t *Target, c *http.Client) (*Request, error) {
	tok, err := GetToken(ctx, t, c)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := soap.WriteRequest(&buf, soap.V11, soap.RequestHeader{FuelOAuth: tok}, retrieveBU(t.AccountID)); err != nil {
		return nil, err
	}
	return soapRequest(buf.Bytes()), nil
}

// soapUser is a Retrieve authenticated by UsernameToken; digest requests
// get a fresh nonce and Created each time.
func soapUser(digest bool) func(context.Context, *Target, *http.Client) (*Request, error) {
	return func(_ context.Context, t *Target, _ *http.Client) (*Request, error) {
		if t.Username == "" {
			return nil, errors.New("no API user for this scenario")
		}
		payload := retrieveBU(t.AccountID)
		if digest {
			d, err := newDigestBody(t.Username, t.Password, payload)
			if err != nil {
				return nil, err
			}
			r := soapRequest(nil)
			r.Digest = d
			return r, nil
		}
		ut := &soap.UsernameToken{Username: t.Username, Password: t.Password, HasPassword: true}
		var buf bytes.Buffer
		if err := soap.WriteRequest(&buf, soap.V11, soap.RequestHeader{UsernameToken: ut}, payload); err != nil {
			return nil, err
		}
		return soapRequest(buf.Bytes()), nil
	}
}

// excerpt is the start of an answer (from its SOAP fault string, if any),
// for an error message.
func excerpt(b []byte) string {
	s := string(b)
	if i := strings.Index(s, "<faultstring>"); i >= 0 {
		s = s[i:]
	}
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}
