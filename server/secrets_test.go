package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/soap"
)

// TestNoSecretAtRestOrInLogs runs a full scenario and then looks for every
// secret, password and token it used in the database files and the logs.
func TestNoSecretAtRestOrInLogs(t *testing.T) {
	var logs fgtest.Buffer
	e := fgtest.New(t, fgtest.Options{Log: &logs})
	ctx := context.Background()
	secrets := map[string]string{"package secret": e.ClientSecret, "API user password": fgtest.Password}

	// A second package, rotated, and a legacy package.
	p2, s2, err := e.Manage.CreatePackage(ctx, manage.Operator(), manage.NewPackage{MID: e.Enterprise.MID, Name: "second", Scopes: []string{"users_read"}})
	if err != nil {
		t.Fatal(err)
	}
	_, s2b, err := e.Manage.RotateSecret(ctx, manage.Operator(), p2.ClientID, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	secrets["second secret"], secrets["rotated secret"] = s2, s2b
	e.CreateUser(manage.NewUser{Username: "other", Password: "Other-Passw0rd-xyz", APIUser: true})
	secrets["other password"] = "Other-Passw0rd-xyz"

	// Tokens over HTTP, good and bad.
	for i, body := range []string{
		`{"grant_type":"client_credentials","client_id":"` + e.ClientID + `","client_secret":"` + e.ClientSecret + `"}`,
		`{"grant_type":"client_credentials","client_id":"` + p2.ClientID + `","client_secret":"` + s2b + `"}`,
		`{"grant_type":"client_credentials","client_id":"` + e.ClientID + `","client_secret":"wrong-` + e.ClientSecret + `"}`,
	} {
		resp, err := http.Post(e.URL+"/v2/token", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		json.NewDecoder(resp.Body).Decode(&tok)
		resp.Body.Close()
		if tok.AccessToken != "" {
			secrets["token "+string(rune('0'+i))] = tok.AccessToken
			soapCall(t, e, soap.RequestHeader{FuelOAuth: tok.AccessToken})
		}
	}
	secrets["wrong secret"] = "wrong-" + e.ClientSecret

	// UsernameToken logins: text, digest, wrong password.
	text := &soap.UsernameToken{Username: "api_user", Password: fgtest.Password, HasPassword: true}
	soapCall(t, e, soap.RequestHeader{UsernameToken: text})
	dig, err := soap.NewUsernameToken("api_user", fgtest.Password, true, e.Clock.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	soapCall(t, e, soap.RequestHeader{UsernameToken: dig})
	soapCall(t, e, soap.RequestHeader{UsernameToken: &soap.UsernameToken{Username: "api_user", Password: "Wrong-Passw0rd-123", HasPassword: true}})
	secrets["wrong password"] = "Wrong-Passw0rd-123"

	var files [][]byte
	for _, f := range []string{e.DBPath, e.DBPath + "-wal"} {
		if b, err := os.ReadFile(f); err == nil {
			files = append(files, b)
		}
	}
	if len(files) == 0 {
		t.Fatal("no database file to inspect")
	}
	for name, s := range secrets {
		if s == "" {
			t.Fatalf("%s is empty: the scenario did not run", name)
		}
		for _, f := range files {
			if bytes.Contains(f, []byte(s)) {
				t.Errorf("%s found in clear in the database", name)
			}
		}
		if strings.Contains(logs.String(), s) {
			t.Errorf("%s found in the logs", name)
		}
	}
	if !strings.Contains(logs.String(), "path=/v2/token") {
		t.Fatal("the logs were not captured: the test proves nothing")
	}
}

func soapCall(t *testing.T, e *fgtest.Env, h soap.RequestHeader) {
	t.Helper()
	var buf bytes.Buffer
	body := soap.NewElement("RetrieveRequestMsg", soap.NewElement("RetrieveRequest",
		soap.TextElement("ObjectType", "BusinessUnit"), soap.TextElement("Properties", "ID")))
	if err := soap.WriteRequest(&buf, soap.V11, h, body); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, e.URL+"/Service.asmx", &buf)
	req.Header.Set("Content-Type", "text/xml")
	req.Header.Set("SOAPAction", "Retrieve")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}
