import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { silentLogger } from '../../src/lib/logger.js';
import { freePort } from '../../test/helpers/processes.js';

/**
 * A scratch database for one benchmark: a fresh database on DATABASE_URL's server when it is set,
 * otherwise an ephemeral embedded PostgreSQL in a temporary folder. `stop` removes it either way.
 */
export async function benchDatabase(): Promise<{ url: string; stop(): Promise<void> }> {
  const server = process.env.DATABASE_URL;
  if (server) {
    const name = `authshift_bench_${process.pid}`;
    const admin = (u: string) => {
      const url = new URL(u);
      url.pathname = '/postgres';
      return url.toString();
    };
    const onServer = async (sql: string) => {
      const client = new pg.Client({ connectionString: admin(server) });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    await onServer(`CREATE DATABASE "${name}"`);
    const url = new URL(server);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      stop: () => onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
    };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'authshift-bench-'));
  await chmod(dir, 0o755);
  const running = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pg'),
    port: await freePort(),
    database: 'authshift_bench',
    logger: silentLogger(),
    ephemeral: true,
  });
  return {
    url: running.url,
    stop: async () => {
      await running.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
