package main

import (
	"context"
	"io"

	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/provision"
)

func (m *Main) export(ctx context.Context, args []string) error {
	var c common
	fs := m.newFlags("export", &c)
	mid := fs.Int64("mid", 0, "a BU of the enterprise (default: the only enterprise)")
	if err := parse(fs, args); err != nil {
		return err
	}
	return m.actInEnterprise(ctx, &c, *mid, func(e *env, ent int64) (printed, error) {
		t, err := e.manage.Export(ctx, manage.Operator(), ent)
		if err != nil {
			return printed{}, err
		}
		text, err := provision.MarshalYAML(t)
		if err != nil {
			return printed{}, err
		}
		return printed{provision.FromTenant(t), func(w io.Writer) { w.Write(text) }}, nil
	})
}
