import { LOCK_KEYS, LockBusyError, withAdvisoryLock } from '../db/advisory-lock.js';
import { EXIT, type ExitCode } from '../lib/cli/exit-codes.js';
import { isDatabaseUnreachable } from '../lib/pg/database-unreachable.js';
import { errorMessage } from '../lib/error-message.js';
import type { OpsDeps } from './ops-deps.js';

/**
 * Runs `work` holding the cutover lock with pg_try_advisory_lock: a second cutover or rollback
 * exits at once (busy) without changing anything; a database that cannot be reached is
 * "interrupted" (re-run once it is back).
 */
export function underOpsLock(
  deps: OpsDeps,
  label: 'cutover' | 'rollback',
  work: () => Promise<ExitCode>,
): Promise<ExitCode> {
  return withAdvisoryLock(deps.databaseUrl, LOCK_KEYS.cutover, work, { wait: false }).catch(
    (error: unknown) => {
      if (error instanceof LockBusyError) {
        deps.print(
          `[${label}] another cutover or rollback is running (lock ${error.key}); nothing done`,
        );
        return EXIT.busy;
      }
      if (isDatabaseUnreachable(error)) {
        deps.print(
          `[${label}] database unreachable: ${errorMessage(error)}; re-run once it is back`,
        );
        return EXIT.interrupted;
      }
      throw error;
    },
  );
}
