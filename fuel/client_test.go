package fuel_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/fuelgate/fuelgate/fuel"
	"github.com/fuelgate/fuelgate/soap"
)

func newClient(t *testing.T, f *fakeSFMC) *fuel.Client {
	t.Helper()
	src := fuel.ClientCredentials{AuthBaseURL: f.URL(), ClientID: "cid", ClientSecret: "client-secret-1"}.TokenSource()
	c, err := fuel.NewClient(src, fuel.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCallSendsFuelOAuth(t *testing.T) {
	f := newFake(t)
	c := newClient(t, f)
	if _, err := c.Retrieve(context.Background(), fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID"}}); err != nil {
		t.Fatal(err)
	}
	env := f.soapRequests()[0]
	if got, want := env.Header.FuelOAuth, "tok1-mid0"; got != want {
		t.Errorf("fueloauth = %q, want %q", got, want)
	}
	h := f.soapHdrs[0]
	for k, want := range map[string]string{"SOAPAction": "Retrieve", "Content-Type": "text/xml; charset=utf-8"} {
		if got := h.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if got, want := env.Action, "Retrieve"; got != want {
		t.Errorf("Action = %q, want %q", got, want)
	}
}

func TestSecurityFaultRetriesOnce(t *testing.T) {
	tests := []struct {
		name        string
		faultFor    func(token string) bool // which tokens the server rejects
		text        string
		wantErr     bool
		wantTokens  int
		wantSOAP    int
		wantRetried string
	}{
		{"expired once, then OK", func(tok string) bool { return tok == "tok1-mid0" }, soap.FaultTokenExpired, false, 2, 2, "tok2-mid0"},
		{"login failed once, then OK", func(tok string) bool { return tok == "tok1-mid0" }, soap.FaultLoginFailed, false, 2, 2, "tok2-mid0"},
		{"always expired: second failure returned", func(string) bool { return true }, soap.FaultTokenExpired, true, 2, 2, "tok2-mid0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.SOAP = func(w http.ResponseWriter, r *http.Request, env *soap.Envelope) {
				if tt.faultFor(env.Header.FuelOAuth) {
					fault(w, soap.SecurityFault(tt.text, "https://x/Service.asmx"))
					return
				}
				respond(w, soap.NewElement("RetrieveResponseMsg", soap.TextElement("OverallStatus", "OK")))
			}
			c := newClient(t, f)
			_, err := c.Retrieve(context.Background(), fuel.RetrieveRequest{ObjectType: "Role"})
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if tt.wantErr {
				var fe *fuel.Fault
				if !errors.As(err, &fe) || !fe.TokenExpired() || fe.Code != "q0:Security" {
					t.Errorf("err = %#v, want a Token Expired *fuel.Fault", err)
				}
				var wire *soap.Fault
				if !errors.As(err, &wire) {
					t.Errorf("errors.As(*soap.Fault) failed on %v", err)
				}
			}
			if got := f.tokenRequests(); got != tt.wantTokens {
				t.Errorf("token requests = %d, want %d", got, tt.wantTokens)
			}
			calls := f.soapRequests()
			if len(calls) != tt.wantSOAP {
				t.Fatalf("SOAP requests = %d, want %d", len(calls), tt.wantSOAP)
			}
			if got := calls[len(calls)-1].Header.FuelOAuth; got != tt.wantRetried {
				t.Errorf("retry used token %q, want the new %q (never the stale one)", got, tt.wantRetried)
			}
		})
	}
}

// TestSOAPContextCancel cancels a call while its request is on the wire:
// the call returns context.Canceled, the request is aborted (the handler,
// which never answers, sees its request context end) and not retried.
func TestSOAPContextCancel(t *testing.T) {
	f := newFake(t)
	entered, aborted := make(chan struct{}), make(chan struct{})
	f.SOAP = func(w http.ResponseWriter, r *http.Request, _ *soap.Envelope) {
		close(entered)
		<-r.Context().Done()
		close(aborted)
	}
	c := newClient(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-entered; cancel() }()
	_, err := c.Retrieve(ctx, fuel.RetrieveRequest{ObjectType: "Role"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	<-aborted
	if n := len(f.soapRequests()); n != 1 {
		t.Errorf("SOAP requests = %d, want 1", n)
	}
}

func TestRetrieveStatusError(t *testing.T) {
	f := newFake(t)
	f.SOAP = func(w http.ResponseWriter, _ *http.Request, _ *soap.Envelope) {
		respond(w, soap.NewElement("RetrieveResponseMsg",
			soap.TextElement("OverallStatus", "Error: API Permission Failed"), soap.TextElement("RequestID", "r-9")))
	}
	_, err := newClient(t, f).Retrieve(context.Background(), fuel.RetrieveRequest{ObjectType: "DataExtension"})
	var se *fuel.StatusError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v (%T), want *fuel.StatusError", err, err)
	}
	if se.Message != "API Permission Failed" || se.RequestID != "r-9" || se.Op != "Retrieve" {
		t.Errorf("StatusError = %+v, want Message %q, RequestID r-9, Op Retrieve", se, "API Permission Failed")
	}
}

func TestRetrieveRequestShape(t *testing.T) {
	f := newFake(t)
	req := fuel.RetrieveRequest{
		ObjectType: "AccountUser", Properties: []string{"ID", "Name"},
		Filter:           fuel.And(fuel.Where("ActiveFlag", fuel.Equals, "true"), fuel.Where("ID", fuel.In, "1", "2")),
		QueryAllAccounts: true, ClientIDs: []int64{11, 12}, BatchSize: 100,
	}
	if _, err := newClient(t, f).Retrieve(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	rr := f.soapRequests()[0].Body.Child("RetrieveRequest")
	if got := f.soapRequests()[0].Body.Name; got.Space != soap.NSPartner || got.Local != "RetrieveRequestMsg" {
		t.Errorf("body element = %v, want partnerAPI RetrieveRequestMsg", got)
	}
	var names []string
	for _, c := range rr.Children {
		names = append(names, c.Name.Local)
	}
	if got, want := strings.Join(names, ","), "ClientIDs,ClientIDs,ObjectType,Properties,Properties,Filter,QueryAllAccounts,Options"; got != want {
		t.Errorf("RetrieveRequest children = %s, want %s", got, want)
	}
	flt := rr.Child("Filter")
	checks := []struct{ name, got, want string }{
		{"Filter type", flt.Type(), "ComplexFilterPart"},
		{"Left type", flt.Child("LeftOperand").Type(), "SimpleFilterPart"},
		{"operator", flt.ChildText("LogicalOperator"), "AND"},
		{"IN values", fmt.Sprint(len(flt.Child("RightOperand").ChildrenNamed("Value"))), "2"},
		{"ClientIDs ID", rr.Child("ClientIDs").ChildText("ID"), "11"},
		{"BatchSize", rr.Path("Options", "BatchSize").TrimmedText(), "100"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}

func TestRetrieveAllPages(t *testing.T) {
	f := newFake(t)
	pages := [][]string{{"1", "2"}, {"3", "4"}, {"5"}}
	f.SOAP = func(w http.ResponseWriter, _ *http.Request, env *soap.Envelope) {
		page := 0
		if cont := env.Body.Path("RetrieveRequest", "ContinueRequest").TrimmedText(); cont != "" {
			fmt.Sscanf(cont, "req-%d", &page)
		}
		status := "MoreDataAvailable"
		if page == len(pages)-1 {
			status = "OK"
		}
		msg := soap.NewElement("RetrieveResponseMsg", soap.TextElement("OverallStatus", status),
			soap.TextElement("RequestID", fmt.Sprintf("req-%d", page+1)))
		for _, id := range pages[page] {
			msg.Add(soap.NewElement("Results", soap.NewElement("Client", soap.TextElement("ID", "7")),
				soap.NilElement("PartnerKey"), soap.TextElement("ID", id)).WithType("BusinessUnit"))
		}
		respond(w, msg)
	}
	c := newClient(t, f)
	var got []string
	for o, err := range c.RetrieveAll(context.Background(), fuel.RetrieveRequest{ObjectType: "BusinessUnit"}) {
		if err != nil {
			t.Fatal(err)
		}
		if o.Type != "BusinessUnit" || o.Value("Client.ID") != "7" {
			t.Errorf("object = %v, want a BusinessUnit with Client.ID 7", o)
		}
		if _, ok := o.Get("PartnerKey"); ok {
			t.Errorf("nil PartnerKey kept in %v", o)
		}
		got = append(got, o.Value("ID"))
	}
	if g, w := strings.Join(got, ","), "1,2,3,4,5"; g != w {
		t.Errorf("IDs = %s, want %s", g, w)
	}
	calls := f.soapRequests()
	if len(calls) != 3 {
		t.Fatalf("SOAP requests = %d, want 3", len(calls))
	}
	for i, want := range []string{"", "req-1", "req-2"} {
		if got := calls[i].Body.Path("RetrieveRequest", "ContinueRequest").TrimmedText(); got != want {
			t.Errorf("request %d ContinueRequest = %q, want %q", i, got, want)
		}
	}

	// Stopping early sends no further request.
	for range c.RetrieveAll(context.Background(), fuel.RetrieveRequest{ObjectType: "BusinessUnit"}) {
		break
	}
	if got := len(f.soapRequests()); got != 4 {
		t.Errorf("SOAP requests after an early break = %d, want 4", got)
	}
}

func TestCreateResults(t *testing.T) {
	tests := []struct {
		name       string
		overall    string
		wantErr    bool
		wantFailed int
	}{
		{"all OK", "OK", false, 0},
		{"partial", "Has Errors", true, 1},
		{"all failed", "Error", true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.SOAP = func(w http.ResponseWriter, _ *http.Request, env *soap.Envelope) {
				resp := soap.NewElement("CreateResponse")
				for i, o := range env.Body.ChildrenNamed("Objects") {
					code, msg := "OK", "Created Subscriber."
					var ec *soap.Element
					if tt.wantErr && i == 1 {
						code, msg, ec = "Error", "The subscriber is already on the list", soap.TextElement("ErrorCode", "12014")
					}
					resp.Add(soap.NewElement("Results", soap.TextElement("StatusCode", code), soap.TextElement("StatusMessage", msg),
						soap.TextElement("OrdinalID", fmt.Sprint(i)), ec, soap.TextElement("NewID", fmt.Sprint(100+i)),
						soap.NewElement("Object", soap.TextElement("EmailAddress", o.ChildText("EmailAddress"))).WithType(o.Type())))
				}
				resp.Add(soap.TextElement("RequestID", "r-1"), soap.TextElement("OverallStatus", tt.overall))
				respond(w, resp)
			}
			objs := []fuel.Object{
				fuel.NewObject("Subscriber", "EmailAddress", "a@x.com", "SubscriberKey", "a"),
				fuel.NewObject("Subscriber", "EmailAddress", "b@x.com", "SubscriberKey", "b"),
			}
			resp, err := newClient(t, f).Create(context.Background(), objs...)
			sent := f.soapRequests()[0].Body
			if sent.Name.Local != "CreateRequest" || sent.Child("Options") == nil || sent.ChildrenNamed("Objects")[1].Type() != "Subscriber" {
				t.Errorf("request body %s lacks Options or typed Objects", sent.Name.Local)
			}
			if !tt.wantErr {
				if err != nil {
					t.Fatal(err)
				}
				if got := resp.Results[1]; got.NewID != 101 || !got.OK() || got.Object.Value("EmailAddress") != "b@x.com" {
					t.Errorf("result = %+v, want NewID 101 echoing b@x.com", got)
				}
				return
			}
			var se *fuel.StatusError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want *fuel.StatusError", err)
			}
			if se.OverallStatus != tt.overall || len(se.Results) != 2 || len(se.Failed()) != tt.wantFailed {
				t.Errorf("StatusError = %+v, want %q with 2 results, %d failed", se, tt.overall, tt.wantFailed)
			}
			if r := se.Failed()[0]; r.ErrorCode != 12014 || r.OrdinalID != 1 {
				t.Errorf("failed result = %+v, want ErrorCode 12014 OrdinalID 1", r)
			}
		})
	}
}

func TestConfigureAndDescribe(t *testing.T) {
	f := newFake(t)
	f.SOAP = func(w http.ResponseWriter, _ *http.Request, env *soap.Envelope) {
		switch env.Action {
		case "Configure":
			respond(w, soap.NewElement("ConfigureResponseMsg",
				soap.NewElement("Results", soap.NewElement("Result", soap.TextElement("StatusCode", "OK"),
					soap.TextElement("StatusMessage", "User Business Unit assignments successfully updated"), soap.TextElement("OrdinalID", "0"))),
				soap.TextElement("OverallStatus", "OK"), soap.NewElement("OverallStatusMessage"), soap.TextElement("RequestID", "r")))
		case "Describe":
			respond(w, soap.NewElement("DefinitionResponseMsg", soap.NewElement("ObjectDefinition",
				soap.TextElement("ObjectType", "Role"),
				soap.NewElement("Properties", soap.TextElement("Name", "Name"), soap.TextElement("DataType", "String"),
					soap.TextElement("IsUpdatable", "true"), soap.TextElement("IsRetrievable", "true"), soap.TextElement("IsRequired", "false")))))
		}
	}
	c := newClient(t, f)
	ctx := context.Background()
	conf := fuel.NewObject("AccountUser", "Client.ID", "1", "ID", "7",
		"BusinessUnitAssignmentConfiguration.BusinessUnitIds.BusinessUnitId", "1",
		"BusinessUnitAssignmentConfiguration.BusinessUnitIds.BusinessUnitId[1]", "2",
		"BusinessUnitAssignmentConfiguration.IsDelete", "false")
	resp, err := c.Configure(ctx, "assign", conf)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Results) != 1 || !resp.Results[0].OK() {
		t.Errorf("Configure results = %+v, want one OK", resp.Results)
	}
	sent := f.soapRequests()[0].Body
	ids := sent.Path("Configurations", "Configuration", "BusinessUnitAssignmentConfiguration", "BusinessUnitIds").ChildrenNamed("BusinessUnitId")
	if sent.ChildText("Action") != "assign" || len(ids) != 2 || ids[1].TrimmedText() != "2" {
		t.Errorf("Configure request: Action %q, %d BusinessUnitIds, want assign and 2", sent.ChildText("Action"), len(ids))
	}
	def, err := c.Describe(ctx, "Role")
	if err != nil {
		t.Fatal(err)
	}
	if def.ObjectType != "Role" || len(def.Properties) != 1 || !def.Properties[0].IsUpdatable || def.Properties[0].IsRequired {
		t.Errorf("Describe = %+v", def)
	}
}

func TestHTTPErrorNeverShowsToken(t *testing.T) {
	f := newFake(t)
	f.SOAP = func(w http.ResponseWriter, _ *http.Request, env *soap.Envelope) {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "upstream said no to token %s", env.Header.FuelOAuth)
	}
	_, err := newClient(t, f).Retrieve(context.Background(), fuel.RetrieveRequest{ObjectType: "Role"})
	var he *fuel.HTTPError
	if !errors.As(err, &he) || he.StatusCode != 503 {
		t.Fatalf("err = %v, want *fuel.HTTPError 503", err)
	}
	if s := err.Error(); strings.Contains(s, "tok1-mid0") || !strings.Contains(s, "upstream said no to token [redacted]") {
		t.Errorf("error %q: want the excerpt without the token", s)
	}
}

func TestUsernameToken(t *testing.T) {
	tests := []struct {
		name   string
		digest bool
	}{{"PasswordText", false}, {"PasswordDigest", true}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			const pw = "verySecret&<pw"
			var nonces []string
			f.SOAP = func(w http.ResponseWriter, _ *http.Request, env *soap.Envelope) {
				sec := env.Header.Security
				if sec == nil || sec.UsernameToken == nil {
					fault(w, soap.SecurityFault(soap.FaultLoginFailed, ""))
					return
				}
				ut := sec.UsernameToken
				ok := ut.Username == "api_user" && ut.PasswordType == soap.PasswordText && ut.Password == pw
				if tt.digest {
					ok = ut.Username == "api_user" && soap.VerifyDigest(ut, pw) && len(ut.Nonce) == soap.NonceSize
					nonces = append(nonces, string(ut.Nonce))
				}
				if !ok || env.Header.HasFuelOAuth {
					fault(w, soap.SecurityFault(soap.FaultLoginFailed, ""))
					return
				}
				respond(w, soap.NewElement("RetrieveResponseMsg", soap.TextElement("OverallStatus", "OK")))
			}
			c, err := fuel.NewUserClient(fuel.UsernameToken{Username: "api_user", Password: pw, Digest: tt.digest},
				fuel.ClientOptions{SOAPEndpoint: f.srv.URL + "/Service.asmx"})
			if err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if _, err := c.Retrieve(context.Background(), fuel.RetrieveRequest{ObjectType: "Role"}); err != nil {
					t.Fatalf("Retrieve: %v", err)
				}
			}
			if got := f.tokenRequests(); got != 0 {
				t.Errorf("token requests = %d, want 0 in API-user mode", got)
			}
			if tt.digest && nonces[0] == nonces[1] {
				t.Error("two calls sent the same nonce")
			}
		})
	}
}

func TestUsernameTokenFaultNotRetried(t *testing.T) {
	f := newFake(t)
	f.SOAP = func(w http.ResponseWriter, _ *http.Request, _ *soap.Envelope) {
		fault(w, soap.SecurityFault("Login failed", ""))
	}
	c, err := fuel.NewUserClient(fuel.UsernameToken{Username: "u", Password: "wrong"}, fuel.ClientOptions{SOAPEndpoint: f.srv.URL + "/Service.asmx"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Retrieve(context.Background(), fuel.RetrieveRequest{ObjectType: "Role"})
	var fe *fuel.Fault
	if !errors.As(err, &fe) || !fe.IsSecurity() {
		t.Fatalf("err = %v, want a Security fault", err)
	}
	if got := len(f.soapRequests()); got != 1 {
		t.Errorf("SOAP requests = %d, want 1 (same credentials would fail again)", got)
	}
}

func TestClientForAccount(t *testing.T) {
	f := newFake(t)
	c := newClient(t, f)
	ctx := context.Background()
	for _, mid := range []int64{0, 5, 6, 5} {
		bu, err := c.ForAccount(mid)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bu.Retrieve(ctx, fuel.RetrieveRequest{ObjectType: "Role"}); err != nil {
			t.Fatal(err)
		}
	}
	calls := f.soapRequests()
	want := []string{"tok1-mid0", "tok2-mid5", "tok3-mid6", "tok2-mid5"}
	for i, env := range calls {
		if env.Header.FuelOAuth != want[i] {
			t.Errorf("call %d used %q, want %q", i, env.Header.FuelOAuth, want[i])
		}
	}
	if got := f.tokenRequests(); got != 3 {
		t.Errorf("token requests = %d, want 3", got)
	}
}

// TestStaticTokenClient: a client over a StaticTokenSource sends the given
// token to ClientOptions.SOAPEndpoint or the token's SOAPInstanceURL, does
// not retry a refused call (the source would hand out the same token), and
// cannot switch business units.
func TestStaticTokenClient(t *testing.T) {
	f := newFake(t)
	f.SOAP = func(w http.ResponseWriter, _ *http.Request, env *soap.Envelope) {
		if env.Header.FuelOAuth != "given" {
			fault(w, soap.SecurityFault(soap.FaultTokenExpired, ""))
			return
		}
		respond(w, soap.NewElement("RetrieveResponseMsg", soap.TextElement("OverallStatus", "OK")))
	}
	ctx := context.Background()
	req := fuel.RetrieveRequest{ObjectType: "Role"}
	for _, tc := range []struct {
		name string
		tok  *fuel.Token
		opts fuel.ClientOptions
	}{
		{"instance URL", &fuel.Token{AccessToken: "given", SOAPInstanceURL: f.URL()}, fuel.ClientOptions{}},
		{"endpoint option", &fuel.Token{AccessToken: "given"}, fuel.ClientOptions{SOAPEndpoint: f.srv.URL + "/Service.asmx"}},
	} {
		c, err := fuel.NewClient(fuel.StaticTokenSource(tc.tok), tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Retrieve(ctx, req); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}

	c, _ := fuel.NewClient(fuel.StaticTokenSource(&fuel.Token{AccessToken: "refused", SOAPInstanceURL: f.URL()}), fuel.ClientOptions{})
	before := len(f.soapRequests())
	_, err := c.Retrieve(ctx, req)
	var fe *fuel.Fault
	if !errors.As(err, &fe) || !fe.TokenExpired() {
		t.Errorf("err = %v, want the Token Expired fault", err)
	}
	if n := len(f.soapRequests()) - before; n != 1 {
		t.Errorf("%d SOAP requests, want 1 (no retry with the same token)", n)
	}

	c, _ = fuel.NewClient(fuel.StaticTokenSource(&fuel.Token{AccessToken: "given"}), fuel.ClientOptions{})
	if _, err := c.Retrieve(ctx, req); err == nil || !strings.Contains(err.Error(), "SOAPInstanceURL") {
		t.Errorf("token without SOAPInstanceURL and no endpoint: err = %v, want an error naming SOAPInstanceURL", err)
	}
	if _, err := c.ForAccount(5); !errors.Is(err, fuel.ErrConfig) {
		t.Errorf("ForAccount on a static source: err = %v, want ErrConfig", err)
	}
	uc, _ := fuel.NewUserClient(fuel.UsernameToken{Username: "u", Password: "p"}, fuel.ClientOptions{SOAPEndpoint: f.srv.URL + "/Service.asmx"})
	if _, err := uc.ForAccount(5); !errors.Is(err, fuel.ErrConfig) {
		t.Errorf("ForAccount on a UsernameToken client: err = %v, want ErrConfig", err)
	}
}
