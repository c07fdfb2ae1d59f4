// Package objects implements the SOAP API object types fuelgate serves, one
// file per type: BusinessUnit and Account, AccountUser, AccountUserAccount and
// Role. Each type lists its properties in WSDL order, reads the records of a
// set of BUs and performs writes through package manage (which decides what
// the caller may see and do, and audits), and renders records as SOAP
// elements. It never reads the store.
package objects

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/soap"
)

// Call is one SOAP call: who makes it and with what services. Every read
// and write goes through Manage with Actor, which decides.
type Call struct {
	Actor    *manage.Actor
	Manage   *manage.Service
	Location *time.Location // zone of SOAP dateTime values
	Now      func() time.Time

	roles map[string]*fuelgate.Role // the enterprise's roles by ID, loaded once per call
}

// now reads the call's clock.
func (c *Call) now() time.Time {
	if c.Now == nil {
		return time.Now()
	}
	return c.Now()
}

// role returns the role with ID id as the actor may see it, or nil.
func (c *Call) role(ctx context.Context, id string) *fuelgate.Role {
	if c.roles == nil {
		roles, err := c.Manage.RoleNames(ctx, c.Actor, c.Actor.EnterpriseMID())
		if err != nil {
			roles = map[string]*fuelgate.Role{}
		}
		c.roles = roles
	}
	return c.roles[id]
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

// Object is a SOAP object type.
type Object interface {
	Name() string
	Fields() []Field
	// ReadOp is the operation a Retrieve of the type is decided as.
	ReadOp() manage.Op
	// List returns the records in the BUs mids that the call's actor may
	// see (package manage leaves the others out), in a stable order.
	List(ctx context.Context, c *Call, mids []int64) ([]Record, error)
	// Render builds the Results element for rec with the requested properties
	// (and the members SFMC always returns).
	Render(ctx context.Context, c *Call, rec Record, props map[string]bool) *soap.Element
}

// Outcome is the result of writing one object.
type Outcome struct {
	Message string        // StatusMessage
	NewID   int64         // NewID on Create (0 when not applicable)
	Object  *soap.Element // echoed object, nil for none
}

// Creator, Updater, Deleter and Configurer are implemented by the types that
// support those operations. Each names the operation its writes are decided
// as (WriteOp) and gets the object element as sent; the call's default BU
// is the actor's. A returned *Error becomes a per-object error.
type (
	Creator interface {
		CreateOp() manage.Op
		Create(ctx context.Context, c *Call, obj *soap.Element) (Outcome, error)
	}
	Updater interface {
		WriteOp() manage.Op
		Update(ctx context.Context, c *Call, obj *soap.Element) (Outcome, error)
	}
	Deleter interface {
		WriteOp() manage.Op
		Delete(ctx context.Context, c *Call, obj *soap.Element) (Outcome, error)
	}
	Configurer interface {
		WriteOp() manage.Op
		Configure(ctx context.Context, c *Call, action string, obj *soap.Element) (Outcome, error)
	}
)

// Error is a per-object failure with SFMC's ErrorCode.
type Error struct {
	Code    int
	Message string
}

func (e *Error) Error() string { return e.Message }

// SFMC's per-object error codes.
const (
	CodeInvalid            = 2     // a property is missing or wrong, or the object was not found
	CodeNotAuthorized      = 11    // the caller may not do this (permission, reach, limits)
	CodeUserRequiredFields = 11003 // AccountUser Create without Name, Email, UserID or Password
)

// PermissionFailed is SFMC's text for an operation the caller's scopes or
// permissions do not allow.
const PermissionFailed = "API Permission Failed"

// FromManage converts an error from package manage into a per-object error
// with its safe message (SFMC's "API Permission Failed" for a missing
// permission); errors without a code stay internal.
func FromManage(err error) error {
	switch fuelgate.ErrorCode(err) {
	case fuelgate.EINVALID, fuelgate.ECONFLICT, fuelgate.ENOTFOUND:
		return &Error{Code: CodeInvalid, Message: fuelgate.ErrorMessage(err)}
	case fuelgate.EPERMISSION:
		if errors.Is(err, manage.ErrNoPermission) {
			return &Error{Code: CodeNotAuthorized, Message: PermissionFailed}
		}
		return &Error{Code: CodeNotAuthorized, Message: fuelgate.ErrorMessage(err)}
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
		return 0, &Error{Code: CodeInvalid, Message: "Client/ID must be a positive integer."}
	}
	return n, nil
}
