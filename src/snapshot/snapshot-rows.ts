import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import {
  buildIndexesLike,
  createCopyTable,
  replaceTable,
  swapLockSet,
} from '../consolidation/table-swap.js';
import { capturedTables, type Manifest, type SnapshotTable } from './snapshot-manifest.js';
import { SNAPSHOT_TABLES, snapshotRelation, type SnapshotTableName } from './snapshot-sql.js';

/**
 * Writing a snapshot's rows back: `users` rebuilt and swapped in, the other tables rewritten in
 * place, and the password changes made since the snapshot captured before and re-applied after.
 */

// The new engine's password columns, where the phase has them.
const PASSWORD_COLUMNS: Record<SnapshotTableName, string[]> = {
  users: ['hashed_password', 'fu_hashed_password'],
  fu_users: ['hashed_password'],
  fu_access_tokens: [],
  oauth_accounts: [],
};

export type { SnapshotTable };

export interface RowCounts {
  rewritten: number;
  newer: number;
}

export interface PasswordChange {
  table: SnapshotTableName;
  key: string | number;
  values: Record<string, string | null>;
  updatedAt: Date;
}

/** Password columns that changed after the snapshot was taken (by an engine: updated_at moved). */
export async function capturePasswordChanges(
  sequelize: Sequelize,
  manifest: Manifest,
  t: Transaction,
): Promise<PasswordChange[]> {
  const changes: PasswordChange[] = [];
  for (const {
    table: { name, key },
    figures,
  } of capturedTables(manifest)) {
    const present = figures.columns.map((c) => c.split(' ')[0]!);
    const columns = PASSWORD_COLUMNS[name].filter((c) => present.includes(c));
    if (columns.length === 0) continue;
    const differs = columns.map((c) => `l.${c} IS DISTINCT FROM s.${c}`).join(' OR ');
    const rows = await sequelize.query<
      Record<string, string | null> & { k: string; updated_at: Date }
    >(
      `SELECT l.${key} AS k, l.updated_at, ${columns.map((c) => `l.${c}`).join(', ')}
         FROM ${name} l JOIN ${snapshotRelation(manifest.label, name)} s USING (${key})
        WHERE (${differs}) AND l.updated_at > :takenAt`,
      { replacements: { takenAt: manifest.takenAt }, type: QueryTypes.SELECT, transaction: t },
    );
    for (const row of rows)
      changes.push({
        table: name,
        key: row.k,
        updatedAt: row.updated_at,
        values: Object.fromEntries(columns.map((c) => [c, row[c] ?? null])),
      });
  }
  return changes;
}

/**
 * `users` is restored by building it anew — the captured rows, then the accounts created since —
 * and swapping the copy in (src/consolidation/table-swap.ts): writing every row into a fresh
 * table and building each index once costs about a bare INSERT … SELECT, where updating a
 * damaged table in place gives every index a new entry per row, two to three times that. Every
 * captured row counts as rewritten. Tables with keys to other tables (fu_users, tokens, OAuth
 * links) cannot be
 * swapped this way (LIKE does not copy foreign keys) and are rewritten in place.
 */
export async function rebuildCaptured(
  sequelize: Sequelize,
  label: string,
  table: SnapshotTable,
  columns: string[],
  t: Transaction,
): Promise<RowCounts> {
  const snapshot = snapshotRelation(label, table.name);
  const copy = `${table.name}__restore`;
  const list = columns.join(', ');
  await createCopyTable(sequelize, t, table.name, copy);
  const [captured] = await sequelize.query<{ n: string }>(
    `WITH w AS (INSERT INTO ${copy} (${list}) SELECT ${list} FROM ${snapshot} RETURNING 1)
     SELECT count(*) AS n FROM w`,
    { type: QueryTypes.SELECT, transaction: t },
  );
  const [newer] = await sequelize.query<{ n: string }>(
    `WITH w AS (INSERT INTO ${copy} (${list})
                SELECT ${columns.map((c) => `l.${c}`).join(', ')} FROM ${table.name} l
                 WHERE NOT EXISTS (SELECT 1 FROM ${snapshot} s WHERE s.${table.key} = l.${table.key})
                RETURNING 1)
     SELECT count(*) AS n FROM w`,
    { type: QueryTypes.SELECT, transaction: t },
  );
  await buildIndexesLike(sequelize, {
    source: table.name,
    target: copy,
    drop: [],
    add: [],
    log: () => undefined,
    transaction: t,
  });
  const locked = [table.name, copy, ...(await swapLockSet(sequelize, t, table.name))];
  await sequelize.query(
    `LOCK TABLE ${locked.filter((n, i) => locked.indexOf(n) === i).join(', ')} IN ACCESS EXCLUSIVE MODE`,
    { transaction: t },
  );
  await replaceTable(sequelize, t, {
    table: table.name,
    replacement: copy,
    keepTrigger: () => true,
  });
  return { rewritten: Number(captured?.n ?? 0), newer: Number(newer?.n ?? 0) };
}

export async function rewriteCaptured(
  sequelize: Sequelize,
  label: string,
  table: SnapshotTable,
  columns: string[],
  t: Transaction,
): Promise<RowCounts> {
  const snapshot = snapshotRelation(label, table.name);
  const list = columns.join(', ');
  const [updated] = await sequelize.query<{ n: string }>(
    `WITH w AS (UPDATE ${table.name} l SET (${list}) = (${columns.map((c) => `s.${c}`).join(', ')})
                  FROM ${snapshot} s
                 WHERE l.${table.key} = s.${table.key}
                   AND (${columns.map((c) => `l.${c}`).join(', ')}) IS DISTINCT FROM (${columns.map((c) => `s.${c}`).join(', ')})
                RETURNING 1)
     SELECT count(*) AS n FROM w`,
    { type: QueryTypes.SELECT, transaction: t },
  );
  const [inserted] = await sequelize.query<{ n: string }>(
    `WITH w AS (INSERT INTO ${table.name} (${list})
                SELECT ${list} FROM ${snapshot} s
                 WHERE NOT EXISTS (SELECT 1 FROM ${table.name} l WHERE l.${table.key} = s.${table.key})
                RETURNING 1)
     SELECT count(*) AS n FROM w`,
    { type: QueryTypes.SELECT, transaction: t },
  );
  const [newer] = await sequelize.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${table.name} l
      WHERE NOT EXISTS (SELECT 1 FROM ${snapshot} s WHERE s.${table.key} = l.${table.key})`,
    { type: QueryTypes.SELECT, transaction: t },
  );
  return {
    rewritten: Number(updated?.n ?? 0) + Number(inserted?.n ?? 0),
    newer: Number(newer?.n ?? 0),
  };
}

export async function reapplyPasswordChanges(
  sequelize: Sequelize,
  changes: PasswordChange[],
  t: Transaction,
): Promise<number> {
  for (const change of changes) {
    const key = SNAPSHOT_TABLES.find((x) => x.name === change.table)!.key;
    // The values are password hashes: bind parameters keep them out of the statement text.
    const set = Object.keys(change.values).map((c) => `${c} = $${c}`);
    await sequelize.query(
      `UPDATE ${change.table} SET ${set.join(', ')}, updated_at = $updatedAt WHERE ${key} = $key`,
      {
        bind: { ...change.values, updatedAt: change.updatedAt, key: change.key },
        transaction: t,
      },
    );
  }
  return changes.length;
}
