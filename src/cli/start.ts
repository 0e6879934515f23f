/**
 * `npm start`: the whole stack on one machine. Database (DATABASE_URL, or the embedded
 * PostgreSQL under DATA_DIR) → migrations → demo data on an empty database → the monolith and
 * the proxy as child processes → a banner once both answer their /readyz. Ctrl-C or SIGTERM stops
 * the children, then PostgreSQL.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QueryTypes } from 'sequelize';
import { loadConfig } from '../config/load-config.js';
import { resolveDatabase } from '../db/database-url.js';
import { createMigrator, createSeeder } from '../db/migrator.js';
import { createSequelize } from '../db/sequelize.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../demo/demo-accounts.js';
import { runDemoSeeder } from '../demo/run-demo-seeder.js';
import { createLogger } from '../lib/logger.js';
import { onShutdownSignal } from '../lib/http/serve.js';
import { waitForUrl } from '../lib/http/wait-for-url.js';
import { runMain } from '../lib/cli/run-cli.js';
import { stackServices } from './stack-services.js';

runMain(async () => {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.logLevel, name: 'start' });
  const database = await resolveDatabase(config, logger);
  const sequelize = createSequelize({ url: database.url, poolMax: 2, logger });
  try {
    await createMigrator({ sequelize, databaseUrl: database.url, logger }).up();
    const [row] = await sequelize.query<{ n: string }>('SELECT count(*) AS n FROM users', {
      type: QueryTypes.SELECT,
    });
    if (Number(row?.n) === 0) {
      logger.info('empty database: seeding demo data');
      await runDemoSeeder(createSeeder({ sequelize, databaseUrl: database.url, logger }));
    }
  } finally {
    await sequelize.close();
  }

  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  const children = stackServices(config, ext, process.env).map((service) => {
    const child = fork(fileURLToPath(new URL(service.entry, import.meta.url)), [], {
      env: { ...process.env, DATABASE_URL: database.url, ...service.env },
      execArgv: process.execArgv,
      stdio: 'inherit',
    });
    return { ...service, child };
  });

  const announce = () =>
    printBanner(
      children.map((c) => c.banner).flat(),
      database.embedded
        ? `embedded PostgreSQL on :${config.database.embedded.port} (data in ${path.join(config.database.embedded.dataDir, 'postgres')})`
        : 'DATABASE_URL',
    );

  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    await Promise.all(children.map(({ child }) => stopChild(child)));
    await database.stop();
  };
  // The banner says the stack is running: print it once every service answers, not when the
  // processes merely exist (the monolith took seconds more, and early requests got 502s).
  const answering = children.map((c) =>
    waitForUrl(c.readyUrl, { timeoutMs: READY_WAIT_MS, giveUp: () => stopping }),
  );
  void Promise.all(answering).then((ready) => {
    if (stopping) return;
    const late = children.filter((_, i) => !ready[i]).map((c) => c.name);
    if (late.length > 0)
      logger.warn(
        { services: late, waitedMs: READY_WAIT_MS },
        'not ready yet; printing the banner anyway',
      );
    announce();
  });
  return new Promise<number>((resolve) => {
    onShutdownSignal(async () => {
      await stopAll();
      resolve(0);
    });
    for (const { name, child } of children) {
      child.on('exit', (code, signal) => {
        if (stopping) return;
        logger.error({ service: name, code, signal }, 'a service stopped; stopping the stack');
        stopAll().then(
          () => resolve(code || 1),
          () => resolve(1),
        );
      });
    }
  });
});

const READY_WAIT_MS = 120_000;

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function printBanner(lines: string[], database: string): void {
  const accounts = DEMO_ACCOUNTS.map(
    (a) => `    ${a.email.padEnd(20)} ${a.role.padEnd(6)} password: ${DEMO_PASSWORD}`,
  );
  console.log(
    [
      '',
      '  authshift is running',
      ...lines.map((l) => `    ${l}`),
      `    database   ${database}`,
      '  demo accounts (legacy bcrypt hashes):',
      ...accounts,
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}
