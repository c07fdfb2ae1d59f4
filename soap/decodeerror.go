package soap

// DecodeError is a malformed or refused request. Error() is safe to show to
// a client: it holds a fixed reason and never echoes values from the request.
// Err, when set, is the underlying cause (for logs, not for clients: an
// encoding/xml syntax error may quote request text).
type DecodeError struct {
	Reason string
	Err    error
}

func (e *DecodeError) Error() string { return "soap: " + e.Reason }

// Unwrap returns the underlying cause.
func (e *DecodeError) Unwrap() error { return e.Err }

func refuse(reason string) *DecodeError { return &DecodeError{Reason: reason} }

// Reasons reported by Decode.
const (
	reasonMalformed      = "malformed XML"
	reasonDTD            = "DTDs are not allowed"
	reasonEncoding       = "only UTF-8 is accepted"
	reasonDepth          = "elements nested too deeply"
	reasonElements       = "too many elements"
	reasonText           = "text node too long"
	reasonTrailing       = "content outside the document element"
	reasonEmpty          = "empty document"
	reasonNotEnvelope    = "not a SOAP envelope"
	reasonNoBody         = "missing Body"
	reasonTwoHeaders     = "more than one Header"
	reasonTwoBodies      = "more than one Body"
	reasonTwoSecurity    = "more than one Security header"
	reasonTwoFuelOAuth   = "more than one fueloauth header"
	reasonTwoOAuth       = "more than one oAuth header"
	reasonTwoOAuthToken  = "more than one oAuthToken in oAuth"
	reasonTwoUT          = "more than one UsernameToken in Security"
	reasonTwoTimestamp   = "more than one Timestamp in Security"
	reasonDuplicateID    = "duplicate wsu:Id in Security"
	reasonNoUsername     = "UsernameToken without Username"
	reasonTwoUsername    = "more than one Username in UsernameToken"
	reasonTwoPassword    = "more than one Password in UsernameToken"
	reasonTwoNonce       = "more than one Nonce in UsernameToken"
	reasonTwoCreated     = "more than one Created in UsernameToken"
	reasonPasswordType   = "unsupported Password Type"
	reasonNonceEncoding  = "unsupported Nonce EncodingType"
	reasonNonceBase64    = "Nonce is not valid base64"
	reasonNonceEmpty     = "empty Nonce"
	reasonCreated        = "Created is not a dateTime with a time zone"
	reasonSalt           = "Salt and Iteration are not supported"
	reasonDigestNeeds    = "PasswordDigest requires Nonce and Created"
	reasonTimestamp      = "malformed Timestamp"
	reasonTwoTimestampTm = "more than one Created or Expires in Timestamp"
)
