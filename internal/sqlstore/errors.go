package sqlstore

import (
	"errors"

	"github.com/fuelgate/fuelgate"
)

// notFound returns the ENOTFOUND error for a missing object, e.g. "user not found".
func notFound(what string) error {
	return fuelgate.Errorf(fuelgate.ENOTFOUND, "%s not found", what)
}

// internal wraps a driver error as EINTERNAL under the backend's op name. An
// error that already carries a fuelgate code, and nil, are returned
// unchanged.
func (s *Store) internal(op string, err error) error {
	if err == nil {
		return nil
	}
	var fe *fuelgate.Error
	if errors.As(err, &fe) {
		return err
	}
	return fuelgate.WrapError(fuelgate.EINTERNAL, s.dialect.Name+"."+op, "", err)
}

// check converts a driver error from a write: a unique violation becomes
// ECONFLICT with message conflict, anything else EINTERNAL.
func (s *Store) check(op, conflict string, err error) error {
	if err == nil {
		return nil
	}
	if s.dialect.IsUniqueViolation(err) {
		return fuelgate.WrapError(fuelgate.ECONFLICT, s.dialect.Name+"."+op, conflict, err)
	}
	return s.internal(op, err)
}
