// Package fuelgate holds the domain vocabulary of fuelgate, a self-hosted,
// SFMC-compatible SOAP API authentication server: business units (accounts),
// users, roles and permissions, installed packages with their API
// integrations, access tokens, audit events, enterprise settings, the Store
// interface every storage backend implements, and the one error type the
// whole program uses. It imports the standard library only.
package fuelgate

import (
	"errors"
	"fmt"
)

// Error codes. Edges (the OAuth and SOAP handlers, the CLI) map them to wire
// responses; anything without a code is treated as EINTERNAL.
const (
	EINVALID        = "invalid"         // the request is malformed or breaks a rule
	ENOTFOUND       = "not_found"       // the object does not exist
	ECONFLICT       = "conflict"        // uniqueness or state conflict
	EPERMISSION     = "permission"      // the actor lacks a permission
	EUNAUTHORIZED   = "unauthorized"    // credentials missing or wrong (never says which)
	EEXPIRED        = "expired"         // a credential that was valid has expired
	ENOTIMPLEMENTED = "not_implemented" // a feature fuelgate does not provide
	EINTERNAL       = "internal"        // anything unexpected
)

// Error is fuelgate's error: a machine code, the operation that failed, a
// message that is safe to show to the caller (never a secret), and the
// underlying cause, which is logged but never shown.
type Error struct {
	Code    string
	Op      string
	Message string
	Err     error
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Code
	}
	s := msg
	if e.Op != "" {
		s = e.Op + ": " + msg
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WrapError returns an *Error that records op and cause under code, with a safe message.
func WrapError(code, op, message string, cause error) *Error {
	return &Error{Code: code, Op: op, Message: message, Err: cause}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// other errors and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != "" {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the safe message of the first *Error in err's chain, or
// a generic text for other errors, so no internal detail reaches a caller.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "An internal error occurred."
}
