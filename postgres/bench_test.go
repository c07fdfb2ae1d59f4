package postgres_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
)

// These benchmarks measure the grouped writes under concurrency (run with
// -cpu to vary the writers, e.g. -cpu 16). They need the PostgreSQL server of
// FUELGATE_TEST_POSTGRES_DSN; its CPU and fsync count in the time per op.

// BenchmarkUseNonceParallel: digest logins' nonce records, gathered into
// one statement per group and committed asynchronously.
func BenchmarkUseNonceParallel(b *testing.B) {
	s := open(b, newTestDB(b).schema(b))
	ctx := context.Background()
	expires := time.Now().Add(time.Hour)
	var n atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			fresh, err := s.UseNonce(ctx, 1, hash("n"+strconv.FormatInt(n.Add(1), 10)), time.Now(), expires)
			if err != nil || !fresh {
				b.Errorf("UseNonce: %v, %v; want a fresh nonce", fresh, err)
				return
			}
		}
	})
}

// BenchmarkTokenParallel: a token and its audit event in one write
// transaction, as /v2/token writes them, grouped and committed durably.
func BenchmarkTokenParallel(b *testing.B) {
	s := open(b, newTestDB(b).schema(b))
	ctx := context.Background()
	now := time.Now().UTC()
	var n atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := strconv.FormatInt(n.Add(1), 10)
			err := s.Atomic(ctx, func(tx fuelgate.Store) error {
				if err := tx.CreateToken(ctx, &fuelgate.Token{Hash: hash("t" + id), Kind: fuelgate.TokenAccess,
					IssuedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
					return err
				}
				return tx.AppendAudit(ctx, &fuelgate.AuditEvent{Time: now, Actor: "bench", Action: "token.issue",
					Outcome: fuelgate.OutcomeSuccess})
			})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
}
