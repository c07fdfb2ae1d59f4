#!/usr/bin/env node
// Drive the generic npm SOAP client `soap` (node-soap 1.x) against a running
// fuelgate, through the WSDL the server serves.
//
// Run by compat_test.go (go test ./compat/...), which starts the server,
// provisions it with the CLI and passes FUELGATE_URL, FUELGATE_MID,
// FUELGATE_CLIENT_ID, FUELGATE_CLIENT_SECRET, FUELGATE_API_USER and
// FUELGATE_API_PASSWORD (see zeep_client.py). One "PASS <name>" or
// "FAIL <name>: <reason>" line per check; exit status 1 if any check failed.
'use strict';

const soap = require('soap');

const BASE = process.env.FUELGATE_URL;
const MID = process.env.FUELGATE_MID;
let failures = 0;

async function check(name, fn) {
  try {
    await fn();
    console.log('PASS ' + name);
  } catch (err) {
    failures++;
    console.log('FAIL ' + name + ': ' + String(err && err.message ? err.message : err).split('\n')[0]);
  }
}

function expect(cond, msg) {
  if (!cond) throw new Error(msg);
}

async function token() {
  const res = await fetch(BASE + '/v2/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials', client_id: process.env.FUELGATE_CLIENT_ID,
      client_secret: process.env.FUELGATE_CLIENT_SECRET, account_id: MID,
    }),
  });
  const body = await res.json();
  expect(res.status === 200 && body.access_token, 'token request failed: HTTP ' + res.status);
  return body.access_token;
}

const retrieveBU = {
  RetrieveRequest: { ObjectType: 'BusinessUnit', Properties: ['ID', 'Name'] },
};

function faultString(err) {
  const f = err && err.root && err.root.Envelope && err.root.Envelope.Body && err.root.Envelope.Body.Fault;
  return f ? f.faultstring : String(err && err.message);
}

async function main() {
  let client;
  await check('node-soap loads the served WSDL', async () => {
    client = await soap.createClientAsync(BASE + '/etframework.wsdl');
    const ops = Object.keys(client.describe().PartnerAPI.Soap);
    expect(ops.includes('Retrieve') && ops.includes('Create'), 'operations missing: ' + ops.join(','));
  });
  if (!client) return;

  await check('node-soap fueloauth Retrieve BusinessUnit', async () => {
    client.clearSoapHeaders();
    client.addSoapHeader({ fueloauth: await token() }, '', 'fuel', 'http://exacttarget.com');
    const [res] = await client.RetrieveAsync(retrieveBU);
    expect(res.OverallStatus === 'OK', 'OverallStatus ' + res.OverallStatus);
    const results = [].concat(res.Results || []);
    expect(results.length === 1 && String(results[0].ID) === MID, 'want exactly the token BU, got ' + JSON.stringify(results));
  });

  await check('node-soap fueloauth garbage token faults Login Failed', async () => {
    client.clearSoapHeaders();
    client.addSoapHeader({ fueloauth: 'garbage' }, '', 'fuel', 'http://exacttarget.com');
    try {
      await client.RetrieveAsync(retrieveBU);
    } catch (err) {
      expect(faultString(err) === 'Login Failed', 'faultstring ' + faultString(err));
      return;
    }
    throw new Error('no fault for a garbage token');
  });

  for (const [name, opts] of [['PasswordText', { passwordType: 'PasswordText' }],
    ['PasswordDigest', { passwordType: 'PasswordDigest' }]]) {
    await check('node-soap WSSecurity ' + name, async () => {
      client.clearSoapHeaders();
      client.setSecurity(new soap.WSSecurity(process.env.FUELGATE_API_USER, process.env.FUELGATE_API_PASSWORD, opts));
      const [res] = await client.RetrieveAsync(retrieveBU);
      expect(res.OverallStatus === 'OK', 'OverallStatus ' + res.OverallStatus);
    });
  }

  await check('node-soap WSSecurity wrong password faults Login Failed', async () => {
    client.setSecurity(new soap.WSSecurity(process.env.FUELGATE_API_USER, 'wrong-' + process.env.FUELGATE_API_PASSWORD, { passwordType: 'PasswordText' }));
    try {
      await client.RetrieveAsync(retrieveBU);
    } catch (err) {
      expect(faultString(err) === 'Login Failed', 'faultstring ' + faultString(err));
      return;
    }
    throw new Error('no fault for a wrong password');
  });
}

main().then(() => {
  console.log(failures ? 'FAIL: ' + failures + ' check(s) failed' : 'PASS: all checks');
  process.exit(failures ? 1 : 0);
}, (err) => {
  console.log('FAIL node-soap script: ' + err);
  process.exit(1);
});
