package wsdl

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"maps"
	"net/url"
	"strings"
	"testing"
)

const (
	nsPartner = "http://exacttarget.com/wsdl/partnerAPI"
	nsFault   = "urn:fault.partner.exacttarget.com"
)

var operations = []string{
	"Create", "Retrieve", "Update", "Delete", "Query", "Describe", "Execute",
	"Perform", "Configure", "Schedule", "VersionInfo", "Extract", "GetSystemStatus",
}

// wellFormed runs a full encoding/xml token pass over doc.
func wellFormed(t *testing.T, name string, doc []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = true
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", name, err)
		}
	}
}

type msgRef struct {
	Message string `xml:"message,attr"`
}

type bodyUse struct {
	Body struct {
		Use string `xml:"use,attr"`
	} `xml:"http://schemas.xmlsoap.org/wsdl/soap/ body"`
}

// definitions is the part of the WSDL structure the tests look at.
type definitions struct {
	XMLName         xml.Name `xml:"http://schemas.xmlsoap.org/wsdl/ definitions"`
	TargetNamespace string   `xml:"targetNamespace,attr"`
	Schema          struct {
		TargetNamespace string `xml:"targetNamespace,attr"`
		Import          []struct {
			Namespace      string `xml:"namespace,attr"`
			SchemaLocation string `xml:"schemaLocation,attr"`
		} `xml:"http://www.w3.org/2001/XMLSchema import"`
		Elements []struct {
			Name string `xml:"name,attr"`
		} `xml:"http://www.w3.org/2001/XMLSchema element"`
		ComplexTypes []struct {
			Name     string `xml:"name,attr"`
			Abstract string `xml:"abstract,attr"`
		} `xml:"http://www.w3.org/2001/XMLSchema complexType"`
	} `xml:"types>schema"`
	Messages []struct {
		Name string `xml:"name,attr"`
		Part struct {
			Element string `xml:"element,attr"`
		} `xml:"part"`
	} `xml:"message"`
	PortType struct {
		Name       string `xml:"name,attr"`
		Operations []struct {
			Name   string `xml:"name,attr"`
			Input  msgRef `xml:"input"`
			Output msgRef `xml:"output"`
		} `xml:"operation"`
	} `xml:"portType"`
	Binding struct {
		Name string `xml:"name,attr"`
		Type string `xml:"type,attr"`
		SOAP struct {
			Style     string `xml:"style,attr"`
			Transport string `xml:"transport,attr"`
		} `xml:"http://schemas.xmlsoap.org/wsdl/soap/ binding"`
		Operations []struct {
			Name      string `xml:"name,attr"`
			Operation struct {
				SOAPAction string `xml:"soapAction,attr"`
			} `xml:"http://schemas.xmlsoap.org/wsdl/soap/ operation"`
			Input  bodyUse `xml:"input"`
			Output bodyUse `xml:"output"`
		} `xml:"http://schemas.xmlsoap.org/wsdl/ operation"`
	} `xml:"binding"`
	Service struct {
		Name string `xml:"name,attr"`
		Port struct {
			Name    string `xml:"name,attr"`
			Binding string `xml:"binding,attr"`
			Address struct {
				Location string `xml:"location,attr"`
			} `xml:"http://schemas.xmlsoap.org/wsdl/soap/ address"`
		} `xml:"port"`
	} `xml:"service"`
}

func parse(t *testing.T, doc []byte) definitions {
	t.Helper()
	var d definitions
	if err := xml.Unmarshal(doc, &d); err != nil {
		t.Fatalf("unmarshal WSDL: %v", err)
	}
	return d
}

func TestWellFormed(t *testing.T) {
	wellFormed(t, "etframework.wsdl template", wsdlTemplate)
	wellFormed(t, "WSDL()", WSDL("https://127.0.0.1:8443"))
	wellFormed(t, "ETFrameworkFault.xsd", FaultXSD())
}

// reference is an attribute that names another document or an endpoint.
type reference struct{ element, attr, value string }

// references lists every schemaLocation and location attribute in doc, on
// any element (xsd:import, xsd:include, xsd:redefine, wsdl:import,
// soap:address ...).
func references(t *testing.T, doc []byte) []reference {
	t.Helper()
	var refs []reference
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return refs
		}
		if err != nil {
			t.Fatal(err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				if a.Name.Local == "schemaLocation" || a.Name.Local == "location" {
					refs = append(refs, reference{se.Name.Local, a.Name.Local, a.Value})
				}
			}
		}
	}
}

// TestURLsAbsolute checks that every reference in the served WSDL and XSD is
// an absolute URL under the public URL: a client that loads a local copy of
// the WSDL (FuelSDK-Python, FuelSDK-PHP) must still find the fault schema.
func TestURLsAbsolute(t *testing.T) {
	if refs := references(t, FaultXSD()); len(refs) != 0 {
		t.Errorf("ETFrameworkFault.xsd references %v; each must be absolute and tested here", refs)
	}
	for _, r := range references(t, wsdlTemplate) {
		if !strings.HasPrefix(r.value, placeholder+"/") {
			t.Errorf("template: %s %s=%q does not start with the public URL placeholder", r.element, r.attr, r.value)
		}
	}
	for _, tc := range []struct{ public, base string }{
		{"https://127.0.0.1:8443", "https://127.0.0.1:8443"},
		{"http://localhost:9000/", "http://localhost:9000"},
		{"https://gw.example.com/sfmc//", "https://gw.example.com/sfmc"},
		{`https://h/x?a=1&b="2"<'>`, `https://h/x?a=1&b="2"<'>`},
	} {
		doc := WSDL(tc.public)
		if bytes.Contains(doc, []byte(placeholder)) {
			t.Errorf("%q: placeholder left in output", tc.public)
		}
		wellFormed(t, "WSDL("+tc.public+")", doc)
		got := map[string]string{}
		for _, r := range references(t, doc) {
			if u, err := url.Parse(r.value); err != nil || !u.IsAbs() || u.Host == "" {
				t.Errorf("%q: %s %s=%q is not an absolute URL (%v)", tc.public, r.element, r.attr, r.value, err)
			}
			if !strings.HasPrefix(r.value, tc.base+"/") {
				t.Errorf("%q: %s %s=%q is not under the public URL", tc.public, r.element, r.attr, r.value)
			}
			if _, dup := got[r.element]; dup {
				t.Errorf("%q: two %s references", tc.public, r.element)
			}
			got[r.element] = r.value
		}
		want := map[string]string{"import": tc.base + XSDPath, "address": tc.base + ServicePath}
		if !maps.Equal(got, want) {
			t.Errorf("%q: references %v, want %v", tc.public, got, want)
		}
		d := parse(t, doc)
		if len(d.Schema.Import) != 1 || d.Schema.Import[0].SchemaLocation != want["import"] {
			t.Errorf("%q: fault schema import %+v", tc.public, d.Schema.Import)
		}
		if d.Service.Port.Address.Location != want["address"] {
			t.Errorf("%q: soap:address %q", tc.public, d.Service.Port.Address.Location)
		}
	}
	// The URL is escaped once, as an attribute value.
	if doc := WSDL("https://h/x?a=1&b"); !bytes.Contains(doc, []byte(`location="https://h/x?a=1&amp;b/Service.asmx"`)) {
		t.Error("& in the public URL is not escaped as &amp;")
	}
	// The result is a fresh copy: changing it does not touch the template.
	doc := WSDL("x")
	doc[0] = '!'
	if wsdlTemplate[0] == '!' || WSDL("x")[0] == '!' {
		t.Fatal("WSDL returned a slice aliasing the template")
	}
	x := FaultXSD()
	x[0] = '!'
	if FaultXSD()[0] == '!' {
		t.Fatal("FaultXSD returned a slice aliasing the embedded file")
	}
}

func TestStructure(t *testing.T) {
	d := parse(t, WSDL("https://127.0.0.1:8443"))
	if d.TargetNamespace != nsPartner || d.Schema.TargetNamespace != nsPartner {
		t.Errorf("namespaces %q / %q", d.TargetNamespace, d.Schema.TargetNamespace)
	}
	if len(d.Schema.Import) != 1 || d.Schema.Import[0].Namespace != nsFault ||
		d.Schema.Import[0].SchemaLocation != "https://127.0.0.1:8443/ETFrameworkFault.xsd" {
		t.Errorf("fault schema import = %+v", d.Schema.Import)
	}
	if d.PortType.Name != "Soap" || d.Binding.Name != "SoapBinding" || d.Binding.Type != "tns:Soap" {
		t.Errorf("portType %q, binding %q type %q", d.PortType.Name, d.Binding.Name, d.Binding.Type)
	}
	if d.Binding.SOAP.Style != "document" || d.Binding.SOAP.Transport != "http://schemas.xmlsoap.org/soap/http" {
		t.Errorf("soap:binding %+v", d.Binding.SOAP)
	}
	if d.Service.Name != "PartnerAPI" || d.Service.Port.Name != "Soap" || d.Service.Port.Binding != "tns:SoapBinding" {
		t.Errorf("service %q port %q binding %q", d.Service.Name, d.Service.Port.Name, d.Service.Port.Binding)
	}

	elements := map[string]bool{}
	for _, e := range d.Schema.Elements {
		elements[e.Name] = true
	}
	messages := map[string]string{}
	for _, m := range d.Messages {
		messages["tns:"+m.Name] = strings.TrimPrefix(m.Part.Element, "tns:")
	}
	wantMsgs := map[string][2]string{
		"Create":          {"CreateRequest", "CreateResponse"},
		"Retrieve":        {"RetrieveRequestMsg", "RetrieveResponseMsg"},
		"Update":          {"UpdateRequest", "UpdateResponse"},
		"Delete":          {"DeleteRequest", "DeleteResponse"},
		"Query":           {"QueryRequestMsg", "QueryResponseMsg"},
		"Describe":        {"DefinitionRequestMsg", "DefinitionResponseMsg"},
		"Execute":         {"ExecuteRequestMsg", "ExecuteResponseMsg"},
		"Perform":         {"PerformRequestMsg", "PerformResponseMsg"},
		"Configure":       {"ConfigureRequestMsg", "ConfigureResponseMsg"},
		"Schedule":        {"ScheduleRequestMsg", "ScheduleResponseMsg"},
		"VersionInfo":     {"VersionInfoRequestMsg", "VersionInfoResponseMsg"},
		"Extract":         {"ExtractRequestMsg", "ExtractResponseMsg"},
		"GetSystemStatus": {"SystemStatusRequestMsg", "SystemStatusResponseMsg"},
	}
	portOps := map[string]int{}
	for _, op := range d.PortType.Operations {
		portOps[op.Name]++
		want := wantMsgs[op.Name]
		if got := [2]string{messages[op.Input.Message], messages[op.Output.Message]}; got != want {
			t.Errorf("portType %s: elements %v, want %v", op.Name, got, want)
		}
		for _, el := range want {
			if !elements[el] {
				t.Errorf("schema has no global element %s", el)
			}
		}
	}
	bindOps := map[string]int{}
	for _, op := range d.Binding.Operations {
		bindOps[op.Name]++
		if op.Operation.SOAPAction != op.Name {
			t.Errorf("binding %s: soapAction %q, want the bare name", op.Name, op.Operation.SOAPAction)
		}
		if op.Input.Body.Use != "literal" || op.Output.Body.Use != "literal" {
			t.Errorf("binding %s: use %q/%q, want literal", op.Name, op.Input.Body.Use, op.Output.Body.Use)
		}
	}
	for _, name := range operations {
		if portOps[name] != 1 {
			t.Errorf("portType declares %s %d times, want 1", name, portOps[name])
		}
		if bindOps[name] != 1 {
			t.Errorf("binding declares %s %d times, want 1", name, bindOps[name])
		}
	}
	if len(d.PortType.Operations) != len(operations) || len(d.Binding.Operations) != len(operations) {
		t.Errorf("%d portType / %d binding operations, want %d", len(d.PortType.Operations), len(d.Binding.Operations), len(operations))
	}

	types := map[string]string{}
	for _, ct := range d.Schema.ComplexTypes {
		types[ct.Name] = ct.Abstract
	}
	for _, name := range []string{
		"APIObject", "ClientID", "Options", "CreateOptions", "UpdateOptions", "DeleteOptions",
		"RetrieveOptions", "ConfigureOptions", "RetrieveRequest", "FilterPart", "SimpleFilterPart",
		"ComplexFilterPart", "Result", "CreateResult", "UpdateResult", "DeleteResult", "ConfigureResult",
		"ObjectDefinitionRequest", "ObjectDefinition", "PropertyDefinition", "VersionInfoResponse",
		"Account", "BusinessUnit", "AccountUser", "UserAccess", "Locale", "TimeZone",
		"BusinessUnitAssignmentConfiguration", "AccountUserAccount", "Role", "PermissionSet",
		"Permission", "Subscriber",
	} {
		if _, ok := types[name]; !ok {
			t.Errorf("complexType %s missing", name)
		}
	}
	for _, name := range []string{"APIObject", "FilterPart", "Options"} {
		if types[name] != "true" {
			t.Errorf("complexType %s should be abstract", name)
		}
	}
}

// TestOrder pins the member order of the object types the server renders:
// zeep rejects elements that arrive out of sequence order.
func TestOrder(t *testing.T) {
	var schema struct {
		ComplexTypes []struct {
			Name     string `xml:"name,attr"`
			Elements []struct {
				Name string `xml:"name,attr"`
			} `xml:"complexContent>extension>sequence>element"`
			Base []struct {
				Name string `xml:"name,attr"`
			} `xml:"sequence>element"`
		} `xml:"complexType"`
	}
	var d struct {
		Schema *struct {
			Inner []byte `xml:",innerxml"`
		} `xml:"types>schema"`
	}
	doc := WSDL("x")
	if err := xml.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(append(append([]byte("<s>"), d.Schema.Inner...), "</s>"...), &schema); err != nil {
		t.Fatal(err)
	}
	members := map[string][]string{}
	for _, ct := range schema.ComplexTypes {
		for _, e := range append(ct.Base, ct.Elements...) {
			members[ct.Name] = append(members[ct.Name], e.Name)
		}
	}
	for typ, want := range map[string]string{
		"APIObject":          "Client PartnerKey PartnerProperties CreatedDate ModifiedDate ID ObjectID CustomerKey Owner CorrelationID ObjectState",
		"BusinessUnit":       "Description DefaultSendClassification DefaultHomePage SubscriberFilter MasterUnsubscribeBehavior",
		"Role":               "Name Description IsPrivate IsSystemDefined ForceInheritance PermissionSets Permissions",
		"UserAccess":         "Name Value Description Delete",
		"CreateResult":       "NewID NewObjectID PartnerKey Object CreateResults ParentPropertyName",
		"Result":             "StatusCode StatusMessage OrdinalID ErrorCode RequestID ConversationID OverallStatusCode RequestType ResultType ResultDetailXML",
		"AccountUserAccount": "AccountUser Account",
		"SimpleFilterPart":   "Property SimpleOperator Value DateValue",
		"ComplexFilterPart":  "LeftOperand LogicalOperator RightOperand AdditionalOperands",
	} {
		if got := strings.Join(members[typ], " "); got != want {
			t.Errorf("%s members:\n got %s\nwant %s", typ, got, want)
		}
	}
	au := strings.Join(members["AccountUser"], " ")
	if !strings.HasPrefix(au, "AccountUserID UserID Password Name Email MustChangePassword ActiveFlag ChallengePhrase ChallengeAnswer UserPermissions Delete ") ||
		!strings.HasSuffix(au, " Roles LanguageLocale SsoIdentities BusinessUnitAssignmentConfiguration") {
		t.Errorf("AccountUser members: %s", au)
	}
	acct := strings.Join(members["Account"], " ")
	if !strings.HasPrefix(acct, "AccountType ParentID BrandID PrivateLabelID ReportingParentID Name ") ||
		!strings.Contains(acct, " IsActive IsTestAccount OrgID DBID ParentName CustomerID DeletedDate EditionID Children Subscription ") {
		t.Errorf("Account members: %s", acct)
	}
}

func TestFaultXSD(t *testing.T) {
	var s struct {
		XMLName         xml.Name `xml:"http://www.w3.org/2001/XMLSchema schema"`
		TargetNamespace string   `xml:"targetNamespace,attr"`
		Elements        []struct {
			Name string `xml:"name,attr"`
			Type string `xml:"type,attr"`
		} `xml:"element"`
		ComplexType struct {
			Name     string `xml:"name,attr"`
			Elements []struct {
				Name string `xml:"name,attr"`
			} `xml:"sequence>element"`
		} `xml:"complexType"`
	}
	if err := xml.Unmarshal(FaultXSD(), &s); err != nil {
		t.Fatal(err)
	}
	if s.TargetNamespace != nsFault {
		t.Errorf("targetNamespace %q", s.TargetNamespace)
	}
	names := map[string]string{}
	for _, e := range s.Elements {
		names[e.Name] = e.Type
	}
	if names["fault"] != "tns:APIFault" || names["apifault"] != "tns:APIFault" {
		t.Errorf("elements %v", names)
	}
	var members []string
	for _, e := range s.ComplexType.Elements {
		members = append(members, e.Name)
	}
	if s.ComplexType.Name != "APIFault" || strings.Join(members, " ") != "Code Message LogID Params" {
		t.Errorf("APIFault = %s %v", s.ComplexType.Name, members)
	}
}
