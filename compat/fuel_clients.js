#!/usr/bin/env node
// Drives the npm clients fuel-auth 3.x and fuel-soap 2.x (compat/package.json)
// against a running fuelgate. Run by compat_test.go (go test ./compat/...),
// which starts the server, provisions it with the CLI and passes:
//
//   FUELGATE_URL                 base URL, e.g. http://127.0.0.1:41234 (no trailing slash)
//   FUELGATE_MID                 enterprise MID of the main package (20-minute tokens)
//   FUELGATE_CLIENT_ID           its client ID, with accounts_read accounts_write users_read users_write
//   FUELGATE_CLIENT_SECRET       its client secret
//   FUELGATE_EXPIRY_MID          enterprise whose token lifetime is 5 s (expires_in 4)
//   FUELGATE_EXPIRY_CLIENT_ID    a package there
//   FUELGATE_EXPIRY_CLIENT_SECRET
//
// Prints one "PASS <name>" or "FAIL <name>: <reason>" line per check and
// exits 1 if any check failed. Names must stay in step with compat_test.go.
'use strict';

const http = require('http');
const FuelAuth = require('fuel-auth');
const FuelSoap = require('fuel-soap');

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error('environment variable ' + k + ' is not set');
  return v;
};

const BASE = env('FUELGATE_URL');
const MID = env('FUELGATE_MID');
const CLIENT_ID = env('FUELGATE_CLIENT_ID');
const CLIENT_SECRET = env('FUELGATE_CLIENT_SECRET');
const EXP_MID = env('FUELGATE_EXPIRY_MID');
const EXP_CLIENT_ID = env('FUELGATE_EXPIRY_CLIENT_ID');
const EXP_CLIENT_SECRET = env('FUELGATE_EXPIRY_CLIENT_SECRET');

const AUTH_URL = BASE + '/v2/token';
const SOAP_URL = BASE + '/Service.asmx';
const TIMEOUT = { timeout: 10000 }; // request module options for every call

let failures = 0;
async function check(name, fn) {
  try {
    await fn();
    console.log('PASS ' + name);
  } catch (err) {
    failures++;
    const msg = err && err.stack && process.env.CHECK_VERBOSE ? err.stack : String(err && err.message || err);
    console.log('FAIL ' + name + ': ' + msg.replace(/\n/g, ' | '));
  }
}
function expect(cond, msg) {
  if (!cond) throw new Error(msg);
}
const show = (v) => {
  try { return JSON.stringify(v); } catch (e) { return String(v); }
};

// authOptions as the fuel-auth README describes for OAuth2 ("enhanced") packages.
function authConfig(clientId, clientSecret, mid, extra) {
  return Object.assign({
    clientId, clientSecret, authUrl: AUTH_URL,
    authOptions: { authVersion: 2, accountId: mid },
    globalReqOptions: TIMEOUT,
  }, extra || {});
}

// newSoap returns a FuelSoap whose requests are recorded: tokens[] holds the
// token of every SOAP envelope sent, tokenRequests counts POST /v2/token.
function newSoap(auth) {
  const client = new FuelSoap({ auth, soapEndpoint: SOAP_URL, globalReqOptions: TIMEOUT });
  client.tokens = [];
  client.tokenRequests = 0;
  const build = client._buildEnvelope.bind(client);
  client._buildEnvelope = (req, token) => { client.tokens.push(token); return build(req, token); };
  const reqToken = client.AuthClient._requestToken.bind(client.AuthClient);
  client.AuthClient._requestToken = (opts) => { client.tokenRequests++; return reqToken(opts); };
  return client;
}

// call turns fuel-soap's callback API into a promise.
function call(client, method, ...args) {
  return new Promise((resolve, reject) => {
    client[method](...args, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

async function mustFail(p) {
  try {
    const r = await p;
    throw new Error('call succeeded, want an error: ' + show(r && r.body));
  } catch (err) {
    if (err && err.message && err.message.startsWith('call succeeded')) throw err;
    return err;
  }
}

// rawRetrieve posts a minimal Retrieve with the given token and resolves to
// the HTTP status and body. It does not go through fuel-soap.
function rawRetrieve(token) {
  const body = '<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Header><fueloauth xmlns="http://exacttarget.com">' +
    token + '</fueloauth></Header><Body><RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><RetrieveRequest>' +
    '<ObjectType>BusinessUnit</ObjectType><Properties>ID</Properties></RetrieveRequest></RetrieveRequestMsg></Body></Envelope>';
  return new Promise((resolve, reject) => {
    const req = http.request(SOAP_URL, {
      method: 'POST', timeout: 5000,
      headers: { 'Content-Type': 'text/xml', SOAPAction: 'Retrieve', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { data += c; });
      res.on('end', () => resolve({ status: res.statusCode, body: data }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// waitExpired polls the server with token until it refuses it (HTTP 500
// fault), for at most maxMs. It does not look at the fault text, so a
// changed faultstring shows up in the checks, not here.
async function waitExpired(token, maxMs) {
  const start = Date.now();
  for (;;) {
    const r = await rawRetrieve(token);
    if (r.status === 500) return Date.now() - start;
    if (r.status !== 200) throw new Error('unexpected HTTP ' + r.status + ': ' + r.body);
    if (Date.now() - start > maxMs) throw new Error('token still accepted after ' + maxMs + ' ms');
    await sleep(200);
  }
}

async function main() {
  console.log('node ' + process.version + ', fuel-auth ' + require('fuel-auth/package.json').version +
    ', fuel-soap ' + require('fuel-soap/package.json').version + ', server ' + BASE);

  // ------------------------------------------------------------ fuel-auth
  await check('fuel-auth token', async () => {
    const auth = new FuelAuth(authConfig(CLIENT_ID, CLIENT_SECRET, MID));
    const body = await auth.getAccessToken();
    expect(typeof body.access_token === 'string' && body.access_token.length >= 32, 'access_token: ' + show(body));
    expect(body.accessToken === body.access_token, 'fuel-auth copies access_token to accessToken');
    expect(body.token_type === 'Bearer', 'token_type ' + body.token_type);
    expect(body.expires_in === 1079, 'expires_in ' + body.expires_in);
    expect(body.soap_instance_url === BASE + '/' && body.rest_instance_url === BASE + '/',
      'instance URLs ' + body.soap_instance_url + ' ' + body.rest_instance_url);
    expect(body.refresh_token === undefined, 'refresh_token present');
    expect(String(body.scope).split(' ').sort().join(' ') === 'accounts_read accounts_write users_read users_write', 'scope ' + body.scope);
    // The cached token is served without a new request.
    const again = await auth.getAccessToken();
    expect(again.accessToken === body.access_token && again.soap_instance_url === BASE + '/', 'cached token: ' + show(again));
  });

  await check('fuel-auth token with scope', async () => {
    const auth = new FuelAuth(authConfig(CLIENT_ID, CLIENT_SECRET, MID));
    auth.scope = 'accounts_read';
    const body = await auth.getAccessToken();
    expect(body.scope === 'accounts_read', 'scope ' + body.scope);
  });

  await check('fuel-auth wrong secret', async () => {
    const auth = new FuelAuth(authConfig(CLIENT_ID, 'not-the-secret', MID));
    const body = await auth.getAccessToken();
    // fuel-auth resolves with the error body and leaves accessToken null.
    expect(body.error === 'invalid_client', 'body ' + show(body));
    expect(/^Client authentication failed\./.test(body.error_description), 'error_description ' + body.error_description);
    expect(auth.accessToken === null, 'accessToken ' + auth.accessToken);
  });

  // ------------------------------------------------------------ fuel-soap
  const soap = newSoap(authConfig(CLIENT_ID, CLIENT_SECRET, MID));

  await check('fuel-soap Retrieve BusinessUnit', async () => {
    const { body, res } = await call(soap, 'retrieve', 'BusinessUnit', ['ID', 'Name', 'ParentID'], {
      filter: { leftOperand: 'ID', operator: 'equals', rightOperand: MID },
    });
    expect(res.statusCode === 200, 'HTTP ' + res.statusCode);
    expect(body.OverallStatus === 'OK', 'OverallStatus ' + body.OverallStatus);
    expect(body.Results.length === 1 && String(body.Results[0].ID) === MID, 'Results ' + show(body.Results));
    expect(body.Results[0].Name === 'Compat Enterprise', 'Name ' + body.Results[0].Name);
    expect(soap.tokenRequests === 1 && soap.tokens.length === 1, 'requests: ' + soap.tokenRequests + ' token, ' + soap.tokens.length + ' SOAP');
  });

  await check('fuel-soap Retrieve default properties', async () => {
    // Without properties fuel-soap asks for Client, ID and ObjectID.
    const { body } = await call(soap, 'retrieve', 'BusinessUnit');
    expect(body.OverallStatus === 'OK' && body.Results.length >= 1, show(body));
    expect(soap.tokenRequests === 1, 'the cached token is reused; token requests ' + soap.tokenRequests);
  });

  let userID = '';
  const login = 'compat_fuelsoap_' + Date.now();
  await check('fuel-soap Create AccountUser', async () => {
    const { body } = await call(soap, 'create', 'AccountUser', {
      Client: { ID: MID }, UserID: login, Name: 'Fuel Soap', Email: 'fuelsoap@example.com',
      Password: 'Fuel-Soap-Passw0rd!', IsAPIUser: true,
    });
    expect(body.OverallStatus === 'OK', 'OverallStatus ' + body.OverallStatus + ' ' + show(body.Results));
    const r = body.Results[0];
    expect(r.StatusCode === 'OK', 'StatusCode ' + show(r));
    expect(r.Object && r.Object.UserID === login && r.Object.ID, 'Object ' + show(r.Object));
    userID = String(r.Object.ID);
  });

  await check('fuel-soap Create AccountUser without Password is a business error', async () => {
    const err = await mustFail(call(soap, 'create', 'AccountUser', {
      Client: { ID: MID }, UserID: login + '_x', Name: 'No Password', Email: 'nopw@example.com',
    }));
    expect(err.message === 'Soap Error', 'message ' + err.message);
    const r = err.results && err.results[0];
    expect(r && r.StatusCode === 'Error' && String(r.ErrorCode) === '11003', 'results ' + show(err.results));
  });

  await check('fuel-soap Update AccountUser', async () => {
    expect(userID, 'no user created');
    const { body } = await call(soap, 'update', 'AccountUser', { Client: { ID: MID }, ID: userID, Name: 'Fuel Soap Renamed' });
    expect(body.OverallStatus === 'OK', 'OverallStatus ' + body.OverallStatus + ' ' + show(body.Results));
    const got = await call(soap, 'retrieve', 'AccountUser', ['ID', 'UserID', 'Name', 'ActiveFlag'], {
      filter: { leftOperand: 'ID', operator: 'equals', rightOperand: userID },
    });
    const u = got.body.Results[0];
    expect(u && u.Name === 'Fuel Soap Renamed' && u.ActiveFlag === 'true', 'after update ' + show(got.body.Results));
  });

  await check('fuel-soap Delete AccountUser', async () => {
    expect(userID, 'no user created');
    const { body } = await call(soap, 'delete', 'AccountUser', { Client: { ID: MID }, ID: userID });
    expect(body.OverallStatus === 'OK' && body.Results[0].StatusCode === 'OK', 'delete ' + show(body));
    const got = await call(soap, 'retrieve', 'AccountUser', ['ID', 'ActiveFlag'], {
      filter: { leftOperand: 'ID', operator: 'equals', rightOperand: userID },
    });
    const u = got.body.Results[0];
    expect(u && u.ActiveFlag === 'false', 'Delete deactivates: ' + show(got.body.Results));
  });

  await check('fuel-soap Retrieve unknown type is a Retrieve error', async () => {
    const err = await mustFail(call(soap, 'retrieve', 'Subscriber', ['SubscriberKey']));
    expect(err.errorPropagatedFrom === 'Retrieve Response', 'from ' + err.errorPropagatedFrom);
    // fuel-soap keeps only the text between the first and second colon of
    // OverallStatus ("Error: Unable to find a handler for object type: Subscriber. ...").
    expect(err.message === 'Unable to find a handler for object type', 'message ' + err.message);
  });

  await check('fuel-soap wrong secret gives No access token', async () => {
    const bad = newSoap(authConfig(CLIENT_ID, 'not-the-secret', MID));
    const err = await mustFail(call(bad, 'retrieve', 'BusinessUnit', ['ID']));
    expect(err.message === 'No access token', 'message ' + err.message);
    expect(err.res && err.res.error === 'invalid_client', 'res ' + show(err.res));
    expect(bad.tokens.length === 0, 'no SOAP call is made');
  });

  await check('fuel-soap garbage token gives Login Failed', async () => {
    // A preset token with no expiry is used as is (fuel-auth never refreshes it).
    const bad = newSoap(new FuelAuth(authConfig(CLIENT_ID, CLIENT_SECRET, MID, { accessToken: 'garbage-token-0123456789' })));
    const err = await mustFail(call(bad, 'retrieve', 'BusinessUnit', ['ID']));
    expect(err.message === 'Login Failed' && err.faultstring === 'Login Failed', 'message ' + err.message);
    expect(err.faultCode === 'q0:Security', 'faultCode ' + err.faultCode);
    expect(bad.tokens.length === 1, 'no retry on Login Failed; SOAP calls ' + bad.tokens.length);
    expect(bad.tokenRequests === 0, 'no token request; got ' + bad.tokenRequests);
  });

  // ------------------------------------------------------------ expiry
  // One real expiry (token lifetime 5 s, expires_in 4) serves three checks.
  const exp = newSoap(authConfig(EXP_CLIENT_ID, EXP_CLIENT_SECRET, EXP_MID));
  let first = '';
  let waited = -1;
  await check('fuel-soap short-lived token (expires_in 4)', async () => {
    const { body } = await call(exp, 'retrieve', 'BusinessUnit', ['ID', 'Name']);
    expect(body.OverallStatus === 'OK', show(body));
    first = exp.tokens[0];
    const left = exp.AuthClient.expiration - process.hrtime()[0];
    expect(left >= 2 && left <= 4, 'fuel-auth cached expiry in ' + left + ' s, want at most 4 (expires_in 4)');
    waited = await waitExpired(first, 9000);
    console.log('  token refused by the server ' + waited + ' ms after the first call');
  });

  await check('fuel-soap refreshes after expiry (cached expires_in)', async () => {
    expect(waited >= 0, 'no expired token');
    // fuel-auth's own expiry (expires_in 4 s) has passed: it requests a new
    // token before the call (protocol 8.3, third row).
    const { body } = await call(exp, 'retrieve', 'BusinessUnit', ['ID']);
    expect(body.OverallStatus === 'OK', show(body));
    expect(exp.tokenRequests === 2, 'token requests ' + exp.tokenRequests + ', want 2');
    expect(exp.tokens.length === 2 && exp.tokens[1] !== first, 'the second SOAP call carries a new token');
  });

  await check('fuel-soap Token Expired retries once with the same token', async () => {
    expect(waited >= 0, 'no expired token');
    // A client that still believes in the token (no local expiry, e.g. a
    // token handed in from elsewhere or a clock that did not advance) gets
    // the Token Expired fault; fuel-soap retries once without refreshing
    // (protocol 8.1/8.3), so the retry fails the same way.
    const stale = newSoap(new FuelAuth(authConfig(EXP_CLIENT_ID, EXP_CLIENT_SECRET, EXP_MID, { accessToken: first })));
    const err = await mustFail(call(stale, 'retrieve', 'BusinessUnit', ['ID']));
    expect(err.faultstring === 'Token Expired' && err.message === 'Token Expired', 'faultstring ' + show(err.faultstring));
    expect(err.faultCode === 'q0:Security', 'faultCode ' + err.faultCode);
    expect(stale.tokens.length === 2, 'SOAP calls ' + stale.tokens.length + ', want 2 (the call and one retry on Token Expired)');
    expect(stale.tokens[0] === first && stale.tokens[1] === first, 'the retry resends the same token');
    expect(stale.tokenRequests === 0, 'token requests ' + stale.tokenRequests + ', want 0');
    // What an application does about it: invalidate and call again.
    stale.AuthClient.invalidateToken();
    const { body } = await call(stale, 'retrieve', 'BusinessUnit', ['ID']);
    expect(body.OverallStatus === 'OK', 'after invalidateToken: ' + show(body));
    expect(stale.tokenRequests === 1 && stale.tokens[2] !== first, 'a new token after invalidateToken');
  });

  console.log((failures ? 'FAIL' : 'PASS') + ': ' + failures + ' check(s) failed');
  return failures ? 1 : 0;
}

main().then((code) => process.exit(code), (err) => { console.log('FAIL main: ' + (err && err.stack || err)); process.exit(1); });
