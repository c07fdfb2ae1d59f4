package main

import (
	"context"
	"fmt"
	"io"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
)

type buJSON struct {
	MID       int64  `json:"mid"`
	ParentMID int64  `json:"parent_mid"`
	Name      string `json:"name"`
	Active    bool   `json:"active"`
}

func toBUJSON(a *fuelgate.Account) buJSON {
	return buJSON{MID: a.MID, ParentMID: a.ParentMID, Name: a.Name, Active: a.Active}
}

func (m *Main) buCreate(ctx context.Context, args []string) error {
	var c common
	fs := m.newFlags("bu create", &c)
	parent := fs.Int64("parent", 0, "MID of the parent BU (0 creates a new enterprise)")
	name := fs.String("name", "", "name of the business unit")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := requireFlag(*name != "", "name"); err != nil {
		return err
	}
	return m.act(ctx, &c, func(e *env) (printed, error) {
		var a *fuelgate.Account
		var err error
		if *parent == 0 {
			a, err = e.manage.CreateEnterprise(ctx, manage.Operator(), *name)
		} else {
			a, err = e.manage.CreateBusinessUnit(ctx, manage.Operator(), *parent, *name)
		}
		if err != nil {
			return printed{}, err
		}
		return printed{map[string]int64{"mid": a.MID}, func(w io.Writer) {
			fmt.Fprintf(w, "created business unit %d %q under %d\n", a.MID, a.Name, a.ParentMID)
		}}, nil
	})
}

func (m *Main) buList(ctx context.Context, args []string) error {
	var c common
	fs := m.newFlags("bu list", &c)
	if err := parse(fs, args); err != nil {
		return err
	}
	return m.act(ctx, &c, func(e *env) (printed, error) {
		all, err := e.manage.BusinessUnits(ctx, manage.Operator())
		return listOf(all, toBUJSON, func(w io.Writer, items []buJSON) {
			fmt.Fprintf(w, "%-12s %-12s %-7s %s\n", "MID", "PARENT", "ACTIVE", "NAME")
			for _, a := range items {
				fmt.Fprintf(w, "%-12d %-12d %-7t %s\n", a.MID, a.ParentMID, a.Active, a.Name)
			}
		}), err
	})
}

func (m *Main) buUpdate(ctx context.Context, args []string) error {
	var c common
	fs := m.newFlags("bu update", &c)
	mid := fs.Int64("mid", 0, "MID of the business unit")
	name := fs.String("name", "", "new name")
	var active onOff
	fs.Var(&active, "active", "on or off")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := requireFlag(*mid > 0, "mid"); err != nil {
		return err
	}
	var namep *string
	if *name != "" {
		namep = name
	}
	return m.act(ctx, &c, func(e *env) (printed, error) {
		a, err := e.manage.UpdateBusinessUnit(ctx, manage.Operator(), *mid, namep, active.v)
		if err != nil {
			return printed{}, err
		}
		return printed{toBUJSON(a), func(w io.Writer) {
			fmt.Fprintf(w, "business unit %d: %q active=%t\n", a.MID, a.Name, a.Active)
		}}, nil
	})
}
