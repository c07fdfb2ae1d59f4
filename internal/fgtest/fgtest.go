// Package fgtest starts a real fuelgate for tests: a fresh SQLite file in a
// temporary directory, the real server behind httptest.NewServer on a
// loopback port, and a provisioned enterprise with a child BU, an installed
// package, and API users. Tests in any package use it instead of mocks.
package fgtest

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/secret"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/server"
	"github.com/fuelgate/fuelgate/sqlite"
)

// Password is the password of every user fgtest creates.
const Password = "stub-Passw0rd!"

// Clock is a settable clock for tests; its zero value reads time.Now.
type Clock struct {
	mu  sync.Mutex
	off time.Duration
	at  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at.IsZero() {
		return c.at
	}
	return time.Now().Add(c.off)
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() {
		c.off += d
	} else {
		c.at = c.at.Add(d)
	}
}

// Set freezes the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.at = t
	c.mu.Unlock()
}

// Env is a running fuelgate with provisioned objects.
type Env struct {
	T      testing.TB
	URL    string // base URL, no trailing slash
	DBPath string
	Store  fuelgate.Store
	Keys   *secret.Keys
	Server *server.Server
	Manage *manage.Service
	Clock  *Clock
	HTTP   *httptest.Server

	Enterprise *fuelgate.Account
	Child      *fuelgate.Account // a child BU of the enterprise
	Grandchild *fuelgate.Account // a child of Child

	// Package reaches Enterprise and Child, with users_read users_write accounts_read accounts_write.
	ClientID, ClientSecret string
	Package                *fuelgate.Package

	// APIUser: API User flag, WebServices API role, digest-capable, default BU Enterprise, also Child.
	APIUser *fuelgate.User
}

// Options change what New provisions.
type Options struct {
	// Configure runs on the server config before the server is built.
	Configure func(*server.Config)
	// APIPasswordLogin turns the username/password API-login setting on (default on).
	DisableAPIPasswordLogin bool
	// Log receives the server's logs (default: discarded).
	Log io.Writer
}

// New starts a fuelgate for t and provisions it.
func New(t testing.TB, opts ...Options) *Env {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "fuelgate.db")
	st, err := sqlite.Open(t.Context(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	keys, err := secret.LoadKeys(filepath.Join(dir, "fuelgate.key"), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	logw := o.Log
	if logw == nil {
		logw = io.Discard
	}
	e := &Env{T: t, DBPath: dbPath, Store: st, Keys: keys, Clock: &Clock{}}
	hs := httptest.NewUnstartedServer(nil)
	e.URL = "http://" + hs.Listener.Addr().String()
	cfg := server.Config{PublicURL: e.URL, Store: st, Keys: keys, Now: e.Clock.Now,
		Log: slog.New(slog.NewTextHandler(logw, nil)), SweepInterval: -1}
	if o.Configure != nil {
		o.Configure(&cfg)
	}
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs.Config.Handler = srv.Handler
	hs.Start()
	t.Cleanup(hs.Close)
	e.HTTP, e.Server, e.Manage = hs, srv, srv.Manage
	e.provision(!o.DisableAPIPasswordLogin)
	return e
}

func (e *Env) provision(passwordLogin bool) {
	t, ctx, op := e.T, context.Background(), manage.Operator()
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	e.Enterprise, err = e.Manage.CreateEnterprise(ctx, op, "Test Enterprise")
	must(err)
	e.Child, err = e.Manage.CreateBusinessUnit(ctx, op, e.Enterprise.MID, "Child BU")
	must(err)
	e.Grandchild, err = e.Manage.CreateBusinessUnit(ctx, op, e.Child.MID, "Grandchild BU")
	must(err)
	e.Package, e.ClientSecret, err = e.Manage.CreatePackage(ctx, op, manage.NewPackage{MID: e.Enterprise.MID,
		Name: "Test Package", Scopes: []string{"accounts_read", "accounts_write", "users_read", "users_write", "offline"},
		MIDs: []int64{e.Child.MID}})
	must(err)
	e.ClientID = e.Package.ClientID
	role, err := e.Manage.CreateRole(ctx, op, e.Enterprise.MID, "API Access", "", []string{fuelgate.PermWebServicesAPI,
		fuelgate.PermUsersView, fuelgate.PermUsersManage, fuelgate.PermRolesView, fuelgate.PermBusinessUnitsView})
	must(err)
	e.APIUser, err = e.Manage.CreateUser(ctx, op, manage.NewUser{MID: e.Enterprise.MID, Username: "api_user",
		Name: "API User", Email: "api@example.com", Password: Password, APIUser: true, Roles: []string{role.ID},
		MIDs: []int64{e.Child.MID}, DigestCapable: true})
	must(err)
	if passwordLogin {
		on := true
		_, err = e.Manage.UpdateSettings(ctx, op, e.Enterprise.MID, manage.SettingsChange{APIPasswordLogin: &on})
		must(err)
	}
}

// Token issues a v2 access token for the test package in mid (0: the package's BU).
func (e *Env) Token(mid int64) string {
	e.T.Helper()
	tok, err := e.Server.Auth.Grant(context.Background(), auth.GrantRequest{ClientID: e.ClientID, ClientSecret: e.ClientSecret, AccountID: mid})
	if err != nil {
		e.T.Fatal(err)
	}
	e.Server.Auth.Settle() // the audit event is written in the background
	return tok.AccessToken
}

// CreateUser creates a user with Password in the enterprise.
func (e *Env) CreateUser(in manage.NewUser) *fuelgate.User {
	e.T.Helper()
	if in.MID == 0 {
		in.MID = e.Enterprise.MID
	}
	if in.Password == "" {
		in.Password = Password
	}
	if in.Name == "" {
		in.Name = in.Username
	}
	if in.Email == "" {
		in.Email = in.Username + "@example.com"
	}
	u, err := e.Manage.CreateUser(context.Background(), manage.Operator(), in)
	if err != nil {
		e.T.Fatal(err)
	}
	return u
}
