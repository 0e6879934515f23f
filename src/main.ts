/**
 * The monolith's process entry: config → database → deps → app → listen; drains on SIGTERM.
 * The only monolith file that reads the environment, listens or exits.
 */
import { createServer } from 'node:http';
import { createApp } from './app.js';
import { loadConfig } from './config/load-config.js';
import { resolveDatabase } from './db/database-url.js';
import { buildDeps } from './deps.js';
import { createLogger } from './lib/logger.js';
import { drain, listen, onShutdownSignal } from './lib/http/serve.js';
import { runMain } from './lib/cli/run-cli.js';

runMain(async () => {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.logLevel, name: 'monolith' });
  const database = await resolveDatabase(config, logger);
  const deps = buildDeps(config, database.url, { logger });
  // Serve the right user store from the first request on (phase 1 or consolidated).
  await deps.start();
  const server = createServer(createApp(deps));
  server.keepAliveTimeout = 65_000; // longer than the proxy's idle timeout, so it never races a close
  const port = await listen(server, config.http.port, config.http.host);
  logger.info({ port }, 'monolith listening');

  // When started by `npm start`, die with the parent instead of lingering as an orphan.
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));

  await new Promise<void>((resolve) => {
    onShutdownSignal(async (signal) => {
      logger.info({ signal }, 'draining');
      await drain(server);
      await deps.close();
      await database.stop();
      resolve();
    });
  });
});
