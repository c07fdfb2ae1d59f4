package postgres_test

import (
	"context"
	"crypto/sha256"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/sqlstore"
	"github.com/fuelgate/fuelgate/postgres"
)

func hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// TestInstances runs concurrent calls through two Stores on one database,
// as two fuelgate instances would, and checks that single-use operations
// succeed once and read-modify-write updates lose nothing.
func TestInstances(t *testing.T) {
	const perStore, iterations = 8, 10
	calls := 2 * perStore * iterations
	future := time.Now().Add(time.Hour)
	tests := []struct {
		name   string
		setup  func(ctx context.Context, s fuelgate.Store) (int64, error)
		call   func(ctx context.Context, s fuelgate.Store, id int64) (bool, error)
		wantOK int
		check  func(ctx context.Context, s fuelgate.Store, id int64) (got, want int, err error)
	}{
		{
			name:  "UseNonce once",
			setup: func(context.Context, fuelgate.Store) (int64, error) { return 7, nil },
			call: func(ctx context.Context, s fuelgate.Store, id int64) (bool, error) {
				return s.UseNonce(ctx, id, hash("nonce"), time.Now(), future)
			},
			wantOK: 1,
		},
		{
			name: "RevokeToken once",
			setup: func(ctx context.Context, s fuelgate.Store) (int64, error) {
				return 0, s.CreateToken(ctx, &fuelgate.Token{Hash: hash("refresh"), Kind: fuelgate.TokenRefresh,
					IssuedAt: time.Now(), ExpiresAt: future})
			},
			call: func(ctx context.Context, s fuelgate.Store, _ int64) (bool, error) {
				err := s.RevokeToken(ctx, hash("refresh"), time.Now())
				if fuelgate.ErrorCode(err) == fuelgate.ECONFLICT {
					return false, nil
				}
				return err == nil, err
			},
			wantOK: 1,
		},
		{
			name: "UpdateUser exact count",
			setup: func(ctx context.Context, s fuelgate.Store) (int64, error) {
				u := &fuelgate.User{EnterpriseMID: 100, Username: "counter", DefaultMID: 100, MIDs: []int64{100}}
				err := s.CreateUser(ctx, u)
				return u.ID, err
			},
			call: func(ctx context.Context, s fuelgate.Store, id int64) (bool, error) {
				_, err := s.UpdateUser(ctx, id, func(u *fuelgate.User) error {
					u.FailedLogins++
					return nil
				})
				return err == nil, err
			},
			wantOK: calls,
			check: func(ctx context.Context, s fuelgate.Store, id int64) (int, int, error) {
				u, err := s.User(ctx, id)
				if err != nil {
					return 0, 0, err
				}
				return u.FailedLogins, calls, nil
			},
		},
	}
	d := newTestDB(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dsn := d.schema(t)
			stores := []fuelgate.Store{open(t, dsn), open(t, dsn)}
			ctx := t.Context()
			id, err := tt.setup(ctx, stores[0])
			if err != nil {
				t.Fatalf("setup: %v", err)
			}
			got, err := race(ctx, stores, perStore, iterations, func(s fuelgate.Store) (bool, error) {
				return tt.call(ctx, s, id)
			})
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if got != tt.wantOK {
				t.Fatalf("%s: got %d of %d calls succeeding, want %d", tt.name, got, calls, tt.wantOK)
			}
			if tt.check == nil {
				return
			}
			got, want, err := tt.check(ctx, stores[1], id)
			if err != nil {
				t.Fatalf("check: %v", err)
			}
			if got != want {
				t.Fatalf("%s: got %d after the race, want %d", tt.name, got, want)
			}
		})
	}
}

// race runs call iterations times in each of perStore goroutines per store
// and returns how many calls reported true, or the first error.
func race(ctx context.Context, stores []fuelgate.Store, perStore, iterations int, call func(fuelgate.Store) (bool, error)) (int, error) {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		ok       int
		firstErr error
	)
	for _, s := range stores {
		for range perStore {
			wg.Go(func() {
				for range iterations {
					got, err := call(s)
					mu.Lock()
					if got {
						ok++
					}
					if err != nil && firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	return ok, firstErr
}

// TestSweepLock checks that a sweep deletes nothing while another
// instance holds its lock, and that the lock is per schema.
func TestSweepLock(t *testing.T) {
	past := time.Now().Add(-time.Hour)
	tests := []struct {
		name  string
		lock  string
		seed  func(ctx context.Context, s fuelgate.Store) error
		sweep func(ctx context.Context, s fuelgate.Store) (int64, error)
	}{
		{"tokens", sqlstore.SweepTokens,
			func(ctx context.Context, s fuelgate.Store) error {
				return s.CreateToken(ctx, &fuelgate.Token{Hash: hash("old"), Kind: fuelgate.TokenAccess, IssuedAt: past, ExpiresAt: past})
			},
			func(ctx context.Context, s fuelgate.Store) (int64, error) {
				return s.DeleteTokensExpiredBefore(ctx, time.Now())
			}},
		{"nonces", sqlstore.SweepNonces,
			func(ctx context.Context, s fuelgate.Store) error {
				_, err := s.UseNonce(ctx, 1, hash("old"), past, past)
				return err
			},
			func(ctx context.Context, s fuelgate.Store) (int64, error) {
				return s.DeleteNoncesExpiredBefore(ctx, time.Now())
			}},
		{"audit", sqlstore.SweepAudit,
			func(ctx context.Context, s fuelgate.Store) error {
				return s.AppendAudit(ctx, &fuelgate.AuditEvent{Time: past, Action: "test.old"})
			},
			func(ctx context.Context, s fuelgate.Store) (int64, error) {
				return s.DeleteAuditBefore(ctx, time.Now())
			}},
	}
	d := newTestDB(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			dsn := d.schema(t)
			holder, sweeper, other := open(t, dsn), open(t, dsn), open(t, d.schema(t))
			for _, s := range []fuelgate.Store{holder, other} {
				if err := tt.seed(ctx, s); err != nil {
					t.Fatalf("seed: %v", err)
				}
			}
			tx, err := holder.DB().BeginTx(ctx, nil)
			if err != nil {
				t.Fatalf("BeginTx: %v", err)
			}
			defer tx.Rollback()
			if ok, err := postgres.Dialect.TryLock(ctx, tx, tt.lock); err != nil || !ok {
				t.Fatalf("TryLock(%s): got %v, %v; want true, nil", tt.lock, ok, err)
			}
			steps := []struct {
				name string
				s    fuelgate.Store
				want int64
				end  bool // end the holder's transaction first
			}{
				{"while locked", sweeper, 0, false},
				{"other schema while locked", other, 1, false},
				{"after unlock", sweeper, 1, true},
			}
			for _, st := range steps {
				if st.end {
					if err := tx.Rollback(); err != nil {
						t.Fatalf("Rollback: %v", err)
					}
				}
				got, err := tt.sweep(ctx, st.s)
				if err != nil {
					t.Fatalf("%s: sweep: %v", st.name, err)
				}
				if got != st.want {
					t.Fatalf("%s: got %d deleted, want %d", st.name, got, st.want)
				}
			}
		})
	}
}

// TestConcurrentOpen starts several instances on one empty schema at once:
// every Open succeeds and each migration is applied once.
func TestConcurrentOpen(t *testing.T) {
	const instances = 6
	d := newTestDB(t)
	dsn := d.schema(t)
	stores := make([]*postgres.Store, instances)
	errs := make([]error, instances)
	var wg sync.WaitGroup
	for i := range instances {
		wg.Go(func() { stores[i], errs[i] = postgres.Open(t.Context(), dsn) })
	}
	wg.Wait()
	for i, s := range stores {
		if errs[i] != nil {
			t.Fatalf("Open %d: %v", i, errs[i])
		}
		t.Cleanup(func() { s.Close() })
	}
	files, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("migrations: got %d files (%v), want some", len(files), err)
	}
	var got int
	if err := stores[0].DB().QueryRowContext(t.Context(), "SELECT COUNT(*) FROM schema_migrations").Scan(&got); err != nil {
		t.Fatalf("count schema_migrations: %v", err)
	}
	if got != len(files) {
		t.Fatalf("schema_migrations: got %d rows, want %d", got, len(files))
	}
}

// TestOpenErrors needs no server.
func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name string
		dsn  string
		want string
	}{
		{"unparsable", "postgres://u:secretpw@%zz/x", fuelgate.EINVALID},
		{"bad option", "postgres://u:secretpw@127.0.0.1/x?sslmode=nonsense", fuelgate.EINVALID},
		{"no server", "postgres://u:secretpw@127.0.0.1:1/x?sslmode=disable&connect_timeout=2", fuelgate.EINTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := postgres.Open(t.Context(), tt.dsn)
			if err == nil {
				s.Close()
			}
			if got := fuelgate.ErrorCode(err); got != tt.want {
				t.Fatalf("Open: got code %q (%v), want %q", got, err, tt.want)
			}
			if strings.Contains(err.Error(), "secretpw") {
				t.Fatalf("Open: error %q shows the password", err)
			}
		})
	}
}
