import { UsageError } from '../lib/cli/cli-error.js';
import type { CliSpec } from '../lib/cli/command-spec.js';
import type { OptionValues } from '../lib/cli/parse-command-line.js';

/** `npm run cutover`: preflight (--dry-run) or the whole cutover (--execute). */
export const CUTOVER_CLI: CliSpec = {
  command: 'npm run cutover --',
  summary: 'move to phase 2 (one consolidated users table); docs/runbook.md',
  details: [
    'preflight → snapshot → consolidate → verify → switch user_store → smoke; a failing step rolls back by itself.',
    'Repeated: resumes a run cut short; once cut over, says "already cut over" and changes nothing.',
  ],
  options: {
    'dry-run': { type: 'boolean', description: 'preflight and the plan only; changes nothing' },
    execute: { type: 'boolean', description: 'run the cutover' },
    'skip-smoke': { type: 'boolean', description: 'no smoke tests through the stack' },
    'smoke-url': {
      type: 'string',
      value: 'URL',
      description: 'where the smoke tests go (default CUTOVER_SMOKE_URL: the proxy)',
    },
  },
};

/** `npm run rollback`: back to the conservative path from any phase. */
export const ROLLBACK_CLI: CliSpec = {
  command: 'npm run rollback --',
  summary: 'back to phase 1 (conservative path) from any phase; docs/runbook.md',
  details: [
    'proxy kill switch → prepare → switch → verify → unconsolidate → check → rollout policy of before the cutover.',
    'Repeated, or with no cutover to undo: says "nothing to roll back" and touches nothing.',
  ],
  options: {
    reason: { type: 'string', value: 'TEXT', description: 'why (audited with the kill switch)' },
  },
};

/** The one mode of a cutover command line; both or neither is a usage error. */
export function cutoverMode(options: OptionValues): 'dry-run' | 'execute' {
  if (Boolean(options['dry-run']) === Boolean(options.execute))
    throw new UsageError(
      'cutover needs exactly one of --dry-run and --execute (npm run cutover -- --help)',
    );
  return options['dry-run'] ? 'dry-run' : 'execute';
}
