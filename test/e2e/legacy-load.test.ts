/**
 * The promise that moving people between engines logs no one out, under load: legacy clients, as real as a script can be (a cookie jar,
 * every answer checked), keep working through the proxy while ops move the policy and run a
 * cutover and a rollback as real processes. Every step waits for every client to finish one
 * whole cycle under it (an event, not a sleep), so each client lives through each state.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import pg from 'pg';
import { startProcess } from '../helpers/processes.js';
import {
  migratedScratchDatabase,
  setPolicy,
  startMonolith,
  startProxy,
  waitForPolicyVersion,
  type Monolith,
  type ProxyProcess,
} from '../helpers/proxy-stack.js';
import { TEST_ENV } from '../helpers/test-deps.js';

const OPS_ENV = { CUTOVER_PROPAGATION_MS: '1000', CUTOVER_BATCH_SIZE: '200' };
const CLIENTS = 6;

interface Account {
  email: string;
  password: string;
}

interface Failure {
  step: string;
  request: string;
  status: number | string;
  arm: string | null;
  body: string;
}

/** What a browser or an HTTP client library keeps: the latest value of every cookie. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  header(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
  }

  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (value === '' || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/**
 * `CLIENTS` legacy clients, each registering one account and then cycling login → me →
 * contacts → change-password → me → logout until stopped. Anything but the contract's success
 * status is a failure. `cycles` emits 'cycle' with the client's number after each full cycle.
 */
function legacyClients(proxyUrl: string) {
  const accounts: Account[] = [];
  const failures: Failure[] = [];
  const arms = new Map<string, number>();
  const cycles = new EventEmitter();
  cycles.setMaxListeners(0);
  let running = true;
  let step = 'start';
  /** Bumped by every wait: a cycle counts for a wait only if it started after it. */
  let epoch = 0;

  const client = async (n: number) => {
    const jar = new CookieJar();
    const account: Account = {
      email: `load-${n}-${randomBytes(4).toString('hex')}@example.com`,
      password: `Load-${randomBytes(6).toString('hex')}`,
    };
    /** One request of the contract; false (and a failure recorded) unless it answered `want`. */
    const call = async (method: string, path: string, want: number, body?: unknown) => {
      const label = `${method} ${path}`;
      let res: Response;
      try {
        res = await fetch(`${proxyUrl}${path}`, {
          method,
          headers: {
            ...jar.header(),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (error) {
        failures.push({ step, request: label, status: String(error), arm: null, body: '' });
        return false;
      }
      jar.take(res);
      const arm = res.headers.get('x-authshift-arm');
      if (arm) arms.set(arm, (arms.get(arm) ?? 0) + 1);
      const text = await res.text();
      if (res.status === want) return true;
      failures.push({ step, request: label, status: res.status, arm, body: text.slice(0, 300) });
      return false;
    };

    if (!(await call('POST', '/auth/register', 201, account))) return;
    accounts.push(account);
    await call('POST', '/auth/logout', 204);
    while (running) {
      const started = epoch;
      const next = `Load-${randomBytes(6).toString('hex')}`;
      const ok =
        (await call('POST', '/auth/login', 200, account)) &&
        (await call('GET', '/auth/me', 200)) &&
        (await call('POST', '/api/contacts', 201, { name: `friend of ${n}` })) &&
        (await call('GET', '/api/contacts', 200)) &&
        (await call('POST', '/auth/change-password', 204, {
          current_password: account.password,
          new_password: next,
        }));
      if (ok) account.password = next;
      if (!ok) return; // a failure is recorded; the client's state is unknown from here
      if (!(await call('GET', '/auth/me', 200)) || !(await call('POST', '/auth/logout', 204)))
        return;
      cycles.emit('cycle', n, started);
    }
  };

  const clients = Array.from({ length: CLIENTS }, (_, n) => client(n));
  const done = Promise.all(clients);

  return {
    accounts,
    failures,
    arms,
    /** Names the current step in every failure recorded from now on. */
    enter(name: string) {
      step = name;
    },
    /** Resolves once every client has completed a cycle that started after this call. */
    async everyClientCycles(): Promise<void> {
      // A cycle in progress may have begun before the step: only later ones count.
      const since = ++epoch;
      const seen = new Set<number>();
      await new Promise<void>((resolve, reject) => {
        const onCycle = (n: number, started: number) => {
          if (started >= since) seen.add(n);
          if (seen.size === CLIENTS) {
            cycles.off('cycle', onCycle);
            resolve();
          }
        };
        cycles.on('cycle', onCycle);
        // A client that stopped on a failure never cycles again: stop waiting for it.
        void done.then(() => {
          cycles.off('cycle', onCycle);
          if (running) reject(new Error(`clients stopped: ${JSON.stringify(failures)}`));
        });
      });
    },
    async stop() {
      running = false;
      await done;
    },
  };
}

async function runOps(
  entry: 'cutover' | 'rollback',
  databaseUrl: string,
  proxyUrl: string,
): Promise<{ code: number | null; output: string }> {
  const proc = startProcess(
    `src/cli/${entry}.ts`,
    { ...TEST_ENV, ...OPS_ENV, DATABASE_URL: databaseUrl, CUTOVER_SMOKE_URL: proxyUrl },
    entry === 'cutover' ? ['--execute'] : [],
  );
  const [code] = (await once(proc.child, 'exit')) as [number | null];
  return { code, output: proc.output() };
}

async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

describe('legacy clients through the proxy while the policy moves and a cutover and a rollback run (real processes)', function () {
  this.timeout(300_000);
  let db: { url: string; drop(): Promise<void> };
  let monolith: Monolith;
  let proxy: ProxyProcess;

  before(async () => {
    db = await migratedScratchDatabase();
    // Enough accounts that the consolidation and the sync-back take a while under the load.
    await query(
      db.url,
      `INSERT INTO users (email, hashed_password)
       SELECT format('seed-%s@example.org', g), NULL FROM generate_series(1, 5000) g`,
    );
    await setPolicy(db.url, 'percent = 50', 'both arms');
    monolith = await startMonolith(db.url, undefined, { LOG_LEVEL: 'warn' });
    proxy = await startProxy(db.url, { PORT: String(monolith.port), LOG_LEVEL: 'warn' });
  });
  after(async () => {
    await proxy?.proc.stop();
    await monolith?.proc.stop();
    await db?.drop();
  });

  it('when the policy goes 0 → 100 → kill → unkill → deny/allow and a cutover and a rollback run, then no client request fails and every account logs in with its latest password on both engines', async () => {
    const load = legacyClients(proxy.url);
    const policy = async (name: string, assignments: string) => {
      load.enter(name);
      await waitForPolicyVersion(proxy, await setPolicy(db.url, assignments, name));
      await load.everyClientCycles();
    };
    const ops = async (entry: 'cutover' | 'rollback') => {
      load.enter(entry);
      const run = runOps(entry, db.url, proxy.url);
      // The clients keep going while the command runs, and once more in its outcome.
      const result = await run;
      expect(result.code, `${entry}:\n${result.output}`).to.equal(0);
      await load.everyClientCycles();
    };

    try {
      load.enter('50 %');
      await load.everyClientCycles();
      await policy('0 %', 'percent = 0');
      await policy('100 %', 'percent = 100');
      await policy('kill', 'killed = true');
      await policy('unkill', 'killed = false');
      const [denied, allowed] = [load.accounts[0]!.email, load.accounts[1]!.email];
      await policy(
        'deny and allow',
        `deny_emails = '{${denied}}', allow_emails = '{${allowed}}', percent = 50`,
      );
      await policy('deny and allow lifted', `deny_emails = '{}', allow_emails = '{}'`);
      await ops('cutover');
      await ops('rollback');
    } finally {
      await load.stop();
    }

    const errors = (output: string) =>
      output
        .split('\n')
        .filter((line) => /"level":(40|50|60)/.test(line))
        .slice(-20)
        .join('\n');
    expect(
      load.failures,
      `failed client requests.\nmonolith:\n${errors(monolith.proc.output())}\nproxy:\n${errors(proxy.proc.output())}`,
    ).to.deep.equal([]);
    expect(load.arms.get('legacy') ?? 0, 'requests on the legacy arm').to.be.greaterThan(0);
    expect(load.arms.get('new') ?? 0, 'requests on the new arm').to.be.greaterThan(0);

    // No account lost, no password change lost: each logs in with its latest password, on
    // the legacy engine and on the new one (directly, so the arm is certain).
    expect(load.accounts).to.have.length(CLIENTS);
    const [row] = await query<{ n: string }>(
      db.url,
      `SELECT count(*) AS n FROM users WHERE email = ANY($1)`,
      [load.accounts.map((a) => a.email)],
    );
    expect(Number(row?.n)).to.equal(CLIENTS);
    for (const { email, password } of load.accounts) {
      for (const path of ['/auth/login', '/fu_auth/legacy/login']) {
        const res = await fetch(`${monolith.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password }),
        });
        expect(res.status, `${path} ${email}: ${await res.text()}`).to.equal(200);
      }
      const jwt = await fetch(`${monolith.url}/fu_auth/jwt/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: email, password }),
      });
      expect(jwt.status, `/fu_auth/jwt/login ${email}`).to.equal(200);
    }
  });
});
