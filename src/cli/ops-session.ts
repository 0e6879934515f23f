/**
 * What `npm run cutover` and `npm run rollback` share around their one call into
 * src/cutover/ops.ts: the database (embedded or DATABASE_URL), the ops dependencies printing to
 * stdout, the fault-test hook, and closing it all whatever the outcome.
 */
import type { Config } from '../config/load-config.js';
import { buildOpsDeps, type OpsDeps } from '../cutover/ops-deps.js';
import { resolveDatabase } from '../db/database-url.js';
import { createSequelize } from '../db/sequelize.js';
import { cliLogger } from './cli-session.js';

export async function withOpsDeps<T>(
  config: Config,
  options: { name: string; smokeUrl: string | null },
  work: (deps: OpsDeps) => Promise<T>,
): Promise<T> {
  const logger = cliLogger(options.name);
  const database = await resolveDatabase(config, logger);
  const sequelize = createSequelize({ url: database.url, poolMax: 3, logger });
  const deps = buildOpsDeps({
    config,
    sequelize,
    databaseUrl: database.url,
    logger,
    print: (line) => console.log(line),
    smokeUrl: options.smokeUrl,
  });
  // Fault tests: die without any cleanup right before the named step (as a kill -9 would).
  const killAt = process.env.AUTHSHIFT_FAULT_KILL_BEFORE_STEP;
  if (killAt)
    deps.beforeStep = (step) => void (step === killAt && process.kill(process.pid, 'SIGKILL'));
  try {
    return await work(deps);
  } finally {
    await sequelize.close();
    await database.stop();
  }
}
