/**
 * The reversible snapshot (DESIGN.md invariant 5): `create` copies `users`, `fu_users` and
 * `fu_access_tokens` into tables of the `authshift_snapshots` schema, all three from one
 * REPEATABLE READ view, with a manifest (label, time, row counts, checksums, columns). `restore`
 * re-verifies the copies, makes every captured row byte-identical again (checked by checksum),
 * resets sequences, and keeps what happened after the snapshot that must not be lost: accounts
 * created since stay, and password changes made since are re-applied.
 * Snapshots never leave the database; nothing outside this folder reads them.
 */
import { QueryTypes, Transaction, type Sequelize } from 'sequelize';
import { SYNC_GUARD } from '../consolidation/sync-back.js';
import { unsupportedFeatures } from '../consolidation/table-catalog.js';
import {
  buildIndexesLike,
  createCopyTable,
  replaceTable,
  swapLockSet,
  validateForeignKeys,
} from '../consolidation/table-swap.js';
import {
  CHECKSUM_METHOD,
  columnsOf,
  pinTextForm,
  SNAPSHOT_SCHEMA,
  SNAPSHOT_TABLES,
  snapshotRelation,
  tableFigures,
  validLabel,
  type ChecksumMethod,
  type SnapshotTableName,
  type TableFigures,
} from './snapshot-sql.js';

export interface ManifestTable extends TableFigures {
  columns: string[];
  /** Absent in manifests written before row hashes: those are `row-text`. */
  method?: ChecksumMethod;
}

export interface Manifest {
  label: string;
  takenAt: Date;
  restoredAt: Date | null;
  tables: Record<SnapshotTableName, ManifestTable>;
}

export interface RestoreReport {
  label: string;
  /** Captured rows written back because they differed or were gone (users: all, it is rebuilt). */
  rewritten: Record<SnapshotTableName, number>;
  /** Accounts created after the snapshot, kept as they are. */
  keptNewer: Record<SnapshotTableName, number>;
  /** Password changes made after the snapshot, re-applied on top of it. */
  passwordChangesReapplied: number;
}

export class SnapshotError extends Error {
  constructor(
    readonly code:
      | 'SNAPSHOT_EXISTS'
      | 'SNAPSHOT_NOT_FOUND'
      | 'SNAPSHOT_CORRUPT'
      | 'SNAPSHOT_SHAPE'
      | 'SNAPSHOT_LABEL'
      | 'SNAPSHOT_RESTORE_MISMATCH',
    message: string,
  ) {
    super(message);
    this.name = 'SnapshotError';
  }
}

// The new engine's password columns, where the phase has them.
const PASSWORD_COLUMNS: Record<SnapshotTableName, string[]> = {
  users: ['hashed_password', 'fu_hashed_password'],
  fu_users: ['hashed_password'],
  fu_access_tokens: [],
};

export function createSnapshotService(sequelize: Sequelize) {
  const repeatable = <T>(work: (t: Transaction) => Promise<T>) =>
    sequelize.transaction(
      { isolationLevel: Transaction.ISOLATION_LEVELS.REPEATABLE_READ },
      async (t) => {
        await pinTextForm(sequelize, t);
        return work(t);
      },
    );

  async function read(label: string, transaction?: Transaction): Promise<Manifest> {
    const [row] = await sequelize.query<{
      label: string;
      taken_at: Date;
      restored_at: Date | null;
      tables: Manifest['tables'];
    }>(`SELECT * FROM ${SNAPSHOT_SCHEMA}.manifest WHERE label = :label`, {
      replacements: { label },
      type: QueryTypes.SELECT,
      transaction,
    });
    if (!row) throw new SnapshotError('SNAPSHOT_NOT_FOUND', `no snapshot labelled ${label}`);
    return {
      label: row.label,
      takenAt: row.taken_at,
      restoredAt: row.restored_at,
      tables: row.tables,
    };
  }

  async function checksums(
    columns: Record<SnapshotTableName, string[]>,
    t: Transaction,
  ): Promise<Record<SnapshotTableName, TableFigures>> {
    const out = {} as Record<SnapshotTableName, TableFigures>;
    for (const { name } of SNAPSHOT_TABLES)
      out[name] = await tableFigures(sequelize, name, t, {
        method: CHECKSUM_METHOD,
        columns: columns[name],
      });
    return out;
  }

  /**
   * Runs `work` on a second connection that sees exactly what `t` sees (an exported snapshot), so
   * the checksums are computed while `t` copies: a snapshot costs about its copy, not copy plus
   * a second full read. With a one-connection pool it runs in `t`, after the copy.
   */
  async function alongside<T>(t: Transaction, work: (t: Transaction) => Promise<T>): Promise<T> {
    if ((sequelize.config.pool?.max ?? 1) < 2) return work(t);
    const [exported] = await sequelize.query<{ id: string }>('SELECT pg_export_snapshot() AS id', {
      type: QueryTypes.SELECT,
      transaction: t,
    });
    return sequelize.transaction(
      { isolationLevel: Transaction.ISOLATION_LEVELS.REPEATABLE_READ, readOnly: true },
      async (reader) => {
        await sequelize.query(`SET TRANSACTION SNAPSHOT '${exported!.id}'`, {
          transaction: reader,
        });
        return work(reader);
      },
    );
  }

  async function verifyCopies(manifest: Manifest, t: Transaction): Promise<string[]> {
    const problems: string[] = [];
    for (const { name } of SNAPSHOT_TABLES) {
      const want = manifest.tables[name];
      const figures = await tableFigures(
        sequelize,
        snapshotRelation(manifest.label, name),
        t,
        hashingOf(want),
      );
      if (figures.rows !== want.rows || figures.checksum !== want.checksum)
        problems.push(
          `${name}: ${figures.rows} rows / checksum ${figures.checksum}, manifest says ${want.rows} / ${want.checksum}`,
        );
    }
    return problems;
  }

  return {
    async create(label: string): Promise<Manifest> {
      if (!validLabel(label))
        throw new SnapshotError(
          'SNAPSHOT_LABEL',
          `label must match [a-z0-9][a-z0-9_-]{0,40}: ${label}`,
        );
      return repeatable(async (t) => {
        const [exists] = await sequelize.query(
          `SELECT 1 FROM ${SNAPSHOT_SCHEMA}.manifest WHERE label = :label`,
          { replacements: { label }, type: QueryTypes.SELECT, transaction: t },
        );
        if (exists) throw new SnapshotError('SNAPSHOT_EXISTS', `snapshot ${label} already exists`);
        const columns = {} as Record<SnapshotTableName, string[]>;
        for (const { name } of SNAPSHOT_TABLES)
          columns[name] = await columnsOf(sequelize, 'public', name, t);
        const copy = async () => {
          for (const { name } of SNAPSHOT_TABLES)
            await sequelize.query(
              `CREATE TABLE ${snapshotRelation(label, name)} AS SELECT * FROM ${name}`,
              { transaction: t },
            );
        };
        const figures = (transaction: Transaction) => checksums(columns, transaction);
        const [, sums] = await Promise.all([copy(), alongside(t, figures)]);
        const tables = {} as Manifest['tables'];
        for (const { name } of SNAPSHOT_TABLES)
          tables[name] = { ...sums[name], columns: columns[name], method: CHECKSUM_METHOD };
        const [row] = await sequelize.query<{ taken_at: Date }>(
          `INSERT INTO ${SNAPSHOT_SCHEMA}.manifest (label, taken_at, tables)
           VALUES (:label, now(), :tables::jsonb) RETURNING taken_at`,
          {
            replacements: { label, tables: JSON.stringify(tables) },
            type: QueryTypes.SELECT,
            transaction: t,
          },
        );
        return { label, takenAt: row!.taken_at, restoredAt: null, tables };
      });
    },

    async list(): Promise<Manifest[]> {
      const rows = await sequelize.query<{ label: string }>(
        `SELECT label FROM ${SNAPSHOT_SCHEMA}.manifest ORDER BY taken_at, label`,
        { type: QueryTypes.SELECT },
      );
      return Promise.all(rows.map((r) => read(r.label)));
    },

    read,

    /** Empty when the copies still match their manifest; otherwise what differs. */
    async verify(label: string): Promise<string[]> {
      return repeatable(async (t) => verifyCopies(await read(label, t), t));
    },

    async restore(label: string): Promise<RestoreReport> {
      const report = await repeatable(async (t) => {
        const manifest = await read(label, t);
        const problems = await verifyCopies(manifest, t);
        if (problems.length > 0)
          throw new SnapshotError(
            'SNAPSHOT_CORRUPT',
            `snapshot ${label} does not match its manifest: ${problems.join('; ')}`,
          );
        for (const { name } of SNAPSHOT_TABLES) {
          const live = await columnsOf(sequelize, 'public', name, t);
          if (live.join(',') !== manifest.tables[name].columns.join(','))
            throw new SnapshotError(
              'SNAPSHOT_SHAPE',
              `${name} has changed shape since ${label} was taken (consolidated or rolled back since?): migrate it back to the phase the snapshot was taken in first`,
            );
        }
        await sequelize.query(SYNC_GUARD, { transaction: t });
        // Serialise with every writer of the user tables for the few statements below.
        await sequelize.query(
          'LOCK TABLE users, fu_users, fu_access_tokens IN SHARE ROW EXCLUSIVE MODE',
          { transaction: t },
        );
        const report: RestoreReport = {
          label,
          rewritten: { users: 0, fu_users: 0, fu_access_tokens: 0 },
          keptNewer: { users: 0, fu_users: 0, fu_access_tokens: 0 },
          passwordChangesReapplied: 0,
        };
        const later = await capturePasswordChanges(sequelize, manifest, t);
        for (const table of SNAPSHOT_TABLES) {
          const columns = manifest.tables[table.name].columns.map((c) => c.split(' ')[0]!);
          const rebuild =
            table.name === 'users' &&
            (await unsupportedFeatures(sequelize, table.name, t)).length === 0;
          const counts = rebuild
            ? await rebuildCaptured(sequelize, label, table, columns, t)
            : await rewriteCaptured(sequelize, label, table, columns, t);
          report.rewritten[table.name] = counts.rewritten;
          report.keptNewer[table.name] = counts.newer;
          const want = manifest.tables[table.name];
          const after = await tableFigures(
            sequelize,
            `(SELECT l.* FROM ${table.name} l JOIN ${snapshotRelation(label, table.name)} s USING (${table.key})) `,
            t,
            hashingOf(want),
          );
          if (after.rows !== want.rows || after.checksum !== want.checksum)
            throw new SnapshotError(
              'SNAPSHOT_RESTORE_MISMATCH',
              `${table.name} after restore: ${after.rows} rows / ${after.checksum}, snapshot ${want.rows} / ${want.checksum}`,
            );
        }
        report.passwordChangesReapplied = await reapplyPasswordChanges(sequelize, later, t);
        await sequelize.query(
          `SELECT setval(pg_get_serial_sequence('users', 'id'),
                         GREATEST((SELECT COALESCE(max(id), 1) FROM users),
                                  (SELECT last_value FROM users_id_seq)))`,
          { transaction: t },
        );
        await sequelize.query(
          `UPDATE ${SNAPSHOT_SCHEMA}.manifest SET restored_at = now() WHERE label = :label`,
          { replacements: { label }, transaction: t },
        );
        return report;
      });
      // users was swapped for its rebuilt copy: the keys pointing at it come back NOT VALID.
      await validateForeignKeys(sequelize, 'users', () => undefined);
      return report;
    },

    async drop(label: string): Promise<void> {
      await sequelize.transaction(async (t) => {
        await read(label, t);
        for (const { name } of SNAPSHOT_TABLES)
          await sequelize.query(`DROP TABLE IF EXISTS ${snapshotRelation(label, name)}`, {
            transaction: t,
          });
        await sequelize.query(`DELETE FROM ${SNAPSHOT_SCHEMA}.manifest WHERE label = :label`, {
          replacements: { label },
          transaction: t,
        });
      });
    },
  };
}

export type SnapshotService = ReturnType<typeof createSnapshotService>;

function hashingOf(table: ManifestTable): { method: ChecksumMethod; columns: string[] } {
  return { method: table.method ?? 'row-text', columns: table.columns };
}

interface PasswordChange {
  table: SnapshotTableName;
  key: string | number;
  values: Record<string, string | null>;
  updatedAt: Date;
}

/** Password columns that changed after the snapshot was taken (by an engine: updated_at moved). */
async function capturePasswordChanges(
  sequelize: Sequelize,
  manifest: Manifest,
  t: Transaction,
): Promise<PasswordChange[]> {
  const changes: PasswordChange[] = [];
  for (const { name, key } of SNAPSHOT_TABLES) {
    const present = manifest.tables[name].columns.map((c) => c.split(' ')[0]!);
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
 * captured row counts as rewritten. Tables with keys to other tables (fu_users, tokens) cannot be
 * swapped this way (LIKE does not copy foreign keys) and are rewritten in place.
 */
async function rebuildCaptured(
  sequelize: Sequelize,
  label: string,
  table: (typeof SNAPSHOT_TABLES)[number],
  columns: string[],
  t: Transaction,
): Promise<{ rewritten: number; newer: number }> {
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

async function rewriteCaptured(
  sequelize: Sequelize,
  label: string,
  table: (typeof SNAPSHOT_TABLES)[number],
  columns: string[],
  t: Transaction,
): Promise<{ rewritten: number; newer: number }> {
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

async function reapplyPasswordChanges(
  sequelize: Sequelize,
  changes: PasswordChange[],
  t: Transaction,
): Promise<number> {
  for (const change of changes) {
    const key = SNAPSHOT_TABLES.find((x) => x.name === change.table)!.key;
    const set = Object.keys(change.values).map((c) => `${c} = :${c}`);
    await sequelize.query(
      `UPDATE ${change.table} SET ${set.join(', ')}, updated_at = :updatedAt WHERE ${key} = :key`,
      {
        replacements: { ...change.values, updatedAt: change.updatedAt, key: change.key },
        transaction: t,
      },
    );
  }
  return changes.length;
}
