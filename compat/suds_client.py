#!/usr/bin/python3
"""Drive suds (Debian python3-suds) against a running fuelgate, the way
FuelSDK-Python 1.3.0 drives it, plus a plain suds UsernameToken call.

Run by compat_test.go (go test ./compat/...) with /usr/bin/python3, the
interpreter Debian's python3-suds is installed for. The Go test starts the
server, provisions it with the CLI and passes the FUELGATE_* variables listed
in zeep_client.py, plus:

    FUELGATE_LEGACY_CLIENT_ID     legacy package (/v1/requestToken) in FUELGATE_MID
    FUELGATE_LEGACY_CLIENT_SECRET

FuelSDK-Python itself is not installed (it is not packaged for Debian). The
class FuelClient below repeats, call for call, what its FuelSDK/client.py and
FuelSDK/rest.py do with suds and requests (function names in the comments):

  - load_wsdl/retrieve_server_wsdl: GET the WSDL, write r.text to a LOCAL
    FILE, and build the suds client from 'file:///' + that path; with
    get_server_wsdl=True first HEAD the WSDL and fetch it again only when
    its Last-Modified is newer than the file's time;
  - build_soap_client: suds.client.Client(file_url, faults=False,
    cachingpolicy=1), location = the SOAP endpoint, an etns:fueloauth header
    (OAuth2 mode) or etns:oAuth/oAuthToken plus a '*'/'*' wsse UsernameToken
    (legacy mode);
  - refresh_token_with_oAuth2 (POST <authenticationurl>/v2/token, endpoint =
    soap_instance_url + 'service.asmx') and refresh_token (legacy: POST
    <authenticationurl>?legacy=1, endpoint from /platform/v1/endpoints/soap,
    cached in soap_cache_file.json in the working directory);
  - ET_Get, ET_Post, ET_Patch, ET_Delete: factory.create objects,
    service.Retrieve(request), service.Create(None, objects) ..., results
    read as ET_Constructor reads them ((status, body) tuples).

FuelSDK patches suds at import (FuelSDK/__init__.py, FuelSDK/suds_patch.py);
the two patched functions are repeated below and installed the same way.

suds 1.x keeps its object cache (cachingpolicy=1: the parsed WSDL) in a
temporary directory it removes at exit, so runs do not share it.

One "PASS <name>" or "FAIL <name>: <reason>" line per check; exit status 1
if any check failed. Names must stay in step with compat_test.go.
"""

import copy
import json
import os
import shutil
import sys
import tempfile
import time

import requests
import suds
import suds.client
import suds.wsse
from suds.mx.appender import Appender, Content
from suds.sax.element import Element
from suds.bindings import document as _document
from suds.mx import appender as _appender

from checks import check, expect, finish

BASE = os.environ["FUELGATE_URL"]
MID = int(os.environ["FUELGATE_MID"])
CLIENT_ID = os.environ["FUELGATE_CLIENT_ID"]
CLIENT_SECRET = os.environ["FUELGATE_CLIENT_SECRET"]
LEGACY_CLIENT_ID = os.environ["FUELGATE_LEGACY_CLIENT_ID"]
LEGACY_CLIENT_SECRET = os.environ["FUELGATE_LEGACY_CLIENT_SECRET"]
API_USER = os.environ["FUELGATE_API_USER"]
API_PASSWORD = os.environ["FUELGATE_API_PASSWORD"]

WSDL_URL = BASE + "/etframework.wsdl"
XSD_URL = BASE + "/ETFrameworkFault.xsd"
USER_AGENT = "FuelSDK-Python-v1.3.0"
TIMEOUT = 10


# ------------------------------------------------------------------------
# FuelSDK-Python 1.3.0, FuelSDK/suds_patch.py, installed as FuelSDK/__init__.py
# does. Copyright (c) 2017 Salesforce, MIT License.

class _PropertyAppender(Appender):
    def append(self, parent, content):
        p = content.value
        child = self.node(content)
        child_value = p.get()
        if child_value is None:
            pass
        else:
            child.setText(child_value)
            parent.append(child)
            for item in p.items():
                cont = Content(tag=item[0], value=item[1])
                Appender.append(self, child, cont)


def _bodycontent(self, method, args, kwargs):
    if not len(method.soap.input.body.parts):
        return ()
    wrapped = method.soap.input.body.wrapped
    if wrapped:
        pts = self.bodypart_types(method)
        root = self.document(pts[0])
    else:
        root = []
    n = 0
    for pd in self.param_defs(method):
        if n < len(args):
            value = args[n]
        else:
            value = kwargs.get(pd[0])
        n += 1
        if value is None:
            continue
        p = self.mkparam(method, pd, value)
        if p is None:
            continue
        if not wrapped:
            ns = pd[1].namespace('ns0')
            p.setPrefix(ns[0], ns[1])
        root.append(p)
    return root


_appender.PropertyAppender = _PropertyAppender
_document.Document.bodycontent = _bodycontent
# ------------------------------------------------------------------------


class FuelClient:
    """The parts of FuelSDK-Python's ET_Client these checks use."""

    def __init__(self, wsdl_file, oauth2=True, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                 get_server_wsdl=False):
        self.client_id, self.client_secret = client_id, client_secret
        self.use_oAuth2_authentication = "True" if oauth2 else None
        # configure_client: authenticationurl is the base URL in OAuth2 mode
        # and the full /v1/requestToken URL in legacy mode.
        self.auth_url = BASE if oauth2 else BASE + "/v1/requestToken"
        self.base_api_url = BASE
        self.account_id = str(MID) if oauth2 else None
        self.scope = None
        self.soap_endpoint = None
        self.authToken = self.internalAuthToken = self.authTokenExpiration = self.refreshKey = None
        self.soap_client = None
        self.wsdl_file_url = self.load_wsdl(WSDL_URL, wsdl_file, get_server_wsdl)
        self.refresh_token()

    # load_wsdl
    def load_wsdl(self, wsdl_url, file_location, get_server_wsdl=False):
        file_url = "file:///" + file_location
        if not os.path.exists(file_location) or os.path.getsize(file_location) == 0:
            self.retrieve_server_wsdl(wsdl_url, file_location)
        elif get_server_wsdl:
            r = requests.head(wsdl_url)
            if r is not None and "last-modified" in r.headers:
                server_wsdl_updated = time.strptime(r.headers["last-modified"], "%a, %d %b %Y %H:%M:%S %Z")
                file_wsdl_updated = time.gmtime(os.path.getmtime(file_location))
                if server_wsdl_updated > file_wsdl_updated:
                    self.retrieve_server_wsdl(wsdl_url, file_location)
        return file_url

    # retrieve_server_wsdl
    def retrieve_server_wsdl(self, wsdl_url, file_location):
        r = requests.get(wsdl_url)
        with open(file_location, "w") as f:  # FuelSDK leaves the closing to the garbage collector
            f.write(r.text)

    # build_soap_client
    def build_soap_client(self):
        if self.soap_endpoint is None or not self.soap_endpoint:
            self.soap_endpoint = self.get_soap_endpoint()
        self.soap_client = suds.client.Client(self.wsdl_file_url, faults=False, cachingpolicy=1)
        self.soap_client.set_options(location=self.soap_endpoint)
        self.soap_client.set_options(headers={"user-agent": USER_AGENT})
        if self.use_oAuth2_authentication == "True":
            element_oAuth = Element("fueloauth", ns=("etns", "http://exacttarget.com"))
            element_oAuth.setText(self.authToken)
            self.soap_client.set_options(soapheaders=(element_oAuth))
        else:
            element_oAuth = Element("oAuth", ns=("etns", "http://exacttarget.com"))
            element_oAuthToken = Element("oAuthToken").setText(self.internalAuthToken)
            element_oAuth.append(element_oAuthToken)
            self.soap_client.set_options(soapheaders=(element_oAuth))
            security = suds.wsse.Security()
            token = suds.wsse.UsernameToken("*", "*")
            security.tokens.append(token)
            self.soap_client.set_options(wsse=security)

    # refresh_token (legacy mode)
    def refresh_token(self, force_refresh=False):
        if self.use_oAuth2_authentication == "True":
            self.refresh_token_with_oAuth2(force_refresh)
            return
        if force_refresh or self.authToken is None or (
                self.authTokenExpiration is not None and time.time() + 300 > self.authTokenExpiration):
            headers = {"content-type": "application/json", "user-agent": USER_AGENT}
            payload = {"clientId": self.client_id, "clientSecret": self.client_secret, "accessType": "offline"}
            if self.refreshKey:
                payload["refreshToken"] = self.refreshKey
            legacyString = "?legacy=1"
            if legacyString not in self.auth_url:
                self.auth_url = self.auth_url.strip() + legacyString
            r = requests.post(self.auth_url, data=json.dumps(payload), headers=headers)
            tokenResponse = r.json()
            if "accessToken" not in tokenResponse:
                raise Exception("Unable to validate App Keys(ClientID/ClientSecret) provided: " + repr(r.json()))
            self.authToken = tokenResponse["accessToken"]
            self.authTokenExpiration = time.time() + tokenResponse["expiresIn"]
            self.internalAuthToken = tokenResponse["legacyToken"]
            if "refreshToken" in tokenResponse:
                self.refreshKey = tokenResponse["refreshToken"]
            self.build_soap_client()

    # refresh_token_with_oAuth2
    def refresh_token_with_oAuth2(self, force_refresh=False):
        if force_refresh or self.authToken is None \
                or self.authTokenExpiration is not None and time.time() + 300 > self.authTokenExpiration:
            headers = {"content-type": "application/json", "user-agent": USER_AGENT}
            payload = {"client_id": self.client_id, "client_secret": self.client_secret,
                       "grant_type": "client_credentials"}  # create_payload, server application type
            if self.account_id:
                payload["account_id"] = self.account_id
            if self.scope:
                payload["scope"] = self.scope
            r = requests.post(self.auth_url.strip() + "/v2/token", data=json.dumps(payload), headers=headers)
            tokenResponse = r.json()
            if "access_token" not in tokenResponse:
                raise Exception("Unable to validate App Keys(ClientID/ClientSecret) provided: " + repr(r.json()))
            self.authToken = tokenResponse["access_token"]
            self.authTokenExpiration = time.time() + tokenResponse["expires_in"]
            self.internalAuthToken = tokenResponse["access_token"]
            self.soap_endpoint = tokenResponse["soap_instance_url"] + "service.asmx"
            self.base_api_url = tokenResponse["rest_instance_url"]
            if "refresh_token" in tokenResponse:
                self.refreshKey = tokenResponse["refresh_token"]
            self.build_soap_client()

    # get_soap_endpoint (soap_cache_file.json in the working directory)
    def get_soap_endpoint(self):
        default_endpoint = "https://webservice.exacttarget.com/Service.asmx"
        cache_file = "soap_cache_file.json"
        if os.path.isfile(cache_file):
            with open(cache_file) as f:
                data = json.load(f)
            if "url" in data and "timestamp" in data and data["timestamp"] > time.time():
                return data["url"]
        try:
            r = requests.get(self.base_api_url + "/platform/v1/endpoints/soap", headers={
                "user-agent": USER_AGENT, "authorization": "Bearer " + self.authToken})
            contextResponse = r.json()
            if "url" in contextResponse:
                soap_url = str(contextResponse["url"])
                with open(cache_file, "w+") as f:
                    json.dump({"url": soap_url, "timestamp": time.time() + 10 * 60}, f)
                return soap_url
            return default_endpoint
        except Exception:
            return default_endpoint


class Result:
    """ET_Constructor's reading of a (status, body) tuple from faults=False."""

    def __init__(self, response):
        self.code, self.body = response[0], response[1]
        self.status, self.message, self.results = False, None, []
        if self.code == 200:
            self.status = True
            if "OverallStatus" in self.body:
                self.message = self.body["OverallStatus"]
                if self.body["OverallStatus"] not in ("OK", "MoreDataAvailable"):
                    self.status = False
            if "Results" in self.body:
                self.results = self.body["Results"]

    def __repr__(self):
        return "code %r status %r message %r results %r" % (self.code, self.status, self.message, self.results)


# ET_Constructor.parse_props_into_ws_object
def ws_objects(c, obj_type, props):
    empty_obj = c.soap_client.factory.create(obj_type)
    out = []
    for prop_dict in (props if isinstance(props, list) else [props]):
        ws = copy.copy(empty_obj)
        for k, v in prop_dict.items():
            if k not in ws:
                raise Exception(k + " is not a property of " + obj_type)
            ws[k] = v
        out.append(ws)
    return out if isinstance(props, list) else out[0]


# ET_Get (props given, a simple filter)
def et_get(c, obj_type, props, search_filter=None):
    c.refresh_token()
    rr = c.soap_client.factory.create("RetrieveRequest")
    rr.Properties = props
    if search_filter is not None:
        sfp = c.soap_client.factory.create("SimpleFilterPart")
        for prop in sfp:
            if prop[0] in search_filter:
                sfp[prop[0]] = search_filter[prop[0]]
        rr.Filter = sfp
    rr.ObjectType = obj_type
    return Result(c.soap_client.service.Retrieve(rr))


# ET_Post, ET_Patch, ET_Delete
def et_post(c, obj_type, props):
    c.refresh_token()
    return Result(c.soap_client.service.Create(None, ws_objects(c, obj_type, props)))


def et_patch(c, obj_type, props):
    c.refresh_token()
    return Result(c.soap_client.service.Update(None, ws_objects(c, obj_type, props)))


def et_delete(c, obj_type, props):
    c.refresh_token()
    return Result(c.soap_client.service.Delete(None, ws_objects(c, obj_type, props)))


def served(url):
    r = requests.get(url, timeout=TIMEOUT)
    expect(r.status_code == 200, "GET %s: HTTP %d" % (url, r.status_code))
    return r.text


def set_mtime(path, t):
    os.utime(path, (t, t))


def main(work):
    print("suds %s, python %s, server %s" % (suds.__version__, sys.version.split()[0], BASE))
    os.chdir(work)  # FuelSDK writes soap_cache_file.json in the working directory
    copy_path = os.path.join(work, "ExactTargetWSDL.xml")
    state = {}

    def t_local_copy():
        c = FuelClient(copy_path)
        with open(copy_path) as f:
            expect(f.read() == served(WSDL_URL), "the local copy differs from the served WSDL")
        expect(c.soap_client.wsdl.url.startswith("file:///"), "suds loaded %s, not the local copy" % c.soap_client.wsdl.url)
        # The fault schema came from its absolute URL, not from next to the copy.
        expect(not os.path.exists(os.path.join(work, "ETFrameworkFault.xsd")), "a schema file next to the copy")
        fault = c.soap_client.factory.create("{urn:fault.partner.exacttarget.com}APIFault")
        expect(hasattr(fault, "Code") and hasattr(fault, "Message"), "APIFault %r" % fault)
        port = c.soap_client.wsdl.services[0].ports[0]
        expect(port.location == BASE + "/Service.asmx", "soap:address %r in the copy" % port.location)
        state["client"] = c
    check("suds FuelSDK loads a local copy of the WSDL (absolute schema import)", t_local_copy)

    def t_refresh():
        # A copy older than the server's Last-Modified is fetched again.
        with open(copy_path, "w") as f:
            f.write("stale")
        set_mtime(copy_path, time.time() - 10 * 365 * 86400)
        FuelClient(copy_path, get_server_wsdl=True)
        with open(copy_path) as f:
            expect(f.read() == served(WSDL_URL), "a stale copy was not refreshed")
        # A copy newer than Last-Modified is kept: HEAD only, no download.
        with open(copy_path, "a") as f:
            f.write("<!-- kept -->")
        c = FuelClient(copy_path, get_server_wsdl=True)
        with open(copy_path) as f:
            expect(f.read().endswith("<!-- kept -->"), "a fresh copy was downloaded again")
        h = requests.head(WSDL_URL, timeout=TIMEOUT)
        expect(h.status_code == 200 and h.headers.get("ETag", "").startswith('"') and not h.content,
               "HEAD: %d %r" % (h.status_code, dict(h.headers)))
        r = requests.get(WSDL_URL, timeout=TIMEOUT, headers={"If-None-Match": h.headers["ETag"]})
        expect(r.status_code == 304, "conditional GET: HTTP %d" % r.status_code)
        expect(c.soap_client is not None, "no client")
    check("suds FuelSDK get_server_wsdl refreshes by Last-Modified", t_refresh)

    if "client" not in state:
        print("FAIL: the WSDL did not load")
        return 1
    c = state["client"]

    def t_retrieve():
        r = et_get(c, "BusinessUnit", ["ID", "Name", "ParentID"])
        expect(r.status and r.message == "OK", "Retrieve %r" % r)
        expect([x.ID for x in r.results] == [MID], "IDs %r, want [%d]" % ([x.ID for x in r.results], MID))
        expect(r.results[0].Name == "Compat Enterprise", "Name %r" % r.results[0].Name)
        expect(type(r.results[0]).__name__ == "BusinessUnit", "xsi:type %s" % type(r.results[0]).__name__)
        sent = str(c.soap_client.last_sent())
        expect("fueloauth" in sent and "http://exacttarget.com" in sent, "no fueloauth header in %s" % sent)
    check("suds FuelSDK fueloauth Retrieve BusinessUnit", t_retrieve)

    def t_create():
        login = "compat_suds_%d" % int(time.time() * 1000)
        r = et_post(c, "AccountUser", {"Client": {"ID": MID}, "UserID": login, "Name": "Suds User",
                                       "Email": "suds@example.com", "Password": "Suds-Passw0rd!", "IsAPIUser": True})
        expect(r.status and r.message == "OK" and r.results[0].StatusCode == "OK", "Create %r" % r)
        got = et_get(c, "AccountUser", ["ID", "UserID", "Name", "IsAPIUser"],
                     {"Property": "UserID", "SimpleOperator": "equals", "Value": login})
        expect(got.status and len(got.results) == 1, "Retrieve %r" % got)
        u = got.results[0]
        expect(u.Name == "Suds User" and u.IsAPIUser is True, "user %r" % u)
        state["user_id"] = u.ID
    check("suds FuelSDK fueloauth Create AccountUser", t_create)

    def t_update_delete():
        expect("user_id" in state, "no user created")
        uid = state["user_id"]
        r = et_patch(c, "AccountUser", {"Client": {"ID": MID}, "ID": uid, "Name": "Suds Renamed"})
        expect(r.status and r.results[0].StatusCode == "OK", "Update %r" % r)
        r = et_delete(c, "AccountUser", {"Client": {"ID": MID}, "ID": uid})
        expect(r.status and r.results[0].StatusCode == "OK", "Delete %r" % r)
        got = et_get(c, "AccountUser", ["ID", "Name", "ActiveFlag"],
                     {"Property": "ID", "SimpleOperator": "equals", "Value": str(uid)})
        u = got.results[0]
        expect(u.Name == "Suds Renamed" and u.ActiveFlag is False, "after Update and Delete: %r" % u)
    check("suds FuelSDK fueloauth Update and Delete AccountUser", t_update_delete)

    def t_garbage():
        bad = FuelClient(copy_path)
        bad.authToken = "garbage-token-0123456789"
        bad.build_soap_client()
        r = et_get(bad, "BusinessUnit", ["ID"])
        expect(r.code == 500 and not r.status, "Retrieve %r" % r)
        expect(r.body.faultstring == "Login Failed", "faultstring %r" % r.body.faultstring)
        expect(r.body.faultcode == "q0:Security", "faultcode %r" % r.body.faultcode)
    check("suds FuelSDK garbage token gives Login Failed", t_garbage)

    def t_legacy():
        lc = FuelClient(copy_path, oauth2=False, client_id=LEGACY_CLIENT_ID, client_secret=LEGACY_CLIENT_SECRET)
        expect(lc.soap_endpoint == BASE + "/Service.asmx", "endpoint %r" % lc.soap_endpoint)
        with open("soap_cache_file.json") as f:
            expect(json.load(f)["url"] == lc.soap_endpoint, "soap_cache_file.json")
        r = et_get(lc, "BusinessUnit", ["ID", "Name"], {"Property": "ID", "SimpleOperator": "equals", "Value": str(MID)})
        expect(r.status and [x.ID for x in r.results] == [MID], "Retrieve %r" % r)
        sent = str(lc.soap_client.last_sent())
        expect("oAuthToken" in sent and "<wsse:Username>*</wsse:Username>" in sent, "legacy headers missing in %s" % sent)
    check("suds FuelSDK legacy mode (oAuth + */* UsernameToken) Retrieve", t_legacy)

    # -------------------------------------------------------- plain suds
    def plain_client(username, password, nonce_created=False):
        client = suds.client.Client(WSDL_URL)
        security = suds.wsse.Security()
        token = suds.wsse.UsernameToken(username, password)
        if nonce_created:
            token.setnonce()
            token.setcreated()
        security.tokens.append(token)
        client.set_options(wsse=security)
        return client

    def t_plain_text():
        client = plain_client(API_USER, API_PASSWORD)
        rr = client.factory.create("RetrieveRequest")
        rr.ObjectType = "BusinessUnit"
        rr.Properties = ["ID", "Name"]
        r = client.service.Retrieve(rr)
        expect(r.OverallStatus == "OK" and [x.ID for x in r.Results] == [MID], "Retrieve %r" % r)
    check("suds UsernameToken PasswordText", t_plain_text)

    def t_plain_nonce():
        client = plain_client(API_USER, API_PASSWORD, nonce_created=True)
        r = client.service.Retrieve({"ObjectType": "BusinessUnit", "Properties": ["ID"]})
        expect(r.OverallStatus == "OK" and [x.ID for x in r.Results] == [MID], "Retrieve %r" % r)
        sent = str(client.last_sent())
        expect("Nonce" in sent and "Created" in sent, "no Nonce/Created in %s" % sent)
    check("suds UsernameToken PasswordText with Nonce and Created", t_plain_nonce)

    def t_plain_wrong():
        client = plain_client(API_USER, API_PASSWORD + "-wrong")
        try:
            r = client.service.Retrieve({"ObjectType": "BusinessUnit", "Properties": ["ID"]})
        except suds.WebFault as f:
            expect(f.fault.faultstring == "Login Failed", "faultstring %r" % f.fault.faultstring)
            expect(f.fault.faultcode == "q0:Security", "faultcode %r" % f.fault.faultcode)
        else:
            raise AssertionError("no WebFault; got %r" % (r,))
    check("suds UsernameToken wrong password faults Login Failed", t_plain_wrong)

    return finish()


if __name__ == "__main__":
    work = tempfile.mkdtemp(prefix="fuelgate-suds-")
    try:
        sys.exit(main(work))
    finally:
        os.chdir("/")
        shutil.rmtree(work, ignore_errors=True)
