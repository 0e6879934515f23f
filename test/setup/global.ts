/**
 * Mocha global fixtures: one PostgreSQL database per test run, migrated once — unless only unit
 * tests run (needs-database.ts): they use no database, and start none.
 * - DATABASE_URL set: a fresh database is created on that server and dropped afterwards.
 * - Otherwise: an embedded PostgreSQL starts in a temporary folder on a free port.
 * Tests read the URL through test/helpers/database.ts, never from the environment directly.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/db/embedded-postgres.js';
import { createMigrator } from '../../src/db/migrator.js';
import { createSequelize } from '../../src/db/sequelize.js';
import { silentLogger } from '../../src/lib/logger.js';
import { createDatabase, dropDatabase, TEST_DATABASE_ENV } from '../helpers/database.js';
import { freePort } from '../helpers/processes.js';
import { TEST_OUTBOX_DIR } from '../helpers/test-outbox.js';
import { needsDatabase } from './needs-database.js';

let embedded: RunningPostgres | undefined;
let tempDir: string | undefined;
let created: string | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  if (!needsDatabase(process.argv.slice(2), fileURLToPath(new URL('../../', import.meta.url))))
    return;
  const logger = silentLogger();
  let url: string;
  if (process.env.DATABASE_URL) {
    url = await createDatabase(process.env.DATABASE_URL, 'authshift_test');
    created = url;
  } else {
    tempDir = await mkdtemp(path.join(os.tmpdir(), 'authshift-test-'));
    // As root, PostgreSQL runs as the `postgres` user, which must be able to enter the folder.
    await chmod(tempDir, 0o755);
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(tempDir, 'pg'),
      port: await freePort(),
      database: 'authshift_test',
      logger,
      ephemeral: true,
    });
    url = embedded.url;
  }
  const sequelize = createSequelize({ url, poolMax: 2, logger });
  await createMigrator({ sequelize, databaseUrl: url, logger }).up();
  await sequelize.close();
  process.env[TEST_DATABASE_ENV] = url;
}

export async function mochaGlobalTeardown(): Promise<void> {
  await rm(TEST_OUTBOX_DIR, { recursive: true, force: true });
  if (created) await dropDatabase(created);
  if (embedded) await embedded.stop();
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
}
