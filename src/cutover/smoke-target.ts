import { QueryTypes, type Sequelize } from 'sequelize';
import { readDatabaseId } from '../lib/pg/database-identity.js';
import { errorMessage } from '../lib/error-message.js';

/** The smoke URL does not reach a stack served from this database (or cannot show that it does). */
export class WrongStackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WrongStackError';
  }
}

export function ownDatabaseId(sequelize: Sequelize): Promise<string> {
  return readDatabaseId((sql) =>
    sequelize.query<Record<string, unknown>>(sql, { type: QueryTypes.SELECT }),
  );
}

/**
 * Proves that `baseUrl` is served from the database this command changes, before the smoke test
 * writes anything through it: the monolith reports its database's fingerprint on /readyz (through
 * the proxy too), compared with ours. Returns the fingerprint; throws WrongStackError otherwise.
 */
export async function proveSameDatabase(
  baseUrl: string,
  sequelize: Sequelize,
  timeoutMs = 10_000,
): Promise<string> {
  const url = new URL('/readyz', baseUrl);
  let body: unknown;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    body = await res.json();
  } catch (error) {
    throw new WrongStackError(
      `smoke target ${baseUrl} cannot show which database it serves (${url} unreachable or not JSON: ${errorMessage(error)}); set CUTOVER_SMOKE_URL or --smoke-url to this stack's proxy, or --skip-smoke`,
    );
  }
  const theirs = (body as { database_id?: unknown } | null)?.database_id;
  const ours = await ownDatabaseId(sequelize);
  if (typeof theirs !== 'string')
    throw new WrongStackError(
      `smoke target ${baseUrl} does not report its database on /readyz (an older build?)`,
    );
  if (theirs !== ours)
    throw new WrongStackError(
      `smoke target ${baseUrl} is not served from this database (it reports database ${theirs}, this command works on ${ours}): point CUTOVER_SMOKE_URL or --smoke-url at this stack`,
    );
  return ours;
}
