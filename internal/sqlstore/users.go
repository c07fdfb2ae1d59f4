package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/userkey"
)

const userColumns = `id, enterprise_mid, username, name, email, password_hash, password_version,
	digest_secret, active, api_user, web_services, failed_logins, locked_until, default_mid,
	last_login_at, created_at, updated_at`

const (
	userMIDsQuery  = "SELECT user_id, mid FROM user_accounts WHERE user_id IN (%s)"
	userRolesQuery = "SELECT user_id, role_id FROM user_roles WHERE user_id IN (%s)"
)

// usernameKey is the canonical key the unique index is on (see package userkey).
func usernameKey(username string) string { return userkey.Of(username) }

// CreateUser stores a new user and sets u.ID; ECONFLICT if the username is
// taken, compared by canonical key (case and Unicode normalization).
func (s *Store) CreateUser(ctx context.Context, u *fuelgate.User) error {
	return s.write(ctx, func(s *Store) error {
		var id int64
		err := s.tx.QueryRowContext(s.stmtCtx(ctx), `INSERT INTO users (enterprise_mid, username, username_key, name,
			email, password_hash, password_version, digest_secret, active, api_user, web_services,
			failed_logins, locked_until, default_mid, last_login_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
			u.EnterpriseMID, u.Username, usernameKey(u.Username), u.Name, u.Email, u.PasswordHash,
			u.PasswordVersion, blob(u.DigestSecret), u.Active, u.APIUser, u.WebServices,
			int64(u.FailedLogins), Micros(u.LockedUntil), u.DefaultMID, Micros(u.LastLoginAt),
			Micros(u.CreatedAt), Micros(u.UpdatedAt)).Scan(&id)
		if err != nil {
			return s.check("CreateUser", "username already exists", err)
		}
		if err := s.writeUserSets(ctx, id, u); err != nil {
			return s.internal("CreateUser", err)
		}
		u.ID = id
		return nil
	})
}

// User returns the user with the given ID.
func (s *Store) User(ctx context.Context, id int64) (*fuelgate.User, error) {
	return s.oneUser(ctx, "User", "id = $1", id)
}

// UserByUsername returns the user with the given username, compared by
// canonical key (case and Unicode normalization, see package userkey).
func (s *Store) UserByUsername(ctx context.Context, username string) (*fuelgate.User, error) {
	return s.oneUser(ctx, "UserByUsername", "username_key = $1", usernameKey(username))
}

func (s *Store) oneUser(ctx context.Context, op, cond string, arg any) (*fuelgate.User, error) {
	var u *fuelgate.User
	err := s.read(ctx, op, func(q Querier) error {
		var err error
		u, err = s.user(ctx, q, cond, arg, "")
		return err
	})
	if err != nil {
		return nil, s.internal(op, err)
	}
	return u, nil
}

// Users returns the users f selects, by ID ascending. Query matches a
// substring of username, name or email; case folding is the database's
// LOWER, which in SQLite folds ASCII letters only.
func (s *Store) Users(ctx context.Context, f fuelgate.UserFilter) ([]*fuelgate.User, error) {
	var w where
	if f.EnterpriseMID != 0 {
		w.add("enterprise_mid = " + w.arg(f.EnterpriseMID))
	}
	if f.MID != 0 {
		w.add("id IN (SELECT user_id FROM user_accounts WHERE mid = " + w.arg(f.MID) + ")")
	}
	if f.DefaultMIDs != nil {
		w.add("default_mid IN (" + w.args64(f.DefaultMIDs) + ")")
	}
	if f.Query != "" {
		p := w.arg(LikeContains(strings.ToLower(f.Query)))
		w.add("(LOWER(username) LIKE " + p + ` ESCAPE '\' OR LOWER(name) LIKE ` + p +
			` ESCAPE '\' OR LOWER(email) LIKE ` + p + ` ESCAPE '\')`)
	}
	if f.AfterID != 0 {
		w.add("id > " + w.arg(f.AfterID))
	}
	query := "SELECT " + userColumns + " FROM users" + w.String() + " ORDER BY id"
	if f.Limit > 0 {
		query += " LIMIT " + w.arg(int64(f.Limit))
	}
	list := []*fuelgate.User{}
	err := s.read(ctx, "Users", func(q Querier) error {
		rows, err := q.QueryContext(ctx, query, w.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			u, err := scanUser(rows)
			if err != nil {
				return err
			}
			list = append(list, u)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return loadUserSets(ctx, q, list)
	})
	if err != nil {
		return nil, s.internal("Users", err)
	}
	return list, nil
}

// UpdateUser applies fn to the stored user and writes every column and
// association back. The ID cannot change; ECONFLICT if the new username is
// taken.
func (s *Store) UpdateUser(ctx context.Context, id int64, fn func(*fuelgate.User) error) (*fuelgate.User, error) {
	var out *fuelgate.User
	err := s.write(ctx, func(s *Store) error {
		u, err := s.user(ctx, s.tx, "id = $1", id, s.dialect.ForUpdate)
		if err != nil {
			return s.internal("UpdateUser", err)
		}
		if err := fn(u); err != nil {
			return err
		}
		u.ID = id
		_, err = s.tx.ExecContext(s.stmtCtx(ctx), `UPDATE users SET enterprise_mid = $2, username = $3, username_key = $4,
			name = $5, email = $6, password_hash = $7, password_version = $8, digest_secret = $9,
			active = $10, api_user = $11, web_services = $12, failed_logins = $13, locked_until = $14,
			default_mid = $15, last_login_at = $16, created_at = $17, updated_at = $18 WHERE id = $1`,
			id, u.EnterpriseMID, u.Username, usernameKey(u.Username), u.Name, u.Email, u.PasswordHash,
			u.PasswordVersion, blob(u.DigestSecret), u.Active, u.APIUser, u.WebServices,
			int64(u.FailedLogins), Micros(u.LockedUntil), u.DefaultMID, Micros(u.LastLoginAt),
			Micros(u.CreatedAt), Micros(u.UpdatedAt))
		if err != nil {
			return s.check("UpdateUser", "username already exists", err)
		}
		if err := s.writeUserSets(ctx, id, u); err != nil {
			return s.internal("UpdateUser", err)
		}
		out, err = s.user(ctx, s.tx, "id = $1", id, "")
		return s.internal("UpdateUser", err)
	})
	return out, err
}

func (s *Store) writeUserSets(ctx context.Context, id int64, u *fuelgate.User) error {
	if err := replaceSet(ctx, s.tx, "user_accounts", "user_id", "mid", id, u.MIDs); err != nil {
		return err
	}
	return replaceSet(ctx, s.tx, "user_roles", "user_id", "role_id", id, u.RoleIDs)
}

// user reads one user with its associations; ENOTFOUND when no row matches.
func (s *Store) user(ctx context.Context, q Querier, cond string, arg any, lock string) (*fuelgate.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE "+cond+lock, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("user")
	}
	if err != nil {
		return nil, err
	}
	if err := loadUserSets(ctx, q, []*fuelgate.User{u}); err != nil {
		return nil, err
	}
	return u, nil
}

func loadUserSets(ctx context.Context, q Querier, users []*fuelgate.User) error {
	if len(users) == 0 {
		return nil
	}
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	mids, err := loadSets[int64, int64](ctx, q, userMIDsQuery, ids)
	if err != nil {
		return err
	}
	roles, err := loadSets[int64, string](ctx, q, userRolesQuery, ids)
	if err != nil {
		return err
	}
	for _, u := range users {
		u.MIDs, u.RoleIDs = mids[u.ID], roles[u.ID]
	}
	return nil
}

func scanUser(r scanner) (*fuelgate.User, error) {
	var u fuelgate.User
	var failed, locked, lastLogin, created, updated int64
	err := r.Scan(&u.ID, &u.EnterpriseMID, &u.Username, &u.Name, &u.Email, &u.PasswordHash,
		&u.PasswordVersion, &u.DigestSecret, &u.Active, &u.APIUser, &u.WebServices, &failed,
		&locked, &u.DefaultMID, &lastLogin, &created, &updated)
	if err != nil {
		return nil, err
	}
	u.DigestSecret = blob(u.DigestSecret)
	u.FailedLogins = int(failed)
	u.LockedUntil, u.LastLoginAt = FromMicros(locked), FromMicros(lastLogin)
	u.CreatedAt, u.UpdatedAt = FromMicros(created), FromMicros(updated)
	return &u, nil
}
