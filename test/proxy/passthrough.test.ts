/**
 * What passes through untouched, and what the proxy adds or strips. The monolith echoes nothing
 * and has no WebSocket endpoint, so these use the tiny echo upstream (test/helpers/tiny-upstream).
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';
import { expect } from 'chai';
import { freePort } from '../helpers/processes.js';
import { rawSend } from '../helpers/raw-http.js';
import { signOverride } from '../../proxy/policy/override.js';
import {
  migratedScratchDatabase,
  OVERRIDE_SECRET,
  setPolicy,
  startProxy,
  waitForPolicyVersion,
  type ProxyProcess,
} from '../helpers/proxy-stack.js';
import { startTinyUpstream, type TinyUpstream } from '../helpers/tiny-upstream.js';

/** One request with a request target no fetch() would send (absolute-form, `//`, `\\`). */
function rawRequest(
  base: string,
  target: string,
  init: { method?: string; body?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(base, {
      path: target,
      method: init.method ?? 'GET',
      headers: init.body ? { 'content-type': 'application/json' } : {},
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

interface Echo {
  url: string;
  method: string;
  headers: Record<string, string>;
  bytes: number;
  sha256: string;
}

describe('proxy processes: pass-through', function () {
  this.timeout(60_000);
  let db: { url: string; drop(): Promise<void> };
  let tiny: TinyUpstream;
  let p: ProxyProcess;
  let quiet: ProxyProcess;

  before(async () => {
    db = await migratedScratchDatabase();
    tiny = await startTinyUpstream();
    const upstreams = { LEGACY_UPSTREAM_URL: tiny.url, NEW_UPSTREAM_URL: tiny.url };
    [p, quiet] = await Promise.all([
      startProxy(db.url, upstreams),
      startProxy(db.url, { ...upstreams, PROXY_ARM_HEADER: 'off' }),
    ]);
  });
  after(async () => {
    await Promise.all([p?.proc.stop(), quiet?.proc.stop()]);
    await tiny?.close();
    await db?.drop();
  });

  it('when a client sends internal and forwarding headers, then internal ones are stripped and X-Forwarded-* come from the connection', async () => {
    const res = await fetch(`${p.url}/api/echo?q=1`, {
      headers: {
        'x-authshift-arm': 'new',
        'x-authshift-anything': 'spoof',
        'x-forwarded-for': '6.6.6.6',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'evil.test',
        'x-request-id': 'req-123',
      },
    });
    const echo = (await res.json()) as Echo;
    expect(echo.url).to.equal('/api/echo?q=1');
    expect(Object.keys(echo.headers).filter((h) => h.startsWith('x-authshift-'))).to.deep.equal([]);
    expect(echo.headers['x-forwarded-for']).to.equal('127.0.0.1');
    expect(echo.headers['x-forwarded-proto']).to.equal('http');
    expect(echo.headers['x-forwarded-host']).to.equal(new URL(p.url).host);
    expect(echo.headers['x-request-id']).to.equal('req-123');
    expect(res.headers.get('x-request-id')).to.equal('req-123');
    expect(res.headers.get('x-authshift-arm')).to.equal('legacy');
  });

  it('when a client sends internal headers on an auth route, then none reaches either arm, and a signed override is verified, used and stripped', async () => {
    const expires = Math.floor(Date.now() / 1000) + 60;
    for (const arm of ['legacy', 'new'] as const) {
      const res = await fetch(`${p.url}/auth/login`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-authshift-force-arm': arm,
          'x-authshift-signature': signOverride(OVERRIDE_SECRET, arm, expires),
          'x-authshift-arm': 'new',
          'x-authshift-user': 'vip@x.test',
          'X-AuthShift-Claim': 'spoof',
        },
        body: '{"email":"ann@x.test","password":"x"}',
      });
      const echo = (await res.json()) as Echo;
      expect(echo.url, arm).to.equal(arm === 'new' ? '/fu_auth/legacy/login' : '/auth/login');
      expect(
        Object.keys(echo.headers).filter((h) => h.startsWith('x-authshift-')),
        arm,
      ).to.deep.equal([]);
      expect(res.headers.get('x-authshift-arm')).to.equal(arm);
    }
  });

  it("when the upstream announces its own keep-alive, then the client gets the proxy's, not the upstream's hop-by-hop headers", async () => {
    const res = await rawRequest(p.url, '/api/echo');
    expect(res.status).to.equal(200);
    expect(res.headers['keep-alive']).to.equal('timeout=60');
    expect(res.headers.connection).to.equal('keep-alive');
  });

  it("when a client sends its connection's hop-by-hop headers, then the upstream gets none of them and keeps its pooled socket", async () => {
    const res = await new Promise<Echo>((resolve, reject) => {
      http
        .get(
          `${p.url}/api/echo`,
          {
            agent: false,
            headers: {
              connection: 'close',
              'keep-alive': 'timeout=1',
              'proxy-connection': 'close',
            },
          },
          (answer) => {
            let text = '';
            answer.on('data', (chunk: Buffer) => (text += chunk.toString()));
            answer.on('end', () => resolve(JSON.parse(text) as Echo));
          },
        )
        .on('error', reject);
    });
    expect(res.headers.connection).to.equal('keep-alive');
    expect(res.headers).not.to.have.property('keep-alive');
    expect(res.headers).not.to.have.property('proxy-connection');
  });

  it('when a request target is absolute-form, starts with // or has a backslash, then the route table sees the path the upstream would get (the gate holds)', async () => {
    const version = await setPolicy(db.url, 'gate_fu_auth = true, percent = 0');
    await waitForPolicyVersion(p, version);
    try {
      const body = JSON.stringify({ email: 'outside@x.test', password: 'long-enough-1' });
      for (const target of [
        'http://example.test/fu_auth/register',
        '//fu_auth/register',
        '//someone@example.test/fu_auth/register',
        '/fu_auth\\register',
        '/fu_auth//register',
      ]) {
        const res = await rawRequest(p.url, target, { method: 'POST', body });
        expect(res.status, target).to.equal(404);
        expect(JSON.parse(res.body), target).to.deep.equal({ detail: 'Not Found' });
      }
    } finally {
      await waitForPolicyVersion(p, await setPolicy(db.url, 'gate_fu_auth = false'));
    }
  });

  it('when a request target is no URL at all, then 400 BAD_REQUEST_TARGET as JSON', async () => {
    const res = await rawRequest(p.url, '//a@]');
    expect(res.status).to.equal(400);
    expect(JSON.parse(res.body)).to.deep.include({ code: 'BAD_REQUEST_TARGET' });
    expect(res.headers['x-request-id']).to.be.a('string');
  });

  it('when the arm header is switched off, then responses carry none', async () => {
    const res = await fetch(`${quiet.url}/auth/me`);
    expect(res.headers.has('x-authshift-arm')).to.equal(false);
  });

  it('when an 8 MiB upload passes through, then every byte arrives unchanged', async () => {
    const body = randomBytes(8 * 1024 * 1024);
    const res = await fetch(`${p.url}/api/upload`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/octet-stream' },
    });
    const echo = (await res.json()) as Echo;
    expect(echo.bytes).to.equal(body.length);
    expect(echo.sha256).to.equal(createHash('sha256').update(body).digest('hex'));
  });

  for (const [kind, type, body] of [
    ['JSON', 'application/json', '{"email":"ann@x.test","password":"p \\u00e9 ü"}'],
    ['form-encoded', 'application/x-www-form-urlencoded', 'email=ann%40x.test&password=p%C3%A9'],
  ] as const) {
    it(`when a ${kind} login body is buffered to read the e-mail, then the upstream gets the same bytes`, async () => {
      const res = await fetch(`${p.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
      const echo = (await res.json()) as Echo;
      expect(echo.url).to.equal('/auth/login');
      expect(echo.sha256).to.equal(createHash('sha256').update(body).digest('hex'));
      expect(echo.headers['content-length']).to.equal(String(Buffer.byteLength(body)));
    });
  }

  it('when a buffered login body arrives chunked (no Content-Length), then it is still re-sent unchanged', async () => {
    const body = '{"email":"chunked@x.test","password":"p"}';
    const echo = await new Promise<Echo>((resolve, reject) => {
      const req = http.request(
        `${p.url}/auth/register`,
        { method: 'POST', headers: { 'content-type': 'application/json' } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(JSON.parse(text) as Echo));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 50);
    });
    expect(echo.sha256).to.equal(createHash('sha256').update(body).digest('hex'));
  });

  it('when a login body is over the 16 KiB limit, then 413 with the legacy body the monolith would give', async () => {
    const res = await fetch(`${p.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a@x.test', password: 'x'.repeat(17_000) }),
    });
    expect(res.status).to.equal(413);
    expect(await res.json()).to.deep.equal({ error: 'payload_too_large' });
  });

  it('when a client asks for a WebSocket upgrade, then the upgrade and its bytes pass through both ways', async () => {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const req = http.request(`${p.url}/ws/chat`, {
        headers: { connection: 'Upgrade', upgrade: 'websocket', 'x-authshift-arm': 'spoof' },
      });
      req.on('upgrade', (res, s: Socket) => {
        expect(res.statusCode).to.equal(101);
        expect(res.headers['x-seen-url']).to.equal('/ws/chat');
        resolve(s);
      });
      req.on('response', (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
      req.on('error', reject);
      req.end();
    });
    const echoed = await new Promise<string>((resolve) => {
      socket.once('data', (chunk: Buffer) => resolve(chunk.toString()));
      socket.write('ping over the proxy');
    });
    socket.destroy();
    expect(echoed).to.equal('ping over the proxy');
  });

  it('when a Connection: Upgrade request targets an auth route, then it is not tunnelled past the classification and the gate', async () => {
    const version = await setPolicy(db.url, 'gate_fu_auth = true, percent = 0');
    await waitForPolicyVersion(p, version);
    try {
      for (const [path, body] of [
        ['/fu_auth/register', '{"email":"outside@x.test","password":"long-enough-1"}'],
        ['/FU_AUTH/users/me', ''],
        ['/auth/login', '{"email":"outside@x.test","password":"x"}'],
      ] as const) {
        const res = await rawSend(`${p.url}${path}`, {
          headers: {
            connection: 'Upgrade',
            upgrade: 'websocket',
            'content-type': 'application/json',
          },
          body,
        });
        expect(res.status, path).not.to.equal(101);
        expect(res.headers['x-seen-url'], path).to.equal(undefined);
        // No auth route takes an upgrade: "not found", in the surface's own format.
        expect(res.status, path).to.equal(404);
        expect(JSON.parse(res.text), path).to.deep.equal(
          path.startsWith('/auth') ? { error: 'not_found' } : { detail: 'Not Found' },
        );
      }
    } finally {
      await waitForPolicyVersion(p, await setPolicy(db.url, 'gate_fu_auth = false'));
    }
  });

  it('when the WebSocket upstream is down, then the client socket is closed, not left hanging', async () => {
    const dead = await startProxy(db.url, {
      LEGACY_UPSTREAM_URL: `http://127.0.0.1:${await freePort()}`,
    });
    try {
      const outcome = await new Promise<string>((resolve) => {
        const req = http.request(`${dead.url}/ws`, {
          headers: { connection: 'Upgrade', upgrade: 'websocket' },
        });
        req.on('upgrade', () => resolve('upgraded'));
        req.on('response', (res) => resolve(`response ${res.statusCode}`));
        req.on('error', () => resolve('closed'));
        req.end();
      });
      expect(outcome).to.equal('closed');
    } finally {
      await dead.proc.stop();
    }
  });
});
