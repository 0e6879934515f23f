/**
 * `npm run cutover -- --dry-run | --execute [--skip-smoke] [--smoke-url URL]`: preflight, or the
 * whole cutover to phase 2 (src/cutover/ops.ts). Exit codes: src/lib/cli/exit-codes.ts.
 */
import { loadConfig } from '../config/load-config.js';
import { dryRun, executeCutover } from '../cutover/ops.js';
import { runCli } from '../lib/cli/run-cli.js';
import { CUTOVER_CLI, cutoverMode } from './ops-cli.js';
import { withOpsDeps } from './ops-session.js';

runCli(CUTOVER_CLI, async ({ options }) => {
  const mode = cutoverMode(options);
  const config = loadConfig(process.env);
  const smokeUrl = options['skip-smoke']
    ? null
    : typeof options['smoke-url'] === 'string'
      ? options['smoke-url']
      : config.cutover.smokeUrl;
  return withOpsDeps(config, { name: 'cutover', smokeUrl }, (deps) =>
    mode === 'dry-run' ? dryRun(deps) : executeCutover(deps),
  );
});
