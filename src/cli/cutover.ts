/**
 * `npm run cutover -- --dry-run | --execute [--skip-smoke] [--smoke-url URL]`: preflight, or the
 * whole cutover to phase 2 (src/cutover/ops.ts). Exit codes: 0 done (or no blockers), 1 a step
 * failed and was rolled back, 2 usage, 3 another cutover/rollback is running, 4 interrupted
 * (database unreachable; re-run to resume), 5 preflight blockers.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import { dryRun, executeCutover, OPS_EXIT } from '../cutover/ops.js';
import { withOpsDeps } from './ops-session.js';
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
  const smokeUrl = values['skip-smoke'] ? null : (values['smoke-url'] ?? config.cutover.smokeUrl);
  return withOpsDeps(config, { name: 'cutover', smokeUrl }, (deps) =>
    values['dry-run'] ? dryRun(deps) : executeCutover(deps),
  );
});
