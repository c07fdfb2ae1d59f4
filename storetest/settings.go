package storetest

import (
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
)

func testSettings(t *testing.T, open Opener) {
	s := open(t)
	ctx := t.Context()

	_, err := s.Settings(ctx, 100)
	wantCode(t, "Settings before PutSettings", err, fuelgate.ENOTFOUND)

	first := fuelgate.DefaultSettings(100)
	first.UpdatedAt = at(0)
	other := fuelgate.DefaultSettings(200)
	second := &fuelgate.Settings{EnterpriseMID: 100, PermissionModel: fuelgate.ModelLegacy, APIPasswordLogin: true,
		LockoutThreshold: 3, LockoutDuration: 90 * time.Second, TokenLifetime: 5 * time.Minute, UpdatedAt: at(time.Hour)}

	tests := []struct {
		name string
		put  *fuelgate.Settings
	}{
		{"create", first},
		{"other enterprise", other},
		{"replace", second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			must(t, "PutSettings", s.PutSettings(ctx, tt.put))
			got, err := s.Settings(ctx, tt.put.EnterpriseMID)
			must(t, "Settings", err)
			want := *tt.put
			want.UpdatedAt = norm(want.UpdatedAt)
			wantEqual(t, "Settings", *got, want)
		})
	}
	got, err := s.Settings(ctx, 200)
	must(t, "Settings(200)", err)
	wantEqual(t, "Settings(200) after replacing 100", *got, *other)
}
