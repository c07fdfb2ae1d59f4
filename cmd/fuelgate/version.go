package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// versionJSON is what "fuelgate version" prints.
type versionJSON struct {
	Version  string `json:"version"`  // the module version, "(devel)" when the build did not stamp one
	Revision string `json:"revision"` // the VCS revision, "unknown" when the build did not record one
	Time     string `json:"time,omitempty"`
	Modified bool   `json:"modified"` // the working tree had uncommitted changes
	Go       string `json:"go"`
}

// versionOf reads the version and VCS revision from the build information
// the go command embeds in the binary.
func versionOf(info *debug.BuildInfo, ok bool) versionJSON {
	v := versionJSON{Version: "(devel)", Revision: "unknown", Go: runtime.Version()}
	if !ok {
		return v
	}
	if info.Main.Version != "" {
		v.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

func (m *Main) version(ctx context.Context, args []string) error {
	var c common
	fs := m.newFlags("version", &c)
	if err := parse(fs, args); err != nil {
		return err
	}
	v := versionOf(debug.ReadBuildInfo())
	return m.print(&c, printed{v, func(w io.Writer) {
		fmt.Fprintf(w, "fuelgate %s\nrevision %s", v.Version, v.Revision)
		if v.Time != "" {
			fmt.Fprintf(w, " (%s)", v.Time)
		}
		if v.Modified {
			fmt.Fprint(w, ", with uncommitted changes")
		}
		fmt.Fprintf(w, "\n%s\n", v.Go)
	}})
}
