import { expect } from 'chai';
import pg from 'pg';
import { createSequelize } from '../../../src/db/sequelize.js';
import { silentLogger } from '../../../src/lib/logger.js';
import {
  createPolicyRepository,
  POLICY_CHANNEL,
} from '../../../proxy/control/policy-repository.js';
import { decideForEmail } from '../../../proxy/policy/decide.js';
import { bucketOf } from '../../../proxy/policy/bucket.js';
import { createLegacyUser } from '../../helpers/factories.js';
import { testPool } from '../../helpers/database.js';
import { migratedScratchDatabase } from '../../helpers/proxy-stack.js';

describe('rollout control plane (PostgreSQL)', () => {
  let db: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;
  let repository: ReturnType<typeof createPolicyRepository>;

  before(async () => {
    db = await migratedScratchDatabase();
    pool = testPool(db.url, 3);
    repository = createPolicyRepository(pool);
  });
  after(async () => {
    await pool.end();
    await db.drop();
  });

  it('when migrated, then there is one policy row: everyone on legacy, audited as created', async () => {
    const policy = await repository.read();
    expect(policy).to.deep.include({ version: 1, killed: false, percent: 0, gateFuAuth: false });
    expect(policy.salt).to.match(/^[0-9a-f]{32}$/);
    const { entries } = await repository.history({ limit: 10, offset: 0 });
    expect(entries.at(-1)).to.deep.include({ version: 1, actor: 'migration', old: null });
  });

  it('when changed, then the version goes up and the audit log has actor, reason, old and new', async () => {
    const before = await repository.read();
    const result = await repository.change(
      { op: 'set_percent', percent: 12.5 },
      { actor: 'ops:ann', reason: 'phase 1' },
    );
    expect(result.outcome).to.equal('changed');
    expect(result.policy.version).to.equal(before.version + 1);
    expect(result.policy.percent).to.equal(12.5);
    const { entries, total } = await repository.history({ limit: 1, offset: 0 });
    expect(total).to.be.at.least(2);
    expect(entries[0]).to.deep.include({
      actor: 'ops:ann',
      reason: 'phase 1',
      version: before.version + 1,
    });
    expect(entries[0]!.old?.percent).to.equal(before.percent);
    expect(entries[0]!.new.percent).to.equal(12.5);
  });

  it('when the change would not change anything, then no version and no audit row are written', async () => {
    const before = await repository.history({ limit: 1, offset: 0 });
    const result = await repository.change({ op: 'unkill' }, { actor: 'ops', reason: null });
    expect(result.outcome).to.equal('unchanged');
    expect((await repository.history({ limit: 1, offset: 0 })).total).to.equal(before.total);
  });

  it('when expected_version is stale, then the change is refused as a conflict', async () => {
    const current = await repository.read();
    const result = await repository.change(
      { op: 'kill' },
      { actor: 'ops', reason: 'x', expectedVersion: current.version - 1 },
    );
    expect(result.outcome).to.equal('conflict');
    expect((await repository.read()).killed).to.equal(false);
  });

  it('when someone tries to rewrite history, then UPDATE, DELETE and TRUNCATE on rollout_audit fail', async () => {
    for (const sql of [
      `UPDATE rollout_audit SET actor = 'mallory'`,
      `DELETE FROM rollout_audit`,
      `TRUNCATE rollout_audit`,
      `DELETE FROM rollout_policy`,
    ]) {
      let failure: unknown;
      await pool.query(sql).catch((e: unknown) => (failure = e));
      expect(String((failure as Error | undefined)?.message), sql).to.match(/append-only/);
    }
    const { entries } = await repository.history({ limit: 100, offset: 0 });
    expect(entries.some((e) => e.actor === 'mallory')).to.equal(false);
  });

  it('when changed with plain SQL, then it is versioned, audited and notified like a CLI change', async () => {
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    try {
      await listener.query(`LISTEN ${POLICY_CHANNEL}`);
      const notified = new Promise<string>((resolve) =>
        listener.once('notification', (n) => resolve(n.payload ?? '')),
      );
      const { rows } = await pool.query<{ v: string }>(
        `SELECT authshift_rollout_kill('rollback-command', 'cutover failed') AS v`,
      );
      expect(await notified).to.equal(rows[0]!.v);
      const policy = await repository.read();
      expect(policy).to.deep.include({ killed: true, updatedBy: 'rollback-command' });
      const { entries } = await repository.history({ limit: 1, offset: 0 });
      expect(entries[0]).to.deep.include({ actor: 'rollback-command', reason: 'cutover failed' });
      await repository.change({ op: 'unkill' }, { actor: 'test', reason: 'reset' });
    } finally {
      await listener.end();
    }
  });

  it('when the lists are changed with plain SQL in any spelling, then they are stored canonical and the proxy and the view apply them', async () => {
    const sequelize = createSequelize({ url: db.url, poolMax: 2, logger: silentLogger() });
    try {
      await createLegacyUser(sequelize, { email: 'sql-denied@x.test' });
      await pool.query(
        `UPDATE rollout_policy SET percent = 100,
                deny_emails = array_append(deny_emails, ' SQL-Denied@X.TEST'),
                allow_emails = array_append(allow_emails, 'VIP-SQL@Bücher.DE'),
                cohort_domains = array_append(cohort_domains, '@Corp-SQL.Test'),
                updated_by = 'oncall', reason = 'typed by hand' WHERE id = 1`,
      );
      const policy = await repository.read();
      expect(policy.deny).to.include('sql-denied@x.test');
      expect(policy.allow).to.include('vip-sql@xn--bcher-kva.de');
      expect(policy.domains).to.include('corp-sql.test');
      expect(decideForEmail('sql-denied@x.test', policy)).to.include({ reason: 'deny_list' });
      const { rows } = await pool.query<{ reason: string }>(
        `SELECT reason FROM rollout_assignments WHERE email = 'sql-denied@x.test'`,
      );
      expect(rows[0]?.reason).to.equal('deny_list');
    } finally {
      await pool.query(
        `UPDATE rollout_policy SET percent = 0, deny_emails = '{}', allow_emails = '{}',
                cohort_domains = '{}', updated_by = 'test', reason = 'reset' WHERE id = 1`,
      );
      await sequelize.close();
    }
  });

  it('when history is paged, then pages are newest first and do not overlap', async () => {
    for (const percent of [1, 2, 3])
      await repository.change(
        { op: 'set_percent', percent },
        { actor: 't', reason: `p${percent}` },
      );
    const first = await repository.history({ limit: 2, offset: 0 });
    const second = await repository.history({ limit: 2, offset: 2 });
    expect(first.entries.map((e) => e.reason)).to.deep.equal(['p3', 'p2']);
    expect(second.entries[0]!.reason).to.equal('p1');
    expect(first.entries[0]!.id).to.be.greaterThan(first.entries[1]!.id);
  });

  it('when the SQL function and the view decide for many users, then they agree with the proxy', async () => {
    const sequelize = createSequelize({ url: db.url, poolMax: 2, logger: silentLogger() });
    try {
      const tricky = [
        ' Spaced@Example.com',
        'UPPER@CORP.TEST',
        'ünïcode@Example.com',
        'Ölaf@ÄX.test',
        'plus+tag@x.test',
        'deny@x.test',
        'vip@x.test',
      ];
      for (const email of tricky) await createLegacyUser(sequelize, { email });
      await pool.query(
        `INSERT INTO users (email, hashed_password) SELECT 'bulk' || g || '@Bulk' || (g % 5) || '.test', NULL FROM generate_series(1, 600) g`,
      );
      await repository.change({ op: 'set_percent', percent: 37.21 }, { actor: 't', reason: 'x' });
      await repository.change(
        { op: 'domain_add', domain: 'corp.test' },
        { actor: 't', reason: 'x' },
      );
      await repository.change(
        { op: 'deny_add', email: 'deny@x.test' },
        { actor: 't', reason: 'x' },
      );
      await repository.change(
        { op: 'allow_add', email: 'VIP@x.test' },
        { actor: 't', reason: 'x' },
      );
      const policy = await repository.read();
      expect(policy.allow).to.deep.equal(['vip@x.test']);
      const { rows } = await pool.query<{
        email: string;
        arm: string;
        reason: string;
        bucket: number;
        policy_version: string;
      }>('SELECT email, arm, reason, bucket, policy_version FROM rollout_assignments');
      expect(rows.length).to.be.at.least(607);
      const disagreements = rows.filter((row) => {
        const mine = decideForEmail(row.email, policy);
        return (
          mine.arm !== row.arm ||
          mine.reason !== row.reason ||
          bucketOf(policy.salt, row.email) !== row.bucket
        );
      });
      expect(disagreements).to.deep.equal([]);
      expect(new Set(rows.map((r) => r.reason))).to.include.members([
        'percentage',
        'domain_cohort',
        'deny_list',
        'allow_list',
      ]);
      expect(rows.every((r) => Number(r.policy_version) === policy.version)).to.equal(true);
      const { rows: known } = await pool.query<{ b: number }>(
        `SELECT authshift_rollout_bucket('s1', '  ANN@Example.COM ') AS b`,
      );
      expect(known[0]!.b).to.equal(5286);
    } finally {
      await sequelize.close();
    }
  });
});
