package fuel_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/fuelgate/fuelgate/fuel"
	"github.com/fuelgate/fuelgate/soap"
)

// exampleServer fakes SFMC: /v2/token issues "example-token"; Retrieve of
// BusinessUnit answers two pages; other object types get
// "Error: API Permission Failed".
func exampleServer() *httptest.Server {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v2/token":
			writeJSON(w, http.StatusOK, map[string]any{"access_token": "example-token", "token_type": "Bearer",
				"expires_in": 1079, "soap_instance_url": srv.URL + "/", "rest_instance_url": srv.URL + "/"})
		case "/Service.asmx":
			env, err := soap.Decode(r.Body, soap.HTTPInfo{SOAPAction: r.Header.Get("SOAPAction")}, soap.Limits{})
			if err != nil {
				http.Error(w, "Bad Request", http.StatusBadRequest)
				return
			}
			rr := env.Body.Child("RetrieveRequest")
			if rr.ChildText("ObjectType") != "BusinessUnit" {
				respond(w, soap.NewElement("RetrieveResponseMsg", soap.TextElement("OverallStatus", "Error: API Permission Failed")))
				return
			}
			status, ids := "MoreDataAvailable", []string{"100000001", "100000002"}
			if rr.ChildText("ContinueRequest") != "" {
				status, ids = "OK", []string{"100000003"}
			}
			msg := soap.NewElement("RetrieveResponseMsg", soap.TextElement("OverallStatus", status), soap.TextElement("RequestID", "r1"))
			for i, id := range ids {
				msg.Add(soap.NewElement("Results", soap.NewElement("Client", soap.TextElement("ID", "100000001")),
					soap.TextElement("ID", id), soap.TextElement("Name", fmt.Sprintf("BU %s", id[len(id)-1:])),
					soap.TextElement("ParentID", fmt.Sprint(min(i, 1)*100000001))).WithType("BusinessUnit"))
			}
			respond(w, msg)
		default:
			http.NotFound(w, r)
		}
	}))
	return srv
}

func Example() {
	srv := exampleServer()
	defer srv.Close()

	src := fuel.ClientCredentials{
		AuthBaseURL:  srv.URL + "/", // https://SUBDOMAIN.auth.marketingcloudapis.com/
		ClientID:     "CLIENT_ID",
		ClientSecret: "CLIENT_SECRET",
	}.TokenSource()
	c, err := fuel.NewClient(src, fuel.ClientOptions{})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	for obj, err := range c.RetrieveAll(ctx, fuel.RetrieveRequest{
		ObjectType:       "BusinessUnit",
		Properties:       fuel.BusinessUnitProperties(),
		QueryAllAccounts: true,
	}) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		bu, err := fuel.BusinessUnitFromObject(obj)
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Println(bu.ID, bu.Name)
	}
	// Output:
	// 100000001 BU 1
	// 100000002 BU 2
	// 100000003 BU 3
}

func ExampleClientCredentials_TokenSource() {
	srv := exampleServer()
	defer srv.Close()

	src := fuel.ClientCredentials{AuthBaseURL: srv.URL, ClientID: "CLIENT_ID", ClientSecret: "CLIENT_SECRET"}.TokenSource()
	ctx := context.Background()
	tok, err := src.Token(ctx)
	if err != nil {
		panic(err)
	}
	again, _ := src.Token(ctx) // cached until 5 minutes before expiry
	fmt.Println(tok.AccessToken, tok.Lifetime, again == tok)

	child := src.ForAccount(100000002) // another BU: its own cache, same credentials
	fmt.Println(child.AccountID(), child == src.ForAccount(100000002))
	// Output:
	// example-token 17m59s true
	// 100000002 true
}

func ExampleClient_ForAccount() {
	srv := exampleServer()
	defer srv.Close()

	c, _ := fuel.NewClient(fuel.ClientCredentials{AuthBaseURL: srv.URL, ClientID: "CLIENT_ID", ClientSecret: "CLIENT_SECRET"}.TokenSource(), fuel.ClientOptions{})
	child, err := c.ForAccount(100000002) // one token per MID, one HTTP client
	if err != nil {
		panic(err)
	}
	page, err := child.Retrieve(context.Background(), fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID"}})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(page.Objects), page.OverallStatus)
	// Output:
	// 2 MoreDataAvailable
}

// tokenFunc adapts a function to fuel.TokenSource.
type tokenFunc func(ctx context.Context) (*fuel.Token, error)

func (f tokenFunc) Token(ctx context.Context) (*fuel.Token, error) { return f(ctx) }

func ExampleReuseTokenSource() {
	// Tokens fetched by another process, e.g. read from a secret store.
	var reads int
	shared := tokenFunc(func(ctx context.Context) (*fuel.Token, error) {
		reads++
		return &fuel.Token{AccessToken: "from-the-store", Expiry: time.Now().Add(20 * time.Minute)}, nil
	})
	src := fuel.ReuseTokenSource(nil, shared)
	for range 3 {
		tok, err := src.Token(context.Background())
		if err != nil {
			panic(err)
		}
		fmt.Println(tok.AccessToken)
	}
	fmt.Println("reads:", reads)
	// Output:
	// from-the-store
	// from-the-store
	// from-the-store
	// reads: 1
}

func ExampleStaticTokenSource() {
	srv := exampleServer()
	defer srv.Close()

	// A token obtained elsewhere; it is never refreshed.
	tok := &fuel.Token{AccessToken: "example-token", SOAPInstanceURL: srv.URL + "/"}
	c, _ := fuel.NewClient(fuel.StaticTokenSource(tok), fuel.ClientOptions{})
	page, err := c.Retrieve(context.Background(), fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID"}})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(page.Objects), page.OverallStatus)
	// Output:
	// 2 MoreDataAvailable
}

func ExampleNewUserClient() {
	srv := exampleServer()
	defer srv.Close()

	c, err := fuel.NewUserClient(
		fuel.UsernameToken{Username: "api_user", Password: "PASSWORD", Digest: true},
		fuel.ClientOptions{SOAPEndpoint: srv.URL + "/Service.asmx"}, // https://SUBDOMAIN.soap.marketingcloudapis.com/Service.asmx
	)
	if err != nil {
		panic(err)
	}
	page, err := c.Retrieve(context.Background(), fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID"}})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(page.Objects), page.OverallStatus)
	// Output:
	// 2 MoreDataAvailable
}

func ExampleStatusError() {
	srv := exampleServer()
	defer srv.Close()

	c, _ := fuel.NewClient(fuel.ClientCredentials{AuthBaseURL: srv.URL, ClientID: "CLIENT_ID", ClientSecret: "CLIENT_SECRET"}.TokenSource(), fuel.ClientOptions{})
	_, err := c.Retrieve(context.Background(), fuel.RetrieveRequest{ObjectType: "DataExtension"})
	var se *fuel.StatusError
	if errors.As(err, &se) {
		fmt.Println(se.Op, "failed:", se.Message)
	}
	// Output:
	// Retrieve failed: API Permission Failed
}

func ExampleObject() {
	o := fuel.NewObject("AccountUser", "Client.ID", "100000001", "UserID", "jdoe")
	o.Set("Roles.Role.ObjectID", "f1cfb80f-3550-e611-96fe-38eaa7142c61")
	o.Set("Roles.Role[1].CustomerKey", "SYS_DEF_VIEWER")
	o.SetBool("ActiveFlag", true)
	for name, value := range o.All() {
		fmt.Println(name, "=", value)
	}
	// Output:
	// Client.ID = 100000001
	// UserID = jdoe
	// Roles.Role.ObjectID = f1cfb80f-3550-e611-96fe-38eaa7142c61
	// Roles.Role[1].CustomerKey = SYS_DEF_VIEWER
	// ActiveFlag = true
}

func ExampleWhere() {
	// ActiveFlag = true AND (Email isNull OR Name like '% app user')
	f := fuel.And(
		fuel.Where("ActiveFlag", fuel.Equals, "true"),
		fuel.Or(fuel.Where("Email", fuel.IsNull), fuel.Where("Name", fuel.Like, "% app user")),
	)
	fmt.Printf("%T %s\n", f, f.Op)
	// Output:
	// fuel.ComplexFilter AND
}
