package manage_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"html"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/soap"
)

// The operations the generator draws: every SOAP object operation, the
// console's forms and pages, and manage's read use-cases, each with the
// model's prediction and the model's new state when it was allowed.

// Caps keep the world small enough that every step stays cheap.
const (
	maxBUs   = 40
	maxUsers = 120
	maxRoles = 30
	maxPkgs  = 40
)

func decodeJSON(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }

// nextStep draws one operation.
func (w *world) nextStep(p picker) step {
	ops := []func(picker) step{
		w.opRetrieveBU, w.opRetrieveUsers, w.opRetrieveRoles, w.opCreateBU, w.opUpdateBU,
		w.opCreateUserSOAP, w.opUpdateUserSOAP, w.opAssign, w.opContinue,
		w.opCreateRole, w.opUpdateRole, w.opCreatePackage, w.opChangePackage,
		w.opCreateUserConsole, w.opUpdateUserConsole, w.opConsolePage, w.opManageReads,
	}
	return pick(p, ops)(p)
}

// pickMIDs draws BUs of both enterprises (some may be unknown to the actor).
func (w *world) pickMIDs(p picker) []int64 {
	all := mids64(setOfKeys(w.m.bus))
	var out []int64
	for range 1 + p.IntN(3) {
		out = append(out, pick(p, all))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func setOfKeys[K comparable, V any](m map[K]V) set[K] {
	s := set[K]{}
	for k := range m {
		s[k] = true
	}
	return s
}

func clientIDs(mids []int64) string {
	var b strings.Builder
	for _, m := range mids {
		b.WriteString(`<ClientIDs><ID>` + itoa(m) + `</ID></ClientIDs>`)
	}
	return b.String()
}

// soapStep wraps a SOAP operation: the header, the login prediction, then run.
func (w *world) soapStep(a mActor, desc string, run func(header string) error) step {
	return step{desc: a.String() + ": " + desc, run: func() error {
		header, ok, err := w.soapHeader(a)
		if err != nil || !ok {
			return err
		}
		if !w.m.canAct(a) {
			r := w.e.SOAP(w.t, "Retrieve", header, fgtest.RetrieveBody("BusinessUnit", []string{"ID"}, ""))
			return w.agree(soapOutcome(r), outcome{class: cNoLogin})
		}
		return run(header)
	}}
}

func (w *world) opRetrieveBU(p picker) step {
	a, mids := w.pickActor(p), w.pickMIDs(p)
	return w.soapStep(a, fmt.Sprintf("Retrieve BusinessUnit %v", mids), func(h string) error {
		want := outcome{class: cOK}
		if !w.m.allows(a, true, pBUView) {
			want = outcome{class: cNoPerm}
		} else {
			want.data = strs64(mids64(intersect(w.m.reach(a), mids)))
		}
		r := w.e.SOAP(w.t, "Retrieve", h, fgtest.RetrieveBody("BusinessUnit", []string{"ID"}, clientIDs(mids)))
		got := soapOutcome(r)
		if got.class == cOK {
			got.data = texts(r.Results(), "ID")
		}
		return w.agree(got, want)
	})
}

func (w *world) opRetrieveUsers(p picker) step {
	a, mids := w.pickActor(p), w.pickMIDs(p)
	return w.soapStep(a, fmt.Sprintf("Retrieve AccountUser %v", mids), func(h string) error {
		want := outcome{class: cNoPerm}
		if w.m.allows(a, false, pUsersView) {
			want = outcome{class: cOK, data: w.m.usersOf(w.m.ent(a), intersect(w.m.reach(a), mids))}
		}
		r := w.e.SOAP(w.t, "Retrieve", h, fgtest.RetrieveBody("AccountUser", []string{"UserID"}, clientIDs(mids)))
		got := soapOutcome(r)
		if got.class == cOK {
			got.data = texts(r.Results(), "UserID")
		}
		return w.agree(got, want)
	})
}

func (w *world) opRetrieveRoles(p picker) step {
	a := w.pickActor(p)
	return w.soapStep(a, "Retrieve Role", func(h string) error {
		want := outcome{class: cNoPerm}
		if w.m.allows(a, false, pRolesView) {
			want = outcome{class: cOK, data: []string{}}
			for _, r := range w.m.roles {
				if (r.ent == 0 || r.ent == w.m.ent(a)) && !strings.HasPrefix(r.name, "Marketing Cloud") {
					want.data = append(want.data, r.name)
				}
			}
			slices.Sort(want.data)
		}
		r := w.e.SOAP(w.t, "Retrieve", h, fgtest.RetrieveBody("Role", []string{"Name"}, ""))
		got := soapOutcome(r)
		if got.class == cOK {
			got.data = texts(r.Results(), "Name")
		}
		return w.agree(got, want)
	})
}

// predictCreateBU is the decision on creating a BU under parent.
func (w *world) predictCreateBU(a mActor, parent int64) string {
	switch {
	case len(w.m.bus) >= maxBUs:
		return "" // not drawn
	case !w.m.allows(a, false, pBUMgr):
		return cNoPerm
	case !w.m.inReach(a, parent):
		return cReach
	case !w.m.bus[parent].active:
		return cInvalid
	}
	return cOK
}

// applyCreateBU adds the BU a created, and assigns a user creator (or the
// user a web app acted for) to it.
func (w *world) applyCreateBU(a mActor, mid, parent int64) {
	w.m.bus[mid] = &mBU{mid: mid, parent: parent, ent: w.m.bus[parent].ent, active: true}
	if u := cmp.Or(a.user, a.appUser); u != nil {
		u.mids[mid] = true
		w.m.grant(userKey(u.id), buKey(mid), true) // the creator is the first holder
	}
}

func (w *world) opCreateBU(p picker) step {
	a := w.pickActor(p)
	parent := pick(p, mids64(setOfKeys(w.m.bus)))
	if w.predictCreateBU(a, parent) == "" {
		return w.opRetrieveBU(p)
	}
	return w.soapStep(a, fmt.Sprintf("Create BusinessUnit under %d", parent), func(h string) error {
		want := outcome{class: w.predictCreateBU(a, parent)}
		mid := w.m.nextMID()
		r := w.e.SOAP(w.t, "Create", h, fgtest.WriteBody("Create", fgtest.Object("BusinessUnit",
			`<ParentID>`+itoa(parent)+`</ParentID><Name>`+w.name("bu")+`</Name>`)))
		if err := w.agree(soapOutcome(r), want); err != nil || want.class != cOK {
			return err
		}
		if got := r.Results()[0].ChildText("NewID"); got != itoa(mid) {
			return fmt.Errorf("NewID %s, model says %d", got, mid)
		}
		w.applyCreateBU(a, mid, parent)
		return nil
	})
}

// predictUpdateBU is the decision on renaming or (de)activating target.
func (w *world) predictUpdateBU(a mActor, target int64, deactivate bool) string {
	switch {
	case !w.m.allows(a, false, pBUMgr):
		return cNoPerm
	case !w.m.inReach(a, target):
		return cReach
	case deactivate && w.m.bus[target].parent == 0:
		return cInvalid
	}
	return cOK
}

func (w *world) applyUpdateBU(target int64, active *bool) {
	if active == nil {
		return
	}
	if !*active && w.m.bus[target].active {
		w.buGen[target]++ // its tokens are revoked
	}
	w.m.bus[target].active = *active
}

func (w *world) opUpdateBU(p picker) step {
	a := w.pickActor(p)
	target := pick(p, mids64(setOfKeys(w.m.bus)))
	action := pick(p, []string{"rename", "deactivate", "activate"})
	return w.soapStep(a, fmt.Sprintf("Update BusinessUnit %d (%s)", target, action), func(h string) error {
		want := outcome{class: w.predictUpdateBU(a, target, action == "deactivate")}
		inner := `<ID>` + itoa(target) + `</ID>`
		var active *bool
		switch action {
		case "rename":
			inner += `<Name>` + w.name("renamed") + `</Name>`
		default:
			v := action == "activate"
			active = &v
			inner += `<IsActive>` + map[bool]string{true: "1", false: "0"}[v] + `</IsActive>`
		}
		r := w.e.SOAP(w.t, "Update", h, fgtest.WriteBody("Update", fgtest.Object("BusinessUnit", inner)))
		if err := w.agree(soapOutcome(r), want); err != nil || want.class != cOK {
			return err
		}
		w.applyUpdateBU(target, active)
		return nil
	})
}

// pickRoles draws roles of both enterprises and system roles.
func (w *world) pickRoles(p picker) []string {
	all := slices.Sorted(maps.Keys(w.m.roles))
	var out []string
	for range p.IntN(3) {
		out = append(out, pick(p, all))
	}
	return out
}

// newUserSpec is what a create asks for.
type newUserSpec struct {
	def     int64
	extra   []int64
	roles   []string
	apiUser bool
}

// predictCreateUser is the decision on creating a user, in the use-case's
// order: permission and reach of the default BU, the BU active, the roles
// known in its enterprise, the further BUs reached, then the grant limits
// (roles, then the API User flag).
func (w *world) predictCreateUser(a mActor, s newUserSpec) string {
	switch {
	case len(w.m.users) >= maxUsers:
		return ""
	case !w.m.allows(a, false, pUsersMgr):
		return cNoPerm
	case !w.m.inReach(a, s.def):
		return cReach
	case !w.m.bus[s.def].active:
		return cInvalid
	}
	ent := w.m.bus[s.def].ent
	var roles []*mRole
	for _, id := range s.roles {
		r := w.m.roleByID(ent, id)
		if r == nil {
			return cInvalid
		}
		roles = append(roles, r)
	}
	if !w.m.inReach(a, s.extra...) {
		return cReach
	}
	for _, r := range roles {
		if w.m.lacks(a, r.perms) {
			return cGrant
		}
	}
	if s.apiUser && !w.m.apiAccess(a) {
		return cGrant
	}
	return cOK
}

func (w *world) applyCreateUser(a mActor, s newUserSpec, id int64, name string) {
	ent := w.m.bus[s.def].ent
	u := &mUser{id: id, name: name, ent: ent, def: s.def, mids: setOf(append(slices.Clone(s.extra), s.def)...),
		apiUser: s.apiUser, active: true, password: fgtest.Password, pwVersion: 1}
	var roles []*mRole
	for _, id := range s.roles {
		if !slices.Contains(u.roles, id) {
			u.roles = append(u.roles, id)
			roles = append(roles, w.m.roles[id])
		}
	}
	w.m.users[id] = u
	w.m.recordUserGrants(a, u, roles, u.mids, s.apiUser)
}

// roleXML is the Role references of ids, for inside <Roles>.
func roleXML(ids []string) string {
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(`<Role><ObjectID>` + id + `</ObjectID></Role>`)
	}
	return b.String()
}

func (w *world) opCreateUserSOAP(p picker) step {
	a := w.pickActor(p)
	s := newUserSpec{def: pick(p, mids64(setOfKeys(w.m.bus))), roles: w.pickRoles(p), apiUser: p.IntN(2) == 0}
	if w.predictCreateUser(a, s) == "" {
		return w.opRetrieveUsers(p)
	}
	return w.soapStep(a, fmt.Sprintf("Create AccountUser in %d roles %v api %t", s.def, s.roles, s.apiUser), func(h string) error {
		want := outcome{class: w.predictCreateUser(a, s)}
		name := w.name("soapuser")
		r := w.e.SOAP(w.t, "Create", h, fgtest.WriteBody("Create", createUserObject(s.def, name,
			`<Roles>`+roleXML(s.roles)+`</Roles><IsAPIUser>`+fmt.Sprint(s.apiUser)+`</IsAPIUser>`)))
		if err := w.agree(soapOutcome(r), want); err != nil || want.class != cOK {
			return err
		}
		var id int64
		fmt.Sscan(r.Results()[0].ChildText("NewID"), &id)
		w.applyCreateUser(a, s, id, name)
		return nil
	})
}

// userChange is a change of an existing user; unset fields stay.
type userChange struct {
	desc     string
	password string // the new password, "" unchanged
	name     bool
	active   *bool
	setRoles bool
	roles    []string
	def      *int64
	extra    []int64 // with setBUs: the BUs besides the default
	setBUs   bool
	apiUser  *bool
}

// predictUpdateUser is the decision on changing u, in the use-case's order:
// the permission, the user's enterprise, the target limits (reach of every
// BU of theirs, then their permissions), the roles known, the new BUs
// reached and the new default active, then the grant limits.
func (w *world) predictUpdateUser(a mActor, u *mUser, c userChange) string {
	switch {
	case !w.m.allows(a, false, pUsersMgr):
		return cNoPerm
	case u.ent != w.m.ent(a):
		return cInvalid
	case !w.m.inReach(a, mids64(u.mids)...):
		return cReach
	case w.m.lacks(a, w.m.userHolds(u)):
		return cTarget
	}
	var roles []*mRole
	if c.setRoles {
		for _, id := range c.roles {
			r := w.m.roleByID(u.ent, id)
			if r == nil {
				return cInvalid
			}
			roles = append(roles, r)
		}
	}
	if c.def != nil || c.setBUs {
		def, extra := w.newBUs(u, c)
		if !w.m.inReach(a, append(extra, def)...) {
			return cReach
		}
		if def != u.def && !w.m.bus[def].active {
			return cInvalid
		}
	}
	for _, r := range roles {
		if w.m.lacks(a, r.perms) {
			return cGrant
		}
	}
	if c.apiUser != nil && *c.apiUser && !u.apiUser && !w.m.apiAccess(a) {
		return cGrant
	}
	return cOK
}

// newBUs is the default BU and further BUs of u after c.
func (w *world) newBUs(u *mUser, c userChange) (int64, []int64) {
	def := u.def
	if c.def != nil {
		def = *c.def
	}
	extra := mids64(u.mids)
	if c.setBUs {
		extra = c.extra
	}
	return def, extra
}

func (w *world) applyUpdateUser(a mActor, u *mUser, c userChange) {
	if c.password != "" || c.active != nil && !*c.active && u.active {
		w.userGen[u.id]++ // a new password or deactivation revokes the apps' tokens
	}
	if c.password != "" {
		u.password = c.password
		u.pwVersion++
	}
	if c.active != nil {
		u.active = *c.active
	}
	if c.setRoles {
		u.roles = nil
		var roles []*mRole
		for _, id := range c.roles {
			if !slices.Contains(u.roles, id) {
				u.roles = append(u.roles, id)
				roles = append(roles, w.m.roles[id])
			}
		}
		w.m.recordUserGrants(a, u, roles, nil, false)
	}
	if c.def != nil || c.setBUs {
		def, extra := w.newBUs(u, c)
		mids := setOf(append(extra, def)...)
		added := set[int64]{}
		for x := range mids {
			if !u.mids[x] {
				added[x] = true
			}
		}
		u.def, u.mids = def, mids
		w.m.recordUserGrants(a, u, nil, added, false)
	}
	if c.apiUser != nil {
		w.m.recordUserGrants(a, u, nil, nil, *c.apiUser && !u.apiUser)
		u.apiUser = *c.apiUser
	}
}

// pickChange draws a SOAP Update of one member.
func (w *world) pickChange(p picker) (userChange, string) {
	switch p.IntN(6) {
	case 0:
		pw := w.name("Passw0rd-")
		return userChange{desc: "password", password: pw}, `<Password>` + pw + `</Password>`
	case 1:
		return userChange{desc: "name", name: true}, `<Name>` + w.name("n") + `</Name>`
	case 2:
		v := p.IntN(3) > 0
		return userChange{desc: fmt.Sprint("active ", v), active: &v}, `<ActiveFlag>` + fmt.Sprint(v) + `</ActiveFlag>`
	case 3:
		roles := w.pickRoles(p)
		return userChange{desc: fmt.Sprint("roles ", roles), setRoles: true, roles: roles}, `<Roles>` + roleXML(roles) + `</Roles>`
	case 4:
		d := pick(p, mids64(setOfKeys(w.m.bus)))
		return userChange{desc: fmt.Sprint("default ", d), def: &d}, `<DefaultBusinessUnit>` + itoa(d) + `</DefaultBusinessUnit>`
	}
	v := p.IntN(2) == 0
	return userChange{desc: fmt.Sprint("api ", v), apiUser: &v}, `<IsAPIUser>` + fmt.Sprint(v) + `</IsAPIUser>`
}

func (w *world) opUpdateUserSOAP(p picker) step {
	a, u := w.pickActor(p), pick(p, sortedValues(w.m.users))
	c, member := w.pickChange(p)
	return w.soapStep(a, fmt.Sprintf("Update AccountUser %s: %s", u.name, c.desc), func(h string) error {
		want := outcome{class: w.predictUpdateUser(a, u, c)}
		r := w.e.SOAP(w.t, "Update", h, fgtest.WriteBody("Update", fgtest.Object("AccountUser",
			`<AccountUserID>`+itoa(u.id)+`</AccountUserID>`+member)))
		if err := w.agree(soapOutcome(r), want); err != nil || want.class != cOK {
			return err
		}
		w.applyUpdateUser(a, u, c)
		return nil
	})
}

func (w *world) opAssign(p picker) step {
	a, u := w.pickActor(p), pick(p, sortedValues(w.m.users))
	mid, del := pick(p, mids64(setOfKeys(w.m.bus))), p.IntN(3) == 0
	return w.soapStep(a, fmt.Sprintf("Configure assign %s %d delete %t", u.name, mid, del), func(h string) error {
		want := cOK
		newMIDs := maps.Clone(u.mids)
		newMIDs[mid] = !del
		switch {
		case !w.m.allows(a, false, pUsersMgr):
			want = cNoPerm
		case u.ent != w.m.ent(a):
			want = cInvalid
		case del && mid == u.def:
			want = cInvalid
		case !w.m.inReach(a, mids64(u.mids)...):
			want = cReach
		case w.m.lacks(a, w.m.userHolds(u)):
			want = cTarget
		case !del && !w.m.inReach(a, mid):
			want = cReach
		}
		cfg := `<BusinessUnitAssignmentConfiguration><BusinessUnitIds><BusinessUnitId>` + itoa(mid) +
			`</BusinessUnitId></BusinessUnitIds><IsDelete>` + fmt.Sprint(del) + `</IsDelete></BusinessUnitAssignmentConfiguration>`
		body := `<ConfigureRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><Action>assign</Action><Configurations>` +
			`<Configuration xsi:type="AccountUser"><AccountUserID>` + itoa(u.id) + `</AccountUserID>` + cfg +
			`</Configuration></Configurations></ConfigureRequestMsg>`
		r := w.e.SOAP(w.t, "Configure", h, body)
		if err := w.agree(soapOutcome(r), outcome{class: want}); err != nil || want != cOK {
			return err
		}
		if del {
			delete(u.mids, mid)
		} else if !u.mids[mid] {
			u.mids[mid] = true
			w.m.grant(userKey(u.id), buKey(mid), true) // the actor reaches it
		}
		return nil
	})
}

// opContinue starts a paged Retrieve of AccountUser as one actor and
// continues it as another: only the same principal (same package and BU,
// or same user) continues, and only with the permission it holds now.
func (w *world) opContinue(p picker) step {
	a, b := w.pickActor(p), w.pickActor(p)
	if p.IntN(2) == 0 && a.user == nil { // often, another token of the same package and BU (and user)
		b = mActor{pkg: a.pkg, mid: a.mid, appUser: a.appUser}
		for _, sc := range a.pkg.scopes {
			if p.IntN(2) == 0 {
				b.scopes = append(b.scopes, sc)
			}
		}
	}
	return step{desc: fmt.Sprintf("%s starts a paged Retrieve, %s continues", a, b), run: func() error {
		ha, ok, err := w.soapHeader(a)
		if err != nil || !ok || !w.m.canAct(a) || !w.m.allows(a, false, pUsersView) {
			return err
		}
		if len(w.m.usersOf(w.m.ent(a), setOf(w.m.home(a)))) < 2 {
			return nil
		}
		first := w.e.SOAP(w.t, "Retrieve", ha, fgtest.RetrieveBody("AccountUser", []string{"UserID"}, `<Options><BatchSize>1</BatchSize></Options>`))
		if first.OverallStatus() != "MoreDataAvailable" {
			return fmt.Errorf("first page: %q", first.OverallStatus())
		}
		hb, ok, err := w.soapHeader(b)
		if err != nil || !ok {
			return err
		}
		same := a.user != nil && b.user != nil && a.user.id == b.user.id ||
			a.user == nil && b.user == nil && a.pkg == b.pkg && a.mid == b.mid && a.appUser == b.appUser
		want := outcome{class: cInvalid} // unknown to another principal
		switch {
		case !w.m.canAct(b):
			want.class = cNoLogin
		case same && !w.m.allows(b, false, pUsersView):
			want.class = cNoPerm
		case same:
			want.class = cOK
		}
		r := w.e.SOAP(w.t, "Retrieve", hb, fgtest.RetrieveBody("", nil, `<ContinueRequest>`+first.Body.ChildText("RequestID")+`</ContinueRequest>`))
		got := soapOutcome(r)
		if got.class == cOK && len(r.Results()) != 1 {
			return fmt.Errorf("continued: %d results, want 1", len(r.Results()))
		}
		return w.agree(got, want)
	}}
}

// ---- console -----------------------------------------------------------------

// consoleStep wraps a console operation of a user actor.
func (w *world) consoleStep(u *mUser, desc string, run func(b *fgtest.Browser) error) step {
	return step{desc: "console user " + u.name + ": " + desc, run: func() error {
		b, ok, err := w.browser(u)
		if err != nil || !ok {
			return err
		}
		return run(b)
	}}
}

func (w *world) pickUser(p picker) *mUser { return pick(p, sortedValues(w.m.users)) }

func (w *world) pickPerms(p picker) []string {
	var out []string
	for _, perm := range allPerms {
		if p.IntN(3) == 0 {
			out = append(out, perm)
		}
	}
	return out
}

var roleLocation = regexp.MustCompile(`^/console/roles/([^?]+)\?ok=created$`)

func (w *world) opCreateRole(p picker) step {
	u, perms := w.pickUser(p), w.pickPerms(p)
	if len(w.m.roles) >= maxRoles {
		return w.opConsolePage(p)
	}
	return w.consoleStep(u, fmt.Sprintf("create role %v", perms), func(b *fgtest.Browser) error {
		a := mActor{user: u}
		want := cOK
		switch {
		case !w.m.allows(a, false, pRolesMgr):
			want = cNoPerm
		case !w.m.inReach(a, u.ent):
			want = cReach
		case w.m.lacks(a, setOf(perms...)):
			want = cGrant
		}
		name := w.name("Role ")
		page := b.Post("/console/roles", url.Values{"name": {name}, "perms": perms})
		if err := w.agree(consoleOutcome(page), outcome{class: want}); err != nil || want != cOK {
			return err
		}
		m := roleLocation.FindStringSubmatch(page.Location)
		if m == nil {
			return fmt.Errorf("role created, redirected to %q", page.Location)
		}
		id, _ := url.PathUnescape(m[1])
		w.m.roles[id] = &mRole{id: id, name: name, ent: u.ent, perms: setOf(perms...)}
		return nil
	})
}

func (w *world) opUpdateRole(p picker) step {
	u, perms := w.pickUser(p), w.pickPerms(p)
	var custom []*mRole
	for _, r := range sortedValues(w.m.roles) {
		if r.ent != 0 {
			custom = append(custom, r)
		}
	}
	r := pick(p, custom)
	return w.consoleStep(u, fmt.Sprintf("update role %s to %v", r.name, perms), func(b *fgtest.Browser) error {
		a := mActor{user: u}
		want := cOK
		switch {
		case !w.m.allows(a, false, pRolesView):
			want = cNoPerm
		case r.ent != u.ent:
			want = cNotFound
		case !w.m.allows(a, false, pRolesMgr):
			want = cNoPerm
		case !w.m.inReach(a, r.ent):
			want = cReach
		case w.m.lacks(a, r.perms):
			want = cTarget
		case w.m.lacks(a, setOf(perms...)):
			want = cGrant
		}
		page := b.Post("/console/roles/"+url.PathEscape(r.id), url.Values{"description": {"d"}, "perms": perms})
		if err := w.agree(consoleOutcome(page), outcome{class: want}); err != nil || want != cOK {
			return err
		}
		held := w.m.perms(a)
		r.perms = setOf(perms...)
		for _, holder := range w.m.users {
			if slices.Contains(holder.roles, r.id) {
				for _, perm := range perms {
					w.m.grant(userKey(holder.id), perm, held[perm])
				}
			}
		}
		return nil
	})
}

var (
	clientIDText = regexp.MustCompile(`<code id="client-id">([^<]+)</code>`)
	secretText   = regexp.MustCompile(`id="client-secret" type="text" readonly value="([^"]+)"`)
)

func (w *world) opCreatePackage(p picker) step {
	u := w.pickUser(p)
	mid := pick(p, mids64(setOfKeys(w.m.bus)))
	extra := w.pickMIDs(p)[:p.IntN(2)]
	var scopes []string
	for _, sc := range strings.Fields(modelScopes + " email_read") {
		if p.IntN(2) == 0 {
			scopes = append(scopes, sc)
		}
	}
	if len(w.m.pkgs) >= maxPkgs {
		return w.opConsolePage(p)
	}
	return w.consoleStep(u, fmt.Sprintf("create package in %d (+%v) %v", mid, extra, scopes), func(b *fgtest.Browser) error {
		a := mActor{user: u}
		gives := set[string]{}
		for _, sc := range scopes {
			for _, perm := range scopeGives[sc] {
				gives[perm] = true
			}
		}
		want := cOK
		switch {
		case !w.m.allows(a, false, pPkgAdmin):
			want = cNoPerm
		case !w.m.inReach(a, mid):
			want = cReach
		case !w.m.bus[mid].active:
			want = cInvalid
		case !w.m.inReach(a, extra...):
			want = cReach
		case w.m.lacks(a, gives):
			want = cGrant
		}
		form := url.Values{"name": {w.name("Package ")}, "mid": {itoa(mid)}, "scopes": scopes}
		for _, x := range extra {
			form.Add("mids", itoa(x))
		}
		page := b.Post("/console/packages", form)
		if err := w.agree(consoleOutcome(page), outcome{class: want}); err != nil || want != cOK {
			return err
		}
		id, sec := clientIDText.FindStringSubmatch(page.Body), secretText.FindStringSubmatch(page.Body)
		if id == nil || sec == nil {
			return fmt.Errorf("package page without client ID or secret")
		}
		pk := &mPkg{clientID: id[1], secret: html.UnescapeString(sec[1]), ent: w.m.bus[mid].ent, mid: mid,
			mids: setOf(append(slices.Clone(extra), mid)...), enabled: true}
		for _, sc := range scopes {
			if strings.Contains(modelScopes, sc) {
				pk.scopes = append(pk.scopes, sc)
			}
		}
		slices.Sort(pk.scopes)
		w.m.pkgs[pk.clientID] = pk
		held := w.m.perms(a)
		for perm := range gives {
			w.m.grant("pkg:"+pk.clientID, perm, held[perm])
		}
		return nil
	})
}

func (w *world) opChangePackage(p picker) step {
	u, pk := w.pickUser(p), pick(p, sortedValues(w.m.pkgs))
	action := pick(p, []string{"rotate", "disable", "enable"})
	return w.consoleStep(u, fmt.Sprintf("%s package %s", action, pk.clientID[:6]), func(b *fgtest.Browser) error {
		a := mActor{user: u}
		gives := set[string]{}
		for _, sc := range pk.scopes {
			for _, perm := range scopeGives[sc] {
				gives[perm] = true
			}
		}
		want := cOK
		switch {
		case !w.m.allows(a, false, pPkgView, pPkgAdmin):
			want = cNoPerm
		case pk.ent != u.ent || !w.m.inReach(a, pk.mid):
			want = cNotFound
		case !w.m.allows(a, false, pPkgAdmin):
			want = cNoPerm
		case !w.m.inReach(a, mids64(pk.mids)...):
			want = cReach
		case w.m.lacks(a, gives):
			want = cTarget
		}
		var page *fgtest.Page
		path := "/console/packages/" + pk.clientID
		if action == "rotate" {
			page = b.Post(path+"/rotate", url.Values{"overlap": {"0"}})
		} else {
			page = b.Post(path+"/enabled", url.Values{"enabled": {fmt.Sprint(action == "enable")}})
		}
		if err := w.agree(consoleOutcome(page), outcome{class: want}); err != nil || want != cOK {
			return err
		}
		switch action {
		case "rotate":
			sec := secretText.FindStringSubmatch(page.Body)
			if sec == nil {
				return fmt.Errorf("rotation page without the new secret")
			}
			pk.secret = html.UnescapeString(sec[1])
			w.pkgGen[pk.clientID]++
		case "disable":
			pk.enabled = false
			w.pkgGen[pk.clientID]++
		case "enable":
			pk.enabled = true
		}
		return nil
	})
}

var userLocation = regexp.MustCompile(`^/console/users/(\d+)\?ok=created$`)

func (w *world) opCreateUserConsole(p picker) step {
	u := w.pickUser(p)
	s := newUserSpec{def: pick(p, mids64(setOfKeys(w.m.bus))), extra: w.pickMIDs(p)[:p.IntN(2)], roles: w.pickRoles(p), apiUser: p.IntN(2) == 0}
	if w.predictCreateUser(mActor{user: u}, s) == "" {
		return w.opConsolePage(p)
	}
	return w.consoleStep(u, fmt.Sprintf("create user in %d (+%v) roles %v api %t", s.def, s.extra, s.roles, s.apiUser), func(b *fgtest.Browser) error {
		a := mActor{user: u}
		want := outcome{class: w.predictCreateUser(a, s)}
		name := w.name("consoleuser")
		form := url.Values{"username": {name}, "name": {name}, "email": {name + "@example.com"}, "password": {fgtest.Password},
			"default_mid": {itoa(s.def)}, "active": {"on"}, "roles": s.roles}
		if s.apiUser {
			form.Set("api_user", "on")
		}
		for _, x := range s.extra {
			form.Add("mids", itoa(x))
		}
		page := b.Post("/console/users", form)
		if err := w.agree(consoleOutcome(page), want); err != nil || want.class != cOK {
			return err
		}
		m := userLocation.FindStringSubmatch(page.Location)
		if m == nil {
			return fmt.Errorf("user created, redirected to %q", page.Location)
		}
		var id int64
		fmt.Sscan(m[1], &id)
		w.applyCreateUser(a, s, id, name)
		return nil
	})
}

// opUpdateUserConsole saves the user form with one field changed: the form
// carries every field, so the roles, BUs and flags are all sent.
func (w *world) opUpdateUserConsole(p picker) step {
	u, target := w.pickUser(p), w.pickUser(p)
	what := p.IntN(5)
	newRoles, newDef, newActive, newAPI := w.pickRoles(p), pick(p, mids64(setOfKeys(w.m.bus))), p.IntN(3) > 0, p.IntN(2) == 0
	dropBU := p.IntN(2) == 0
	return w.consoleStep(u, fmt.Sprintf("save user %s (change %d)", target.name, what), func(b *fgtest.Browser) error {
		a := mActor{user: u}
		c := userChange{name: true, setRoles: true, roles: slices.Clone(target.roles), setBUs: true}
		def, active, api := target.def, target.active, target.apiUser
		for x := range target.mids {
			if x != target.def {
				c.extra = append(c.extra, x)
			}
		}
		slices.Sort(c.extra)
		switch what {
		case 0:
			c.roles = newRoles
		case 1:
			def = newDef
		case 2:
			active = newActive
		case 3:
			api = newAPI
		case 4:
			if dropBU && len(c.extra) > 0 {
				c.extra = c.extra[1:]
			} else {
				c.extra = append(c.extra, newDef)
			}
		}
		c.def, c.active, c.apiUser = &def, &active, &api
		c.desc = fmt.Sprintf("roles %v default %d BUs %v active %t api %t", c.roles, def, c.extra, active, api)
		form := url.Values{"action": {"save"}, "name": {target.name}, "email": {target.name + "@example.com"},
			"default_mid": {itoa(def)}, "roles": c.roles}
		for _, x := range c.extra {
			form.Add("mids", itoa(x))
		}
		if active {
			form.Set("active", "on")
		}
		if api {
			form.Set("api_user", "on")
		}
		want := cOK
		switch {
		case !w.m.allows(a, false, pUsersView):
			want = cNoPerm
		case target.ent != u.ent || !w.m.inReach(a, target.def):
			want = cNotFound
		default:
			want = w.predictUpdateUser(a, target, c)
		}
		page := b.Post("/console/users/"+itoa(target.id), form)
		if err := w.agree(consoleOutcome(page), outcome{class: want}); err != nil {
			return fmt.Errorf("%s: %w", c.desc, err)
		}
		if want == cOK {
			w.applyUpdateUser(a, target, c)
		}
		return nil
	})
}

func (w *world) opConsolePage(p picker) step {
	u := w.pickUser(p)
	target := w.pickUser(p)
	page := pick(p, []string{"/console/users/" + itoa(target.id), "/console/settings", "/console/audit", "/console/packages",
		"/console/business-units", "/console/roles", "/console/users/new", "/console/packages/new", "/console/roles/new"})
	return w.consoleStep(u, "GET "+page, func(b *fgtest.Browser) error {
		a := mActor{user: u}
		want := cOK
		switch page {
		case "/console/settings":
			if !w.m.allows(a, false, pSecView) {
				want = cNoPerm
			} else if !w.m.inReach(a, u.ent) {
				want = cReach
			}
		case "/console/audit":
			want = map[bool]string{true: cOK, false: cNoPerm}[w.m.allows(a, false, pAuditView)]
		case "/console/packages":
			want = map[bool]string{true: cOK, false: cNoPerm}[w.m.allows(a, false, pPkgView, pPkgAdmin)]
		case "/console/roles":
			want = map[bool]string{true: cOK, false: cNoPerm}[w.m.allows(a, false, pRolesView)]
		case "/console/users/new":
			want = map[bool]string{true: cOK, false: cNoPerm}[w.m.allows(a, false, pUsersMgr)]
		case "/console/packages/new":
			want = map[bool]string{true: cOK, false: cNoPerm}[w.m.allows(a, false, pPkgAdmin)]
		case "/console/roles/new":
			want = map[bool]string{true: cOK, false: cNoPerm}[w.m.allows(a, false, pRolesMgr)]
		case "/console/business-units":
		default: // a user's page
			switch {
			case !w.m.allows(a, false, pUsersView):
				want = cNoPerm
			case target.ent != u.ent || !w.m.inReach(a, target.def):
				want = cNotFound
			}
		}
		return w.agree(consoleOutcome(b.Get(page)), outcome{class: want})
	})
}

// opManageReads calls manage's read use-cases in-process with the actor
// auth gives a console sign-in or a token.
func (w *world) opManageReads(p picker) step {
	a := w.pickActor(p)
	return step{desc: a.String() + ": manage reads", run: func() error {
		if a.user != nil {
			if !w.m.canConsole(a.user) {
				return nil
			}
			ma, err := w.e.Server.Auth.SignIn(ctx, a.user.name, a.user.password, "")
			if err != nil {
				return fmt.Errorf("SignIn: %v", err)
			}
			return w.checkReads(a, ma)
		}
		header, ok, err := w.soapHeader(a)
		if err != nil || !ok || !w.m.canAct(a) {
			return err
		}
		tok := strings.TrimSuffix(strings.TrimPrefix(header, `<fueloauth xmlns="http://exacttarget.com">`), `</fueloauth>`)
		ma, err := w.e.Server.Auth.VerifyToken(ctx, tok)
		if err != nil {
			return fmt.Errorf("VerifyToken: %v", err)
		}
		return w.checkReads(a, ma)
	}}
}

func texts(els []*soap.Element, path ...string) []string {
	out := []string{}
	for _, e := range els {
		out = append(out, e.Path(path...).TrimmedText())
	}
	slices.Sort(out)
	return out
}
