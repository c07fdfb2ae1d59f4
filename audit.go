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
	ID       int64
	Time     time.Time
	MID      int64  // the BU concerned, 0 when none
	Actor    string // "user:<username>", "client:<client id>", "operator", "anonymous"
	Action   string // dotted, e.g. "package.create", "token.issue", "soap.login"
	Target   string
	Outcome  string // OutcomeSuccess or OutcomeFailure
	SourceIP string
	Detail   string
}

// AuditFilter selects audit events, newest first.
type AuditFilter struct {
	Since    time.Time
	Action   string // exact action, or a prefix ending in "." (e.g. "token.")
	Actor    string
	Outcome  string
	BeforeID int64 // keyset paging: IDs lower than this
	Limit    int   // 0 means 100
}
