package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fuelgate/fuelgate/internal/sqlstore"
)

// recordNonces is Dialect.RecordNonces on pool: one transaction, sent in one
// round trip as a pipeline (begin; synchronous_commit off; one INSERT of the
// whole group from arrays, whose RETURNING names the pairs it inserted or
// replaced; commit). Rows are inserted in the order of uses. After an error
// the connection is left inside the failed transaction, and the pool closes
// it instead of reusing it.
func recordNonces(ctx context.Context, pool *pgxpool.Pool, uses []sqlstore.NonceUse, now int64) error {
	ids, hashes, expires := make([]int64, len(uses)), make([][]byte, len(uses)), make([]int64, len(uses))
	at := make(map[string]int, len(uses)) // pair → index in uses
	for i, u := range uses {
		ids[i], hashes[i], expires[i] = u.UserID, u.Hash, u.Expires
		at[u.Key()] = i
	}
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue(Dialect.AsyncCommit)
	insert := b.Queue(`INSERT INTO nonces (user_id, nonce_hash, expires_at)
		SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::bigint[])
		ON CONFLICT (user_id, nonce_hash) DO UPDATE SET expires_at = excluded.expires_at
		WHERE nonces.expires_at < $4
		RETURNING user_id, nonce_hash`, ids, hashes, expires, now)
	insert.Query(func(rows pgx.Rows) error {
		var id int64
		var hash []byte
		for rows.Next() {
			if err := rows.Scan(&id, &hash); err != nil {
				return err
			}
			if i, ok := at[sqlstore.NonceUse{UserID: id, Hash: hash}.Key()]; ok {
				uses[i].Fresh = true
			}
		}
		return rows.Err()
	})
	b.Queue("COMMIT")
	if err := pool.SendBatch(ctx, b).Close(); err != nil {
		for i := range uses {
			uses[i].Fresh = false
		}
		return err
	}
	return nil
}
