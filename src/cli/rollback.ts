/**
 * `npm run rollback [-- --reason TEXT]`: back to the conservative path from any phase
 * (src/cutover/ops.ts). Exit codes: 0 done, 1 a step failed (re-run resumes), 3 another
 * cutover/rollback is running, 4 interrupted (database unreachable; re-run to resume).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import { executeRollback } from '../cutover/ops.js';
import { withOpsDeps } from './ops-session.js';
import { runCli } from './run-cli.js';

runCli(async () => {
  const config = loadConfig(process.env);
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { reason: { type: 'string', default: 'npm run rollback' } },
  });
  return withOpsDeps(config, { name: 'rollback', smokeUrl: null }, (deps) =>
    executeRollback(deps, values.reason),
  );
});
