// Package fuel is the Go SDK of fuelgate: authentication and SOAP calls for
// Salesforce Marketing Cloud (SFMC) and for fuelgate, which speaks the same
// wire protocol.
//
// # Quick start
//
//	c, err := fuel.NewClient(fuel.Config{
//		AuthBaseURL:  "https://SUBDOMAIN.auth.marketingcloudapis.com/",
//		ClientID:     os.Getenv("FUEL_CLIENT_ID"),
//		ClientSecret: os.Getenv("FUEL_CLIENT_SECRET"),
//		AccountID:    100000001, // MID; 0 = the package's own BU
//	})
//	if err != nil { … }
//	for obj, err := range c.RetrieveAll(ctx, fuel.RetrieveRequest{
//		ObjectType: "BusinessUnit",
//		Properties: fuel.BusinessUnitProperties(),
//		Filter:     fuel.Where("ID", fuel.Equals, "100000001"),
//	}) {
//		if err != nil { … }
//		bu, err := fuel.BusinessUnitFromObject(obj)
//		…
//	}
//
// # Tokens
//
// Config.TokenSource returns a CachedSource: Token(ctx) hands out a cached
// access token from POST {AuthBaseURL}/v2/token (or /v1/requestToken for a
// legacy package) until RefreshMargin (default 5 minutes, at most half the
// token's lifetime) before its expiry, which is computed from expires_in and
// the client's own clock. One fetch runs at a time; concurrent callers wait
// for it. ForAccount(mid) gives the cache of another business unit with the
// same credentials and HTTP client, so one Client serves many BUs with one
// token per MID. A refresh_token in a client_credentials answer is ignored;
// legacy refresh tokens are used once and replaced.
//
// # SOAP
//
// Client sends SOAP 1.1 requests to the token's soap_instance_url +
// "Service.asmx" (or Config.SOAPEndpoint) with the token in a fueloauth
// header, or, when Config.Username is set, with a WS-Security UsernameToken
// (PasswordText or PasswordDigest). On a Security fault ("Token Expired",
// "Login Failed") it drops the token, fetches a new one and retries once.
//
// Retrieve, Create, Update, Delete, Configure and Describe work on Object, a
// property bag for any object type ("Client.ID"-style dotted paths); the
// typed BusinessUnit, AccountUser and Role convert to and from it. Call
// sends any other operation.
//
// # Errors
//
// Failures are typed for errors.As: *AuthError (refused token request),
// *Fault (SOAP fault), *StatusError (OverallStatus "Error…" or "Has
// Errors", with per-object results), *HTTPError (an answer without a SOAP
// envelope). Configuration mistakes wrap ErrConfig.
//
// The package imports the fuelgate soap package and the standard library
// only.
package fuel
