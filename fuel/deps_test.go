package fuel_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies enforces that fuel imports only the soap package and the
// standard library.
func TestDependencies(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not in PATH")
	}
	out, err := exec.Command(goTool, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	allowed := map[string]bool{
		"github.com/fuelgate/fuelgate/fuel": true,
		"github.com/fuelgate/fuelgate/soap": true,
	}
	for _, p := range strings.Fields(string(out)) {
		if !allowed[p] {
			t.Errorf("fuel depends on %s; only soap and the standard library are allowed", p)
		}
	}
}
