/**
 * Dedupe decided by nothing an attacker controls (docs/cutover.md, "Dedupe rule"): per group
 * of legacy accounts with the same canonical address, the one confirmed account keeps it, else
 * the oldest; two or more confirmed need an operator's choice and block preflight.
 */
import { expect } from 'chai';
import pg from 'pg';
import { QueryTypes, type Sequelize } from 'sequelize';
import { applyDedupe, planDedupe } from '../../../src/cutover/dedupe.js';
import { runPreflight } from '../../../src/cutover/preflight.js';
import { LOCK_KEYS } from '../../../src/db/advisory-lock.js';
import { CliError } from '../../../src/lib/cli/cli-error.js';
import { EXIT } from '../../../src/lib/cli/exit-codes.js';
import { applyReconcile } from '../../../src/twins/reconcile-twins.js';
import { phase1Database, type Phase1Database } from '../../helpers/consolidation.js';

async function insert(
  sequelize: Sequelize,
  email: string,
  options: { createdDaysAgo: number; lastLoginDaysAgo?: number; confirmed?: boolean },
): Promise<number> {
  const [row] = await sequelize.query<{ id: number }>(
    `INSERT INTO users (email, hashed_password, created_at, updated_at, last_login_at, email_confirmed_at)
     VALUES (:email, NULL, now() - make_interval(days => :created), now() - make_interval(days => :login),
             now() - make_interval(days => :login),
             CASE WHEN :confirmed THEN now() - make_interval(days => :created) END)
     RETURNING id`,
    {
      type: QueryTypes.SELECT,
      replacements: {
        email,
        created: options.createdDaysAgo,
        login: options.lastLoginDaysAgo ?? options.createdDaysAgo,
        confirmed: options.confirmed ?? false,
      },
    },
  );
  return row!.id;
}

const emailOf = async (sequelize: Sequelize, id: number) => {
  const [row] = await sequelize.query<{ email: string; is_active: number }>(
    'SELECT email, is_active FROM users WHERE id = :id',
    { type: QueryTypes.SELECT, replacements: { id } },
  );
  return row!;
};

const pending = { migrations: [], consolidation: [] };

describe('dedupe: who keeps a shared address', () => {
  let db: Phase1Database;
  beforeEach(async () => {
    db = await phase1Database();
  });
  afterEach(() => db.drop());

  it('when the attacker’s case variant was active most recently and the victim’s account is older, then the victim keeps the address', async () => {
    const victim = await insert(db.sequelize, 'victor@x.test', {
      createdDaysAgo: 400,
      lastLoginDaysAgo: 90,
    });
    const attacker = await insert(db.sequelize, 'VICTOR@x.test', {
      createdDaysAgo: 3,
      lastLoginDaysAgo: 0,
    });
    const plan = await planDedupe(db.sequelize);
    expect(plan.groups).to.have.length(1);
    expect(plan.groups[0]).to.deep.include({ keeperId: victim, rule: 'oldest' });
    await applyDedupe(db.sequelize, new Date());
    expect(await emailOf(db.sequelize, victim)).to.deep.equal({
      email: 'victor@x.test',
      is_active: 1,
    });
    expect(await emailOf(db.sequelize, attacker)).to.deep.equal({
      email: `VICTOR+dedupe-${attacker}@x.test`,
      is_active: 0,
    });
  });

  it('when the victim’s account is the only confirmed one, then it keeps the address even though it is newer and idle', async () => {
    const attacker = await insert(db.sequelize, 'Quinn@x.test', {
      createdDaysAgo: 500,
      lastLoginDaysAgo: 0,
    });
    const victim = await insert(db.sequelize, 'quinn@x.test', {
      createdDaysAgo: 10,
      lastLoginDaysAgo: 9,
      confirmed: true,
    });
    const plan = await planDedupe(db.sequelize);
    expect(plan.groups[0]).to.deep.include({ keeperId: victim, rule: 'confirmed' });
    expect(plan.losers.map((l) => l.id)).to.deep.equal([attacker]);
  });

  it('when addresses are the same only canonically (Kelvin sign, Unicode domain), then they form one group, which lower() would miss', async () => {
    const older = await insert(db.sequelize, 'kim@xn--bcher-kva.de', { createdDaysAgo: 50 });
    const kelvin = await insert(db.sequelize, '\u212Aim@bücher.de', { createdDaysAgo: 5 });
    const plan = await planDedupe(db.sequelize);
    expect(plan.groups).to.have.length(1);
    expect(plan.groups[0]!.keeperId).to.equal(older);
    expect(plan.losers.map((l) => l.id)).to.deep.equal([kelvin]);
  });

  it('when a loser is deactivated, then its sessions on both engines end in the same transaction and the keeper keeps its own', async () => {
    const keeper = await insert(db.sequelize, 'sam@x.test', { createdDaysAgo: 90 });
    const loser = await insert(db.sequelize, 'SAM@x.test', { createdDaysAgo: 1 });
    const sessions = async (id: number) => {
      const [row] = await db.sequelize.query<{ legacy: number; facade: number }>(
        `SELECT (SELECT count(*)::int FROM session WHERE sess->'passport'->>'user' = :id::text) AS legacy,
                (SELECT count(*)::int FROM fu_facade_sessions WHERE legacy_user_id = :id) AS facade`,
        { type: QueryTypes.SELECT, replacements: { id } },
      );
      return row!;
    };
    for (const id of [keeper, loser]) {
      await db.sequelize.query(
        `INSERT INTO session (sid, sess, expire)
         VALUES ('sid-' || :id, json_build_object('passport', json_build_object('user', :id)), now() + interval '1 day')`,
        { replacements: { id } },
      );
      await db.sequelize.query(
        `INSERT INTO fu_facade_sessions (token, legacy_user_id, created_at, expires_at)
         VALUES ('facade-' || :id, :id, now(), now() + interval '1 day')`,
        { replacements: { id } },
      );
    }
    await applyDedupe(db.sequelize, new Date());
    expect(await sessions(loser)).to.deep.equal({ legacy: 0, facade: 0 });
    expect(await sessions(keeper)).to.deep.equal({ legacy: 1, facade: 1 });
  });

  it('when two accounts of a group are confirmed, then the group is ambiguous: preflight blocks, dedupe leaves it until the operator names the keeper', async () => {
    const a = await insert(db.sequelize, 'Ada@x.test', { createdDaysAgo: 30, confirmed: true });
    const b = await insert(db.sequelize, 'ada@x.test', { createdDaysAgo: 20, confirmed: true });
    const c = await insert(db.sequelize, 'ADA@x.test', { createdDaysAgo: 10 });
    const report = await runPreflight(db.sequelize, pending);
    expect(report.blockers.join('\n')).to.match(/1 ambiguous address group\(s\).*--keep/);
    const plan = await planDedupe(db.sequelize);
    expect(plan.groups[0]).to.deep.include({ ambiguous: true, keeperId: undefined });
    expect(plan.losers).to.deep.equal([]);
    expect((await applyDedupe(db.sequelize, new Date())).losers).to.deep.equal([]);
    expect((await emailOf(db.sequelize, c)).email).to.equal('ADA@x.test');

    const chosen = await applyDedupe(db.sequelize, new Date(), { keep: [b] });
    expect(chosen.losers.map((l) => l.id).sort()).to.deep.equal([a, c].sort());
    expect((await emailOf(db.sequelize, b)).email).to.equal('ada@x.test');
    expect((await runPreflight(db.sequelize, pending)).blockers).to.deep.equal([]);
    expect((await planDedupe(db.sequelize)).groups).to.deep.equal([]);
  });

  it('when the operator names a keeper that is not a confirmed member of an ambiguous group, then dedupe refuses and changes nothing', async () => {
    await insert(db.sequelize, 'Bo@x.test', { createdDaysAgo: 30, confirmed: true });
    await insert(db.sequelize, 'bo@x.test', { createdDaysAgo: 20, confirmed: true });
    const unconfirmed = await insert(db.sequelize, 'BO@x.test', { createdDaysAgo: 10 });
    let error: unknown;
    await applyDedupe(db.sequelize, new Date(), { keep: [unconfirmed] }).catch(
      (e: unknown) => (error = e),
    );
    expect(String(error)).to.match(/not a confirmed account of an ambiguous group/);
    expect((await emailOf(db.sequelize, unconfirmed)).email).to.equal('BO@x.test');
  });
  it('when someone already holds the alias a loser would get, then dedupe gives the loser another alias and creates no new twins', async () => {
    const victim = await insert(db.sequelize, 'victor@x.test', { createdDaysAgo: 400 });
    const attacker = await insert(db.sequelize, 'VICTOR@x.test', { createdDaysAgo: 3 });
    // The loser's id is known to its owner (the legacy contract shows it): the alias is guessable.
    const squatter = await insert(db.sequelize, `victor+DEDUPE-${attacker}@x.test`, {
      createdDaysAgo: 1,
    });
    await applyDedupe(db.sequelize, new Date());
    expect(await emailOf(db.sequelize, victim)).to.deep.include({ email: 'victor@x.test' });
    expect(await emailOf(db.sequelize, squatter)).to.deep.equal({
      email: `victor+DEDUPE-${attacker}@x.test`,
      is_active: 1,
    });
    const renamed = await emailOf(db.sequelize, attacker);
    expect(renamed.is_active).to.equal(0);
    const again = await planDedupe(db.sequelize);
    expect(again.groups, `loser renamed to ${renamed.email}`).to.deep.equal([]);
  });
  it('when a cutover or rollback is running, then dedupe --apply and reconcile --apply are refused as busy and change nothing', async () => {
    await insert(db.sequelize, 'busy@x.test', { createdDaysAgo: 40 });
    const loser = await insert(db.sequelize, 'BUSY@x.test', { createdDaysAgo: 3 });
    // What a running cutover or rollback holds (src/cutover/ops-lock.ts), on its own connection.
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [LOCK_KEYS.cutover]);
      for (const apply of [
        () => applyDedupe(db.sequelize, new Date()),
        () => applyReconcile(db.sequelize, new Date()),
      ]) {
        const error = await apply().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).to.be.instanceOf(CliError).and.to.have.property('exitCode', EXIT.busy);
      }
      expect(await emailOf(db.sequelize, loser)).to.deep.equal({
        email: 'BUSY@x.test',
        is_active: 1,
      });
    } finally {
      await holder.end();
    }
    await applyDedupe(db.sequelize, new Date());
    expect((await emailOf(db.sequelize, loser)).is_active).to.equal(0);
  });
});
