import type { Run, RunState } from './run-state.js';

export interface Step {
  name: string;
  /** Returns a one-line detail for the log and the run record. */
  run(): Promise<string>;
}

export class StepFailure extends Error {
  constructor(
    readonly step: string,
    readonly original: unknown,
  ) {
    super(
      `step ${step} failed: ${original instanceof Error ? original.message : String(original)}`,
      {
        cause: original,
      },
    );
    this.name = 'StepFailure';
  }
}

/**
 * Runs steps in order, recording each in the run (so a re-run skips what is done and repeats the
 * step that was cut short: every step is idempotent) and printing each with its duration.
 */
export async function runSteps(
  steps: Step[],
  ctx: { run: Run; state: RunState; print: (line: string) => void; label: string },
): Promise<void> {
  for (const step of steps) {
    if (ctx.run.steps.some((s) => s.name === step.name && s.status === 'done')) {
      ctx.print(`[${ctx.label}] ${step.name}: done in an earlier attempt, skipped`);
      continue;
    }
    ctx.print(`[${ctx.label}] ${step.name}: started`);
    await ctx.state.stepStarted(ctx.run, step.name);
    const started = Date.now();
    try {
      const detail = await step.run();
      const durationMs = Date.now() - started;
      await ctx.state.stepFinished(ctx.run, step.name, { status: 'done', durationMs, detail });
      ctx.print(
        `[${ctx.label}] ${step.name}: done in ${(durationMs / 1000).toFixed(2)}s — ${detail}`,
      );
    } catch (error) {
      const durationMs = Date.now() - started;
      ctx.print(
        `[${ctx.label}] ${step.name}: FAILED after ${(durationMs / 1000).toFixed(2)}s — ${(error as Error).message ?? String(error)}`,
      );
      await ctx.state
        .stepFinished(ctx.run, step.name, {
          status: 'failed',
          durationMs,
          error: String((error as Error).message ?? error),
        })
        .catch(() => undefined);
      throw new StepFailure(step.name, error);
    }
  }
}
