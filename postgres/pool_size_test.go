package postgres

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// TestSizePool: the default pool has room for the write lanes beside four
// connections for reads; a pool_max_conns in the DSN is kept, and a pool
// too small for every lane gets fewer lanes, never none.
func TestSizePool(t *testing.T) {
	tests := []struct {
		dsn          string
		conns, lanes int32
	}{
		{"postgres://u@127.0.0.1/db", max(defaultConns(t), writeLanes+readConns), writeLanes},
		{"postgres://u@127.0.0.1/db?pool_max_conns=20", 20, writeLanes},
		{"postgres://u@127.0.0.1/db?pool_max_conns=3", 3, 1},
		{"host=127.0.0.1 user=u pool_max_conns=1", 1, 1},
	}
	for _, tt := range tests {
		cfg, err := pgxpool.ParseConfig(tt.dsn)
		if err != nil {
			t.Fatal(err)
		}
		d := Dialect
		sizePool(cfg, tt.dsn, &d)
		if cfg.MaxConns != tt.conns || int32(d.WriteLanes) != tt.lanes {
			t.Errorf("%s: %d connections, %d lanes; want %d, %d", tt.dsn, cfg.MaxConns, d.WriteLanes, tt.conns, tt.lanes)
		}
	}
	if Dialect.WriteLanes != writeLanes {
		t.Errorf("sizePool changed the package's Dialect: %d lanes", Dialect.WriteLanes)
	}
}

// defaultConns is pgx's default pool size on this machine.
func defaultConns(t *testing.T) int32 {
	cfg, err := pgxpool.ParseConfig("postgres://u@127.0.0.1/db")
	if err != nil {
		t.Fatal(err)
	}
	return cfg.MaxConns
}
