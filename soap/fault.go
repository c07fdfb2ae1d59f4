package soap

import "strings"

// Fault strings SFMC clients match on verbatim.
const (
	FaultTokenExpired = "Token Expired"
	FaultLoginFailed  = "Login Failed"
)

// Fault is a SOAP fault, written by the server and decoded by the SDK.
type Fault struct {
	// Code is the qualified code as written: "q0:Security", "soap:Client",
	// "soap:Server". For a decoded SOAP 1.2 fault it is the Subcode value if
	// present, else the Code value ("soap:Sender", "soap:Receiver").
	Code string
	// CodeNS is the namespace bound to Code's prefix when that is not the
	// envelope namespace (q0 → NSWSSE); it is declared on the faultcode
	// element itself.
	CodeNS string
	String string
	Actor  string
	Detail *Element // optional (apifault); nil for Security and Client faults
}

func (f *Fault) Error() string {
	if f == nil {
		return "soap fault"
	}
	return "soap fault " + f.Code + ": " + f.String
}

// IsSecurity reports a WS-Security fault (q0:Security with q0 bound to wsse),
// the fault SFMC answers for expired, unknown or revoked credentials.
func (f *Fault) IsSecurity() bool {
	return f != nil && f.CodeNS == NSWSSE && localPart(f.Code) == "Security"
}

// SecurityFault is q0:Security with q0 bound to NSWSSE and no detail, as
// SFMC sends for "Token Expired" and "Login Failed".
func SecurityFault(text, actor string) *Fault {
	return &Fault{Code: "q0:Security", CodeNS: NSWSSE, String: text, Actor: actor}
}

// ClientFault is soap:Client (soap:Sender in SOAP 1.2).
func ClientFault(text string) *Fault {
	return &Fault{Code: "soap:Client", String: text}
}

// ServerFault is soap:Server (soap:Receiver in SOAP 1.2).
func ServerFault(text string) *Fault {
	return &Fault{Code: "soap:Server", String: text}
}

// splitQName splits "p:local" into prefix and local part.
func splitQName(s string) (prefix, local string) {
	if i := strings.IndexByte(s, ':'); i >= 0 {
		return s[:i], s[i+1:]
	}
	return "", s
}

func localPart(s string) string {
	_, l := splitQName(s)
	return l
}

// parseFault reads a SOAP 1.1 or 1.2 Fault; path is Envelope, Body, Fault.
func parseFault(v Version, path []*Element) *Fault {
	fe := path[len(path)-1]
	f := &Fault{}
	var codeEl *Element
	if v == V12 {
		code := fe.Child("Code")
		codeEl = code.Child("Value")
		path = append(path, code, codeEl)
		if sub := code.Child("Subcode"); sub.Child("Value") != nil {
			codeEl = sub.Child("Value")
			path = append(path[:len(path)-1], sub, codeEl)
		}
		f.String = fe.Child("Reason").ChildText("Text")
		f.Actor = fe.ChildText("Role")
		f.Detail = fe.Child("Detail").firstChild()
	} else {
		codeEl = fe.Child("faultcode")
		path = append(path, codeEl)
		f.String = fe.ChildText("faultstring")
		f.Actor = fe.ChildText("faultactor")
		f.Detail = fe.Child("detail").firstChild()
	}
	f.Code = codeEl.TrimmedText()
	if prefix, _ := splitQName(f.Code); prefix != "" {
		switch ns := resolvePrefix(path, prefix); ns {
		case NSSoap11, NSSoap12:
		default:
			f.CodeNS = ns
		}
	}
	return f
}
