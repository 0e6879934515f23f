/**
 * The reversible snapshot (docs/design/design.md invariant 5): `create` copies `users`, `fu_users`,
 * `fu_access_tokens` and `oauth_accounts` into tables of the `authshift_snapshots` schema, all from one
 * REPEATABLE READ view, with a manifest (label, origin, time, row counts, checksums, columns).
 * `restore` (snapshot-restore.ts) makes every captured row byte-identical again and keeps what
 * happened after the snapshot that must not be lost; `prune` applies retention.
 * Snapshots never leave the database; nothing outside this folder reads them.
 */
import { QueryTypes, Transaction, type Sequelize } from 'sequelize';
import { validateForeignKeys } from '../consolidation/table-swap.js';
import { excludeCutover } from '../db/cutover-exclusion.js';
import {
  listManifests,
  readManifest,
  snapshotExists,
  SnapshotError,
  type Manifest,
  type ManifestTable,
  type SnapshotOrigin,
} from './snapshot-manifest.js';
import {
  holdOffWriters,
  restoreInTransaction,
  restoreLocks,
  verifyCopies,
  type RestoreReport,
} from './snapshot-restore.js';
import {
  CHECKSUM_METHOD,
  columnsOf,
  isLaterSnapshotTable,
  pinTextForm,
  SNAPSHOT_MANIFEST_TABLE,
  SNAPSHOT_TABLES,
  snapshotRelation,
  tableFigures,
  validLabel,
  type SnapshotTableName,
  type TableFigures,
} from './snapshot-sql.js';

export {
  SnapshotError,
  type Manifest,
  type ManifestTable,
  type SnapshotOrigin,
} from './snapshot-manifest.js';
export type { RestoreReport } from './snapshot-restore.js';

/** The tables given columns, in capture order. */
const captured = <T>(byTable: Partial<Record<SnapshotTableName, T>>): [SnapshotTableName, T][] =>
  SNAPSHOT_TABLES.flatMap(({ name }) =>
    byTable[name] === undefined ? [] : [[name, byTable[name]] as [SnapshotTableName, T]],
  );

export function createSnapshotService(sequelize: Sequelize) {
  const repeatable = <T>(work: (t: Transaction) => Promise<T>) =>
    sequelize.transaction(
      { isolationLevel: Transaction.ISOLATION_LEVELS.REPEATABLE_READ },
      async (t) => {
        await pinTextForm(sequelize, t);
        return work(t);
      },
    );

  /** Which of the captured tables exist now (a phase lacks some). */
  async function userTables(t?: Transaction): Promise<Set<string>> {
    const rows = await sequelize.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c
        WHERE c.relkind = 'r' AND c.relname IN (:names) AND pg_table_is_visible(c.oid)`,
      {
        replacements: { names: SNAPSHOT_TABLES.map(({ name }) => name) },
        type: QueryTypes.SELECT,
        ...(t ? { transaction: t } : {}),
      },
    );
    return new Set(rows.map(({ name }) => name));
  }

  async function checksums(
    columns: Partial<Record<SnapshotTableName, string[]>>,
    t: Transaction,
  ): Promise<Partial<Record<SnapshotTableName, TableFigures>>> {
    const out: Partial<Record<SnapshotTableName, TableFigures>> = {};
    for (const [name, list] of captured(columns))
      out[name] = await tableFigures(sequelize, name, t, {
        method: CHECKSUM_METHOD,
        columns: list,
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

  async function copyTables(
    label: string,
    origin: SnapshotOrigin,
    t: Transaction,
  ): Promise<Manifest> {
    if (await snapshotExists(sequelize, label, t))
      throw new SnapshotError('SNAPSHOT_EXISTS', `snapshot ${label} already exists`);
    const columns: Partial<Record<SnapshotTableName, string[]>> = {};
    for (const { name } of SNAPSHOT_TABLES) {
      const list = await columnsOf(sequelize, 'public', name, t);
      // A database not yet migrated to a later table has none to capture (no columns: no table).
      if (list.length > 0 || !isLaterSnapshotTable(name)) columns[name] = list;
    }
    const copy = async () => {
      for (const [name] of captured(columns))
        await sequelize.query(
          `CREATE TABLE ${snapshotRelation(label, name)} AS SELECT * FROM ${name}`,
          {
            transaction: t,
          },
        );
    };
    const [, sums] = await Promise.all([
      copy(),
      alongside(t, (reader) => checksums(columns, reader)),
    ]);
    const tables: Partial<Record<SnapshotTableName, ManifestTable>> = {};
    for (const [name, list] of captured(columns))
      tables[name] = { ...sums[name]!, columns: list, method: CHECKSUM_METHOD };
    const [row] = await sequelize.query<{ taken_at: Date }>(
      `INSERT INTO ${SNAPSHOT_MANIFEST_TABLE} (label, taken_at, origin, tables)
       VALUES (:label, now(), :origin, :tables::jsonb) RETURNING taken_at`,
      {
        replacements: { label, origin, tables: JSON.stringify(tables) },
        type: QueryTypes.SELECT,
        transaction: t,
      },
    );
    return {
      label,
      takenAt: row!.taken_at,
      restoredAt: null,
      origin,
      tables: tables as Manifest['tables'],
    };
  }

  async function drop(label: string): Promise<void> {
    await sequelize.transaction(async (t) => {
      await readManifest(sequelize, label, t);
      for (const { name } of SNAPSHOT_TABLES)
        await sequelize.query(`DROP TABLE IF EXISTS ${snapshotRelation(label, name)}`, {
          transaction: t,
        });
      await sequelize.query(`DELETE FROM ${SNAPSHOT_MANIFEST_TABLE} WHERE label = :label`, {
        replacements: { label },
        transaction: t,
      });
    });
  }

  return {
    async create(label: string, origin: SnapshotOrigin = 'manual'): Promise<Manifest> {
      if (!validLabel(label))
        throw new SnapshotError(
          'SNAPSHOT_LABEL',
          `label must match [a-z0-9][a-z0-9_-]{0,40}: ${label}`,
        );
      return repeatable((t) => copyTables(label, origin, t));
    },

    /** Every snapshot, oldest first, with the space its copies take. */
    list: () => listManifests(sequelize),

    read: (label: string) => readManifest(sequelize, label),

    exists: (label: string) => snapshotExists(sequelize, label),

    /** Empty when the copies still match their manifest; otherwise what differs. */
    verify: (label: string) =>
      repeatable(async (t) => verifyCopies(sequelize, await readManifest(sequelize, label, t), t)),

    async restore(label: string): Promise<RestoreReport> {
      // Which tables to hold is known before the transaction, so that holding them is its first
      // query (src/snapshot/snapshot-restore.ts, holdOffWriters).
      const locks = restoreLocks(await readManifest(sequelize, label), await userTables());
      const report = await repeatable(async (t) => {
        await holdOffWriters(sequelize, locks, t);
        await excludeCutover(sequelize, t, 'restore');
        const manifest = await readManifest(sequelize, label, t);
        if (restoreLocks(manifest, await userTables(t)).join() !== locks.join())
          throw new SnapshotError(
            'SNAPSHOT_SHAPE',
            `the tables changed while the restore of ${label} started: re-run it`,
          );
        return restoreInTransaction(sequelize, manifest, t);
      });
      // users was swapped for its rebuilt copy: the keys pointing at it come back NOT VALID.
      await validateForeignKeys(sequelize, 'users', () => undefined);
      return report;
    },

    drop,

    /**
     * Drops all but the `keep` newest snapshots — automatic ones only, unless `includeManual` —
     * never one in `protect`. Returns the labels dropped, oldest first (none: nothing to do).
     */
    async prune(options: {
      keep: number;
      includeManual?: boolean;
      protect?: string[];
    }): Promise<string[]> {
      const candidates = (await listManifests(sequelize)).filter(
        (m) =>
          (options.includeManual || m.origin !== 'manual') && !options.protect?.includes(m.label),
      );
      const doomed = candidates.slice(0, Math.max(0, candidates.length - options.keep));
      for (const m of doomed) await drop(m.label);
      return doomed.map((m) => m.label);
    },
  };
}

export type SnapshotService = ReturnType<typeof createSnapshotService>;
