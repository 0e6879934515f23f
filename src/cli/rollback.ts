/**
 * `npm run rollback [-- --reason TEXT]`: back to the conservative path from any phase
 * (src/cutover/ops.ts). Exit codes: 0 done, 1 a step failed (re-run resumes), 3 another
 * cutover/rollback is running, 4 interrupted (database unreachable; re-run to resume).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import { executeRollback } from '../cutover/ops.js';
import { buildOpsDeps } from '../cutover/ops-deps.js';
import { resolveDatabase } from '../db/database-url.js';
import { createSequelize } from '../db/sequelize.js';
import { createLogger } from '../lib/logger.js';
import { runCli } from './run-cli.js';

runCli(async () => {
  const config = loadConfig(process.env);
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { reason: { type: 'string', default: 'npm run rollback' } },
  });
  const logger = createLogger({ level: 'warn', name: 'rollback' });
  const database = await resolveDatabase(config, logger);
  const sequelize = createSequelize({ url: database.url, poolMax: 3, logger });
  const deps = buildOpsDeps({
    config,
    sequelize,
    databaseUrl: database.url,
    logger,
    print: (line) => console.log(line),
    smokeUrl: null,
  });
  const killAt = process.env.AUTHSHIFT_FAULT_KILL_BEFORE_STEP;
  if (killAt)
    deps.beforeStep = (step) => void (step === killAt && process.kill(process.pid, 'SIGKILL'));
  try {
    return await executeRollback(deps, values.reason);
  } finally {
    await sequelize.close();
    await database.stop();
  }
});
