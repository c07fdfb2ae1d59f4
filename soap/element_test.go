package soap

import (
	"bytes"
	"encoding/xml"
	"regexp"
	"strings"
	"testing"
)

func decodedBody(t *testing.T, body string) *Element {
	t.Helper()
	env, err := Decode(strings.NewReader(env11("", body)), HTTPInfo{}, Limits{})
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return env.Body
}

func TestElementAccessors(t *testing.T) {
	body := decodedBody(t, `<ns0:CreateRequest xmlns:ns0="`+NSPartner+`"><ns0:Objects xmlns:xsi="`+NSXSI+`" xsi:type="ns0:Subscriber"><ns0:EmailAddress> a@b.c </ns0:EmailAddress><ns0:Attributes><ns0:Name>x</ns0:Name></ns0:Attributes><ns0:Attributes><ns0:Name>y</ns0:Name></ns0:Attributes><ns0:PartnerKey xsi:nil="true"/></ns0:Objects></ns0:CreateRequest>`)
	var nilElem *Element
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"body local", body.Name.Local, "CreateRequest"},
		{"body namespace resolved", body.Name.Space, NSPartner},
		{"no xmlns attrs kept", len(body.Attr), 0},
		{"Type strips prefix", body.Child("Objects").Type(), "Subscriber"},
		{"ChildText trims", body.Child("Objects").ChildText("EmailAddress"), "a@b.c"},
		{"Text not trimmed", body.Path("Objects", "EmailAddress").Text, " a@b.c "},
		{"ChildrenNamed", len(body.Child("Objects").ChildrenNamed("Attributes")), 2},
		{"Path", body.Path("Objects", "Attributes", "Name").Text, "x"},
		{"Path missing", body.Path("Objects", "Nope", "Name") == nil, true},
		{"IsNil", body.Path("Objects", "PartnerKey").IsNil(), true},
		{"IsNil false", body.Path("Objects", "EmailAddress").IsNil(), false},
		{"Type none", body.Path("Objects", "EmailAddress").Type(), ""},
		{"nil Child", nilElem.Child("x") == nil, true},
		{"nil ChildrenNamed", len(nilElem.ChildrenNamed("x")), 0},
		{"nil ChildText", nilElem.ChildText("x"), ""},
		{"nil Type", nilElem.Type(), ""},
		{"nil IsNil", nilElem.IsNil(), false},
		{"nil TrimmedText", nilElem.TrimmedText(), ""},
		{"nil Add", nilElem.Add(NewElement("x")) == nil, true},
		{"nil WithType", nilElem.WithType("x") == nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func TestElementBuilders(t *testing.T) {
	e := NewElement("Objects", TextElement("ID", "1"), nil, NilElement("PartnerKey")).WithType("A").WithType("AccountUser")
	e.Add(nil, TextElement("Name", "n"))
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"children, nils skipped", len(e.Children), 3},
		{"WithType replaces", len(e.Attr), 1},
		{"Type", e.Type(), "AccountUser"},
		{"NilElement", e.Child("PartnerKey").IsNil(), true},
		{"inherit namespace", e.Name.Space, ""},
		{"NewAPIFault namespace", NewAPIFault("2", "m").Name.Space, NSFault},
		{"NewAPIFault code", NewAPIFault("2", "m").ChildText("Code"), "2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func TestEscapeMatchesEncodingXML(t *testing.T) {
	inputs := map[string]string{
		"plain":         "hello",
		"specials":      `<a href="x">&'`,
		"whitespace":    "a\tb\nc\rd",
		"invalid utf8":  "a\xff\xfeb",
		"control chars": "\x00\x01\x1f\x7f",
		"non-BMP":       "😀 \uFFFE \uFFFD",
		"surrogate":     "\xed\xa0\x80",
		"empty":         "",
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			var got, want bytes.Buffer
			escape(&got, in)
			if err := xml.EscapeText(&want, []byte(in)); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("escape(%q): got %q, want %q", in, got.String(), want.String())
			}
		})
	}
}

func TestNewUUID(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	tests := []struct {
		name string
		rand *bytes.Reader
		want string
	}{
		{"fixed bytes", bytes.NewReader(bytes.Repeat([]byte{0xff}, 16)), "ffffffff-ffff-4fff-bfff-ffffffffffff"},
		{"zero bytes", bytes.NewReader(make([]byte, 16)), "00000000-0000-4000-8000-000000000000"},
		{"short source falls back to crypto/rand", bytes.NewReader([]byte{1}), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewUUID(tt.rand)
			if !re.MatchString(got) {
				t.Errorf("NewUUID: got %q, want a v4 UUID", got)
			}
			if tt.want != "" && got != tt.want {
				t.Errorf("NewUUID: got %q, want %q", got, tt.want)
			}
		})
	}
	if a, b := NewUUID(nil), NewUUID(nil); a == b {
		t.Errorf("NewUUID(nil) twice: got %q both times, want different values", a)
	}
}

func TestVersion(t *testing.T) {
	tests := []struct {
		name        string
		v           Version
		contentType string
		ns          string
	}{
		{"1.1", V11, "text/xml; charset=utf-8", NSSoap11},
		{"1.2", V12, "application/soap+xml; charset=utf-8", NSSoap12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.v.ContentType(); got != tt.contentType {
				t.Errorf("ContentType: got %q, want %q", got, tt.contentType)
			}
			if got := tt.v.Namespace(); got != tt.ns {
				t.Errorf("Namespace: got %q, want %q", got, tt.ns)
			}
			if got := versionOf(tt.ns); got != tt.v {
				t.Errorf("versionOf: got %v, want %v", got, tt.v)
			}
		})
	}
}

func TestFaultHelpers(t *testing.T) {
	tests := []struct {
		name     string
		f        *Fault
		err      string
		security bool
	}{
		{"security", SecurityFault(FaultTokenExpired, "a"), "soap fault q0:Security: Token Expired", true},
		{"client", ClientFault("bad"), "soap fault soap:Client: bad", false},
		{"server", ServerFault("down"), "soap fault soap:Server: down", false},
		{"Security in another namespace", &Fault{Code: "x:Security", CodeNS: "urn:x"}, "soap fault x:Security: ", false},
		{"nil", nil, "soap fault", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.Error(); got != tt.err {
				t.Errorf("Error: got %q, want %q", got, tt.err)
			}
			if got := tt.f.IsSecurity(); got != tt.security {
				t.Errorf("IsSecurity: got %v, want %v", got, tt.security)
			}
		})
	}
}

func TestParseDateTime(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"2026-11-28T23:24:16Z", true},
		{"2026-11-28T23:24:16+00:00", true},
		{"2026-11-28T23:24:16.123456Z", true},
		{"2026-11-28T23:24:16-05:30", true},
		{"2026-11-28T23:24:16", false},
		{"2026-11-28 23:24:16Z", false},
		{"2026-11-28T23:24:16 Z", false},
		{"2026-11-28", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if _, ok := ParseDateTime(tt.in); ok != tt.ok {
				t.Errorf("ParseDateTime(%q): got ok=%v, want %v", tt.in, ok, tt.ok)
			}
		})
	}
}
