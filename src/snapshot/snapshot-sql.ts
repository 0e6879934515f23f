import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

/** The tables a snapshot captures, each with its key. */
export const SNAPSHOT_TABLES = [
  { name: 'users', key: 'id' },
  { name: 'fu_users', key: 'id' },
  { name: 'fu_access_tokens', key: 'token' },
] as const;

export type SnapshotTableName = (typeof SNAPSHOT_TABLES)[number]['name'];
export const SNAPSHOT_SCHEMA = 'authshift_snapshots';

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

/**
 * Row count and an order-independent checksum of the rows' text form (every column, byte for
 * byte as PostgreSQL renders it). One sequential scan, no sort: cheap enough for a million rows.
 * Callers pin TimeZone (see pinTextForm) so timestamps render the same in every session.
 */
export async function tableFigures(
  sequelize: Sequelize,
  from: string,
  transaction?: Transaction,
): Promise<TableFigures> {
  const [row] = await sequelize.query<{ rows: string; checksum: string }>(
    `SELECT count(*) AS rows, COALESCE(sum(hashtextextended(t::text, 0)), 0)::text AS checksum
       FROM ${from} t`,
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
