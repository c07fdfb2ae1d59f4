package console

import (
	"testing"
	"time"

	"github.com/fuelgate/fuelgate"
)

func TestSessionsBounded(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := newSessions(2, 30*time.Minute, 12*time.Hour)
	a, _ := s.create(1, 1, now)
	b, _ := s.create(2, 1, now.Add(time.Minute))
	if _, ok := s.get(a, now.Add(2*time.Minute)); !ok { // a is now the most recently used
		t.Fatal("session a missing")
	}
	c, _ := s.create(3, 1, now.Add(3*time.Minute))
	if got := s.len(); got != 2 {
		t.Fatalf("got %d sessions, want the bound 2", got)
	}
	if _, ok := s.get(b, now.Add(3*time.Minute)); ok {
		t.Error("the least recently used session b survived eviction")
	}
	for name, id := range map[string]string{"a": a, "c": c} {
		if _, ok := s.get(id, now.Add(3*time.Minute)); !ok {
			t.Errorf("session %s was evicted", name)
		}
	}
	if len(a) < 43 { // 256 bits, base64url
		t.Errorf("session ID %q is shorter than 256 bits", a)
	}
}

func TestSessionExpiry(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := newSessions(10, 30*time.Minute, 12*time.Hour)
	id, _ := s.create(1, 1, now)
	if _, ok := s.get(id, now.Add(30*time.Minute)); ok {
		t.Error("session alive after 30 idle minutes")
	}
	id, _ = s.create(1, 1, now)
	for at := now; at.Before(now.Add(12 * time.Hour)); at = at.Add(20 * time.Minute) {
		if _, ok := s.get(id, at); !ok {
			t.Fatalf("active session expired at %v", at.Sub(now))
		}
	}
	if _, ok := s.get(id, now.Add(12*time.Hour)); ok {
		t.Error("session alive after 12 hours")
	}
}

func TestClaimForm(t *testing.T) {
	s := newSessions(10, time.Hour, time.Hour)
	_, sess := s.create(1, 1, time.Now())
	if _, fresh := s.claimForm(sess, "f1"); !fresh {
		t.Fatal("first use of a form is not fresh")
	}
	s.formResult(sess, "f1", "client-1")
	if got, fresh := s.claimForm(sess, "f1"); fresh || got != "client-1" {
		t.Fatalf("resubmission: got %q, fresh %v; want client-1, false", got, fresh)
	}
	for i := range maxDoneForms + 5 {
		s.claimForm(sess, string(rune('A'+i)))
	}
	if len(sess.done) != maxDoneForms {
		t.Errorf("remembers %d forms, want %d", len(sess.done), maxDoneForms)
	}
}

func TestLocalNext(t *testing.T) {
	tests := map[string]string{
		"/console/users?q=a":   "/console/users?q=a",
		"":                     "",
		"/console":             "",
		"https://evil.example": "",
		"//evil.example/":      "",
		"/\\evil.example":      "",
		"/healthz":             "",
		"javascript:alert(1)":  "",
	}
	for in, want := range tests {
		if got := localNext(in); got != want {
			t.Errorf("localNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestScopeGroupsCoverCatalog(t *testing.T) {
	n := 0
	for _, g := range scopeGroups() {
		if g.Name == "" || len(g.Scopes) == 0 {
			t.Errorf("empty group %+v", g)
		}
		n += len(g.Scopes)
	}
	if n != len(fuelgate.Scopes) {
		t.Errorf("groups hold %d scopes, want %d", n, len(fuelgate.Scopes))
	}
}

func TestInputError(t *testing.T) {
	tests := []struct {
		err   error
		field string
		form  bool
	}{
		{fuelgate.Errorf(fuelgate.EINVALID, "username must be 1–128 characters"), "username", false},
		{fuelgate.Errorf(fuelgate.EINVALID, "name is required"), "name", false},
		{fuelgate.Errorf(fuelgate.ECONFLICT, "username %q is already taken", "x"), "username", false},
		{fuelgate.Errorf(fuelgate.EINVALID, "something else"), "", true},
	}
	for _, tt := range tests {
		fe, ok := inputError(tt.err, userRules...)
		if !ok || (fe.Form != "") != tt.form || tt.field != "" && fe.Field(tt.field) == "" {
			t.Errorf("%v: got %+v", tt.err, fe)
		}
	}
	if _, ok := inputError(fuelgate.Errorf(fuelgate.EPERMISSION, "no")); ok {
		t.Error("a permission error was taken for input")
	}
}
