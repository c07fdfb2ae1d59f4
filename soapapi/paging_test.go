package soapapi_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/server"
	"github.com/fuelgate/fuelgate/soapapi"
)

const pagesFull = "Error: Too many retrieve results are waiting for a ContinueRequest in this account."

// TestPagingQuota: result sets kept for ContinueRequest are bounded in bytes
// per enterprise and in all; a full share refuses that enterprise's new
// result set with a clear error and never drops another's (nor its own
// older ones); expired sets free their room.
func TestPagingQuota(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fgtest.Options{Configure: func(c *server.Config) {
		c.Pages = soapapi.PageLimits{MaxBytes: 40 << 10, EnterpriseBytes: 24 << 10}
	}})
	ctx, op := context.Background(), manage.Operator()
	tokens := map[string]string{"A": e.Token(0)}
	for i := range 20 {
		e.CreateUser(manage.NewUser{Username: "a_user" + strconv.Itoa(i)})
	}
	for _, name := range []string{"B", "C"} {
		ent, err := e.Manage.CreateEnterprise(ctx, op, "Enterprise "+name)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 20 {
			e.CreateUser(manage.NewUser{MID: ent.MID, Username: strings.ToLower(name) + "_user" + strconv.Itoa(i)})
		}
		pkg, sec := newPackage(t, e, ent.MID, false, "users_read")
		tokens[name] = tokenFor(t, e, pkg.ClientID, sec, 0)
	}
	props := []string{"ID", "UserID", "Name", "Email", "CreatedDate", "ModifiedDate", "ActiveFlag", "IsAPIUser", "Roles"}
	open := func(ent string) (status, id string) {
		r := call(t, e, "Retrieve", fuel(tokens[ent]), retrieve("AccountUser", props, "<Options><BatchSize>1</BatchSize></Options>"))
		assertOK(t, r)
		return r.OverallStatus(), r.Body().ChildText("RequestID")
	}
	cont := func(ent, id string) string {
		r := call(t, e, "Retrieve", fuel(tokens[ent]), `<RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><RetrieveRequest><ContinueRequest>`+
			id+`</ContinueRequest></RetrieveRequest></RetrieveRequestMsg>`)
		assertOK(t, r)
		return r.OverallStatus()
	}
	fill := func(ent string) []string {
		var ids []string
		for range 1000 {
			st, id := open(ent)
			if strings.HasPrefix(st, pagesFull) {
				return ids
			}
			if st != "MoreDataAvailable" {
				t.Fatalf("enterprise %s: Retrieve status %q", ent, st)
			}
			ids = append(ids, id)
		}
		t.Fatalf("enterprise %s opened 1000 result sets: the share is not enforced", ent)
		return nil
	}
	a := fill("A")
	if len(a) < 2 {
		t.Fatalf("enterprise A kept %d result sets before its share was full, want several", len(a))
	}
	b := fill("B") // A's full share does not stop B; the store fills before B's share does
	if len(b) < 2 {
		t.Fatalf("enterprise B kept %d result sets while A's share was full, want several", len(b))
	}
	if st, _ := open("C"); !strings.HasPrefix(st, pagesFull) {
		t.Errorf("enterprise C with the store full: %q, want the full error (no eviction of A's or B's)", st)
	}
	for ent, ids := range map[string][]string{"A": a, "B": b} {
		if st := cont(ent, ids[0]); st != "MoreDataAvailable" {
			t.Errorf("enterprise %s's oldest result set after the store filled: %q, want it still there", ent, st)
		}
	}
	e.Clock.Advance(11 * time.Minute) // the sets expire: their room is free again
	if st, _ := open("C"); st != "MoreDataAvailable" {
		t.Errorf("enterprise C after the others expired: %q, want a new result set", st)
	}
}
