package soapapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/soap"
)

// method is how a matrix call authenticates.
type method string

const (
	mFuel   method = "fueloauth"
	mLegacy method = "legacy oAuth"
	mText   method = "PasswordText"
	mDigest method = "PasswordDigest"
)

// cred is what one call presents.
type cred struct {
	token          string    // fueloauth / legacy
	user, password string    // UsernameToken
	nonce          []byte    // nil: none (PasswordText only)
	created        time.Time // zero: none (PasswordText only)
}

// header renders the SOAP header for c under m.
func (m method) header(c cred) string {
	switch m {
	case mFuel:
		return fuel(c.token)
	case mLegacy:
		if c.created.IsZero() {
			return legacyHeader(c.token)
		}
		// PHP's placeholder: a Nonce without EncodingType and a Created.
		return `<wsse:Security xmlns:wsse="` + soap.NSWSSE + `"><wsse:UsernameToken><wsse:Username>*</wsse:Username>` +
			`<wsse:Password Type="` + soap.PasswordTextURI + `">*</wsse:Password><wsse:Nonce>` + b64(c.nonce) + `</wsse:Nonce>` +
			`<wsu:Created xmlns:wsu="` + soap.NSWSU + `">` + created(c.created) + `</wsu:Created></wsse:UsernameToken></wsse:Security>` +
			`<oAuth xmlns="http://exacttarget.com"><oAuthToken>` + c.token + `</oAuthToken></oAuth>`
	case mDigest:
		return digestHeader(c.user, c.password, c.nonce, created(c.created))
	}
	inner := `<wsse:Username>` + c.user + `</wsse:Username><wsse:Password Type="` + soap.PasswordTextURI + `">` + c.password + `</wsse:Password>`
	if c.nonce != nil {
		inner += `<wsse:Nonce EncodingType="` + soap.Base64BinaryURI + `">` + b64(c.nonce) + `</wsse:Nonce>`
	}
	if !c.created.IsZero() {
		inner += `<wsu:Created>` + created(c.created) + `</wsu:Created>`
	}
	return wsse(inner)
}

// matrixFixture holds what the matrix provisions once.
type matrixFixture struct {
	e                            *fgtest.Env
	other                        *fuelgate.Account // a BU of another enterprise
	legacy, noScope, noScopeLeg  *fuelgate.Package
	disabled, disabledLeg        *fuelgate.Package
	legacySec, noScopeSec        string
	noScopeLegSec                string
	disabledSec, disabledLegSec  string
	notAPI, noPerm, locked, gone *fuelgate.User
	inEnt, inChild               *fuelgate.User // Update targets
	nonces                       int
}

func newMatrixFixture(t *testing.T) *matrixFixture {
	ctx, op := context.Background(), manage.Operator()
	f := &matrixFixture{e: newEnv(t)}
	e := f.e
	var err error
	if f.other, err = e.Manage.CreateEnterprise(ctx, op, "Other Enterprise"); err != nil {
		t.Fatal(err)
	}
	ent := e.Enterprise.MID
	f.legacy, f.legacySec = newPackage(t, e, ent, true, "accounts_read", "users_read", "users_write")
	f.noScope, f.noScopeSec = newPackage(t, e, ent, false, "users_read")
	f.noScopeLeg, f.noScopeLegSec = newPackage(t, e, ent, true, "users_read")
	f.disabled, f.disabledSec = newPackage(t, e, ent, false, "accounts_read")
	f.disabledLeg, f.disabledLegSec = newPackage(t, e, ent, true, "accounts_read")
	api := []string{"API Access"}
	f.notAPI = e.CreateUser(manage.NewUser{Username: "not_api", Roles: api, DigestCapable: true})
	f.noPerm = e.CreateUser(manage.NewUser{Username: "no_perm", APIUser: true, DigestCapable: true})
	f.locked = e.CreateUser(manage.NewUser{Username: "locked", APIUser: true, Roles: api, DigestCapable: true})
	f.gone = e.CreateUser(manage.NewUser{Username: "inactive", APIUser: true, Roles: api, DigestCapable: true})
	f.inEnt = e.CreateUser(manage.NewUser{Username: "target_ent"})
	f.inChild = e.CreateUser(manage.NewUser{MID: e.Child.MID, Username: "target_child"})
	if _, err := e.Store.UpdateUser(ctx, f.locked.ID, func(u *fuelgate.User) error {
		u.LockedUntil = baseTime.Add(24 * time.Hour)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	off := false
	if _, err := e.Manage.UpdateUser(ctx, op, f.gone.ID, manage.UserChange{Active: &off}); err != nil {
		t.Fatal(err)
	}
	return f
}

// cred returns a fresh, valid credential of m for user (tokens ignore user).
func (f *matrixFixture) cred(t *testing.T, m method, user string) cred {
	t.Helper()
	f.nonces++
	now := f.e.Clock.Now()
	switch m {
	case mFuel:
		return cred{token: f.e.Token(0)}
	case mLegacy:
		return cred{token: legacyTokens(t, f.e, f.legacy.ClientID, f.legacySec).LegacyToken}
	case mDigest:
		return cred{user: user, password: fgtest.Password, nonce: nonceN(f.nonces), created: now}
	}
	return cred{user: user, password: fgtest.Password}
}

// outcome is what a cell expects.
type outcome struct {
	fault string                    // "" = success (HTTP 200)
	check func(*testing.T, *result) // extra checks on success
}

// mcell is one cell of the matrix: a condition under one method.
type mcell struct {
	cond   string
	method method
	// prep builds the credential and may change the world (clock, settings);
	// nil means a fresh valid credential for api_user.
	prep         func(t *testing.T, f *matrixFixture, m method) cred
	action, body string // default: Retrieve of BusinessUnit ID, Name
	first        bool   // send once first and require success (replay)
	want         outcome
}

func TestAuthMatrix(t *testing.T) {
	t.Parallel()
	f := newMatrixFixture(t)
	e := f.e
	ent, child, other := e.Enterprise.MID, e.Child.MID, f.other.MID
	tokens, users := []method{mFuel, mLegacy}, []method{mText, mDigest}
	all := append(append([]method{}, tokens...), users...)

	seesOnly := func(mids ...int64) outcome {
		return outcome{check: func(t *testing.T, r *result) {
			if st := r.OverallStatus(); st != "OK" {
				t.Fatalf("got OverallStatus %q, want OK", st)
			}
			got := texts(resultsOf(r), "ID")
			var want []string
			for _, m := range mids {
				want = append(want, itoa(m))
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("got BU IDs %v, want %v", got, want)
			}
		}}
	}
	perObject := func(status, msg string) outcome {
		return outcome{check: func(t *testing.T, r *result) {
			res := resultsOf(r)
			if len(res) != 1 {
				t.Fatalf("got %d Results, want 1; %s", len(res), r.describe())
			}
			if got := res[0].ChildText("StatusCode"); got != status {
				t.Errorf("got StatusCode %q, want %q", got, status)
			}
			if msg != "" {
				if got := res[0].ChildText("StatusMessage"); got != msg {
					t.Errorf("got StatusMessage %q, want %q", got, msg)
				}
			}
			wantOverall := "OK"
			if status == "Error" {
				wantOverall = "Error"
			}
			if got := r.OverallStatus(); got != wantOverall {
				t.Errorf("got OverallStatus %q, want %q", got, wantOverall)
			}
		}}
	}
	loginFailed := outcome{fault: soap.FaultLoginFailed}
	retrieveIn := func(mid int64) string {
		return retrieve("BusinessUnit", []string{"ID", "Name"}, `<ClientIDs><ID>`+itoa(mid)+`</ID></ClientIDs>`)
	}
	createIn := func(mid int64, username string) string {
		return write("Create", userObject(`<Client><ID>`+itoa(mid)+`</ID></Client><UserID>`+username+`</UserID><Name>n</Name>`+
			`<Email>n@example.com</Email><Password>`+fgtest.Password+`</Password>`))
	}
	forUser := func(u **fuelgate.User) func(*testing.T, *matrixFixture, method) cred {
		return func(t *testing.T, f *matrixFixture, m method) cred { return f.cred(t, m, (*u).Username) }
	}

	var cells []mcell
	add := func(ms []method, c mcell) {
		for _, m := range ms {
			c.method = m
			cells = append(cells, c)
		}
	}
	// valid
	add(all, mcell{cond: "valid", want: seesOnly(ent)})
	// expired
	add([]method{mFuel}, mcell{cond: "expired", want: outcome{fault: soap.FaultTokenExpired},
		prep: func(t *testing.T, f *matrixFixture, m method) cred {
			c := f.cred(t, m, "")
			f.e.Clock.Advance(fuelgate.DefaultTokenLifetime + time.Second)
			return c
		}})
	add([]method{mLegacy}, mcell{cond: "expired", want: outcome{fault: soap.FaultTokenExpired},
		prep: func(t *testing.T, f *matrixFixture, m method) cred {
			c := f.cred(t, m, "")
			f.e.Clock.Advance(time.Hour + time.Second) // legacy lifetime
			return c
		}})
	// revoked
	add([]method{mFuel, mLegacy}, mcell{cond: "revoked", want: loginFailed,
		prep: func(t *testing.T, f *matrixFixture, m method) cred {
			c := f.cred(t, m, "")
			id, sec := f.e.ClientID, f.e.ClientSecret
			if m == mLegacy {
				id, sec = f.legacy.ClientID, f.legacySec
			}
			if err := f.e.Server.Auth.Revoke(context.Background(), id, sec, c.token, ""); err != nil {
				t.Fatal(err)
			}
			return c
		}})
	add(users, mcell{cond: "revoked (user deactivated)", want: loginFailed, prep: forUser(&f.gone)})
	// wrong MID: a BU of another enterprise
	add(all, mcell{cond: "wrong MID, Retrieve", body: retrieveIn(other), want: seesOnly()})
	add(all, mcell{cond: "wrong MID, Create", action: "Create", body: createIn(other, "wrong_mid"),
		want: perObject("Error", "Not authorized for account "+itoa(other)+".")})
	add(all, mcell{cond: "wrong MID, Update", action: "Update", body: write("Update", userObject(`<AccountUserID>`+itoa(f.inEnt.ID)+
		`</AccountUserID><DefaultBusinessUnit>`+itoa(other)+`</DefaultBusinessUnit>`)),
		want: perObject("Error", "Not authorized for account "+itoa(other)+".")})
	// child MID: tokens for the enterprise cannot act in the child; api_user
	// is associated with the child and can.
	add(tokens, mcell{cond: "child MID, Retrieve", body: retrieveIn(child), want: seesOnly()})
	add(tokens, mcell{cond: "child MID, Create", action: "Create", body: createIn(child, "child_tok"),
		want: perObject("Error", "Not authorized for account "+itoa(child)+".")})
	updateChild := write("Update", userObject(`<AccountUserID>`+itoa(f.inChild.ID)+`</AccountUserID><Name>Renamed</Name>`))
	add(tokens, mcell{cond: "child MID, Update", action: "Update", body: updateChild,
		want: perObject("Error", "Not authorized for account "+itoa(child)+".")})
	add(users, mcell{cond: "child MID, Update", action: "Update", body: updateChild,
		want: perObject("OK", "Account User Updated / Created")})
	add(users, mcell{cond: "child MID, Retrieve", body: retrieveIn(child), want: seesOnly(child)})
	add([]method{mText}, mcell{cond: "child MID, Create", action: "Create", body: createIn(child, "child_user"),
		want: perObject("OK", "Account User Updated / Created")})
	add([]method{mDigest}, mcell{cond: "child MID, Create", action: "Create", body: createIn(e.Grandchild.MID, "grandchild_user"),
		want: perObject("Error", "Not authorized for account "+itoa(e.Grandchild.MID)+".")})
	// setting off: only username/password logins are affected
	settingOff := func(t *testing.T, f *matrixFixture, m method) cred {
		ctx, on, off := context.Background(), true, false
		if _, err := f.e.Manage.UpdateSettings(ctx, manage.Operator(), f.e.Enterprise.MID, manage.SettingsChange{APIPasswordLogin: &off}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if _, err := f.e.Manage.UpdateSettings(ctx, manage.Operator(), f.e.Enterprise.MID, manage.SettingsChange{APIPasswordLogin: &on}); err != nil {
				t.Error(err)
			}
		})
		return f.cred(t, m, "api_user")
	}
	add(tokens, mcell{cond: "setting off", prep: settingOff, want: seesOnly(ent)})
	add(users, mcell{cond: "setting off", prep: settingOff, want: loginFailed})
	// not API user
	add(users, mcell{cond: "not API user", prep: forUser(&f.notAPI), want: loginFailed})
	// no permission: a token without the scope gets the business error; a
	// user without WebServices API cannot log in.
	noScope := func(t *testing.T, f *matrixFixture, m method) cred {
		if m == mLegacy {
			return cred{token: legacyTokens(t, f.e, f.noScopeLeg.ClientID, f.noScopeLegSec).LegacyToken}
		}
		return cred{token: tokenFor(t, f.e, f.noScope.ClientID, f.noScopeSec, 0)}
	}
	add(tokens, mcell{cond: "no permission (scope)", prep: noScope, want: outcome{check: func(t *testing.T, r *result) {
		if got, want := r.OverallStatus(), "Error: API Permission Failed"; got != want {
			t.Errorf("got OverallStatus %q, want %q", got, want)
		}
	}}})
	add(users, mcell{cond: "no permission", prep: forUser(&f.noPerm), want: loginFailed})
	// locked: users are soft-locked; the token analogue is a disabled package.
	disabled := func(t *testing.T, f *matrixFixture, m method) cred {
		var c cred
		pkg := f.disabled
		if m == mLegacy {
			pkg = f.disabledLeg
			c.token = legacyTokens(t, f.e, pkg.ClientID, f.disabledLegSec).LegacyToken
		} else {
			c.token = tokenFor(t, f.e, pkg.ClientID, f.disabledSec, 0)
		}
		if _, err := f.e.Manage.SetPackageEnabled(context.Background(), manage.Operator(), pkg.ClientID, false); err != nil {
			t.Fatal(err)
		}
		return c
	}
	add(tokens, mcell{cond: "locked (package disabled)", prep: disabled, want: loginFailed})
	add(users, mcell{cond: "locked", prep: forUser(&f.locked), want: loginFailed})
	// replayed nonce
	replayed := func(t *testing.T, f *matrixFixture, m method) cred {
		c := f.cred(t, m, "api_user")
		if c.nonce == nil {
			c.nonce, c.created = nonceN(1000+f.nonces), f.e.Clock.Now()
		}
		return c
	}
	add(users, mcell{cond: "replayed nonce", prep: replayed, first: true, want: loginFailed})
	// stale Created
	add([]method{mLegacy}, mcell{cond: "stale Created (placeholder, ignored)", want: seesOnly(ent),
		prep: func(t *testing.T, f *matrixFixture, m method) cred {
			c := f.cred(t, m, "")
			// The placeholder token's Created is not validated (PHP sends a stale one).
			c.created, c.nonce = f.e.Clock.Now().Add(-time.Hour), []byte("0123456789abcdef0123456789abcdef")
			return c
		}})
	stale := func(d time.Duration) func(*testing.T, *matrixFixture, method) cred {
		return func(t *testing.T, f *matrixFixture, m method) cred {
			c := f.cred(t, m, "api_user")
			c.created = f.e.Clock.Now().Add(d)
			if c.nonce == nil {
				c.nonce = nonceN(2000 + f.nonces)
			}
			return c
		}
	}
	add(users, mcell{cond: "stale Created", prep: stale(-301 * time.Second), want: loginFailed})
	add(users, mcell{cond: "Created in the future", prep: stale(61 * time.Second), want: loginFailed})

	for _, c := range cells {
		t.Run(string(c.method)+"/"+c.cond, func(t *testing.T) {
			e.Clock.Set(baseTime)
			prep := c.prep
			if prep == nil {
				prep = func(t *testing.T, f *matrixFixture, m method) cred { return f.cred(t, m, "api_user") }
			}
			cr := prep(t, f, c.method)
			action, body := c.action, c.body
			if action == "" {
				action = "Retrieve"
			}
			if body == "" {
				body = retrieve("BusinessUnit", []string{"ID", "Name"}, "")
			}
			hdr := c.method.header(cr)
			if c.first {
				assertOK(t, call(t, e, action, hdr, body))
			}
			r := call(t, e, action, hdr, body)
			if c.want.fault != "" {
				assertSecurityFault(t, r, c.want.fault)
				return
			}
			assertOK(t, r)
			if c.want.check != nil {
				c.want.check(t, r)
			}
		})
	}
}
