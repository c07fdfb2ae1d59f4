package manage_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
)

// TestAuthorizationModel runs random sequences of operations — every SOAP
// object operation, the console's forms and pages, manage's read use-cases
// — by random actors (tokens of every scope set in the enterprise, a child,
// a grandchild and a second enterprise; users of every system role and of
// custom roles in each of those BUs; web apps' tokens acting for any of
// those users in any BU) against a real server on a real SQLite
// file. After every step the decision must equal the reference model's, and
// every few steps the stored state must equal the model's and nobody may
// hold a permission, BU or flag that was not given by someone who held it.
//
// It runs for FUELGATE_MODEL_DURATION (default 20s, 3s with -short) from
// the seed FUELGATE_MODEL_SEED (default: the time), which it prints.
func TestAuthorizationModel(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("FUELGATE_MODEL_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("FUELGATE_MODEL_SEED: %v", err)
		}
	}
	budget := 20 * time.Second
	if testing.Short() {
		budget = 3 * time.Second
	}
	if s := os.Getenv("FUELGATE_MODEL_DURATION"); s != "" {
		var err error
		if budget, err = time.ParseDuration(s); err != nil {
			t.Fatalf("FUELGATE_MODEL_DURATION: %v", err)
		}
	}
	t.Logf("seed %d (rerun with FUELGATE_MODEL_SEED=%d)", seed, seed)
	w := newWorld(t)
	rng := rand.New(rand.NewPCG(seed, seed>>1|1))
	deadline := time.Now().Add(budget)
	sequences, steps := 0, 0
	// At least minSequences run whatever the machine's speed (a busy
	// machine takes longer, it does not test less); more while the budget
	// lasts, and on until every class of decision has been compared (up to
	// maxSequences), so a slow run still covers what a fast one does.
	minSequences, maxSequences := 50, 2000
	if testing.Short() {
		minSequences, maxSequences = 0, 0
	}
	for sequences < minSequences || time.Now().Before(deadline) ||
		(sequences < maxSequences && (len(w.unseen(allClasses)) > 0 || w.appCodes == 0)) {
		n := 1 + rng.IntN(8)
		for i := range n {
			s := w.nextStep(rng)
			if err := s.run(); err != nil {
				t.Fatalf("seed %d, sequence %d, step %d (%s): %v", seed, sequences, i, s.desc, err)
			}
			steps++
		}
		sequences++
		if sequences%5 == 0 {
			if err := w.checkState(); err != nil {
				t.Fatalf("seed %d, after sequence %d: %v", seed, sequences, err)
			}
		}
	}
	if err := w.checkState(); err != nil {
		t.Fatalf("seed %d, at the end: %v", seed, err)
	}
	t.Logf("%d sequences, %d steps; %d BUs, %d users, %d roles, %d packages at the end; %d web app codes traded; decisions by class: %v",
		sequences, steps, len(w.m.bus), len(w.m.users), len(w.m.roles), len(w.m.pkgs), w.appCodes, w.seen)
	if testing.Short() {
		return
	}
	if w.appCodes == 0 {
		t.Error("no web app token was used: the app actors were not compared")
	}
	// The generator must reach every kind of decision, or the comparison proves little.
	for _, class := range w.unseen(allClasses) {
		t.Errorf("no decision of class %q was compared in %d sequences", class, sequences)
	}
}

// allClasses are the kinds of decision the generator must reach.
var allClasses = []string{cOK, cNoLogin, cNoPerm, cReach, cGrant, cTarget, cInvalid, cNotFound}

// unseen lists the classes of which no decision has been compared yet.
func (w *world) unseen(classes []string) []string {
	var out []string
	for _, c := range classes {
		if w.seen[c] == 0 {
			out = append(out, c)
		}
	}
	return out
}

// FuzzAuthorizationModel drives the same generator from the fuzzer's bytes:
// each input is one operation on a world that lives as long as the fuzzing
// process, compared with the model like every step of the model-based test.
func FuzzAuthorizationModel(f *testing.F) {
	for _, seed := range [][]byte{{0}, {3, 1, 2, 7}, {5, 0, 0, 1, 4, 200}, {6, 9, 9, 9}, {13, 2, 4, 1, 0, 1}, {16, 1}} {
		f.Add(seed)
	}
	w := newWorld(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		w.t = t
		s := w.nextStep(&bytePicker{b: data})
		if err := s.run(); err != nil {
			t.Fatalf("%s: %v", s.desc, err)
		}
		if err := w.checkState(); err != nil {
			t.Fatalf("after %s: %v", s.desc, err)
		}
	})
}

// checkReads compares manage's read use-cases for actor ma with the model.
func (w *world) checkReads(a mActor, ma *manage.Actor) error {
	reach := w.m.reach(a)
	users, err := w.e.Manage.Users(ctx, ma, fuelgate.UserFilter{})
	want := outcome{class: cNoPerm}
	if w.m.allows(a, false, pUsersView) {
		want = outcome{class: cOK, data: w.m.usersOf(w.m.ent(a), reach)}
	}
	got := readOutcome(err)
	if got.class == cOK {
		got.data = []string{}
		for _, u := range users {
			got.data = append(got.data, u.Username)
		}
		slices.Sort(got.data)
	}
	if err := w.agree(got, want); err != nil {
		return fmt.Errorf("Users: %w", err)
	}

	pkgs, err := w.e.Manage.Packages(ctx, ma)
	want = outcome{class: cNoPerm}
	if w.m.allows(a, false, pPkgView, pPkgAdmin) {
		want = outcome{class: cOK, data: []string{}}
		for _, p := range w.m.pkgs {
			if p.ent == w.m.ent(a) && reach[p.mid] {
				want.data = append(want.data, p.clientID)
			}
		}
		slices.Sort(want.data)
	}
	got = readOutcome(err)
	if got.class == cOK {
		got.data = []string{}
		for _, p := range pkgs {
			got.data = append(got.data, p.ClientID)
		}
		slices.Sort(got.data)
	}
	if err := w.agree(got, want); err != nil {
		return fmt.Errorf("Packages: %w", err)
	}

	bus, err := w.e.Manage.BusinessUnits(ctx, ma)
	want = outcome{class: cNoPerm}
	if w.m.allows(a, true, pBUView) {
		want = outcome{class: cOK, data: strs64(mids64(reach))}
	}
	got = readOutcome(err)
	if got.class == cOK {
		var mids []int64
		for _, b := range bus {
			mids = append(mids, b.MID)
		}
		got.data = strs64(mids)
	}
	if err := w.agree(got, want); err != nil {
		return fmt.Errorf("BusinessUnits: %w", err)
	}

	events, err := w.e.Manage.AuditEvents(ctx, ma, fuelgate.AuditFilter{Limit: 200})
	want = outcome{class: cNoPerm}
	if w.m.allows(a, false, pAuditView) {
		want = outcome{class: cOK}
	}
	if err := w.agree(readOutcome(err), want); err != nil {
		return fmt.Errorf("AuditEvents: %w", err)
	}
	for _, ev := range events {
		if ev.EnterpriseMID != w.m.ent(a) || !reach[ev.MID] {
			return fmt.Errorf("AuditEvents shows %s of enterprise %d in BU %d, outside the actor's reach %v",
				ev.Action, ev.EnterpriseMID, ev.MID, mids64(reach))
		}
	}
	return nil
}

func readOutcome(err error) outcome {
	switch {
	case err == nil:
		return outcome{class: cOK}
	case errors.Is(err, manage.ErrNoPermission):
		return outcome{class: cNoPerm}
	case fuelgate.ErrorCode(err) == fuelgate.EPERMISSION:
		return outcome{class: classOf(fuelgate.ErrorMessage(err))}
	}
	return outcome{class: "error " + err.Error()}
}

// checkState compares the stored BUs, users, roles and packages with the
// model, and checks on the stored data that nobody holds a permission, BU
// or flag that was not given by someone who held it.
func (w *world) checkState() error {
	accts, err := w.e.Store.Accounts(ctx, fuelgate.AccountFilter{})
	if err != nil {
		return err
	}
	if len(accts) != len(w.m.bus) {
		return fmt.Errorf("%d BUs stored, the model has %d", len(accts), len(w.m.bus))
	}
	for _, acc := range accts {
		b := w.m.bus[acc.MID]
		if b == nil || b.parent != acc.ParentMID || b.active != acc.Active {
			return fmt.Errorf("BU %d stored as parent %d active %t; model: %+v", acc.MID, acc.ParentMID, acc.Active, b)
		}
	}
	rolePerms := func(id string) ([]string, error) {
		if r, ok := fuelgate.SystemRole(id); ok && r.ID == id {
			return r.Permissions, nil
		}
		r, err := w.e.Store.Role(ctx, id)
		if err != nil {
			return nil, err
		}
		return r.Permissions, nil
	}
	for id, r := range w.m.roles {
		perms, err := rolePerms(id)
		if err != nil {
			return err
		}
		if !slices.Equal(slices.Sorted(slices.Values(perms)), r.perms.sorted(cmpString)) {
			return fmt.Errorf("role %s stored with %v, the model has %v", r.name, perms, r.perms.sorted(cmpString))
		}
	}
	for _, mu := range w.m.users {
		u, err := w.e.Store.User(ctx, mu.id)
		if err != nil {
			return err
		}
		if u.DefaultMID != mu.def || !slices.Equal(u.MIDs, mids64(mu.mids)) || u.Active != mu.active ||
			u.APIUser != mu.apiUser || u.PasswordVersion != mu.pwVersion || !slices.Equal(slices.Sorted(slices.Values(u.RoleIDs)), slices.Sorted(slices.Values(mu.roles))) {
			return fmt.Errorf("user %s stored as default %d BUs %v active %t api %t password v%d roles %v; model %+v",
				u.Username, u.DefaultMID, u.MIDs, u.Active, u.APIUser, u.PasswordVersion, u.RoleIDs, *mu)
		}
		// Nobody holds what no holder gave: computed from the stored rows.
		for _, id := range u.RoleIDs {
			perms, err := rolePerms(id)
			if err != nil {
				return err
			}
			for _, p := range perms {
				if !w.m.grants[userKey(u.ID)+" "+p] {
					return fmt.Errorf("user %s holds %s, which no holder of it gave", u.Username, p)
				}
			}
		}
		for _, x := range u.MIDs {
			if !w.m.grants[userKey(u.ID)+" "+buKey(x)] {
				return fmt.Errorf("user %s reaches BU %d, which no actor reaching it gave", u.Username, x)
			}
		}
		if u.APIUser && !w.m.grants[userKey(u.ID)+" api_user"] {
			return fmt.Errorf("user %s is an API user, given by an actor without API access", u.Username)
		}
	}
	for _, mp := range w.m.pkgs {
		p, err := w.e.Store.PackageByClientID(ctx, mp.clientID)
		if err != nil {
			return err
		}
		if p.Enabled != mp.enabled || !slices.Equal(p.MIDs, mids64(mp.mids)) {
			return fmt.Errorf("package %s stored enabled %t BUs %v; model %+v", p.ClientID, p.Enabled, p.MIDs, *mp)
		}
		for _, sc := range p.Scopes {
			for _, perm := range scopeGives[sc] {
				if !w.m.grants["pkg:"+p.ClientID+" "+perm] {
					return fmt.Errorf("package %s gives its tokens %s, which its creator did not hold", p.ClientID, perm)
				}
			}
		}
	}
	return nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
