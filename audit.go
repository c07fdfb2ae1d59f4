package fuelgate

import "time"

// Audit outcomes.
const (
	OutcomeSuccess = "success"
	OutcomeFailure = "failure"
)

// AuditEvent records who did what to what, and how it went. It never holds a
// secret, password or token.
type AuditEvent struct {
	ID            int64
	Time          time.Time
	EnterpriseMID int64  // the enterprise whose Audit Trail shows the event, 0 when none
	MID           int64  // the BU concerned, 0 when none
	Actor         string // "user:<username>", "client:<client id>", "operator", "anonymous"
	Action        string // dotted, e.g. "package.create", "token.issue", "soap.login"
	Target        string
	Outcome       string // OutcomeSuccess or OutcomeFailure
	SourceIP      string
	Detail        string
	// Count is 0 for a single event. An aggregate of repeated events from
	// one source within a window (failures, token issues), which package
	// auth writes instead of one event each, stands for Count of them.
	Count int
}

// Events is how many events e stands for: Count for an aggregate, else 1.
func (e *AuditEvent) Events() int { return max(e.Count, 1) }

// AuditFilter selects audit events, newest first.
type AuditFilter struct {
	EnterpriseMID int64   // only this enterprise's events (0: every event)
	MIDs          []int64 // only events of these BUs (nil: any BU)
	Since         time.Time
	Action        string // exact action, or a prefix ending in "." (e.g. "token.")
	Actor         string
	Outcome       string
	BeforeID      int64 // keyset paging: IDs lower than this
	Limit         int   // 0 means 100
}
