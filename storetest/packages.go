package storetest

import (
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
)

func normPackage(p fuelgate.Package) fuelgate.Package {
	p.PrevSecretExpires, p.SecretRotatedAt = norm(p.PrevSecretExpires), norm(p.SecretRotatedAt)
	p.CreatedAt, p.UpdatedAt = norm(p.CreatedAt), norm(p.UpdatedAt)
	if len(p.SecretHash) == 0 {
		p.SecretHash = nil
	}
	if len(p.PrevSecretHash) == 0 {
		p.PrevSecretHash = nil
	}
	if len(p.Scopes) == 0 {
		p.Scopes = nil
	}
	p.MIDs = sortedUnique(p.MIDs)
	if len(p.RedirectURIs) == 0 {
		p.RedirectURIs = nil
	}
	return p
}

func packageIDs(list []*fuelgate.Package) []int64 {
	ids := []int64{}
	for _, p := range list {
		ids = append(ids, p.ID)
	}
	return ids
}

func testPackages(t *testing.T, open Opener) {
	s := open(t)
	ctx := t.Context()
	full := &fuelgate.Package{Name: "Full", Description: "every field", MID: 101, EnterpriseMID: 100,
		Legacy: true, Enabled: true, IntegrationType: fuelgate.IntegrationServerToServer, ClientID: "client-full",
		SecretHash: []byte("0123456789abcdef0123456789abcdef"), PrevSecretHash: []byte("old-hash"),
		PrevSecretExpires: at(24 * time.Hour), SecretRotatedAt: at(2 * time.Second), Scopes: []string{"email_read", "accounts_read", "offline"},
		MIDs: []int64{102, 101}, CreatedBy: "user:alice", CreatedAt: at(0), UpdatedAt: at(time.Second)}
	sparse := &fuelgate.Package{Name: "Sparse", MID: 100, EnterpriseMID: 100, ClientID: "client-sparse"}
	other := &fuelgate.Package{Name: "Other", MID: 200, EnterpriseMID: 200, ClientID: "client-other", MIDs: []int64{200}}
	// A public app: no secret, redirect URIs kept in their order, PKCE required.
	public := &fuelgate.Package{Name: "Public", MID: 200, EnterpriseMID: 200, ClientID: "client-public",
		IntegrationType: fuelgate.IntegrationPublicApp, Enabled: true, RequirePKCE: true, MIDs: []int64{200},
		RedirectURIs: []string{"https://app.example.com/cb?x=1&y=2", "http://127.0.0.1:8080/callback"}}
	for _, p := range []*fuelgate.Package{full, sparse, other, public} {
		must(t, "CreatePackage", s.CreatePackage(ctx, p))
		if p.ID <= 0 {
			t.Fatalf("CreatePackage %s: got ID %d, want > 0", p.Name, p.ID)
		}
	}

	t.Run("RoundTrip", func(t *testing.T) {
		for _, p := range []*fuelgate.Package{full, sparse, other, public} {
			want := normPackage(*p)
			got, err := s.Package(ctx, p.ID)
			must(t, "Package", err)
			wantEqual(t, "Package", *got, want)
			got, err = s.PackageByClientID(ctx, p.ClientID)
			must(t, "PackageByClientID", err)
			wantEqual(t, "PackageByClientID", *got, want)
		}
	})
	t.Run("Missing", func(t *testing.T) {
		_, err := s.Package(ctx, 9999)
		wantCode(t, "Package(9999)", err, fuelgate.ENOTFOUND)
		_, err = s.PackageByClientID(ctx, "nope")
		wantCode(t, "PackageByClientID(nope)", err, fuelgate.ENOTFOUND)
		_, err = s.PackageByClientID(ctx, "CLIENT-FULL")
		wantCode(t, "PackageByClientID(CLIENT-FULL)", err, fuelgate.ENOTFOUND)
		_, err = s.UpdatePackage(ctx, 9999, func(*fuelgate.Package) error { return nil })
		wantCode(t, "UpdatePackage(9999)", err, fuelgate.ENOTFOUND)
	})
	t.Run("ClientIDUnique", func(t *testing.T) {
		err := s.CreatePackage(ctx, &fuelgate.Package{Name: "dup", MID: 300, EnterpriseMID: 300, ClientID: "client-full"})
		wantCode(t, "CreatePackage duplicate client ID", err, fuelgate.ECONFLICT)
		_, err = s.UpdatePackage(ctx, sparse.ID, func(p *fuelgate.Package) error {
			p.ClientID = "client-other"
			return nil
		})
		wantCode(t, "UpdatePackage to a taken client ID", err, fuelgate.ECONFLICT)
		got, err := s.Package(ctx, sparse.ID)
		must(t, "Package", err)
		wantEqual(t, "Package after conflicting update", *got, normPackage(*sparse))
	})
	t.Run("Filter", func(t *testing.T) {
		tests := []struct {
			name   string
			filter fuelgate.PackageFilter
			want   []int64
		}{
			{"all", fuelgate.PackageFilter{}, []int64{full.ID, sparse.ID, other.ID, public.ID}},
			{"enterprise", fuelgate.PackageFilter{EnterpriseMID: 100}, []int64{full.ID, sparse.ID}},
			{"mid", fuelgate.PackageFilter{MID: 101}, []int64{full.ID}},
			{"enterprise and mid", fuelgate.PackageFilter{EnterpriseMID: 200, MID: 101}, []int64{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				list, err := s.Packages(ctx, tt.filter)
				must(t, "Packages", err)
				wantEqual(t, "Packages IDs", packageIDs(list), tt.want)
				for _, p := range list {
					want, err := s.Package(ctx, p.ID)
					must(t, "Package", err)
					wantEqual(t, "Packages element", *p, *want)
				}
			})
		}
	})
	t.Run("Update", func(t *testing.T) {
		got, err := s.UpdatePackage(ctx, full.ID, func(p *fuelgate.Package) error {
			p.ID = 4242 // ignored
			p.SecretHash, p.PrevSecretHash, p.PrevSecretExpires = []byte("new-hash"), nil, time.Time{}
			p.SecretRotatedAt = at(time.Hour)
			p.Scopes, p.MIDs, p.Enabled = []string{"offline"}, nil, false
			p.UpdatedAt = at(time.Hour)
			return nil
		})
		must(t, "UpdatePackage", err)
		want := normPackage(*full)
		want.SecretHash, want.PrevSecretHash, want.PrevSecretExpires = []byte("new-hash"), nil, time.Time{}
		want.SecretRotatedAt = norm(at(time.Hour))
		want.Scopes, want.MIDs, want.Enabled = []string{"offline"}, nil, false
		want.UpdatedAt = norm(at(time.Hour))
		wantEqual(t, "UpdatePackage result", *got, want)
		read, err := s.PackageByClientID(ctx, "client-full")
		must(t, "PackageByClientID", err)
		wantEqual(t, "Package after update", *read, want)
	})
	t.Run("UpdateRedirectURIs", func(t *testing.T) {
		got, err := s.UpdatePackage(ctx, public.ID, func(p *fuelgate.Package) error {
			p.RedirectURIs, p.RequirePKCE = []string{"https://b.example.com/cb"}, false
			return nil
		})
		must(t, "UpdatePackage", err)
		want := normPackage(*public)
		want.RedirectURIs, want.RequirePKCE = []string{"https://b.example.com/cb"}, false
		wantEqual(t, "UpdatePackage result", *got, want)
		got, err = s.UpdatePackage(ctx, public.ID, func(p *fuelgate.Package) error {
			p.RedirectURIs = nil
			return nil
		})
		must(t, "UpdatePackage", err)
		if got.RedirectURIs != nil {
			t.Fatalf("RedirectURIs after clearing: got %q, want nil", got.RedirectURIs)
		}
	})
	t.Run("UpdateFuncError", func(t *testing.T) {
		before, err := s.Package(ctx, other.ID)
		must(t, "Package", err)
		got, err := s.UpdatePackage(ctx, other.ID, func(p *fuelgate.Package) error {
			p.Name, p.MIDs = "changed", []int64{1, 2}
			return errSentinel
		})
		if err != errSentinel || got != nil {
			t.Fatalf("UpdatePackage: got (%v, %v), want (nil, errSentinel unchanged)", got, err)
		}
		after, err := s.Package(ctx, other.ID)
		must(t, "Package", err)
		wantEqual(t, "Package after failed update", *after, *before)
	})
}
