package soap

import (
	"bytes"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/internal/golden"
)

var fixedNow = time.Date(2026, 11, 28, 23, 24, 14, 987654321, time.UTC)

func fixedHeader(action string) ResponseHeader {
	return ResponseHeader{
		Action:      action,
		MessageID:   "urn:uuid:9e5f98fa-4112-4416-be42-4f9e6f6886e4",
		RelatesTo:   "urn:uuid:b94fb623-e37d-40d3-8178-e6c8ee3b40b5",
		Now:         fixedNow,
		TimestampID: "Timestamp-3f974942-511e-4e57-9faa-c89493b836ba",
	}
}

func retrieveResponse() *Element {
	return NewElement("RetrieveResponseMsg",
		TextElement("OverallStatus", "OK"),
		TextElement("RequestID", "233a302f-6c1f-4fea-8b32-82a843ae806d"),
		NewElement("Results",
			NilElement("PartnerKey"),
			TextElement("ID", "1234567"),
			NilElement("ObjectID"),
			TextElement("Name", `Acme & "Sons" <BU>`),
			TextElement("AccountType", "None"),
		).WithType("BusinessUnit"),
	)
}

func retrieveRequest() *Element {
	return NewElement("RetrieveRequestMsg",
		NewElement("RetrieveRequest",
			TextElement("ObjectType", "BusinessUnit"),
			TextElement("Properties", "ID"),
			TextElement("Properties", "Name"),
			NewElement("Filter",
				TextElement("Property", "ID"),
				TextElement("SimpleOperator", "equals"),
				TextElement("Value", "1234567"),
			).WithType("SimpleFilterPart"),
		),
	)
}

func digestToken(t *testing.T) *UsernameToken {
	t.Helper()
	tok, err := NewUsernameToken("API_USER", "verySecret", true, time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC), bytes.NewReader(vectorNonce()))
	if err != nil {
		t.Fatalf("NewUsernameToken: %v", err)
	}
	return tok
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"response-v11", func(b *bytes.Buffer) error {
			return WriteResponse(b, V11, fixedHeader("RetrieveResponse"), retrieveResponse())
		}},
		{"response-v12", func(b *bytes.Buffer) error {
			return WriteResponse(b, V12, fixedHeader("RetrieveResponse"), retrieveResponse())
		}},
		{"fault-security-v11", func(b *bytes.Buffer) error {
			return WriteFault(b, V11, fixedHeader(""), SecurityFault(FaultTokenExpired, "https://example.soap.marketingcloudapis.com/Service.asmx"))
		}},
		{"fault-security-v12", func(b *bytes.Buffer) error {
			return WriteFault(b, V12, fixedHeader(""), SecurityFault(FaultLoginFailed, "https://example.soap.marketingcloudapis.com/Service.asmx"))
		}},
		{"fault-client-v11", func(b *bytes.Buffer) error {
			return WriteFault(b, V11, fixedHeader(""), ClientFault("Server did not recognize the value of HTTP Header SOAPAction: Test."))
		}},
		{"fault-client-v12", func(b *bytes.Buffer) error {
			return WriteFault(b, V12, fixedHeader(""), ClientFault("Server did not recognize the value of HTTP Header SOAPAction: Test."))
		}},
		{"fault-server-v11", func(b *bytes.Buffer) error {
			f := ServerFault("Unplanned Outage")
			f.Actor = "http://localhost/PartnerAPI/Service.asmx"
			f.Detail = NewAPIFault("2", "Unplanned Outage")
			return WriteFault(b, V11, fixedHeader(""), f)
		}},
		{"fault-server-v12", func(b *bytes.Buffer) error {
			f := ServerFault("Unplanned Outage")
			f.Detail = NewAPIFault("2", "Unplanned Outage")
			return WriteFault(b, V12, fixedHeader(""), f)
		}},
		{"request-fueloauth-v11", func(b *bytes.Buffer) error {
			return WriteRequest(b, V11, RequestHeader{FuelOAuth: "ACCESS_TOKEN"}, retrieveRequest())
		}},
		{"request-fueloauth-v12", func(b *bytes.Buffer) error {
			return WriteRequest(b, V12, RequestHeader{FuelOAuth: "ACCESS_TOKEN"}, retrieveRequest())
		}},
		{"request-digest-v11", func(b *bytes.Buffer) error {
			return WriteRequest(b, V11, RequestHeader{UsernameToken: digestToken(t)}, retrieveRequest())
		}},
		{"request-text-v12", func(b *bytes.Buffer) error {
			tok, err := NewUsernameToken("API_USER", "p<&>ss", false, time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC), nil)
			if err != nil {
				return err
			}
			return WriteRequest(b, V12, RequestHeader{UsernameToken: tok}, retrieveRequest())
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.write(&b); err != nil {
				t.Fatalf("write: got error %v, want nil", err)
			}
			golden.Check(t, tt.name, b.Bytes())
			if _, err := Decode(bytes.NewReader(b.Bytes()), HTTPInfo{}, Limits{}); err != nil {
				t.Errorf("Decode of the output: got error %v, want nil", err)
			}
		})
	}
}

// TestWriteFaultMatchesSFMC reproduces the real SFMC "Token Expired" fault
// (protocol.md §5.1, SFMC-SDK test/resources/soap.js) byte for byte.
func TestWriteFaultMatchesSFMC(t *testing.T) {
	const want = `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><soap:Header><wsa:Action>http://schemas.xmlsoap.org/ws/2004/08/addressing/fault</wsa:Action><wsa:MessageID>urn:uuid:d9cf5a28-…</wsa:MessageID><wsa:RelatesTo>urn:uuid:335671b2-…</wsa:RelatesTo><wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To><wsse:Security><wsu:Timestamp wsu:Id="Timestamp-9b3d…"><wsu:Created>2021-12-29T21:53:23Z</wsu:Created><wsu:Expires>2021-12-29T21:58:23Z</wsu:Expires></wsu:Timestamp></wsse:Security></soap:Header><soap:Body><soap:Fault><faultcode xmlns:q0="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">q0:Security</faultcode><faultstring>Token Expired</faultstring><faultactor>https://mct0l7nxfq2r988t1kxfy8sc47ma.soap.marketingcloudapis.com/Service.asmx</faultactor></soap:Fault></soap:Body></soap:Envelope>`
	h := ResponseHeader{
		Action:      FaultActionURI,
		MessageID:   "urn:uuid:d9cf5a28-…",
		RelatesTo:   "urn:uuid:335671b2-…",
		Now:         time.Date(2021, 12, 29, 21, 53, 23, 400e6, time.UTC),
		TimestampID: "Timestamp-9b3d…",
	}
	var b bytes.Buffer
	if err := WriteFault(&b, V11, h, SecurityFault("Token Expired", "https://mct0l7nxfq2r988t1kxfy8sc47ma.soap.marketingcloudapis.com/Service.asmx")); err != nil {
		t.Fatalf("WriteFault: %v", err)
	}
	if got := b.String(); got != want {
		t.Errorf("WriteFault:\ngot  %s\nwant %s", got, want)
	}
}

func TestResponseGeneratedIDs(t *testing.T) {
	var b bytes.Buffer
	h := ResponseHeader{Action: "CreateResponse", Now: fixedNow}
	if err := WriteResponse(&b, V11, h, NewElement("CreateResponse")); err != nil {
		t.Fatalf("WriteResponse: %v", err)
	}
	uuid := `[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}`
	for _, pat := range []string{
		`<wsa:MessageID>urn:uuid:` + uuid + `</wsa:MessageID>`,
		`<wsa:RelatesTo>urn:uuid:` + uuid + `</wsa:RelatesTo>`,
		`<wsu:Timestamp wsu:Id="Timestamp-` + uuid + `">`,
		`<wsu:Created>2026-11-28T23:24:14Z</wsu:Created><wsu:Expires>2026-11-28T23:29:14Z</wsu:Expires>`,
		`<soap:Body><CreateResponse xmlns="http://exacttarget.com/wsdl/partnerAPI" /></soap:Body>`,
	} {
		if !regexp.MustCompile(pat).MatchString(b.String()) {
			t.Errorf("output: got %s, want it to match %s", b.String(), pat)
		}
	}
}

func TestRequestRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		v    Version
		h    RequestHeader
	}{
		{"fueloauth v11", V11, RequestHeader{FuelOAuth: "ACCESS_TOKEN"}},
		{"fueloauth v12", V12, RequestHeader{FuelOAuth: "tok&<en>"}},
		{"digest v11", V11, RequestHeader{UsernameToken: digestToken(t)}},
		{"digest v12", V12, RequestHeader{UsernameToken: digestToken(t)}},
		{"no header", V11, RequestHeader{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteRequest(&b, tt.v, tt.h, retrieveRequest()); err != nil {
				t.Fatalf("WriteRequest: %v", err)
			}
			env, err := Decode(&b, HTTPInfo{}, Limits{})
			if err != nil {
				t.Fatalf("Decode: got error %v, want nil", err)
			}
			if env.Version != tt.v || env.Action != "Retrieve" {
				t.Errorf("got Version %v Action %q, want %v Retrieve", env.Version, env.Action, tt.v)
			}
			if env.Header.FuelOAuth != tt.h.FuelOAuth || env.Header.HasFuelOAuth != (tt.h.FuelOAuth != "") {
				t.Errorf("fueloauth: got %q, want %q", env.Header.FuelOAuth, tt.h.FuelOAuth)
			}
			if tt.h.UsernameToken != nil {
				if env.Header.Security == nil {
					t.Fatalf("Security: got nil, want a UsernameToken")
				}
				if got := env.Header.Security.UsernameToken; !reflect.DeepEqual(got, tt.h.UsernameToken) {
					t.Errorf("UsernameToken: got %+v, want %+v", got, tt.h.UsernameToken)
				}
				if !VerifyDigest(env.Header.Security.UsernameToken, "verySecret") {
					t.Errorf("VerifyDigest after round trip: got false, want true")
				}
			}
			if got := env.Body.Path("RetrieveRequest", "Filter"); got.Type() != "SimpleFilterPart" || got.ChildText("Value") != "1234567" {
				t.Errorf("Filter: got %+v, want SimpleFilterPart with Value 1234567", got)
			}
			if env.Body.Name.Space != NSPartner || env.Body.Path("RetrieveRequest", "ObjectType").Name.Space != NSPartner {
				t.Errorf("namespaces: got %q, want %q throughout", env.Body.Name.Space, NSPartner)
			}
		})
	}
}

func TestFaultRoundTrip(t *testing.T) {
	server := ServerFault("Unplanned Outage")
	server.Actor = "http://localhost/PartnerAPI/Service.asmx"
	server.Detail = NewAPIFault("2", "Unplanned Outage")
	custom := &Fault{Code: "x:Odd", CodeNS: "urn:odd", String: "odd <&> text"}
	tests := []struct {
		name string
		v    Version
		in   *Fault
		want *Fault
	}{
		{"security v11", V11, SecurityFault(FaultTokenExpired, "https://a/Service.asmx"), SecurityFault(FaultTokenExpired, "https://a/Service.asmx")},
		{"security v12", V12, SecurityFault(FaultLoginFailed, "https://a/Service.asmx"), SecurityFault(FaultLoginFailed, "https://a/Service.asmx")},
		{"client v11", V11, ClientFault("bad"), ClientFault("bad")},
		{"client v12 reads back as Sender", V12, ClientFault("bad"), &Fault{Code: "soap:Sender", String: "bad"}},
		{"server v11", V11, server, server},
		{"server v12 reads back as Receiver", V12, server, &Fault{Code: "soap:Receiver", String: server.String, Actor: server.Actor, Detail: server.Detail}},
		{"custom namespace v11", V11, custom, custom},
		{"custom namespace v12", V12, custom, custom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteFault(&b, tt.v, fixedHeader(""), tt.in); err != nil {
				t.Fatalf("WriteFault: %v", err)
			}
			env, err := Decode(&b, HTTPInfo{}, Limits{})
			if err != nil {
				t.Fatalf("Decode: got error %v, want nil", err)
			}
			if env.Action != "fault" {
				t.Errorf("Action: got %q, want %q (from wsa:Action)", env.Action, "fault")
			}
			got := env.Fault
			if got == nil {
				t.Fatalf("Fault: got nil, want %+v", tt.want)
			}
			if got.Code != tt.want.Code || got.CodeNS != tt.want.CodeNS || got.String != tt.want.String || got.Actor != tt.want.Actor {
				t.Errorf("Fault: got %+v, want %+v", got, tt.want)
			}
			if !sameTree(got.Detail, tt.want.Detail) {
				t.Errorf("Detail: got %+v, want %+v", got.Detail, tt.want.Detail)
			}
			if got.IsSecurity() != tt.want.IsSecurity() {
				t.Errorf("IsSecurity: got %v, want %v", got.IsSecurity(), tt.want.IsSecurity())
			}
		})
	}
}

// sameTree compares names (resolving inherited namespaces), attributes, text
// and children.
func sameTree(a, b *Element) bool {
	return sameTreeNS(a, b, "", "")
}

func sameTreeNS(a, b *Element, nsA, nsB string) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Name.Space != "" {
		nsA = a.Name.Space
	}
	if b.Name.Space != "" {
		nsB = b.Name.Space
	}
	if nsA != nsB || a.Name.Local != b.Name.Local || a.Text != b.Text || len(a.Children) != len(b.Children) {
		return false
	}
	if len(a.Attr) != len(b.Attr) || (len(a.Attr) > 0 && !reflect.DeepEqual(a.Attr, b.Attr)) {
		return false
	}
	for i := range a.Children {
		if !sameTreeNS(a.Children[i], b.Children[i], nsA, nsB) {
			return false
		}
	}
	return true
}

func TestWriteErrors(t *testing.T) {
	cyclic := NewElement("a")
	cyclic.Children = append(cyclic.Children, cyclic)
	badAttr := NewElement("a")
	badAttr.Attr = append(badAttr.Attr, xmlAttr("", "b c", "v"))
	tests := []struct {
		name  string
		write func(*bytes.Buffer) error
		want  error
	}{
		{"invalid element name", func(b *bytes.Buffer) error { return WriteResponse(b, V11, fixedHeader("x"), NewElement("a b")) }, errBadName},
		{"element name with colon", func(b *bytes.Buffer) error { return WriteRequest(b, V11, RequestHeader{}, NewElement("p:a")) }, errBadName},
		{"invalid attribute name", func(b *bytes.Buffer) error { return WriteResponse(b, V11, fixedHeader("x"), badAttr) }, errBadName},
		{"cyclic tree", func(b *bytes.Buffer) error { return WriteResponse(b, V11, fixedHeader("x"), cyclic) }, errTooDeep},
		{"nil fault", func(b *bytes.Buffer) error { return WriteFault(b, V11, fixedHeader(""), nil) }, errNilFault},
		{"bad detail", func(b *bytes.Buffer) error {
			return WriteFault(b, V12, fixedHeader(""), &Fault{Code: "soap:Server", Detail: NewElement("<")})
		}, errBadName},
		{"writer error", func(*bytes.Buffer) error {
			return WriteResponse(failingWriter{}, V11, fixedHeader("x"), NewElement("a"))
		}, errWrite},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.write(&b); !errors.Is(err, tt.want) {
				t.Errorf("got error %v, want %v", err, tt.want)
			}
			if b.Len() != 0 {
				t.Errorf("output: got %d bytes after an error, want none", b.Len())
			}
		})
	}
}

var errWrite = errors.New("write failed")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestEncodeNamespaces(t *testing.T) {
	tests := []struct {
		name string
		body *Element
		want string
	}{
		{"default partner namespace", NewElement("A", TextElement("B", "x")), `<A xmlns="http://exacttarget.com/wsdl/partnerAPI"><B>x</B></A>`},
		{"explicit partner namespace", &Element{Name: xmlName(NSPartner, "A")}, `<A xmlns="http://exacttarget.com/wsdl/partnerAPI" />`},
		{"foreign top namespace", &Element{Name: xmlName("urn:x", "A")}, `<A xmlns="urn:x" />`},
		{"child switches namespace", NewElement("A", &Element{Name: xmlName("urn:x", "B"), Children: []*Element{TextElement("C", "")}}), `<A xmlns="http://exacttarget.com/wsdl/partnerAPI"><B xmlns="urn:x"><C /></B></A>`},
		{"xml:lang and foreign attributes", &Element{Name: xmlName("", "A"), Attr: []xmlAttrT{xmlAttr(NSXML, "lang", "en"), xmlAttr("urn:y", "k", "v\n")}}, `<A xmlns="http://exacttarget.com/wsdl/partnerAPI" xml:lang="en" xmlns:ns1="urn:y" ns1:k="v&#xA;" />`},
		{"namespace declarations dropped", &Element{Name: xmlName("", "A"), Attr: []xmlAttrT{xmlAttr("xmlns", "p", "urn:p"), xmlAttr("", "xmlns", "urn:d")}}, `<A xmlns="http://exacttarget.com/wsdl/partnerAPI" />`},
		{"invalid UTF-8 text replaced", TextElement("A", "a\xffb\x00"), "<A xmlns=\"http://exacttarget.com/wsdl/partnerAPI\">a\uFFFDb\uFFFD</A>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteResponse(&b, V11, fixedHeader("x"), tt.body); err != nil {
				t.Fatalf("WriteResponse: %v", err)
			}
			got := b.String()
			got = got[strings.Index(got, "<soap:Body>")+len("<soap:Body>") : strings.Index(got, "</soap:Body>")]
			if got != tt.want {
				t.Errorf("payload: got %s, want %s", got, tt.want)
			}
		})
	}
}
