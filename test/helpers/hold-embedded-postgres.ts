/**
 * An entry point for tests: another authshift process that runs the embedded PostgreSQL of
 * DATA_DIR (as a CLI such as `npm run seed` does while no stack runs) and holds it until SIGTERM.
 */
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { silentLogger } from '../../src/lib/logger.js';

const running = await startEmbeddedPostgres({
  dataDir: path.join(process.env.DATA_DIR!, 'postgres'),
  port: Number(process.env.EMBEDDED_PG_PORT),
  database: 'authshift',
  logger: silentLogger(),
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.removeAllListeners(signal); // embedded-postgres' exit hook would exit before stop()
  process.once(signal, () => void running.stop().then(() => process.exit(0)));
}
console.log('holding the embedded PostgreSQL');
setInterval(() => undefined, 60_000);
