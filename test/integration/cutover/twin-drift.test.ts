/**
 * Preflight detects every field on which twins (a legacy `users` row and its
 * `fu_users` row) can disagree, and `reconcile` makes them agree by the written rule.
 */
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { runPreflight } from '../../../src/cutover/preflight.js';
import type { AppDeps } from '../../../src/deps.js';
import { applyReconcile, planReconcile } from '../../../src/twins/reconcile-twins.js';
import { phase1Database, type Phase1Database } from '../../helpers/consolidation.js';
import { createFuUser, type FuFixture } from '../../helpers/fu-auth.js';
import { buildTestDeps } from '../../helpers/test-deps.js';

const pending = { migrations: [], consolidation: [] };

describe('twins that disagree: preflight and reconcile', () => {
  let db: Phase1Database;
  let deps: AppDeps;
  let twins: Record<'email' | 'active' | 'superuser' | 'verified' | 'password', FuFixture>;

  const legacyRow = async (fixture: FuFixture) => {
    const [row] = await db.sequelize.query<Record<string, unknown>>(
      `SELECT email, is_active, role, email_confirmed_at IS NOT NULL AS verified, hashed_password FROM users WHERE id = :id`,
      { type: QueryTypes.SELECT, replacements: { id: fixture.user.legacyUserId } },
    );
    return row!;
  };
  const fuRow = async (fixture: FuFixture) => {
    const [row] = await db.sequelize.query<Record<string, unknown>>(
      `SELECT email, is_active, is_superuser, is_verified, hashed_password FROM fu_users WHERE id = :id`,
      { type: QueryTypes.SELECT, replacements: { id: fixture.user.id } },
    );
    return row!;
  };

  beforeEach(async () => {
    db = await phase1Database();
    deps = buildTestDeps({ databaseUrl: db.url });
    const make = (o: Parameters<typeof createFuUser>[1] = {}) => createFuUser(deps, o);
    twins = {
      email: await make(),
      active: await make(),
      superuser: await make({ superuser: true }),
      verified: await make({ verified: true }),
      password: await make(),
    };
    const q = (sql: string, id: unknown) => db.sequelize.query(sql, { replacements: { id } });
    // Each pair drifts on one field, as write-back off or a partial restore would leave it.
    await q(`UPDATE fu_users SET email = 'moved-' || email WHERE id = :id`, twins.email.user.id);
    await q(`UPDATE users SET is_active = 0 WHERE id = :id`, twins.active.user.legacyUserId);
    await q(`UPDATE users SET role = 'user' WHERE id = :id`, twins.superuser.user.legacyUserId);
    await q(
      `UPDATE users SET email_confirmed_at = NULL WHERE id = :id`,
      twins.verified.user.legacyUserId,
    );
    await q(
      `UPDATE fu_users f SET hashed_password = u.hashed_password FROM users u WHERE u.id = f.legacy_user_id AND f.id = :id`,
      twins.password.user.id,
    );
    await q(
      `UPDATE users SET hashed_password = '$2b$04$' || repeat('a', 53) WHERE id = :id`,
      twins.password.user.legacyUserId,
    );
  });
  afterEach(async () => {
    await deps.close();
    await db.drop();
  });

  it('when twins disagree on e-mail, active, superuser/role, verified or password, then preflight names each field and blocks', async () => {
    const report = await runPreflight(db.sequelize, pending);
    const byId = new Map(report.twinDisagreements.map((t) => [t.legacyId, t.differs]));
    for (const [field, fixture] of Object.entries(twins))
      expect(byId.get(fixture.user.legacyUserId!), field).to.deep.equal([field]);
    expect(report.blockers.join('\n')).to.match(/5 twin\(s\) disagree/);
  });

  it('when reconcile is applied, then every pair agrees by the rule, nothing is granted, and a second run changes nothing', async () => {
    expect((await planReconcile(db.sequelize)).length).to.equal(5);
    const applied = await applyReconcile(db.sequelize, new Date());
    expect(applied.filter((e) => e.conflict)).to.deep.equal([]);

    expect((await legacyRow(twins.email)).email).to.equal(`moved-${twins.email.email}`);
    expect(await legacyRow(twins.active)).to.include({ is_active: 0 });
    expect(await fuRow(twins.active)).to.include({ is_active: false });
    expect(await legacyRow(twins.superuser)).to.include({ role: 'user' });
    expect(await fuRow(twins.superuser)).to.include({ is_superuser: false });
    expect(await legacyRow(twins.verified)).to.include({ verified: true });
    expect(await fuRow(twins.verified)).to.include({ is_verified: true });
    expect((await fuRow(twins.password)).hashed_password).to.equal(
      (await legacyRow(twins.password)).hashed_password,
    );

    expect((await runPreflight(db.sequelize, pending)).twinDisagreements).to.deep.equal([]);
    expect(await planReconcile(db.sequelize)).to.deep.equal([]);
    expect(await applyReconcile(db.sequelize, new Date())).to.deep.equal([]);
  });

  it('when reconcile changes an e-mail or a password or deactivates a pair, then that person’s sessions end on both engines; a flag-only change ends none', async () => {
    const facadeSessions = async (fixture: FuFixture) => {
      const [row] = await db.sequelize.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM fu_facade_sessions WHERE legacy_user_id = :id',
        { type: QueryTypes.SELECT, replacements: { id: fixture.user.legacyUserId } },
      );
      return row!.n;
    };
    for (const fixture of Object.values(twins))
      await db.sequelize.query(
        `INSERT INTO fu_facade_sessions (token, legacy_user_id, created_at, expires_at)
         VALUES ('facade-' || :id, :id, now(), now() + interval '1 day')`,
        { replacements: { id: fixture.user.legacyUserId } },
      );
    await applyReconcile(db.sequelize, new Date());
    for (const field of ['email', 'active', 'password'] as const)
      expect(await facadeSessions(twins[field]), field).to.equal(0);
    for (const field of ['superuser', 'verified'] as const)
      expect(await facadeSessions(twins[field]), field).to.equal(1);
  });

  it('when the address fu_users holds is taken by another account, then that pair is left for an operator and the rest is reconciled', async () => {
    await db.sequelize.query(`INSERT INTO users (email) VALUES (:email)`, {
      replacements: { email: `MOVED-${twins.email.email}` },
    });
    const applied = await applyReconcile(db.sequelize, new Date());
    const conflict = applied.find((e) => e.twin.legacyId === twins.email.user.legacyUserId);
    expect(conflict?.conflict).to.match(/held by another account/);
    expect((await legacyRow(twins.email)).email).to.equal(twins.email.email);
    expect((await planReconcile(db.sequelize)).length).to.equal(1);
  });
});
