package fuelgate_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportGraph keeps the layering of design.md: the root package and the
// soap wire package use the standard library only, and the fuel SDK depends
// on nothing of the server.
func TestImportGraph(t *testing.T) {
	tests := []struct {
		pkg     string
		allowed []string // module-internal packages it may import
		stdOnly bool     // no third-party modules
	}{
		{pkg: ".", stdOnly: true},
		{pkg: "./soap", stdOnly: true},
		{pkg: "./fuel", allowed: []string{"github.com/fuelgate/fuelgate/soap"}, stdOnly: true},
	}
	for _, tt := range tests {
		t.Run(tt.pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", tt.pkg).CombinedOutput()
			if err != nil {
				t.Fatalf("go list: %v\n%s", err, out)
			}
			self := strings.TrimSpace(mustOutput(t, "go", "list", tt.pkg))
			for _, dep := range strings.Fields(string(out)) {
				if dep == self {
					continue
				}
				ok := false
				for _, a := range tt.allowed {
					ok = ok || dep == a
				}
				if !ok && (tt.stdOnly || !strings.HasPrefix(dep, "github.com/fuelgate/fuelgate")) {
					t.Errorf("%s imports %s, which the layering forbids", self, dep)
				}
			}
		})
	}
}

func mustOutput(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return string(out)
}
