package fuel_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/fuel"
	"github.com/fuelgate/fuelgate/internal/fgtest"
)

func TestTokenRequestBody(t *testing.T) {
	tests := []struct {
		name     string
		base     func(f *fakeSFMC) string
		mid      int64
		scopes   []string
		wantMID  string // "" means absent
		wantScop string // "" means absent
	}{
		{"trailing slash, no MID, no scope", (*fakeSFMC).URL, 0, nil, "", ""},
		{"no trailing slash, MID as number", func(f *fakeSFMC) string { return f.srv.URL }, 100000001, nil, "100000001", ""},
		{"scopes joined with spaces", (*fakeSFMC).URL, 7, []string{"email_read", "users_read"}, "7", "email_read users_read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			src := fuel.ClientCredentials{AuthBaseURL: tt.base(f), ClientID: "cid", ClientSecret: "sec", AccountID: tt.mid, Scopes: tt.scopes}.TokenSource()
			tok := mustToken(t, src)
			if got, want := f.tokenPaths[0], "/v2/token"; got != want {
				t.Errorf("path = %q, want %q", got, want)
			}
			b := f.tokenBodies()[0]
			for k, want := range map[string]string{"grant_type": "client_credentials", "client_id": "cid", "client_secret": "sec"} {
				if got, _ := b[k].(string); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			mid, hasMID := b["account_id"]
			if tt.wantMID == "" && hasMID {
				t.Errorf("account_id = %v, want it omitted", mid)
			}
			if n, isNumber := mid.(interface{ String() string }); tt.wantMID != "" && (!isNumber || n.String() != tt.wantMID) {
				t.Errorf("account_id = %#v, want the number %s", mid, tt.wantMID)
			}
			scope, hasScope := b["scope"]
			if tt.wantScop == "" && hasScope {
				t.Errorf("scope = %v, want it omitted", scope)
			}
			if tt.wantScop != "" && scope != tt.wantScop {
				t.Errorf("scope = %v, want %q", scope, tt.wantScop)
			}
			if got, want := tok.SOAPInstanceURL, f.URL(); got != want {
				t.Errorf("SOAPInstanceURL = %q, want %q", got, want)
			}
			if tok.AccountID != tt.mid || src.AccountID() != tt.mid {
				t.Errorf("AccountID = %d (source %d), want %d", tok.AccountID, src.AccountID(), tt.mid)
			}
			if tok.RefreshToken != "" {
				t.Errorf("RefreshToken = %q, want the client_credentials refresh_token ignored", tok.RefreshToken)
			}
			if s := tok.String(); strings.Contains(s, tok.AccessToken) {
				t.Errorf("String() = %q reveals the token", s)
			}
		})
	}
}

func TestTokenCached(t *testing.T) {
	f := newFake(t)
	src := fuel.ClientCredentials{AuthBaseURL: f.URL(), ClientID: "c", ClientSecret: "s"}.TokenSource()
	first := mustToken(t, src)
	for range 5 {
		if tok := mustToken(t, src); tok != first {
			t.Fatalf("got token %v, want the cached %v", tok, first)
		}
	}
	if got := f.tokenRequests(); got != 1 {
		t.Errorf("token requests = %d, want 1", got)
	}
}

// TestEarlyRefresh checks Now and RefreshMargin: expiry is the receive time
// on the injected clock plus expires_in, and the token is replaced from the
// margin before it on.
func TestEarlyRefresh(t *testing.T) {
	tests := []struct {
		name      string
		expiresIn int
		margin    time.Duration
		at        time.Duration // after the first token arrived
		wantFetch bool          // a second token request
	}{
		{"default margin, 1 ms before the margin", 1079, 0, (1079-300)*time.Second - time.Millisecond, false},
		{"default margin, at the margin", 1079, 0, (1079 - 300) * time.Second, true},
		{"custom 60 s margin, inside the default one", 1079, time.Minute, (1079 - 300) * time.Second, false},
		{"custom 60 s margin, at the margin", 1079, time.Minute, (1079 - 60) * time.Second, true},
		{"5 s token uses half its life, before", 5, 0, 2499 * time.Millisecond, false},
		{"5 s token uses half its life, at", 5, 0, 2500 * time.Millisecond, true},
		{"negative margin means none, before expiry", 1079, -1, 1079*time.Second - time.Millisecond, false},
		{"negative margin means none, at expiry", 1079, -1, 1079 * time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.ExpiresIn = tt.expiresIn
			clk := &fgtest.Clock{}
			clk.Set(base)
			src := fuel.ClientCredentials{AuthBaseURL: f.URL(), ClientID: "c", ClientSecret: "s", RefreshMargin: tt.margin, Now: clk.Now}.TokenSource()
			first := mustToken(t, src)
			if want := base.Add(time.Duration(tt.expiresIn) * time.Second); !first.Expiry.Equal(want) {
				t.Errorf("Expiry = %v, want receive time + expires_in = %v", first.Expiry, want)
			}
			clk.Advance(tt.at)
			tok := mustToken(t, src)
			if gotFetch := f.tokenRequests() == 2; gotFetch != tt.wantFetch {
				t.Errorf("refreshed = %v, want %v (token requests %d)", gotFetch, tt.wantFetch, f.tokenRequests())
			}
			if tok.Expired(clk.Now()) {
				t.Errorf("handed out a token that expired at %v (now %v)", tok.Expiry, clk.Now())
			}
		})
	}
}

func TestForAccountOneCachePerMID(t *testing.T) {
	f := newFake(t)
	root := fuel.ClientCredentials{AuthBaseURL: f.URL(), ClientID: "c", ClientSecret: "s", AccountID: 1}.TokenSource()
	for _, mid := range []int64{1, 2, 3, 2, 1, 3, 2} {
		src := root.ForAccount(mid)
		if src.AccountID() != mid {
			t.Fatalf("AccountID = %d, want %d", src.AccountID(), mid)
		}
		tok := mustToken(t, src)
		if tok.AccountID != mid || !strings.HasSuffix(tok.AccessToken, "-mid"+strconv.FormatInt(mid, 10)) {
			t.Errorf("MID %d got token %s for MID %d", mid, tok.AccessToken, tok.AccountID)
		}
	}
	if root.ForAccount(1) != root {
		t.Error("ForAccount of the source's own MID gave another source")
	}
	if a, b := root.ForAccount(2), root.ForAccount(2).ForAccount(2); a != b {
		t.Error("ForAccount(2) twice gave two sources, want one cache per MID")
	}
	if got, want := f.tokenRequests(), 3; got != want {
		t.Errorf("token requests = %d, want %d (one per MID)", got, want)
	}
	if _, err := root.ForAccount(-1).Token(context.Background()); !errors.Is(err, fuel.ErrConfig) {
		t.Errorf("negative MID: err = %v, want ErrConfig", err)
	}
}

// TestTokenContextCancel cancels the only caller while its token request
// is on the wire: the call returns context.Canceled and the request is
// aborted (the handler sees its request context end).
func TestTokenContextCancel(t *testing.T) {
	f := newFake(t)
	entered, aborted := make(chan struct{}), make(chan struct{})
	f.Token = func(w http.ResponseWriter, r *http.Request, _ map[string]any) {
		close(entered)
		<-r.Context().Done() // never answers: only an aborted request ends this
		close(aborted)
	}
	// No client timeout: only the cancellation can abort the request.
	src := fuel.ClientCredentials{AuthBaseURL: f.URL(), ClientID: "c", ClientSecret: "s", HTTPClient: &http.Client{}}.TokenSource()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-entered; cancel() }()
	if _, err := src.Token(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	<-aborted
}

func TestAuthErrorDecoding(t *testing.T) {
	const invalidClient = `{"error":"invalid_client","error_description":"Client authentication failed. Make sure that the client ID and client secret are valid and that the package is installed and enabled.","error_uri":"https://developer.salesforce.com/docs"}`
	tests := []struct {
		name   string
		status int
		body   string
		want   fuel.AuthError
	}{
		{"OAuth invalid_client", 401, invalidClient, fuel.AuthError{StatusCode: 401, Code: "invalid_client",
			Description: "Client authentication failed. Make sure that the client ID and client secret are valid and that the package is installed and enabled.",
			URI:         "https://developer.salesforce.com/docs"}},
		{"gateway shape", 401, `{"message":"Unauthorized","errorcode":1,"documentation":""}`,
			fuel.AuthError{StatusCode: 401, Message: "Unauthorized", ErrorCode: 1}},
		{"not JSON", 502, "<html>Bad Gateway</html>", fuel.AuthError{StatusCode: 502, Body: "<html>Bad Gateway</html>"}},
		{"200 without access_token", 200, `{"expires_in":1079}`, fuel.AuthError{StatusCode: 200, Body: `{"expires_in":1079}`}},
		{"secret echoed", 400, `bad secret the-client-secret`, fuel.AuthError{StatusCode: 400, Body: "bad secret [redacted]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.Token = func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}
			_, err := fuel.ClientCredentials{AuthBaseURL: f.URL(), ClientID: "c", ClientSecret: "the-client-secret"}.TokenSource().Token(context.Background())
			var ae *fuel.AuthError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v (%T), want *fuel.AuthError", err, err)
			}
			if *ae != tt.want {
				t.Errorf("AuthError = %+v, want %+v", *ae, tt.want)
			}
		})
	}
}

// TestConfigErrors: every constructor reports missing settings with an
// error wrapping ErrConfig, naming what is missing.
func TestConfigErrors(t *testing.T) {
	tokenErr := func(src fuel.TokenSource) func() error {
		return func() error { _, err := src.Token(context.Background()); return err }
	}
	tests := []struct {
		name string
		err  func() error
		want string
	}{
		{"ClientCredentials zero", tokenErr(fuel.ClientCredentials{}.TokenSource()), "AuthBaseURL, ClientID, ClientSecret required"},
		{"ClientCredentials without secret", tokenErr(fuel.ClientCredentials{AuthBaseURL: "https://x/", ClientID: "c"}.TokenSource()), "ClientSecret required"},
		{"ClientCredentials negative MID", tokenErr(fuel.ClientCredentials{AuthBaseURL: "https://x/", ClientID: "c", ClientSecret: "s", AccountID: -2}.TokenSource()), "AccountID must not be negative"},
		{"LegacyPackage without ID", tokenErr(fuel.LegacyPackage{AuthBaseURL: "https://x/", ClientSecret: "s"}.TokenSource()), "ClientID required"},
		{"NewClient nil source", func() error { _, err := fuel.NewClient(nil, fuel.ClientOptions{}); return err }, "nil TokenSource"},
		{"NewUserClient without password", func() error {
			_, err := fuel.NewUserClient(fuel.UsernameToken{Username: "u"}, fuel.ClientOptions{SOAPEndpoint: "https://x/Service.asmx"})
			return err
		}, "Password required"},
		{"NewUserClient without endpoint", func() error {
			_, err := fuel.NewUserClient(fuel.UsernameToken{Username: "u", Password: "p"}, fuel.ClientOptions{})
			return err
		}, "SOAPEndpoint required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err()
			if !errors.Is(err, fuel.ErrConfig) || !strings.HasSuffix(err.Error(), tt.want) {
				t.Errorf("err = %v, want ErrConfig ending in %q", err, tt.want)
			}
		})
	}
}
