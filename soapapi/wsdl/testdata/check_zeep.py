#!/usr/bin/python3
"""Check fuelgate's etframework.wsdl with zeep (python3-zeep 4.x, Debian).

Usage:
    /usr/bin/python3 check_zeep.py [WSDL]

WSDL is a file path or URL. Without it the script copies ../etframework.wsdl
(the embedded template) to a temporary directory, fills in the public URL
placeholder (the fault schema import with the path of ../ETFrameworkFault.xsd,
the soap:address with ADDRESS) and loads that copy.

The script builds request messages (client.create_message) and parses the
canned server responses in this directory (response-*.xml, fault-*.xml)
through the SOAP binding's process_reply, the same path a real call takes.
It prints one PASS/FAIL line per check and exits 1 if any check failed.
"""

import datetime
import os
import shutil
import sys
import tempfile
import traceback

from lxml import etree

import zeep
from zeep.exceptions import Fault

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.dirname(HERE)
NS = "http://exacttarget.com/wsdl/partnerAPI"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
PUBLIC_URL = "https://127.0.0.1:8443"
ADDRESS = PUBLIC_URL + "/Service.asmx"
PLACEHOLDER = "{{PUBLIC_URL}}"

OPERATIONS = [
    "Create", "Retrieve", "Update", "Delete", "Query", "Describe", "Execute",
    "Perform", "Configure", "Schedule", "VersionInfo", "Extract",
    "GetSystemStatus",
]

failures = 0


def check(name, fn):
    global failures
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - report every failure
        failures += 1
        print("FAIL %s: %s: %s" % (name, type(exc).__name__, exc))
        if os.environ.get("CHECK_VERBOSE"):
            traceback.print_exc()
    else:
        print("PASS %s" % name)


def expect(cond, msg):
    if not cond:
        raise AssertionError(msg)


def prepare_wsdl():
    if len(sys.argv) > 1:
        return sys.argv[1], None
    tmp = tempfile.mkdtemp(prefix="fuelgate-wsdl-")
    with open(os.path.join(PKG, "etframework.wsdl"), encoding="utf-8") as f:
        text = f.read()
    expect(text.count(PLACEHOLDER) == 2, "template must hold the placeholder twice")
    text = text.replace(PLACEHOLDER + "/ETFrameworkFault.xsd", os.path.join(PKG, "ETFrameworkFault.xsd"))
    with open(os.path.join(tmp, "etframework.wsdl"), "w", encoding="utf-8") as f:
        f.write(text.replace(PLACEHOLDER, PUBLIC_URL))
    return os.path.join(tmp, "etframework.wsdl"), tmp


class FakeResponse:
    """The subset of requests.Response that process_reply reads."""

    def __init__(self, content, status_code=200):
        self.content = content
        self.status_code = status_code
        self.headers = {"Content-Type": "text/xml; charset=utf-8"}
        self.encoding = "utf-8"


def reply(client, operation, filename, status=200):
    with open(os.path.join(HERE, filename), "rb") as f:
        body = f.read()
    binding = client.service._binding
    op = binding.get(operation)
    return binding.process_reply(client, op, FakeResponse(body, status))


def serialize(node):
    return etree.tostring(node, encoding="unicode")


def body_child(envelope):
    body = envelope.find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
    return body[0]


def children(el):
    return [etree.QName(c).localname for c in el]


def xsi_type(el):
    return el.get("{%s}type" % XSI)


def main():
    path, tmp = prepare_wsdl()
    print("zeep %s, WSDL %s" % (zeep.__version__, path))
    client = None
    try:
        client = zeep.Client(wsdl=path)
    except Exception as exc:  # noqa: BLE001
        print("FAIL load WSDL: %s: %s" % (type(exc).__name__, exc))
        return 1
    print("PASS load WSDL (with imported ETFrameworkFault.xsd)")

    def t_service():
        svc = client.wsdl.services["PartnerAPI"]
        port = svc.ports["Soap"]
        expect(port.binding.name.localname == "SoapBinding", "binding name")
        expect(port.binding_options["address"] == ADDRESS or tmp is None,
               "address %r" % port.binding_options["address"])
        ops = port.binding._operations
        for name in OPERATIONS:
            expect(name in ops, "operation %s missing" % name)
            expect(ops[name].soapaction == name,
                   "soapAction of %s is %r" % (name, ops[name].soapaction))
        expect(client.get_element("{urn:fault.partner.exacttarget.com}fault") is not None,
               "fault element")
    check("service PartnerAPI / port Soap / binding SoapBinding, 13 operations, bare soapActions", t_service)

    # ------------------------------------------------------------------ requests
    def t_recorded_zeep_request():
        # Protocol §3.7: the request zeep 4.2.1 sent on the wire.
        want = (
            "<?xml version='1.0' encoding='utf-8'?>\n"
            '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/">'
            '<soap-env:Header><ns0:fueloauth xmlns:ns0="http://exacttarget.com">ACCESS_TOKEN</ns0:fueloauth></soap-env:Header>'
            '<soap-env:Body><ns0:RetrieveRequestMsg xmlns:ns0="http://exacttarget.com/wsdl/partnerAPI">'
            "<ns0:RetrieveRequest><ns0:ObjectType>Subscriber</ns0:ObjectType>"
            "<ns0:Properties>SubscriberKey</ns0:Properties><ns0:Properties>EmailAddress</ns0:Properties>"
            "<ns0:Properties>Status</ns0:Properties></ns0:RetrieveRequest></ns0:RetrieveRequestMsg>"
            "</soap-env:Body></soap-env:Envelope>"
        )
        hdr = etree.Element("{http://exacttarget.com}fueloauth")
        hdr.text = "ACCESS_TOKEN"
        env = client.create_message(
            client.service, "Retrieve",
            RetrieveRequest={"ObjectType": "Subscriber",
                             "Properties": ["SubscriberKey", "EmailAddress", "Status"]},
            _soapheaders=[hdr])
        got = etree.tostring(env, xml_declaration=True, encoding="utf-8").decode()
        expect(got == want, "differs from the recorded request:\n got %s\nwant %s" % (got, want))
    check("Retrieve Subscriber request is byte-identical to the recorded zeep 4.2.1 request", t_recorded_zeep_request)

    def t_retrieve_filter():
        SFP = client.get_type("ns0:SimpleFilterPart")
        CFP = client.get_type("ns0:ComplexFilterPart")
        ClientID = client.get_type("ns0:ClientID")
        env = client.create_message(
            client.service, "Retrieve",
            RetrieveRequest={
                "ClientIDs": [ClientID(ID=7330566)],
                "ObjectType": "BusinessUnit",
                "Properties": ["ID", "Name", "ParentID"],
                "Filter": CFP(
                    LeftOperand=SFP(Property="ID", SimpleOperator="IN", Value=["1", "2"]),
                    LogicalOperator="AND",
                    RightOperand=SFP(Property="ModifiedDate", SimpleOperator="greaterThan",
                                     DateValue=[datetime.datetime(2024, 1, 2, 3, 4, 5)])),
                "QueryAllAccounts": True,
                "Options": {"BatchSize": 2500},
            })
        rr = body_child(env)[0]
        expect(children(rr) == ["ClientIDs", "ObjectType", "Properties", "Properties", "Properties",
                                "Filter", "QueryAllAccounts", "Options"], children(rr))
        flt = rr.find("{%s}Filter" % NS)
        expect(xsi_type(flt).endswith(":ComplexFilterPart"), "Filter xsi:type %r" % xsi_type(flt))
        left = flt.find("{%s}LeftOperand" % NS)
        expect(xsi_type(left).endswith(":SimpleFilterPart"), "LeftOperand xsi:type")
        expect(children(left) == ["Property", "SimpleOperator", "Value", "Value"], children(left))
        opts = rr.find("{%s}Options" % NS)
        expect(children(opts) == ["BatchSize"], children(opts))
        # Continue request: only ContinueRequest (Java, Ruby).
        env = client.create_message(client.service, "Retrieve",
                                    RetrieveRequest={"ContinueRequest": "233a302f"})
        expect(children(body_child(env)[0]) == ["ContinueRequest"], "continue request")
    check("Retrieve with ClientIDs, Complex/SimpleFilterPart (xsi:type), QueryAllAccounts, Options; ContinueRequest alone", t_retrieve_filter)

    def t_create():
        AU = client.get_type("ns0:AccountUser")
        ClientID = client.get_type("ns0:ClientID")
        Role = client.get_type("ns0:Role")
        user = AU(Client=ClientID(ID=1234567), UserID="u1", Name="n", Email="e@x.com",
                  Password="P@ss", IsAPIUser=True,
                  Roles={"Role": [Role(ObjectID="f1cfb80f-3550-e611-96fe-38eaa7142c61")]})
        env = client.create_message(client.service, "Create", Options={}, Objects=[user])
        req = body_child(env)
        expect(etree.QName(req).localname == "CreateRequest", "element name")
        expect(children(req) == ["Options", "Objects"], children(req))
        obj = req.find("{%s}Objects" % NS)
        expect(xsi_type(obj).endswith(":AccountUser"), "xsi:type %r" % xsi_type(obj))
        expect(children(obj) == ["Client", "UserID", "Password", "Name", "Email", "IsAPIUser", "Roles"],
               children(obj))
        # Options omitted (sfmc-sdk) must be expressible too.
        env = client.create_message(client.service, "Create", Objects=[AU(UserID="u2")])
        expect(children(body_child(env)) == ["Objects"], "Options omitted")
        # Minimal Subscriber (recorded zeep/node-soap Subscriber traffic).
        Sub = client.get_type("ns0:Subscriber")
        env = client.create_message(client.service, "Create", Options={},
                                    Objects=[Sub(SubscriberKey="k", EmailAddress="a@b.c", Status="Active")])
        obj = body_child(env).find("{%s}Objects" % NS)
        expect(children(obj) == ["EmailAddress", "SubscriberKey", "Status"], children(obj))
    check("Create AccountUser (WSDL order, xsi:type, Options present/omitted) and Subscriber", t_create)

    def t_update_delete():
        AU = client.get_type("ns0:AccountUser")
        ClientID = client.get_type("ns0:ClientID")
        env = client.create_message(
            client.service, "Update", Options={},
            Objects=[AU(Client=ClientID(ID=7281698), AccountUserID=717133502, CustomerKey="u1",
                        ActiveFlag=False,
                        UserPermissions=[{"ID": 1, "Name": "WebServices", "Value": "true"}])])
        obj = body_child(env).find("{%s}Objects" % NS)
        expect(children(obj) == ["Client", "CustomerKey", "AccountUserID", "ActiveFlag", "UserPermissions"],
               children(obj))
        BU = client.get_type("ns0:BusinessUnit")
        env = client.create_message(client.service, "Delete", Options={}, Objects=[BU(ID=7330566)])
        obj = body_child(env).find("{%s}Objects" % NS)
        expect(xsi_type(obj).endswith(":BusinessUnit"), "xsi:type")
    check("Update AccountUser (UserPermissions without wrapper) and Delete BusinessUnit", t_update_delete)

    def t_configure():
        AU = client.get_type("ns0:AccountUser")
        ClientID = client.get_type("ns0:ClientID")
        cfg = AU(Client=ClientID(ID=7281698), ID=717133502,
                 BusinessUnitAssignmentConfiguration={
                     "BusinessUnitIds": {"BusinessUnitId": [7330566, 518003624]},
                     "IsDelete": False})
        env = client.create_message(client.service, "Configure", Action="assign",
                                    Configurations={"Configuration": [cfg]})
        msg = body_child(env)
        expect(etree.QName(msg).localname == "ConfigureRequestMsg", "element name")
        expect(children(msg) == ["Action", "Configurations"], children(msg))
        c = msg.find("{%s}Configurations/{%s}Configuration" % (NS, NS))
        expect(xsi_type(c).endswith(":AccountUser"), "xsi:type")
        expect(children(c) == ["Client", "ID", "BusinessUnitAssignmentConfiguration"], children(c))
        ids = c.findall(".//{%s}BusinessUnitId" % NS)
        expect([i.text for i in ids] == ["7330566", "518003624"], "BusinessUnitIds")
        expect(c.find(".//{%s}IsDelete" % NS).text == "false", "IsDelete")
    check("Configure assign: AccountUser with BusinessUnitAssignmentConfiguration", t_configure)

    def t_describe_version():
        env = client.create_message(
            client.service, "Describe",
            DescribeRequests={"ObjectDefinitionRequest": [{"ObjectType": "AccountUser"}]})
        msg = body_child(env)
        expect(etree.QName(msg).localname == "DefinitionRequestMsg", "element name")
        expect(msg.find(".//{%s}ObjectType" % NS).text == "AccountUser", "ObjectType")
        env = client.create_message(client.service, "VersionInfo", IncludeVersionHistory=True)
        expect(etree.QName(body_child(env)).localname == "VersionInfoRequestMsg", "VersionInfo")
    check("Describe and VersionInfo requests", t_describe_version)

    # ----------------------------------------------------------------- responses
    def t_retrieve_bu():
        r = reply(client, "Retrieve", "response-retrieve-businessunit.xml")
        expect(r.OverallStatus == "OK", r.OverallStatus)
        expect(r.RequestID == "233a302f-6c1f-4fea-8b32-82a843ae806d", "RequestID")
        expect(len(r.Results) == 3, "3 results")
        a, b, c = r.Results
        expect(a._xsd_type.name == "BusinessUnit", "xsi:type -> %s" % a._xsd_type.name)
        expect(a.PartnerKey is None and a.ObjectID is None, "nil members")
        # zeep 4.2 ignores xsi:nil on complex-typed elements: <Subscription
        # xsi:nil="true"/> becomes an object whose members are all None.
        expect(a.Subscription is None or all(a.Subscription[k] is None for k in a.Subscription),
               "nil Subscription %r" % a.Subscription)
        expect(a.AccountType == "None" and a.MasterUnsubscribeBehavior == "ENTIRE_ENTERPRISE", "a fields")
        expect(b.Client.ID == 1234567 and b.Client.EnterpriseID == 1234567, "Client")
        expect(b.CreatedDate == datetime.datetime(2019, 9, 6, 1, 59, 7, 97000), "CreatedDate %r" % b.CreatedDate)
        expect(b.ModifiedDate == datetime.datetime(2022, 6, 21, 1, 43, 2, 640000), "ModifiedDate")
        expect(b.ID == 7654321 and b.ParentID == 1234567 and b.IsActive == 1, "ints")
        expect(b.Name == 'Acme & "Sons" <BU>', "Name %r" % b.Name)
        expect(b.Description == "child" and b.ParentName == "Acme", "BU fields")
        expect(c._xsd_type.name == "Account" and c.AccountType == "ENTERPRISE_2", "Account")
    check("parse RetrieveResponseMsg: BusinessUnit/Account results, xsi:nil members, unprefixed xsi:type", t_retrieve_bu)

    def t_retrieve_empty():
        r = reply(client, "Retrieve", "response-retrieve-empty.xml")
        expect(r.OverallStatus == "OK" and not r.Results, "empty OK")
        r = reply(client, "Retrieve", "response-retrieve-error.xml")
        expect(r.OverallStatus.startswith("Error: Unable to find a handler"), r.OverallStatus)
    check("parse empty OK RetrieveResponseMsg and 'Error: ...' OverallStatus", t_retrieve_empty)

    def t_retrieve_user():
        r = reply(client, "Retrieve", "response-retrieve-accountuser.xml")
        u = r.Results[0]
        expect(u._xsd_type.name == "AccountUser", u._xsd_type.name)
        expect(u.AccountUserID == 700301950 and u.UserID == "user_test@accenture.asgr", "ids")
        expect(u.ActiveFlag is True and u.IsAPIUser is False and u.Delete == 0, "flags")
        expect([p.ID for p in u.UserPermissions] == [2, 3], "UserPermissions")
        expect(u.UserPermissions[0].Name is None, "nil Name")
        expect(u.Locale.LocaleCode == "en-GB" and u.TimeZone.ID == 5, "Locale/TimeZone")
        expect(u.DefaultBusinessUnitObject.ID == 1111111, "DefaultBusinessUnitObject")
        role = u.Roles.Role[0]
        expect(role.CustomerKey == "SYS_DEF_ADMIN" and role.IsSystemDefined is True, "Roles")
        expect(role.Client.CreatedBy == -1000, "Role Client")
    check("parse AccountUser retrieve (UserPermissions, Locale, TimeZone, DefaultBusinessUnitObject, Roles)", t_retrieve_user)

    def t_retrieve_aua_role():
        r = reply(client, "Retrieve", "response-retrieve-accountuseraccount.xml")
        x = r.Results[0]
        expect(x._xsd_type.name == "AccountUserAccount", x._xsd_type.name)
        expect(x.AccountUser.AccountUserID == 717133502 and x.Account.ID == 7330566, "members")
        r = reply(client, "Retrieve", "response-retrieve-role.xml")
        role = r.Results[0]
        expect(role._xsd_type.name == "Role", role._xsd_type.name)
        inner = role.PermissionSets.PermissionSet[0].PermissionSets.PermissionSet[0]
        perm = inner.Permissions.Permission[0]
        expect(perm.Operation == "WebServices API" and perm.IsAllowed is True, "Permission")
    check("parse AccountUserAccount and Role (nested PermissionSets/Permissions) retrieves", t_retrieve_aua_role)

    def t_create_resp():
        r = reply(client, "Create", "response-create-accountuser.xml")
        expect(r.OverallStatus == "OK" and r.RequestID.startswith("46a1b17e"), "status")
        res = r.Results[0]
        expect(res.StatusCode == "OK" and res.StatusMessage == "Account User Updated / Created", "status")
        expect(res.OrdinalID == 0 and res.NewID == 0, "OrdinalID/NewID")
        expect(res.Object._xsd_type.name == "AccountUser" and res.Object.ID == 717510285, "Object")
        expect(res.Object.Password in (None, ""), "empty Password %r" % res.Object.Password)
        r = reply(client, "Create", "response-create-error.xml")
        res = r.Results[0]
        expect(r.OverallStatus == "Error" and res.ErrorCode == 11003, "error result")
    check("parse CreateResponse (Results/StatusCode/StatusMessage/OrdinalID/NewID/Object xsi:type AccountUser; error)", t_create_resp)

    def t_update_delete_resp():
        r = reply(client, "Update", "response-update-accountuser.xml")
        res = r.Results[0]
        expect(res.Object._xsd_type.name == "AccountUser" and res.Object.ActiveFlag is False, "update")
        expect(res.Object.Roles.Role[0].ObjectID.startswith("f1cfb80f"), "roles")
        r = reply(client, "Delete", "response-delete.xml")
        expect(r.OverallStatus == "OK" and r.Results[0].Object is None, "delete without Object")
    check("parse UpdateResponse and DeleteResponse (no Object)", t_update_delete_resp)

    def t_configure_resp():
        r = reply(client, "Configure", "response-configure-accountuser.xml")
        expect(r.OverallStatus == "OK", r.OverallStatus)
        expect(r.OverallStatusMessage in (None, ""), "OverallStatusMessage %r" % r.OverallStatusMessage)
        expect(r.RequestID == "abc28dae-6dfb-4ae9-ad07-63c74963c6d9", "RequestID")
        res = r.Results.Result[0]
        expect(res.StatusMessage == "User Business Unit assignments successfully updated", "msg")
        cfg = res.Object.BusinessUnitAssignmentConfiguration
        expect(list(cfg.BusinessUnitIds.BusinessUnitId) == [1111111, 9999999], "ids")
        expect(cfg.IsDelete is False, "IsDelete")
    check("parse ConfigureResponseMsg (Results/Result, OverallStatus, OverallStatusMessage, RequestID)", t_configure_resp)

    def t_describe_version_resp():
        r = reply(client, "Describe", "response-describe.xml")
        od = r.ObjectDefinition[0]
        expect(od.ObjectType == "AccountUser", "ObjectType")
        expect([p.Name for p in od.Properties] == ["UserID", "ActiveFlag"], "properties")
        expect(od.Properties[0].MaxLength == 100 and od.Properties[0].IsRequired is True, "fields")
        r = reply(client, "VersionInfo", "response-versioninfo.xml")
        expect(r.VersionInfo.Version == "fuelgate", "Version")
    check("parse DefinitionResponseMsg and VersionInfoResponseMsg", t_describe_version_resp)

    def t_recursive():
        # Types that reach themselves (directly or through list wrappers)
        # must keep their APIObject members at every depth.
        p = '<PartnerKey xsi:nil="true"/><ID>1</ID><ObjectID xsi:nil="true"/>'
        cases = [
            ("Role", p + "<PermissionSets><PermissionSet>" + p + "<PermissionSets><PermissionSet>" + p
             + "<Permissions><Permission>" + p + "<Operation>op</Operation></Permission></Permissions>"
             + "</PermissionSet></PermissionSets></PermissionSet></PermissionSets>"),
            ("Account", "<ParentAccount>" + p + "<ParentAccount>" + p + "</ParentAccount></ParentAccount>"),
            ("AccountUser", "<AssociatedBusinessUnits><BusinessUnit>" + p + "<AccountUsers>" + p
             + "<Roles><Role>" + p + "</Role></Roles></AccountUsers></BusinessUnit></AssociatedBusinessUnits>"),
            ("AccountUser", "<Owner><User>" + p + "</User></Owner><SsoIdentities><SsoIdentity>" + p
             + "<FederatedID>f</FederatedID></SsoIdentity></SsoIdentities>"),
            ("CreateResult", "<CreateResults><NewID>1</NewID><Object xsi:type=\"Role\">" + p
             + "</Object></CreateResults>"),
            ("VersionInfoResponse", "<VersionHistory><VersionHistory><Version>0</Version></VersionHistory></VersionHistory>"),
        ]
        for tname, xml in cases:
            el = etree.fromstring('<x xmlns="%s" xmlns:xsi="%s">%s</x>' % (NS, XSI, xml))
            client.get_type("ns0:" + tname).parse_xmlelement(el, client.wsdl.types)
    check("parse recursive nesting (PermissionSet in PermissionSet, ParentAccount, AccountUsers, CreateResults)", t_recursive)

    def t_faults():
        for fname, code, msg in [
            ("fault-token-expired.xml", "q0:Security", "Token Expired"),
            ("fault-server.xml", "soap:Server", "Unplanned Outage"),
            ("fault-client.xml", "soap:Client", "Operation Query is not supported by fuelgate."),
        ]:
            try:
                reply(client, "Retrieve", fname, status=500)
            except Fault as f:
                expect(f.message == msg, "%s: message %r" % (fname, f.message))
                expect(f.code == code, "%s: code %r" % (fname, f.code))
                if fname == "fault-server.xml":
                    api = f.detail.find("{urn:fault.partner.exacttarget.com}apifault")
                    expect(api is not None and api.findtext("{urn:fault.partner.exacttarget.com}Code") == "2",
                           "apifault detail")
                    parsed = client.get_element("{urn:fault.partner.exacttarget.com}apifault").parse(api, client.wsdl.types)
                    expect(parsed.Code == 2 and parsed.Message == "Unplanned Outage", "APIFault type")
            else:
                raise AssertionError("%s: no zeep Fault raised" % fname)
    check("HTTP 500 soap:Fault -> zeep Fault (q0:Security Token Expired, Server with apifault detail, Client)", t_faults)

    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%s: %d check(s) failed" % ("FAIL" if failures else "PASS", failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
