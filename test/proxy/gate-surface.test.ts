/**
 * The gate's refusal, like every answer the proxy writes itself, is rendered by the path's
 * surface (src/lib/contracts/surface.ts): native `/fu_auth/*` refused by `gate_fu_auth` gets
 * fastapi-users' own 404, the legacy facade `/fu_auth/legacy/*` the legacy contract's own 404,
 * each byte for byte what the monolith answers for a path it does not serve on that surface. The
 * proxy's other answers on the facade (an unreadable body, an unreachable upstream) stay legacy
 * with the gate on.
 */
import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { freePort } from '../helpers/processes.js';
import {
  migratedScratchDatabase,
  setPolicy,
  startMonolith,
  startProxy,
  waitForPolicyVersion,
  type Monolith,
  type ProxyProcess,
} from '../helpers/proxy-stack.js';
import { rawSend, type RawRequest } from '../helpers/raw-http.js';

const JSON_TYPE = 'application/json';
const INSIDER = 'gate-insider@example.com';
const GET: RawRequest = { method: 'GET' };
const loginOf = (email: string): RawRequest => ({
  method: 'POST',
  headers: { 'content-type': JSON_TYPE },
  body: JSON.stringify({ email, password: 'long-enough-1' }),
});

describe('proxy processes: the gate answers in the format of the path’s surface', function () {
  this.timeout(60_000);
  let db: { url: string; drop(): Promise<void> };
  let monolith: Monolith;
  let proxy: ProxyProcess;

  before(async () => {
    db = await migratedScratchDatabase();
    monolith = await startMonolith(db.url);
    proxy = await startProxy(db.url, { PORT: String(monolith.port) });
    await waitForPolicyVersion(
      proxy,
      await setPolicy(
        db.url,
        `gate_fu_auth = true, percent = 0, allow_emails = ARRAY['${INSIDER}']`,
      ),
    );
  });
  after(async () => {
    await Promise.all([proxy?.proc.stop(), monolith?.proc.stop()]);
    await db?.drop();
  });

  /** The monolith's own "not found" on a surface: a path nobody serves there. */
  const monolithNotFound = (path: string) => rawSend(`${monolith.url}${path}`, GET);

  it('when the gate refuses a legacy facade request, then 404 {"error":"not_found"} exactly as the monolith renders the facade', async () => {
    const expected = await monolithNotFound('/fu_auth/legacy/no-such-route');
    expect(expected.status).to.equal(404);
    expect(JSON.parse(expected.text)).to.deep.equal({ error: 'not_found' });
    const refused: [string, RawRequest][] = [
      ['/fu_auth/legacy/me', GET],
      ['/FU_AUTH/Legacy/me/', GET],
      ['/fu_auth/legacy', GET],
      ['/fu_auth/legacy/me?next=/fu_auth/users/me', GET],
      ['/fu_auth/legacy/login', loginOf('outside@example.com')],
      ['/fu_auth/legacy/register', loginOf('outside@example.com')],
    ];
    for (const [path, init] of refused) {
      const res = await rawSend(`${proxy.url}${path}`, init);
      expect(res.status, path).to.equal(expected.status);
      expect(res.text, path).to.equal(expected.text);
      expect(res.headers['content-type'], path).to.equal(expected.headers['content-type']);
      expect(res.headers['x-authshift-arm'], path).to.equal('legacy');
    }
  });

  it('when the gate refuses a native /fu_auth request, then 404 {"detail":"Not Found"} exactly as the monolith renders /fu_auth', async () => {
    const expected = await monolithNotFound('/fu_auth/no-such-route');
    expect(expected.status).to.equal(404);
    expect(JSON.parse(expected.text)).to.deep.equal({ detail: 'Not Found' });
    for (const path of ['/fu_auth/users/me', '/FU_AUTH/openapi.json', '/fu_auth/legacyx']) {
      const res = await rawSend(`${proxy.url}${path}`, GET);
      expect(res.status, path).to.equal(expected.status);
      expect(res.text, path).to.equal(expected.text);
      expect(res.headers['content-type'], path).to.equal(expected.headers['content-type']);
    }
  });

  it('when a user the policy moves uses the facade, then the gate lets the request through', async () => {
    const res = await rawSend(`${proxy.url}/fu_auth/legacy/login`, loginOf(INSIDER));
    expect(res.headers['x-authshift-arm']).to.equal('new');
    expect(JSON.parse(res.text)).not.to.deep.equal({ error: 'not_found' });
  });

  it('when a facade body cannot be read with the gate on, then the monolith’s own legacy answer', async () => {
    const init: RawRequest = {
      method: 'POST',
      headers: { 'content-type': JSON_TYPE, 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ email: INSIDER, password: 'x' })),
    };
    const direct = await rawSend(`${monolith.url}/fu_auth/legacy/login`, init);
    const proxied = await rawSend(`${proxy.url}/fu_auth/legacy/login`, init);
    expect(direct.status).to.equal(415);
    expect(JSON.parse(direct.text)).to.have.property('error');
    expect(proxied.status).to.equal(direct.status);
    expect(proxied.text).to.equal(direct.text);
    expect(proxied.headers['content-type']).to.equal(direct.headers['content-type']);
  });
});

describe('proxy processes: with the gate on, an unreachable upstream answers in the path’s surface', function () {
  this.timeout(60_000);
  let db: { url: string; drop(): Promise<void> };
  let proxy: ProxyProcess;

  before(async () => {
    db = await migratedScratchDatabase();
    // Nothing listens on this port: every upstream connection is refused.
    proxy = await startProxy(db.url, {
      PORT: String(await freePort()),
      PROXY_RETRY_ON_LEGACY: 'false',
    });
    await waitForPolicyVersion(
      proxy,
      await setPolicy(
        db.url,
        `gate_fu_auth = true, percent = 0, allow_emails = ARRAY['${INSIDER}']`,
      ),
    );
  });
  after(async () => {
    await proxy?.proc.stop();
    await db?.drop();
  });

  it('when the gate lets a facade request through and the upstream is down, then 502 with the legacy "error" field', async () => {
    const res = await rawSend(`${proxy.url}/fu_auth/legacy/login`, loginOf(INSIDER));
    expect(res.status).to.equal(502);
    expect(res.headers['x-authshift-arm']).to.equal('new');
    expect(JSON.parse(res.text)).to.deep.include({
      error: 'upstream_unavailable',
      code: 'UPSTREAM_UNAVAILABLE',
    });
  });

  it('when the gate lets a native request through and the upstream is down, then 502 {"detail":"Bad Gateway"}', async () => {
    const res = await rawSend(`${proxy.url}/fu_auth/register`, loginOf(INSIDER));
    expect(res.status).to.equal(502);
    expect(res.headers['content-type']).to.equal(JSON_TYPE);
    expect(JSON.parse(res.text)).to.deep.equal({ detail: 'Bad Gateway' });
  });
});
