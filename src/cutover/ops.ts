/**
 * `npm run cutover` and `npm run rollback` (docs/design/design.md, cutover and rollback): the state machines.
 *
 * cutover: preflight → snapshot → consolidate → verify → switch → smoke (cutover-steps.ts). A
 *   failing step after preflight rolls back by itself and says which step failed and why;
 *   blockers, or a smoke target served from another database, stop before anything changes.
 *   Run when already cut over, it says so and touches nothing.
 * rollback: proxy → prepare → switch → verify → unconsolidate → check → policy
 *   (rollback-steps.ts), from any phase; ends with the rollout policy the cutover found. Run with
 *   nothing to roll back, it says so and touches nothing (not even the kill switch).
 * Both hold the cutover advisory lock (a second process exits at once), keep their state in
 * `cutover_runs` (a re-run after a crash continues where it stopped), and stop as "interrupted"
 * when the database goes away (re-run once it is back). Exit codes: src/lib/cli/exit-codes.ts.
 */
import { EXIT, type ExitCode } from '../lib/cli/exit-codes.js';
import { CUTOVER_STEPS, pendingWork } from './cutover-steps.js';
import type { OpsDeps } from './ops-deps.js';
import { concludeFailure } from './ops-failure.js';
import { underOpsLock } from './ops-lock.js';
import { isConservative, isCutOver, readOpsPhase } from './ops-phase.js';
import { formatPreflight, runPreflight } from './preflight.js';
import { ROLLBACK_STEPS } from './rollback-steps.js';
import { describePolicy, readRolloutPolicy } from './rollout-policy-record.js';
import { createRunState, type Run, type RunState } from './run-state.js';
import { runSteps } from './step-runner.js';

export type { OpsDeps } from './ops-deps.js';

/** The shared exit-code table, under the name the ops tests know. */
export const OPS_EXIT = EXIT;

export async function dryRun(deps: OpsDeps): Promise<ExitCode> {
  const phase = await readOpsPhase(deps, createRunState(deps.sequelize));
  if (isCutOver(phase))
    deps.print(
      'state: already cut over (consolidated, user_store = users): --execute has nothing to do',
    );
  const report = await runPreflight(deps.sequelize, await pendingWork(deps));
  formatPreflight(report).forEach((line) => deps.print(line));
  deps.print(
    'plan: preflight → snapshot → consolidate → verify → switch user_store → smoke → done',
  );
  report.pendingConsolidation.forEach((name) => deps.print(`  consolidate: ${name}`));
  deps.print(`  smoke tests: ${deps.smokeUrl ?? 'skipped (--skip-smoke)'}`);
  return report.blockers.length > 0 ? EXIT.blocked : EXIT.ok;
}

export function executeCutover(deps: OpsDeps): Promise<ExitCode> {
  return underOpsLock(deps, 'cutover', async () => {
    const state = createRunState(deps.sequelize);
    const phase = await readOpsPhase(deps, state);
    if (phase.openRollback) {
      deps.print(
        `[cutover] rollback run #${phase.openRollback.id} was cut short: finish it first with npm run rollback; nothing done`,
      );
      return EXIT.blocked;
    }
    if (isCutOver(phase)) {
      deps.print('[cutover] already cut over (consolidated, user_store = users): nothing to do');
      return EXIT.ok;
    }
    const run = await startCutoverRun(deps, state);
    const ctx = { deps, state, run };
    try {
      await runSteps(CUTOVER_STEPS, ctx, stepRunContext(deps, state, run));
      await state.finish(run, 'done');
      await state.abandon('rollback');
      deps.print('[cutover] done: the new engine reads and writes the consolidated users table');
      return EXIT.ok;
    } catch (error) {
      return concludeFailure(
        {
          deps,
          state,
          run,
          label: 'cutover',
          rerun: 'npm run cutover -- --execute',
          rollBack: (step) =>
            rollbackSteps(deps, `automatic rollback: cutover step ${step} failed`, run.id),
        },
        error,
      );
    }
  });
}

/** A resumed run keeps its snapshot label and the policy it found; a new one records both. */
async function startCutoverRun(deps: OpsDeps, state: RunState) {
  const run = await state.resumeOrStart('cutover');
  if (run.resumed) deps.print(`[cutover] resuming run #${run.id}`);
  run.state.snapshot ??= `pre-cutover-${run.id}`;
  if (run.state.policyBefore === undefined)
    run.state.policyBefore = await readRolloutPolicy(deps.sequelize);
  await state.save(run);
  return run;
}

export function executeRollback(deps: OpsDeps, reason = 'npm run rollback'): Promise<ExitCode> {
  return underOpsLock(deps, 'rollback', async () => {
    const state = createRunState(deps.sequelize);
    const phase = await readOpsPhase(deps, state);
    if (!isConservative(phase)) return rollbackSteps(deps, reason);
    const closed = phase.openCutover
      ? await state.abandon('cutover', 'superseded by npm run rollback')
      : 0;
    const policy = await readRolloutPolicy(deps.sequelize);
    deps.print(
      `[rollback] nothing to roll back: already on the conservative path (user_store = fu_users, tables of phase 1)${closed ? `; closed cutover run #${phase.openCutover?.id}, cut short before it changed anything` : ''}; nothing else touched${policy ? `; rollout: ${describePolicy(policy)}` : ''}`,
    );
    return EXIT.ok;
  });
}

/** The rollback state machine; runs inside the cutover lock (held by the caller). */
async function rollbackSteps(
  deps: OpsDeps,
  reason: string,
  cutoverRun?: number,
): Promise<ExitCode> {
  const state = createRunState(deps.sequelize);
  const run = await state.resumeOrStart('rollback');
  if (run.resumed) deps.print(`[rollback] resuming run #${run.id}`);
  run.state.cutoverRun ??= cutoverRun ?? (await lastCutoverThatChangedThings(state));
  await state.save(run);
  try {
    await runSteps(ROLLBACK_STEPS, { deps, state, run, reason }, stepRunContext(deps, state, run));
    await state.finish(run, 'done');
    // A cutover cut short before this rollback must start over, not resume past its switch.
    await state.abandon('cutover');
    const policy = await readRolloutPolicy(deps.sequelize);
    deps.print(
      `[rollback] done: conservative path (user_store = fu_users, tables of phase 1)${policy ? `; rollout: ${describePolicy(policy)}` : ''}`,
    );
    return EXIT.ok;
  } catch (error) {
    return concludeFailure(
      { deps, state, run, label: 'rollback', rerun: 'npm run rollback' },
      error,
    );
  }
}

/** The cutover a rollback undoes: the latest that got past its read-only preflight. */
async function lastCutoverThatChangedThings(state: RunState) {
  const runs = await state.recent('cutover');
  return runs.find((r) => r.steps.some((s) => s.name !== 'preflight'))?.id;
}

function stepRunContext<K extends 'cutover' | 'rollback'>(
  deps: OpsDeps,
  state: RunState,
  run: Run<K>,
) {
  return {
    run,
    state,
    print: deps.print,
    label: run.kind,
    beforeStep: deps.beforeStep,
    warn: deps.warn,
  };
}
