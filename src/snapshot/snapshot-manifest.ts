import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import {
  SNAPSHOT_MANIFEST_TABLE,
  SNAPSHOT_ORIGINS,
  type ManifestTable,
  type SnapshotManifestRow,
  type SnapshotOrigin,
} from '../lib/contracts/snapshot-manifest.js';
import {
  SNAPSHOT_TABLES,
  snapshotRelation,
  type LaterSnapshotTableName,
  type SnapshotTableName,
} from './snapshot-sql.js';

export type { ManifestTable, SnapshotOrigin };
export { SNAPSHOT_ORIGINS };

/** A manifest's tables: the later ones are absent from manifests written before they were captured. */
export type ManifestTables = Record<
  Exclude<SnapshotTableName, LaterSnapshotTableName>,
  ManifestTable
> &
  Partial<Record<LaterSnapshotTableName, ManifestTable>>;

export interface Manifest {
  label: string;
  takenAt: Date;
  restoredAt: Date | null;
  origin: SnapshotOrigin;
  tables: ManifestTables;
}

export type SnapshotTable = (typeof SNAPSHOT_TABLES)[number];

/** The tables this manifest captured, in restore order, each with its figures. */
export function capturedTables(
  manifest: Pick<Manifest, 'tables'>,
): { table: SnapshotTable; figures: ManifestTable }[] {
  return SNAPSHOT_TABLES.flatMap((table) => {
    const figures: ManifestTable | undefined = manifest.tables[table.name];
    return figures ? [{ table, figures }] : [];
  });
}

/** The tables a snapshot captures now that this manifest lacks (it predates them). */
export function uncapturedTables(manifest: Pick<Manifest, 'tables'>): SnapshotTableName[] {
  return SNAPSHOT_TABLES.filter(({ name }) => !manifest.tables[name]).map(({ name }) => name);
}

export class SnapshotError extends Error {
  constructor(
    readonly code:
      | 'SNAPSHOT_EXISTS'
      | 'SNAPSHOT_NOT_FOUND'
      | 'SNAPSHOT_CORRUPT'
      | 'SNAPSHOT_SHAPE'
      | 'SNAPSHOT_LABEL'
      | 'SNAPSHOT_RESTORE_MISMATCH'
      | 'SNAPSHOT_CONFLICT',
    message: string,
  ) {
    super(message);
    this.name = 'SnapshotError';
  }
}

type ManifestRow = SnapshotManifestRow<SnapshotTableName>;

const toManifest = (row: ManifestRow): Manifest => ({
  label: row.label,
  takenAt: row.taken_at,
  restoredAt: row.restored_at,
  origin: row.origin,
  tables: row.tables,
});

export async function readManifest(
  sequelize: Sequelize,
  label: string,
  transaction?: Transaction,
): Promise<Manifest> {
  const [row] = await sequelize.query<ManifestRow>(
    `SELECT label, taken_at, restored_at, origin, tables FROM ${SNAPSHOT_MANIFEST_TABLE} WHERE label = :label`,
    { replacements: { label }, type: QueryTypes.SELECT, transaction },
  );
  if (!row) throw new SnapshotError('SNAPSHOT_NOT_FOUND', `no snapshot labelled ${label}`);
  return toManifest(row);
}

export async function snapshotExists(
  sequelize: Sequelize,
  label: string,
  transaction?: Transaction,
) {
  const rows = await sequelize.query(
    `SELECT 1 FROM ${SNAPSHOT_MANIFEST_TABLE} WHERE label = :label`,
    {
      replacements: { label },
      type: QueryTypes.SELECT,
      transaction,
    },
  );
  return rows.length > 0;
}

/** Every manifest, oldest first, with the disk space its copies take. */
export async function listManifests(
  sequelize: Sequelize,
): Promise<(Manifest & { sizeBytes: number })[]> {
  const rows = await sequelize.query<ManifestRow>(
    `SELECT label, taken_at, restored_at, origin, tables FROM ${SNAPSHOT_MANIFEST_TABLE}
      ORDER BY taken_at, label`,
    { type: QueryTypes.SELECT },
  );
  return Promise.all(
    rows.map(async (row) => ({
      ...toManifest(row),
      sizeBytes: await sizeOf(sequelize, row.label),
    })),
  );
}

async function sizeOf(sequelize: Sequelize, label: string): Promise<number> {
  const relations = SNAPSHOT_TABLES.map(({ name }) => snapshotRelation(label, name));
  const [row] = await sequelize.query<{ bytes: string | null }>(
    `SELECT sum(pg_total_relation_size(to_regclass(r))) AS bytes FROM unnest(ARRAY[:relations]) AS r`,
    { replacements: { relations }, type: QueryTypes.SELECT },
  );
  return Number(row?.bytes ?? 0);
}

/** 1536 → "1.5 kB" (powers of 1024, as PostgreSQL's pg_size_pretty). */
export function formatSize(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
