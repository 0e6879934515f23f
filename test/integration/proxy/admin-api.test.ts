import type { Server } from 'node:http';
import { expect } from 'chai';
import { drain, listen } from '../../../src/lib/http/serve.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createAdminServer } from '../../../proxy/admin/admin-server.js';
import { loadProxyConfig } from '../../../proxy/config.js';
import { buildProxyDeps, type ProxyDeps } from '../../../proxy/deps.js';
import { freePort } from '../../helpers/processes.js';
import { ADMIN_TOKEN, migratedScratchDatabase } from '../../helpers/proxy-stack.js';

async function adminOn(databaseUrl: string) {
  const deps = buildProxyDeps(
    loadProxyConfig({ DATABASE_URL: databaseUrl, PROXY_ADMIN_TOKEN: ADMIN_TOKEN }),
    { logger: silentLogger() },
  );
  const server = createAdminServer(deps);
  const port = await listen(server, 0, '127.0.0.1');
  const call = (path: string, init: RequestInit & { token?: string | null } = {}) =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      ...init,
      headers: {
        ...(init.token === null ? {} : { authorization: `Bearer ${init.token ?? ADMIN_TOKEN}` }),
        'content-type': 'application/json',
        ...(init.headers as Record<string, string> | undefined),
      },
    });
  return { deps, server, call };
}

describe('proxy admin API', () => {
  let db: { url: string; drop(): Promise<void> };
  let deps: ProxyDeps;
  let server: Server;
  let call: Awaited<ReturnType<typeof adminOn>>['call'];

  before(async () => {
    db = await migratedScratchDatabase();
    ({ deps, server, call } = await adminOn(db.url));
  });
  after(async () => {
    await drain(server, 500);
    await deps.close();
    await db.drop();
  });

  it('when no policy has been read yet, then /readyz is 503; after the first read, 200 with the version', async () => {
    const before = await call('/readyz', { token: null });
    expect(before.status).to.equal(503);
    expect(await before.json()).to.deep.include({ status: 'starting', policy_version: 0 });
    await deps.start();
    const after = await call('/readyz', { token: null });
    expect(after.status).to.equal(200);
    expect(await after.json()).to.deep.equal({
      status: 'ready',
      policy_version: 1,
      database: 'ok',
    });
    expect((await call('/healthz', { token: null })).status).to.equal(200);
  });

  for (const [when, token] of [
    ['there is no token', null],
    ['the token is wrong but as long', ADMIN_TOKEN.replace(/.$/, 'X')],
    ['the token is a prefix', ADMIN_TOKEN.slice(0, 10)],
  ] as const) {
    it(`when ${when}, then every admin route answers 401 ADMIN_UNAUTHORIZED`, async () => {
      for (const path of ['/api/policy', '/metrics', '/api/policy/history']) {
        const res = await call(path, { token });
        expect(res.status, path).to.equal(401);
        expect(res.headers.get('www-authenticate')).to.equal('Bearer');
        expect(await res.json()).to.deep.include({
          error: 'admin_unauthorized',
          code: 'ADMIN_UNAUTHORIZED',
        });
      }
    });
  }

  it('when a change is posted with a reason, then it is applied, audited with the actor, and visible in history', async () => {
    const res = await call('/api/policy/changes', {
      method: 'POST',
      body: JSON.stringify({
        op: 'set_percent',
        percent: 25,
        reason: 'phase 2',
        actor: 'dashboard:ann',
      }),
    });
    expect(res.status).to.equal(200);
    const body = (await res.json()) as {
      outcome: string;
      policy: { percent: number; version: number; updated_by: string };
    };
    expect(body.outcome).to.equal('changed');
    expect(body.policy).to.deep.include({ percent: 25, version: 2, updated_by: 'dashboard:ann' });
    expect(deps.policyStore.current().percent).to.equal(25);
    const history = (await (await call('/api/policy/history?limit=1')).json()) as {
      entries: {
        actor: string;
        reason: string;
        old: { percent: number };
        new: { percent: number };
      }[];
      total: number;
    };
    expect(history.total).to.equal(2);
    expect(history.entries[0]).to.deep.include({ actor: 'dashboard:ann', reason: 'phase 2' });
    expect(history.entries[0]!.old.percent).to.equal(0);
    expect(history.entries[0]!.new.percent).to.equal(25);
    const policy = (await (await call('/api/policy')).json()) as { policy: { percent: number } };
    expect(policy.policy.percent).to.equal(25);
  });

  const invalid: [string, unknown][] = [
    ['the reason is missing', { op: 'kill' }],
    ['the percentage is out of range', { op: 'set_percent', percent: 101, reason: 'x' }],
    ['the op is unknown', { op: 'explode', reason: 'x' }],
    ['the e-mail is not one', { op: 'allow_add', email: 'nope', reason: 'x' }],
  ];
  for (const [when, body] of invalid) {
    it(`when ${when}, then 400 INVALID_REQUEST with the issues, and nothing changes`, async () => {
      const res = await call('/api/policy/changes', { method: 'POST', body: JSON.stringify(body) });
      expect(res.status).to.equal(400);
      const json = (await res.json()) as { code: string; issues: string[] };
      expect(json.code).to.equal('INVALID_REQUEST');
      expect(json.issues.length).to.be.greaterThan(0);
      expect((await deps.repository.read()).version).to.equal(2);
    });
  }

  it('when the body is not JSON, then 400 INVALID_REQUEST', async () => {
    const res = await call('/api/policy/changes', { method: 'POST', body: '{oops' });
    expect(res.status).to.equal(400);
  });

  it('when expected_version is stale, then 409 POLICY_VERSION_CONFLICT with the live policy', async () => {
    const res = await call('/api/policy/changes', {
      method: 'POST',
      body: JSON.stringify({ op: 'kill', reason: 'x', expected_version: 1 }),
    });
    expect(res.status).to.equal(409);
    const json = (await res.json()) as {
      code: string;
      policy: { version: number; killed: boolean };
    };
    expect(json.code).to.equal('POLICY_VERSION_CONFLICT');
    expect(json.policy).to.deep.include({ version: 2, killed: false });
  });

  it('when metrics are scraped, then the policy version and the proxy series are there', async () => {
    const res = await call('/metrics');
    expect(res.status).to.equal(200);
    const text = await res.text();
    expect(text).to.match(/^authshift_proxy_policy_version 2$/m);
    expect(text).to.contain('# TYPE authshift_proxy_request_duration_seconds histogram');
    expect(text).to.contain('# TYPE authshift_proxy_guard_trips_total counter');
  });

  it('when explain is asked, then it answers with arm, rule, bucket and threshold', async () => {
    const res = await call('/api/explain', {
      method: 'POST',
      body: JSON.stringify({ email: 'ann@x.test' }),
    });
    const json = (await res.json()) as {
      arm: string;
      reason: string;
      bucket: number;
      threshold: number;
    };
    expect(json.reason).to.equal('percentage');
    expect(json.threshold).to.equal(2500);
    expect(json.arm).to.equal(json.bucket < 2500 ? 'new' : 'legacy');
  });

  it('when the route is unknown or the method wrong, then 404 NOT_FOUND or 405 METHOD_NOT_ALLOWED', async () => {
    expect((await call('/api/nothing')).status).to.equal(404);
    expect((await call('/api/policy', { method: 'DELETE' })).status).to.equal(405);
  });

  it('when a method is wrong, then the 405 names the methods the route takes; HEAD is answered like GET', async () => {
    const wrong = await call('/api/policy/changes');
    expect(wrong.status).to.equal(405);
    expect(wrong.headers.get('allow')).to.equal('POST');
    expect(await wrong.json()).to.deep.include({ code: 'METHOD_NOT_ALLOWED' });
    expect((await call('/api/policy', { method: 'PUT' })).headers.get('allow')).to.equal(
      'GET, HEAD',
    );
    const head = await call('/api/policy', { method: 'HEAD' });
    expect(head.status).to.equal(200);
    expect(head.headers.get('cache-control')).to.equal('no-store');
  });

  it('when a body is too large, compressed or not UTF-8, then it is refused in the proxy’s JSON format and nothing changes', async () => {
    const before = (await deps.repository.read()).version;
    const huge = JSON.stringify({ op: 'kill', reason: 'x'.repeat(70 * 1024) });
    const tooLarge = await call('/api/policy/changes', { method: 'POST', body: huge });
    expect(tooLarge.status).to.equal(413);
    expect(await tooLarge.json()).to.deep.include({ code: 'BODY_TOO_LARGE' });
    const refused: Record<string, string>[] = [
      { 'content-encoding': 'gzip' },
      { 'content-type': 'application/json; charset=latin1' },
    ];
    for (const headers of refused) {
      const res = await call('/api/policy/changes', {
        method: 'POST',
        headers,
        body: JSON.stringify({ op: 'kill', reason: 'x' }),
      });
      expect(res.status, JSON.stringify(headers)).to.equal(400);
      expect(await res.json()).to.deep.include({ code: 'BAD_REQUEST_BODY' });
    }
    expect((await deps.repository.read()).version).to.equal(before);
  });

  it('when the database is unreachable, then policy routes answer 503 DATABASE_UNAVAILABLE', async () => {
    const dead = await adminOn(`postgres://postgres@127.0.0.1:${await freePort()}/none`);
    try {
      const res = await dead.call('/api/policy');
      expect(res.status).to.equal(503);
      expect(await res.json()).to.deep.include({ code: 'DATABASE_UNAVAILABLE' });
      expect((await dead.call('/readyz', { token: null })).status).to.equal(503);
    } finally {
      await drain(dead.server, 500);
      await dead.deps.close();
    }
  });
});
