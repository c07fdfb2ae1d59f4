package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fuelgate/fuelgate/soap"
)

// Scenarios lists the scenarios in report order.
func Scenarios() []Scenario {
	return []Scenario{
		Baseline(),
		{Name: "token", New: token},
		{Name: "soap-token", New: soapToken},
		{Name: "soap-text", New: soapUser(false)},
		{Name: "soap-digest", New: soapUser(true)},
	}
}

// Baseline is the scenario every ratio is taken against.
func Baseline() Scenario { return Scenario{Name: "baseline", New: baseline} }

// ScenarioByName finds a scenario.
func ScenarioByName(name string) (Scenario, bool) {
	for _, s := range Scenarios() {
		if s.Name == name {
			return s, true
		}
	}
	return Scenario{}, false
}

// baseline is a GET of the trivial handler's small JSON body.
func baseline(_ context.Context, t *Target, c *http.Client) (func(context.Context) error, error) {
	return func(ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, t.URL+"/", nil)
		return do(c, req, nil)
	}, nil
}

// token is POST /v2/token with the JSON body SFMC SDKs send.
func token(_ context.Context, t *Target, c *http.Client) (func(context.Context) error, error) {
	body, _ := json.Marshal(map[string]any{"grant_type": "client_credentials", "client_id": t.ClientID,
		"client_secret": t.ClientSecret, "account_id": t.AccountID})
	return func(ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, t.URL+"/v2/token", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		return do(c, req, []byte(`"access_token"`))
	}, nil
}

// GetToken fetches one access token.
func GetToken(ctx context.Context, t *Target, c *http.Client) (string, error) {
	body, _ := json.Marshal(map[string]any{"grant_type": "client_credentials", "client_id": t.ClientID,
		"client_secret": t.ClientSecret, "account_id": t.AccountID})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, t.URL+"/v2/token", bytes.NewReader(body))
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

// soapToken is a Retrieve authenticated by fueloauth, one token per connection.
func soapToken(ctx context.Context, t *Target, c *http.Client) (func(context.Context) error, error) {
	tok, err := GetToken(ctx, t, c)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := soap.WriteRequest(&buf, soap.V11, soap.RequestHeader{FuelOAuth: tok}, retrieveBU(t.AccountID)); err != nil {
		return nil, err
	}
	body := buf.Bytes()
	return func(ctx context.Context) error { return postSOAP(ctx, c, t.URL, body) }, nil
}

// soapUser is a Retrieve authenticated by UsernameToken; digest calls get a
// fresh nonce and Created each time.
func soapUser(digest bool) func(context.Context, *Target, *http.Client) (func(context.Context) error, error) {
	return func(_ context.Context, t *Target, c *http.Client) (func(context.Context) error, error) {
		if t.Username == "" {
			return nil, errors.New("no API user for this scenario")
		}
		payload := retrieveBU(t.AccountID)
		var fixed []byte
		if !digest {
			ut := &soap.UsernameToken{Username: t.Username, Password: t.Password, HasPassword: true}
			var buf bytes.Buffer
			if err := soap.WriteRequest(&buf, soap.V11, soap.RequestHeader{UsernameToken: ut}, payload); err != nil {
				return nil, err
			}
			fixed = buf.Bytes()
		}
		return func(ctx context.Context) error {
			body := fixed
			if digest {
				ut, err := soap.NewUsernameToken(t.Username, t.Password, true, time.Now(), rand.Reader)
				if err != nil {
					return err
				}
				var buf bytes.Buffer
				if err := soap.WriteRequest(&buf, soap.V11, soap.RequestHeader{UsernameToken: ut}, payload); err != nil {
					return err
				}
				body = buf.Bytes()
			}
			return postSOAP(ctx, c, t.URL, body)
		}, nil
	}
}

func postSOAP(ctx context.Context, c *http.Client, base string, body []byte) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/Service.asmx", bytes.NewReader(body))
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", "Retrieve")
	return do(c, req, []byte("<OverallStatus>OK</OverallStatus>"))
}

// do sends req and checks the status and, when given, a marker in the body.
func do(c *http.Client, req *http.Request, marker []byte) error {
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d: %s", resp.StatusCode, excerpt(b))
	}
	if marker != nil && !bytes.Contains(b, marker) {
		return fmt.Errorf("unexpected answer: %s", excerpt(b))
	}
	return nil
}

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
