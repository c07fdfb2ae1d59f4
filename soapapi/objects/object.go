// Package objects implements the SOAP API object types fuelgate serves, one
// file per type: BusinessUnit and Account, AccountUser, AccountUserAccount and
// Role. Each type lists its properties in WSDL order, lists the records a
// principal may see in a set of BUs, renders records as SOAP elements, and
// performs writes through package manage, so that permission checks and
// audit events are the same as in the CLI and the console.
package objects

import (
	"context"
	"strconv"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/soap"
)

// Call is the context of one SOAP call: who makes it and with what services.
type Call struct {
	Ctx context.Context
	P   *auth.Principal
	// Actor is who writes on behalf of the principal; when nil, NewActor
	// builds it on the first write (reads never need it).
	Actor    *manage.Actor
	NewActor func() *manage.Actor
	Manage   *manage.Service
	Store    fuelgate.Store
	Location *time.Location // zone of SOAP dateTime values
	Now      func() time.Time
	// Account reads a BU, from a short-lived snapshot (see auth.Service.Account).
	Account func(ctx context.Context, mid int64) (*fuelgate.Account, error)
}

// now reads the call's clock.
func (c *Call) now() time.Time {
	if c.Now == nil {
		return time.Now()
	}
	return c.Now()
}

// actor returns the call's manage actor, building it once.
func (c *Call) actor() *manage.Actor {
	if c.Actor == nil && c.NewActor != nil {
		c.Actor = c.NewActor()
	}
	return c.Actor
}

// account reads a BU through the snapshot when the call has one, else the store.
func (c *Call) account(mid int64) (*fuelgate.Account, error) {
	if c.Account != nil {
		return c.Account(c.Ctx, mid)
	}
	return c.Store.Account(c.Ctx, mid)
}

// Authorize returns a NotAuthorized error unless the principal may act in mid.
func (c *Call) Authorize(mid int64) error {
	if c.P.CanActIn(mid) {
		return nil
	}
	return NotAuthorized(mid)
}

// Time formats t as SFMC does: no zone suffix, in the deployment's zone.
func (c *Call) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02T15:04:05.999")
}

// Field describes one property of an object type (for Describe and for
// checking retrieve properties and filters).
type Field struct {
	Name        string // property path, e.g. "Client.ID"
	DataType    string // String, Int, Boolean, DateTime
	Retrievable bool
	Updatable   bool
	Required    bool
}

// Record is one object as flat property paths → text values. An absent key is
// a null value.
type Record map[string]string

// Access names what a read or a write of a type needs: an SFMC scope for
// tokens, a permission for users ("" = nothing beyond authentication).
type Access struct {
	Scope string
	Perm  string
}

// Object is a SOAP object type.
type Object interface {
	Name() string
	Fields() []Field
	ReadAccess() Access
	// List returns the records in the BUs mids (already limited to what the
	// principal may reach), in a stable order.
	List(c *Call, mids []int64) ([]Record, error)
	// Render builds the Results element for rec with the requested properties
	// (and the members SFMC always returns).
	Render(c *Call, rec Record, props map[string]bool) *soap.Element
}

// Outcome is the result of writing one object.
type Outcome struct {
	Message string        // StatusMessage
	NewID   int64         // NewID on Create (0 when not applicable)
	Object  *soap.Element // echoed object, nil for none
}

// Creator, Updater, Deleter and Configurer are implemented by the types that
// support those operations. Each gets the default MID of the call and the
// object element as sent; a returned *Error becomes a per-object error.
type (
	Creator interface {
		WriteAccess() Access
		Create(c *Call, mid int64, obj *soap.Element) (Outcome, error)
	}
	Updater interface {
		WriteAccess() Access
		Update(c *Call, mid int64, obj *soap.Element) (Outcome, error)
	}
	Deleter interface {
		WriteAccess() Access
		Delete(c *Call, mid int64, obj *soap.Element) (Outcome, error)
	}
	Configurer interface {
		WriteAccess() Access
		Configure(c *Call, action string, mid int64, obj *soap.Element) (Outcome, error)
	}
)

// Error is a per-object failure with SFMC's ErrorCode.
type Error struct {
	Code    int
	Message string
}

func (e *Error) Error() string { return e.Message }

// NotAuthorized is the per-object error for a write aimed at a BU the
// principal may not act in.
func NotAuthorized(mid int64) *Error {
	return &Error{Code: 11, Message: "Not authorized for account " + strconv.FormatInt(mid, 10) + "."}
}

// FromManage converts an error from package manage into a per-object error
// with its safe message; errors without a code stay internal.
func FromManage(err error) error {
	switch fuelgate.ErrorCode(err) {
	case fuelgate.EINVALID, fuelgate.ECONFLICT, fuelgate.ENOTFOUND:
		return &Error{Code: 2, Message: fuelgate.ErrorMessage(err)}
	case fuelgate.EPERMISSION:
		return &Error{Code: 11, Message: fuelgate.ErrorMessage(err)}
	}
	return err
}

// Registry lists the object types by name (case-sensitive, as SFMC).
func Registry() map[string]Object {
	m := map[string]Object{}
	for _, o := range []Object{BusinessUnit{}, Account{}, AccountUser{}, AccountUserAccount{}, Role{}} {
		m[o.Name()] = o
	}
	return m
}

// helpers shared by the types -------------------------------------------------

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func btoa(b bool) string { return strconv.FormatBool(b) }

// text adds <local>value</local> to e when the property is requested and present.
func text(e *soap.Element, rec Record, props map[string]bool, prop, local string) {
	if v, ok := rec[prop]; ok && props[prop] {
		e.Add(soap.TextElement(local, v))
	}
}

// parseBool reads an xsd:boolean.
func parseBool(s string) (bool, bool) {
	switch s {
	case "true", "1", "True", "TRUE":
		return true, true
	case "false", "0", "False", "FALSE":
		return false, true
	}
	return false, false
}

// clientID reads Client/ID of an object, or def.
func clientID(obj *soap.Element, def int64) (int64, error) {
	s := obj.Path("Client", "ID").TrimmedText()
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, &Error{Code: 2, Message: "Client/ID must be a positive integer."}
	}
	return n, nil
}
