import pg from 'pg';

/** Fixed lock keys, one per kind of exclusive job, so different jobs never block each other. */
export const LOCK_KEYS = {
  migrations: 4_177_001,
  seeders: 4_177_002,
  cutover: 4_177_003,
  consolidation: 4_177_004,
} as const;

/**
 * Runs `work` while holding a session-level PostgreSQL advisory lock on one dedicated connection.
 * The lock dies with the connection, so a crashed holder never leaves it stuck.
 */
export async function withAdvisoryLock<T>(
  databaseUrl: string,
  key: number,
  work: () => Promise<T>,
  options: { wait?: boolean } = {},
): Promise<T> {
  const client = new pg.Client({
    connectionString: databaseUrl,
    application_name: 'authshift-lock',
  });
  // The lock's connection sits idle while `work` runs; when the server goes away (a restart), pg
  // reports it as an 'error' event, which would otherwise crash the process before `work` can
  // fail on its own connections and be reported as an interruption. The lock is gone with it.
  client.on('error', () => undefined);
  await client.connect();
  try {
    if (options.wait === false) {
      const { rows } = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock($1) AS ok',
        [key],
      );
      if (!rows[0]?.ok) throw new LockBusyError(key);
    } else {
      await client.query('SELECT pg_advisory_lock($1)', [key]);
    }
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

export class LockBusyError extends Error {
  constructor(readonly key: number) {
    super(`another process holds lock ${key}`);
    this.name = 'LockBusyError';
  }
}
