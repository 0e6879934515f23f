/**
 * The embedded PostgreSQL as a service of `npm start`, in a process of its own. The supervisor
 * runs it in its own process group, so a terminal's Ctrl-C reaches the supervisor only, which
 * stops the database after its clients. It says `ready` (with the URL) once PostgreSQL accepts
 * connections, stops PostgreSQL when the supervisor asks, and also when the supervisor is gone,
 * even after kill -9 (the IPC channel closes): the server is never left without an owner.
 */
import path from 'node:path';
import { runMain } from '../lib/cli/run-cli.js';
import { EXIT } from '../lib/cli/exit-codes.js';
import { loadConfig } from '../config/load-config.js';
import { EMBEDDED_DATABASE } from '../lib/pg/embedded-url.js';
import { createLogger } from '../lib/logger.js';
import { isAlive } from '../lib/process/process-info.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { EmbeddedPostgresBusyError } from './stale-postmaster.js';

type Ending = 'asked' | 'supervisor gone' | 'postgres died' | NodeJS.Signals;

runMain(async () => {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.logLevel, name: 'postgres' });
  const running = await startEmbeddedPostgres({
    dataDir: path.join(config.database.embedded.dataDir, 'postgres'),
    port: config.database.embedded.port,
    database: EMBEDDED_DATABASE,
    logger,
  }).catch((error: unknown) => {
    if (!(error instanceof EmbeddedPostgresBusyError)) throw error;
    console.error(error.message);
    return undefined;
  });
  if (!running) return EXIT.busy;

  const ending = await new Promise<Ending>((resolve) => {
    process.on('message', (message) => isStop(message) && resolve('asked'));
    process.on('disconnect', () => resolve('supervisor gone'));
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      process.removeAllListeners(signal); // embedded-postgres' exit hook would stop it first
      // Under a supervisor, its clients stop first: the supervisor stops this process last.
      process.on(signal, () =>
        process.connected ? process.send?.({ type: 'stop-requested', signal }) : resolve(signal),
      );
    }
    const alive = setInterval(() => !isAlive(running.pid) && resolve('postgres died'), 1000);
    alive.unref();
    process.send?.({ type: 'ready', url: running.url });
  });
  if (ending === 'postgres died') {
    logger.error({ pid: running.pid }, 'PostgreSQL stopped by itself');
    return EXIT.failed;
  }
  logger.info({ reason: ending }, 'stopping PostgreSQL');
  await running.stop();
  return 0;
});

function isStop(message: unknown): boolean {
  return (
    typeof message === 'object' && message !== null && 'type' in message && message.type === 'stop'
  );
}
