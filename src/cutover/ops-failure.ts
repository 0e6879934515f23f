import { EXIT, type ExitCode } from '../lib/cli/exit-codes.js';
import { isDatabaseUnreachable } from '../lib/pg/database-unreachable.js';
import { errorMessage } from '../lib/error-message.js';
import type { OpsDeps } from './ops-deps.js';
import type { Run, RunKind, RunState } from './run-state.js';
import { WrongStackError } from './smoke-target.js';
import { StepFailure } from './step-runner.js';

/** Preflight found blockers: the cutover stops before changing anything. */
export class PreflightBlocked extends Error {
  constructor(readonly blockers: string[]) {
    super(`${blockers.length} blocker(s): ${blockers.join('; ')}`);
    this.name = 'PreflightBlocked';
  }
}

export interface FailureContext<K extends RunKind> {
  deps: OpsDeps;
  state: RunState;
  run: Run<K>;
  label: K;
  /** The command that resumes this run. */
  rerun: string;
  /** Undoes what the run changed (the cutover's automatic rollback); absent for a rollback. */
  rollBack?: (step: string) => Promise<ExitCode>;
}

/**
 * The one conclusion of a failed cutover or rollback: what happened in plain words, the run
 * recorded as interrupted / failed / rolled back (a failure to record is logged, not swallowed),
 * the automatic rollback where there is one, and the exit code from the shared table.
 */
export async function concludeFailure<K extends RunKind>(
  ctx: FailureContext<K>,
  error: unknown,
): Promise<ExitCode> {
  const { deps, label } = ctx;
  const cause = error instanceof StepFailure ? error.original : error;
  const step = error instanceof StepFailure ? error.step : 'unknown';
  const why = errorMessage(cause);
  const record = (status: 'interrupted' | 'failed' | 'rolled_back', message?: string) =>
    ctx.state
      .finish(ctx.run, status, message)
      .catch((secondary: unknown) =>
        deps.warn(`recording run #${ctx.run.id} as ${status}`, secondary),
      );

  if (isDatabaseUnreachable(cause)) {
    deps.print(
      `[${label}] interrupted at step ${step}: the database is unreachable (${why}). Nothing was rolled back; re-run ${ctx.rerun} once it is back to continue${label === 'cutover' ? ', or npm run rollback' : ''}.`,
    );
    await record('interrupted', why);
    return EXIT.interrupted;
  }
  if (
    cause instanceof PreflightBlocked ||
    (cause instanceof WrongStackError && step === 'preflight')
  ) {
    await record('failed', why);
    deps.print(`[${label}] stopped by preflight before any change: ${why}`);
    return cause instanceof PreflightBlocked ? EXIT.blocked : EXIT.wrongStack;
  }
  await record('failed', `step ${step}: ${why}`);
  if (!ctx.rollBack) {
    deps.print(
      `[${label}] step ${step} failed: ${why}; fix the cause and re-run ${ctx.rerun} (it resumes); the outer safety net is npm run snapshot -- restore`,
    );
    return EXIT.failed;
  }
  deps.print(`[${label}] step ${step} failed: ${why}; rolling back`);
  const code = await ctx.rollBack(step);
  if (code !== EXIT.ok) return code;
  await record('rolled_back');
  deps.print(`[${label}] rolled back to the conservative path after step ${step} failed`);
  return cause instanceof WrongStackError ? EXIT.wrongStack : EXIT.failed;
}
