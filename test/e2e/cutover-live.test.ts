/**
 * The cutover and rollback as ops run them: real `npm run cutover` / `npm run rollback`
 * processes against a database that a real monolith and a real proxy keep serving.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createSequelize } from '../../src/db/sequelize.js';
import { verifyConsolidation } from '../../src/cutover/verify-consolidation.js';
import { silentLogger } from '../../src/lib/logger.js';
import { eventually } from '../helpers/eventually.js';
import { startProcess } from '../helpers/processes.js';
import {
  migratedScratchDatabase,
  startMonolith,
  startProxy,
  type Monolith,
  type ProxyProcess,
} from '../helpers/proxy-stack.js';
import { TEST_ENV } from '../helpers/test-deps.js';

const OPS_ENV = { CUTOVER_PROPAGATION_MS: '1200', CUTOVER_BATCH_SIZE: '200' };

async function runOps(
  entry: 'cutover' | 'rollback',
  databaseUrl: string,
  env: Record<string, string> = {},
  args: string[] = entry === 'cutover' ? ['--execute'] : [],
): Promise<{ code: number | null; output: string }> {
  const proc = startProcess(
    `src/cli/${entry}.ts`,
    { ...TEST_ENV, ...OPS_ENV, DATABASE_URL: databaseUrl, ...env },
    args,
  );
  const code = await proc.exited;
  return { code, output: proc.output() };
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Register → login → /auth/me in a loop through the proxy, until stopped; counts every status. */
function traffic(proxyUrl: string) {
  const statuses: number[] = [];
  const accounts: { email: string; password: string }[] = [];
  let running = true;
  const failures: { path: string; status: number; arm: string | null; body: string }[] = [];
  /** Every status is counted; a 5xx keeps what is needed to explain it. */
  const record = async (path: string, res: Response) => {
    statuses.push(res.status);
    if (res.status >= 500) {
      failures.push({
        path,
        status: res.status,
        arm: res.headers.get('x-authshift-arm'),
        body: await res.text(),
      });
    }
  };
  const worker = async () => {
    while (running) {
      const email = `live-${randomBytes(5).toString('hex')}@example.com`;
      const password = `Live-${randomBytes(6).toString('hex')}`;
      const json = { 'content-type': 'application/json' };
      const reg = await fetch(`${proxyUrl}/auth/register`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ email, password }),
      });
      await record('POST /auth/register', reg);
      if (reg.status === 201) accounts.push({ email, password });
      const login = await fetch(`${proxyUrl}/auth/login`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ email, password }),
      });
      await record('POST /auth/login', login);
      const cookie = login.headers.get('set-cookie')?.split(';')[0];
      if (cookie)
        await record('GET /auth/me', await fetch(`${proxyUrl}/auth/me`, { headers: { cookie } }));
    }
  };
  const workers = [worker(), worker(), worker()];
  return {
    statuses,
    failures,
    accounts,
    async stop() {
      running = false;
      await Promise.all(workers);
    },
  };
}

describe('cutover and rollback under live traffic (real monolith, proxy and ops processes)', function () {
  this.timeout(240_000);
  let db: { url: string; drop(): Promise<void> };
  let monolith: Monolith;
  let proxy: ProxyProcess;

  before(async () => {
    db = await migratedScratchDatabase();
    await query(
      db.url,
      `INSERT INTO users (email, hashed_password) SELECT format('seed-%s@example.org', g), NULL FROM generate_series(1, 2000) g`,
    );
    await query(
      db.url,
      `UPDATE rollout_policy SET percent = 50, updated_by = 'test', reason = 'both arms'`,
    );
    monolith = await startMonolith(db.url, undefined, { LOG_LEVEL: 'warn' });
    proxy = await startProxy(db.url, { PORT: String(monolith.port) });
  });
  after(async () => {
    await proxy?.proc.stop();
    await monolith?.proc.stop();
    await db?.drop();
  });

  it('when cutover, rollback and cutover again run during register/login/me traffic, then no request gets a 5xx and every account logs in on both engines', async () => {
    const load = traffic(proxy.url);
    await eventually(() => load.statuses.length >= 10, {
      timeoutMs: 15_000,
      what: 'traffic flows',
    });
    const cutover = await runOps('cutover', db.url, { CUTOVER_SMOKE_URL: proxy.url });
    expect(cutover.code, cutover.output).to.equal(0);
    const rollback = await runOps('rollback', db.url);
    expect(rollback.code, rollback.output).to.equal(0);
    await query(
      db.url,
      `UPDATE rollout_policy SET killed = false, updated_by = 'test', reason = 'again'`,
    );
    const again = await runOps('cutover', db.url, { CUTOVER_SMOKE_URL: proxy.url });
    expect(again.code, again.output).to.equal(0);
    await load.stop();

    const serverErrors = (output: string) =>
      output
        .split('\n')
        .filter((line) => /"level":(40|50|60)/.test(line))
        .join('\n');
    expect(
      load.failures,
      `5xx during cutover/rollback.\nmonolith:\n${serverErrors(monolith.proc.output())}\nproxy:\n${serverErrors(proxy.proc.output())}`,
    ).to.deep.equal([]);
    expect(load.accounts.length).to.be.greaterThan(10);
    for (const step of ['preflight', 'snapshot', 'consolidate', 'verify', 'switch', 'smoke'])
      expect(cutover.output).to.match(new RegExp(`\\[cutover\\] ${step}: done in \\d+\\.\\d+s`));
    for (const { email, password } of load.accounts) {
      const legacy = await fetch(`${proxy.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      expect(legacy.status, email).to.equal(200);
      const fu = await fetch(`${proxy.url}/fu_auth/jwt/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: email, password }),
      });
      expect(fu.status, email).to.equal(200);
    }
  });

  it('when the cutover process is killed before each step, then re-running it ends consistent, and so does a killed rollback', async () => {
    for (const step of ['preflight', 'snapshot', 'consolidate', 'verify', 'switch', 'smoke']) {
      const rolled = await runOps('rollback', db.url);
      expect(rolled.code, rolled.output).to.equal(0);
      const killed = await runOps('cutover', db.url, {
        CUTOVER_SMOKE_URL: proxy.url,
        AUTHSHIFT_FAULT_KILL_BEFORE_STEP: step,
      });
      expect(killed.code, `${step}: ${killed.output}`).to.equal(null); // died by SIGKILL
      const resumed = await runOps('cutover', db.url, { CUTOVER_SMOKE_URL: proxy.url });
      expect(resumed.code, `${step}: ${resumed.output}`).to.equal(0);
      expect(resumed.output).to.match(/resuming run #\d+/);
      const [store] = await query<{ value: string }>(
        db.url,
        `SELECT value FROM app_settings WHERE key = 'user_store'`,
      );
      expect(store!.value).to.equal('users');
    }
    const sequelize = createSequelize({ url: db.url, poolMax: 2, logger: silentLogger() });
    try {
      expect((await verifyConsolidation(sequelize, 'cutover')).problems).to.deep.equal([]);
    } finally {
      await sequelize.close();
    }
    const killed = await runOps('rollback', db.url, {
      AUTHSHIFT_FAULT_KILL_BEFORE_STEP: 'unconsolidate',
    });
    expect(killed.code).to.equal(null);
    const resumed = await runOps('rollback', db.url);
    expect(resumed.code, resumed.output).to.equal(0);
    expect(await query(db.url, `SELECT name FROM consolidation_meta`)).to.deep.equal([]);
  });

  it('when two cutover processes start at once, then exactly one runs and the other exits 3', async () => {
    const [x, y] = await Promise.all([
      runOps('cutover', db.url, { CUTOVER_SMOKE_URL: proxy.url }),
      runOps('cutover', db.url, { CUTOVER_SMOKE_URL: proxy.url }),
    ]);
    expect([x.code, y.code].sort()).to.deep.equal([0, 3]);
    expect(x.code === 3 ? x.output : y.output).to.match(/another cutover or rollback is running/);
  });
});
