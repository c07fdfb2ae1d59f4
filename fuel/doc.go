// Package fuel is the Go SDK of fuelgate: authentication and SOAP calls for
// Salesforce Marketing Cloud (SFMC) and for fuelgate, which speaks the same
// wire protocol.
//
// # Quick start
//
//	src := fuel.ClientCredentials{
//		AuthBaseURL:  "https://SUBDOMAIN.auth.marketingcloudapis.com/",
//		ClientID:     os.Getenv("FUEL_CLIENT_ID"),
//		ClientSecret: os.Getenv("FUEL_CLIENT_SECRET"),
//		AccountID:    100000001, // MID; 0 = the package's own BU
//	}.TokenSource()
//	c, err := fuel.NewClient(src, fuel.ClientOptions{})
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
// # Credentials
//
// The SDK composes like golang.org/x/oauth2, with a context on every call:
// a TokenSource hands out tokens, ReuseTokenSource caches the tokens of
// another source, StaticTokenSource returns one fixed token, and a Client
// accepts any TokenSource. Each kind of credential builds its source:
//
//   - ClientCredentials (an installed package's server-to-server
//     integration): POST {AuthBaseURL}/v2/token. Its TokenSource is an
//     AccountSource; ForAccount gives the sources of other business units,
//     one token per MID, sharing credentials, HTTP client and caches.
//   - LegacyPackage: POST {AuthBaseURL}/v1/requestToken with single-use
//     refresh tokens, and SOAP endpoint discovery.
//   - WebApp and PublicApp (an app a Marketing Cloud user authorizes):
//     AuthCodeURL (with PKCE: GenerateVerifier, S256ChallengeOption),
//     Exchange, and TokenSource, which refreshes with rotating refresh
//     tokens and hands each new token to the application's TokenStore.
//     Package fuel/fueloauth2 connects golang.org/x/oauth2.
//   - UsernameToken (an API user): no token; NewUserClient sends a
//     WS-Security UsernameToken with every call.
//
// Cached sources hand out a token until RefreshMargin (default 5 minutes,
// at most half the token's lifetime) before its expiry, which is computed
// from expires_in and the client's own clock. One request runs at a time;
// concurrent callers wait for it.
//
// # SOAP
//
// Client sends SOAP 1.1 requests to the token's soap_instance_url +
// "Service.asmx" (or ClientOptions.SOAPEndpoint) with the token in a
// fueloauth header. On a Security fault ("Token Expired", "Login Failed") it
// invalidates the token, fetches a new one and retries once.
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
// envelope). Unusable settings wrap ErrConfig.
//
// The package imports the fuelgate soap package and the standard library
// only.
package fuel
