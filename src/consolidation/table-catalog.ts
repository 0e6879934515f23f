import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

/**
 * What an online rebuild must carry from the live table to its replacement, read from the
 * catalog: a renamed table keeps its OID, so everything bound to the OID (foreign keys pointing
 * at it, views, owned sequences, grants) has to be re-pointed explicitly at the swap.
 */
export interface TableIndex {
  name: string;
  /** pg_get_indexdef: `CREATE [UNIQUE] INDEX name ON public.table USING …`. */
  indexdef: string;
  /** Set when the index backs a PRIMARY KEY, UNIQUE or EXCLUDE constraint. */
  constraintDef: string | null;
}

export interface IncomingForeignKey {
  table: string;
  name: string;
  /** pg_get_constraintdef: `FOREIGN KEY (…) REFERENCES users(…) …`, bound by name again. */
  definition: string;
  validated: boolean;
}

export interface DependentView {
  name: string;
  definition: string;
  options: string[] | null;
}

export interface TableTrigger {
  name: string;
  definition: string;
  /** pg_trigger.tgenabled: O enabled, D disabled, R replica, A always. */
  enabled: string;
}

export interface TableGrants {
  owner: string;
  grants: { grantee: string; privilege: string; grantable: boolean }[];
}

type Select = <T extends object>(sql: string) => Promise<T[]>;

const selector =
  (sequelize: Sequelize, table: string, transaction?: Transaction): Select =>
  <T extends object>(sql: string) =>
    sequelize.query<T>(sql, { type: QueryTypes.SELECT, transaction, replacements: { table } });

export async function tableIndexes(
  sequelize: Sequelize,
  table: string,
  transaction?: Transaction,
): Promise<TableIndex[]> {
  return selector(
    sequelize,
    table,
    transaction,
  )<TableIndex>(`
    SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS indexdef,
           pg_get_constraintdef(con.oid) AS "constraintDef"
      FROM pg_index i
      JOIN pg_class c ON c.oid = i.indexrelid
      LEFT JOIN pg_constraint con
        ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')
     WHERE i.indrelid = :table::regclass
     ORDER BY c.relname`);
}

export async function incomingForeignKeys(
  sequelize: Sequelize,
  table: string,
  transaction?: Transaction,
): Promise<IncomingForeignKey[]> {
  return selector(
    sequelize,
    table,
    transaction,
  )<IncomingForeignKey>(`
    SELECT conrelid::regclass::text AS table, conname AS name,
           pg_get_constraintdef(oid) AS definition, convalidated AS validated
      FROM pg_constraint
     WHERE confrelid = :table::regclass AND contype = 'f' AND conrelid <> :table::regclass
     ORDER BY 1, 2`);
}

export async function dependentViews(
  sequelize: Sequelize,
  table: string,
  transaction?: Transaction,
): Promise<DependentView[]> {
  return selector(
    sequelize,
    table,
    transaction,
  )<DependentView>(`
    SELECT DISTINCT v.oid::regclass::text AS name, pg_get_viewdef(v.oid) AS definition,
           v.reloptions AS options
      FROM pg_depend d
      JOIN pg_rewrite r ON r.oid = d.objid
      JOIN pg_class v ON v.oid = r.ev_class
     WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = :table::regclass
       AND v.oid <> :table::regclass AND v.relkind = 'v'
     ORDER BY 1`);
}

export async function tableTriggers(
  sequelize: Sequelize,
  table: string,
  transaction?: Transaction,
): Promise<TableTrigger[]> {
  return selector(
    sequelize,
    table,
    transaction,
  )<TableTrigger>(`
    SELECT tgname AS name, pg_get_triggerdef(oid) AS definition, tgenabled AS enabled
      FROM pg_trigger WHERE tgrelid = :table::regclass AND NOT tgisinternal ORDER BY tgname`);
}

/** Sequences owned by a column (SERIAL): dropping the old table would drop them with it. */
export async function ownedSequences(
  sequelize: Sequelize,
  table: string,
  transaction?: Transaction,
): Promise<{ sequence: string; column: string }[]> {
  return selector(
    sequelize,
    table,
    transaction,
  )<{ sequence: string; column: string }>(`
    SELECT s.oid::regclass::text AS sequence, a.attname AS column
      FROM pg_depend d
      JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
      JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
     WHERE d.classid = 'pg_class'::regclass AND d.refobjid = :table::regclass AND d.deptype = 'a'`);
}

export async function tableGrants(
  sequelize: Sequelize,
  table: string,
  transaction?: Transaction,
): Promise<TableGrants> {
  const select = selector(sequelize, table, transaction);
  const [owner] = await select<{ owner: string }>(
    `SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE oid = :table::regclass`,
  );
  const grants = await select<{ grantee: string; privilege: string; grantable: boolean }>(`
    SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END AS grantee,
           a.privilege_type AS privilege, a.is_grantable AS grantable
      FROM pg_class c, aclexplode(c.relacl) a
     WHERE c.oid = :table::regclass AND a.grantee <> c.relowner
     ORDER BY 1, 2`);
  return { owner: owner!.owner, grants };
}

/**
 * What a rebuild by `CREATE TABLE … (LIKE …)` and `INSERT … SELECT` cannot carry over faithfully;
 * each is refused up front with the reason rather than lost at the swap.
 */
export async function unsupportedFeatures(
  sequelize: Sequelize,
  table: string,
  transaction?: Transaction,
): Promise<string[]> {
  const [row] = await selector(
    sequelize,
    table,
    transaction,
  )<{
    identity: string | null;
    generated: string | null;
    outgoing: string | null;
    materialized: string | null;
    inherited: boolean;
    columnGrants: boolean;
    rowSecurity: boolean;
  }>(`
    SELECT (SELECT string_agg(attname, ', ') FROM pg_attribute
             WHERE attrelid = :table::regclass AND attidentity <> '' AND NOT attisdropped) AS identity,
           (SELECT string_agg(attname, ', ') FROM pg_attribute
             WHERE attrelid = :table::regclass AND attgenerated <> '' AND NOT attisdropped) AS generated,
           (SELECT string_agg(conname, ', ') FROM pg_constraint
             WHERE conrelid = :table::regclass AND contype = 'f') AS outgoing,
           (SELECT string_agg(DISTINCT v.oid::regclass::text, ', ')
              FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class
             WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = :table::regclass
               AND v.relkind = 'm') AS materialized,
           EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = :table::regclass OR inhparent = :table::regclass) AS inherited,
           EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = :table::regclass AND attacl IS NOT NULL) AS "columnGrants",
           (SELECT relrowsecurity FROM pg_class WHERE oid = :table::regclass) AS "rowSecurity"`);
  const problems: string[] = [];
  if (row?.identity) problems.push(`identity column(s) ${row.identity}`);
  if (row?.generated) problems.push(`generated column(s) ${row.generated}`);
  if (row?.outgoing) problems.push(`foreign key(s) to other tables: ${row.outgoing}`);
  if (row?.materialized) problems.push(`materialized view(s) on it: ${row.materialized}`);
  if (row?.inherited) problems.push('table inheritance or partitioning');
  if (row?.columnGrants) problems.push('column-level grants');
  if (row?.rowSecurity) problems.push('row-level security');
  return problems;
}
