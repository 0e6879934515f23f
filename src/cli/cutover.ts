/**
 * `npm run cutover -- --dry-run | --execute [--skip-smoke] [--smoke-url URL]`: preflight, or the
 * whole cutover to phase 2 (src/cutover/ops.ts). Exit codes: 0 done (or no blockers), 1 a step
 * failed and was rolled back, 2 usage, 3 another cutover/rollback is running, 4 interrupted
 * (database unreachable; re-run to resume), 5 preflight blockers.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import { dryRun, executeCutover, OPS_EXIT } from '../cutover/ops.js';
import { buildOpsDeps } from '../cutover/ops-deps.js';
import { resolveDatabase } from '../db/database-url.js';
import { createSequelize } from '../db/sequelize.js';
import { createLogger } from '../lib/logger.js';
import { runCli } from './run-cli.js';

runCli(async () => {
  const config = loadConfig(process.env);
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      'dry-run': { type: 'boolean', default: false },
      execute: { type: 'boolean', default: false },
      'skip-smoke': { type: 'boolean', default: false },
      'smoke-url': { type: 'string' },
    },
  });
  if (values['dry-run'] === values.execute) {
    console.error(
      'usage: npm run cutover -- --dry-run | --execute [--skip-smoke] [--smoke-url URL]',
    );
    return OPS_EXIT.usage;
  }
  const logger = createLogger({ level: 'warn', name: 'cutover' });
  const database = await resolveDatabase(config, logger);
  const sequelize = createSequelize({ url: database.url, poolMax: 3, logger });
  const deps = buildOpsDeps({
    config,
    sequelize,
    databaseUrl: database.url,
    logger,
    print: (line) => console.log(line),
    smokeUrl: values['skip-smoke'] ? null : (values['smoke-url'] ?? config.cutover.smokeUrl),
  });
  // Fault tests: die without any cleanup right before the named step (as a kill -9 would).
  const killAt = process.env.AUTHSHIFT_FAULT_KILL_BEFORE_STEP;
  if (killAt)
    deps.beforeStep = (step) => void (step === killAt && process.kill(process.pid, 'SIGKILL'));
  try {
    return values['dry-run'] ? await dryRun(deps) : await executeCutover(deps);
  } finally {
    await sequelize.close();
    await database.stop();
  }
});
