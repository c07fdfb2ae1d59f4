package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/fuelgate/fuelgate"
)

const accountColumns = "mid, parent_mid, name, active, created_at, updated_at"

// CreateAccount stores a new account; ECONFLICT if its MID is taken.
func (s *Store) CreateAccount(ctx context.Context, a *fuelgate.Account) error {
	return s.write(ctx, func(s *Store) error {
		_, err := s.tx.ExecContext(s.stmtCtx(ctx),
			"INSERT INTO accounts ("+accountColumns+") VALUES ($1, $2, $3, $4, $5, $6)",
			a.MID, a.ParentMID, a.Name, a.Active, Micros(a.CreatedAt), Micros(a.UpdatedAt))
		return s.check("CreateAccount", "account already exists", err)
	})
}

// Account returns the account with the given MID.
func (s *Store) Account(ctx context.Context, mid int64) (*fuelgate.Account, error) {
	a, err := s.account(ctx, s.q(), mid, "")
	if err != nil {
		return nil, s.internal("Account", err)
	}
	return a, nil
}

// Accounts returns the accounts f selects, by MID ascending.
func (s *Store) Accounts(ctx context.Context, f fuelgate.AccountFilter) ([]*fuelgate.Account, error) {
	var w where
	if f.ParentMID != nil {
		w.add("parent_mid = " + w.arg(*f.ParentMID))
	}
	rows, err := s.q().QueryContext(ctx, "SELECT "+accountColumns+" FROM accounts"+w.String()+" ORDER BY mid", w.args...)
	if err != nil {
		return nil, s.internal("Accounts", err)
	}
	defer rows.Close()
	list := []*fuelgate.Account{}
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, s.internal("Accounts", err)
		}
		list = append(list, a)
	}
	if err := rows.Err(); err != nil {
		return nil, s.internal("Accounts", err)
	}
	return list, nil
}

// UpdateAccount applies fn to the stored account and writes the result back.
// The MID cannot change.
func (s *Store) UpdateAccount(ctx context.Context, mid int64, fn func(*fuelgate.Account) error) (*fuelgate.Account, error) {
	var out *fuelgate.Account
	err := s.write(ctx, func(s *Store) error {
		a, err := s.account(ctx, s.tx, mid, s.dialect.ForUpdate)
		if err != nil {
			return s.internal("UpdateAccount", err)
		}
		if err := fn(a); err != nil {
			return err
		}
		a.MID = mid
		_, err = s.tx.ExecContext(s.stmtCtx(ctx),
			"UPDATE accounts SET parent_mid = $2, name = $3, active = $4, created_at = $5, updated_at = $6 WHERE mid = $1",
			a.MID, a.ParentMID, a.Name, a.Active, Micros(a.CreatedAt), Micros(a.UpdatedAt))
		if err != nil {
			return s.check("UpdateAccount", "account already exists", err)
		}
		out, err = s.account(ctx, s.tx, mid, "")
		return s.internal("UpdateAccount", err)
	})
	return out, err
}

func (s *Store) account(ctx context.Context, q Querier, mid int64, lock string) (*fuelgate.Account, error) {
	a, err := scanAccount(q.QueryRowContext(ctx, "SELECT "+accountColumns+" FROM accounts WHERE mid = $1"+lock, mid))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("account")
	}
	return a, err
}

type scanner interface{ Scan(dest ...any) error }

func scanAccount(r scanner) (*fuelgate.Account, error) {
	var a fuelgate.Account
	var created, updated int64
	if err := r.Scan(&a.MID, &a.ParentMID, &a.Name, &a.Active, &created, &updated); err != nil {
		return nil, err
	}
	a.CreatedAt, a.UpdatedAt = FromMicros(created), FromMicros(updated)
	return &a, nil
}
