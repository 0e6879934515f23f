import path from 'node:path';
import pg from 'pg';
import type { Config } from '../config/load-config.js';
import type { Logger } from '../lib/logger.js';
import { EMBEDDED_DATABASE, embeddedUrl } from '../lib/pg/embedded-url.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

export interface DatabaseHandle {
  url: string;
  /** Stops the embedded server if this process started it; a no-op otherwise. */
  stop(): Promise<void>;
  embedded: boolean;
}

export { EMBEDDED_DATABASE, embeddedUrl } from '../lib/pg/embedded-url.js';

/**
 * DATABASE_URL wins and starts nothing. Without it, use the embedded server: join it if another
 * authshift process already runs it (e.g. `npm start` in another terminal), else start it here.
 */
export async function resolveDatabase(config: Config, logger: Logger): Promise<DatabaseHandle> {
  if (config.database.url)
    return { url: config.database.url, stop: async () => undefined, embedded: false };
  const url = embeddedUrl(config.database.embedded.port);
  if (await answers(url)) return { url, stop: async () => undefined, embedded: true };
  const dataDir = path.join(config.database.embedded.dataDir, 'postgres');
  logger.info({ port: config.database.embedded.port, dataDir }, 'starting embedded PostgreSQL');
  const running = await startEmbeddedPostgres({
    dataDir,
    port: config.database.embedded.port,
    database: EMBEDDED_DATABASE,
    logger,
  });
  return { url: running.url, stop: running.stop, embedded: true };
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
