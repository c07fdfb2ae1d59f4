package fuel

import (
	"fmt"
	"strconv"
	"strings"
)

// Bool returns a pointer to b, for the optional booleans of the typed
// objects: nil leaves a flag out of a request, so that an Update never
// clears one by accident.
func Bool(b bool) *bool { return &b }

// fieldReader converts properties, keeping the first error.
type fieldReader struct {
	o   Object
	err error
}

func (r *fieldReader) str(name string) string { return r.o.Value(name) }

func (r *fieldReader) int(name string) int64 {
	s, ok := r.o.Get(name)
	if !ok || strings.TrimSpace(s) == "" {
		return 0
	}
	v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("fuel: %s.%s: %q is not an integer", r.o.Type, name, s)
	}
	return v
}

func (r *fieldReader) boolp(name string) *bool {
	s, ok := r.o.Get(name)
	if !ok || strings.TrimSpace(s) == "" {
		return nil
	}
	v, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		if r.err == nil {
			r.err = fmt.Errorf("fuel: %s.%s: %q is not a boolean", r.o.Type, name, s)
		}
		return nil
	}
	return &v
}

// fieldWriter sets the non-zero fields of a typed object.
type fieldWriter struct{ o Object }

func (w *fieldWriter) str(name, v string) {
	if v != "" {
		w.o.Set(name, v)
	}
}

func (w *fieldWriter) int(name string, v int64) {
	if v != 0 {
		w.o.SetInt(name, v)
	}
}

func (w *fieldWriter) boolp(name string, v *bool) {
	if v != nil {
		w.o.SetBool(name, *v)
	}
}

// typeCheck refuses an Object of another type (an empty type is accepted).
func typeCheck(o Object, want string) error {
	if o.Type != "" && o.Type != want {
		return fmt.Errorf("fuel: object of type %q is not a %s", o.Type, want)
	}
	return nil
}
