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
	ClientID     string   `json:"client_id"`
	Name         string   `json:"name"`
	Type         string   `json:"type"`
	MID          int64    `json:"mid"`
	MIDs         []int64  `json:"mids"`
	Scopes       []string `json:"scopes"`
	Legacy       bool     `json:"legacy"`
	Enabled      bool     `json:"enabled"`
	RedirectURIs []string `json:"redirect_uris,omitempty"`
	RequirePKCE  bool     `json:"require_pkce,omitempty"`
}

func toPackageJSON(p *fuelgate.Package) packageJSON {
	return packageJSON{ClientID: p.ClientID, Name: p.Name, Type: manage.PackageTypeOf(p.IntegrationType), MID: p.MID,
		MIDs: p.MIDs, Scopes: p.Scopes, Legacy: p.Legacy, Enabled: p.Enabled, RedirectURIs: p.RedirectURIs, RequirePKCE: p.RequirePKCE}
}

// soapScopes are the scopes the SOAP objects fuelgate serves check:
// BusinessUnit and Account need accounts_*, AccountUser and Role users_*
// (docs/soap-api.md). A package needs some of them to make any SOAP call.
var soapScopes = []string{"accounts_read", "accounts_write", "users_read", "users_write"}

func (m *Main) packageCreate(ctx context.Context, args []string) error {
	var c common
	fs := m.newFlags("package create", &c)
	var in manage.NewPackage
	var mids midsFlag
	fs.Int64Var(&in.MID, "mid", 0, "the BU the package is created in")
	fs.StringVar(&in.Name, "name", "", "package name")
	fs.StringVar(&in.Description, "description", "", "description")
	scopes := fs.String("scopes", "", `space-separated SFMC scopes, e.g. "accounts_read users_read" (required)`)
	fs.Var(&mids, "bu", "further BU the package's tokens may act in (repeatable)")
	fs.BoolVar(&in.Legacy, "legacy", false, "a legacy package (/v1/requestToken only)")
	kind := fs.String("type", "server", "API integration type: server, web or public")
	var redirects listFlag
	fs.Var(&redirects, "redirect-uri", "web and public apps: a redirect URI, compared exactly; https, or http on a loopback host (repeatable)")
	fs.BoolVar(&in.RequirePKCE, "require-pkce", false, "public apps: refuse authorization requests without a PKCE challenge (S256)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if in.Type = manage.PackageTypes[*kind]; in.Type == "" {
		return fmt.Errorf("%w: --type must be server, web or public", errUsage)
	}
	in.RedirectURIs = redirects
	if err := requireFlag(in.MID > 0, "mid"); err != nil {
		return err
	}
	if err := requireFlag(in.Name != "", "name"); err != nil {
		return err
	}
	in.Scopes, in.MIDs = strings.Fields(*scopes), mids
	if len(in.Scopes) == 0 {
		return fmt.Errorf("%w: --scopes is required: a package without scopes can call nothing "+
			"(every SOAP call answers \"API Permission Failed\"). The scopes fuelgate's SOAP objects check: %s "+
			"(e.g. --scopes \"accounts_read users_read\"); any SFMC scope name is accepted", errUsage, strings.Join(soapScopes, " "))
	}
	return m.act(ctx, &c, func(e *env) (printed, error) {
		p, secret, err := e.manage.CreatePackage(ctx, manage.Operator(), in)
		if err != nil {
			return printed{}, err
		}
		out := map[string]any{"client_id": p.ClientID, "mid": p.MID, "type": *kind}
		if secret != "" {
			out["client_secret"] = secret
		}
		return printed{out, func(w io.Writer) {
			fmt.Fprintf(w, "created %s package %q in %d\nclient ID:     %s\n", *kind, p.Name, p.MID, p.ClientID)
			if secret != "" {
				fmt.Fprintf(w, "client secret: %s\n(the secret is shown only now)\n", secret)
			}
		}}, nil
	})
}

func (m *Main) packageList(ctx context.Context, args []string) error {
	var c common
	fs := m.newFlags("package list", &c)
	if err := parse(fs, args); err != nil {
		return err
	}
	return m.act(ctx, &c, func(e *env) (printed, error) {
		pkgs, err := e.manage.Packages(ctx, manage.Operator())
		return listOf(pkgs, toPackageJSON, func(w io.Writer, items []packageJSON) {
			fmt.Fprintf(w, "%-26s %-12s %-8s %-7s %s\n", "CLIENT ID", "MID", "ENABLED", "LEGACY", "NAME")
			for _, p := range items {
				fmt.Fprintf(w, "%-26s %-12d %-8t %-7t %s\n", p.ClientID, p.MID, p.Enabled, p.Legacy, p.Name)
			}
		}), err
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
	return m.act(ctx, &c, func(e *env) (printed, error) {
		var until time.Time
		if *overlap > 0 {
			until = time.Now().Add(*overlap)
		}
		p, secret, err := e.manage.RotateSecret(ctx, manage.Operator(), *clientID, until)
		if err != nil {
			return printed{}, err
		}
		out := map[string]any{"client_id": p.ClientID, "client_secret": secret}
		if !until.IsZero() {
			out["old_secret_valid_until"] = until.UTC().Format(time.RFC3339)
		}
		return printed{out, func(w io.Writer) {
			fmt.Fprintf(w, "new client secret for %s: %s\n(the secret is shown only now)\n", p.ClientID, secret)
			if !until.IsZero() {
				fmt.Fprintf(w, "the old secret works until %s\n", until.UTC().Format(time.RFC3339))
			}
		}}, nil
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
	return m.act(ctx, &c, func(e *env) (printed, error) {
		p, err := e.manage.SetPackageEnabled(ctx, manage.Operator(), *clientID, enabled)
		if err != nil {
			return printed{}, err
		}
		return printed{toPackageJSON(p), func(w io.Writer) { fmt.Fprintf(w, "package %s enabled=%t\n", p.ClientID, p.Enabled) }}, nil
	})
}
