package soapapi_test

import (
	"bytes"
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"github.com/fuelgate/fuelgate"
	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/internal/golden"
	"github.com/fuelgate/fuelgate/manage"
)

// volatile parts of a response and what they become in a golden file.
var volatile = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`), "UUID"},
	{regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?`), "DATETIME"},
	{regexp.MustCompile(`http://127\.0\.0\.1:\d+`), "http://HOST"},
}

// normalize makes a response comparable: status, Content-Type, then the body
// with uuids, dateTimes and the server's address replaced.
func normalize(r *result) []byte {
	body := r.Raw
	for _, v := range volatile {
		body = v.re.ReplaceAll(body, []byte(v.repl))
	}
	var b bytes.Buffer
	b.WriteString("HTTP " + strconv.Itoa(r.Status) + "\nContent-Type: " + r.ContentType() + "\n\n")
	b.Write(body)
	b.WriteString("\n")
	return b.Bytes()
}

// TestGolden pins the exact bytes of every operation's answer and of every
// fault class. The cases run in order on one server, so generated IDs are
// deterministic.
func TestGolden(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	target := e.CreateUser(manage.NewUser{Username: "golden_target"})
	tok := e.Token(0)
	ft := fuel(tok)
	xml11 := http.Header{"Content-Type": {"text/xml; charset=utf-8"}}
	withAction := func(a string) http.Header {
		h := xml11.Clone()
		h.Set("SOAPAction", a)
		return h
	}
	soap12 := http.Header{"Content-Type": {`application/soap+xml; charset=utf-8; action="Retrieve"`}}
	uid := itoa(target.ID)
	cases := []struct {
		name   string
		hdr    http.Header
		body   string
		prep   func()
		status int
	}{
		{"retrieve-businessunit", withAction("Retrieve"), env11(ft, retrieve("BusinessUnit",
			[]string{"Client.ID", "Client.EnterpriseID", "ID", "CustomerKey", "AccountType", "ParentID", "Name", "IsActive", "ParentName", "Description", "MasterUnsubscribeBehavior"},
			"<QueryAllAccounts>true</QueryAllAccounts>")), nil, 200},
		{"retrieve-account", withAction("Retrieve"), env11(ft, retrieve("Account",
			[]string{"ID", "Name", "ParentID", "AccountType"}, "")), nil, 200},
		{"retrieve-accountuser", withAction("Retrieve"), env11(ft, retrieve("AccountUser",
			[]string{"Client.ID", "ID", "CustomerKey", "AccountUserID", "UserID", "Name", "Email", "MustChangePassword", "ActiveFlag",
				"UserPermissions", "IsAPIUser", "NotificationEmailAddress", "IsLocked", "DefaultBusinessUnit", "Roles"}, "")), nil, 200},
		{"retrieve-accountuseraccount", withAction("Retrieve"), env11(ft, retrieve("AccountUserAccount",
			[]string{"AccountUser.AccountUserID", "AccountUser.UserID", "Account.ID"}, "")), nil, 200},
		{"retrieve-role", withAction("Retrieve"), env11(ft, retrieve("Role",
			[]string{"Client.ID", "ObjectID", "CustomerKey", "Name", "Description", "IsPrivate", "IsSystemDefined"},
			simple("Filter", "SimpleFilterPart", "CustomerKey", "equals", "SYS_DEF_ADMIN"))), nil, 200},
		{"retrieve-empty", withAction("Retrieve"), env11(ft, retrieve("BusinessUnit", []string{"ID"},
			simple("Filter", "SimpleFilterPart", "ID", "equals", "1"))), nil, 200},
		{"retrieve-unknown-type", withAction("Retrieve"), env11(ft, retrieve("DeliveryProfile", []string{"ID"}, "")), nil, 200},
		{"retrieve-bad-property", withAction("Retrieve"), env11(ft, retrieve("AccountUser", []string{"ID", "Nope"}, "")), nil, 200},
		{"create-accountuser", withAction("Create"), env11(ft, write("Create", userObject(
			`<Client><ID>`+itoa(e.Enterprise.MID)+`</ID></Client><UserID>golden_new</UserID><Name>Golden New</Name>`+
				`<Email>new@example.com</Email><Password>`+fgtest.Password+`</Password><IsAPIUser>true</IsAPIUser>`))), nil, 200},
		{"create-has-errors", withAction("Create"), env11(ft, write("Create",
			userObject(`<UserID>golden_partial</UserID><Name>P</Name><Email>p@example.com</Email><Password>`+fgtest.Password+`</Password>`),
			userObject(`<Client><ID>1234567</ID></Client><UserID>x</UserID><Name>X</Name><Email>x@example.com</Email><Password>`+fgtest.Password+`</Password>`))), nil, 200},
		{"update-accountuser", withAction("Update"), env11(ft, write("Update", userObject(
			`<AccountUserID>`+uid+`</AccountUserID><Name>Golden Renamed</Name><IsAPIUser>true</IsAPIUser>`))), nil, 200},
		{"delete-accountuser", withAction("Delete"), env11(ft, write("Delete", userObject(`<ID>`+uid+`</ID>`))), nil, 200},
		{"configure-assign", withAction("Configure"), env11(ft, `<ConfigureRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><Action>assign</Action><Configurations>`+
			`<Configuration xsi:type="AccountUser"><ID>`+uid+`</ID><BusinessUnitAssignmentConfiguration><BusinessUnitIds><BusinessUnitId>`+
			itoa(e.Enterprise.MID)+`</BusinessUnitId></BusinessUnitIds><IsDelete>false</IsDelete></BusinessUnitAssignmentConfiguration></Configuration></Configurations></ConfigureRequestMsg>`), nil, 200},
		{"describe", withAction("Describe"), env11(ft, `<DefinitionRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><DescribeRequests>`+
			`<ObjectDefinitionRequest><ObjectType>AccountUser</ObjectType></ObjectDefinitionRequest>`+
			`<ObjectDefinitionRequest><ObjectType>Subscriber</ObjectType></ObjectDefinitionRequest></DescribeRequests></DefinitionRequestMsg>`), nil, 200},
		{"versioninfo", withAction("VersionInfo"), env11(ft, `<VersionInfoRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><IncludeVersionHistory>true</IncludeVersionHistory></VersionInfoRequestMsg>`), nil, 200},
		{"retrieve-soap12", soap12, env12(ft, retrieve("BusinessUnit", []string{"ID", "Client.EnterpriseID"}, "")), nil, 200},
		{"fault-token-expired", withAction("Retrieve"), "", func() { e.Clock.Advance(fuelgate.DefaultTokenLifetime) }, 500},
		{"fault-login-failed", withAction("Retrieve"), env11(fuel("not-a-token"), retrieve("BusinessUnit", []string{"ID"}, "")), nil, 500},
		{"fault-no-credentials", withAction("Retrieve"), env11("", retrieve("BusinessUnit", []string{"ID"}, "")), nil, 500},
		{"fault-malformed-xml", withAction("Retrieve"), `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><a></b></soap:Body></soap:Envelope>`, nil, 400},
		{"fault-unknown-soapaction", withAction("Test"), env11(ft, retrieve("BusinessUnit", []string{"ID"}, "")), nil, 500},
		{"fault-soap12", soap12, env12(fuel("not-a-token"), retrieve("BusinessUnit", []string{"ID"}, "")), nil, 500},
		{"fault-soap12-token-expired", soap12, "", func() { e.Clock.Advance(fuelgate.DefaultTokenLifetime) }, 500},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.Clock.Set(baseTime)
			body := c.body
			if body == "" { // a fresh token that the prep step expires
				tok := fuel(e.Token(0))
				body = env11(tok, retrieve("BusinessUnit", []string{"ID"}, ""))
				if c.hdr.Get("SOAPAction") == "" {
					body = env12(tok, retrieve("BusinessUnit", []string{"ID"}, ""))
				}
			}
			if c.prep != nil {
				c.prep()
			}
			r := post(t, e, "/Service.asmx", c.hdr, []byte(body))
			if r.Status != c.status {
				t.Fatalf("got %s, want HTTP %d", r.describe(), c.status)
			}
			golden.Check(t, c.name, normalize(r))
		})
	}
}
