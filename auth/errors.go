package auth

import "github.com/fuelgate/fuelgate"

// The errors of this package. Edges compare with errors.Is and render them in
// their wire format (OAuth JSON, SOAP fault). Messages never name which part
// of a credential was wrong.
var (
	// ErrInvalidClient: unknown client ID, wrong secret, or disabled package.
	ErrInvalidClient = &fuelgate.Error{Code: fuelgate.EUNAUTHORIZED, Message: "client authentication failed"}
	// ErrLegacyPackage: a legacy (v1) package asked /v2/token for a token.
	ErrLegacyPackage = &fuelgate.Error{Code: fuelgate.EUNAUTHORIZED, Message: "legacy package cannot use /v2/token"}
	// ErrNotLegacyPackage: an enhanced (v2) package asked /v1/requestToken.
	ErrNotLegacyPackage = &fuelgate.Error{Code: fuelgate.EUNAUTHORIZED, Message: "package is not a legacy package"}
	// ErrInvalidScope: a requested scope the package was not granted, or an unknown scope.
	ErrInvalidScope = &fuelgate.Error{Code: fuelgate.EINVALID, Message: "invalid scope"}
	// ErrAccountUnreachable: account_id names a BU the package may not reach.
	ErrAccountUnreachable = &fuelgate.Error{Code: fuelgate.EPERMISSION, Message: "account not reachable"}
	// ErrInvalidGrant: a refresh token that is unknown, used, revoked or expired.
	ErrInvalidGrant = &fuelgate.Error{Code: fuelgate.EUNAUTHORIZED, Message: "invalid grant"}
	// ErrLoginFailed: any SOAP credential failure other than an expired token.
	ErrLoginFailed = &fuelgate.Error{Code: fuelgate.EUNAUTHORIZED, Message: "Login Failed"}
	// ErrTokenExpired: a token that was valid and has expired.
	ErrTokenExpired = &fuelgate.Error{Code: fuelgate.EEXPIRED, Message: "Token Expired"}
)
