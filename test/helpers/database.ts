import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Set by the global fixture for this run (and inherited by processes the tests start). */
export const TEST_DATABASE_ENV = 'AUTHSHIFT_TEST_DATABASE_URL';

export function testDatabaseUrl(): string {
  const url = process.env[TEST_DATABASE_ENV];
  if (!url) throw new Error(`${TEST_DATABASE_ENV} is not set: run tests through mocha (npm test)`);
  return url;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates a uniquely named database on the server behind `url` and returns its URL. */
export async function createDatabase(url: string, prefix: string): Promise<string> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await onServer(url, (client) => client.query(`CREATE DATABASE "${name}"`));
  return withDatabase(url, name);
}

/**
 * Drops the database, after giving connections that are already closing time to finish.
 * pg's `Pool.end()` resolves once it has *sent* its goodbyes, not when the backends are gone; a
 * forced drop in that gap terminates them, and pg reports the termination ("terminating connection
 * due to administrator command") as an uncaught error in whichever test runs next. FORCE stays for
 * connections a failed test really leaked.
 */
export async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await onServer(url, async (client) => {
    const deadline = Date.now() + 2000;
    for (;;) {
      const { rows } = await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
        [name],
      );
      if (rows[0]!.n === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}

/** A throw-away database on the test server, for tests that need an empty or private schema. */
export async function scratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const url = await createDatabase(testDatabaseUrl(), 'authshift_scratch');
  return { url, drop: () => dropDatabase(url) };
}

/**
 * A pg pool for a test's own queries. An idle pooled connection that the server ends (a forced
 * drop or restart of the test database) is reported by pg-pool as an `error` event; with no
 * listener that is an uncaught error blamed on whichever test runs next. Queries still reject as
 * usual, so nothing a test asserts is hidden.
 */
export function testPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {});
  return pool;
}
