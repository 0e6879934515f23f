/**
 * Failure paths with real processes: dead and slow upstreams, an upstream killed mid-load, the
 * retry of a refused new arm on legacy, the guard, a database outage, and draining on SIGTERM.
 */
import { expect } from 'chai';
import type { Sequelize } from 'sequelize';
import { createSequelize } from '../../src/db/sequelize.js';
import { silentLogger } from '../../src/lib/logger.js';
import { eventually } from '../helpers/eventually.js';
import { createLegacyUser } from '../helpers/factories.js';
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
import { readPolicy } from '../helpers/proxy-policy.js';
import { rawSend } from '../helpers/raw-http.js';
import { startTcpRelay, type TcpRelay } from '../helpers/tcp-relay.js';
import { startTinyUpstream, type TinyUpstream } from '../helpers/tiny-upstream.js';

const expectJsonError = async (res: Response, status: number, code: string) => {
  expect(res.status).to.equal(status);
  expect(res.headers.get('content-type')).to.match(/^application\/json/);
  expect(await res.json()).to.deep.include({ error: code.toLowerCase(), code });
};

describe('proxy processes: resilience', function () {
  this.timeout(90_000);
  let db: { url: string; drop(): Promise<void> };
  let sequelize: Sequelize;
  let monolith: Monolith;
  let tiny: TinyUpstream;
  const started: ProxyProcess[] = [];
  const relays: TcpRelay[] = [];
  const proxy = async (env: Record<string, string>) => {
    const p = await startProxy(db.url, { PORT: String(monolith.port), ...env });
    started.push(p);
    return p;
  };

  before(async () => {
    db = await migratedScratchDatabase();
    sequelize = createSequelize({ url: db.url, poolMax: 2, logger: silentLogger() });
    [monolith, tiny] = await Promise.all([startMonolith(db.url), startTinyUpstream()]);
  });
  after(async () => {
    await Promise.all([...started.map((p) => p.proc.stop()), monolith?.proc.stop(), tiny?.close()]);
    await Promise.all(relays.map((r) => r.cut()));
    await sequelize?.close();
    await db?.drop();
  });

  it('when the upstream refuses connections, then 502 UPSTREAM_UNAVAILABLE as JSON with the arm header', async () => {
    const p = await proxy({ LEGACY_UPSTREAM_URL: `http://127.0.0.1:${await freePort()}` });
    const res = await fetch(`${p.url}/api/contacts`);
    expect(res.headers.get('x-authshift-arm')).to.equal('legacy');
    await expectJsonError(res, 502, 'UPSTREAM_UNAVAILABLE');
  });

  it('when the upstream does not answer in time, then 504 UPSTREAM_TIMEOUT, promptly', async () => {
    const p = await proxy({ LEGACY_UPSTREAM_URL: tiny.url, PROXY_UPSTREAM_TIMEOUT_MS: '300' });
    const t0 = Date.now();
    const res = await fetch(`${p.url}/slow/5000`);
    await expectJsonError(res, 504, 'UPSTREAM_TIMEOUT');
    expect(Date.now() - t0).to.be.below(2000);
    const metrics = await (await p.admin('/metrics')).text();
    expect(metrics).to.match(
      /authshift_proxy_upstream_errors_total\{arm="legacy",kind="timeout"\} 1/,
    );
  });

  it('when the proxy gets SIGTERM with a request in flight, then the request completes and the process exits 0', async () => {
    const p = await startProxy(db.url, { LEGACY_UPSTREAM_URL: tiny.url });
    const arrived = tiny.slowReceived();
    const inFlight = fetch(`${p.url}/slow/700`);
    await eventually(() => tiny.slowReceived() > arrived, {
      intervalMs: 5,
      what: 'the slow request reaches the upstream',
    });
    const stopping = p.proc.stop();
    const res = await inFlight;
    expect(res.status).to.equal(200);
    expect(await stopping).to.equal(0);
    expect(p.proc.output()).to.contain('"msg":"drained"');
  });

  it('when the upstream is killed mid-load, then clients get only JSON 502s, and traffic recovers when it is back', async () => {
    const p = await proxy({});
    const statuses: number[] = [];
    const bad: string[] = [];
    let stop = false;
    const worker = async () => {
      while (!stop) {
        try {
          const res = await fetch(`${p.url}/healthz`);
          const body = await res.text();
          statuses.push(res.status);
          if (
            res.status !== 200 &&
            !(res.status === 502 && JSON.parse(body).code === 'UPSTREAM_UNAVAILABLE')
          )
            bad.push(`${res.status} ${body}`);
        } catch (error) {
          bad.push(`socket error: ${String(error)}`);
        }
      }
    };
    const workers = [worker(), worker(), worker(), worker()];
    while (statuses.length < 100) await new Promise((r) => setTimeout(r, 10));
    monolith.proc.child.kill('SIGKILL');
    await monolith.proc.exited;
    const killedAt = statuses.length;
    while (statuses.slice(killedAt).filter((s) => s === 502).length < 50)
      await new Promise((r) => setTimeout(r, 10));
    monolith = await startMonolith(db.url, monolith.port);
    const restartedAt = statuses.length;
    const deadline = Date.now() + 20_000;
    while (
      statuses.slice(restartedAt).filter((s) => s === 200).length < 50 &&
      Date.now() < deadline
    )
      await new Promise((r) => setTimeout(r, 10));
    stop = true;
    await Promise.all(workers);
    expect(bad).to.deep.equal([]);
    expect(statuses.slice(restartedAt).filter((s) => s === 200).length).to.be.at.least(50);
  });

  it('when the new arm refuses the connection, then a login is retried once on legacy and counted', async () => {
    const p = await proxy({
      NEW_UPSTREAM_URL: `http://127.0.0.1:${await freePort()}`,
      PROXY_GUARD_ENABLED: 'off',
    });
    const version = await setPolicy(db.url, 'percent = 100');
    await waitForPolicyVersion(p, version);
    const u = await createLegacyUser(sequelize);
    const res = await fetch(`${p.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: u.email, password: u.password }),
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get('x-authshift-arm')).to.equal('legacy');
    expect(((await res.json()) as { user: { id: number } }).user.id).to.equal(u.id);
    const metrics = await (await p.admin('/metrics')).text();
    expect(metrics).to.match(/^authshift_proxy_retries_total 1$/m);
    expect(metrics).to.match(/authshift_proxy_upstream_errors_total\{arm="new",kind="refused"\} 1/);
    await setPolicy(db.url, 'percent = 0');
  });

  it('when the new arm fails a handful of times, then the guard holds; when it fails in a burst, then percent goes to 0 and is audited', async () => {
    const p = await proxy({
      NEW_UPSTREAM_URL: `http://127.0.0.1:${await freePort()}`,
      PROXY_RETRY_ON_LEGACY: 'off',
      PROXY_GUARD_MIN_REQUESTS: '20',
      PROXY_GUARD_ERROR_RATE: '0.5',
      PROXY_GUARD_WINDOW_SECONDS: '30',
    });
    await waitForPolicyVersion(p, await setPolicy(db.url, 'percent = 100'));
    // Identified users from two client addresses: the guard acts only on errors from more than one.
    const loginAs = (i: number) =>
      rawSend(`${p.url}/auth/login`, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `burst${i}@x.test`, password: 'whatever' }),
        localAddress: i % 2 ? '127.0.0.2' : '127.0.0.3',
      });
    for (let i = 0; i < 5; i++) {
      const res = await loginAs(i);
      expect(res.status).to.equal(502);
      expect(JSON.parse(res.text)).to.deep.include({ code: 'UPSTREAM_UNAVAILABLE' });
    }
    expect((await readPolicy(db.url)).percent).to.equal(100);
    for (let i = 5; i < 25; i++) await loginAs(i);
    await eventually(async () => (await readPolicy(db.url)).percent === 0, {
      timeoutMs: 3000,
      what: 'the guard sets the percentage to 0',
    });
    const policy = await readPolicy(db.url);
    expect(policy.percent).to.equal(0);
    expect(policy.updatedBy).to.equal('guard');
    expect(policy.reason).to.match(/^guard: new arm 5xx rate 100% \(20\/20\) over 30s/);
    const after = await loginAs(99);
    expect(after.headers['x-authshift-arm']).to.equal('legacy');
    const metrics = await (await p.admin('/metrics')).text();
    expect(metrics).to.match(/^authshift_proxy_guard_trips_total 1$/m);
    const guard = (await (await p.admin('/api/guard')).json()) as { last_trip: { reason: string } };
    expect(guard.last_trip.reason).to.equal(policy.reason);
    expect(p.proc.output()).to.contain('guard tripped');
  });

  it('when the new engine answers 5xx in a burst (its database is cut), then the guard sets percent to 0 and legacy serves again', async () => {
    const relay = await startTcpRelay(Number(new URL(db.url).port));
    relays.push(relay);
    const viaRelay = new URL(db.url);
    viaRelay.port = String(relay.port());
    const broken = await startMonolith(viaRelay.toString());
    try {
      const p = await proxy({
        NEW_UPSTREAM_URL: broken.url,
        PROXY_GUARD_MIN_REQUESTS: '20',
        PROXY_GUARD_ERROR_RATE: '0.5',
      });
      await waitForPolicyVersion(p, await setPolicy(db.url, 'percent = 100'));
      const u = await createLegacyUser(sequelize);
      let calls = 0;
      const loginAs = () =>
        rawSend(`${p.url}/auth/login`, {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: u.email, password: u.password }),
          localAddress: (calls += 1) % 2 ? '127.0.0.2' : '127.0.0.3',
        });
      const healthy = await loginAs();
      expect(healthy.status).to.equal(200);
      expect(healthy.headers['x-authshift-arm']).to.equal('new');
      await relay.cut();
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) {
        const res = await loginAs();
        statuses.push(res.status);
        if (i === 4) expect((await readPolicy(db.url)).percent, 'a handful of 5xx').to.equal(100);
      }
      expect(statuses.filter((s) => s >= 500).length).to.be.at.least(20);
      await eventually(async () => (await readPolicy(db.url)).percent === 0, {
        timeoutMs: 3000,
        what: 'the guard sets the percentage to 0',
      });
      const policy = await readPolicy(db.url);
      expect(policy).to.deep.include({ percent: 0, updatedBy: 'guard' });
      const after = await loginAs();
      expect(after.status).to.equal(200);
      expect(after.headers['x-authshift-arm']).to.equal('legacy');
    } finally {
      await broken.proc.stop();
    }
  });

  it('when the database becomes unreachable, then the proxy keeps serving its last good policy, and catches up when it is back', async () => {
    const pgPort = Number(new URL(db.url).port);
    const relay = await startTcpRelay(pgPort);
    const viaRelay = new URL(db.url);
    viaRelay.port = String(relay.port());
    const p = await proxy({ PROXY_POLICY_REFRESH_MS: '200' });
    relays.push(relay);
    const q = await startProxy(viaRelay.toString(), {
      PORT: String(monolith.port),
      PROXY_POLICY_REFRESH_MS: '200',
    });
    started.push(q);
    const v100 = await setPolicy(db.url, 'percent = 100');
    await waitForPolicyVersion(q, v100);
    await relay.cut();
    const login = () =>
      fetch(`${q.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"email":"someone@x.test","password":"x"}',
      });
    const readyz = async () =>
      (await (await fetch(`${q.adminUrl}/readyz`)).json()) as {
        database: string;
        policy_version: number;
      };
    await eventually(async () => (await readyz()).database === 'unreachable', {
      what: 'the proxy notices the database is gone',
    });
    const ready = await readyz();
    expect(ready).to.deep.include({ database: 'unreachable', policy_version: v100 });
    expect((await login()).headers.get('x-authshift-arm')).to.equal('new');
    const v0 = await setPolicy(db.url, 'percent = 0');
    await waitForPolicyVersion(p, v0);
    expect((await login()).headers.get('x-authshift-arm')).to.equal('new'); // still the last good policy
    await relay.restore();
    await waitForPolicyVersion(q, v0, 5000);
    expect((await login()).headers.get('x-authshift-arm')).to.equal('legacy');
    const metrics = await (await q.admin('/metrics')).text();
    expect(metrics).to.match(/^authshift_proxy_policy_read_failures_total [1-9]/m);
  });
});
