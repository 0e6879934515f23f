/**
 * Cutover and rollback as ops meet them: real `npm run …` processes against a stack
 * (monolith + proxy) that keeps serving, every command run twice in a row, and a smoke URL that
 * points at another stack.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
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

describe('ops commands run twice in a row (real processes)', function () {
  this.timeout(300_000);
  let a: { url: string; drop(): Promise<void> };
  let b: { url: string; drop(): Promise<void> };
  let monolith: Monolith;
  let proxy: ProxyProcess;
  let other: Monolith;

  const ops = async (entry: string, args: string[], env: Record<string, string> = {}) => {
    const proc = startProcess(
      entry,
      { ...TEST_ENV, ...OPS_ENV, DATABASE_URL: a.url, ...env },
      args,
    );
    const code = await proc.exited;
    return { code, output: proc.output() };
  };
  const cli = (name: string, args: string[], env: Record<string, string> = {}) =>
    ops(`src/cli/${name}.ts`, args, env);
  const query = async (url: string, sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  };
  const one = async (url: string, sql: string) =>
    Number(Object.values((await query(url, sql))[0]!)[0]);
  const policy = async () =>
    (
      await query(
        a.url,
        'SELECT killed, percent::float AS percent, version::int AS version FROM rollout_policy',
      )
    )[0]!;

  before(async () => {
    [a, b] = await Promise.all([migratedScratchDatabase(), migratedScratchDatabase()]);
    await query(
      a.url,
      `UPDATE rollout_policy SET percent = 50, updated_by = 'test', reason = 'both arms'`,
    );
    monolith = await startMonolith(a.url, undefined, { LOG_LEVEL: 'warn' });
    proxy = await startProxy(a.url, { PORT: String(monolith.port) });
    other = await startMonolith(b.url, undefined, { LOG_LEVEL: 'warn' });
  });
  after(async () => {
    await proxy?.proc.stop();
    await Promise.all([monolith?.proc.stop(), other?.proc.stop()]);
    await Promise.all([a?.drop(), b?.drop()]);
  });

  it('when the smoke URL is another stack, then cutover exits 7 before any change, twice, and leaves nothing there', async () => {
    const usersThere = await one(b.url, 'SELECT count(*) FROM users');
    for (const attempt of [1, 2]) {
      const run = await cli('cutover', ['--execute', '--smoke-url', other.url]);
      expect(run.code, `attempt ${attempt}: ${run.output}`).to.equal(7);
      expect(run.output).to.match(/is not served from this database/);
    }
    expect(await one(a.url, 'SELECT count(*) FROM authshift_snapshots.manifest')).to.equal(0);
    expect(
      await one(
        a.url,
        `SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'uuid'`,
      ),
      'still phase 1',
    ).to.equal(0);
    expect(await one(b.url, 'SELECT count(*) FROM users')).to.equal(usersThere);
    expect(
      await one(b.url, `SELECT count(*) FROM users WHERE email LIKE 'cutover-smoke-%'`),
    ).to.equal(0);
  });

  it('when cutover --execute runs again after a cutover and a password change, then it says already cut over and touches nothing', async () => {
    const first = await cli('cutover', ['--execute'], { CUTOVER_SMOKE_URL: proxy.url });
    expect(first.code, first.output).to.equal(0);
    const email = `twice-${randomBytes(5).toString('hex')}@example.com`;
    const json = { 'content-type': 'application/json' };
    const body = (password: string) => JSON.stringify({ email, password });
    expect(
      (
        await fetch(`${proxy.url}/auth/register`, {
          method: 'POST',
          headers: json,
          body: body('first-pass-1'),
        })
      ).status,
    ).to.equal(201);
    const login = await fetch(`${proxy.url}/auth/login`, {
      method: 'POST',
      headers: json,
      body: body('first-pass-1'),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const changed = await fetch(`${proxy.url}/auth/change-password`, {
      method: 'POST',
      headers: { ...json, cookie },
      body: JSON.stringify({ current_password: 'first-pass-1', new_password: 'second-pass-2' }),
    });
    expect(changed.status).to.equal(204);
    const before = {
      snapshots: await one(a.url, 'SELECT count(*) FROM authshift_snapshots.manifest'),
      runs: await one(a.url, 'SELECT count(*) FROM cutover_runs'),
      policy: await policy(),
    };

    const second = await cli('cutover', ['--execute'], { CUTOVER_SMOKE_URL: proxy.url });
    expect(second.code, second.output).to.equal(0);
    expect(second.output).to.match(
      /already cut over \(consolidated, user_store = users\): nothing to do/,
    );
    expect(await one(a.url, 'SELECT count(*) FROM authshift_snapshots.manifest')).to.equal(
      before.snapshots,
    );
    expect(await one(a.url, 'SELECT count(*) FROM cutover_runs')).to.equal(before.runs);
    expect(await policy()).to.deep.equal(before.policy);
    const dry = await cli('cutover', ['--dry-run']);
    expect(dry.output).to.match(/state: already cut over/);
    const listed = await cli('users', ['list', '--limit', '5']);
    expect(listed.output).to.match(/^phase 2: the consolidated users table/);
    const relogin = await fetch(`${proxy.url}/auth/login`, {
      method: 'POST',
      headers: json,
      body: body('second-pass-2'),
    });
    expect(relogin.status).to.equal(200);
  });

  it('when rollback runs twice, then the first restores the policy of before the cutover and says so, the second touches nothing', async () => {
    const first = await cli('rollback', []);
    expect(first.code, first.output).to.equal(0);
    expect(first.output).to.match(/rollout: kill switch off, 50\.00 % on the new engine/);
    expect(await policy()).to.include({ killed: false, percent: 50 });
    const version = (await policy()).version;
    const second = await cli('rollback', []);
    expect(second.code, second.output).to.equal(0);
    expect(second.output).to.match(/nothing to roll back/);
    expect((await policy()).version).to.equal(version);
  });

  it('when the other ops commands run twice, then the second run reports the state and changes nothing', async () => {
    const twice = async (
      run: () => Promise<{ code: number | null; output: string }>,
      second: RegExp,
    ) => {
      const x = await run();
      expect(x.code, x.output).to.equal(0);
      const y = await run();
      expect(y.code, y.output).to.equal(0);
      expect(y.output).to.match(second);
    };
    await twice(() => cli('users', ['reconcile', '--apply']), /nothing to reconcile/);
    await twice(() => cli('users', ['dedupe', '--apply']), /nothing to deduplicate/);
    await twice(() => cli('snapshot', ['prune', '--keep', '0']), /nothing to prune/);
    await twice(
      () => ops('proxy/cli/rollout.ts', ['unkill']),
      /unchanged: the policy already says so/,
    );
    expect(await one(a.url, 'SELECT count(*) FROM authshift_snapshots.manifest')).to.equal(0);
  });
});
