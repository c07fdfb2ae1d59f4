#!/usr/bin/env node
// Drives npm fuel-auth 3.x in its web and public app modes (authVersion 2,
// applicationType "web" / "public", authorizationCode, redirectURI, then
// its refresh_token grant) against a running fuelgate. Run by
// webapps_test.go, which provisions a web app and a public app with the
// CLI, signs a user in on the authorization pages over HTTP and passes:
//
//   FUELGATE_URL                  base URL (no trailing slash)
//   FUELGATE_APP_MID              the enterprise MID
//   FUELGATE_REDIRECT_URI         the apps' redirect URI
//   FUELGATE_WEB_CLIENT_ID        the web app
//   FUELGATE_WEB_CLIENT_SECRET
//   FUELGATE_WEB_CODE             a fresh authorization code of the web app
//   FUELGATE_PUBLIC_CLIENT_ID     the public app (no secret)
//   FUELGATE_PUBLIC_CODE          a fresh authorization code of the public app
//
// Prints one "PASS <name>" or "FAIL <name>: <reason>" line per check and
// exits 1 if any check failed. Names must stay in step with webapps_test.go.
'use strict';

const http = require('http');
const FuelAuth = require('fuel-auth');

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error('environment variable ' + k + ' is not set');
  return v;
};
const BASE = env('FUELGATE_URL');
const MID = env('FUELGATE_APP_MID');
const REDIRECT = env('FUELGATE_REDIRECT_URI');
const WEB_ID = env('FUELGATE_WEB_CLIENT_ID');
const WEB_SECRET = env('FUELGATE_WEB_CLIENT_SECRET');
const WEB_CODE = env('FUELGATE_WEB_CODE');
const PUBLIC_ID = env('FUELGATE_PUBLIC_CLIENT_ID');
const PUBLIC_CODE = env('FUELGATE_PUBLIC_CODE');
const TIMEOUT = { timeout: 10000 };

let failures = 0;
async function check(name, fn) {
  try {
    await fn();
    console.log('PASS ' + name);
  } catch (err) {
    failures++;
    console.log('FAIL ' + name + ': ' + String(err && err.message || err).replace(/\n/g, ' | '));
  }
}
function expect(cond, msg) {
  if (!cond) throw new Error(msg);
}
const show = (v) => {
  try { return JSON.stringify(v); } catch (e) { return String(v); }
};

// appAuth is the configuration the fuel-auth README gives for web and
// public apps; a public app has no clientSecret.
function appAuth(type, clientId, clientSecret, code, extra) {
  const opts = {
    clientId, authUrl: BASE + '/v2/token', globalReqOptions: TIMEOUT,
    authOptions: { authVersion: 2, applicationType: type, redirectURI: REDIRECT, authorizationCode: code, accountId: MID },
  };
  if (clientSecret) opts.clientSecret = clientSecret;
  return new FuelAuth(Object.assign(opts, extra || {}));
}

// fuelRequests records the bodies fuel-auth posts to /v2/token.
function recordBodies(auth) {
  auth.sent = [];
  const orig = auth.createPayloadForOauth2.bind(auth);
  auth.createPayloadForOauth2 = () => { const p = orig(); auth.sent.push(Object.assign({}, p)); return p; };
  return auth;
}

// retrieve posts a minimal SOAP Retrieve of BusinessUnit with token in
// fueloauth and resolves to {status, body}.
function retrieve(token) {
  const body = '<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Header><fueloauth xmlns="http://exacttarget.com">' +
    token + '</fueloauth></Header><Body><RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><RetrieveRequest>' +
    '<ObjectType>BusinessUnit</ObjectType><Properties>ID</Properties></RetrieveRequest></RetrieveRequestMsg></Body></Envelope>';
  return new Promise((resolve, reject) => {
    const req = http.request(BASE + '/Service.asmx', {
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

async function main() {
  console.log('node ' + process.version + ', fuel-auth ' + require('fuel-auth/package.json').version + ', server ' + BASE);

  const web = recordBodies(appAuth('web', WEB_ID, WEB_SECRET, WEB_CODE));
  let firstRefresh = '';
  let latest = '';
  await check('fuel-auth web app: authorization_code gives an access token and a refresh token', async () => {
    const body = await web.getAccessToken();
    expect(typeof body.access_token === 'string' && body.access_token.length >= 32, 'body ' + show(body));
    expect(typeof body.refresh_token === 'string' && web.refreshToken === body.refresh_token, 'refresh_token ' + show(body.refresh_token));
    expect(body.expires_in === 1079 && body.token_type === 'Bearer', 'expires_in/token_type ' + show(body));
    expect(body.soap_instance_url === BASE + '/', 'soap_instance_url ' + body.soap_instance_url);
    const sent = web.sent[0];
    expect(sent.grant_type === 'authorization_code' && sent.code === WEB_CODE && sent.redirect_uri === REDIRECT &&
      sent.client_secret === WEB_SECRET && sent.account_id === MID, 'sent ' + show(Object.keys(sent)));
    firstRefresh = body.refresh_token;
    latest = body.access_token;
  });

  await check('fuel-auth web app: the token works in fueloauth', async () => {
    const r = await retrieve(latest);
    expect(r.status === 200 && r.body.includes('<OverallStatus>OK</OverallStatus>') && r.body.includes('<ID>' + MID + '</ID>'),
      'HTTP ' + r.status + ': ' + r.body.slice(0, 300));
  });

  await check('fuel-auth web app: refresh_token rotates the refresh token', async () => {
    const body = await web.getAccessToken({ force: true });
    const sent = web.sent[1];
    expect(sent.grant_type === 'refresh_token' && sent.refresh_token === firstRefresh && sent.client_secret === WEB_SECRET,
      'sent ' + show(Object.keys(sent)) + ' grant ' + sent.grant_type);
    expect(body.access_token && body.access_token !== latest, 'access_token ' + show(body));
    expect(body.refresh_token && body.refresh_token !== firstRefresh && web.refreshToken === body.refresh_token,
      'the refresh token did not rotate');
    latest = body.access_token;
    const r = await retrieve(latest);
    expect(r.status === 200, 'the refreshed token: HTTP ' + r.status);
  });

  await check('fuel-auth public app: no client_secret, authorization_code then refresh_token', async () => {
    const pub = recordBodies(appAuth('public', PUBLIC_ID, '', PUBLIC_CODE));
    const first = await pub.getAccessToken();
    expect(first.access_token && first.refresh_token, 'exchange ' + show(first));
    const second = await pub.getAccessToken({ force: true });
    expect(second.access_token && second.refresh_token && second.refresh_token !== first.refresh_token, 'refresh ' + show(second));
    expect(pub.sent.length === 2 && pub.sent.every((p) => !('client_secret' in p)), 'sent ' + show(pub.sent.map(Object.keys)));
    expect(pub.sent[0].grant_type === 'authorization_code' && pub.sent[1].grant_type === 'refresh_token', 'grants');
    const r = await retrieve(second.access_token);
    expect(r.status === 200, 'HTTP ' + r.status);
  });

  await check('fuel-auth: a retired refresh token is refused (invalid_grant) and ends the authorization', async () => {
    // fuel-auth sends refresh_token whenever it holds one (options.refreshToken).
    const stale = appAuth('web', WEB_ID, WEB_SECRET, 'unused', { refreshToken: firstRefresh });
    const body = await stale.getAccessToken();
    expect(body.error === 'invalid_grant' && stale.accessToken === null, 'body ' + show(body));
    const r = await retrieve(latest);
    expect(r.status === 500 && r.body.includes('Login Failed'), 'the newest token after the reuse: HTTP ' + r.status);
    const again = await web.getAccessToken({ force: true });
    expect(again.error === 'invalid_grant', 'the newest refresh token after the reuse: ' + show(again));
  });

  await check('fuel-auth: a code used twice is refused (invalid_grant)', async () => {
    const again = appAuth('web', WEB_ID, WEB_SECRET, WEB_CODE);
    const body = await again.getAccessToken();
    expect(body.error === 'invalid_grant' && again.accessToken === null, 'body ' + show(body));
  });

  console.log((failures ? 'FAIL' : 'PASS') + ': ' + failures + ' check(s) failed');
  return failures ? 1 : 0;
}

main().then((code) => process.exit(code), (err) => { console.log('FAIL main: ' + (err && err.stack || err)); process.exit(1); });
