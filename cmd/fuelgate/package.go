package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
)

type packageJSON struct {
	ClientID string   `json:"client_id"`
	Name     string   `json:"name"`
	MID      int64    `json:"mid"`
	MIDs     []int64  `json:"mids"`
	Scopes   []string `json:"scopes"`
	Legacy   bool     `json:"legacy"`
	Enabled  bool     `json:"enabled"`
}

func toPackageJSON(p *fuelgate.Package) packageJSON {
	return packageJSON{ClientID: p.ClientID, Name: p.Name, MID: p.MID, MIDs: p.MIDs, Scopes: p.Scopes, Legacy: p.Legacy, Enabled: p.Enabled}
}

func (m *Main) packageCreate(ctx context.Context, args []string) error {
	var c common
	fs := m.newFlags("package create", &c)
	var in manage.NewPackage
	var mids midsFlag
	fs.Int64Var(&in.MID, "mid", 0, "the BU the package is created in")
	fs.StringVar(&in.Name, "name", "", "package name")
	fs.StringVar(&in.Description, "description", "", "description")
	scopes := fs.String("scopes", "", `space-separated SFMC scopes, e.g. "users_read users_write"`)
	fs.Var(&mids, "bu", "further BU the package's tokens may act in (repeatable)")
	fs.BoolVar(&in.Legacy, "legacy", false, "a legacy package (/v1/requestToken only)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := requireFlag(in.MID > 0, "mid"); err != nil {
		return err
	}
	if err := requireFlag(in.Name != "", "name"); err != nil {
		return err
	}
	in.Scopes, in.MIDs = strings.Fields(*scopes), mids
	e, err := m.open(ctx, &c)
	if err != nil {
		return err
	}
	defer e.store.Close()
	p, secret, err := e.manage.CreatePackage(ctx, manage.Operator(), in)
	if err != nil {
		return err
	}
	return m.output(c.json, map[string]any{"client_id": p.ClientID, "client_secret": secret, "mid": p.MID}, func(w io.Writer) {
		fmt.Fprintf(w, "created package %q in %d\nclient ID:     %s\nclient secret: %s\n(the secret is shown only now)\n", p.Name, p.MID, p.ClientID, secret)
	})
}

func (m *Main) packageList(ctx context.Context, args []string) error {
	var c common
	fs := m.newFlags("package list", &c)
	if err := parse(fs, args); err != nil {
		return err
	}
	e, err := m.open(ctx, &c)
	if err != nil {
		return err
	}
	defer e.store.Close()
	pkgs, err := e.manage.Packages(ctx, manage.Operator())
	if err != nil {
		return err
	}
	items := make([]packageJSON, 0, len(pkgs))
	for _, p := range pkgs {
		items = append(items, toPackageJSON(p))
	}
	return m.output(c.json, map[string]any{"items": items}, func(w io.Writer) {
		fmt.Fprintf(w, "%-26s %-12s %-8s %-7s %s\n", "CLIENT ID", "MID", "ENABLED", "LEGACY", "NAME")
		for _, p := range items {
			fmt.Fprintf(w, "%-26s %-12d %-8t %-7t %s\n", p.ClientID, p.MID, p.Enabled, p.Legacy, p.Name)
		}
	})
}

func (m *Main) packageRotate(ctx context.Context, args []string) error {
	var c common
	fs := m.newFlags("package rotate-secret", &c)
	clientID := fs.String("client-id", "", "the package's client ID")
	overlap := fs.Duration("overlap", 0, "how long the old secret keeps working (0: retire it now)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := requireFlag(*clientID != "", "client-id"); err != nil {
		return err
	}
	if *overlap < 0 {
		return fmt.Errorf("%w: --overlap must not be negative", errUsage)
	}
	e, err := m.open(ctx, &c)
	if err != nil {
		return err
	}
	defer e.store.Close()
	var until time.Time
	if *overlap > 0 {
		until = time.Now().Add(*overlap)
	}
	p, secret, err := e.manage.RotateSecret(ctx, manage.Operator(), *clientID, until)
	if err != nil {
		return err
	}
	out := map[string]any{"client_id": p.ClientID, "client_secret": secret}
	if !until.IsZero() {
		out["old_secret_valid_until"] = until.UTC().Format(time.RFC3339)
	}
	return m.output(c.json, out, func(w io.Writer) {
		fmt.Fprintf(w, "new client secret for %s: %s\n(the secret is shown only now)\n", p.ClientID, secret)
		if !until.IsZero() {
			fmt.Fprintf(w, "the old secret works until %s\n", until.UTC().Format(time.RFC3339))
		}
	})
}

func (m *Main) packageDisable(ctx context.Context, args []string) error {
	return m.packageSetEnabled(ctx, "package disable", args, false)
}

func (m *Main) packageEnable(ctx context.Context, args []string) error {
	return m.packageSetEnabled(ctx, "package enable", args, true)
}

func (m *Main) packageSetEnabled(ctx context.Context, name string, args []string, enabled bool) error {
	var c common
	fs := m.newFlags(name, &c)
	clientID := fs.String("client-id", "", "the package's client ID")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := requireFlag(*clientID != "", "client-id"); err != nil {
		return err
	}
	e, err := m.open(ctx, &c)
	if err != nil {
		return err
	}
	defer e.store.Close()
	p, err := e.manage.SetPackageEnabled(ctx, manage.Operator(), *clientID, enabled)
	if err != nil {
		return err
	}
	return m.output(c.json, toPackageJSON(p), func(w io.Writer) { fmt.Fprintf(w, "package %s enabled=%t\n", p.ClientID, p.Enabled) })
}
