package fuel_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/fuel"
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
			src := fuel.Config{AuthBaseURL: tt.base(f), ClientID: "cid", ClientSecret: "sec", AccountID: tt.mid, Scopes: tt.scopes}.TokenSource()
			tok, err := src.Token(context.Background())
			if err != nil {
				t.Fatalf("Token: %v", err)
			}
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
			if tt.wantMID != "" {
				if _, isString := mid.(string); isString || atoi(mid) != tt.mid {
					t.Errorf("account_id = %#v, want the number %s", mid, tt.wantMID)
				}
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
			if tok.AccountID != tt.mid {
				t.Errorf("AccountID = %d, want %d", tok.AccountID, tt.mid)
			}
			if s := tok.String(); strings.Contains(s, tok.AccessToken) {
				t.Errorf("String() = %q reveals the token", s)
			}
		})
	}
}

func TestTokenCached(t *testing.T) {
	f := newFake(t)
	src := fuel.Config{AuthBaseURL: f.URL(), ClientID: "c", ClientSecret: "s"}.TokenSource()
	ctx := context.Background()
	first, err := src.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		tok, err := src.Token(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if tok != first {
			t.Fatalf("got token %v, want the cached %v", tok, first)
		}
	}
	if got := f.tokenRequests(); got != 1 {
		t.Errorf("token requests = %d, want 1", got)
	}
}

func TestEarlyRefresh(t *testing.T) {
	tests := []struct {
		name      string
		expiresIn int
		margin    time.Duration
		at        int64 // milliseconds after the first token arrived
		wantFetch bool  // a second token request
	}{
		{"default margin, well before", 1079, 0, 60_000, false},
		{"default margin, 1 ms before the margin", 1079, 0, (1079-300)*1000 - 1, false},
		{"default margin, at the margin", 1079, 0, (1079 - 300) * 1000, true},
		{"default margin, just before expiry", 1079, 0, 1079*1000 - 1, true},
		{"default margin, after expiry", 1079, 0, 5000 * 1000, true},
		{"custom 60 s margin, inside old margin", 1079, time.Minute, (1079 - 300) * 1000, false},
		{"custom 60 s margin, at the margin", 1079, time.Minute, (1079 - 60) * 1000, true},
		{"5 s token uses half its life, before", 5, 0, 2499, false},
		{"5 s token uses half its life, at", 5, 0, 2500, true},
		{"negative margin means none, before expiry", 1079, -1, 1079*1000 - 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.ExpiresIn = tt.expiresIn
			clk := &clock{}
			src := fuel.Config{AuthBaseURL: f.URL(), ClientID: "c", ClientSecret: "s", RefreshMargin: tt.margin, Now: clk.Now}.TokenSource()
			ctx := context.Background()
			first, err := src.Token(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if want := base.Add(time.Duration(tt.expiresIn) * time.Second); !first.Expiry.Equal(want) {
				t.Errorf("Expiry = %v, want receive time + expires_in = %v", first.Expiry, want)
			}
			clk.set(tt.at)
			tok, err := src.Token(ctx)
			if err != nil {
				t.Fatal(err)
			}
			gotFetch := f.tokenRequests() == 2
			if gotFetch != tt.wantFetch {
				t.Errorf("refreshed = %v, want %v (token requests %d)", gotFetch, tt.wantFetch, f.tokenRequests())
			}
			if tok.Expired(clk.Now()) {
				t.Errorf("handed out a token that expired at %v (now %v)", tok.Expiry, clk.Now())
			}
		})
	}
}

func TestConcurrentColdCacheOneRequest(t *testing.T) {
	f := newFake(t)
	release := make(chan struct{})
	var entered sync.Once
	inHandler := make(chan struct{})
	f.Token = func(w http.ResponseWriter, r *http.Request, body map[string]any) {
		entered.Do(func() { close(inHandler) })
		<-release
		f.issue(w, body)
	}
	src := fuel.Config{AuthBaseURL: f.URL(), ClientID: "c", ClientSecret: "s"}.TokenSource()
	const n = 200
	var started, done sync.WaitGroup
	toks := make([]*fuel.Token, n)
	errs := make([]error, n)
	for i := range n {
		started.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			started.Done()
			toks[i], errs[i] = src.Token(context.Background())
		}()
	}
	started.Wait()
	<-inHandler // the one fetch is running; every caller arrives during it or after
	close(release)
	done.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if toks[i] != toks[0] {
			t.Fatalf("caller %d got %v, want the shared %v", i, toks[i], toks[0])
		}
	}
	if got := f.tokenRequests(); got != 1 {
		t.Errorf("token requests = %d, want 1", got)
	}
}

func TestForAccountOneCachePerMID(t *testing.T) {
	f := newFake(t)
	root := fuel.Config{AuthBaseURL: f.URL(), ClientID: "c", ClientSecret: "s", AccountID: 1}.TokenSource()
	ctx := context.Background()
	mids := []int64{1, 2, 3, 2, 1, 3, 2}
	for _, mid := range mids {
		src := root.ForAccount(mid)
		if src.AccountID() != mid {
			t.Fatalf("AccountID = %d, want %d", src.AccountID(), mid)
		}
		tok, err := src.Token(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if tok.AccountID != mid || !strings.HasSuffix(tok.AccessToken, "-mid"+itoa(mid)) {
			t.Errorf("MID %d got token %s for MID %d", mid, tok.AccessToken, tok.AccountID)
		}
	}
	if a, b := root.ForAccount(2), root.ForAccount(2); a != b {
		t.Error("ForAccount(2) twice gave two sources, want one cache per MID")
	}
	if got, want := f.tokenRequests(), 3; got != want {
		t.Errorf("token requests = %d, want %d (one per MID)", got, want)
	}
}

func TestInvalidate(t *testing.T) {
	f := newFake(t)
	src := fuel.Config{AuthBaseURL: f.URL(), ClientID: "c", ClientSecret: "s"}.TokenSource()
	ctx := context.Background()
	old, _ := src.Token(ctx)
	src.Invalidate(old)
	fresh, err := src.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fresh == old {
		t.Fatal("Invalidate kept the token")
	}
	src.Invalidate(old) // stale report: must not drop the fresh token
	if tok, _ := src.Token(ctx); tok != fresh {
		t.Errorf("Invalidate(old) dropped the newer token")
	}
	if got, want := f.tokenRequests(), 2; got != want {
		t.Errorf("token requests = %d, want %d", got, want)
	}
}

func TestTokenContextCancel(t *testing.T) {
	f := newFake(t)
	entered := make(chan struct{})
	f.Token = func(w http.ResponseWriter, r *http.Request, _ map[string]any) {
		close(entered)
		<-r.Context().Done() // blocks until the client gives up
	}
	src := fuel.Config{AuthBaseURL: f.URL(), ClientID: "c", ClientSecret: "s"}.TokenSource()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-entered; cancel() }()
	start := time.Now()
	_, err := src.Token(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Token returned after %v, want promptly", d)
	}
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.Token = func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}
			_, err := fuel.Config{AuthBaseURL: f.URL(), ClientID: "c", ClientSecret: "s"}.TokenSource().Token(context.Background())
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

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  fuel.Config
	}{
		{"zero", fuel.Config{}},
		{"no secret", fuel.Config{AuthBaseURL: "https://x/", ClientID: "c"}},
		{"user mode without endpoint", fuel.Config{Username: "u", Password: "p"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := fuel.NewClient(tt.cfg); !errors.Is(err, fuel.ErrConfig) {
				t.Errorf("NewClient err = %v, want ErrConfig", err)
			}
			if _, err := tt.cfg.TokenSource().Token(context.Background()); !errors.Is(err, fuel.ErrConfig) {
				t.Errorf("Token err = %v, want ErrConfig", err)
			}
		})
	}
}

func itoa(n int64) string { return strconvFormat(n) }
