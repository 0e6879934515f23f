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
 * How the checksums of manifests written before `row-writer` were computed. `row-hash`: the sum
 * of a 64-bit hash of every row (hash_record_extended over the columns, each by its type's own
 * hash: no text rendering, about a sixth of the cost). `row-text`: the same over the rows' text
 * form. Both are still verified that way.
 */
export type ChecksumMethod = 'row-hash' | 'row-text';

/**
 * How a manifest proves its copies unchanged since capture. `row-writer` (snapshots taken now): the
 * copy's row count and the id of the transaction that wrote it (`writer`), which every row carries
 * as its `xmin` until an UPDATE, INSERT or DELETE (even one putting the same value back) writes a
 * row version of another transaction; it costs nothing at capture and a count to check. The
 * checksum methods: a content checksum (`checksum`) taken from the source at capture.
 */
export type ProofMethod = ChecksumMethod | 'row-writer';

/** One table's figures in `manifest.tables` (JSONB). */
export interface ManifestTable {
  rows: number;
  /** `row-hash` and `row-text` manifests: the content checksum of the captured rows. */
  checksum?: string;
  /** `row-writer` manifests: the 32-bit id of the transaction that wrote the copy (null: no rows). */
  writer?: string | null;
  columns: string[];
  /** Absent in manifests written before row hashes: those are `row-text`. */
  method?: ProofMethod;
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
