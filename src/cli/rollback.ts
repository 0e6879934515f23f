/**
 * `npm run rollback [-- --reason TEXT]`: back to the conservative path from any phase
 * (src/cutover/ops.ts). Exit codes: src/lib/cli/exit-codes.ts.
 */
import { loadConfig } from '../config/load-config.js';
import { executeRollback } from '../cutover/ops.js';
import { runCli } from '../lib/cli/run-cli.js';
import { ROLLBACK_CLI } from './ops-cli.js';
import { withOpsDeps } from './ops-session.js';

runCli(ROLLBACK_CLI, async ({ options }) => {
  const config = loadConfig(process.env);
  const reason = typeof options.reason === 'string' ? options.reason : 'npm run rollback';
  return withOpsDeps(config, { name: 'rollback', smokeUrl: null }, (deps) =>
    executeRollback(deps, reason),
  );
});
