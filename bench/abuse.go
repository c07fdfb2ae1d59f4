package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/fuelgate/fuelgate/soap"
)

// AbuseScenarios are requests an attacker with network access and at most
// one low-privilege credential would send to exhaust the server (see
// docs/security.md); run them with the idle scenario after them to see the
// server settle:
//
//   - abuse-paging: a Retrieve of every AccountUser with all properties and
//     BatchSize 1, never continued, so each leaves a result set behind
//     (prefill users to make them large: --prefill-users 1000);
//   - abuse-filter: a Retrieve whose filter is an IN of 19,000 values;
//   - abuse-flood: failed UsernameToken logins (PasswordDigest, fresh nonce)
//     for random unknown usernames, from one address;
//   - idle: sends nothing, so that the report shows the server's CPU and
//     memory at rest right after the scenario before it.
//
// A refusal the server is meant to give (the paging quota's error, the
// filter cap's error, Login Failed) counts as a right answer.
func AbuseScenarios() []Scenario {
	return []Scenario{
		{Name: "abuse-paging", Prepare: abusePaging},
		{Name: "abuse-filter", Prepare: abuseFilter},
		{Name: "abuse-flood", Prepare: abuseFlood},
		{Name: "idle", Prepare: idle},
	}
}

// userProps are the retrievable AccountUser properties.
var userProps = []string{"Client.ID", "CreatedDate", "ModifiedDate", "ID", "CustomerKey", "AccountUserID", "UserID", "Name",
	"Email", "MustChangePassword", "ActiveFlag", "UserPermissions", "LastSuccessfulLogin", "IsAPIUser",
	"NotificationEmailAddress", "IsLocked", "DefaultBusinessUnit", "Roles"}

// retrieveUsers is a Retrieve of AccountUser with every property, extra
// elements (Options, Filter) appended.
func retrieveUsers(extra ...*soap.Element) *soap.Element {
	rr := soap.NewElement("RetrieveRequest", soap.TextElement("ObjectType", "AccountUser"))
	for _, p := range userProps {
		rr.Add(soap.TextElement("Properties", p))
	}
	for _, e := range extra {
		rr.Add(e)
	}
	return soap.NewElement("RetrieveRequestMsg", rr)
}

// tokenRequest is a Retrieve of payload authenticated by a token of the
// target's package; a correct answer holds an OverallStatus (a result or
// the error of a defence: the paging quota, the filter cap).
func tokenRequest(ctx context.Context, t *Target, c *http.Client, payload *soap.Element) (*Request, error) {
	tok, err := GetToken(ctx, t, c)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := soap.WriteRequest(&buf, soap.V11, soap.RequestHeader{FuelOAuth: tok}, payload); err != nil {
		return nil, err
	}
	return &Request{Method: http.MethodPost, Path: "/Service.asmx", Body: buf.Bytes(),
		Header: [][2]string{{"Content-Type", "text/xml; charset=utf-8"}, {"SOAPAction", "Retrieve"}}, Marker: "<OverallStatus>"}, nil
}

func abusePaging(ctx context.Context, t *Target, c *http.Client) (*Request, error) {
	return tokenRequest(ctx, t, c, retrieveUsers(soap.NewElement("Options", soap.TextElement("BatchSize", "1"))))
}

func abuseFilter(ctx context.Context, t *Target, c *http.Client) (*Request, error) {
	f := soap.NewElement("Filter", soap.TextElement("Property", "ID"), soap.TextElement("SimpleOperator", "IN")).WithType("SimpleFilterPart")
	for i := range 19000 {
		f.Add(soap.TextElement("Value", strconv.Itoa(1000000+i)))
	}
	return tokenRequest(ctx, t, c, retrieveUsers(f))
}

// abuseFlood is failed PasswordDigest logins of an unknown user, each with
// a fresh nonce: the correct answer is the Login Failed fault.
func abuseFlood(_ context.Context, t *Target, _ *http.Client) (*Request, error) {
	name := make([]byte, 8)
	rand.Read(name)
	d, err := newDigestBody(fmt.Sprintf("flood_%x", name), "wrong-Passw0rd!", retrieveBU(t.AccountID))
	if err != nil {
		return nil, err
	}
	return &Request{Method: http.MethodPost, Path: "/Service.asmx", Digest: d,
		Header: [][2]string{{"Content-Type", "text/xml; charset=utf-8"}, {"SOAPAction", "Retrieve"}},
		Marker: "Login Failed", Status: http.StatusInternalServerError}, nil
}

// idle sends nothing for the run's duration: the report shows the server's
// CPU and memory settling after the scenarios before it.
func idle(context.Context, *Target, *http.Client) (*Request, error) {
	return &Request{Idle: true}, nil
}

// runIdle sends nothing for o.Duration and measures the servers' CPU and
// memory meanwhile.
func runIdle(ctx context.Context, t *Target, o Options, name string) (*Result, error) {
	proc := startSampling(t.pids())
	start := time.Now()
	select {
	case <-ctx.Done():
	case <-time.After(o.Duration):
	}
	r := &Result{Scenario: name, Duration: time.Since(start)}
	r.ServerCPU, r.ServerRSSMB = proc.stop()
	return r, ctx.Err()
}
