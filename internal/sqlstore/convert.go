package sqlstore

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Micros converts t to Unix microseconds, 0 for the zero time.
func Micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// FromMicros converts Unix microseconds to a UTC time, the zero time for 0.
func FromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// blob returns b, or nil when b is empty, so empty blobs are stored as NULL.
func blob(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// joinScopes encodes scopes (or another list of words without spaces, such
// as redirect URIs) as one space-separated string.
func joinScopes(scopes []string) string { return strings.Join(scopes, " ") }

// splitScopes decodes a space-separated string, nil when empty.
func splitScopes(s string) []string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return nil
	}
	return f
}

// sortedUnique returns a sorted copy of v without duplicates, nil when empty.
func sortedUnique[T int64 | string](v []T) []T {
	if len(v) == 0 {
		return nil
	}
	out := slices.Clone(v)
	slices.Sort(out)
	return slices.Compact(out)
}

// LikeContains returns a LIKE pattern, for use with ESCAPE '\', matching any
// string that contains s literally.
func LikeContains(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// LikePrefix returns a LIKE pattern, for use with ESCAPE '\', matching any
// string that starts with s literally.
func LikePrefix(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s) + "%"
}

// where builds a WHERE clause with numbered placeholders.
type where struct {
	conds []string
	args  []any
}

// arg records v and returns its placeholder, e.g. "$3".
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

// args64 adds each of vs as an argument and returns their placeholders
// separated by commas; for no values it returns NULL, which matches nothing
// in an IN list.
func (w *where) args64(vs []int64) string {
	if len(vs) == 0 {
		return "NULL"
	}
	ph := make([]string, len(vs))
	for i, v := range vs {
		ph[i] = w.arg(v)
	}
	return strings.Join(ph, ", ")
}

// add appends a condition.
func (w *where) add(cond string) { w.conds = append(w.conds, cond) }

// String returns " WHERE a AND b", or "" without conditions.
func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// placeholders returns "$from, $from+1, …" for n arguments.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(from+i))
	}
	return b.String()
}
