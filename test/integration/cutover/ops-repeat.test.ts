/**
 * In process: every cutover/rollback command run twice, at the
 * wrong moment, or against the wrong stack, changes nothing it should not.
 */
import { expect } from 'chai';
import type { RequestListener } from 'node:http';
import express from 'express';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { executeCutover, executeRollback, OPS_EXIT } from '../../../src/cutover/ops.js';
import { readRolloutPolicy, restoreRouting } from '../../../src/cutover/rollout-policy-record.js';
import type { AppDeps } from '../../../src/deps.js';
import { EXIT } from '../../../src/lib/cli/exit-codes.js';
import { createSettingsRepository } from '../../../src/settings/settings-repository.js';
import { count, phase1Database, type Phase1Database } from '../../helpers/consolidation.js';
import { createLegacyUser } from '../../helpers/factories.js';
import { serve, testOpsDeps } from '../../helpers/ops.js';
import { buildTestDeps } from '../../helpers/test-deps.js';

const fast = { USER_STORE_REFRESH_MS: '200' };

interface Stack {
  db: Phase1Database;
  deps: AppDeps;
  app: RequestListener;
  http: { url: string; close(): Promise<void> };
}

async function startStack(): Promise<Stack> {
  const db = await phase1Database();
  const deps = buildTestDeps({ databaseUrl: db.url, env: fast });
  await deps.fuAuth.userStore.start();
  const app = createApp(deps);
  return { db, deps, app, http: await serve(app) };
}

async function stopStack(stack: Stack): Promise<void> {
  await stack.http.close();
  await stack.deps.close();
  await stack.db.drop();
}

const policy = async (stack: Stack) => {
  const [row] = await stack.db.sequelize.query<{
    killed: boolean;
    percent: string;
    version: string;
  }>('SELECT killed, percent, version FROM rollout_policy WHERE id = 1', {
    type: QueryTypes.SELECT,
  });
  return { killed: row!.killed, percent: Number(row!.percent), version: Number(row!.version) };
};
const snapshots = (stack: Stack) =>
  count(stack.db.sequelize, 'SELECT count(*) AS n FROM authshift_snapshots.manifest');
const runs = (stack: Stack) => count(stack.db.sequelize, 'SELECT count(*) AS n FROM cutover_runs');

describe('ops commands run twice, at the wrong moment, against the wrong stack', function () {
  this.timeout(120_000);
  let stack: Stack;

  beforeEach(async () => {
    stack = await startStack();
    await stack.db.sequelize.query(
      `UPDATE rollout_policy SET percent = 40, updated_by = 'test', reason = 'ramp' WHERE id = 1`,
    );
  });
  afterEach(() => stopStack(stack));

  it('when cutover --execute runs again after a cutover and a password change in phase 2, then it says already cut over, exits 0 and touches nothing', async () => {
    const first = testOpsDeps(stack.db, stack.http.url);
    expect(await executeCutover(first), first.lines.join('\n')).to.equal(OPS_EXIT.ok);
    const user = await createLegacyUser(stack.db.sequelize);
    const agent = request.agent(stack.app);
    await agent.post('/auth/login').send({ email: user.email, password: user.password });
    const changed = await agent
      .post('/auth/change-password')
      .send({ current_password: user.password, new_password: 'phase-two-password' });
    expect(changed.status).to.equal(204);
    const before = {
      snapshots: await snapshots(stack),
      runs: await runs(stack),
      policy: await policy(stack),
    };

    const second = testOpsDeps(stack.db, stack.http.url);
    expect(await executeCutover(second), second.lines.join('\n')).to.equal(EXIT.ok);
    expect(second.lines.join('\n')).to.match(/already cut over.*nothing to do/);
    expect(await snapshots(stack)).to.equal(before.snapshots);
    expect(await runs(stack)).to.equal(before.runs);
    expect(await policy(stack)).to.deep.equal(before.policy);
    expect(await createSettingsRepository(stack.db.sequelize).readUserStore()).to.equal('users');
    const login = await request(stack.app)
      .post('/auth/login')
      .send({ email: user.email, password: 'phase-two-password' });
    expect(login.status).to.equal(200);
  });

  it('when rollback runs with no cutover, then it exits 0 and touches nothing, the kill switch included', async () => {
    const before = await policy(stack);
    for (const attempt of [1, 2]) {
      const ops = testOpsDeps(stack.db, null);
      expect(await executeRollback(ops), `attempt ${attempt}`).to.equal(EXIT.ok);
      expect(ops.lines.join('\n')).to.match(/nothing to roll back/);
    }
    expect(await policy(stack)).to.deep.equal(before);
    expect(await runs(stack)).to.equal(0);
    expect(await snapshots(stack)).to.equal(0);
  });

  it('when a rollback follows a cutover, then the rollout policy of before the cutover is back, the output says what is on, and a second rollback does nothing', async () => {
    const up = testOpsDeps(stack.db, stack.http.url);
    expect(await executeCutover(up), up.lines.join('\n')).to.equal(EXIT.ok);
    const down = testOpsDeps(stack.db, null);
    expect(await executeRollback(down), down.lines.join('\n')).to.equal(EXIT.ok);
    expect(await policy(stack)).to.include({ killed: false, percent: 40 });
    expect(down.lines.join('\n')).to.match(/kill switch off, 40\.00 % on the new engine/);
    expect(down.lines.join('\n')).to.match(/policy: done .* restored as before cutover/);

    const again = testOpsDeps(stack.db, null);
    const version = (await policy(stack)).version;
    const runsBefore = await runs(stack);
    expect(await executeRollback(again)).to.equal(EXIT.ok);
    expect(again.lines.join('\n')).to.match(/nothing to roll back/);
    expect((await policy(stack)).version).to.equal(version);
    expect(await runs(stack)).to.equal(runsBefore);
  });

  it('when the kill switch was on before the cutover, then the rollback leaves it on and says so', async () => {
    await stack.db.sequelize.query(
      `UPDATE rollout_policy SET killed = true, updated_by = 'test', reason = 'incident' WHERE id = 1`,
    );
    const up = testOpsDeps(stack.db, stack.http.url);
    expect(await executeCutover(up), up.lines.join('\n')).to.equal(EXIT.ok);
    const down = testOpsDeps(stack.db, null);
    expect(await executeRollback(down), down.lines.join('\n')).to.equal(EXIT.ok);
    expect(await policy(stack)).to.include({ killed: true, percent: 40 });
    expect(down.lines.join('\n')).to.match(/kill switch ON/);
  });

  it('when an operator turns the kill switch on after the cutover and then rolls back, then the rollback leaves the kill switch on and names the later change', async () => {
    const up = testOpsDeps(stack.db, stack.http.url);
    expect(await executeCutover(up), up.lines.join('\n')).to.equal(EXIT.ok);
    await stack.db.sequelize.query(
      `SELECT authshift_rollout_kill('oncall', 'new engine errors after the cutover')`,
    );
    const down = testOpsDeps(stack.db, null);
    expect(await executeRollback(down), down.lines.join('\n')).to.equal(EXIT.ok);
    expect(await policy(stack)).to.include({ killed: true });
    expect(down.lines.join('\n')).to.match(/changed since the cutover by oncall/);
  });

  it('when the guard or an operator moves the percentage after the cutover, then the rollback does not put the old percentage back', async () => {
    const up = testOpsDeps(stack.db, stack.http.url);
    expect(await executeCutover(up), up.lines.join('\n')).to.equal(EXIT.ok);
    await stack.db.sequelize.query(
      `UPDATE rollout_policy SET percent = 0, updated_by = 'guard', reason = 'error rate' WHERE id = 1`,
    );
    const down = testOpsDeps(stack.db, null);
    expect(await executeRollback(down), down.lines.join('\n')).to.equal(EXIT.ok);
    const after = await policy(stack);
    expect(after.percent, down.lines.join('\n')).to.equal(0);
  });

  it('when the policy moves between the rollback reading it and putting the old one back, then nothing is overwritten', async () => {
    const recorded = (await readRolloutPolicy(stack.db.sequelize))!;
    const seen = recorded.version;
    await stack.db.sequelize.query(`SELECT authshift_rollout_kill('oncall', 'incident')`);
    const result = await restoreRouting(
      stack.db.sequelize,
      { ...recorded, percent: 10 },
      { actor: 'npm run rollback', reason: 'test', expectedVersion: seen },
    );
    expect(result).to.include({ changed: false, conflict: true });
    expect(await policy(stack)).to.include({ killed: true, percent: 40 });
    const fresh = await restoreRouting(
      stack.db.sequelize,
      { ...recorded, percent: 10 },
      { actor: 'npm run rollback', reason: 'test', expectedVersion: seen + 1 },
    );
    expect(fresh.changed).to.equal(true);
    expect(await policy(stack)).to.include({ killed: false, percent: 10 });
  });

  it('when a cutover step fails and it rolls back by itself, then the policy of before the cutover is back too', async () => {
    const failing = await serve(failingRoute(stack.app, '/auth/register'));
    try {
      const ops = testOpsDeps(stack.db, failing.url);
      expect(await executeCutover(ops), ops.lines.join('\n')).to.equal(EXIT.failed);
      expect(ops.lines.join('\n')).to.match(
        /step smoke failed: smoke register: \/auth\/register answered 500/,
      );
      expect(await policy(stack)).to.include({ killed: false, percent: 40 });
    } finally {
      await failing.close();
    }
  });

  it('when the smoke target is served from another database, then cutover refuses with its own exit code before any change and writes nothing on either stack', async () => {
    const other = await startStack();
    try {
      const usersOther = await count(other.db.sequelize, 'SELECT count(*) AS n FROM users');
      const ops = testOpsDeps(stack.db, other.http.url);
      expect(await executeCutover(ops), ops.lines.join('\n')).to.equal(EXIT.wrongStack);
      expect(ops.lines.join('\n')).to.match(/is not served from this database/);
      expect(await snapshots(stack)).to.equal(0);
      expect(await stack.db.consolidator().executed()).to.deep.equal([]);
      expect(await count(other.db.sequelize, 'SELECT count(*) AS n FROM users')).to.equal(
        usersOther,
      );
      expect(
        await count(
          other.db.sequelize,
          `SELECT count(*) AS n FROM users WHERE email LIKE 'cutover-smoke-%'`,
        ),
      ).to.equal(0);
      const again = testOpsDeps(stack.db, other.http.url);
      expect(await executeCutover(again)).to.equal(EXIT.wrongStack);
      expect(await snapshots(stack)).to.equal(0);
    } finally {
      await stopStack(other);
    }
  });

  it('when nothing answers at the smoke URL, then cutover refuses at preflight with the wrong-stack exit code and changes nothing', async () => {
    const ops = testOpsDeps(stack.db, 'http://127.0.0.1:9');
    expect(await executeCutover(ops), ops.lines.join('\n')).to.equal(EXIT.wrongStack);
    expect(ops.lines.join('\n')).to.match(/cannot show which database it serves/);
    expect(await snapshots(stack)).to.equal(0);
    expect(await stack.db.consolidator().executed()).to.deep.equal([]);
    expect(await policy(stack)).to.include({ killed: false, percent: 40 });
  });

  it('when a smoke check fails after the throw-away account was registered, then the account is removed anyway', async () => {
    const failing = await serve(failingRoute(stack.app, '/fu_auth/legacy/login'));
    try {
      const ops = testOpsDeps(stack.db, failing.url);
      expect(await executeCutover(ops), ops.lines.join('\n')).to.equal(EXIT.failed);
      expect(ops.lines.join('\n')).to.match(
        /smoke facade login: \/fu_auth\/legacy\/login answered 500/,
      );
      expect(
        await count(
          stack.db.sequelize,
          `SELECT count(*) AS n FROM users WHERE email LIKE 'cutover-smoke-%'`,
        ),
      ).to.equal(0);
      expect(
        await count(
          stack.db.sequelize,
          `SELECT count(*) AS n FROM fu_users WHERE email LIKE 'cutover-smoke-%'`,
        ),
      ).to.equal(0);
    } finally {
      await failing.close();
    }
  });

  it('when the cutover succeeds, then the throw-away smoke account is gone', async () => {
    const ops = testOpsDeps(stack.db, stack.http.url);
    expect(await executeCutover(ops)).to.equal(EXIT.ok);
    expect(
      await count(
        stack.db.sequelize,
        `SELECT count(*) AS n FROM users WHERE email LIKE 'cutover-smoke-%'`,
      ),
    ).to.equal(0);
  });
});

/** The stack, except that one POST route answers 500: a smoke check that fails after the switch. */
function failingRoute(app: RequestListener, path: string): RequestListener {
  const wrapper = express();
  wrapper.post(path, (_req, res) => {
    res.status(500).json({ error: 'internal' });
  });
  wrapper.use(app);
  return wrapper;
}
