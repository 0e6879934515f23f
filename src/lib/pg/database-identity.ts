import { createHash } from 'node:crypto';

/** Runs one read-only statement and returns its rows (Sequelize or pg, whichever the caller has). */
export type SelectRows = (sql: string) => Promise<Record<string, unknown>[]>;

// The cluster's system identifier (set by initdb, shared only by physical replicas) and the
// database's oid name one database; a dump restored elsewhere, or a sibling database on the same
// server, gets another identity, which is the point.
const FROM_CONTROL_FILE = `SELECT (SELECT system_identifier::text FROM pg_control_system()) || ':' || d.oid::text AS raw
  FROM pg_database d WHERE d.datname = current_database()`;
// Where pg_control_system() is not granted (some managed services): the server address and port.
const FROM_ADDRESS = `SELECT COALESCE(host(inet_server_addr()), 'local') || ':' || COALESCE(inet_server_port(), 0)::text
  || ':' || d.oid::text AS raw FROM pg_database d WHERE d.datname = current_database()`;

/**
 * A short, stable fingerprint of the database a connection talks to. The monolith reports it on
 * /readyz and `npm run cutover` compares it with its own before its smoke test writes through
 * HTTP, so a smoke URL that reaches another stack is refused instead of written to.
 * SECURITY: only a hash is published, never the identifier or the address it is made of.
 */
export async function readDatabaseId(select: SelectRows): Promise<string> {
  let rows: Record<string, unknown>[];
  try {
    rows = await select(FROM_CONTROL_FILE);
  } catch {
    rows = await select(FROM_ADDRESS);
  }
  const raw = rows[0]?.raw;
  if (typeof raw !== 'string' || raw === '') throw new Error('the database reported no identity');
  return createHash('sha256').update(raw).digest('hex').slice(0, 16);
}
