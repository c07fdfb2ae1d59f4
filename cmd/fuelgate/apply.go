package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/provision"
)

func (m *Main) apply(ctx context.Context, args []string) error {
	var c common
	fs := m.newFlags("apply", &c)
	file := fs.String("f", "", "provisioning file, YAML or JSON (see docs/provisioning.md)")
	dryRun := fs.Bool("dry-run", false, "print the plan (create, update or unchanged per object) and write nothing")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := requireFlag(*file != "", "f"); err != nil {
		return err
	}
	doc, err := provision.ReadFile(*file, m.Getenv)
	if err != nil {
		return err
	}
	return m.act(ctx, &c, func(e *env) (printed, error) {
		plan, err := e.manage.Apply(ctx, manage.Operator(), doc.Tenant, *dryRun)
		if err != nil {
			return printed{}, doc.Locate(err)
		}
		return planPrinted(plan, *file), nil
	})
}

// applyAtStart applies the provisioning file path for serve --apply and
// prints the plan.
func (m *Main) applyAtStart(ctx context.Context, svc *manage.Service, doc *provision.Document, path string) error {
	plan, err := svc.Apply(ctx, manage.Operator(), doc.Tenant, false)
	if err != nil {
		return doc.Locate(err)
	}
	planPrinted(plan, path).text(m.Stdout)
	return nil
}

type changeJSON struct {
	Kind      manage.ObjectKind `json:"kind"`
	Name      string            `json:"name"`
	Path      string            `json:"path"`
	Action    manage.Action     `json:"action"`
	Fields    []string          `json:"fields,omitempty"`
	Generated []string          `json:"generated,omitempty"`
}

type credentialJSON struct {
	Kind  manage.ObjectKind `json:"kind"`
	Name  string            `json:"name"`
	What  string            `json:"what"`
	Value string            `json:"value"`
}

type planJSON struct {
	DryRun        bool             `json:"dry_run"`
	EnterpriseMID int64            `json:"enterprise_mid"`
	Created       int              `json:"created"`
	Updated       int              `json:"updated"`
	Unchanged     int              `json:"unchanged"`
	Changes       []changeJSON     `json:"changes"`
	Credentials   []credentialJSON `json:"credentials"`
}

// planSigns mark the actions of a plan, Terraform-style.
var planSigns = map[manage.Action]string{manage.ActionCreate: "+", manage.ActionUpdate: "~", manage.ActionUnchanged: " "}

// planPrinted is what apply prints: each object with its action, a
// summary, and the secrets it generated (shown once).
func planPrinted(p *manage.Plan, file string) printed {
	out := planJSON{DryRun: p.DryRun, EnterpriseMID: p.EnterpriseMID, Created: p.Count(manage.ActionCreate),
		Updated: p.Count(manage.ActionUpdate), Unchanged: p.Count(manage.ActionUnchanged),
		Changes: []changeJSON{}, Credentials: []credentialJSON{}}
	for _, c := range p.Changes {
		out.Changes = append(out.Changes, changeJSON(c))
	}
	for _, c := range p.Generated {
		out.Credentials = append(out.Credentials, credentialJSON(c))
	}
	return printed{out, func(w io.Writer) {
		for _, c := range out.Changes {
			line := fmt.Sprintf("%s %-9s %s %s", planSigns[c.Action], c.Action, c.Kind, c.Name)
			if len(c.Fields) > 0 {
				line += ": " + strings.Join(c.Fields, ", ")
			}
			if len(c.Generated) > 0 {
				line += " (generated " + strings.Join(c.Generated, ", ") + ")"
			}
			fmt.Fprintln(w, line)
		}
		switch {
		case out.DryRun:
			fmt.Fprintf(w, "Plan for %s: %d to create, %d to update, %d unchanged. Dry run: nothing was written.\n",
				file, out.Created, out.Updated, out.Unchanged)
		case out.Created+out.Updated == 0:
			fmt.Fprintf(w, "No changes: the database already matches %s (%d objects).\n", file, out.Unchanged)
		default:
			fmt.Fprintf(w, "Applied %s: %d created, %d updated, %d unchanged.\n", file, out.Created, out.Updated, out.Unchanged)
		}
		if len(out.Credentials) > 0 {
			fmt.Fprintln(w, "Generated credentials (shown only now; stored as hashes):")
			for _, c := range out.Credentials {
				fmt.Fprintf(w, "  %s %s %s: %s\n", c.Kind, c.Name, c.What, c.Value)
			}
		}
	}}
}
