package soap

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDecodeRejects(t *testing.T) {
	const user = `<wsse:Username>API_USER</wsse:Username>`
	const pass = `<wsse:Password` + textType + `>secret</wsse:Password>`
	const fuel = `<fueloauth xmlns="http://exacttarget.com">T</fueloauth>`
	tests := []struct {
		name string
		doc  string
		want string // DecodeError.Reason
	}{
		{"doctype", `<!DOCTYPE x [<!ENTITY a "b">]>` + env11(fuel, retrieveBody), reasonDTD},
		{"billion laughs", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>`, reasonDTD},
		{"undeclared entity (XXE without DTD)", env11(`<fueloauth>&xxe;</fueloauth>`, retrieveBody), reasonMalformed},
		{"XXE external entity", `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + env11(`<fueloauth>&xxe;</fueloauth>`, retrieveBody), reasonDTD},
		{"ISO-8859-1 declaration", `<?xml version="1.0" encoding="ISO-8859-1"?>` + env11(fuel, retrieveBody), reasonEncoding},
		{"UTF-16 declaration", `<?xml version="1.0" encoding="UTF-16"?>` + env11(fuel, retrieveBody), reasonEncoding},
		{"invalid UTF-8 bytes in text", env11(`<fueloauth>T`+"\xff\xfe"+`</fueloauth>`, retrieveBody), reasonMalformed},
		{"invalid UTF-8 bytes in name", env11(`<fuel`+"\xc3\x28"+`oauth>T</fueloauth>`, retrieveBody), reasonMalformed},
		{"not XML", `hello`, reasonTrailing},
		{"empty", ``, reasonEmpty},
		{"unclosed", `<soap:Envelope xmlns:soap="` + NSSoap11 + `"><soap:Body>`, reasonMalformed},
		{"not an Envelope", `<Envelope><Body/></Envelope>`, reasonNotEnvelope},
		{"Envelope in wrong namespace", `<soap:Envelope xmlns:soap="http://example.com/"><soap:Body/></soap:Envelope>`, reasonNotEnvelope},
		{"missing Body", `<soap:Envelope xmlns:soap="` + NSSoap11 + `"><soap:Header/></soap:Envelope>`, reasonNoBody},
		{"Body in other SOAP version", `<soap:Envelope xmlns:soap="` + NSSoap11 + `"><b:Body xmlns:b="` + NSSoap12 + `"/></soap:Envelope>`, reasonNoBody},
		{"two Bodies", `<soap:Envelope xmlns:soap="` + NSSoap11 + `"><soap:Body/><soap:Body/></soap:Envelope>`, reasonTwoBodies},
		{"two Headers", `<soap:Envelope xmlns:soap="` + NSSoap11 + `"><soap:Header/><soap:Header/><soap:Body/></soap:Envelope>`, reasonTwoHeaders},
		{"second root element", env11(fuel, retrieveBody) + `<x/>`, reasonTrailing},
		{"text after root", env11(fuel, retrieveBody) + `junk`, reasonTrailing},
		{"duplicate Security", env11(ut(user+pass)+ut(user+pass), retrieveBody), reasonTwoSecurity},
		{"duplicate fueloauth", env11(fuel+fuel, retrieveBody), reasonTwoFuelOAuth},
		{"duplicate fueloauth, other namespace", env11(fuel+`<fueloauth>U</fueloauth>`, retrieveBody), reasonTwoFuelOAuth},
		{"duplicate oAuth", env11(`<oAuth><oAuthToken>A</oAuthToken></oAuth><oAuth><oAuthToken>B</oAuthToken></oAuth>`, retrieveBody), reasonTwoOAuth},
		{"duplicate oAuthToken", env11(`<oAuth><oAuthToken>A</oAuthToken><oAuthToken>B</oAuthToken></oAuth>`, retrieveBody), reasonTwoOAuthToken},
		{"two UsernameTokens", env11(wsseOpen+`<wsse:UsernameToken>`+user+`</wsse:UsernameToken><wsse:UsernameToken>`+user+`</wsse:UsernameToken></wsse:Security>`, retrieveBody), reasonTwoUT},
		{"duplicate Username", env11(ut(user+user+pass), retrieveBody), reasonTwoUsername},
		{"duplicate Password", env11(ut(user+pass+pass), retrieveBody), reasonTwoPassword},
		{"duplicate Password in another namespace", env11(ut(user+pass+`<Password>x</Password>`), retrieveBody), reasonTwoPassword},
		{"duplicate Nonce", env11(ut(user+pass+goodNonce+goodNonce), retrieveBody), reasonTwoNonce},
		{"duplicate Created", env11(ut(user+pass+goodCreated+goodCreated), retrieveBody), reasonTwoCreated},
		{"missing Username", env11(ut(pass), retrieveBody), reasonNoUsername},
		{"custom Password Type", env11(ut(user+`<wsse:Password Type="urn:custom">x</wsse:Password>`), retrieveBody), reasonPasswordType},
		{"digest without nonce", env11(ut(user+`<wsse:Password`+digestType+`>E+GL3o82YUAbIL8Pgg2MUZ8q4x4=</wsse:Password>`+goodCreated), retrieveBody), reasonDigestNeeds},
		{"digest without created", env11(ut(user+`<wsse:Password`+digestType+`>E+GL3o82YUAbIL8Pgg2MUZ8q4x4=</wsse:Password>`+goodNonce), retrieveBody), reasonDigestNeeds},
		{"bad nonce encoding type", env11(ut(user+pass+`<wsse:Nonce EncodingType="urn:hex">0001</wsse:Nonce>`), retrieveBody), reasonNonceEncoding},
		{"nonce not base64", env11(ut(user+pass+`<wsse:Nonce>not base64!</wsse:Nonce>`), retrieveBody), reasonNonceBase64},
		{"empty nonce", env11(ut(user+pass+`<wsse:Nonce`+b64Type+`></wsse:Nonce>`), retrieveBody), reasonNonceEmpty},
		{"Created without zone", env11(ut(user+pass+`<wsu:Created>2026-11-28T10:00:00</wsu:Created>`), retrieveBody), reasonCreated},
		{"Created not a date", env11(ut(user+pass+`<wsu:Created>yesterday</wsu:Created>`), retrieveBody), reasonCreated},
		{"Salt present", env11(ut(user+`<wsse11:Salt xmlns:wsse11="http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd">AAAA</wsse11:Salt>`), retrieveBody), reasonSalt},
		{"Iteration present", env11(ut(user+pass+`<wsse11:Iteration xmlns:wsse11="http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd">1000</wsse11:Iteration>`), retrieveBody), reasonSalt},
		{"duplicate wsu:Id", env11(wsseOpen+`<wsu:Timestamp wsu:Id="x"/><wsse:UsernameToken wsu:Id="x">`+user+`</wsse:UsernameToken></wsse:Security>`, retrieveBody), reasonDuplicateID},
		{"two Timestamps", env11(wsseOpen+`<wsu:Timestamp/><wsu:Timestamp/></wsse:Security>`, retrieveBody), reasonTwoTimestamp},
		{"Timestamp Created without zone", env11(wsseOpen+`<wsu:Timestamp><wsu:Created>2026-11-28T10:00:00</wsu:Created></wsu:Timestamp></wsse:Security>`, retrieveBody), reasonTimestamp},
		{"Timestamp with two Expires", env11(wsseOpen+`<wsu:Timestamp><wsu:Expires>2026-11-28T10:00:00Z</wsu:Expires><wsu:Expires>2026-11-28T10:00:00Z</wsu:Expires></wsu:Timestamp></wsse:Security>`, retrieveBody), reasonTwoTimestampTm},
		{"placeholder without token header stays strict", env11(ut(`<wsse:Username>*</wsse:Username><wsse:Password>*</wsse:Password><wsse:Nonce>%%%</wsse:Nonce>`), retrieveBody), reasonNonceBase64},
		{"placeholder waiver keeps duplicate rule", env11(`<oAuth><oAuthToken>L</oAuthToken></oAuth>`+ut(`<wsse:Username>*</wsse:Username><wsse:Password>*</wsse:Password><wsse:Password>*</wsse:Password>`), retrieveBody), reasonTwoPassword},
		{"non-placeholder beside oAuth stays strict", env11(`<oAuth><oAuthToken>L</oAuthToken></oAuth>`+ut(`<wsse:Username>bob</wsse:Username><wsse:Password Type="urn:x">*</wsse:Password>`), retrieveBody), reasonPasswordType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := Decode(strings.NewReader(tt.doc), HTTPInfo{}, Limits{})
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("Decode: got (%+v, %v), want a *DecodeError %q", env, err, tt.want)
			}
			if de.Reason != tt.want {
				t.Errorf("Reason: got %q, want %q (cause %v)", de.Reason, tt.want, de.Err)
			}
			if env != nil {
				t.Errorf("Envelope: got %+v with an error, want nil", env)
			}
		})
	}
}

func TestDecodeLimits(t *testing.T) {
	deep := strings.Repeat("<a>", 100000) + strings.Repeat("</a>", 100000)
	many := strings.Repeat("<a/>", 30)
	tests := []struct {
		name string
		doc  string
		lim  Limits
		want string
	}{
		{"100k-deep nesting, default limits", env11("", deep), Limits{}, reasonDepth},
		{"100k unclosed elements", strings.Repeat("<a>", 100000), Limits{}, reasonDepth},
		{"depth over MaxDepth", env11("", "<a><b><c/></b></a>"), Limits{MaxDepth: 4}, reasonDepth},
		{"elements over MaxElements", env11("", many), Limits{MaxElements: 20}, reasonElements},
		{"text over MaxText", env11("<fueloauth>"+strings.Repeat("x", 65)+"</fueloauth>", ""), Limits{MaxText: 64}, reasonText},
		{"text split by comments over MaxText", env11("<fueloauth>"+strings.Repeat("xxxxxxxxxx<!-- -->", 7)+"</fueloauth>", ""), Limits{MaxText: 64}, reasonText},
		{"attribute over MaxText", env11(`<x a="`+strings.Repeat("x", 65)+`"/>`, ""), Limits{MaxText: 64}, reasonText},
		{"default MaxText", env11("<fueloauth>"+strings.Repeat("x", DefaultMaxText+1)+"</fueloauth>", ""), Limits{}, reasonText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := Decode(strings.NewReader(tt.doc), HTTPInfo{}, tt.lim)
			var de *DecodeError
			if !errors.As(err, &de) || de.Reason != tt.want {
				t.Fatalf("Decode: got %v, want DecodeError %q", err, tt.want)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Decode took %v, want it bounded", d)
			}
		})
	}
	t.Run("limits met exactly", func(t *testing.T) {
		doc := env11("<fueloauth>"+strings.Repeat("x", 64)+"</fueloauth>", "<a><b/></a>")
		// Envelope, Header, fueloauth, Body, a, b = 6 elements; depth 4.
		env, err := Decode(strings.NewReader(doc), HTTPInfo{}, Limits{MaxDepth: 4, MaxElements: 6, MaxText: 64})
		if err != nil {
			t.Fatalf("Decode: got error %v, want nil", err)
		}
		if got := len(env.Header.FuelOAuth); got != 64 {
			t.Errorf("FuelOAuth length: got %d, want 64", got)
		}
	})
}

func TestDecodeErrorIsSafe(t *testing.T) {
	secret := "SECRET-TOKEN-VALUE"
	docs := map[string]string{
		"entity":    env11(`<fueloauth>&`+secret+`;</fueloauth>`, ""),
		"bad close": env11(`<fueloauth>`+secret+`</`+secret+`>`, ""),
		"duplicate": env11(`<fueloauth>`+secret+`</fueloauth><fueloauth>`+secret+`</fueloauth>`, ""),
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(doc), HTTPInfo{}, Limits{})
			if err == nil {
				t.Fatalf("Decode: got nil error, want one")
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("Error(): got %q, want no request values in it", err.Error())
			}
		})
	}
}

func TestDecodeAccepts(t *testing.T) {
	const fuel = `<fueloauth xmlns="http://exacttarget.com">T</fueloauth>`
	tests := []struct {
		name  string
		doc   string
		info  HTTPInfo
		check func(t *testing.T, env *Envelope)
	}{
		{"quoted SOAPAction", env11(fuel, retrieveBody), HTTPInfo{SOAPAction: `"Create"`}, wantAction("Create")},
		{"SOAPAction URI", env11(fuel, retrieveBody), HTTPInfo{SOAPAction: `"http://exacttarget.com/wsdl/partnerAPI/Update"`}, wantAction("Update")},
		{"SOAP 1.2 Content-Type action", env11(fuel, retrieveBody), HTTPInfo{ContentType: `application/soap+xml; charset=utf-8; action="Delete"`}, wantAction("Delete")},
		{"text/xml action ignored", env11(fuel, retrieveBody), HTTPInfo{ContentType: `text/xml; action="Delete"`}, wantAction("Retrieve")},
		{"empty SOAPAction falls through", env11(fuel, retrieveBody), HTTPInfo{SOAPAction: `""`}, wantAction("Retrieve")},
		{"wsa:Action", env11(`<a:Action xmlns:a="`+NSWSA+`" mustUnderstand="true">Configure</a:Action>`+fuel, retrieveBody), HTTPInfo{}, wantAction("Configure")},
		{"body name mapping", env11(fuel, `<DefinitionRequestMsg xmlns="`+NSPartner+`"/>`), HTTPInfo{}, wantAction("Describe")},
		{"system status mapping", env11(fuel, `<SystemStatusRequestMsg xmlns="`+NSPartner+`"/>`), HTTPInfo{}, wantAction("GetSystemStatus")},
		{"unknown body kept", env11(fuel, `<FooResponseMsg xmlns="`+NSPartner+`"/>`), HTTPInfo{}, wantAction("FooResponseMsg")},
		{"empty Body", env11(fuel, ``), HTTPInfo{}, func(t *testing.T, env *Envelope) {
			if env.Body != nil || env.Action != "" {
				t.Errorf("got Body %+v Action %q, want nil and empty", env.Body, env.Action)
			}
		}},
		{"no Header", `<s:Envelope xmlns:s="` + NSSoap12 + `"><s:Body>` + retrieveBody + `</s:Body></s:Envelope>`, HTTPInfo{}, func(t *testing.T, env *Envelope) {
			if env.Version != V12 || env.Header.HasFuelOAuth || env.Header.Security != nil {
				t.Errorf("got %+v, want V12 with an empty Header", env)
			}
		}},
		{"UTF-8 BOM and lower-case utf-8 declaration", "\xEF\xBB\xBF<?xml version='1.0' encoding='utf-8'?>\n" + env11(fuel, retrieveBody), HTTPInfo{}, wantFuel("T")},
		{"UTF-8 upper-case declaration", `<?xml version="1.0" encoding="UTF-8"?>` + env11(fuel, retrieveBody), HTTPInfo{}, wantFuel("T")},
		{"bare fueloauth", env11(`<fueloauth>  T  </fueloauth>`, retrieveBody), HTTPInfo{}, wantFuel("T")},
		{"nested fueloauth", env11(`<fueloauth xmlns="http://exacttarget.com">`+"\n  "+`<fueloauth>T</fueloauth>`+"\n"+`</fueloauth>`, retrieveBody), HTTPInfo{}, wantFuel("T")},
		{"fueloauth in CDATA", env11(`<fueloauth><![CDATA[T]]></fueloauth>`, retrieveBody), HTTPInfo{}, wantFuel("T")},
		{"header after body", `<Envelope xmlns="` + NSSoap11 + `"><Body>` + retrieveBody + `</Body><Header>` + fuel + `</Header></Envelope>`, HTTPInfo{}, wantFuel("T")},
		{"mustUnderstand forms", env11(`<wsse:Security xmlns:wsse="`+NSWSSE+`" soap:mustUnderstand="1" mustUnderstand="true"><wsse:UsernameToken><wsse:Username>u</wsse:Username><wsse:Password>p</wsse:Password></wsse:UsernameToken></wsse:Security>`, retrieveBody), HTTPInfo{}, wantUser("u", "p")},
		{"Password without Type is text", env11(ut(`<wsse:Username> u </wsse:Username><wsse:Password>`+"\n p \n"+`</wsse:Password>`), retrieveBody), HTTPInfo{}, wantUser("u", "p")},
		{"Nonce without EncodingType", env11(ut(`<wsse:Username>u</wsse:Username><wsse:Password>p</wsse:Password><wsse:Nonce>AAEC AwQF</wsse:Nonce>`), retrieveBody), HTTPInfo{}, func(t *testing.T, env *Envelope) {
			if got := env.Header.Security.UsernameToken.Nonce; string(got) != "\x00\x01\x02\x03\x04\x05" {
				t.Errorf("Nonce: got %x, want 000102030405", got)
			}
		}},
		{"Created with offset and fraction", env11(ut(`<wsse:Username>u</wsse:Username><wsse:Password>p</wsse:Password><wsu:Created>2026-11-28T11:00:00.5+01:00</wsu:Created>`), retrieveBody), HTTPInfo{}, func(t *testing.T, env *Envelope) {
			tok := env.Header.Security.UsernameToken
			want := time.Date(2026, 11, 28, 10, 0, 0, 5e8, time.UTC)
			if tok.Created != "2026-11-28T11:00:00.5+01:00" || !tok.CreatedAt.Equal(want) {
				t.Errorf("Created: got (%q, %v), want (%q, %v)", tok.Created, tok.CreatedAt, "2026-11-28T11:00:00.5+01:00", want)
			}
		}},
		{"digest token", env11(ut(`<wsse:Username>u</wsse:Username><wsse:Password`+digestType+`>E+GL3o82YUAbIL8Pgg2MUZ8q4x4=</wsse:Password>`+goodNonce+goodCreated), retrieveBody), HTTPInfo{}, func(t *testing.T, env *Envelope) {
			if tok := env.Header.Security.UsernameToken; !VerifyDigest(tok, "verySecret") {
				t.Errorf("VerifyDigest: got false, want true for %+v", tok)
			}
		}},
		{"placeholder beside oAuth after Security is waived", env11(ut(`<wsse:Username>*</wsse:Username><wsse:Password>*</wsse:Password><wsse:Nonce EncodingType="urn:x">%%</wsse:Nonce><wsu:Created>stale</wsu:Created>`)+`<oAuth><oAuthToken> L </oAuthToken></oAuth>`, retrieveBody), HTTPInfo{}, func(t *testing.T, env *Envelope) {
			if !env.Header.HasOAuth || env.Header.OAuthToken != "L" || !env.Header.Security.UsernameToken.IsPlaceholder() {
				t.Errorf("got %+v, want legacy token L with a placeholder UsernameToken", env.Header)
			}
		}},
		{"placeholder beside fueloauth is waived", env11(fuel+ut(`<wsse:Username>*</wsse:Username><wsse:Password>*</wsse:Password><wsse:Nonce>%%</wsse:Nonce>`), retrieveBody), HTTPInfo{}, wantFuel("T")},
		{"timestamp", env11(wsseOpen+`<wsu:Timestamp wsu:Id="t"><wsu:Created>2026-11-28T10:00:00Z</wsu:Created><wsu:Expires>2026-11-28T10:05:00Z</wsu:Expires></wsu:Timestamp></wsse:Security>`, retrieveBody), HTTPInfo{}, func(t *testing.T, env *Envelope) {
			ts := env.Header.Security.Timestamp
			if ts == nil || !ts.HasCreated || !ts.HasExpires || ts.Expires.Sub(ts.Created) != 5*time.Minute {
				t.Errorf("Timestamp: got %+v, want Created and Expires 5 min apart", ts)
			}
			if env.Header.Security.UsernameToken != nil {
				t.Errorf("UsernameToken: got %+v, want nil", env.Header.Security.UsernameToken)
			}
		}},
		{"Security in another namespace is ignored", env11(`<wsse:Security xmlns:wsse="http://example.com/"><wsse:UsernameToken/></wsse:Security>`, retrieveBody), HTTPInfo{}, func(t *testing.T, env *Envelope) {
			if env.Header.Security != nil {
				t.Errorf("Security: got %+v, want nil", env.Header.Security)
			}
		}},
		{"comments and processing instructions", `<!-- c --><?pi x?>` + env11(`<!-- c -->`+fuel, retrieveBody) + "<!-- end -->\n", HTTPInfo{}, wantFuel("T")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := Decode(strings.NewReader(tt.doc), tt.info, Limits{})
			if err != nil {
				t.Fatalf("Decode: got error %v (cause %v), want nil", err, errors.Unwrap(err))
			}
			tt.check(t, env)
		})
	}
}

func wantAction(op string) func(*testing.T, *Envelope) {
	return func(t *testing.T, env *Envelope) {
		t.Helper()
		if env.Action != op {
			t.Errorf("Action: got %q, want %q", env.Action, op)
		}
	}
}

func wantFuel(tok string) func(*testing.T, *Envelope) {
	return func(t *testing.T, env *Envelope) {
		t.Helper()
		if !env.Header.HasFuelOAuth || env.Header.FuelOAuth != tok {
			t.Errorf("fueloauth: got (%v, %q), want %q", env.Header.HasFuelOAuth, env.Header.FuelOAuth, tok)
		}
	}
}

func wantUser(user, pass string) func(*testing.T, *Envelope) {
	return func(t *testing.T, env *Envelope) {
		t.Helper()
		if env.Header.Security == nil || env.Header.Security.UsernameToken == nil {
			t.Fatalf("Security: got %+v, want a UsernameToken", env.Header.Security)
		}
		tok := env.Header.Security.UsernameToken
		if tok.Username != user || tok.Password != pass || tok.PasswordType != PasswordText || !tok.HasPassword {
			t.Errorf("UsernameToken: got %+v, want text %q/%q", tok, user, pass)
		}
	}
}

func TestDecodeRejectsColonNames(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"element with leading colon", `<:a/>`},
		{"element with trailing colon", `<a:/>`},
		{"attribute with leading colon", `<a :b="1"/>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(env11("", tt.body)), HTTPInfo{}, Limits{})
			var de *DecodeError
			if !errors.As(err, &de) || de.Reason != reasonMalformed {
				t.Errorf("Decode: got %v, want DecodeError %q", err, reasonMalformed)
			}
		})
	}
}

func TestDecodeNilReader(t *testing.T) {
	env, err := Decode(nil, HTTPInfo{}, Limits{})
	var de *DecodeError
	if env != nil || !errors.As(err, &de) || de.Reason != reasonEmpty {
		t.Errorf("Decode(nil): got (%v, %v), want DecodeError %q", env, err, reasonEmpty)
	}
}
