import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type pg from 'pg';
import {
  APP_SETTING_COLUMNS,
  APP_SETTINGS_TABLE,
} from '../../../src/lib/contracts/app-settings.js';
import {
  CUTOVER_RUN_COLUMNS,
  CUTOVER_RUNS_TABLE,
} from '../../../src/lib/contracts/cutover-runs.js';
import {
  ACCOUNT_COUNTS_SQL,
  LEGACY_ONLY_USERS_VIEW,
  type AccountCountsRow,
} from '../../../src/lib/contracts/migration-state.js';
import {
  ROLLOUT_POLICY_COLUMNS,
  ROLLOUT_POLICY_TABLE,
} from '../../../src/lib/contracts/rollout-policy.js';
import {
  SNAPSHOT_MANIFEST_COLUMNS,
  SNAPSHOT_MANIFEST_TABLE,
} from '../../../src/lib/contracts/snapshot-manifest.js';
import { testDatabaseUrl, testPool } from '../../helpers/database.js';

/**
 * The database is the contract between the monolith and the proxy: the row types in
 * src/lib/contracts/ must name exactly the live tables' columns, so a renamed or added column
 * fails here rather than silently emptying the dashboard.
 */
async function liveColumns(db: pg.ClientBase, qualified: string): Promise<string[]> {
  const [schema, table] = qualified.includes('.') ? qualified.split('.') : [undefined, qualified];
  const { rows } = await db.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = COALESCE($1, current_schema()) AND table_name = $2
      ORDER BY column_name`,
    [schema ?? null, table],
  );
  return rows.map((r) => r.column_name);
}

/** Columns the declaration and the table disagree on (empty when they match). */
async function drift(db: pg.ClientBase, table: string, declared: readonly string[]) {
  const live = await liveColumns(db, table);
  return {
    undeclared: live.filter((c) => !declared.includes(c)),
    missing: declared.filter((c) => !live.includes(c)),
  };
}

const NONE = { undeclared: [], missing: [] };

describe('database contract (src/lib/contracts ↔ live tables)', () => {
  let pool: pg.Pool;
  before(() => {
    pool = testPool(testDatabaseUrl(), 2);
  });
  after(() => pool.end());

  /** Runs `body` in a transaction that is always rolled back: the shared test database is unchanged. */
  async function inRolledBack<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      return await body(client);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  it('when the row types are compared with the migrated tables, then they name exactly their columns', async () => {
    const client = await pool.connect();
    try {
      expect(await drift(client, CUTOVER_RUNS_TABLE, CUTOVER_RUN_COLUMNS)).to.deep.equal(NONE);
      expect(await drift(client, SNAPSHOT_MANIFEST_TABLE, SNAPSHOT_MANIFEST_COLUMNS)).to.deep.equal(
        NONE,
      );
      expect(await drift(client, ROLLOUT_POLICY_TABLE, ROLLOUT_POLICY_COLUMNS)).to.deep.equal(NONE);
      expect(await drift(client, APP_SETTINGS_TABLE, APP_SETTING_COLUMNS)).to.deep.equal(NONE);
    } finally {
      client.release();
    }
  });

  it('when a column is renamed, then the comparison names both spellings (the check can fail)', async () => {
    const found = await inRolledBack(async (client) => {
      await client.query(`ALTER TABLE ${CUTOVER_RUNS_TABLE} RENAME COLUMN error TO failure`);
      return drift(client, CUTOVER_RUNS_TABLE, CUTOVER_RUN_COLUMNS);
    });
    expect(found).to.deep.equal({ undeclared: ['failure'], missing: ['error'] });
  });

  it('when phase-1 accounts are added, then the counts and the legacy-only view tell legacy-only, migrated and new-only apart', async () => {
    await inRolledBack(async (client) => {
      const counts = async () => {
        const { rows } = await client.query<AccountCountsRow>(ACCOUNT_COUNTS_SQL);
        const view = await client.query<{ n: string }>(
          `SELECT count(*) AS n FROM ${LEGACY_ONLY_USERS_VIEW}`,
        );
        const c = rows[0]!;
        return {
          phase: c.phase,
          legacyOnly: Number(c.legacy_only),
          migrated: Number(c.migrated),
          newOnly: Number(c.new_only),
          view: Number(view.rows[0]!.n),
        };
      };
      const before = await counts();
      const tag = randomUUID().slice(0, 8);
      const { rows } = await client.query<{ id: number }>(
        `INSERT INTO users (email) VALUES ($1), ($2), ($3) RETURNING id`,
        [`only-a-${tag}@x.test`, `only-b-${tag}@x.test`, `moved-${tag}@x.test`],
      );
      await client.query(
        `INSERT INTO fu_users (id, email, hashed_password, is_active, is_superuser, is_verified, legacy_user_id)
         VALUES ($1, $2, 'x', true, false, false, $3), ($4, $5, 'x', true, false, false, NULL)`,
        [randomUUID(), `moved-${tag}@x.test`, rows[2]!.id, randomUUID(), `new-${tag}@x.test`],
      );
      const after = await counts();
      expect(after.phase).to.equal('conservative');
      expect({
        legacyOnly: after.legacyOnly - before.legacyOnly,
        migrated: after.migrated - before.migrated,
        newOnly: after.newOnly - before.newOnly,
        view: after.view - before.view,
      }).to.deep.equal({ legacyOnly: 2, migrated: 1, newOnly: 1, view: 2 });
    });
  });
});
