package sqlstore

import "context"

// sweep runs one DELETE of expired rows in a write transaction and reports
// how many rows it deleted. A database crash may lose the deletion (see
// writeLossy): the next sweep deletes the rows again. When the dialect has TryLock, the DELETE runs
// only if the transaction takes the lock named lock; otherwise another
// instance is sweeping and sweep returns 0 without deleting.
func (s *Store) sweep(ctx context.Context, op, lock, query string, args ...any) (int64, error) {
	var n int64
	err := s.writeLossy(ctx, func(s *Store) error {
		if s.dialect.TryLock != nil {
			ok, err := s.dialect.TryLock(ctx, s.tx, lock)
			if err != nil || !ok {
				return s.internal(op, err)
			}
		}
		var err error
		n, err = s.execTx(ctx, op, query, args...)
		return err
	})
	return n, err
}
