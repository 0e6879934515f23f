import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import {
  SNAPSHOT_MANIFEST_TABLE,
  SNAPSHOT_SCHEMA,
  type ChecksumMethod,
} from '../lib/contracts/snapshot-manifest.js';

export { SNAPSHOT_MANIFEST_TABLE, SNAPSHOT_SCHEMA, type ChecksumMethod };

/**
 * The tables a snapshot captures, each with its key (and `unique`: a second key the restore checks
 * rows made since against), in restore order: a table comes after the
 * ones its foreign keys point at (OAuth links follow fu_users in phase 1, users once consolidated).
 */
export const SNAPSHOT_TABLES = [
  { name: 'users', key: 'id' },
  { name: 'fu_users', key: 'id' },
  { name: 'fu_access_tokens', key: 'token' },
  // One link per provider account: a link made since may hold one a captured link held.
  { name: 'oauth_accounts', key: 'id', unique: ['oauth_name', 'account_id'] },
] as const;

export type SnapshotTableName = (typeof SNAPSHOT_TABLES)[number]['name'];

/**
 * Tables captured only since a later release: manifests written before lack them (verify skips
 * them, restore leaves them as they are), and a database without the table yet snapshots without it.
 */
export const LATER_SNAPSHOT_TABLES = ['oauth_accounts'] as const satisfies SnapshotTableName[];
export type LaterSnapshotTableName = (typeof LATER_SNAPSHOT_TABLES)[number];

export function isLaterSnapshotTable(name: SnapshotTableName): name is LaterSnapshotTableName {
  return (LATER_SNAPSHOT_TABLES as readonly string[]).includes(name);
}

const LABEL = /^[a-z0-9][a-z0-9_-]{0,40}$/;

export function validLabel(label: string): boolean {
  return LABEL.test(label);
}

export function snapshotRelation(label: string, table: SnapshotTableName): string {
  if (!validLabel(label)) throw new Error(`invalid snapshot label: ${label}`);
  return `${SNAPSHOT_SCHEMA}."${label}__${table}"`;
}

export interface TableFigures {
  rows: number;
  checksum: string;
}

export const CHECKSUM_METHOD: ChecksumMethod = 'row-hash';

// information_schema data types whose default hash opclass has an extended (64-bit) function;
// any other column (json, …) is hashed by its text form.
const HASHABLE = new Set([
  'smallint',
  'integer',
  'bigint',
  'boolean',
  'uuid',
  'text',
  'character varying',
  'character',
  'timestamp with time zone',
  'timestamp without time zone',
  'date',
  'numeric',
  'bytea',
  'jsonb',
]);

/** The per-row hash of `row-hash` for columns given as `name data_type` (columnsOf). */
export function rowHashExpression(alias: string, columns: string[]): string {
  const fields = columns.map((spec) => {
    const [name, ...type] = spec.split(' ');
    const column = `${alias}."${name!.replace(/"/g, '""')}"`;
    return HASHABLE.has(type.join(' ')) ? column : `${column}::text`;
  });
  return `hash_record_extended(ROW(${fields.join(', ')}), 0)`;
}

/**
 * Row count and an order-independent checksum (a sum, so no sort) of every column of every row,
 * in one sequential scan. With `row-text`, callers pin TimeZone (see pinTextForm) so timestamps
 * render the same in every session.
 */
export async function tableFigures(
  sequelize: Sequelize,
  from: string,
  transaction?: Transaction,
  hashing: { method: ChecksumMethod; columns: string[] } = { method: 'row-text', columns: [] },
): Promise<TableFigures> {
  const hash =
    hashing.method === 'row-hash'
      ? rowHashExpression('t', hashing.columns)
      : 'hashtextextended(t::text, 0)';
  const [row] = await sequelize.query<{ rows: string; checksum: string }>(
    `SELECT count(*) AS rows, COALESCE(sum(${hash}), 0)::text AS checksum FROM ${from} t`,
    { type: QueryTypes.SELECT, transaction },
  );
  return { rows: Number(row?.rows ?? 0), checksum: row?.checksum ?? '0' };
}

export async function pinTextForm(sequelize: Sequelize, transaction: Transaction): Promise<void> {
  await sequelize.query(`SET LOCAL TimeZone = 'UTC'`, { transaction });
  await sequelize.query(`SET LOCAL DateStyle = 'ISO, YMD'`, { transaction });
  await sequelize.query(`SET LOCAL extra_float_digits = 3`, { transaction });
}

/** Column names of a table in order (`schema.table` or a public table). */
export async function columnsOf(
  sequelize: Sequelize,
  schema: string,
  table: string,
  transaction?: Transaction,
): Promise<string[]> {
  const rows = await sequelize.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns
      WHERE table_schema = :schema AND table_name = :table ORDER BY ordinal_position`,
    { replacements: { schema, table }, type: QueryTypes.SELECT, transaction },
  );
  return rows.map((r) => `${r.column_name} ${r.data_type}`);
}
