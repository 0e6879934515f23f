import { expect } from 'chai';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createSnapshotService } from '../../../src/snapshot/snapshot-service.js';
import { SNAPSHOT_TABLES, snapshotRelation } from '../../../src/snapshot/snapshot-sql.js';
import { seededPhase1, type SeededPhase1 } from '../../helpers/phase1-data.js';

/**
 * The snapshot's integrity proof must catch a change to any column of any captured row, whatever
 * makes the proof cheap: one column of one row of one copy is changed at a time.
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

  it('when any one column of one row of any snapshot copy changes, then verify names the table and restore refuses', async () => {
    const snapshots = createSnapshotService(s);
    await snapshots.create('integrity');
    let checked = 0;
    for (const { name, key } of SNAPSHOT_TABLES) {
      const copy = snapshotRelation('integrity', name);
      const [row] = await s.query<{ k: string }>(
        `SELECT "${key}"::text AS k FROM ${copy} ORDER BY "${key}" LIMIT 1`,
        { type: QueryTypes.SELECT },
      );
      expect(row, `${name} has a captured row`).to.not.equal(undefined);
      for (const { column_name: column, data_type: type } of await columns(s, name)) {
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
        const what = `${name}.${column}`;
        const problems = await snapshots.verify('integrity');
        expect(problems, what).to.have.length(1);
        expect(problems[0], what).to.match(new RegExp(`^${name}: `));
        const error = await snapshots.restore('integrity').then(
          () => undefined,
          (e: unknown) => e,
        );
        expect((error as { code?: string } | undefined)?.code, what).to.equal('SNAPSHOT_CORRUPT');
        // Put the captured value back from the live row, which has not changed since (the key
        // itself was NULLed, so that row is found by its NULL).
        await s.query(
          column === key
            ? `UPDATE ${copy} SET "${key}" = (SELECT l."${key}" FROM public.${name} l
                WHERE l.${where}) WHERE "${key}" IS NULL`
            : `UPDATE ${copy} c SET "${column}" = l."${column}" FROM public.${name} l
                WHERE l."${key}" = c."${key}" AND c.${where}`,
          { replacements: { k: row!.k } },
        );
        expect(await snapshots.verify('integrity'), `${what} put back`).to.deep.equal([]);
        checked += 1;
      }
    }
    expect(checked).to.be.greaterThan(20);
  });
});
