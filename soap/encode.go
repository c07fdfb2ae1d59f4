package soap

import (
	"bytes"
	"encoding/base64"
	"io"
	"strings"
	"time"
)

// ResponseHeader is the WS-Addressing and Timestamp header of a response.
type ResponseHeader struct {
	Action    string    // wsa:Action, e.g. "RetrieveResponse" or FaultActionURI
	MessageID string    // "urn:uuid:…" (generated if empty)
	RelatesTo string    // generated urn:uuid if empty
	Now       time.Time // Timestamp Created = Now (UTC, seconds, Z), Expires = Now+5min; time.Now() if zero
	// TimestampID is the wsu:Id of the Timestamp ("Timestamp-<uuid>",
	// generated if empty).
	TimestampID string
	// Rand is the source of generated uuids (crypto/rand when nil).
	Rand io.Reader
}

// TimestampTTL is how long after Created a response Timestamp expires.
const TimestampTTL = 5 * time.Minute

// timestampLayout is the wsu:Created/Expires format of responses.
const timestampLayout = "2006-01-02T15:04:05Z"

const xmlDecl = `<?xml version="1.0" encoding="utf-8"?>`

// RequestHeader is the header of a client request.
type RequestHeader struct {
	// FuelOAuth, when non-empty, is sent as
	// <fueloauth xmlns="http://exacttarget.com">T</fueloauth>.
	FuelOAuth string
	// UsernameToken, when non-nil, is sent in a wsse:Security header
	// (Password with Type, Nonce with EncodingType, wsu:Created).
	UsernameToken *UsernameToken
}

// WriteResponse writes a response envelope whose Body holds body (in the
// partnerAPI default namespace when body's namespace is empty).
func WriteResponse(w io.Writer, v Version, h ResponseHeader, body *Element) error {
	b := getBuffer()
	writeResponseStart(b, v, h)
	if err := writeElement(b, body, "", true, 0); err != nil {
		putBuffer(b)
		return err
	}
	b.WriteString("</soap:Body></soap:Envelope>")
	return flush(w, b)
}

// WriteFault writes a fault envelope: the SOAP 1.1 faultcode/faultstring/
// faultactor/detail form, or for V12 soap:Code (Sender or Receiver, with a
// Subcode for any code outside the soap: prefix), soap:Reason, soap:Role and
// soap:Detail. An empty h.Action becomes FaultActionURI.
func WriteFault(w io.Writer, v Version, h ResponseHeader, f *Fault) error {
	if f == nil {
		return errNilFault
	}
	if h.Action == "" {
		h.Action = FaultActionURI
	}
	b := getBuffer()
	writeResponseStart(b, v, h)
	var err error
	if v == V12 {
		err = writeFault12(b, f)
	} else {
		err = writeFault11(b, f)
	}
	if err != nil {
		putBuffer(b)
		return err
	}
	b.WriteString("</soap:Body></soap:Envelope>")
	return flush(w, b)
}

// WriteRequest writes a client request envelope.
func WriteRequest(w io.Writer, v Version, h RequestHeader, body *Element) error {
	b := getBuffer()
	b.WriteString(xmlDecl)
	b.WriteString(`<soap:Envelope xmlns:soap="`)
	b.WriteString(v.Namespace())
	b.WriteString(`" xmlns:xsi="` + NSXSI + `" xmlns:xsd="` + NSXSD + `"`)
	if h.UsernameToken != nil {
		b.WriteString(` xmlns:wsse="` + NSWSSE + `" xmlns:wsu="` + NSWSU + `"`)
	}
	b.WriteByte('>')
	if h.FuelOAuth != "" || h.UsernameToken != nil {
		b.WriteString("<soap:Header>")
		if h.FuelOAuth != "" {
			b.WriteString(`<fueloauth xmlns="` + NSFuel + `">`)
			escape(b, h.FuelOAuth)
			b.WriteString("</fueloauth>")
		}
		if t := h.UsernameToken; t != nil {
			writeUsernameToken(b, t)
		}
		b.WriteString("</soap:Header>")
	}
	b.WriteString("<soap:Body>")
	if err := writeElement(b, body, "", true, 0); err != nil {
		putBuffer(b)
		return err
	}
	b.WriteString("</soap:Body></soap:Envelope>")
	return flush(w, b)
}

func writeUsernameToken(b *bytes.Buffer, t *UsernameToken) {
	b.WriteString("<wsse:Security><wsse:UsernameToken><wsse:Username>")
	escape(b, t.Username)
	b.WriteString("</wsse:Username>")
	if t.HasPassword {
		typ := PasswordTextURI
		if t.PasswordType == PasswordDigest {
			typ = PasswordDigestURI
		}
		b.WriteString(`<wsse:Password Type="` + typ + `">`)
		escape(b, t.Password)
		b.WriteString("</wsse:Password>")
	}
	if t.HasNonce {
		b.WriteString(`<wsse:Nonce EncodingType="` + Base64BinaryURI + `">`)
		b.WriteString(base64.StdEncoding.EncodeToString(t.Nonce))
		b.WriteString("</wsse:Nonce>")
	}
	if t.HasCreated {
		created := t.Created
		if created == "" {
			created = t.CreatedAt.UTC().Format(CreatedLayout)
		}
		b.WriteString("<wsu:Created>")
		escape(b, created)
		b.WriteString("</wsu:Created>")
	}
	b.WriteString("</wsse:UsernameToken></wsse:Security>")
}

// writeResponseStart writes the declaration, the envelope start tag, the
// whole header and <soap:Body>.
func writeResponseStart(b *bytes.Buffer, v Version, h ResponseHeader) {
	now := h.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC().Truncate(time.Second)
	b.WriteString(xmlDecl)
	b.WriteString(`<soap:Envelope xmlns:soap="`)
	b.WriteString(v.Namespace())
	b.WriteString(`" xmlns:xsi="` + NSXSI + `" xmlns:xsd="` + NSXSD + `" xmlns:wsa="` + NSWSA +
		`" xmlns:wsse="` + NSWSSE + `" xmlns:wsu="` + NSWSU + `"><soap:Header><wsa:Action>`)
	escape(b, h.Action)
	b.WriteString("</wsa:Action><wsa:MessageID>")
	escape(b, orUUID(h.MessageID, h.Rand))
	b.WriteString("</wsa:MessageID><wsa:RelatesTo>")
	escape(b, orUUID(h.RelatesTo, h.Rand))
	b.WriteString("</wsa:RelatesTo><wsa:To>" + AnonymousURI + `</wsa:To><wsse:Security><wsu:Timestamp wsu:Id="`)
	if h.TimestampID != "" {
		escape(b, h.TimestampID)
	} else {
		b.WriteString("Timestamp-")
		b.WriteString(NewUUID(h.Rand))
	}
	b.WriteString(`"><wsu:Created>`)
	b.WriteString(now.Format(timestampLayout))
	b.WriteString("</wsu:Created><wsu:Expires>")
	b.WriteString(now.Add(TimestampTTL).Format(timestampLayout))
	b.WriteString("</wsu:Expires></wsu:Timestamp></wsse:Security></soap:Header><soap:Body>")
}

func orUUID(s string, r io.Reader) string {
	if s != "" {
		return s
	}
	return "urn:uuid:" + NewUUID(r)
}

// writeFault11 writes the SOAP 1.1 Fault element.
func writeFault11(b *bytes.Buffer, f *Fault) error {
	b.WriteString("<soap:Fault><faultcode")
	writeCodeDecl(b, f)
	b.WriteByte('>')
	escape(b, f.Code)
	b.WriteString("</faultcode><faultstring>")
	escape(b, f.String)
	b.WriteString("</faultstring>")
	if f.Actor != "" {
		b.WriteString("<faultactor>")
		escape(b, f.Actor)
		b.WriteString("</faultactor>")
	}
	switch {
	case f.Detail != nil:
		b.WriteString("<detail>")
		if err := writeElement(b, f.Detail, "", false, 0); err != nil {
			return err
		}
		b.WriteString("</detail>")
	case isEnvelopeCode(f):
		b.WriteString("<detail />")
	}
	b.WriteString("</soap:Fault>")
	return nil
}

// writeFault12 writes the SOAP 1.2 Fault element.
func writeFault12(b *bytes.Buffer, f *Fault) error {
	b.WriteString("<soap:Fault><soap:Code><soap:Value>")
	if isEnvelopeCode(f) {
		b.WriteString(code12(localPart(f.Code)))
		b.WriteString("</soap:Value></soap:Code>")
	} else {
		b.WriteString("soap:Sender</soap:Value><soap:Subcode><soap:Value")
		writeCodeDecl(b, f)
		b.WriteByte('>')
		escape(b, f.Code)
		b.WriteString("</soap:Value></soap:Subcode></soap:Code>")
	}
	b.WriteString(`<soap:Reason><soap:Text xml:lang="en">`)
	escape(b, f.String)
	b.WriteString("</soap:Text></soap:Reason>")
	if f.Actor != "" {
		b.WriteString("<soap:Role>")
		escape(b, f.Actor)
		b.WriteString("</soap:Role>")
	}
	if f.Detail != nil {
		b.WriteString("<soap:Detail>")
		if err := writeElement(b, f.Detail, "", false, 0); err != nil {
			return err
		}
		b.WriteString("</soap:Detail>")
	}
	b.WriteString("</soap:Fault>")
	return nil
}

// isEnvelopeCode reports a code in the envelope namespace ("soap:Client",
// "soap:Server"): a soap: prefix with no other CodeNS, or CodeNS naming an
// envelope namespace.
func isEnvelopeCode(f *Fault) bool {
	switch f.CodeNS {
	case NSSoap11, NSSoap12:
		return true
	case "":
		prefix, _ := splitQName(f.Code)
		return prefix == "soap"
	}
	return false
}

// code12 maps a SOAP 1.1 fault code to its SOAP 1.2 Code value.
func code12(local string) string {
	switch local {
	case "Server", "Receiver":
		return "soap:Receiver"
	case "VersionMismatch", "MustUnderstand", "DataEncodingUnknown":
		return "soap:" + local
	}
	return "soap:Sender"
}

// writeCodeDecl declares the prefix of f.Code on the element being written
// when f.CodeNS binds it (q0 → NSWSSE).
func writeCodeDecl(b *bytes.Buffer, f *Fault) {
	prefix, _ := splitQName(f.Code)
	if f.CodeNS == "" || isEnvelopeCode(f) || !isName(prefix) || strings.EqualFold(prefix, "xml") ||
		strings.EqualFold(prefix, "xmlns") || prefix == "soap" {
		return
	}
	b.WriteString(" xmlns:")
	b.WriteString(prefix)
	b.WriteString(`="`)
	escape(b, f.CodeNS)
	b.WriteByte('"')
}
