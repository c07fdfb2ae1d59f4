package fuel_test

// End-to-end tests of authentication against a real fuelgate (harness in
// e2e_test.go): tokens, refresh, per-MID caches, retries, cancellation,
// UsernameToken, legacy packages and static tokens.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/fuel"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/soap"
)

func TestE2EToken(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	src := e.pkg.TokenSource()
	tok, err := src.Token(context.Background())
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	if again, _ := src.Token(context.Background()); again != tok {
		t.Error("second Token call fetched again, want the cached token")
	}
	if tok.AccessToken == "" || tok.TokenType != "Bearer" || tok.AccountID != 0 {
		t.Errorf("token %v (type %q): want a Bearer token for the package's BU", tok, tok.TokenType)
	}
	if want := e.env.URL + "/"; tok.SOAPInstanceURL != want || tok.RESTInstanceURL != want {
		t.Errorf("instance URLs %q, %q; want %q", tok.SOAPInstanceURL, tok.RESTInstanceURL, want)
	}
	if tok.Lifetime != 1079*time.Second {
		t.Errorf("Lifetime %v, want 1079s (expires_in of the default 20-minute lifetime)", tok.Lifetime)
	}
	scopes := tok.Scopes()
	for _, s := range []string{"accounts_read", "accounts_write", "users_read", "users_write"} {
		if !slices.Contains(scopes, s) {
			t.Errorf("scope %q lacks %s", tok.Scope, s)
		}
	}
	if strings.Contains(tok.String(), tok.AccessToken) || strings.Contains(fmt.Sprintf("%#v", tok), tok.AccessToken) {
		t.Error("Token.String reveals the access token")
	}
	if n := len(tokenRequests(e.wire.since(0))); n != 1 {
		t.Errorf("%d /v2/token requests, want 1", n)
	}
}

// TestE2EPerMIDTokens uses one client for the enterprise and the child.
func TestE2EPerMIDTokens(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	root := e.client(t, nil)
	ent, childMID := e.env.Enterprise.MID, e.env.Child.MID
	child := forAccount(t, root, childMID)
	if forAccount(t, root, childMID).TokenSource() != child.TokenSource() {
		t.Error("ForAccount twice for one MID gave two token caches")
	}
	for range 3 {
		if got := buIDs(retrieveBUs(t, child)); !slices.Equal(got, []int64{childMID}) {
			t.Errorf("child client retrieves BUs %v, want only the child %d", got, childMID)
		}
		if got := buIDs(retrieveBUs(t, root)); !slices.Equal(got, []int64{ent}) {
			t.Errorf("root client retrieves BUs %v, want only the enterprise %d", got, ent)
		}
	}
	perMID := map[int64]int{}
	for _, x := range tokenRequests(e.wire.since(0)) {
		perMID[x.accountID]++
	}
	if len(perMID) != 2 || perMID[0] != 1 || perMID[childMID] != 1 {
		t.Errorf("/v2/token requests per account_id: %v, want one without account_id and one for %d", perMID, childMID)
	}
	rt, _ := root.TokenSource().Token(context.Background())
	ct, _ := child.TokenSource().Token(context.Background())
	if rt == nil || ct == nil || rt.AccessToken == ct.AccessToken || ct.AccountID != childMID {
		t.Errorf("root token %v, child token %v: want two tokens, the child's for %d", rt, ct, childMID)
	}

	// The package does not reach the grandchild.
	_, err := forAccount(t, root, e.env.Grandchild.MID).Retrieve(context.Background(),
		fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID"}})
	var ae *fuel.AuthError
	want := "The client is not authorized for account_id " + strconv.FormatInt(e.env.Grandchild.MID, 10) + "."
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusBadRequest || ae.Code != "unauthorized_client" || ae.Description != want {
		t.Errorf("grandchild: err = %v, want a 400 unauthorized_client %q", err, want)
	}
}

// TestE2EUsernameToken retrieves as api_user with PasswordText and
// PasswordDigest, and checks that a wrong password is not retried.
func TestE2EUsernameToken(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	ctx := context.Background()
	for _, digest := range []bool{false, true} {
		c := e.userClient(t, fgtest.Password, digest)
		mark := e.wire.mark()
		for range 2 { // a digest carries a fresh nonce each time: no replay
			u, ok := retrieveUser(t, c, e.env.APIUser.Username)
			if !ok || u.ID != e.env.APIUser.ID || u.IsAPIUser == nil || !*u.IsAPIUser {
				t.Errorf("digest=%v: retrieved %+v, want api_user", digest, u)
			}
		}
		xs := e.wire.since(mark)
		if len(xs) != 2 || len(soapRequests(xs)) != 2 {
			t.Errorf("digest=%v: %d requests, want 2 SOAP requests and no token request", digest, len(xs))
		}
		for _, x := range xs {
			wantType := "#PasswordText"
			if digest {
				wantType = "#PasswordDigest"
			}
			if !strings.Contains(x.reqBody, wantType) || x.token != "" {
				t.Errorf("digest=%v: request without a %s UsernameToken (or with a fueloauth)", digest, wantType)
			}
			if digest && strings.Contains(x.reqBody, fgtest.Password) {
				t.Error("PasswordDigest request carries the password in clear")
			}
		}
		if bus := buIDs(retrieveBUs(t, c)); !slices.Contains(bus, e.env.Enterprise.MID) || !slices.Contains(bus, e.env.Child.MID) {
			t.Errorf("digest=%v: api_user retrieves BUs %v, want the enterprise and the child", digest, bus)
		}
	}

	mark := e.wire.mark()
	_, err := e.userClient(t, "wrong-Passw0rd!", true).Retrieve(ctx, fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID"}})
	var fault *fuel.Fault
	if !errors.As(err, &fault) || !fault.IsSecurity() || fault.String != soap.FaultLoginFailed || fault.StatusCode != http.StatusInternalServerError {
		t.Errorf("wrong password: err = %v, want a Security fault Login Failed", err)
	}
	if n := len(e.wire.since(mark)); n != 1 {
		t.Errorf("wrong password: %d requests, want 1 (API-user mode does not retry)", n)
	}
}

// TestE2EExpiryRefresh moves the server's and the SDK's clocks forward
// together: the SDK replaces its token from the refresh margin on and never
// sends one past its expiry.
func TestE2EExpiryRefresh(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c := e.client(t, nil)
	ctx := context.Background()
	advance := func(d time.Duration) {
		e.env.Clock.Advance(d)
		e.sdkClock.Advance(d)
	}
	req := fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID"}}
	retrieve := func(step string) {
		t.Helper()
		if _, err := c.Retrieve(ctx, req); err != nil {
			t.Fatalf("%s: Retrieve: %v", step, err)
		}
	}
	tokens := func() int { return len(tokenRequests(e.wire.since(0))) }

	retrieve("cold")
	tok1, _ := c.TokenSource().Token(ctx)
	margin := min(fuel.DefaultRefreshMargin, tok1.Lifetime/2)
	refreshAt := tok1.Expiry.Add(-margin)

	advance(refreshAt.Sub(e.sdkClock.Now()) - 2*time.Second)
	retrieve("2 s before the margin")
	if tok, _ := c.TokenSource().Token(ctx); tok != tok1 || tokens() != 1 {
		t.Errorf("2 s before the margin: %d token requests, want the first token still in use", tokens())
	}

	advance(4 * time.Second)
	retrieve("2 s into the margin")
	tok2, _ := c.TokenSource().Token(ctx)
	if tok2 == tok1 || tokens() != 2 {
		t.Errorf("2 s into the margin: %d token requests, want a second token", tokens())
	}

	// Far past every expiry: a new token before the call, the call sent once.
	mark := e.wire.mark()
	advance(3 * time.Hour)
	retrieve("3 h later")
	xs := e.wire.since(mark)
	if tk, sp := len(tokenRequests(xs)), len(soapRequests(xs)); tk != 1 || sp != 1 || !xs[0].isToken() {
		t.Errorf("3 h later: %d token then %d SOAP requests, want 1 token request before 1 SOAP request", tk, sp)
	}

	// Every SOAP request carried the newest token, sent before its refresh
	// point on the SDK's clock; the server never answered Token Expired.
	var cur exchange
	for _, x := range e.wire.since(0) {
		switch {
		case x.isToken():
			cur = x
		case x.isSOAP():
			if x.token != cur.issued {
				t.Errorf("SOAP request at %v carried another token than the newest", x.sent)
			}
			life := cur.expiresIn
			if x.sent.After(cur.sent.Add(life - min(fuel.DefaultRefreshMargin, life/2))) {
				t.Errorf("SOAP request at %v carried a token past its refresh point", x.sent)
			}
			if f := x.fault(); f != "" {
				t.Errorf("the server answered the fault %q", f)
			}
		}
	}
}

// TestE2EServerTokenExpired moves only the server's clock past the
// token's lifetime: the SDK, which still trusts its token, gets Token
// Expired, fetches one new token and retries once.
func TestE2EServerTokenExpired(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c := e.client(t, nil)
	ctx := context.Background()
	req := fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID"}}
	if _, err := c.Retrieve(ctx, req); err != nil {
		t.Fatalf("first Retrieve: %v", err)
	}
	old, _ := c.TokenSource().Token(ctx)

	e.env.Clock.Advance(time.Hour) // the SDK's clock stays
	mark := e.wire.mark()
	page, err := c.Retrieve(ctx, req)
	if err != nil {
		t.Fatalf("Retrieve after the server's clock moved on: %v", err)
	}
	if len(page.Objects) != 1 {
		t.Errorf("%d objects, want the enterprise", len(page.Objects))
	}
	xs := e.wire.since(mark)
	if len(xs) != 3 || !xs[0].isSOAP() || !xs[1].isToken() || !xs[2].isSOAP() {
		t.Fatalf("exchanges %v, want SOAP, /v2/token, SOAP", paths(xs))
	}
	if xs[0].token != old.AccessToken || xs[0].fault() != soap.FaultTokenExpired {
		t.Errorf("first attempt: fault %q, want Token Expired for the old token", xs[0].fault())
	}
	if xs[2].token != xs[1].issued || xs[2].token == old.AccessToken || xs[2].status != http.StatusOK {
		t.Errorf("retry: status %d, want 200 with the new token", xs[2].status)
	}
	if tok, _ := c.TokenSource().Token(ctx); tok == old || tok.AccessToken != xs[1].issued {
		t.Error("the new token is not the cached one")
	}
}

// TestE2EConcurrentColdCache starts 200 goroutines on cold caches (root
// and child): one /v2/token request per MID.
func TestE2EConcurrentColdCache(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	root := e.pkg.TokenSource()
	child := root.ForAccount(e.env.Child.MID)

	const n = 200
	var launched sync.WaitGroup
	launched.Add(n)
	allLaunched := make(chan struct{})
	go func() { launched.Wait(); close(allLaunched) }()
	// Hold the token requests until every goroutine has started, so that
	// they arrive while the fetches are in flight.
	e.wire.setHook(func(ctx context.Context, x *exchange, _ []byte) (io.Reader, int64) {
		if x.isToken() {
			select {
			case <-allLaunched:
			case <-ctx.Done():
			}
		}
		return nil, 0
	})

	start := make(chan struct{})
	toks := make([]*fuel.Token, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		src := root
		if i%2 == 1 {
			src = child
		}
		wg.Go(func() {
			<-start
			launched.Done()
			toks[i], errs[i] = src.Token(context.Background())
		})
	}
	close(start)
	wg.Wait()

	for i := range n {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		if toks[i] != toks[i%2] {
			t.Fatalf("goroutine %d got another token than goroutine %d", i, i%2)
		}
	}
	if toks[0].AccessToken == toks[1].AccessToken {
		t.Error("root and child share a token")
	}
	perMID := map[int64]int{}
	for _, x := range tokenRequests(e.wire.since(0)) {
		perMID[x.accountID]++
	}
	if len(perMID) != 2 || perMID[0] != 1 || perMID[e.env.Child.MID] != 1 {
		t.Errorf("/v2/token requests per account_id: %v, want exactly one per MID", perMID)
	}
}

// TestE2ECancel cancels calls while their request is on the wire to the
// real server.
func TestE2ECancel(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	req := fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID"}}

	// cancelMidCall stalls the first request whose path matches after its
	// first bytes, cancels the call's context there and checks that the call
	// returns context.Canceled.
	cancelMidCall := func(t *testing.T, c *fuel.Client, match func(exchange) bool) []exchange {
		t.Helper()
		stalled := make(chan struct{})
		var once sync.Once
		e.wire.setHook(func(ctx context.Context, x *exchange, body []byte) (io.Reader, int64) {
			var r io.Reader
			if match(*x) {
				once.Do(func() { r = stall(ctx, body, stalled) })
			}
			return r, int64(len(body))
		})
		defer e.wire.setHook(nil)
		mark := e.wire.mark()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() {
			_, err := c.Retrieve(ctx, req)
			done <- err
		}()
		select {
		case <-stalled:
		case err := <-done:
			t.Fatalf("the call ended before its request stalled: %v", err)
		}
		cancel()
		// The stalled request never completes on its own: only the
		// cancellation can end the call.
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled in the chain", err)
		}
		return e.wire.since(mark)
	}

	t.Run("SOAP request", func(t *testing.T) {
		c := e.client(t, nil)
		if _, err := c.Retrieve(context.Background(), req); err != nil { // warm the token cache
			t.Fatal(err)
		}
		xs := cancelMidCall(t, c, exchange.isSOAP)
		if len(xs) != 1 || !xs[0].isSOAP() || xs[0].err == nil {
			t.Errorf("exchanges %v, want one failed SOAP request (no retry after a cancellation)", paths(xs))
		}
		if _, err := c.Retrieve(context.Background(), req); err != nil {
			t.Errorf("Retrieve after the cancelled one: %v", err)
		}
	})

	t.Run("token request", func(t *testing.T) {
		c := e.client(t, nil)
		xs := cancelMidCall(t, c, exchange.isToken)
		if len(xs) != 1 || !xs[0].isToken() {
			t.Errorf("exchanges %v, want only the cancelled token request", paths(xs))
		}
		mark := e.wire.mark()
		if _, err := c.Retrieve(context.Background(), req); err != nil {
			t.Fatalf("Retrieve after the cancelled one: %v", err)
		}
		if n := len(tokenRequests(e.wire.since(mark))); n != 1 {
			t.Errorf("%d token requests after the cancelled fetch, want 1 (a fresh fetch)", n)
		}
	})

	t.Run("between pages", func(t *testing.T) {
		e.env.CreateUser(manage.NewUser{Username: "second_user"}) // two users, one a page
		c := e.client(t, nil)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		mark := e.wire.mark()
		var n int
		var last error
		for _, err := range c.RetrieveAll(ctx, fuel.RetrieveRequest{ObjectType: "AccountUser", Properties: []string{"ID"}, BatchSize: 1}) {
			if err != nil {
				last = err
				break
			}
			n++
			cancel() // mid-iteration: the next page must not be fetched
		}
		if n != 1 || !errors.Is(last, context.Canceled) {
			t.Errorf("yielded %d objects then %v, want 1 then context.Canceled", n, last)
		}
		if sp := len(soapRequests(e.wire.since(mark))); sp != 1 {
			t.Errorf("%d SOAP requests, want 1", sp)
		}
	})
}

// TestE2ELegacyPackage uses a legacy package: tokens from /v1/requestToken,
// the SOAP endpoint discovered once, each refresh spending the refresh
// token of the previous answer.
func TestE2ELegacyPackage(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	ctx := context.Background()
	pkg, secret, err := e.env.Manage.CreatePackage(ctx, manage.Operator(), manage.NewPackage{MID: e.env.Enterprise.MID,
		Name: "Legacy", Scopes: []string{"accounts_read"}, Legacy: true})
	if err != nil {
		t.Fatal(err)
	}
	src := fuel.LegacyPackage{AuthBaseURL: e.env.URL, ClientID: pkg.ClientID, ClientSecret: secret, LegacyToken: true,
		HTTPClient: e.opts.HTTPClient, Now: e.sdkClock.Now}.TokenSource()
	c := e.sourceClient(t, src)
	if got := buIDs(retrieveBUs(t, c)); !slices.Equal(got, []int64{e.env.Enterprise.MID}) {
		t.Errorf("the legacy token retrieves BUs %v, want the enterprise %d", got, e.env.Enterprise.MID)
	}
	first := mustToken(t, src)
	if first.SOAPInstanceURL != e.env.URL+"/" || first.LegacyToken == "" || first.RefreshToken == "" || first.AccountID != 0 {
		t.Errorf("legacy token %v: SOAPInstanceURL %q, legacy token %v, refresh token %v; want the server's URL and both tokens",
			first, first.SOAPInstanceURL, first.LegacyToken != "", first.RefreshToken != "")
	}

	e.sdkClock.Advance(first.Lifetime) // the SDK refreshes; the server's clock stays
	if got := buIDs(retrieveBUs(t, c)); !slices.Equal(got, []int64{e.env.Enterprise.MID}) {
		t.Errorf("after the refresh the legacy token retrieves BUs %v", got)
	}
	second := mustToken(t, src)
	if second == first || second.RefreshToken == first.RefreshToken {
		t.Error("no new token (and refresh token) after the lifetime")
	}

	var bodies []string
	var discoveries int
	for _, x := range e.wire.since(0) {
		switch {
		case x.isToken():
			if x.path != "/v1/requestToken" || x.status != http.StatusOK {
				t.Errorf("token request %s answered %d, want /v1/requestToken 200", x.path, x.status)
			}
			bodies = append(bodies, x.reqBody)
		case x.path == "/platform/v1/endpoints/soap":
			discoveries++
		case x.isSOAP():
			if x.token != first.AccessToken && x.token != second.AccessToken {
				t.Error("a SOAP request carried neither legacy access token")
			}
		}
	}
	if len(bodies) != 2 || strings.Contains(bodies[0], "refreshToken") ||
		!strings.Contains(bodies[1], `"refreshToken":"`+first.RefreshToken+`"`) {
		t.Errorf("%d token requests, want 2: the first without a refresh token, the second spending the first's", len(bodies))
	}
	if discoveries != 1 {
		t.Errorf("%d SOAP endpoint discoveries, want 1", discoveries)
	}
	if _, err := c.ForAccount(e.env.Child.MID); !errors.Is(err, fuel.ErrConfig) {
		t.Errorf("ForAccount on a legacy client: err = %v, want ErrConfig", err)
	}
}

// TestE2EStaticToken sends a token issued elsewhere: it works until the
// server's clock passes its expiry, and then Token Expired is returned
// without a retry (the source has no other token) and no token request.
func TestE2EStaticToken(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c := e.sourceClient(t, fuel.StaticTokenSource(&fuel.Token{AccessToken: e.env.Token(0), SOAPInstanceURL: e.env.URL + "/"}))
	if got := buIDs(retrieveBUs(t, c)); !slices.Equal(got, []int64{e.env.Enterprise.MID}) {
		t.Errorf("the static token retrieves BUs %v, want the enterprise %d", got, e.env.Enterprise.MID)
	}
	e.env.Clock.Advance(time.Hour)
	mark := e.wire.mark()
	_, err := c.Retrieve(context.Background(), fuel.RetrieveRequest{ObjectType: "BusinessUnit", Properties: []string{"ID"}})
	var fault *fuel.Fault
	if !errors.As(err, &fault) || !fault.TokenExpired() {
		t.Errorf("err = %v, want a Token Expired fault", err)
	}
	if xs := e.wire.since(mark); len(xs) != 1 || !xs[0].isSOAP() {
		t.Errorf("exchanges %v, want one SOAP request", paths(xs))
	}
}
