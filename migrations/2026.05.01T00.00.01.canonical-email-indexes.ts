import type { Migration, MigrationContext } from '../src/db/migrator.js';

/**
 * The e-mail indexes follow the one identity (src/lib/identity/canonical-email.ts): lookups and
 * duplicate checks compare `authshift_canonical_email(email)`, so that is what is indexed.
 * - `users`: not unique in phase 1 (old case-only twins stay until `users dedupe`); unique once
 *   consolidated (phase 2, src/consolidation/users-shapes.ts), which this also covers when the
 *   database was consolidated before this migration.
 * - `fu_users`: unique, so two spellings of one address can never both be new-engine users.
 * Where existing rows spell one canonical address twice, `up` stops and names them (nothing
 * changes): `users dedupe` resolves them first.
 *
 * PostgreSQL (17 and later) builds indexes with `search_path = pg_catalog, pg_temp`, so the
 * functions an index calls must not look names up at run time: the canonical form takes an SQL
 * standard body (bound when created, still inlined into queries), and its non-ASCII helper, which
 * calls the Punycode encoder, keeps the search path it was created with.
 */
const USERS_PLAIN = { old: 'users_email_lower_idx', canonical: 'users_email_canonical_idx' };
const USERS_UNIQUE = { old: 'users_email_lower_key', canonical: 'users_email_canonical_key' };
const FU_USERS = { old: 'fu_users_email_lower_key', canonical: 'fu_users_email_canonical_key' };

// As in 2026.05.01T00.00.00.canonical-email.ts.
const CANONICAL_EXPRESSION = `
  CASE WHEN octet_length(address) = char_length(address)
       THEN translate(btrim(address, E' \\t\\r\\n'), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
       ELSE authshift_canonical_email_intl(btrim(address, E' \\t\\r\\n'))
  END`;
const canonicalFunction = (body: string) => `
  CREATE OR REPLACE FUNCTION authshift_canonical_email(address text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE ${body}`;

type Query = MigrationContext['query'];

async function indexExists(query: Query, name: string): Promise<boolean> {
  const rows = await query(
    `SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = :name`,
    { name },
  );
  return rows.length > 0;
}

/** A unique index over twins would fail with one address; this names them all and the remedy. */
async function refuseTwins(query: Query, table: string): Promise<void> {
  const twins = await query<{ address: string }>(
    `SELECT authshift_canonical_email(email) AS address FROM ${table}
      GROUP BY 1 HAVING count(*) > 1 ORDER BY 1 LIMIT 20`,
  );
  if (twins.length > 0)
    throw new Error(
      `${table} holds addresses spelled more than one way (${twins.map((t) => t.address).join(', ')}): ` +
        'resolve them with `npm run users -- dedupe` (docs/cutover.md), then migrate again',
    );
}

const createIndex = (unique: boolean, name: string, table: string, expression: string) =>
  `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${name} ON ${table} (${expression})`;

export const up: Migration = async ({ context: { query } }) => {
  await query(`ALTER FUNCTION authshift_canonical_email_intl(text) SET search_path FROM CURRENT`);
  await query(canonicalFunction(`RETURN ${CANONICAL_EXPRESSION}`));
  const canonical = 'authshift_canonical_email(email)';
  await refuseTwins(query, 'fu_users');
  await query(createIndex(true, FU_USERS.canonical, 'fu_users', canonical));
  await query(`DROP INDEX ${FU_USERS.old}`);
  const consolidated = await indexExists(query, USERS_UNIQUE.old);
  const users = consolidated ? USERS_UNIQUE : USERS_PLAIN;
  if (consolidated) await refuseTwins(query, 'users');
  await query(createIndex(consolidated, users.canonical, 'users', canonical));
  await query(`DROP INDEX IF EXISTS ${users.old}`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(createIndex(true, FU_USERS.old, 'fu_users', 'lower(email)'));
  await query(`DROP INDEX ${FU_USERS.canonical}`);
  const consolidated = await indexExists(query, USERS_UNIQUE.canonical);
  const users = consolidated ? USERS_UNIQUE : USERS_PLAIN;
  await query(createIndex(consolidated, users.old, 'users', 'lower(email)'));
  await query(`DROP INDEX IF EXISTS ${users.canonical}`);
  await query(canonicalFunction(`AS $$ SELECT ${CANONICAL_EXPRESSION} $$`));
  await query(`ALTER FUNCTION authshift_canonical_email_intl(text) RESET search_path`);
};
