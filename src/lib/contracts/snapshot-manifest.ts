/**
 * The snapshot manifest (`authshift_snapshots.manifest`) as the snapshot commands write it and the
 * proxy's dashboard reads it: one declaration of the row for both (test/integration/db/
 * database-contract compares the columns with the live table).
 */
import { rowColumns } from './row-columns.js';

export const SNAPSHOT_SCHEMA = 'authshift_snapshots';
export const SNAPSHOT_MANIFEST_TABLE = `${SNAPSHOT_SCHEMA}.manifest`;

/** Which command took a snapshot: retention only ever drops automatic ones. */
export const SNAPSHOT_ORIGINS = ['manual', 'cutover', 'dedupe', 'reconcile'] as const;
export type SnapshotOrigin = (typeof SNAPSHOT_ORIGINS)[number];

/**
 * How a manifest's checksums were computed. `row-hash`: the sum of a 64-bit hash of every row
 * (hash_record_extended over the columns, each by its type's own hash: no text rendering, about
 * a sixth of the cost). `row-text`: the same over the rows' text form; what manifests written
 * before `row-hash` existed use, still verified that way.
 */
export type ChecksumMethod = 'row-hash' | 'row-text';

/** One table's figures in `manifest.tables` (JSONB). */
export interface ManifestTable {
  rows: number;
  checksum: string;
  columns: string[];
  /** Absent in manifests written before row hashes: those are `row-text`. */
  method?: ChecksumMethod;
}

/** A manifest row as PostgreSQL returns it; `Table` narrows the keys of `tables`. */
export interface SnapshotManifestRow<Table extends string = string> {
  label: string;
  taken_at: Date;
  restored_at: Date | null;
  origin: SnapshotOrigin;
  tables: Record<Table, ManifestTable>;
}

/** Every column of the manifest table. */
export const SNAPSHOT_MANIFEST_COLUMNS = rowColumns<SnapshotManifestRow>()([
  'label',
  'taken_at',
  'restored_at',
  'origin',
  'tables',
]);
