#!/usr/bin/python3
"""Drive zeep (Debian python3-zeep 4.x) against a running fuelgate.

Run by compat_test.go (go test ./compat/...) with /usr/bin/python3, the
interpreter Debian's python3-zeep is installed for. The Go test starts the
server, provisions it with the CLI and passes:

    FUELGATE_URL                  base URL, e.g. http://127.0.0.1:41234
    FUELGATE_MID                  enterprise MID (20-minute tokens, username/password logins on)
    FUELGATE_CLIENT_ID            package with accounts_read accounts_write users_read users_write
    FUELGATE_CLIENT_SECRET
    FUELGATE_API_USER             API user with the WebServices API permission, digest-capable
    FUELGATE_API_PASSWORD
    FUELGATE_EXPIRY_MID           enterprise whose token lifetime is 5 s
    FUELGATE_EXPIRY_CLIENT_ID
    FUELGATE_EXPIRY_CLIENT_SECRET

The client loads the WSDL the server serves (<base>/etframework.wsdl) and
calls the address in it. One "PASS <name>" or "FAIL <name>: <reason>" line
per check; exit status 1 if any check failed. Names must stay in step with
compat_test.go.
"""

import os
import sys
import time

import requests
from lxml import etree

import zeep
from zeep import xsd
from zeep.exceptions import Fault
from zeep.plugins import HistoryPlugin
from zeep.transports import Transport
from zeep.wsse.username import UsernameToken

from checks import check, expect, finish

BASE = os.environ["FUELGATE_URL"]
MID = int(os.environ["FUELGATE_MID"])
CLIENT_ID = os.environ["FUELGATE_CLIENT_ID"]
CLIENT_SECRET = os.environ["FUELGATE_CLIENT_SECRET"]
API_USER = os.environ["FUELGATE_API_USER"]
API_PASSWORD = os.environ["FUELGATE_API_PASSWORD"]
EXP_MID = os.environ["FUELGATE_EXPIRY_MID"]
EXP_CLIENT_ID = os.environ["FUELGATE_EXPIRY_CLIENT_ID"]
EXP_CLIENT_SECRET = os.environ["FUELGATE_EXPIRY_CLIENT_SECRET"]

WSDL = BASE + "/etframework.wsdl"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
TIMEOUT = 10


def get_token(client_id, secret, mid):
    # The body FuelSDK-Python sends (protocol 1.3), with requests' json= spacing.
    r = requests.post(BASE + "/v2/token", timeout=TIMEOUT, json={
        "client_id": client_id, "client_secret": secret,
        "grant_type": "client_credentials", "account_id": str(mid)})
    expect(r.status_code == 200, "POST /v2/token: HTTP %d %s" % (r.status_code, r.text))
    return r.json()


FUELOAUTH = xsd.Element("{http://exacttarget.com}fueloauth", xsd.String())


def fueloauth(token):
    # zeep takes a CompoundValue or an lxml element in _soapheaders; a simple
    # type's value is a plain str, so the xsd.Element renders itself into an
    # lxml node: <ns0:fueloauth xmlns:ns0="http://exacttarget.com">TOKEN</ns0:fueloauth>,
    # the header recorded from zeep 4.2.1 (protocol 3.4).
    holder = etree.Element("holder")
    FUELOAUTH.render(holder, token)
    return [holder[0]]


def new_client(wsse=None):
    history = HistoryPlugin()
    transport = Transport(timeout=TIMEOUT, operation_timeout=TIMEOUT)
    client = zeep.Client(wsdl=WSDL, transport=transport, wsse=wsse, plugins=[history])
    return client, history


def must_fault(fn):
    try:
        r = fn()
    except Fault as f:
        return f
    raise AssertionError("no zeep Fault raised; got %r" % (r,))


def retrieve_bu(client, headers=None):
    return client.service.Retrieve(
        RetrieveRequest={"ObjectType": "BusinessUnit", "Properties": ["ID", "Name", "ParentID"]},
        _soapheaders=headers)


def sent(history):
    """The last request envelope zeep sent, as an lxml element."""
    return history.last_sent["envelope"]


def wait_refused(token, max_seconds):
    """Poll with a raw Retrieve until the server refuses token (HTTP 500),
    for at most max_seconds. The fault text is not looked at here."""
    body = ('<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Header>'
            '<fueloauth xmlns="http://exacttarget.com">%s</fueloauth></Header><Body>'
            '<RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><RetrieveRequest>'
            '<ObjectType>BusinessUnit</ObjectType><Properties>ID</Properties></RetrieveRequest>'
            '</RetrieveRequestMsg></Body></Envelope>') % token
    start = time.monotonic()
    while True:
        r = requests.post(BASE + "/Service.asmx", data=body.encode(), timeout=5,
                          headers={"Content-Type": "text/xml", "SOAPAction": "Retrieve"})
        if r.status_code == 500:
            return time.monotonic() - start
        expect(r.status_code == 200, "unexpected HTTP %d: %s" % (r.status_code, r.text))
        expect(time.monotonic() - start < max_seconds, "token still accepted after %d s" % max_seconds)
        time.sleep(0.2)


def main():
    print("zeep %s, python %s, server %s" % (zeep.__version__, sys.version.split()[0], BASE))
    state = {}

    def t_wsdl():
        client, _ = new_client()
        state["client"] = client
        port = client.wsdl.services["PartnerAPI"].ports["Soap"]
        addr = port.binding_options["address"]
        expect(addr == BASE + "/Service.asmx", "soap:address %r" % addr)
    check("zeep loads the served WSDL", t_wsdl)
    if "client" not in state:
        print("FAIL: the WSDL did not load")
        return 1
    client = state["client"]

    # -------------------------------------------------------- fueloauth
    def t_fueloauth_retrieve():
        tok = get_token(CLIENT_ID, CLIENT_SECRET, MID)
        state["token"] = tok["access_token"]
        r = retrieve_bu(client, fueloauth(state["token"]))
        expect(r.OverallStatus == "OK", "OverallStatus %r" % r.OverallStatus)
        ids = [x.ID for x in r.Results]
        expect(ids == [MID], "IDs %r, want [%d]" % (ids, MID))
        bu = r.Results[0]
        expect(type(bu).__name__ == "BusinessUnit", "Results xsi:type %s" % type(bu).__name__)
        expect(bu.Name == "Compat Enterprise", "Name %r" % bu.Name)
    check("zeep fueloauth Retrieve BusinessUnit", t_fueloauth_retrieve)

    def t_fueloauth_create():
        expect("token" in state, "no token")
        AU = client.get_type("ns0:AccountUser")
        ClientID = client.get_type("ns0:ClientID")
        login = "compat_zeep_%d" % int(time.time() * 1000)
        user = AU(Client=ClientID(ID=MID), UserID=login, Name="Zeep User", Email="zeep@example.com",
                  Password="Zeep-Passw0rd!", IsAPIUser=True)
        r = client.service.Create(Options={}, Objects=[user], _soapheaders=fueloauth(state["token"]))
        expect(r.OverallStatus == "OK", "OverallStatus %r: %r" % (r.OverallStatus, r.Results))
        res = r.Results[0]
        expect(res.StatusCode == "OK", "StatusCode %r %r" % (res.StatusCode, res.StatusMessage))
        expect(res.Object is not None and res.Object.UserID == login, "Object %r" % (res.Object,))
        SFP = client.get_type("ns0:SimpleFilterPart")
        got = client.service.Retrieve(RetrieveRequest={
            "ObjectType": "AccountUser", "Properties": ["ID", "UserID", "Name", "IsAPIUser"],
            "Filter": SFP(Property="UserID", SimpleOperator="equals", Value=[login])},
            _soapheaders=fueloauth(state["token"]))
        expect(got.OverallStatus == "OK" and len(got.Results) == 1, "Retrieve %r" % got)
        u = got.Results[0]
        expect(u.Name == "Zeep User" and u.IsAPIUser is True, "user %r" % u)
        state["user_id"] = u.ID
    check("zeep fueloauth Create AccountUser", t_fueloauth_create)

    def t_fueloauth_update_delete():
        expect("user_id" in state, "no user created")
        AU = client.get_type("ns0:AccountUser")
        ClientID = client.get_type("ns0:ClientID")
        SFP = client.get_type("ns0:SimpleFilterPart")
        hdr = fueloauth(state["token"])
        r = client.service.Update(Options={}, Objects=[AU(Client=ClientID(ID=MID), ID=state["user_id"], Name="Zeep Renamed")],
                                  _soapheaders=hdr)
        expect(r.OverallStatus == "OK" and r.Results[0].StatusCode == "OK", "Update %r" % r)
        r = client.service.Delete(Options={}, Objects=[AU(Client=ClientID(ID=MID), ID=state["user_id"])], _soapheaders=hdr)
        expect(r.OverallStatus == "OK" and r.Results[0].StatusCode == "OK", "Delete %r" % r)
        got = client.service.Retrieve(RetrieveRequest={
            "ObjectType": "AccountUser", "Properties": ["ID", "Name", "ActiveFlag"],
            "Filter": SFP(Property="ID", SimpleOperator="equals", Value=[str(state["user_id"])])}, _soapheaders=hdr)
        u = got.Results[0]
        expect(u.Name == "Zeep Renamed" and u.ActiveFlag is False, "after Update and Delete: %r" % u)
    check("zeep fueloauth Update and Delete AccountUser", t_fueloauth_update_delete)

    def t_garbage_token():
        f = must_fault(lambda: retrieve_bu(client, fueloauth("garbage-token-0123456789")))
        expect(f.message == "Login Failed", "faultstring %r" % f.message)
        expect(f.code == "q0:Security", "faultcode %r" % f.code)
    check("zeep fueloauth garbage token faults Login Failed", t_garbage_token)

    # -------------------------------------------------------- UsernameToken
    def t_text():
        c, history = new_client(UsernameToken(API_USER, API_PASSWORD))
        r = retrieve_bu(c)
        expect(r.OverallStatus == "OK" and [x.ID for x in r.Results] == [MID], "Retrieve %r" % r)
        pw = sent(history).find(".//{%s}Password" % WSSE)
        expect(pw is not None and pw.get("Type", "").endswith("#PasswordText"), "Password Type %r" % (pw is not None and pw.get("Type")))
    check("zeep UsernameToken PasswordText", t_text)

    def digest(zulu, want_suffix):
        def t():
            c, history = new_client(UsernameToken(API_USER, API_PASSWORD, use_digest=True, zulu_timestamp=zulu))
            for _ in range(2):  # each call carries a fresh nonce
                r = retrieve_bu(c)
                expect(r.OverallStatus == "OK" and [x.ID for x in r.Results] == [MID], "Retrieve %r" % r)
            tok = sent(history).find(".//{%s}UsernameToken" % WSSE)
            pw = tok.find("{%s}Password" % WSSE)
            created = tok.findtext("{%s}Created" % WSU)
            expect(pw.get("Type", "").endswith("#PasswordDigest"), "Password Type %r" % pw.get("Type"))
            expect(tok.find("{%s}Nonce" % WSSE) is not None, "no Nonce")
            expect(created and created.endswith(want_suffix), "Created %r, want it to end in %s" % (created, want_suffix))
        return t
    check("zeep UsernameToken PasswordDigest (Created +00:00)", digest(None, "+00:00"))
    check("zeep UsernameToken PasswordDigest zulu_timestamp", digest(True, "Z"))

    def t_wrong_password():
        c, _ = new_client(UsernameToken(API_USER, API_PASSWORD + "-wrong"))
        f = must_fault(lambda: retrieve_bu(c))
        expect(f.message == "Login Failed", "faultstring %r" % f.message)
        expect(f.code == "q0:Security", "faultcode %r" % f.code)
        c, _ = new_client(UsernameToken(API_USER, API_PASSWORD + "-wrong", use_digest=True))
        f = must_fault(lambda: retrieve_bu(c))
        expect(f.message == "Login Failed", "digest: faultstring %r" % f.message)
    check("zeep UsernameToken wrong password faults Login Failed", t_wrong_password)

    # -------------------------------------------------------- expiry
    def t_expired():
        tok = get_token(EXP_CLIENT_ID, EXP_CLIENT_SECRET, EXP_MID)
        expect(tok["expires_in"] == 4, "expires_in %r, want 4 (5 s lifetime)" % tok["expires_in"])
        old = tok["access_token"]
        r = retrieve_bu(client, fueloauth(old))
        expect(r.OverallStatus == "OK", "fresh token: %r" % r.OverallStatus)
        waited = wait_refused(old, 9)
        print("  token refused %.1f s after first use" % waited)
        f = must_fault(lambda: retrieve_bu(client, fueloauth(old)))
        # The exact text SFMC clients match on (protocol 5.1, 8.2).
        expect(f.message == "Token Expired", "faultstring %r, want 'Token Expired'" % f.message)
        expect(f.code == "q0:Security", "faultcode %r" % f.code)
        fresh = get_token(EXP_CLIENT_ID, EXP_CLIENT_SECRET, EXP_MID)["access_token"]
        expect(fresh != old, "the token service returned the old token")
        r = retrieve_bu(client, fueloauth(fresh))
        expect(r.OverallStatus == "OK", "fresh token after expiry: %r" % r.OverallStatus)
    check("zeep expired token faults Token Expired and a fresh token works", t_expired)

    return finish()


if __name__ == "__main__":
    sys.exit(main())
