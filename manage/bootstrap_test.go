package manage_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/secret"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/sqlite"
)

// TestBootstrapOnce: several instances starting together on an empty
// database create exactly one enterprise and one admin, and only one of them
// gets the credentials to print.
func TestBootstrapOnce(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	keys := &secret.Keys{Pepper: secret.Bytes(32), EncryptionKey: secret.Bytes(32)}
	ctx := context.Background()
	var wg sync.WaitGroup
	results := make([]*manage.Bootstrapped, 4)
	errs := make([]error, 4)
	for i := range results {
		m := manage.New(manage.Config{Store: st, Keys: keys}) // one Service per "instance"
		wg.Go(func() { results[i], errs[i] = m.Bootstrap(ctx, "Ent", false) })
	}
	wg.Wait()
	got := 0
	for i, r := range results {
		if errs[i] != nil {
			t.Fatalf("instance %d: %v", i, errs[i])
		}
		if r != nil {
			got++
		}
	}
	accts, err := st.Accounts(ctx, fuelgate.AccountFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if got != 1 || len(accts) != 1 || accts[0].MID != manage.FirstMID {
		t.Fatalf("%d instances bootstrapped and %d enterprises exist; want exactly one of each (MID %d)", got, len(accts), manage.FirstMID)
	}
	if again, err := manage.New(manage.Config{Store: st, Keys: keys}).Bootstrap(ctx, "Ent", true); again != nil || err != nil {
		t.Fatalf("Bootstrap on a bootstrapped database = %v, %v; want nil, nil", again, err)
	}
}
