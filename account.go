package fuelgate

import "time"

// Account is a business unit, identified by its MID (SFMC member ID). The
// enterprise is the root of a tree and has ParentMID 0; child BUs may nest to
// any depth. Every other object belongs to one MID.
type Account struct {
	MID       int64
	ParentMID int64 // 0 for an enterprise
	Name      string
	Active    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// IsEnterprise reports whether a is the root of its tree.
func (a *Account) IsEnterprise() bool { return a.ParentMID == 0 }

// AccountFilter selects accounts. A zero filter selects all.
type AccountFilter struct {
	ParentMID *int64 // only direct children of this MID
}
