package soapapi_test

import (
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
)

// digestSeq makes every digest login of this package use a fresh nonce.
var digestSeq atomic.Int64

// apiUser returns a fresh PasswordDigest header for api_user at the env's
// clock (digest logins are cheap: no argon2id).
func apiUser(e *fgtest.Env) string {
	n := int(digestSeq.Add(1))
	return digestHeader("api_user", fgtest.Password, nonceN(100000+n), created(e.Clock.Now()))
}

// retrieveEnv has five extra users in the enterprise and one whose default
// BU is the child.
type retrieveEnv struct {
	*fgtest.Env
	tok string // a token for the enterprise
}

func newRetrieveEnv(t *testing.T) *retrieveEnv {
	e := newEnv(t)
	for _, u := range []manage.NewUser{
		{Username: "alice", Name: "Alice Archer", Email: "alice@example.com"},
		{Username: "bob", Name: "Bob Baker", Email: "bob@example.org", APIUser: true},
		{Username: "carol", Name: "Carol Cook", Email: "carol@example.com"},
		{Username: "dave", Name: "Dave Dyer", Email: "dave@example.org"},
		{Username: "erin", Name: "Erin Archer", Email: "erin@example.com"},
		{Username: "child_only", Name: "Child Only", MID: e.Child.MID},
	} {
		e.CreateUser(u)
	}
	return &retrieveEnv{Env: e, tok: e.Token(0)}
}

// userIDs runs a Retrieve of AccountUser UserID with extra and returns the
// UserIDs, requiring OverallStatus OK.
func (e *retrieveEnv) userIDs(t *testing.T, header, extra string) []string {
	t.Helper()
	r := call(t, e.Env, "Retrieve", header, retrieve("AccountUser", []string{"UserID"}, extra))
	assertOK(t, r)
	if st := r.OverallStatus(); st != "OK" {
		t.Fatalf("got OverallStatus %q, want OK", st)
	}
	got := texts(resultsOf(r), "UserID")
	slices.Sort(got)
	return got
}

func TestRetrieveErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	readOnly, sec := newPackage(t, e, e.Enterprise.MID, false, "accounts_read")
	ro := fuel(tokenFor(t, e, readOnly.ClientID, sec, 0))
	tok := fuel(e.Token(0))
	cases := []struct {
		name, header, body, want string
	}{
		{"unknown type", tok, retrieve("Subscriber", []string{"SubscriberKey"}, ""),
			"Error: Unable to find a handler for object type: Subscriber. Object types are case-sensitive, check spelling."},
		{"type is case-sensitive", tok, retrieve("accountuser", []string{"ID"}, ""),
			"Error: Unable to find a handler for object type: accountuser. Object types are case-sensitive, check spelling."},
		{"bad property", tok, retrieve("BusinessUnit", []string{"ID", "Bogus"}, ""),
			"Error: The Request Property(s) Bogus do not match with the fields of BusinessUnit retrieve"},
		{"two bad properties", tok, retrieve("AccountUser", []string{"X", "ID", "Password"}, ""),
			"Error: The Request Property(s) X, Password do not match with the fields of AccountUser retrieve"},
		{"scope missing", ro, retrieve("AccountUser", []string{"ID"}, ""), "Error: API Permission Failed"},
		{"scope missing for Role", ro, retrieve("Role", []string{"Name"}, ""), "Error: API Permission Failed"},
		{"scope present", ro, retrieve("BusinessUnit", []string{"ID"}, ""), "OK"},
		{"bad filter property", tok, retrieve("AccountUser", []string{"ID"}, simple("Filter", "SimpleFilterPart", "Password", "equals", "x")),
			"Error: The Filter Property Password does not match with the fields of AccountUser retrieve"},
		{"unsupported operator", tok, retrieve("AccountUser", []string{"ID"}, simple("Filter", "SimpleFilterPart", "ID", "isAnniversary", "1")),
			"Error: Unsupported SimpleOperator isAnniversary."},
		{"between needs two values", tok, retrieve("AccountUser", []string{"ID"}, simple("Filter", "SimpleFilterPart", "ID", "between", "1")),
			"Error: The operator between needs 2 value(s)."},
		{"unknown continue request", tok, `<RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><RetrieveRequest><ContinueRequest>nope</ContinueRequest></RetrieveRequest></RetrieveRequestMsg>`,
			`Error: The ContinueRequest "nope" is unknown or has expired.`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := call(t, e, "Retrieve", c.header, c.body)
			assertOK(t, r)
			if got := r.OverallStatus(); got != c.want {
				t.Errorf("got OverallStatus %q, want %q", got, c.want)
			}
			if c.want != "OK" && len(resultsOf(r)) != 0 {
				t.Errorf("got %d Results with an error status, want none", len(resultsOf(r)))
			}
		})
	}
}

func TestRetrieveFilters(t *testing.T) {
	t.Parallel()
	e := newRetrieveEnv(t)
	tok := fuel(e.tok)
	// A filter part is built for the element name it goes in (Filter,
	// LeftOperand, RightOperand, Operand).
	type part func(name string) string
	f := func(typ, prop, op string, vals ...string) part {
		return func(name string) string { return simple(name, typ, prop, op, vals...) }
	}
	complexF := func(logical string, left, right part, more ...part) part {
		return func(name string) string {
			s := `<` + name + ` xsi:type="ComplexFilterPart">` + left("LeftOperand") +
				`<LogicalOperator>` + logical + `</LogicalOperator>` + right("RightOperand")
			if len(more) > 0 {
				s += `<AdditionalOperands>`
				for _, m := range more {
					s += m("Operand")
				}
				s += `</AdditionalOperands>`
			}
			return s + `</` + name + `>`
		}
	}
	cases := []struct {
		name   string
		filter part
		want   []string
	}{
		{"no filter", nil, []string{"alice", "api_user", "bob", "carol", "dave", "erin"}},
		{"equals", f("SimpleFilterPart", "UserID", "equals", "bob"), []string{"bob"}},
		{"equals is case-insensitive", f("SimpleFilterPart", "UserID", "equals", "BOB"), []string{"bob"}},
		{"notEquals", f("SimpleFilterPart", "UserID", "notEquals", "bob"), []string{"alice", "api_user", "carol", "dave", "erin"}},
		{"IN", f("SimpleFilterPart", "UserID", "IN", "alice", "dave", "nobody"), []string{"alice", "dave"}},
		{"like", f("SimpleFilterPart", "Name", "like", "%archer"), []string{"alice", "erin"}},
		{"like with _", f("SimpleFilterPart", "UserID", "like", "_ob"), []string{"bob"}},
		{"beginsWith", f("SimpleFilterPart", "Email", "beginsWith", "CA"), []string{"carol"}},
		{"endsWith", f("SimpleFilterPart", "Email", "endsWith", ".org"), []string{"bob", "dave"}},
		{"contains", f("SimpleFilterPart", "Name", "contains", "a"), []string{"alice", "api_user", "bob", "carol", "dave", "erin"}},
		{"isNull", f("SimpleFilterPart", "LastSuccessfulLogin", "isNull"), []string{"alice", "api_user", "bob", "carol", "dave", "erin"}},
		{"isNotNull", f("SimpleFilterPart", "Email", "isNotNull"), []string{"alice", "api_user", "bob", "carol", "dave", "erin"}},
		{"between numbers", f("SimpleFilterPart", "ID", "between", "2", "3"), []string{"alice", "bob"}},
		{"equals NaN matches nothing", f("SimpleFilterPart", "ID", "equals", "NaN"), nil},
		{"greaterThan number", f("SimpleFilterPart", "ID", "greaterThan", "10"), nil},
		{"boolean equals", f("SimpleFilterPart", "IsAPIUser", "equals", "true"), []string{"api_user", "bob"}},
		{"prefixed xsi:type", f("ns1:SimpleFilterPart", "UserID", "equals", "carol"), []string{"carol"}},
		{"no xsi:type", f("", "UserID", "equals", "erin"), []string{"erin"}},
		{"AND", complexF("AND", f("SimpleFilterPart", "Email", "endsWith", ".com"), f("SimpleFilterPart", "Name", "like", "%archer%")), []string{"alice", "erin"}},
		{"OR", complexF("OR", f("SimpleFilterPart", "UserID", "equals", "alice"), f("SimpleFilterPart", "UserID", "equals", "dave")), []string{"alice", "dave"}},
		{"OR with AdditionalOperands", complexF("OR", f("SimpleFilterPart", "UserID", "equals", "alice"), f("SimpleFilterPart", "UserID", "equals", "dave"),
			f("SimpleFilterPart", "UserID", "equals", "erin")), []string{"alice", "dave", "erin"}},
		{"nested AND in OR", complexF("OR", complexF("AND", f("tns:SimpleFilterPart", "IsAPIUser", "equals", "true"), f("SimpleFilterPart", "Email", "endsWith", ".org")),
			f("SimpleFilterPart", "UserID", "equals", "carol")), []string{"bob", "carol"}},
		{"mcdev app-user filter", complexF("OR", f("SimpleFilterPart", "Email", "isNull"),
			complexF("AND", f("SimpleFilterPart", "Name", "like", "% app user"), f("SimpleFilterPart", "MustChangePassword", "equals", "false"))), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			extra := ""
			if c.filter != nil {
				extra = c.filter("Filter")
			}
			got := e.userIDs(t, tok, extra)
			if strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestRetrieveScoping(t *testing.T) {
	t.Parallel()
	e := newRetrieveEnv(t)
	tok := fuel(e.tok)
	ent, child, grand := itoa(e.Enterprise.MID), itoa(e.Child.MID), itoa(e.Grandchild.MID)
	other, err := e.Manage.CreateEnterprise(t.Context(), manage.Operator(), "Other")
	if err != nil {
		t.Fatal(err)
	}
	childTok := fuel(e.Token(e.Child.MID))
	cases := []struct {
		name, header, typ, extra string
		want                     []string // IDs (BusinessUnit) or UserIDs (AccountUser)
	}{
		{"token, default", tok, "BusinessUnit", "", []string{ent}},
		{"token, QueryAllAccounts", tok, "BusinessUnit", "<QueryAllAccounts>true</QueryAllAccounts>", []string{ent}},
		{"token, ClientIDs child", tok, "BusinessUnit", "<ClientIDs><ID>" + child + "</ID></ClientIDs>", nil},
		{"token, ClientIDs/ClientID child", tok, "BusinessUnit", "<ClientIDs><ClientID>" + child + "</ClientID></ClientIDs>", nil},
		{"token, ClientIDs own and child", tok, "BusinessUnit", "<ClientIDs><ID>" + ent + "</ID></ClientIDs><ClientIDs><ID>" + child + "</ID></ClientIDs>", []string{ent}},
		{"token, Options/Client child", tok, "BusinessUnit", "<Options><Client><ID>" + child + "</ID></Client></Options>", nil},
		{"token, ClientIDs other enterprise", tok, "BusinessUnit", "<ClientIDs><ID>" + itoa(other.MID) + "</ID></ClientIDs>", nil},
		{"token, AccountUser QueryAllAccounts", tok, "AccountUser", "<QueryAllAccounts>true</QueryAllAccounts>",
			[]string{"alice", "api_user", "bob", "carol", "dave", "erin"}},
		{"token, AccountUser ClientIDs child", tok, "AccountUser", "<ClientIDs><ID>" + child + "</ID></ClientIDs>", nil},
		{"child token, default", childTok, "BusinessUnit", "", []string{child}},
		{"child token, ClientIDs enterprise", childTok, "BusinessUnit", "<ClientIDs><ID>" + ent + "</ID></ClientIDs>", nil},
		{"child token, AccountUser QueryAllAccounts", childTok, "AccountUser", "<QueryAllAccounts>true</QueryAllAccounts>", []string{"child_only"}},
		{"user, default", "USER", "BusinessUnit", "", []string{ent}},
		{"user, ClientIDs child", "USER", "BusinessUnit", "<ClientIDs><ID>" + child + "</ID></ClientIDs>", []string{child}},
		{"user, ClientIDs/ClientID child", "USER", "BusinessUnit", "<ClientIDs><ClientID>" + child + "</ClientID></ClientIDs>", []string{child}},
		{"user, nested ClientIDs/ClientID/ID child", "USER", "BusinessUnit", "<ClientIDs><ClientID><ID>" + child + "</ID></ClientID></ClientIDs>", []string{child}},
		{"user, Options/Client child", "USER", "BusinessUnit", "<Options><Client><ID>" + child + "</ID></Client></Options>", []string{child}},
		{"user, ClientIDs grandchild", "USER", "BusinessUnit", "<ClientIDs><ID>" + grand + "</ID></ClientIDs>", nil},
		{"user, QueryAllAccounts", "USER", "BusinessUnit", "<QueryAllAccounts>true</QueryAllAccounts>", []string{ent, child}},
		{"user, AccountUser ClientIDs child", "USER", "AccountUser", "<ClientIDs><ID>" + child + "</ID></ClientIDs>", []string{"child_only"}},
		{"user, AccountUser other enterprise", "USER", "AccountUser", "<ClientIDs><ID>" + itoa(other.MID) + "</ID></ClientIDs>", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hdr := c.header
			if hdr == "USER" {
				hdr = apiUser(e.Env)
			}
			prop := "ID"
			if c.typ == "AccountUser" {
				prop = "UserID"
			}
			r := call(t, e.Env, "Retrieve", hdr, retrieve(c.typ, []string{prop}, c.extra))
			assertOK(t, r)
			if st := r.OverallStatus(); st != "OK" {
				t.Fatalf("got OverallStatus %q, want OK", st)
			}
			got := texts(resultsOf(r), prop)
			slices.Sort(got)
			if strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestRetrievePaging(t *testing.T) {
	t.Parallel()
	e := newRetrieveEnv(t)
	tok := fuel(e.tok)
	first := retrieve("AccountUser", []string{"UserID"}, "<Options><BatchSize>2</BatchSize></Options>")
	cont := func(id string) string {
		return `<RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><RetrieveRequest><ContinueRequest>` + id +
			`</ContinueRequest></RetrieveRequest></RetrieveRequestMsg>`
	}
	r := call(t, e.Env, "Retrieve", tok, first)
	assertOK(t, r)
	var seen []string
	var statuses []string
	for i := 0; ; i++ {
		if i > 10 {
			t.Fatal("paging does not end")
		}
		statuses = append(statuses, r.OverallStatus())
		page := texts(resultsOf(r), "UserID")
		if len(page) > 2 {
			t.Fatalf("got %d results on page %d, want at most 2", len(page), i)
		}
		seen = append(seen, page...)
		if r.OverallStatus() != "MoreDataAvailable" {
			break
		}
		id := r.Body().ChildText("RequestID")
		if i == 0 {
			// Another principal (another package, a user) cannot continue it.
			pkg, sec := newPackage(t, e.Env, e.Enterprise.MID, false, "users_read")
			for name, hdr := range map[string]string{"other package": fuel(tokenFor(t, e.Env, pkg.ClientID, sec, 0)), "user": apiUser(e.Env)} {
				o := call(t, e.Env, "Retrieve", hdr, cont(id))
				assertOK(t, o)
				if got := o.OverallStatus(); !strings.HasPrefix(got, "Error: The ContinueRequest") || len(resultsOf(o)) != 0 {
					t.Errorf("%s continuing: got %q with %d results, want the unknown-ContinueRequest error", name, got, len(resultsOf(o)))
				}
			}
		}
		r = call(t, e.Env, "Retrieve", tok, cont(id))
		assertOK(t, r)
		if i == 0 {
			// The same RequestID cannot be continued twice.
			again := call(t, e.Env, "Retrieve", tok, cont(id))
			if got := again.OverallStatus(); !strings.HasPrefix(got, "Error: The ContinueRequest") {
				t.Errorf("continuing the same page twice: got %q, want the unknown-ContinueRequest error", got)
			}
		}
	}
	want := []string{"MoreDataAvailable", "MoreDataAvailable", "OK"}
	if strings.Join(statuses, ",") != strings.Join(want, ",") {
		t.Errorf("got statuses %v, want %v", statuses, want)
	}
	slices.Sort(seen)
	if got, want := strings.Join(seen, ","), "alice,api_user,bob,carol,dave,erin"; got != want {
		t.Errorf("got users %s over all pages, want %s", got, want)
	}
}
