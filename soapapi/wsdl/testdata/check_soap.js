#!/usr/bin/env node
// Check fuelgate's etframework.wsdl with node-soap (soap@1.x).
//
// Usage:
//   FUELGATE_SOAP_MODULE=../../../compat/node_modules/soap node check_soap.js [WSDL]
//   NODE_PATH=../../../compat/node_modules node check_soap.js [WSDL]
//
// The soap module is taken from $FUELGATE_SOAP_MODULE, else from ordinary
// require('soap') resolution (NODE_PATH or a node_modules above this file).
// WSDL is a file path or URL; without it the script copies ../etframework.wsdl
// (the embedded template) to a temporary directory, fills in the public URL
// placeholder (the fault schema import with the path of
// ../ETFrameworkFault.xsd, the soap:address with ADDRESS) and loads that copy.
//
// The script prints client.describe() for the PartnerAPI/Soap port, then
// calls Retrieve, Create and Configure through a stub HTTP client that
// captures the request and answers with the canned responses in this
// directory, and checks the parsed results. One PASS/FAIL line per check;
// exit status 1 if any check failed.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const util = require('util');

const soap = require(process.env.FUELGATE_SOAP_MODULE || 'soap');

const HERE = __dirname;
const PKG = path.dirname(HERE);
const PUBLIC_URL = 'https://127.0.0.1:8443';
const ADDRESS = PUBLIC_URL + '/Service.asmx';
const OPERATIONS = ['Create', 'Retrieve', 'Update', 'Delete', 'Query', 'Describe', 'Execute',
  'Perform', 'Configure', 'Schedule', 'VersionInfo', 'Extract', 'GetSystemStatus'];

let failures = 0;
async function check(name, fn) {
  try {
    await fn();
    console.log('PASS ' + name);
  } catch (err) {
    failures++;
    console.log('FAIL ' + name + ': ' + (err && err.stack && process.env.CHECK_VERBOSE ? err.stack : err));
  }
}
function expect(cond, msg) {
  if (!cond) throw new Error(msg);
}

function prepareWSDL() {
  if (process.argv[2]) return process.argv[2];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fuelgate-wsdl-'));
  const text = fs.readFileSync(path.join(PKG, 'etframework.wsdl'), 'utf8');
  const filled = text
    .replace('{{PUBLIC_URL}}/ETFrameworkFault.xsd', path.join(PKG, 'ETFrameworkFault.xsd'))
    .replace('{{PUBLIC_URL}}', PUBLIC_URL);
  fs.writeFileSync(path.join(tmp, 'etframework.wsdl'), filled);
  return path.join(tmp, 'etframework.wsdl');
}

// Stub HTTP client: records the request and replies with a canned file.
class StubHTTP {
  constructor() { this.replies = {}; this.last = null; }
  request(rurl, data, callback, exheaders) {
    this.last = { url: rurl, body: data, headers: exheaders };
    const action = String(exheaders.SOAPAction || '').replace(/"/g, '');
    const file = this.replies[action];
    const body = file ? fs.readFileSync(path.join(HERE, file), 'utf8') : '';
    const status = file && file.startsWith('fault-') ? 500 : 200;
    setImmediate(() => callback(null, { statusCode: status, headers: { 'content-type': 'text/xml; charset=utf-8' }, body }, body));
    return { abort() {} };
  }
}

async function main() {
  const wsdl = prepareWSDL();
  let version = '?';
  try {
    version = require(path.join(path.dirname(require.resolve(process.env.FUELGATE_SOAP_MODULE || 'soap')), '..', 'package.json')).version;
  } catch (e) { /* version is informative only */ }
  console.log('node ' + process.version + ', soap ' + version + ', WSDL ' + wsdl);

  const http = new StubHTTP();
  let client;
  await check('createClientAsync loads the WSDL and the imported ETFrameworkFault.xsd', async () => {
    client = await soap.createClientAsync(wsdl, { httpClient: http });
  });
  if (!client) return 1;

  await check('describe(): PartnerAPI/Soap with all 13 operations', async () => {
    const d = client.describe();
    const ops = d.PartnerAPI.Soap;
    console.log('  describe().PartnerAPI.Soap operations: ' + Object.keys(ops).join(', '));
    // describe() output is circular (Owner.User is an AccountUser): inspect, don't JSON.stringify.
    const show = (v) => util.inspect(v, { depth: 1, breakLength: Infinity }).slice(0, 400);
    console.log('  Retrieve.input: ' + show(ops.Retrieve.input) + ' ...');
    console.log('  Create.input:   ' + show(ops.Create.input) + ' ...');
    console.log('  Configure.input: ' + show(ops.Configure.input) + ' ...');
    for (const op of OPERATIONS) expect(ops[op], 'operation ' + op + ' missing');
    expect(client.wsdl.definitions.services.PartnerAPI.ports.Soap.location === ADDRESS || process.argv[2],
      'soap:address');
  });

  await check('Retrieve Subscriber request equals the recorded node-soap 1.13.0 request', async () => {
    // Protocol §3.7 (observed on the wire, note the double space before xmlns:tns).
    const want = '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"  xmlns:tns="http://exacttarget.com/wsdl/partnerAPI"><soap:Header><fueloauth xmlns="http://exacttarget.com">ACCESS_TOKEN</fueloauth></soap:Header><soap:Body><RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><RetrieveRequest><ObjectType>Subscriber</ObjectType><Properties>SubscriberKey</Properties><Properties>EmailAddress</Properties><Properties>Status</Properties></RetrieveRequest></RetrieveRequestMsg></soap:Body></soap:Envelope>';
    http.replies.Retrieve = 'response-retrieve-empty.xml';
    client.clearSoapHeaders();
    client.addSoapHeader('<fueloauth xmlns="http://exacttarget.com">ACCESS_TOKEN</fueloauth>');
    const [res] = await client.RetrieveAsync({
      RetrieveRequest: { ObjectType: 'Subscriber', Properties: ['SubscriberKey', 'EmailAddress', 'Status'] },
    });
    expect(http.last.body === want, 'request differs:\n got ' + http.last.body + '\nwant ' + want);
    expect(http.last.headers.SOAPAction === '"Retrieve"', 'SOAPAction ' + http.last.headers.SOAPAction);
    expect(res.OverallStatus === 'OK' && !res.Results, 'empty OK response: ' + JSON.stringify(res));
  });

  await check('Retrieve BusinessUnit: parse Results xsi:type BusinessUnit (nil members, MasterUnsubscribeBehavior)', async () => {
    http.replies.Retrieve = 'response-retrieve-businessunit.xml';
    const [res] = await client.RetrieveAsync({
      RetrieveRequest: {
        ObjectType: 'BusinessUnit', Properties: ['ID', 'Name'],
        Filter: { attributes: { 'xsi:type': 'tns:SimpleFilterPart' }, Property: 'ID', SimpleOperator: 'equals', Value: '1234567' },
      },
    });
    expect(/<Filter xsi:type="tns:SimpleFilterPart">/.test(http.last.body), 'filter xsi:type in request: ' + http.last.body);
    expect(res.OverallStatus === 'OK' && res.Results.length === 3, 'results: ' + JSON.stringify(res));
    const a = res.Results[0], b = res.Results[1];
    expect(a.AccountType === 'None' && a.MasterUnsubscribeBehavior === 'ENTIRE_ENTERPRISE', JSON.stringify(a));
    expect(b.Name === 'Acme & "Sons" <BU>' && String(b.ID) === '7654321', JSON.stringify(b));
  });

  await check('Retrieve AccountUser: parse Roles/Role, UserPermissions, Locale, TimeZone', async () => {
    http.replies.Retrieve = 'response-retrieve-accountuser.xml';
    const [res] = await client.RetrieveAsync({ RetrieveRequest: { ObjectType: 'AccountUser', Properties: ['ID'], QueryAllAccounts: true } });
    const u = res.Results[0];
    expect(u.UserID === 'user_test@accenture.asgr', JSON.stringify(u));
    expect(u.Roles && u.Roles.Role, 'Roles.Role: ' + JSON.stringify(u.Roles));
    expect(u.Locale.LocaleCode === 'en-GB', 'Locale');
  });

  await check('Create AccountUser: request carries xsi:type, response parsed (Object xsi:type AccountUser)', async () => {
    http.replies.Create = 'response-create-accountuser.xml';
    const [res] = await client.CreateAsync({
      Options: {},
      Objects: {
        attributes: { 'xsi:type': 'tns:AccountUser' },
        Client: { ID: 1234567 }, UserID: 'u1', Name: 'n', Email: 'e@x.com', Password: 'P@ss', IsAPIUser: true,
      },
    });
    expect(/<CreateRequest xmlns="http:\/\/exacttarget.com\/wsdl\/partnerAPI">/.test(http.last.body), http.last.body);
    expect(/<Objects xsi:type="tns:AccountUser">/.test(http.last.body), http.last.body);
    expect(res.OverallStatus === 'OK', JSON.stringify(res));
    const r = Array.isArray(res.Results) ? res.Results[0] : res.Results;
    expect(r.StatusCode === 'OK' && String(r.NewID) === '0' && r.Object && String(r.Object.ID) === '717510285',
      JSON.stringify(r));
  });

  await check('Configure assign: BusinessUnitAssignmentConfiguration request, ConfigureResponseMsg parsed', async () => {
    http.replies.Configure = 'response-configure-accountuser.xml';
    const [res] = await client.ConfigureAsync({
      Action: 'assign',
      Configurations: {
        Configuration: {
          attributes: { 'xsi:type': 'tns:AccountUser' },
          Client: { ID: 7281698 }, ID: 717133502,
          BusinessUnitAssignmentConfiguration: { BusinessUnitIds: { BusinessUnitId: [7330566, 518003624] }, IsDelete: false },
        },
      },
    });
    expect(/<BusinessUnitIds><BusinessUnitId>7330566<\/BusinessUnitId><BusinessUnitId>518003624<\/BusinessUnitId><\/BusinessUnitIds><IsDelete>false<\/IsDelete>/.test(http.last.body), http.last.body);
    expect(res.OverallStatus === 'OK' && res.RequestID === 'abc28dae-6dfb-4ae9-ad07-63c74963c6d9', JSON.stringify(res));
    const r = Array.isArray(res.Results.Result) ? res.Results.Result[0] : res.Results.Result;
    expect(r.StatusMessage === 'User Business Unit assignments successfully updated', JSON.stringify(r));
  });

  await check('HTTP 500 Token Expired fault is reported as an error with faultstring', async () => {
    http.replies.Retrieve = 'fault-token-expired.xml';
    let err;
    try {
      await client.RetrieveAsync({ RetrieveRequest: { ObjectType: 'BusinessUnit' } });
    } catch (e) { err = e; }
    expect(err, 'no error');
    const fault = err.root && err.root.Envelope && err.root.Envelope.Body && err.root.Envelope.Body.Fault;
    expect(fault && fault.faultstring === 'Token Expired', 'fault: ' + (fault ? JSON.stringify(fault) : err));
  });

  if (!process.argv[2]) fs.rmSync(path.dirname(wsdl), { recursive: true, force: true });
  console.log((failures ? 'FAIL' : 'PASS') + ': ' + failures + ' check(s) failed');
  return failures ? 1 : 0;
}

main().then((code) => process.exit(code), (err) => { console.log('FAIL ' + err); process.exit(1); });
