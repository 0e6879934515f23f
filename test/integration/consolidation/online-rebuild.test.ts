import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { QueryTypes } from 'sequelize';
import { copyRows } from '../../../src/consolidation/online-rebuild.js';
import { CONSOLIDATED } from '../../../src/consolidation/users-shapes.js';
import { verifyConsolidation } from '../../../src/cutover/verify-consolidation.js';
import { count, errorChain, type Phase1Database } from '../../helpers/consolidation.js';
import { eventually } from '../../helpers/eventually.js';
import { seededPhase1, type Phase1Data, type SeededPhase1 } from '../../helpers/phase1-data.js';

const PREPARED = '2026.04.01T00.00.01.prepare-users-rebuild';

describe('online rebuild of users (consolidation up and down)', () => {
  let db: Phase1Database;
  let data: Phase1Data;
  let fixture: SeededPhase1;

  beforeEach(async () => {
    fixture = await seededPhase1();
    ({ db, data } = fixture);
  });
  afterEach(() => fixture.close());

  const row = async (id: number) => {
    const [r] = await db.sequelize.query<Record<string, unknown>>(
      `SELECT full_name, is_active, is_superuser, is_verified, fu_linked FROM users WHERE id = :id`,
      { type: QueryTypes.SELECT, replacements: { id } },
    );
    return r;
  };
  const shadowExists = async () =>
    (
      await db.sequelize.query<{ t: string | null }>(
        `SELECT to_regclass('users__consolidated')::text AS t`,
        { type: QueryTypes.SELECT },
      )
    )[0]!.t !== null;

  it('when users and fu_users are written between the copy and the swap, then the consolidated table has every change', async () => {
    await db.consolidator().up({ to: PREPARED });
    await copyRows(db.sequelize, CONSOLIDATED, { batchSize: 50, report: () => undefined });

    const [changed, deleted] = [data.legacy[0]!, data.legacy[1]!];
    await db.sequelize.query(
      `UPDATE users SET full_name = 'changed after copy', role = 'admin', is_active = 0 WHERE id = :id`,
      { replacements: { id: changed.id } },
    );
    await db.sequelize.query('DELETE FROM users WHERE id = :id', {
      replacements: { id: deleted.id },
    });
    const [added] = await db.sequelize.query<{ id: number }>(
      `INSERT INTO users (email, full_name) VALUES (:email, 'added after copy') RETURNING id`,
      {
        type: QueryTypes.SELECT,
        replacements: { email: `late-${randomBytes(4).toString('hex')}@example.com` },
      },
    );
    const twin = data.fu[2]!.user; // registered inactive and unverified on the new engine
    await db.sequelize.query(`UPDATE fu_users SET is_verified = true WHERE id = :id`, {
      replacements: { id: twin.id },
    });

    await db.consolidator().up();
    expect(await row(changed.id)).to.deep.equal({
      full_name: 'changed after copy',
      is_active: false,
      is_superuser: true, // role became admin after the copy
      is_verified: true, // e-mail confirmed before
      fu_linked: false,
    });
    expect(await row(deleted.id)).to.equal(undefined);
    expect(await row(added!.id)).to.include({ full_name: 'added after copy', is_active: true });
    expect(await row(twin.legacyUserId!)).to.include({ is_verified: true, fu_linked: true });
    expect((await verifyConsolidation(db.sequelize, 'cutover')).problems).to.deep.equal([]);
    expect(await shadowExists()).to.equal(false);
  });

  it('when the copy no longer matches its source and no write explains it, then verification stops the rebuild before the swap', async () => {
    await db.consolidator().up({ to: PREPARED });
    await copyRows(db.sequelize, CONSOLIDATED, { batchSize: 50, report: () => undefined });
    await db.sequelize.query(
      `UPDATE users__consolidated SET full_name = 'tampered' WHERE id = :id`,
      {
        replacements: { id: data.legacy[0]!.id },
      },
    );
    let failure: unknown;
    await db
      .consolidator()
      .up()
      .catch((e: unknown) => (failure = e));
    expect(errorChain(failure)).to.match(/does not match its source: source \d+ rows/);
    expect(await count(db.sequelize, `SELECT count(*) AS n FROM consolidation_meta`)).to.equal(2);
    expect(
      await count(
        db.sequelize,
        `SELECT count(*) AS n FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'uuid'`,
      ),
    ).to.equal(0);
  });

  it('when a transaction holds users, then preparing and swapping give way and retry, fail after too many attempts, and a re-run finishes', async () => {
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    const hold = async () => {
      await holder.query('BEGIN');
      await holder.query(`UPDATE users SET full_name = 'held' WHERE id = $1`, [data.legacy[0]!.id]);
    };
    const impatient = { batchSize: '50', swapLockTimeoutMs: '50', swapAttempts: '2' };
    const failureOf = async (run: Promise<unknown>) => {
      let failure: unknown;
      await run.catch((e: unknown) => (failure = e));
      return errorChain(failure);
    };
    try {
      await hold();
      expect(await failureOf(db.consolidator(impatient).up())).to.match(
        /could not lock users to install the capture triggers in 2 attempts/,
      );
      expect(await shadowExists()).to.equal(false);
      await holder.query('COMMIT');

      await db.consolidator().up({ to: PREPARED });
      await hold();
      expect(await failureOf(db.consolidator(impatient).up())).to.match(
        /could not lock users for the swap in 2 attempts/,
      );
      expect(await shadowExists()).to.equal(true);

      const notes: string[] = [];
      const run = db
        .consolidator({ batchSize: '50', swapLockTimeoutMs: '50' }, (e) => {
          if (e.event === 'note') notes.push(String(e.name));
        })
        .up();
      // Let the first swap try time out behind the holder: wait until a later try queues.
      const swapWaitStart = async () =>
        (
          await holder.query<{ since: Date }>(
            `SELECT waitstart AS since FROM pg_locks
              WHERE relation = 'users'::regclass AND mode = 'AccessExclusiveLock' AND NOT granted`,
          )
        ).rows[0]?.since;
      let firstTry: Date | undefined;
      await eventually(async () => (firstTry = await swapWaitStart()) !== undefined, {
        timeoutMs: 30_000,
        intervalMs: 5,
        what: 'the swap queues behind the holder',
      });
      await eventually(
        async () => {
          const since = await swapWaitStart();
          return since !== undefined && since.getTime() !== firstTry!.getTime();
        },
        { timeoutMs: 10_000, intervalMs: 5, what: 'a later swap try queues' },
      );
      await holder.query(`UPDATE users SET full_name = 'held longer' WHERE id = $1`, [
        data.legacy[0]!.id,
      ]);
      await holder.query('COMMIT');
      await run;
      expect(notes.find((n) => n.startsWith('swapped in'))).to.match(
        /users was locked for \d+ ms \(attempt ([2-9]|\d\d+)\)/,
      );
      expect(await row(data.legacy[0]!.id)).to.include({ full_name: 'held longer' });
      expect((await verifyConsolidation(db.sequelize, 'cutover')).problems).to.deep.equal([]);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
  });

  it('when users has grants, a view and a disabled trigger of its own, then both directions carry them over', async () => {
    const role = `rebuild_reader_${randomBytes(3).toString('hex')}`;
    await db.sequelize.query(`CREATE ROLE ${role}`);
    try {
      await db.sequelize.query(`GRANT SELECT, UPDATE ON users TO ${role}`);
      await db.sequelize.query(
        `CREATE VIEW active_emails AS SELECT id, email FROM users WHERE role = 'user'`,
      );
      await db.sequelize.query(
        `CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
      );
      await db.sequelize.query(
        `CREATE TRIGGER users_noop BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION noop()`,
      );
      await db.sequelize.query(`ALTER TABLE users DISABLE TRIGGER users_noop`);
      const carried = async () => {
        const [r] = await db.sequelize.query<Record<string, unknown>>(
          `SELECT has_table_privilege('${role}', 'users', 'SELECT') AS can_select,
                  has_table_privilege('${role}', 'users', 'UPDATE') AS can_update,
                  has_table_privilege('${role}', 'users', 'DELETE') AS can_delete,
                  (SELECT tgenabled FROM pg_trigger WHERE tgname = 'users_noop' AND tgrelid = 'users'::regclass) AS trigger,
                  (SELECT count(*)::int FROM active_emails) = (SELECT count(*)::int FROM users WHERE role = 'user') AS view_reads_users`,
          { type: QueryTypes.SELECT },
        );
        return r;
      };
      const expected = {
        can_select: true,
        can_update: true,
        can_delete: false,
        trigger: 'D',
        view_reads_users: true,
      };
      await db.consolidator().up();
      await db.sequelize.query(`INSERT INTO users (email) VALUES ('after-swap@example.com')`);
      expect(await carried()).to.deep.equal(expected);
      await db.consolidator().down({ to: 0 });
      await db.sequelize.query(`INSERT INTO users (email) VALUES ('after-down@example.com')`);
      expect(await carried()).to.deep.equal(expected);
    } finally {
      await db.sequelize.query(`DROP VIEW IF EXISTS active_emails`);
      await db.sequelize.query(`REVOKE ALL ON users FROM ${role}`);
      await db.sequelize.query(`DROP ROLE ${role}`);
    }
  });

  it('when users has what a rebuild cannot carry over, then it refuses with the reason before changing anything', async () => {
    const refused = async (setup: string, undo: string, reason: RegExp) => {
      await db.sequelize.query(setup);
      let failure: unknown;
      await db
        .consolidator()
        .up()
        .catch((e: unknown) => (failure = e));
      expect(errorChain(failure)).to.match(reason);
      expect(await shadowExists()).to.equal(false);
      expect(await db.consolidator().executed()).to.have.length(1);
      await db.sequelize.query(undo);
    };
    await refused(
      'CREATE MATERIALIZED VIEW user_emails AS SELECT email FROM users',
      'DROP MATERIALIZED VIEW user_emails',
      /cannot be rebuilt online: it has materialized view\(s\) on it: user_emails/,
    );
    await refused(
      'ALTER TABLE users ADD COLUMN favourite_contact INT REFERENCES contacts (id)',
      'ALTER TABLE users DROP COLUMN favourite_contact',
      /foreign key\(s\) to other tables: users_favourite_contact_fkey/,
    );
    await refused(
      'ALTER TABLE users ADD COLUMN serial_no INT GENERATED ALWAYS AS IDENTITY',
      'ALTER TABLE users DROP COLUMN serial_no',
      /identity column\(s\) serial_no/,
    );
    await db.consolidator().up();
    expect((await verifyConsolidation(db.sequelize, 'cutover')).problems).to.deep.equal([]);
  });
});
