package fuelgate_test

import (
	"encoding/json"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// edgePackages are the packages that speak a wire format (OAuth JSON, SOAP,
// HTML). They authenticate through auth and ask manage for every decision
// and every read: they never hold the store, never build an actor, and never
// act as the operator.
var edgePackages = []string{
	"github.com/fuelgate/fuelgate/tokenapi",
	"github.com/fuelgate/fuelgate/soapapi",
	"github.com/fuelgate/fuelgate/soapapi/objects",
	"github.com/fuelgate/fuelgate/console",
}

// forbiddenInEdges are the functions only auth (which verifies credentials)
// or the CLI (the local operator) may call.
var forbiddenInEdges = map[string]string{
	"github.com/fuelgate/fuelgate/manage.Operator":                "acts as the operator",
	"(*github.com/fuelgate/fuelgate/manage.Service).TokenActor":   "builds a token's actor (auth's job)",
	"(*github.com/fuelgate/fuelgate/manage.Service).LoginActor":   "builds a user's actor without a verified credential (auth's job)",
	"(*github.com/fuelgate/fuelgate/manage.Service).AppUserActor": "builds an app token's actor (auth's job)",
	"(*github.com/fuelgate/fuelgate/manage.Service).Forget":       "drops manage's caches (the server's job)",
	"github.com/fuelgate/fuelgate/internal/sqlstore.New":          "opens a store",
	"github.com/fuelgate/fuelgate/internal/fgtest.New":            "starts a test server",
}

// TestEdgesDoNotReachTheStore type-checks the edge packages and fails on any
// expression, field or variable whose type is the fuelgate.Store interface
// (or a pointer to it), and on any call of a function that builds actors or
// acts as the operator. With that, the only way from an edge to stored data
// is a use-case of manage or auth that takes the caller's actor.
func TestEdgesDoNotReachTheStore(t *testing.T) {
	exports := exportData(t, edgePackages...)
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok {
			return nil, os.ErrNotExist
		}
		return os.Open(f)
	})
	for _, path := range edgePackages {
		t.Run(strings.TrimPrefix(path, "github.com/fuelgate/fuelgate/"), func(t *testing.T) {
			files, dir := parseNonTest(t, fset, path)
			info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{},
				Defs: map[*ast.Ident]types.Object{}}
			conf := types.Config{Importer: imp}
			if _, err := conf.Check(path, fset, files, info); err != nil {
				t.Fatalf("type-check %s: %v", dir, err)
			}
			for expr, tv := range info.Types {
				if isStore(tv.Type) {
					t.Errorf("%s: an expression of type %s: edges read through manage or auth, never the store",
						fset.Position(expr.Pos()), tv.Type)
				}
			}
			for id, obj := range info.Defs {
				if obj != nil && isStore(obj.Type()) {
					t.Errorf("%s: %s has type %s: edges never hold the store", fset.Position(id.Pos()), id.Name, obj.Type())
				}
			}
			for id, obj := range info.Uses {
				fn, ok := obj.(*types.Func)
				if !ok {
					continue
				}
				if why, bad := forbiddenInEdges[fn.FullName()]; bad {
					t.Errorf("%s: calls %s, which %s", fset.Position(id.Pos()), fn.FullName(), why)
				}
			}
		})
	}
}

// isStore reports whether t is fuelgate.Store or a pointer to it.
func isStore(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := t.(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "github.com/fuelgate/fuelgate" && n.Obj().Name() == "Store"
}

// exportData compiles pkgs and their dependencies and returns the export
// data file of each, by import path.
func exportData(t *testing.T, pkgs ...string) map[string]string {
	t.Helper()
	args := append([]string{"list", "-export", "-deps", "-json=ImportPath,Export"}, pkgs...)
	out, err := exec.Command("go", args...).Output()
	if err != nil {
		t.Fatalf("go list -export: %v", err)
	}
	m := map[string]string{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p struct{ ImportPath, Export string }
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		m[p.ImportPath] = p.Export
	}
	return m
}

// parseNonTest parses the non-test Go files of the package at import path.
func parseNonTest(t *testing.T, fset *token.FileSet, path string) ([]*ast.File, string) {
	t.Helper()
	dir := "." + strings.TrimPrefix(path, "github.com/fuelgate/fuelgate")
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	var files []*ast.File
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, n, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files, dir
}
