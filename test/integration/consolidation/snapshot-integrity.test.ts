import { expect } from 'chai';
import { QueryTypes, type Sequelize } from 'sequelize';
import {
  createSnapshotService,
  type SnapshotService,
} from '../../../src/snapshot/snapshot-service.js';
import { SNAPSHOT_TABLES, snapshotRelation } from '../../../src/snapshot/snapshot-sql.js';
import { seededPhase1, type SeededPhase1 } from '../../helpers/phase1-data.js';

/**
 * The snapshot's integrity proof must catch a change to any column of any captured row, whatever
 * makes the proof cheap: one column of one row of one copy is changed at a time; a row deleted,
 * one inserted, one rewritten as it was. Table maintenance that keeps the rows must not trip it.
 */

// A value of each type for a column that is NULL in the chosen row.
const SAMPLE: Record<string, string> = {
  smallint: '7',
  integer: '7',
  bigint: '7',
  boolean: 'true',
  uuid: 'gen_random_uuid()',
  text: `'changed'`,
  'character varying': `'changed'`,
  'timestamp with time zone': `'2001-02-03T04:05:06Z'`,
  'timestamp without time zone': `'2001-02-03T04:05:06'`,
  jsonb: `'{}'::jsonb`,
};

async function columns(s: Sequelize, table: string) {
  return s.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = :table ORDER BY ordinal_position`,
    { replacements: { table }, type: QueryTypes.SELECT },
  );
}

describe('snapshot integrity: a changed row is caught', function () {
  this.timeout(120_000);
  let fixture: SeededPhase1;
  let s: Sequelize;

  beforeEach(async () => {
    fixture = await seededPhase1();
    s = fixture.db.sequelize;
    const [user] = await s.query<{ id: string }>(`SELECT id FROM fu_users ORDER BY email LIMIT 1`, {
      type: QueryTypes.SELECT,
    });
    await s.query(
      `INSERT INTO oauth_accounts (oauth_name, access_token, expires_at, refresh_token, account_id, account_email, user_id)
       VALUES ('idp', 'token-a', 1900000000, NULL, 'acct-a', 'a@idp.example', :id)`,
      { replacements: { id: user!.id } },
    );
  });
  afterEach(() => fixture.close());

  /** verify names exactly `table`, and restore refuses with SNAPSHOT_CORRUPT. */
  async function expectCaught(
    snapshots: SnapshotService,
    label: string,
    table: string,
    what: string,
  ) {
    const problems = await snapshots.verify(label);
    expect(problems, what).to.have.length(1);
    expect(problems[0], what).to.match(new RegExp(`^${table}: `));
    const error = await snapshots.restore(label).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as { code?: string } | undefined)?.code, what).to.equal('SNAPSHOT_CORRUPT');
  }

  it('when any one column of one row of any snapshot copy changes, then verify names the table and restore refuses', async () => {
    const snapshots = createSnapshotService(s);
    let checked = 0;
    for (const { name, key } of SNAPSHOT_TABLES) {
      for (const { column_name: column, data_type: type } of await columns(s, name)) {
        // A fresh snapshot per column: the proof is "unchanged since capture", so a value put
        // back afterwards still counts as changed.
        const label = `integrity-${checked}`;
        await snapshots.create(label);
        expect(await snapshots.verify(label), `${label} as taken`).to.deep.equal([]);
        const copy = snapshotRelation(label, name);
        const [row] = await s.query<{ k: string }>(
          `SELECT "${key}"::text AS k FROM ${copy} ORDER BY "${key}" LIMIT 1`,
          { type: QueryTypes.SELECT },
        );
        expect(row, `${name} has a captured row`).to.not.equal(undefined);
        const where = `"${key}"::text = :k`;
        const [{ isNull }] = (await s.query<{ isNull: boolean }>(
          `SELECT "${column}" IS NULL AS "isNull" FROM ${copy} WHERE ${where}`,
          { replacements: { k: row!.k }, type: QueryTypes.SELECT },
        )) as [{ isNull: boolean }];
        const value = isNull ? SAMPLE[type] : 'NULL';
        expect(value, `a sample ${type}`).to.be.a('string');
        // The copies keep no NOT NULL constraints (CREATE TABLE … AS), so any column can be NULLed.
        await s.query(`UPDATE ${copy} SET "${column}" = ${value} WHERE ${where}`, {
          replacements: { k: row!.k },
        });
        await expectCaught(snapshots, label, name, `${name}.${column}`);
        await snapshots.drop(label);
        checked += 1;
      }
    }
    expect(checked).to.be.greaterThan(20);
  });

  it('when a row of a copy is deleted, one inserted, or one updated to the value it had, then verify names the table and restore refuses', async () => {
    const snapshots = createSnapshotService(s);
    const damage: Record<string, (copy: string) => string> = {
      deleted: (copy) =>
        `DELETE FROM ${copy} WHERE id = (SELECT id FROM ${copy} ORDER BY id LIMIT 1)`,
      // A duplicate of a captured row: the same content, one more row.
      inserted: (copy) => `INSERT INTO ${copy} SELECT * FROM ${copy} ORDER BY id LIMIT 1`,
      'deleted and inserted again': (copy) =>
        `WITH d AS (DELETE FROM ${copy} WHERE id = (SELECT id FROM ${copy} ORDER BY id LIMIT 1) RETURNING *)
         INSERT INTO ${copy} SELECT * FROM d`,
      'updated to the value it had': (copy) =>
        `UPDATE ${copy} SET full_name = full_name WHERE id = (SELECT id FROM ${copy} ORDER BY id LIMIT 1)`,
    };
    let taken = 0;
    for (const table of ['users', 'fu_users', 'oauth_accounts'] as const)
      for (const [what, sql] of Object.entries(damage)) {
        const label = `damage-${taken++}`;
        await snapshots.create(label);
        const copy = snapshotRelation(label, table);
        const statement =
          table === 'users' ? sql(copy) : sql(copy).replace('full_name = full_name', 'id = id');
        await s.query(statement);
        await expectCaught(snapshots, label, table, `${table} ${what}`);
      }
  });

  it('when a copy is frozen, rewritten by VACUUM FULL or clustered, then it still verifies and restores', async () => {
    const snapshots = createSnapshotService(s);
    await snapshots.create('maintained');
    for (const { name } of SNAPSHOT_TABLES) {
      const copy = snapshotRelation('maintained', name);
      await s.query(`VACUUM (FREEZE) ${copy}`);
      await s.query(`VACUUM FULL ${copy}`);
    }
    const users = snapshotRelation('maintained', 'users');
    await s.query(`CREATE INDEX maintained_users_id ON ${users} (id)`);
    await s.query(`CLUSTER ${users} USING maintained_users_id`);
    expect(await snapshots.verify('maintained')).to.deep.equal([]);
    await s.query(`UPDATE users SET full_name = 'damaged'`);
    expect((await snapshots.restore('maintained')).label).to.equal('maintained');
    const [{ n }] = (await s.query<{ n: string }>(
      `SELECT count(*) AS n FROM users WHERE full_name = 'damaged'`,
      { type: QueryTypes.SELECT },
    )) as [{ n: string }];
    expect(Number(n)).to.equal(0);
  });

  it('when a column of a copy is dropped, then verify names the table and restore refuses', async () => {
    const snapshots = createSnapshotService(s);
    await snapshots.create('dropped-column');
    await s.query(
      `ALTER TABLE ${snapshotRelation('dropped-column', 'fu_users')} DROP COLUMN email`,
    );
    await expectCaught(snapshots, 'dropped-column', 'fu_users', 'fu_users.email dropped');
  });
});
