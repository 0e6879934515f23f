/**
 * Putting a freshly built copy of a table in its place, inside the caller's transaction (which
 * holds the locks): a renamed table keeps its OID, so everything bound to the OID — foreign keys
 * pointing at it, views, owned sequences, grants, its triggers — is re-pointed or recreated on the
 * copy. Foreign keys come back NOT VALID (no scan under the lock): validateForeignKeys afterwards.
 * Also the index half of building such a copy (temporary names until the swap).
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { finalIndexName, temporaryIndexName, type RebuildIndex } from './rebuild-shape.js';
import {
  dependentViews,
  incomingForeignKeys,
  ownedSequences,
  tableGrants,
  tableIndexes,
  tableTriggers,
} from './table-catalog.js';

export class RebuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RebuildError';
  }
}

export const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function storageOptions(
  sequelize: Sequelize,
  table: string,
  t?: Transaction,
): Promise<string[]> {
  const [row] = await sequelize.query<{ options: string[] | null }>(
    'SELECT reloptions AS options FROM pg_class WHERE oid = :table::regclass',
    { type: QueryTypes.SELECT, transaction: t, replacements: { table } },
  );
  return row?.options ?? [];
}

/**
 * `CREATE TABLE copy (LIKE table …)` without indexes, with the table's storage parameters (LIKE
 * does not copy them; fillfactor must be in place before rows arrive) and no autovacuum until
 * the swap (one would start after the bulk load and hold off the swap's lock).
 */
export async function createCopyTable(
  sequelize: Sequelize,
  t: Transaction,
  table: string,
  copy: string,
): Promise<void> {
  await sequelize.query(`CREATE TABLE ${copy} (LIKE ${table} INCLUDING ALL EXCLUDING INDEXES)`, {
    transaction: t,
  });
  const options = (await storageOptions(sequelize, table, t)).filter(
    (o) => !o.startsWith('autovacuum_enabled='),
  );
  await sequelize.query(
    `ALTER TABLE ${copy} SET (${[...options, 'autovacuum_enabled = false'].join(', ')})`,
    { transaction: t },
  );
}

/** Tables the swap of `table` takes ACCESS EXCLUSIVE locks on, besides the two tables. */
export async function swapLockSet(
  sequelize: Sequelize,
  t: Transaction,
  table: string,
): Promise<string[]> {
  const foreignKeys = await incomingForeignKeys(sequelize, table, t);
  const views = await dependentViews(sequelize, table, t);
  return [...foreignKeys.map((fk) => fk.table), ...views.map((v) => v.name)];
}

/** Every index of `source` but `drop`, plus `add`, built once each on `target`. */
export async function buildIndexesLike(
  sequelize: Sequelize,
  options: {
    source: string;
    target: string;
    drop: string[];
    add: RebuildIndex[];
    log: (message: string) => void;
    transaction?: Transaction;
  },
): Promise<void> {
  const { source, target, transaction } = options;
  const built = new Set((await tableIndexes(sequelize, target, transaction)).map((i) => i.name));
  const carried = (await tableIndexes(sequelize, source, transaction)).filter(
    (index) => !options.drop.includes(index.name),
  );
  const statements = [
    ...carried.map((index) => {
      const name = temporaryIndexName(index.name);
      const sql = index.constraintDef
        ? `ALTER TABLE ${target} ADD CONSTRAINT ${name} ${index.constraintDef}`
        : retarget(index.indexdef, index.name, name, target);
      return { name, sql };
    }),
    ...options.add.map((index) => {
      const name = temporaryIndexName(index.name);
      return { name, sql: index.definition(target, name) };
    }),
  ];
  for (const { name, sql } of statements) {
    if (built.has(name)) continue;
    const started = Date.now();
    await sequelize.query(sql, { transaction });
    options.log(`index ${finalIndexName(name)} built in ${Date.now() - started} ms`);
  }
}

/** `CREATE … INDEX name ON public.users USING …` → the same index on the shadow. */
export function retarget(indexdef: string, name: string, newName: string, table: string): string {
  const match = /^(CREATE (?:UNIQUE )?INDEX )(\S+)( ON (?:ONLY )?)(\S+)( USING .*)$/s.exec(
    indexdef,
  );
  if (!match || (match[2] !== name && match[2] !== quote(name)))
    throw new RebuildError(`cannot rebuild index ${name}: unexpected definition ${indexdef}`);
  return `${match[1]}${newName}${match[3]}${table}${match[5]}`;
}

/** The swap itself; the caller holds ACCESS EXCLUSIVE on both tables and swapLockSet's. */
export async function replaceTable(
  sequelize: Sequelize,
  t: Transaction,
  options: { table: string; replacement: string; keepTrigger: (name: string) => boolean },
): Promise<void> {
  const q = (sql: string) => sequelize.query(sql, { transaction: t });
  const { table, replacement: shadow } = options;
  const retired = `${table}__retired`;
  const foreignKeys = await incomingForeignKeys(sequelize, table, t);
  const views = await dependentViews(sequelize, table, t);
  const triggers = (await tableTriggers(sequelize, table, t)).filter((tr) =>
    options.keepTrigger(tr.name),
  );
  const sequences = await ownedSequences(sequelize, table, t);
  const grants = await tableGrants(sequelize, table, t);
  const autovacuum = (await storageOptions(sequelize, table, t)).filter((o) =>
    o.startsWith('autovacuum_enabled='),
  );
  const shadowOwner = (await tableGrants(sequelize, shadow, t)).owner;
  // Definitions read above name `users`; once renamed, they bind to the rebuilt table.
  for (const fk of foreignKeys)
    await q(`ALTER TABLE ${fk.table} DROP CONSTRAINT ${quote(fk.name)}`);
  for (const s of sequences)
    await q(`ALTER SEQUENCE ${s.sequence} OWNED BY ${shadow}.${quote(s.column)}`);
  await q(`ALTER TABLE ${table} RENAME TO ${retired}`);
  await q(`ALTER TABLE ${shadow} RENAME TO ${table}`);
  for (const v of views)
    await q(
      `CREATE OR REPLACE VIEW ${v.name}${v.options?.length ? ` WITH (${v.options.join(', ')})` : ''} AS ${v.definition}`,
    );
  // RESTRICT: anything still bound to the old table fails the swap instead of vanishing.
  await q(`DROP TABLE ${retired}`);
  for (const index of await tableIndexes(sequelize, table, t)) {
    const final = finalIndexName(index.name);
    if (!final) continue;
    await q(
      index.constraintDef
        ? `ALTER TABLE ${table} RENAME CONSTRAINT ${quote(index.name)} TO ${quote(final)}`
        : `ALTER INDEX ${quote(index.name)} RENAME TO ${quote(final)}`,
    );
  }
  for (const fk of foreignKeys)
    await q(
      `ALTER TABLE ${fk.table} ADD CONSTRAINT ${quote(fk.name)} ${fk.definition}${fk.validated ? ' NOT VALID' : ''}`,
    );
  for (const trigger of triggers) {
    await q(trigger.definition);
    const mode = { D: 'DISABLE', R: 'ENABLE REPLICA', A: 'ENABLE ALWAYS' }[trigger.enabled];
    if (mode) await q(`ALTER TABLE ${table} ${mode} TRIGGER ${quote(trigger.name)}`);
  }
  if (grants.owner !== shadowOwner) await q(`ALTER TABLE ${table} OWNER TO ${quote(grants.owner)}`);
  for (const g of grants.grants)
    await q(
      `GRANT ${g.privilege} ON ${table} TO ${g.grantee}${g.grantable ? ' WITH GRANT OPTION' : ''}`,
    );
  await q(`ALTER TABLE ${table} RESET (autovacuum_enabled)`);
  if (autovacuum.length > 0) await q(`ALTER TABLE ${table} SET (${autovacuum.join(', ')})`);
}

/**
 * After the swap's commit: every foreign key on `table` left NOT VALID is validated (no lock that
 * blocks reads or writes). Also what a re-run does when a swap committed but its run died before
 * this; none is NOT VALID by design in this schema.
 */
export async function validateForeignKeys(
  sequelize: Sequelize,
  table: string,
  log: (message: string) => void,
): Promise<void> {
  const pending = (await incomingForeignKeys(sequelize, table)).filter((fk) => !fk.validated);
  const started = Date.now();
  for (const fk of pending)
    await sequelize.query(`ALTER TABLE ${fk.table} VALIDATE CONSTRAINT ${quote(fk.name)}`);
  if (pending.length > 0)
    log(`validated ${pending.length} foreign key(s) on ${table} in ${Date.now() - started} ms`);
}
