package manage_test

import (
	"errors"
	"fmt"
	"html"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/internal/throttle"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/server"
)

// world is a real fuelgate (fgtest: a real server on a real SQLite file)
// mirrored by the reference model, with the credentials the test holds.
type world struct {
	t          testing.TB
	e          *fgtest.Env
	m          *model
	tokens     map[string]heldToken // by client ID, MID and scopes
	browsers   map[int64]*fgtest.Browser
	pkgGen     map[string]int // bumped when a package's tokens are revoked
	buGen      map[int64]int  // bumped when a BU's tokens are revoked
	userGen    map[int64]int  // bumped when the tokens apps hold for a user are revoked
	seq        int            // for unique names
	seen       map[string]int // decisions compared, by the model's class
	appCodes   int            // codes issued to web apps and traded
	authorized []mActor       // the web app actors that got a token (at most 64 kept)
	ents       []int64
}

type heldToken struct {
	token                  string
	pkgGen, buGen, userGen int
}

// picker draws the random choices of the generator: a math/rand source in
// the model-based test, the fuzzer's bytes in the fuzz target.
type picker interface{ IntN(n int) int }

// bytePicker draws from a byte string, then zeros.
type bytePicker struct{ b []byte }

func (p *bytePicker) IntN(n int) int {
	if n <= 1 || len(p.b) == 0 {
		return 0
	}
	v := int(p.b[0])
	p.b = p.b[1:]
	return v % n
}

func pick[T any](p picker, list []T) T { return list[p.IntN(len(list))] }

// newWorld provisions, as the operator: two enterprises (the first with a
// child and a grandchild, the second with a child), custom roles, a user of
// every system role and of custom roles in each BU, and a package with the
// user and account scopes in each BU.
func newWorld(t testing.TB) *world {
	// The world asks for tokens and logins the model expects refused, as
	// often as it likes: failed authentication is not throttled here.
	e := fgtest.New(t, fgtest.Options{Configure: func(c *server.Config) {
		lots := throttle.Config{Burst: 1 << 30}
		c.Throttle, c.Auth.AddressThrottle, c.Auth.UsernameThrottle = lots, lots, lots
	}})
	w := &world{t: t, e: e, m: newModel(), tokens: map[string]heldToken{}, browsers: map[int64]*fgtest.Browser{},
		pkgGen: map[string]int{}, buGen: map[int64]int{}, userGen: map[int64]int{}, seen: map[string]int{}}
	op := manage.Operator()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ent2, err := e.Manage.CreateEnterprise(ctx, op, "Second Enterprise")
	must(err)
	child2, err := e.Manage.CreateBusinessUnit(ctx, op, ent2.MID, "Second Child")
	must(err)
	on := true
	_, err = e.Manage.UpdateSettings(ctx, op, ent2.MID, manage.SettingsChange{APIPasswordLogin: &on})
	must(err)
	for _, a := range []*fuelgate.Account{e.Enterprise, e.Child, e.Grandchild, ent2, child2} {
		ent := a.MID
		if a.ParentMID != 0 {
			ent, _ = e.Manage.Enterprise(ctx, a.MID)
		}
		w.m.bus[a.MID] = &mBU{mid: a.MID, parent: a.ParentMID, ent: ent, active: true}
	}
	w.ents = []int64{e.Enterprise.MID, ent2.MID}
	custom := map[int64][][]string{
		e.Enterprise.MID: {{pUsersView, pUsersMgr, pRolesView}, {pBUView, pBUMgr, pWS}, {pRolesView, pRolesMgr, pUsersView, pWS},
			{pPkgAdmin, pPkgView, pBUView, pWS}},
		ent2.MID: {{pUsersView, pUsersMgr, pWS, pRolesView, pRolesMgr}},
	}
	roleIDs := map[int64][]string{}
	for ent, sets := range custom {
		for i, perms := range sets {
			r, err := e.Manage.CreateRole(ctx, op, ent, fmt.Sprintf("Custom %d of %d", i, ent), "", perms)
			must(err)
			w.m.roles[r.ID] = &mRole{id: r.ID, name: r.Name, ent: ent, perms: setOf(perms...)}
			roleIDs[ent] = append(roleIDs[ent], r.ID)
		}
	}
	// fgtest's own role, user and package.
	api := e.APIUser
	r, err := e.Store.Role(ctx, api.RoleIDs[0])
	must(err)
	w.m.roles[r.ID] = &mRole{id: r.ID, name: r.Name, ent: r.EnterpriseMID, perms: setOf(r.Permissions...)}
	w.addUser(api, fgtest.Password)
	w.addPackage(e.Package, e.ClientSecret)
	for _, bu := range []*fuelgate.Account{e.Enterprise, e.Child, e.Grandchild, ent2, child2} {
		ent := w.m.bus[bu.MID].ent
		roles := append([]string{"Administrator", "Security Administrator", "Viewer"}, roleIDs[ent][:min(2, len(roleIDs[ent]))]...)
		for _, role := range roles {
			var mids []int64
			if role == "Administrator" && bu.ParentMID == 0 { // an enterprise administrator reaching every BU
				for mid, b := range w.m.bus {
					if b.ent == ent && mid != bu.MID {
						mids = append(mids, mid)
					}
				}
			}
			u := e.CreateUser(manage.NewUser{MID: bu.MID, Username: w.name("user"), APIUser: true, Roles: []string{role}, MIDs: mids})
			w.addUser(u, fgtest.Password)
		}
		p, sec, err := e.Manage.CreatePackage(ctx, op, manage.NewPackage{MID: bu.MID, Name: w.name("pkg"),
			Scopes: strings.Fields(modelScopes)})
		must(err)
		w.addPackage(p, sec)
		// A web app in the BU whose tokens may also act in the BUs created
		// after it in its enterprise: its users reach some of them.
		var later []int64
		for mid, b := range w.m.bus {
			if b.ent == ent && mid > bu.MID {
				later = append(later, mid)
			}
		}
		p, sec, err = e.Manage.CreatePackage(ctx, op, manage.NewPackage{MID: bu.MID, Name: w.name("app"),
			Type: fuelgate.IntegrationWebApp, RedirectURIs: []string{worldRedirect}, MIDs: later,
			Scopes: strings.Fields(modelScopes)})
		must(err)
		w.addPackage(p, sec)
	}
	return w
}

// worldRedirect is the redirect URI of the world's web apps.
const worldRedirect = "https://app.example.com/callback"

func (w *world) name(prefix string) string {
	w.seq++
	return prefix + strconv.Itoa(w.seq)
}

// addUser mirrors a user the operator created (the operator holds everything).
func (w *world) addUser(u *fuelgate.User, password string) *mUser {
	mu := &mUser{id: u.ID, name: u.Username, ent: u.EnterpriseMID, def: u.DefaultMID, mids: setOf(u.MIDs...),
		roles: slices.Clone(u.RoleIDs), apiUser: u.APIUser, active: u.Active, password: password, pwVersion: u.PasswordVersion}
	mu.mids[u.DefaultMID] = true
	w.m.users[u.ID] = mu
	for p := range w.m.userHolds(mu) {
		w.m.grant(userKey(u.ID), p, true)
	}
	for x := range mu.mids {
		w.m.grant(userKey(u.ID), buKey(x), true)
	}
	if u.APIUser {
		w.m.grant(userKey(u.ID), "api_user", true)
	}
	return mu
}

func (w *world) addPackage(p *fuelgate.Package, secret string) {
	mp := &mPkg{clientID: p.ClientID, secret: secret, ent: p.EnterpriseMID, mid: p.MID, mids: setOf(p.MIDs...),
		scopes: slices.Clone(p.Scopes), enabled: p.Enabled, app: p.UserApp()}
	mp.mids[p.MID] = true
	w.m.pkgs[p.ClientID] = mp
	for _, sc := range p.Scopes {
		for _, perm := range scopeGives[sc] {
			w.m.grant("pkg:"+p.ClientID, perm, true)
		}
	}
}

// step is one generated operation: what it is, and the check of what it did.
type step struct {
	desc string
	run  func() error // runs the operation and compares with the model; nil error: agreed
}

// outcome is a decision as observed or predicted.
type outcome struct {
	class string
	data  []string // what a read returned, sorted
}

func (o outcome) String() string {
	if o.data == nil {
		return o.class
	}
	return o.class + " " + fmt.Sprint(o.data)
}

func (w *world) agree(got, want outcome) error {
	w.seen[want.class]++
	if got.class != want.class || want.data != nil && !slices.Equal(got.data, want.data) {
		return fmt.Errorf("got %s, model says %s", got, want)
	}
	return nil
}

// ---- actors ----------------------------------------------------------------

// pickActor picks a token (of any server-to-server package, in any BU it
// reaches, with any subset of its scopes), a user, or a web app's token
// acting for a user (any user, in a BU of the user's or the app's, with any
// subset of the app's scopes).
func (w *world) pickActor(p picker) mActor {
	switch p.IntN(3) {
	case 0:
		pk := pick(p, w.packages(false))
		mid := pick(p, slices.Sorted(maps.Keys(pk.mids)))
		return mActor{pkg: pk, mid: mid, scopes: pickScopes(p, pk)}
	case 1:
		if len(w.authorized) > 0 && p.IntN(2) == 0 { // often an app already authorized: its token is in hand
			return pick(p, w.authorized)
		}
		pk, u := pick(p, w.packages(true)), pick(p, sortedValues(w.m.users))
		mids := maps.Clone(pk.mids)
		maps.Copy(mids, u.mids)
		return mActor{pkg: pk, appUser: u, mid: pick(p, mids64(mids)), scopes: pickScopes(p, pk)}
	}
	return mActor{user: pick(p, sortedValues(w.m.users))}
}

// packages lists the web apps (app) or the other packages.
func (w *world) packages(app bool) []*mPkg {
	return slices.DeleteFunc(sortedValues(w.m.pkgs), func(pk *mPkg) bool { return pk.app != app })
}

func pickScopes(p picker, pk *mPkg) []string {
	var scopes []string
	for _, sc := range pk.scopes {
		if p.IntN(2) == 0 {
			scopes = append(scopes, sc)
		}
	}
	return scopes
}

func (a mActor) String() string {
	switch {
	case a.user != nil:
		return "user " + a.user.name
	case a.appUser != nil:
		return fmt.Sprintf("app %s for %s in %d %v", a.pkg.clientID[:6], a.appUser.name, a.mid, a.scopes)
	}
	return fmt.Sprintf("token of %s in %d %v", a.pkg.clientID[:6], a.mid, a.scopes)
}

// soapHeader returns the SOAP header a acts with, getting a token when it
// holds none that is still valid. ok is false when a cannot act (the model
// agreed that /v2/token refuses).
func (w *world) soapHeader(a mActor) (header string, ok bool, err error) {
	if a.user != nil {
		return fgtest.PasswordText(a.user.name, a.user.password), true, nil
	}
	key := a.pkg.clientID + "|" + itoa(a.mid) + "|" + strings.Join(a.scopes, " ")
	var userGen int
	if a.appUser != nil {
		key += "|" + itoa(a.appUser.id)
		userGen = w.userGen[a.appUser.id]
	}
	if ht, held := w.tokens[key]; held && ht.pkgGen == w.pkgGen[a.pkg.clientID] && ht.buGen == w.buGen[a.mid] && ht.userGen == userGen {
		return fgtest.FuelOAuth(ht.token), true, nil
	}
	if a.appUser != nil {
		tok, ok, err := w.appToken(a)
		if err != nil || !ok {
			return "", false, err
		}
		w.tokens[key] = heldToken{token: tok, pkgGen: w.pkgGen[a.pkg.clientID], buGen: w.buGen[a.mid], userGen: userGen}
		return fgtest.FuelOAuth(tok), true, nil
	}
	tok, status := w.requestToken(a)
	if want := w.m.canToken(a.pkg, a.mid); want != (status == http.StatusOK) {
		return "", false, fmt.Errorf("/v2/token for %s: got HTTP %d, model says issued: %t", a, status, want)
	}
	if status != http.StatusOK {
		return "", false, nil
	}
	w.tokens[key] = heldToken{token: tok, pkgGen: w.pkgGen[a.pkg.clientID], buGen: w.buGen[a.mid]}
	return fgtest.FuelOAuth(tok), true, nil
}

// appToken gets a token of the web app a.pkg for a.appUser in a.mid as the
// app would: the user, in a console session, authorizes the app in that BU
// (the authorization page's business-unit step), the app trades the code at
// /v2/token. ok is false when the model agreed that no code is issued.
func (w *world) appToken(a mActor) (string, bool, error) {
	u, want := a.appUser, w.m.canAppAct(a)
	if !w.m.canConsole(u) {
		return "", false, nil // no sign-in: compared by the console steps
	}
	// The session's actor, as the console builds it: no argon2id per step.
	ma, err := w.e.Manage.SessionActor(ctx, u.id, u.pwVersion)
	if err != nil {
		return "", false, fmt.Errorf("session of %s: %v", u.name, err)
	}
	scope := strings.Join(a.scopes, " ")
	az, err := w.e.Server.Auth.Authorize(ctx, auth.AuthorizeRequest{ResponseType: "code", ClientID: a.pkg.clientID,
		RedirectURI: worldRedirect, Scope: &scope})
	if !a.pkg.enabled && errors.Is(err, auth.ErrUnknownApp) {
		return "", false, w.agree(outcome{class: cNoLogin}, outcome{class: cNoLogin})
	}
	if err != nil {
		return "", false, fmt.Errorf("Authorize for %s: %v (package enabled: %t)", a, err, a.pkg.enabled)
	}
	code, err := w.e.Server.Auth.IssueCode(ctx, ma, az, a.mid)
	if (err == nil) != want || err != nil && !errors.Is(err, auth.ErrAccessDenied) {
		return "", false, fmt.Errorf("authorization for %s: got %v, model says issued: %t", a, err, want)
	}
	if err != nil {
		return "", false, w.agree(outcome{class: cNoLogin}, outcome{class: cNoLogin})
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {worldRedirect}}
	req, _ := http.NewRequest(http.MethodPost, w.e.URL+"/v2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(a.pkg.clientID, a.pkg.secret)
	resp, err := w.e.HTTP.Client().Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := decodeJSON(resp, &out); err != nil || resp.StatusCode != http.StatusOK {
		return "", false, fmt.Errorf("exchange for %s: HTTP %d %v", a, resp.StatusCode, err)
	}
	w.appCodes++
	if len(w.authorized) < 64 {
		w.authorized = append(w.authorized, a)
	}
	return out.AccessToken, true, nil
}

func (w *world) requestToken(a mActor) (string, int) {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {a.pkg.clientID},
		"client_secret": {a.pkg.secret}, "account_id": {itoa(a.mid)}, "scope": {strings.Join(a.scopes, " ")}}
	resp, err := w.e.HTTP.Client().PostForm(w.e.URL+"/v2/token", form)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if resp.StatusCode == http.StatusOK {
		if err := decodeJSON(resp, &out); err != nil {
			w.t.Fatal(err)
		}
	}
	return out.AccessToken, resp.StatusCode
}

// browser returns a signed-in console for u, signing in again when the
// model says the session ended. ok is false when u cannot sign in (the
// model agreed).
func (w *world) browser(u *mUser) (*fgtest.Browser, bool, error) {
	if b := w.browsers[u.id]; b != nil && u.sessionPwVer == u.pwVersion && w.m.canConsole(u) {
		return b, true, nil
	}
	delete(w.browsers, u.id)
	b := w.e.Browser(w.t)
	got := b.SignIn(u.name, u.password)
	if want := w.m.canConsole(u); got != want {
		return nil, false, fmt.Errorf("console sign-in of %s: got %t, model says %t", u.name, got, want)
	}
	if !got {
		return nil, false, nil
	}
	u.sessionPwVer = u.pwVersion
	w.browsers[u.id] = b
	return b, true, nil
}

// ---- reading answers ---------------------------------------------------------

// soapOutcome classifies a SOAP answer: a Security fault, a Retrieve
// status, or the first per-object result of a write.
func soapOutcome(r *fgtest.SOAPReply) outcome {
	if r.Fault != nil {
		if r.Fault.String == "Login Failed" {
			return outcome{class: cNoLogin}
		}
		return outcome{class: "fault " + r.Fault.String}
	}
	if st := r.OverallStatus(); strings.HasPrefix(st, "Error: ") && len(r.Results()) == 0 {
		return outcome{class: classOf(strings.TrimPrefix(st, "Error: "))}
	}
	res := r.Results()
	if r.Body != nil && r.Body.Name.Local == "ConfigureResponseMsg" {
		res = r.Body.Path("Results").ChildrenNamed("Result")
	}
	if r.Body != nil && r.Body.Name.Local != "RetrieveResponseMsg" && len(res) > 0 && res[0].ChildText("StatusCode") == "Error" {
		return outcome{class: classOf(res[0].ChildText("StatusMessage"))}
	}
	return outcome{class: cOK}
}

var alertText = regexp.MustCompile(`<p class="error" role="alert"[^>]*>([^<]*)</p>`)

// consoleOutcome classifies a console answer.
func consoleOutcome(p *fgtest.Page) outcome {
	switch p.Status {
	case http.StatusOK, http.StatusCreated, http.StatusSeeOther:
		return outcome{class: cOK}
	case http.StatusNotFound:
		return outcome{class: cNotFound}
	case http.StatusForbidden:
		if m := alertText.FindStringSubmatch(p.Body); m != nil {
			return outcome{class: classOf(html.UnescapeString(m[1]))}
		}
		return outcome{class: cNoPerm}
	case http.StatusBadRequest:
		return outcome{class: cInvalid}
	}
	return outcome{class: "HTTP " + strconv.Itoa(p.Status)}
}

func sortedValues[K comparable, V any](m map[K]V) []V {
	keys := slices.SortedFunc(maps.Keys(m), func(a, b K) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	out := make([]V, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

func mids64(s set[int64]) []int64 { return slices.Sorted(maps.Keys(s)) }

func strs64(v []int64) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = itoa(x)
	}
	slices.Sort(out)
	return out
}
