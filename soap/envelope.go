package soap

import "strings"

// Envelope is a decoded SOAP message.
type Envelope struct {
	Version Version
	// Action is the operation: the SOAPAction header, else the action=
	// parameter of a SOAP 1.2 Content-Type, else wsa:Action, else the Body
	// child's name mapped back (RetrieveRequestMsg → Retrieve). Quotes are
	// stripped and only the part after the last '/' is kept.
	Action    string
	MessageID string   // wsa:MessageID text if present
	Header    Header   // credentials found in the SOAP Header
	Body      *Element // first element child of Body (nil if Body is empty)
	Fault     *Fault   // set when the Body child is a SOAP 1.1 or 1.2 Fault
}

// Header holds the header entries fuelgate acts on. Other entries
// (wsa:To, wsa:ReplyTo, unknown elements) are ignored, and mustUnderstand
// is never faulted on.
type Header struct {
	// FuelOAuth is the trimmed, concatenated text of the fueloauth header
	// including descendants (Ruby nests <fueloauth><fueloauth>T</fueloauth></fueloauth>).
	FuelOAuth    string
	HasFuelOAuth bool
	// OAuthToken is the legacy <oAuth><oAuthToken>T</oAuthToken></oAuth>,
	// both matched by local name in any namespace.
	OAuthToken string
	HasOAuth   bool
	Security   *Security // nil when there is no wsse:Security header
}

// interpret checks the envelope structure and reads Header and Body.
func interpret(root *Element, info HTTPInfo) (*Envelope, *DecodeError) {
	v := versionOf(root.Name.Space)
	if v == 0 || root.Name.Local != "Envelope" {
		return nil, refuse(reasonNotEnvelope)
	}
	var header, body *Element
	for _, c := range root.Children {
		if c.Name.Space != root.Name.Space {
			continue
		}
		switch c.Name.Local {
		case "Header":
			if header != nil {
				return nil, refuse(reasonTwoHeaders)
			}
			header = c
		case "Body":
			if body != nil {
				return nil, refuse(reasonTwoBodies)
			}
			body = c
		}
	}
	if body == nil {
		return nil, refuse(reasonNoBody)
	}
	env := &Envelope{Version: v, Body: body.firstChild()}
	wsaAction, err := env.readHeader(header)
	if err != nil {
		return nil, err
	}
	if b := env.Body; b != nil && b.Name.Local == "Fault" && versionOf(b.Name.Space) != 0 {
		env.Fault = parseFault(versionOf(b.Name.Space), []*Element{root, body, b})
	}
	env.Action = operation(info, wsaAction, env.Body)
	return env, nil
}

// readHeader fills env.Header and env.MessageID and returns the wsa:Action text.
func (env *Envelope) readHeader(h *Element) (wsaAction string, _ *DecodeError) {
	if h == nil {
		return "", nil
	}
	hdr := &env.Header
	var strict *DecodeError // UsernameToken violations waived for a placeholder
	for _, c := range h.Children {
		switch {
		case c.Name.Local == "fueloauth":
			if hdr.HasFuelOAuth {
				return "", refuse(reasonTwoFuelOAuth)
			}
			hdr.HasFuelOAuth = true
			hdr.FuelOAuth = strings.TrimSpace(c.deepText())
		case c.Name.Local == "oAuth":
			if hdr.HasOAuth {
				return "", refuse(reasonTwoOAuth)
			}
			hdr.HasOAuth = true
			toks := c.ChildrenNamed("oAuthToken")
			if len(toks) > 1 {
				return "", refuse(reasonTwoOAuthToken)
			}
			if len(toks) == 1 {
				hdr.OAuthToken = strings.TrimSpace(toks[0].deepText())
			}
		case c.Name.Space == NSWSSE && c.Name.Local == "Security":
			if hdr.Security != nil {
				return "", refuse(reasonTwoSecurity)
			}
			sec, s, err := parseSecurity(c)
			if err != nil {
				return "", err
			}
			hdr.Security, strict = sec, s
		case c.Name.Space == NSWSA && c.Name.Local == "Action":
			if wsaAction == "" {
				wsaAction = c.TrimmedText()
			}
		case c.Name.Space == NSWSA && c.Name.Local == "MessageID":
			if env.MessageID == "" {
				env.MessageID = c.TrimmedText()
			}
		}
	}
	if strict != nil && !hdr.placeholderWaiver() {
		return "", strict
	}
	return wsaAction, nil
}

// placeholderWaiver reports whether the UsernameToken is the legacy "*"
// placeholder sent beside a token header; its BSP strictness is then waived,
// because the token decides (PHP sends a Nonce without EncodingType and a
// stale Created there).
func (h *Header) placeholderWaiver() bool {
	if !h.HasOAuth && !h.HasFuelOAuth {
		return false
	}
	return h.Security != nil && h.Security.UsernameToken != nil && h.Security.UsernameToken.Username == "*"
}
