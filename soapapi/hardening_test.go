package soapapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/soap"
	"github.com/fuelgate/fuelgate/soapapi"
)

// TestHardening sends hostile or malformed requests through the real HTTP
// endpoint.
func TestHardening(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.Token(0)
	ft := fuel(tok)
	bu := retrieve("BusinessUnit", []string{"ID"}, "")
	xml := http.Header{"Content-Type": {"text/xml; charset=utf-8"}, "SOAPAction": {"Retrieve"}}
	hugeCreate := env11(ft, write("Create", userObject(`<UserID>huge</UserID><Name>H</Name><Email>h@example.com</Email><Password>`+
		fgtest.Password+`</Password>`+strings.Repeat("<Notes>"+strings.Repeat("x", 1000)+"</Notes>", soapapi.DefaultMaxBytes/1000))))
	deep := strings.Repeat("<a>", 200) + strings.Repeat("</a>", 200)
	cases := []struct {
		name   string
		method string
		hdr    http.Header
		body   string
		status int
		code   string // faultcode; "" = no SOAP fault expected
		text   string // faultstring prefix
	}{
		{"body over 1 MiB", "POST", http.Header{"Content-Type": {"text/xml"}, "SOAPAction": {"Create"}}, hugeCreate, 413, "soap:Client",
			"Request Entity Too Large: the SOAP body exceeds 1048576 bytes."},
		{"DTD", "POST", xml, `<?xml version="1.0"?><!DOCTYPE soap:Envelope [<!ENTITY x "y">]>` + env11(ft, bu), 400, "soap:Client", "Bad Request: "},
		{"external entity", "POST", xml, `<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + env11(ft, "&xxe;"), 400, "soap:Client", "Bad Request: "},
		{"undefined entity", "POST", xml, env11(fuel("&lol;"), bu), 400, "soap:Client", "Bad Request: "},
		{"deep nesting", "POST", xml, env11(ft, deep), 400, "soap:Client", "Bad Request: "},
		{"duplicate fueloauth", "POST", xml, env11(ft+ft, bu), 400, "soap:Client", "Bad Request: "},
		{"duplicate Security", "POST", xml, env11(textHeader("api_user", "x", "")+textHeader("api_user", "x", ""), bu), 400, "soap:Client", "Bad Request: "},
		{"non-UTF-8 encoding", "POST", xml, `<?xml version="1.0" encoding="ISO-8859-1"?>` + env11(ft, bu), 400, "soap:Client", "Bad Request: "},
		{"not XML", "POST", xml, "hello", 400, "soap:Client", "Bad Request: "},
		{"empty body", "POST", xml, "", 400, "soap:Client", "Bad Request: "},
		{"GET", "GET", nil, "", 405, "", ""},
		{"PUT", "PUT", xml, env11(ft, bu), 405, "", ""},
		{"unknown SOAPAction", "POST", http.Header{"Content-Type": {"text/xml"}, "SOAPAction": {"Frobnicate"}}, env11(ft, bu), 500, "soap:Client",
			"Server did not recognize the value of HTTP Header SOAPAction: Frobnicate."},
		{"not implemented operation", "POST", http.Header{"Content-Type": {"text/xml"}, "SOAPAction": {"Perform"}},
			env11(ft, `<PerformRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"/>`), 500, "soap:Client", "fuelgate does not implement the Perform operation."},
		{"SOAPAction and body disagree", "POST", http.Header{"Content-Type": {"text/xml"}, "SOAPAction": {"Create"}}, env11(ft, bu), 500, "soap:Client",
			"The SOAP Body element RetrieveRequestMsg does not match the SOAPAction Create; expected CreateRequest."},
		{"empty Body", "POST", xml, env11(ft, ""), 500, "soap:Client", "The SOAP Body is empty; expected RetrieveRequestMsg."},
		{"token beside a real UsernameToken", "POST", xml, env11(ft+textHeader("api_user", fgtest.Password, ""), bu), 500, "q0:Security", "Login Failed"},
		{"legacy token beside a real UsernameToken", "POST", xml,
			env11(`<oAuth xmlns="http://exacttarget.com"><oAuthToken>x</oAuthToken></oAuth>`+textHeader("api_user", fgtest.Password, ""), bu), 500, "q0:Security", "Login Failed"},
		{"fueloauth and oAuth together", "POST", xml, env11(ft+`<oAuth xmlns="http://exacttarget.com"><oAuthToken>`+tok+`</oAuthToken></oAuth>`, bu), 500, "q0:Security", "Login Failed"},
		{"v2 token in the legacy oAuth header", "POST", xml, env11(legacyHeader(tok), bu), 500, "q0:Security", "Login Failed"},
		{"no credentials", "POST", xml, env11("", bu), 500, "q0:Security", "Login Failed"},
		{"empty fueloauth", "POST", xml, env11(fuel(""), bu), 500, "q0:Security", "Login Failed"},
		{"token over 512 characters", "POST", xml, env11(fuel(strings.Repeat("A", 600)), bu), 500, "q0:Security", "Login Failed"},
		{"placeholder UsernameToken alone", "POST", xml, env11(textHeader("*", "*", ""), bu), 500, "q0:Security", "Login Failed"},
		{"expired wsu:Timestamp beside a token", "POST", xml, env11(ft+`<wsse:Security xmlns:wsse="`+soap.NSWSSE+`" xmlns:wsu="`+soap.NSWSU+
			`"><wsu:Timestamp><wsu:Created>2026-11-29T10:00:00Z</wsu:Created><wsu:Expires>2026-11-29T10:05:00Z</wsu:Expires></wsu:Timestamp></wsse:Security>`, bu),
			500, "q0:Security", "Login Failed"},
		{"lower-case path", "POST", xml, env11(ft, bu), 200, "", ""},
		{"Header after Body", "POST", xml, `<Envelope xmlns="` + soap.NSSoap11 + `"><Body>` + bu + `</Body><Header>` + ft + `</Header></Envelope>`, 200, "", ""},
		{"nested fueloauth (Ruby)", "POST", xml, env11(`<fueloauth xmlns="http://exacttarget.com"><fueloauth>`+tok+`</fueloauth></fueloauth>`, bu), 200, "", ""},
		{"fueloauth in no namespace (Java)", "POST", xml, env11(`<fueloauth>`+tok+`</fueloauth>`, bu), 200, "", ""},
		{"action from a SOAP 1.2 Content-Type", "POST", http.Header{"Content-Type": {`application/soap+xml; charset=utf-8; action="Retrieve"`}}, env12(ft, bu), 200, "", ""},
		{"action from the body element", "POST", http.Header{"Content-Type": {"text/xml"}}, env11(ft, bu), 200, "", ""},
		{"quoted SOAPAction", "POST", http.Header{"Content-Type": {"text/xml"}, "SOAPAction": {`"Retrieve"`}}, env11(ft, bu), 200, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := "/Service.asmx"
			if c.name == "lower-case path" {
				path = "/service.asmx"
			}
			req, err := http.NewRequest(c.method, e.URL+path, strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range c.hdr {
				req.Header[k] = v
			}
			r := do(t, e, req)
			if r.Status != c.status {
				t.Fatalf("got %s, want HTTP %d", r.describe(), c.status)
			}
			if c.status == 405 {
				if got := r.Header.Get("Allow"); got != "POST" {
					t.Errorf("got Allow %q, want POST", got)
				}
				return
			}
			if c.code == "" {
				assertOK(t, r)
				if got := texts(resultsOf(r), "ID"); len(got) != 1 || got[0] != itoa(e.Enterprise.MID) {
					t.Errorf("got BU IDs %v, want [%d]", got, e.Enterprise.MID)
				}
				return
			}
			f := r.Fault()
			if f == nil {
				t.Fatalf("got no SOAP fault, want %s; %s", c.code, r.describe())
			}
			if f.Code != c.code {
				t.Errorf("got faultcode %q, want %q", f.Code, c.code)
			}
			if !strings.HasPrefix(f.String, c.text) || (!strings.HasSuffix(c.text, " ") && f.String != c.text) {
				t.Errorf("got faultstring %q, want %q", f.String, c.text)
			}
			if strings.Contains(f.String, tok) || strings.Contains(f.String, "passwd") {
				t.Errorf("faultstring %q echoes request content", f.String)
			}
		})
	}
	if _, err := e.Store.UserByUsername(context.Background(), "huge"); fuelgate.ErrorCode(err) != fuelgate.ENOTFOUND {
		t.Errorf("oversized Create: got %v looking the user up, want ENOTFOUND (nothing written)", err)
	}
}

// TestResponseHeaders checks the WS-Addressing header of answers: RelatesTo
// echoes a request MessageID, and each response has fresh uuids.
func TestResponseHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ft := fuel(e.Token(0))
	bu := retrieve("BusinessUnit", []string{"ID"}, "")
	withID := `<a:MessageID xmlns:a="` + soap.NSWSA + `">urn:uuid:11111111-2222-4333-8444-555555555555</a:MessageID>`
	cases := []struct {
		name, header, relates string
	}{
		{"no MessageID", ft, ""},
		{"MessageID echoed", ft + withID, "urn:uuid:11111111-2222-4333-8444-555555555555"},
		{"MessageID echoed on a fault", fuel("bad") + withID, "urn:uuid:11111111-2222-4333-8444-555555555555"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := call(t, e, "Retrieve", c.header, bu)
			raw := string(r.Raw)
			for _, want := range []string{"<wsa:Action>", "<wsa:MessageID>urn:uuid:", "<wsa:RelatesTo>", "<wsa:To>" + soap.AnonymousURI + "</wsa:To>",
				`<wsu:Timestamp wsu:Id="Timestamp-`, "<wsu:Created>2026-11-29T12:00:00Z</wsu:Created><wsu:Expires>2026-11-29T12:05:00Z</wsu:Expires>"} {
				if !strings.Contains(raw, want) {
					t.Errorf("response lacks %q", want)
				}
			}
			if c.relates != "" && !strings.Contains(raw, "<wsa:RelatesTo>"+c.relates+"</wsa:RelatesTo>") {
				t.Errorf("got no RelatesTo %s in %s", c.relates, r.describe())
			}
			if got := r.Header.Get("Cache-Control"); got != "private, no-store" {
				t.Errorf("got Cache-Control %q, want private, no-store", got)
			}
		})
	}
}
