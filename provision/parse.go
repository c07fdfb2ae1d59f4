package provision

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/manage"
)

// MaxFileSize bounds a provisioning file.
const MaxFileSize = 8 << 20

// Document is a parsed provisioning file: the Tenant it describes, with
// its secrets read, and where each of its paths is in the file.
type Document struct {
	Name   string // the file's name, as errors show it
	Tenant *manage.Tenant
	lines  map[string]int // path → line
}

// Options tell Parse where the secrets a file names are.
type Options struct {
	// Getenv reads password_env and client_secret_env (nil reads nothing).
	Getenv func(string) string
	// Dir is the directory password_file and client_secret_file are
	// relative to (the provisioning file's own, for ReadFile).
	Dir string
}

// ReadFile reads and parses the provisioning file at path, YAML or JSON
// (JSON is YAML), reading secret files relative to its directory.
func ReadFile(path string, getenv func(string) string) (*Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fuelgate.Errorf(fuelgate.EINVALID, "cannot read %s: %s", path, reason(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fuelgate.Errorf(fuelgate.EINVALID, "cannot read %s: %s", path, reason(err))
	}
	return Parse(path, data, Options{Getenv: getenv, Dir: filepath.Dir(path)})
}

// Parse parses a provisioning file named name. Every error is a
// *fuelgate.Error (EINVALID) whose message names the file and the line.
func Parse(name string, data []byte, opts Options) (*Document, error) {
	d := &Document{Name: name, lines: map[string]int{}}
	if len(data) > MaxFileSize {
		return nil, d.errorf(0, "", "the file is larger than %d MiB", MaxFileSize>>20)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, d.errorf(0, "", "%s", yamlMessage(err))
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil, d.errorf(0, "", "the file is empty")
	}
	if root.Content[0].Kind != yaml.MappingNode {
		return nil, d.errorf(root.Content[0].Line, "", "the file must be a mapping with enterprise, business_units, roles, users and packages")
	}
	d.index(root.Content[0], "")
	if err := d.refuseClearSecrets(root.Content[0], ""); err != nil {
		return nil, err
	}
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, d.errorf(0, "", "%s", yamlMessage(err))
	}
	if err := dec.Decode(new(yaml.Node)); err != io.EOF {
		return nil, d.errorf(0, "", "the file holds more than one YAML document")
	}
	if f.Version != 0 && f.Version != Version {
		return nil, d.errorf(d.line("version"), "version", "this fuelgate reads version %d files", Version)
	}
	c := converter{d: d, opts: opts}
	t, err := c.tenant(&f)
	if err != nil {
		return nil, err
	}
	d.Tenant = t
	return d, nil
}

// index records the line of every path under n.
func (d *Document) index(n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := n.Content[i].Value
			if path != "" {
				p = path + "." + p
			}
			d.lines[p] = n.Content[i].Line
			d.index(n.Content[i+1], p)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := path + "[" + strconv.Itoa(i) + "]"
			d.lines[p] = c.Line
			d.index(c, p)
		}
	}
}

// refuseClearSecrets refuses a password or client secret written in the
// file itself.
func (d *Document) refuseClearSecrets(n *yaml.Node, path string) error {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			p := key
			if path != "" {
				p = path + "." + key
			}
			if key == "password" || key == "client_secret" {
				return d.errorf(n.Content[i].Line, p, "secrets are never written in the file: name their source with %s_env or %s_file", key, key)
			}
			if err := d.refuseClearSecrets(n.Content[i+1], p); err != nil {
				return err
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if err := d.refuseClearSecrets(c, path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
	}
	return nil
}

// line returns the line of path or, when the file does not spell it out,
// of the nearest enclosing path it does (0 when none).
func (d *Document) line(path string) int {
	for path != "" {
		if l, ok := d.lines[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 0
}

// errorf returns an EINVALID error naming the file, line and path.
func (d *Document) errorf(line int, path, format string, args ...any) error {
	return fuelgate.Errorf(fuelgate.EINVALID, "%s%s", d.where(line, path), fmt.Sprintf(format, args...))
}

// where is the prefix of a message about line and path: "file:12: users[0]: ".
func (d *Document) where(line int, path string) string {
	s := d.Name
	if line > 0 {
		s += ":" + strconv.Itoa(line)
	}
	s += ": "
	if path != "" {
		s += path + ": "
	}
	return s
}

// Locate returns err, an error of manage.Service.Apply on d's Tenant, with
// the file, line and path of the object it concerns in its message; it
// keeps err's code. Other errors are returned unchanged.
func (d *Document) Locate(err error) error {
	var ae *manage.ApplyError
	if !errors.As(err, &ae) {
		return err
	}
	return &fuelgate.Error{Code: fuelgate.ErrorCode(ae.Err),
		Message: d.where(d.line(ae.Path), ae.Path) + ae.Object + ": " + fuelgate.ErrorMessage(ae.Err), Err: err}
}

var (
	yamlLine       = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)
	yamlUnknown    = regexp.MustCompile(`field (\S+) not found in type \S+`)
	yamlIntoGoType = regexp.MustCompile(` into (?:\*?[a-z]+\.)?([A-Za-z0-9]+)$`)
)

// yamlMessage rewrites a YAML error for people who never saw the Go types:
// one problem per line, "line N: …", "unknown field x".
func yamlMessage(err error) string {
	var lines []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		lines = te.Errors
	} else {
		lines = []string{err.Error()}
	}
	for i, l := range lines {
		l = yamlLine.ReplaceAllString(l, "line $1: ")
		l = strings.TrimPrefix(l, "yaml: ")
		l = yamlUnknown.ReplaceAllString(l, "unknown field $1")
		l = yamlIntoGoType.ReplaceAllStringFunc(l, func(s string) string {
			return " into " + goTypeWord(yamlIntoGoType.FindStringSubmatch(s)[1])
		})
		lines[i] = l
	}
	return strings.Join(lines, "; ")
}

// goTypeWord names a Go type of the file in its words.
func goTypeWord(t string) string {
	switch {
	case strings.HasPrefix(t, "int"):
		return "a number"
	case t == "bool":
		return "true or false"
	case t == "string":
		return "a string"
	}
	return "a " + strings.ToLower(t)
}

// reason is the part of an I/O error worth showing: the cause without the path.
func reason(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
