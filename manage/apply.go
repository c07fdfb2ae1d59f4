package manage

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/fuelgate/fuelgate"
)

// Declarative provisioning: Apply brings the database to a described Tenant
// (as Keycloak imports a realm, with a Terraform-style plan). Each object
// the Tenant names is created, updated or left unchanged through the
// use-cases of this package, with their validation and audit events, all in
// one transaction: an error anywhere leaves the database as it was. Apply
// never deletes: what the Tenant does not name stays as it is.

// Action is what Apply does to one object.
type Action string

// Actions of a plan.
const (
	ActionCreate    Action = "create"
	ActionUpdate    Action = "update"
	ActionUnchanged Action = "unchanged"
)

// ObjectKind is the kind of an object of a plan.
type ObjectKind string

// Object kinds.
const (
	ObjectEnterprise   ObjectKind = "enterprise"
	ObjectBusinessUnit ObjectKind = "business_unit"
	ObjectRole         ObjectKind = "role"
	ObjectUser         ObjectKind = "user"
	ObjectPackage      ObjectKind = "package"
)

// Change is the plan for one object of the Tenant.
type Change struct {
	Kind      ObjectKind
	Name      string   // how the object is known: MID and name, username, client ID …
	Path      string   // where the Tenant describes it, e.g. "users[2]"
	Action    Action   // create, update or unchanged
	Fields    []string // for an update, the fields it changes (never their secret values)
	Generated []string // secrets generated for it ("password", "client_secret")
}

// Credential is a secret Apply generated, shown once.
type Credential struct {
	Kind  ObjectKind // ObjectUser or ObjectPackage
	Name  string     // username or client ID
	What  string     // "password" or "client_secret"
	Value string
}

// Plan is what Apply did or, with dryRun, would do.
type Plan struct {
	DryRun        bool
	EnterpriseMID int64
	Changes       []Change
	// Generated holds the secrets generated for new users and packages;
	// empty for a dry run, whose secrets were never stored.
	Generated []Credential
}

// Count returns how many changes of the plan have action act.
func (p *Plan) Count(act Action) int {
	n := 0
	for _, c := range p.Changes {
		if c.Action == act {
			n++
		}
	}
	return n
}

// ApplyError is an Apply failure at one object of the Tenant. Path names
// the object, or its field, as a provisioning file does ("users[2]",
// "packages[0].bu"); Object says which object it is.
type ApplyError struct {
	Path   string
	Object string
	Err    error
}

func (e *ApplyError) Error() string { return e.Path + " (" + e.Object + "): " + e.Err.Error() }

// Unwrap returns the cause, a *fuelgate.Error with the code and safe message.
func (e *ApplyError) Unwrap() error { return e.Err }

// errDryRun rolls back the transaction of a dry run.
var errDryRun = errors.New("dry run")

// Apply brings the database to t in one transaction and returns the plan
// it carried out; with dryRun it carries the plan out in a transaction that
// it then rolls back, so the plan is checked exactly as an apply would be
// and nothing is written. A Tenant the database already matches changes
// nothing (every Change is unchanged, no audit event is written). A failure
// is an *ApplyError naming the object. Only the operator may apply: it
// creates BUs with chosen MIDs and packages with chosen credentials.
func (s *Service) Apply(ctx context.Context, a *Actor, t *Tenant, dryRun bool) (*Plan, error) {
	if a.kind != KindOperator {
		return nil, s.denied(ctx, a, "tenant.apply", fuelgate.Truncate(t.Enterprise.Name, 64), 0,
			fuelgate.WrapError(fuelgate.EPERMISSION, "", "Only the operator may apply a tenant description.", ErrNoPermission))
	}
	var plan *Plan
	var err error
	// A concurrent writer (another instance applying the same file at
	// start) can make a create conflict; the second run finds its objects.
	for attempt := 0; attempt < 2; attempt++ {
		err = s.store.Atomic(ctx, func(tx fuelgate.Store) error {
			r := &applier{s: s.bound(tx), a: a, plan: &Plan{DryRun: dryRun}}
			plan = r.plan
			if err := r.apply(ctx, t); err != nil {
				return err
			}
			if dryRun {
				return errDryRun
			}
			return nil
		})
		if fuelgate.ErrorCode(err) != fuelgate.ECONFLICT {
			break
		}
	}
	if dryRun && errors.Is(err, errDryRun) {
		plan.Generated = nil
		return plan, nil
	}
	if err != nil {
		return nil, err
	}
	if plan.Count(ActionUnchanged) < len(plan.Changes) {
		s.Forget()
		s.changed()
		if nerr := fuelgate.NotifyChange(ctx, s.store); nerr != nil {
			s.log.ErrorContext(ctx, "notify other instances", "err", nerr)
		}
	}
	return plan, nil
}

// bound returns a Service like s that works inside the transaction tx, with
// snapshots of its own (they see tx's writes) and no change signals (Apply
// sends them once the transaction has committed).
func (s *Service) bound(tx fuelgate.Store) *Service {
	return New(Config{Store: txStore{tx}, Keys: s.keys, Now: s.now, Log: s.log, CacheTTL: s.ttl})
}

// txStore is a transaction's Store without its other methods (a Notifier
// must not announce a change before it commits).
type txStore struct{ fuelgate.Store }

// applier is one run of Apply inside its transaction. Atomic may run it
// more than once: each run starts from a new applier.
type applier struct {
	s    *Service // bound to the transaction
	a    *Actor
	plan *Plan
	ent  int64
	bus  map[int64]*fuelgate.Account // the enterprise's BUs, kept current by the run
	// deactivate lists the BUs to deactivate once everything else is done,
	// so that users and packages can still be created in them.
	deactivate []deactivation
}

// deactivation is a BU to deactivate and the path that asks for it.
type deactivation struct {
	mid  int64
	path string
}

func (r *applier) apply(ctx context.Context, t *Tenant) error {
	if err := r.enterprise(ctx, t.Enterprise); err != nil {
		return err
	}
	steps := []func(context.Context, *Tenant) error{r.businessUnits, r.roles, r.users, r.packages}
	for _, step := range steps {
		if err := step(ctx, t); err != nil {
			return err
		}
	}
	off := false
	for _, d := range r.deactivate {
		if _, err := r.s.UpdateBusinessUnit(ctx, r.a, d.mid, nil, &off); err != nil {
			return &ApplyError{Path: d.path + ".active", Object: "business unit " + strconv.FormatInt(d.mid, 10), Err: err}
		}
	}
	if r.plan.Count(ActionUnchanged) == len(r.plan.Changes) {
		return nil
	}
	detail := fmt.Sprintf("%d created, %d updated, %d unchanged", r.plan.Count(ActionCreate), r.plan.Count(ActionUpdate), r.plan.Count(ActionUnchanged))
	return r.s.write(ctx, r.a, &fuelgate.AuditEvent{MID: r.ent, EnterpriseMID: r.ent, Action: "tenant.apply",
		Target: strconv.FormatInt(r.ent, 10), Detail: detail}, func(fuelgate.Store) error { return nil })
}

// record adds a change to the plan: create when created, else update when
// fields changed, else unchanged.
func (r *applier) record(kind ObjectKind, name, path string, created bool, fields, generated []string) {
	c := Change{Kind: kind, Name: name, Path: path, Action: ActionUnchanged, Generated: generated}
	switch {
	case created:
		c.Action = ActionCreate
	case len(fields) > 0:
		c.Action, c.Fields = ActionUpdate, fields
	}
	r.plan.Changes = append(r.plan.Changes, c)
}

func (r *applier) enterprise(ctx context.Context, e EnterpriseSpec) error {
	const path = "enterprise"
	name := strings.TrimSpace(e.Name)
	fail := func(p string, err error) error {
		return &ApplyError{Path: p, Object: "enterprise " + strconv.Quote(name), Err: err}
	}
	acct, err := r.findEnterprise(ctx, e.MID, name)
	if err != nil {
		return fail(path+".mid", err)
	}
	var fields []string
	created := acct == nil
	if !created {
		if err := r.lock(ctx, acct.MID); err != nil {
			return fail(path, err)
		}
	}
	if created {
		if acct, err = r.s.createAccountAt(ctx, r.a, 0, e.MID, name, false); err != nil {
			return fail(path, err)
		}
	} else if acct.Name != name {
		if _, err := r.s.UpdateBusinessUnit(ctx, r.a, acct.MID, &name, nil); err != nil {
			return fail(path+".name", err)
		}
		fields = append(fields, "name")
	}
	r.ent = acct.MID
	r.plan.EnterpriseMID = acct.MID
	changed, err := r.settings(ctx, &e.Settings)
	if err != nil {
		return fail(path+".settings", err)
	}
	if r.bus, err = businessUnitsOfEnterprise(ctx, r.s.store, r.ent); err != nil {
		return fail(path, err)
	}
	r.record(ObjectEnterprise, strconv.FormatInt(acct.MID, 10)+" "+strconv.Quote(name), path, created, append(fields, changed...), nil)
	return nil
}

// errLocked ends the update lock uses to take the enterprise's row.
var errLocked = errors.New("locked")

// lock holds the enterprise's row until the transaction ends, writing
// nothing: concurrent applies to one enterprise (instances starting with
// serve --apply on one PostgreSQL database) run one after the other, and
// the later one finds what the earlier one created. (A new enterprise needs
// no lock: the later insert of the same MID waits, then conflicts, and
// Apply runs again.)
func (r *applier) lock(ctx context.Context, mid int64) error {
	_, err := r.s.store.UpdateAccount(ctx, mid, func(*fuelgate.Account) error { return errLocked })
	if errors.Is(err, errLocked) {
		return nil
	}
	return err
}

// findEnterprise returns the enterprise with MID mid or, when mid is 0,
// the one named name; nil when there is none.
func (r *applier) findEnterprise(ctx context.Context, mid int64, name string) (*fuelgate.Account, error) {
	if mid != 0 {
		if err := validMID(mid); err != nil {
			return nil, err
		}
		acct, err := r.s.store.Account(ctx, mid)
		if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
			return nil, nil
		}
		if err == nil && !acct.IsEnterprise() {
			err = fuelgate.Errorf(fuelgate.EINVALID, "business unit %d is not an enterprise: it is a child of %d", mid, acct.ParentMID)
		}
		return acct, err
	}
	roots, err := r.s.store.Accounts(ctx, fuelgate.AccountFilter{ParentMID: new(int64)})
	if err != nil {
		return nil, err
	}
	var found *fuelgate.Account
	for _, a := range roots {
		if a.Name == name {
			if found != nil {
				return nil, fuelgate.Errorf(fuelgate.EINVALID, "several enterprises are named %q: give the MID", name)
			}
			found = a
		}
	}
	return found, nil
}

// settings brings the enterprise's settings to want and returns the
// fields it changed.
func (r *applier) settings(ctx context.Context, want *fuelgate.Settings) ([]string, error) {
	cur, err := r.s.Settings(ctx, r.a, r.ent)
	if err != nil {
		return nil, err
	}
	var c SettingsChange
	var fields []string
	if want.PermissionModel != cur.PermissionModel {
		c.PermissionModel, fields = &want.PermissionModel, append(fields, "settings.permission_model")
	}
	if want.APIPasswordLogin != cur.APIPasswordLogin {
		c.APIPasswordLogin, fields = &want.APIPasswordLogin, append(fields, "settings.api_password_login")
	}
	if want.LockoutThreshold != cur.LockoutThreshold {
		c.LockoutThreshold, fields = &want.LockoutThreshold, append(fields, "settings.lockout_threshold")
	}
	if want.LockoutDuration != cur.LockoutDuration {
		c.LockoutDuration, fields = &want.LockoutDuration, append(fields, "settings.lockout_duration")
	}
	if want.TokenLifetime != cur.TokenLifetime {
		c.TokenLifetime, fields = &want.TokenLifetime, append(fields, "settings.token_lifetime")
	}
	if len(fields) == 0 {
		return nil, nil
	}
	_, err = r.s.UpdateSettings(ctx, r.a, r.ent, c)
	return fields, err
}

func (r *applier) businessUnits(ctx context.Context, t *Tenant) error {
	seen := map[int64]string{}
	for i, b := range t.BusinessUnits {
		path := "business_units[" + strconv.Itoa(i) + "]"
		name := strings.TrimSpace(b.Name)
		fail := func(p string, err error) error {
			return &ApplyError{Path: p, Object: "business unit " + strconv.Quote(name), Err: err}
		}
		parent, err := r.resolve(b.Parent)
		if err != nil {
			return fail(path+".parent", err)
		}
		acct, err := r.findBusinessUnit(ctx, b.MID, name)
		if err != nil {
			return fail(path+".mid", err)
		}
		if acct != nil {
			if prev, dup := seen[acct.MID]; dup {
				return fail(path, fuelgate.Errorf(fuelgate.EINVALID, "%s describes the same business unit (%d)", prev, acct.MID))
			}
		}
		created := acct == nil
		acct, fields, err := r.businessUnit(ctx, acct, b, name, parent, path)
		if err != nil {
			return fail(path, err)
		}
		seen[acct.MID] = path
		r.record(ObjectBusinessUnit, strconv.FormatInt(acct.MID, 10)+" "+strconv.Quote(name), path, created, fields, nil)
	}
	return nil
}

// businessUnit creates (acct nil) or updates one BU, keeps r.bus current,
// and returns the BU and the fields it changed.
func (r *applier) businessUnit(ctx context.Context, acct *fuelgate.Account, b BusinessUnitSpec, name string, parent int64, path string) (*fuelgate.Account, []string, error) {
	if acct == nil {
		var err error
		if b.MID == 0 {
			acct, err = r.s.CreateBusinessUnit(ctx, r.a, parent, name)
		} else if err = r.s.activeBU(ctx, parent); err == nil {
			acct, err = r.s.createAccountAt(ctx, r.a, parent, b.MID, name, false)
		}
		if err != nil {
			return nil, nil, err
		}
		r.bus[acct.MID] = acct
		if !b.Active {
			r.deactivate = append(r.deactivate, deactivation{acct.MID, path})
		}
		return acct, nil, nil
	}
	if acct.ParentMID != parent {
		return nil, nil, fuelgate.Errorf(fuelgate.EINVALID,
			"business unit %d is a child of %d, not of %d: moving a business unit is not supported", acct.MID, acct.ParentMID, parent)
	}
	var fields []string
	var newName *string
	var active *bool
	if acct.Name != name {
		newName, fields = &name, append(fields, "name")
	}
	if b.Active != acct.Active {
		fields = append(fields, "active")
		if b.Active {
			active = &b.Active
		} else {
			r.deactivate = append(r.deactivate, deactivation{acct.MID, path})
		}
	}
	if newName != nil || active != nil {
		updated, err := r.s.UpdateBusinessUnit(ctx, r.a, acct.MID, newName, active)
		if err != nil {
			return nil, nil, err
		}
		r.bus[acct.MID] = updated
	}
	return r.bus[acct.MID], fields, nil
}

// findBusinessUnit returns the child BU of the enterprise with MID mid or,
// when mid is 0, the one named name; nil when there is none.
func (r *applier) findBusinessUnit(ctx context.Context, mid int64, name string) (*fuelgate.Account, error) {
	if mid == 0 {
		acct, err := r.byName(name)
		if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
			return nil, nil
		}
		if err == nil && acct.MID == r.ent {
			err = fuelgate.Errorf(fuelgate.EINVALID, "%q is the enterprise: describe it under enterprise", name)
		}
		return acct, err
	}
	if err := validMID(mid); err != nil {
		return nil, err
	}
	if mid == r.ent {
		return nil, fuelgate.Errorf(fuelgate.EINVALID, "business unit %d is the enterprise: describe it under enterprise", mid)
	}
	if acct := r.bus[mid]; acct != nil {
		return acct, nil
	}
	if _, err := r.s.store.Account(ctx, mid); err == nil {
		return nil, fuelgate.Errorf(fuelgate.ECONFLICT, "MID %d belongs to a business unit of another enterprise", mid)
	} else if fuelgate.ErrorCode(err) != fuelgate.ENOTFOUND {
		return nil, err
	}
	return nil, nil
}

// resolve returns the MID of the enterprise's BU that ref names.
func (r *applier) resolve(ref BURef) (int64, error) {
	switch {
	case ref.MID != 0:
		if r.bus[ref.MID] == nil {
			return 0, fuelgate.Errorf(fuelgate.EINVALID,
				"business unit %d is not in enterprise %d (a business unit of the file must come before what refers to it)", ref.MID, r.ent)
		}
		return ref.MID, nil
	case ref.Name != "":
		acct, err := r.byName(strings.TrimSpace(ref.Name))
		if fuelgate.ErrorCode(err) == fuelgate.ENOTFOUND {
			err = fuelgate.Errorf(fuelgate.EINVALID, "%s", fuelgate.ErrorMessage(err))
		}
		if err != nil {
			return 0, err
		}
		return acct.MID, nil
	}
	return r.ent, nil
}

// byName returns the enterprise's BU named name (ENOTFOUND when none is,
// EINVALID when several are).
func (r *applier) byName(name string) (*fuelgate.Account, error) {
	var found *fuelgate.Account
	for _, a := range r.bus {
		if a.Name != name {
			continue
		}
		if found != nil {
			return nil, fuelgate.Errorf(fuelgate.EINVALID, "several business units are named %q: give the MID", name)
		}
		found = a
	}
	if found == nil {
		return nil, fuelgate.Errorf(fuelgate.ENOTFOUND, "no business unit named %q in enterprise %d", name, r.ent)
	}
	return found, nil
}

// validMID checks a MID chosen by the file: SOAP carries MIDs as xsd:int.
func validMID(mid int64) error {
	if mid < 1 || mid > math.MaxInt32 {
		return fuelgate.Errorf(fuelgate.EINVALID, "a MID must be between 1 and %d", math.MaxInt32)
	}
	return nil
}
