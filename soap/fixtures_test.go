package soap

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fuelgate/fuelgate/internal/fixtures"
)

// fixturePassword is the plaintext behind the recorded PasswordDigest fixtures.
const fixturePassword = "stub-Passw0rd!"

// fixtureWant is what a recorded SOAP request must decode to.
type fixtureWant struct {
	version     Version
	action      string
	body        string // local name of the Body child
	fuelOAuth   string // "" = no fueloauth header expected
	oAuthToken  string // "" = no legacy oAuth header expected
	user        string // "" = no UsernameToken expected
	password    string // PasswordText value, or "" for digest/placeholder
	digest      bool
	placeholder bool
	messageID   string
	timestamp   bool
}

var fixtureWants = map[string]fixtureWant{
	"csharp-fuelsdk-legacy-retrieve":     {version: V12, action: "Retrieve", body: "RetrieveRequestMsg", oAuthToken: "LEGACY_TOKEN", user: "*", password: "*", placeholder: true, messageID: "urn:uuid:0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a", timestamp: true},
	"csharp-fuelsdk-retrieve":            {version: V12, action: "Retrieve", body: "RetrieveRequestMsg", fuelOAuth: "ACCESS_TOKEN", messageID: "urn:uuid:6b1f2c0e-8d3a-4f5b-9c7e-2a4d6e8f0b13"},
	"fuel-soap-create":                   {version: V11, action: "Create", body: "CreateRequest", fuelOAuth: "ACCESS_TOKEN"},
	"fuel-soap-delete":                   {version: V11, action: "Delete", body: "DeleteRequest", fuelOAuth: "ACCESS_TOKEN"},
	"fuel-soap-retrieve-filter":          {version: V11, action: "Retrieve", body: "RetrieveRequestMsg", fuelOAuth: "ACCESS_TOKEN"},
	"fuel-soap-retrieve":                 {version: V11, action: "Retrieve", body: "RetrieveRequestMsg", fuelOAuth: "ACCESS_TOKEN"},
	"fuel-soap-update":                   {version: V11, action: "Update", body: "UpdateRequest", fuelOAuth: "ACCESS_TOKEN"},
	"java-fuelsdk-retrieve":              {version: V11, action: "Retrieve", body: "RetrieveRequestMsg", fuelOAuth: "ACCESS_TOKEN"},
	"node-fuelsdk-retrieve":              {version: V11, action: "Retrieve", body: "RetrieveRequestMsg", fuelOAuth: "ACCESS_TOKEN"},
	"node-soap-create":                   {version: V11, action: "Create", body: "CreateRequest", fuelOAuth: "ACCESS_TOKEN"},
	"node-soap-delete":                   {version: V11, action: "Delete", body: "DeleteRequest", fuelOAuth: "ACCESS_TOKEN"},
	"node-soap-retrieve":                 {version: V11, action: "Retrieve", body: "RetrieveRequestMsg", fuelOAuth: "ACCESS_TOKEN"},
	"node-soap-update":                   {version: V11, action: "Update", body: "UpdateRequest", fuelOAuth: "ACCESS_TOKEN"},
	"node-soap-wsse-digest":              {version: V11, action: "Retrieve", body: "RetrieveRequestMsg", user: "API_USER", digest: true, timestamp: true},
	"node-soap-wsse-text":                {version: V11, action: "Retrieve", body: "RetrieveRequestMsg", user: "API_USER", password: "API_PASSWORD", timestamp: true},
	"node-soap-wsse-text-mustunderstand": {version: V11, action: "Retrieve", body: "RetrieveRequestMsg", user: "API_USER", password: "API_PASSWORD", timestamp: true},
	"php-fuelsdk-legacy-retrieve":        {version: V11, action: "Retrieve", body: "RetrieveRequestMsg", oAuthToken: "LEGACY_TOKEN", user: "*", password: "*", placeholder: true},
	"php-fuelsdk-retrieve":               {version: V11, action: "Retrieve", body: "RetrieveRequestMsg", fuelOAuth: "ACCESS_TOKEN"},
	"python-fuelsdk-legacy-retrieve":     {version: V11, action: "Retrieve", body: "RetrieveRequestMsg", oAuthToken: "LEGACY_TOKEN", user: "*", password: "*", placeholder: true},
	"python-fuelsdk-retrieve":            {version: V11, action: "Retrieve", body: "RetrieveRequestMsg", fuelOAuth: "ACCESS_TOKEN"},
	"ruby-fuelsdk-retrieve":              {version: V11, action: "Retrieve", body: "RetrieveRequestMsg", fuelOAuth: "ACCESS_TOKEN"},
	"sfmc-sdk-configure":                 {version: V11, action: "Configure", body: "ConfigureRequestMsg", fuelOAuth: "ACCESS_TOKEN"},
	"sfmc-sdk-create-accountuser":        {version: V11, action: "Create", body: "CreateRequest", fuelOAuth: "ACCESS_TOKEN"},
	"sfmc-sdk-create":                    {version: V11, action: "Create", body: "CreateRequest", fuelOAuth: "ACCESS_TOKEN"},
	"sfmc-sdk-delete":                    {version: V11, action: "Delete", body: "DeleteRequest", fuelOAuth: "ACCESS_TOKEN"},
	"sfmc-sdk-retrieve-filter":           {version: V11, action: "Retrieve", body: "RetrieveRequestMsg", fuelOAuth: "ACCESS_TOKEN"},
	"sfmc-sdk-retrieve":                  {version: V11, action: "Retrieve", body: "RetrieveRequestMsg", fuelOAuth: "ACCESS_TOKEN"},
	"sfmc-sdk-update-accountuser":        {version: V11, action: "Update", body: "UpdateRequest", fuelOAuth: "ACCESS_TOKEN"},
	"sfmc-sdk-update":                    {version: V11, action: "Update", body: "UpdateRequest", fuelOAuth: "ACCESS_TOKEN"},
	"zeep-create":                        {version: V11, action: "Create", body: "CreateRequest", fuelOAuth: "ACCESS_TOKEN"},
	"zeep-delete":                        {version: V11, action: "Delete", body: "DeleteRequest", fuelOAuth: "ACCESS_TOKEN"},
	"zeep-retrieve":                      {version: V11, action: "Retrieve", body: "RetrieveRequestMsg", fuelOAuth: "ACCESS_TOKEN"},
	"zeep-update":                        {version: V11, action: "Update", body: "UpdateRequest", fuelOAuth: "ACCESS_TOKEN"},
	"zeep-wsse-digest-zulu":              {version: V11, action: "Retrieve", body: "RetrieveRequestMsg", user: "API_USER", digest: true},
	"zeep-wsse-digest":                   {version: V11, action: "Retrieve", body: "RetrieveRequestMsg", user: "API_USER", digest: true},
	"zeep-wsse-text":                     {version: V11, action: "Retrieve", body: "RetrieveRequestMsg", user: "API_USER", password: "API_PASSWORD"},
}

// soapFixture is a recorded SOAP request ready for Decode.
type soapFixture struct {
	name string
	body []byte
	info HTTPInfo
}

// soapFixtures returns every recorded request to a Service.asmx path.
func soapFixtures(t testing.TB) []soapFixture {
	t.Helper()
	var out []soapFixture
	for _, f := range fixtures.All() {
		req, err := f.HTTP()
		if err != nil {
			t.Fatalf("%s: parsing request: %v", f.Name, err)
		}
		if !strings.EqualFold(req.URL.Path, "/service.asmx") {
			continue
		}
		body, err := f.Body()
		if err != nil {
			t.Fatalf("%s: reading body: %v", f.Name, err)
		}
		out = append(out, soapFixture{
			name: f.Name,
			body: body,
			info: HTTPInfo{SOAPAction: req.Header.Get("SOAPAction"), ContentType: req.Header.Get("Content-Type")},
		})
	}
	return out
}

func TestDecodeFixtures(t *testing.T) {
	all := soapFixtures(t)
	if len(all) != len(fixtureWants) {
		t.Errorf("got %d SOAP fixtures, want %d (add new fixtures to fixtureWants)", len(all), len(fixtureWants))
	}
	for _, f := range all {
		t.Run(f.name, func(t *testing.T) {
			want, ok := fixtureWants[f.name]
			if !ok {
				t.Fatalf("no expectation for fixture %s", f.name)
			}
			env, err := Decode(bytes.NewReader(f.body), f.info, Limits{})
			if err != nil {
				t.Fatalf("Decode: got error %v, want nil", err)
			}
			if env.Version != want.version {
				t.Errorf("Version: got %v, want %v", env.Version, want.version)
			}
			if env.Action != want.action {
				t.Errorf("Action: got %q, want %q", env.Action, want.action)
			}
			if env.Body == nil || env.Body.Name.Local != want.body || env.Body.Name.Space != NSPartner {
				t.Errorf("Body: got %+v, want %s in %s", env.Body, want.body, NSPartner)
			}
			if env.Fault != nil {
				t.Errorf("Fault: got %+v, want nil", env.Fault)
			}
			if env.MessageID != want.messageID {
				t.Errorf("MessageID: got %q, want %q", env.MessageID, want.messageID)
			}
			h := env.Header
			if h.HasFuelOAuth != (want.fuelOAuth != "") || h.FuelOAuth != want.fuelOAuth {
				t.Errorf("fueloauth: got (%v, %q), want %q", h.HasFuelOAuth, h.FuelOAuth, want.fuelOAuth)
			}
			if h.HasOAuth != (want.oAuthToken != "") || h.OAuthToken != want.oAuthToken {
				t.Errorf("oAuth: got (%v, %q), want %q", h.HasOAuth, h.OAuthToken, want.oAuthToken)
			}
			checkFixtureToken(t, h.Security, want)
		})
	}
}

func checkFixtureToken(t *testing.T, sec *Security, want fixtureWant) {
	t.Helper()
	if want.user == "" {
		if sec != nil {
			t.Errorf("Security: got %+v, want nil", sec)
		}
		return
	}
	if sec == nil || sec.UsernameToken == nil {
		t.Fatalf("Security: got %+v, want a UsernameToken", sec)
	}
	if got := sec.Timestamp != nil; got != want.timestamp {
		t.Errorf("Timestamp present: got %v, want %v", got, want.timestamp)
	}
	tok := sec.UsernameToken
	if tok.Username != want.user {
		t.Errorf("Username: got %q, want %q", tok.Username, want.user)
	}
	if got := tok.IsPlaceholder(); got != want.placeholder {
		t.Errorf("IsPlaceholder: got %v, want %v", got, want.placeholder)
	}
	if want.digest {
		if tok.PasswordType != PasswordDigest {
			t.Errorf("PasswordType: got %v, want PasswordDigest", tok.PasswordType)
		}
		if len(tok.Nonce) != 16 {
			t.Errorf("Nonce: got %d bytes, want 16", len(tok.Nonce))
		}
		if !VerifyDigest(tok, fixturePassword) {
			t.Errorf("VerifyDigest(%q): got false, want true", fixturePassword)
		}
		if VerifyDigest(tok, fixturePassword+"x") {
			t.Errorf("VerifyDigest(wrong password): got true, want false")
		}
		return
	}
	if tok.PasswordType != PasswordText || !tok.HasPassword || tok.Password != want.password {
		t.Errorf("Password: got (%v, %v, %q), want PasswordText %q", tok.PasswordType, tok.HasPassword, tok.Password, want.password)
	}
}
