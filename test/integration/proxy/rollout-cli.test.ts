import { expect } from 'chai';
import type pg from 'pg';
import { UsageError } from '../../../src/lib/cli/cli-error.js';
import { runRollout } from '../../../proxy/cli/rollout-commands.js';
import { createPolicyRepository } from '../../../proxy/control/policy-repository.js';
import { verifyOverride } from '../../../proxy/policy/override.js';
import { testPool } from '../../helpers/database.js';
import { migratedScratchDatabase } from '../../helpers/proxy-stack.js';

describe('rollout CLI (commands against PostgreSQL)', () => {
  let db: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;
  const NOW = 1_800_000_000;

  const run = async (...argv: string[]) => {
    const lines: string[] = [];
    const code = await runRollout(argv, {
      repository: createPolicyRepository(pool),
      pool,
      overrideSecret: 'cli-test-override-secret-0123',
      defaultActor: 'cli:tester',
      nowSeconds: () => NOW,
      out: (line) => lines.push(line),
    });
    return { code, lines, text: lines.join('\n') };
  };
  const usageError = async (...argv: string[]) => {
    let failure: unknown;
    await run(...argv).catch((e: unknown) => (failure = e));
    expect(failure, argv.join(' ')).to.be.instanceOf(UsageError);
    return (failure as Error).message;
  };

  before(async () => {
    db = await migratedScratchDatabase();
    pool = testPool(db.url, 2);
  });
  after(async () => {
    await pool.end();
    await db.drop();
  });

  it('when status --json is asked, then it prints the policy as JSON', async () => {
    const { code, lines } = await run('status', '--json');
    expect(code).to.equal(0);
    expect(JSON.parse(lines[0]!)).to.deep.include({
      version: 1,
      percent: 0,
      killed: false,
      gate_fu_auth: false,
    });
  });

  it('when every verb is used, then each lands in the policy and in the audit log with actor and reason', async () => {
    await run('set', '--percent', '25', '--reason', 'phase 2');
    await run('allow', 'VIP@x.test', '--actor', 'ops:bob');
    await run('deny', 'no@x.test');
    await run('domain', 'add', 'Corp.Test');
    await run('gate', 'on');
    await run('kill', '--reason', 'incident');
    const status = JSON.parse((await run('status', '--json')).lines[0]!);
    expect(status).to.deep.include({
      percent: 25,
      killed: true,
      gate_fu_auth: true,
      allow: ['vip@x.test'],
      deny: ['no@x.test'],
      domains: ['corp.test'],
    });
    await run('unkill');
    await run('unallow', 'vip@x.test');
    await run('undeny', 'no@x.test');
    await run('domain', 'remove', 'corp.test');
    await run('gate', 'off');
    const salt = JSON.parse((await run('status', '--json')).lines[0]!).salt;
    await run('salt', 'rotate', '--reason', 'reshuffle');
    const after = JSON.parse((await run('status', '--json')).lines[0]!);
    expect(after).to.deep.include({
      killed: false,
      allow: [],
      deny: [],
      domains: [],
      gate_fu_auth: false,
    });
    expect(after.salt).not.to.equal(salt);
    const history = JSON.parse((await run('history', '--json', '--limit', '20')).lines[0]!);
    expect(history.total).to.equal(13);
    expect(history.entries[0]).to.deep.include({ actor: 'cli:tester', reason: 'reshuffle' });
    expect(history.entries.find((e: { actor: string }) => e.actor === 'ops:bob')).to.not.equal(
      undefined,
    );
    expect((await run('history')).text).to.contain('v6');
  });

  it('when the same change is repeated, then it says unchanged and writes nothing', async () => {
    await run('set', '--percent', '30');
    const { text } = await run('set', '--percent', '30');
    expect(text).to.match(/^unchanged/);
  });

  it('when explain is asked for several e-mails, then each gets its arm and rule, and SQL agrees', async () => {
    await run('allow', 'vip@x.test');
    const { code, lines } = await run('explain', 'vip@x.test', 'someone@y.test', '--json');
    expect(code).to.equal(0);
    const answers = JSON.parse(lines[0]!);
    expect(answers[0]).to.deep.include({
      email: 'vip@x.test',
      arm: 'new',
      reason: 'allow_list',
      agree: true,
    });
    expect(answers[1]).to.deep.include({ reason: 'percentage', threshold: 3000, agree: true });
  });

  it('when sign-override is asked, then it prints two headers that verify', async () => {
    const { lines } = await run('sign-override', 'new', '--ttl', '600');
    expect(lines[0]).to.equal('x-authshift-force-arm: new');
    const signature = lines[1]!.replace('x-authshift-signature: ', '');
    expect(verifyOverride('new', signature, 'cli-test-override-secret-0123', NOW)).to.deep.equal({
      arm: 'new',
    });
  });

  for (const argv of [
    ['set', '--percent', '101'],
    ['set', '--percent', 'abc'],
    ['allow', 'not-an-email'],
    ['domain', 'rename', 'x.test'],
    ['gate', 'maybe'],
    ['frobnicate'],
    ['explain'],
    ['sign-override', 'blue'],
    ['history', '--limit', '0'],
  ]) {
    it(`when run as "${argv.join(' ')}", then it is a usage error and nothing changes`, async () => {
      const before = JSON.parse((await run('status', '--json')).lines[0]!).version;
      expect(await usageError(...argv))
        .to.be.a('string')
        .and.not.equal('');
      expect(JSON.parse((await run('status', '--json')).lines[0]!).version).to.equal(before);
    });
  }
});
