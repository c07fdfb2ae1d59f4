package sqlstore_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/sqlite"
)

// BenchmarkAuditTrailOtherEnterprise reads one enterprise's Audit Trail
// page, as the console asks for it (the enterprise, the BUs the reader
// reaches, newest first, 100 events), from a table of a million events of
// which the other enterprise wrote all but a thousand: token issues, failed
// logins and their aggregates, spread over the last day. Set
// FUELGATE_BENCH_AUDIT_EVENTS to change the million.
//
//	go test -run '^$' -bench AuditTrail -benchtime 200x ./internal/sqlstore/
func BenchmarkAuditTrailOtherEnterprise(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("FUELGATE_BENCH_AUDIT_EVENTS")); err == nil && v > 0 {
		n = v
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "audit.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	now := time.Now().UTC()
	fill(b, st.DB(), n, now)
	ctx := context.Background()
	mine := []int64{200, 201, 202}
	filters := []struct {
		name string
		f    fuelgate.AuditFilter
	}{
		{"page", fuelgate.AuditFilter{}},
		{"action", fuelgate.AuditFilter{Action: "soap.login"}},
		{"action prefix", fuelgate.AuditFilter{Action: "token."}},
		{"outcome", fuelgate.AuditFilter{Outcome: fuelgate.OutcomeFailure}},
		{"actor", fuelgate.AuditFilter{Actor: "user:u7"}},
		{"since an hour", fuelgate.AuditFilter{Since: now.Add(-time.Hour)}},
		{"since a day", fuelgate.AuditFilter{Since: now.Add(-24 * time.Hour)}},
		{"older page", fuelgate.AuditFilter{BeforeID: int64(n) / 2}},
	}
	for _, tt := range filters {
		b.Run(tt.name, func(b *testing.B) {
			f := tt.f
			f.EnterpriseMID, f.MIDs, f.Limit = 200, mine, 100
			for b.Loop() {
				if _, err := st.AuditEvents(ctx, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// fill writes n audit events: all but n/1000 in enterprise 100, the rest in
// enterprise 200 (BUs 200–202), times spread over the last day.
func fill(b *testing.B, db *sql.DB, n int, now time.Time) {
	b.Helper()
	day := time.Duration(24 * time.Hour).Microseconds()
	start := now.UnixMicro() - day
	_, err := db.Exec(`WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1)
		INSERT INTO audit_events (at, enterprise_mid, mid, actor, action, target, outcome, source_ip, detail, aggregate_count)
		SELECT $2 + i * $3 / $1,
			CASE WHEN i % 1000 = 0 THEN 200 ELSE 100 END,
			CASE WHEN i % 1000 = 0 THEN 200 + (i / 1000) % 3 ELSE 100 + i % 50 END,
			CASE WHEN i % 3 = 0 THEN 'client:pkg' || (i % 40) ELSE 'user:u' || (i % 500) END,
			CASE WHEN i % 3 = 0 THEN 'token.issue' WHEN i % 3 = 1 THEN 'soap.login' ELSE 'console.login' END,
			'v2', CASE WHEN i % 2 = 0 THEN 'success' ELSE 'failure' END, '10.0.' || (i % 250) || '.1', '', 0
		FROM seq`, n, start, day)
	if err != nil {
		b.Fatal(err)
	}
}
