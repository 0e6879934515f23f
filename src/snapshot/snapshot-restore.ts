/**
 * `restore`, step by step, in one REPEATABLE READ transaction that holds off every writer of the
 * user tables: check the copies and the shape → capture password changes made since → write each
 * table back (verified against its manifest) → align new-engine rows created since with their
 * restored legacy twin → re-apply the password changes → reset the id sequence → mark restored.
 * The result is one consistent state: captured rows as they were, accounts created since kept,
 * and no twin pair left disagreeing because of the restore.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { SYNC_GUARD } from '../consolidation/sync-back.js';
import { unsupportedFeatures } from '../consolidation/table-catalog.js';
import { LEGACY_ACTIVE, LEGACY_SUPERUSER, LEGACY_VERIFIED } from '../twins/twin-fields.js';
import { findDriftedTwins } from '../twins/twin-drift.js';
import {
  capturedTables,
  SnapshotError,
  uncapturedTables,
  type Manifest,
  type ManifestTable,
} from './snapshot-manifest.js';
import {
  capturePasswordChanges,
  rebuildCaptured,
  reapplyPasswordChanges,
  rewriteCaptured,
  type SnapshotTable,
} from './snapshot-rows.js';
import {
  columnsOf,
  SNAPSHOT_MANIFEST_TABLE,
  snapshotRelation,
  tableFigures,
  type ChecksumMethod,
  type SnapshotTableName,
} from './snapshot-sql.js';

export interface RestoreReport {
  label: string;
  /** Captured rows written back because they differed or were gone (users: all, it is rebuilt). */
  rewritten: Partial<Record<SnapshotTableName, number>>;
  /** Rows created after the snapshot (accounts, tokens, OAuth links), kept as they are. */
  keptNewer: Partial<Record<SnapshotTableName, number>>;
  /** Tables the snapshot predates capturing (an older manifest): left as they are. */
  leftAsIs: SnapshotTableName[];
  /** Password changes made after the snapshot, re-applied on top of it. */
  passwordChangesReapplied: number;
  /** New-engine rows created since (lazy imports) set to what their restored legacy twin says. */
  twinsAligned: number;
  /** Twin pairs that disagree after the restore (the snapshot itself held them so). */
  twinsDisagreeing: number;
}

export function hashingOf(table: ManifestTable): { method: ChecksumMethod; columns: string[] } {
  return { method: table.method ?? 'row-text', columns: table.columns };
}

/** Empty when the copies still match their manifest; otherwise what differs. */
export async function verifyCopies(
  sequelize: Sequelize,
  manifest: Manifest,
  t: Transaction,
): Promise<string[]> {
  const problems: string[] = [];
  for (const {
    table: { name },
    figures: want,
  } of capturedTables(manifest)) {
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

async function checkRestorable(
  sequelize: Sequelize,
  manifest: Manifest,
  t: Transaction,
): Promise<void> {
  const problems = await verifyCopies(sequelize, manifest, t);
  if (problems.length > 0)
    throw new SnapshotError(
      'SNAPSHOT_CORRUPT',
      `snapshot ${manifest.label} does not match its manifest: ${problems.join('; ')}`,
    );
  for (const {
    table: { name },
    figures,
  } of capturedTables(manifest)) {
    const live = await columnsOf(sequelize, 'public', name, t);
    if (live.join(',') !== figures.columns.join(','))
      throw new SnapshotError(
        'SNAPSHOT_SHAPE',
        `${name} has changed shape since ${manifest.label} was taken (consolidated or rolled back since?): migrate it back to the phase the snapshot was taken in first`,
      );
  }
}

/**
 * The tables a restore of `manifest` holds, in the order their writers take them (the user tables
 * before the links that point at them), among `existing` (a table the phase does not have is
 * the shape check's to refuse, with its reason).
 */
export function restoreLocks(manifest: Manifest, existing: ReadonlySet<string>): string[] {
  return capturedTables(manifest)
    .map(({ table }) => table.name)
    .filter((name) => existing.has(name));
}

/**
 * Serialises with every writer of the user tables. It must be the restore transaction's first
 * query: a REPEATABLE READ transaction sees the data as of its first query, and an account
 * committed between that query and this lock would be invisible to the restore, then lost with
 * the old `users` table when the rebuilt one is swapped in.
 */
export async function holdOffWriters(
  sequelize: Sequelize,
  tables: readonly string[],
  t: Transaction,
): Promise<void> {
  if (tables.length === 0) return;
  await sequelize.query(`LOCK TABLE ${tables.join(', ')} IN SHARE ROW EXCLUSIVE MODE`, {
    transaction: t,
  });
}

/**
 * Rows made since that hold a unique value a captured row holds (a provider account linked
 * to another user after being unlinked): keeping them and restoring the captured row cannot both
 * happen, and which one wins is the operator's call: the restore refuses (and changes nothing).
 */
async function refuseNewerConflicts(
  sequelize: Sequelize,
  label: string,
  table: SnapshotTable,
  t: Transaction,
): Promise<void> {
  if (!('unique' in table)) return;
  const snapshot = snapshotRelation(label, table.name);
  const same = table.unique.map((c) => `l.${c} = s.${c}`).join(' AND ');
  const [row] = await sequelize.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${table.name} l JOIN ${snapshot} s ON ${same}
      WHERE NOT EXISTS (SELECT 1 FROM ${snapshot} c WHERE c.${table.key} = l.${table.key})`,
    { type: QueryTypes.SELECT, transaction: t },
  );
  const n = Number(row?.n ?? 0);
  if (n > 0)
    throw new SnapshotError(
      'SNAPSHOT_CONFLICT',
      `${table.name}: ${n} row(s) made since ${label} hold the (${table.unique.join(', ')}) of a captured row; remove them (or take a new snapshot) before restoring ${label}`,
    );
}

async function restoreTable(
  sequelize: Sequelize,
  manifest: Manifest,
  table: SnapshotTable,
  t: Transaction,
): Promise<{ rewritten: number; newer: number }> {
  const want = manifest.tables[table.name]!;
  const columns = want.columns.map((c) => c.split(' ')[0]!);
  await refuseNewerConflicts(sequelize, manifest.label, table, t);
  const rebuild =
    table.name === 'users' && (await unsupportedFeatures(sequelize, table.name, t)).length === 0;
  const counts = rebuild
    ? await rebuildCaptured(sequelize, manifest.label, table, columns, t)
    : await rewriteCaptured(sequelize, manifest.label, table, columns, t);
  const after = await tableFigures(
    sequelize,
    `(SELECT l.* FROM ${table.name} l JOIN ${snapshotRelation(manifest.label, table.name)} s USING (${table.key})) `,
    t,
    hashingOf(want),
  );
  if (after.rows !== want.rows || after.checksum !== want.checksum)
    throw new SnapshotError(
      'SNAPSHOT_RESTORE_MISMATCH',
      `${table.name} after restore: ${after.rows} rows / ${after.checksum}, snapshot ${want.rows} / ${want.checksum}`,
    );
  return counts;
}

/**
 * A legacy user imported into the new engine after the snapshot has a new-engine row the
 * snapshot does not know, beside a legacy twin the restore just set back. The twin wins: the
 * new-engine row gets the restored e-mail and flags (a promotion or deactivation made since is
 * undone on both engines, as on the captured rows). Phase 1 only (phase 2 has one table).
 */
async function alignImportedTwins(
  sequelize: Sequelize,
  manifest: Manifest,
  t: Transaction,
): Promise<number> {
  if (manifest.tables.users.columns.some((c) => c.startsWith('uuid '))) return 0;
  const snapshotUsers = snapshotRelation(manifest.label, 'users');
  const snapshotFu = snapshotRelation(manifest.label, 'fu_users');
  const [row] = await sequelize.query<{ n: string }>(
    `WITH w AS (
       UPDATE fu_users f SET email = u.email, is_active = ${LEGACY_ACTIVE},
              is_superuser = ${LEGACY_SUPERUSER}, is_verified = ${LEGACY_VERIFIED}
         FROM users u
        WHERE f.legacy_user_id = u.id
          AND EXISTS (SELECT 1 FROM ${snapshotUsers} s WHERE s.id = u.id)
          AND NOT EXISTS (SELECT 1 FROM ${snapshotFu} s WHERE s.id = f.id)
          AND (f.email, f.is_active, f.is_superuser, f.is_verified)
              IS DISTINCT FROM (u.email, ${LEGACY_ACTIVE}, ${LEGACY_SUPERUSER}, ${LEGACY_VERIFIED})
       RETURNING 1)
     SELECT count(*) AS n FROM w`,
    { type: QueryTypes.SELECT, transaction: t },
  );
  return Number(row?.n ?? 0);
}

async function resetUsersSequence(sequelize: Sequelize, t: Transaction): Promise<void> {
  await sequelize.query(
    `SELECT setval(pg_get_serial_sequence('users', 'id'),
                   GREATEST((SELECT COALESCE(max(id), 1) FROM users),
                            (SELECT last_value FROM users_id_seq)))`,
    { transaction: t },
  );
}

async function markRestored(sequelize: Sequelize, label: string, t: Transaction): Promise<void> {
  await sequelize.query(
    `UPDATE ${SNAPSHOT_MANIFEST_TABLE} SET restored_at = now() WHERE label = :label`,
    {
      replacements: { label },
      transaction: t,
    },
  );
}

/**
 * The restore transaction's steps, in order (the caller owns the transaction and has taken
 * `holdOffWriters` as its first query). The phase-2 sync triggers stay quiet.
 */
export async function restoreInTransaction(
  sequelize: Sequelize,
  manifest: Manifest,
  t: Transaction,
): Promise<RestoreReport> {
  await sequelize.query(SYNC_GUARD, { transaction: t });
  await checkRestorable(sequelize, manifest, t);
  const later = await capturePasswordChanges(sequelize, manifest, t);
  const report: RestoreReport = {
    label: manifest.label,
    rewritten: {},
    keptNewer: {},
    leftAsIs: uncapturedTables(manifest),
    passwordChangesReapplied: 0,
    twinsAligned: 0,
    twinsDisagreeing: 0,
  };
  for (const { table } of capturedTables(manifest)) {
    const counts = await restoreTable(sequelize, manifest, table, t);
    report.rewritten[table.name] = counts.rewritten;
    report.keptNewer[table.name] = counts.newer;
  }
  report.twinsAligned = await alignImportedTwins(sequelize, manifest, t);
  report.passwordChangesReapplied = await reapplyPasswordChanges(sequelize, later, t);
  await resetUsersSequence(sequelize, t);
  await markRestored(sequelize, manifest.label, t);
  report.twinsDisagreeing = (await findDriftedTwins(sequelize, { transaction: t })).length;
  return report;
}
