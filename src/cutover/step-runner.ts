import { errorMessage } from '../lib/error-message.js';
import type { Run, RunKind, RunState } from './run-state.js';

/** One named step of a command; returns a one-line detail for the log and the run record. */
export interface Step<C> {
  name: string;
  run(ctx: C): Promise<string>;
}

export class StepFailure extends Error {
  constructor(
    readonly step: string,
    readonly original: unknown,
  ) {
    super(`step ${step} failed: ${errorMessage(original)}`, { cause: original });
    this.name = 'StepFailure';
  }
}

export interface StepRunContext<K extends RunKind> {
  run: Run<K>;
  state: RunState;
  print(line: string): void;
  label: K;
  /** Test hook: called before each step with its name (a fault test kills the process here). */
  beforeStep?: (name: string) => Promise<void> | void;
  /** Where failures that cannot change the outcome go (recording a failed step, …). */
  warn(what: string, error: unknown): void;
}

/**
 * Runs steps in order, recording each in the run (so a re-run skips what is done and repeats the
 * step that was cut short: every step is idempotent) and printing each with its duration.
 */
export async function runSteps<K extends RunKind, C>(
  steps: readonly Step<C>[],
  ctx: C,
  run: StepRunContext<K>,
): Promise<void> {
  for (const step of steps) {
    if (run.run.steps.some((s) => s.name === step.name && s.status === 'done')) {
      run.print(`[${run.label}] ${step.name}: done in an earlier attempt, skipped`);
      continue;
    }
    run.print(`[${run.label}] ${step.name}: started`);
    await run.state.stepStarted(run.run, step.name);
    await run.beforeStep?.(step.name);
    const started = Date.now();
    try {
      const detail = await step.run(ctx);
      const durationMs = Date.now() - started;
      await run.state.stepFinished(run.run, step.name, { status: 'done', durationMs, detail });
      run.print(`[${run.label}] ${step.name}: done in ${seconds(durationMs)}s — ${detail}`);
    } catch (error) {
      const durationMs = Date.now() - started;
      run.print(
        `[${run.label}] ${step.name}: FAILED after ${seconds(durationMs)}s — ${errorMessage(error)}`,
      );
      await run.state
        .stepFinished(run.run, step.name, {
          status: 'failed',
          durationMs,
          error: errorMessage(error),
        })
        .catch((secondary: unknown) =>
          run.warn(`recording step ${step.name} as failed`, secondary),
        );
      throw new StepFailure(step.name, error);
    }
  }
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);
