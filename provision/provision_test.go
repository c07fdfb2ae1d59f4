package provision_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/provision"
)

const sampleYAML = `# a tenant
version: 1
enterprise:
  mid: 100000001
  name: Acme
  settings:
    api_password_login: true
    token_lifetime: 5m
business_units:
  - mid: 100000002
    name: Acme Europe
  - name: Labs
    parent: Acme Europe
    active: false
roles:
  - name: API Access
    permissions: [email.admin.api_access.webservices_api]
users:
  - username: ci_user
    name: CI
    email: ci@example.com
    password_env: CI_PASSWORD
    api_user: true
    roles: [API Access]
    business_units: [100000002, Labs]
  - username: filed
    name: Filed
    email: filed@example.com
    password_file: secrets/filed.txt
    default_bu: 100000002
packages:
  - name: CI package
    scopes: [accounts_read]
    client_id: ci0000000000000000000001
    client_secret_file: secrets/client.txt
    enabled: false
`

const sampleJSON = `{
  "version": 1,
  "enterprise": {"mid": 100000001, "name": "Acme", "settings": {"api_password_login": true, "token_lifetime": "5m"}},
  "business_units": [
    {"mid": 100000002, "name": "Acme Europe"},
    {"name": "Labs", "parent": "Acme Europe", "active": false}
  ],
  "roles": [{"name": "API Access", "permissions": ["email.admin.api_access.webservices_api"]}],
  "users": [
    {"username": "ci_user", "name": "CI", "email": "ci@example.com", "password_env": "CI_PASSWORD", "api_user": true,
     "roles": ["API Access"], "business_units": [100000002, "Labs"]},
    {"username": "filed", "name": "Filed", "email": "filed@example.com", "password_file": "secrets/filed.txt", "default_bu": 100000002}
  ],
  "packages": [{"name": "CI package", "scopes": ["accounts_read"], "client_id": "ci0000000000000000000001",
                "client_secret_file": "secrets/client.txt", "enabled": false}]
}
`

// secretsDir writes the secret files the samples name and returns their directory.
func secretsDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "secrets"), 0o700); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"filed.txt": "file-Passw0rd\n", "client.txt": "client-secret-from-a-file\r\n"} {
		if err := os.WriteFile(filepath.Join(dir, "secrets", name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func env(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }

// TestParseYAMLAndJSON: the same tenant as YAML and JSON parses to the same
// manage.Tenant, with defaults filled in and secrets read from their sources.
func TestParseYAMLAndJSON(t *testing.T) {
	dir := secretsDir(t)
	opts := provision.Options{Getenv: env(map[string]string{"CI_PASSWORD": "env-Passw0rd"}), Dir: dir}
	fromYAML, err := provision.Parse("tenant.yaml", []byte(sampleYAML), opts)
	if err != nil {
		t.Fatalf("Parse YAML: %v", err)
	}
	fromJSON, err := provision.Parse("tenant.json", []byte(sampleJSON), opts)
	if err != nil {
		t.Fatalf("Parse JSON: %v", err)
	}
	if !reflect.DeepEqual(fromYAML.Tenant, fromJSON.Tenant) {
		t.Fatalf("YAML and JSON differ:\nyaml %+v\njson %+v", fromYAML.Tenant, fromJSON.Tenant)
	}
	got := fromYAML.Tenant
	st := got.Enterprise.Settings
	if !st.APIPasswordLogin || st.TokenLifetime != 5*time.Minute || st.LockoutThreshold != fuelgate.DefaultLockoutThreshold ||
		st.PermissionModel != fuelgate.ModelRoleBased {
		t.Errorf("settings %+v: want API logins on, 5m tokens, the other defaults", st)
	}
	if b := got.BusinessUnits; !b[0].Active || b[1].Active || b[1].Parent != (manage.BURef{Name: "Acme Europe"}) {
		t.Errorf("business units %+v: want the first active by default, the second inactive under Acme Europe", b)
	}
	if u := got.Users; u[0].Password != "env-Passw0rd" || u[1].Password != "file-Passw0rd" || !u[0].Active ||
		!reflect.DeepEqual(u[0].BusinessUnits, []manage.BURef{{MID: 100000002}, {Name: "Labs"}}) || u[1].DefaultBU.MID != 100000002 {
		t.Errorf("users %+v: want passwords from the env and the file (one line end trimmed), refs by MID and name", u)
	}
	if p := got.Packages[0]; p.ClientSecret != "client-secret-from-a-file" || p.Enabled || p.ClientID != "ci0000000000000000000001" {
		t.Errorf("package %+v: want the secret from the file without \\r\\n, disabled", p)
	}
}

// TestParseErrorsNameTheLine: each bad file is refused with an EINVALID
// error naming the file, the line and, where it knows it, the path.
func TestParseErrorsNameTheLine(t *testing.T) {
	dir := secretsDir(t)
	tests := []struct{ name, file, want string }{
		{"syntax", "enterprise:\n  name: [unclosed\n", "t.yaml: line 1: did not find expected ',' or ']'"},
		{"unknown field", "enterprise:\n  name: A\n  colour: red\n", "t.yaml: line 3: unknown field colour"},
		{"wrong type", "enterprise:\n  name: A\n  mid: twelve\n", "t.yaml: line 3: cannot unmarshal !!str `twelve` into a number"},
		{"ref as a mapping", "enterprise: {name: A}\nusers:\n  - username: u\n    default_bu: {mid: 3}\n", "t.yaml: line 4: a business unit is named"},
		{"bad duration", "enterprise:\n  name: A\n  settings:\n    token_lifetime: soon\n",
			`t.yaml:4: enterprise.settings.token_lifetime: "soon" is not a duration`},
		{"password in clear", "enterprise: {name: A}\nusers:\n  - username: u\n    password: hunter22\n",
			"t.yaml:4: users[0].password: secrets are never written in the file"},
		{"client secret in clear", "enterprise: {name: A}\npackages:\n  - name: p\n    client_secret: abc\n",
			"t.yaml:4: packages[0].client_secret: secrets are never written"},
		{"unset variable", "enterprise: {name: A}\nusers:\n  - username: u\n    name: U\n    password_env: NOT_SET_ANYWHERE\n",
			"t.yaml:5: users[0].password_env: the environment variable NOT_SET_ANYWHERE is not set"},
		{"both sources", "enterprise: {name: A}\nusers:\n  - username: u\n    password_env: X\n    password_file: y\n",
			"t.yaml:5: users[0].password_file: give password_env or password_file, not both"},
		{"missing file", "enterprise: {name: A}\npackages:\n  - name: p\n    client_secret_file: nope.txt\n",
			"t.yaml:4: packages[0].client_secret_file: nope.txt: no such file or directory"},
		{"bad variable name", "enterprise: {name: A}\nusers:\n  - username: u\n    password_env: 'A B'\n", `t.yaml:4: users[0].password_env: "A B" is not`},
		{"version", "version: 2\nenterprise: {name: A}\n", "t.yaml:1: version: this fuelgate reads version 1 files"},
		{"two documents", "enterprise: {name: A}\n---\nenterprise: {name: B}\n", "t.yaml: the file holds more than one YAML document"},
		{"empty", "# nothing\n", "t.yaml: the file is empty"},
		{"not a mapping", "- a\n- b\n", "t.yaml:1: the file must be a mapping"},
		{"duplicate key", "enterprise: {name: A}\nenterprise: {name: B}\n", "t.yaml: line 2: mapping key \"enterprise\" already defined at line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := provision.Parse("t.yaml", []byte(tt.file), provision.Options{Getenv: env(nil), Dir: dir})
			if fuelgate.ErrorCode(err) != fuelgate.EINVALID || !strings.Contains(fuelgate.ErrorMessage(err), tt.want) {
				t.Fatalf("Parse: %v (doc %v); want EINVALID with %q", err, doc, tt.want)
			}
			if strings.Contains(err.Error(), "hunter22") || strings.Contains(err.Error(), "provision.") {
				t.Fatalf("the message %q shows a secret or a Go type", err)
			}
		})
	}
}

// TestLocateNamesTheLine: an Apply error on a path the file spells out
// names that line; on a field the file leaves out, the line of the object.
func TestLocateNamesTheLine(t *testing.T) {
	doc, err := provision.Parse("tenant.yaml", []byte(sampleYAML), provision.Options{Getenv: env(map[string]string{"CI_PASSWORD": "x"}), Dir: secretsDir(t)})
	if err != nil {
		t.Fatal(err)
	}
	cause := fuelgate.Errorf(fuelgate.EINVALID, "unknown role %q", "API Access")
	for path, want := range map[string]string{
		"users[0].roles":      `tenant.yaml:24: users[0].roles: user "ci_user": unknown role "API Access"`,
		"users[0].default_bu": `tenant.yaml:19: users[0].default_bu: user "ci_user": unknown role`,
		"packages[0]":         `tenant.yaml:32: packages[0]: user "ci_user": unknown role`,
	} {
		err := doc.Locate(&manage.ApplyError{Path: path, Object: `user "ci_user"`, Err: cause})
		if !strings.HasPrefix(fuelgate.ErrorMessage(err), want) || fuelgate.ErrorCode(err) != fuelgate.EINVALID {
			t.Errorf("Locate(%s) = %q (%s), want it to start with %q", path, fuelgate.ErrorMessage(err), fuelgate.ErrorCode(err), want)
		}
	}
	other := errors.New("disk full")
	if got := doc.Locate(other); got != other {
		t.Errorf("Locate(an error that is no ApplyError) = %v, want it unchanged", got)
	}
}

// TestMarshalParsesBack: what MarshalYAML writes parses to the tenant it
// was written from, secrets aside, and writes no secret.
func TestMarshalParsesBack(t *testing.T) {
	doc, err := provision.Parse("t.yaml", []byte(sampleYAML), provision.Options{Getenv: env(map[string]string{"CI_PASSWORD": "env-Passw0rd"}), Dir: secretsDir(t)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := provision.MarshalYAML(doc.Tenant)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"env-Passw0rd", "file-Passw0rd", "client-secret-from-a-file", "password_env:", "_file:"} {
		if strings.Contains(string(out), s) {
			t.Fatalf("MarshalYAML wrote %q:\n%s", s, out)
		}
	}
	back, err := provision.Parse("out.yaml", out, provision.Options{})
	if err != nil {
		t.Fatalf("parsing what MarshalYAML wrote: %v\n%s", err, out)
	}
	want := withoutSecrets(doc.Tenant)
	if !reflect.DeepEqual(back.Tenant, want) {
		t.Fatalf("parsed back:\n%+v\nwant\n%+v\nfile:\n%s", back.Tenant, want, out)
	}
}

func withoutSecrets(t *manage.Tenant) *manage.Tenant {
	c := *t
	c.Users = append([]manage.UserSpec(nil), t.Users...)
	c.Packages = append([]manage.PackageSpec(nil), t.Packages...)
	for i := range c.Users {
		c.Users[i].Password = ""
	}
	for i := range c.Packages {
		c.Packages[i].ClientSecret = ""
	}
	return &c
}

// FuzzParse: no input makes Parse panic, every refusal is an EINVALID
// error, and what parses is written back by MarshalYAML to a file that
// parses to the same tenant, secrets aside (a file may name any secret
// file, "../x" too).
func FuzzParse(f *testing.F) {
	f.Add([]byte(sampleYAML))
	f.Add([]byte(sampleJSON))
	f.Add([]byte("enterprise: {name: A, mid: 0x10}\nbusiness_units: [{name: B, parent: 1_000}]\n"))
	f.Add([]byte("enterprise:\n  name: \"line\\nbreak \"\nroles: [{name: ' x', permissions: []}]\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := provision.Parse("f.yaml", data, provision.Options{Getenv: env(nil), Dir: dir})
		if err != nil {
			if fuelgate.ErrorCode(err) != fuelgate.EINVALID {
				t.Fatalf("Parse refused with %v, want an EINVALID error", err)
			}
			return
		}
		out, err := provision.MarshalYAML(doc.Tenant)
		if err != nil {
			t.Fatalf("MarshalYAML: %v", err)
		}
		back, err := provision.Parse("out.yaml", out, provision.Options{})
		if err != nil {
			t.Fatalf("parsing what MarshalYAML wrote: %v\n%s", err, out)
		}
		if want := withoutSecrets(doc.Tenant); !reflect.DeepEqual(back.Tenant, want) {
			t.Fatalf("parsed back:\n%+v\nwant\n%+v\nfile:\n%s", back.Tenant, want, out)
		}
	})
}
