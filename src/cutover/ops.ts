/**
 * `npm run cutover` and `npm run rollback` (DESIGN.md, cutover and rollback): the state machines.
 *
 * cutover: preflight → snapshot → consolidate → verify → switch → smoke → done. A failing step
 *   after the snapshot rolls back by itself (the rollback below) and says which step failed and
 *   why; blockers in preflight stop before anything changes.
 * rollback: proxy → prepare → switch → verify → unconsolidate → check → done, from any phase:
 *   everyone to the legacy arm (kill switch), `users` → `fu_users` sync with the reverse trigger
 *   on, `user_store` = fu_users, consolidation `down` (which syncs again and drops the triggers),
 *   verification that no account was lost.
 * Both hold the cutover advisory lock with pg_try_advisory_lock (a second process exits at once),
 * keep their state in `cutover_runs` (a re-run after a crash continues where it stopped), and
 * stop as "interrupted" when the database goes away (re-run once it is back).
 */
import type { Sequelize } from 'sequelize';
import { QueryTypes } from 'sequelize';
import type { Consolidator } from '../consolidation/consolidator.js';
import { syncBackToFuUsers } from '../consolidation/sync-back.js';
import { LOCK_KEYS, LockBusyError, withAdvisoryLock } from '../db/advisory-lock.js';
import type { UmzugRunner } from '../db/umzug-runner.js';
import { isDatabaseUnreachable } from './database-errors.js';
import { runPreflight, formatPreflight, type PreflightReport } from './preflight.js';
import { createRunState, type Run } from './run-state.js';
import { runSmokeTests } from './smoke-tests.js';
import { runSteps, StepFailure, type Step } from './step-runner.js';
import { setReverseSync, switchUserStore } from './store-switch.js';
import { verifyConsolidation } from './verify-consolidation.js';

/** Exit codes of both commands, as data (README lists them). */
export const OPS_EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  busy: 3,
  interrupted: 4,
  blocked: 5,
} as const;

export interface OpsDeps {
  sequelize: Sequelize;
  databaseUrl: string;
  migrator: UmzugRunner;
  consolidator: Consolidator;
  /** Runs the snapshot seeder's `up` for this label. */
  snapshot(label: string): Promise<void>;
  snapshotExists(label: string): Promise<boolean>;
  print(line: string): void;
  smokeUrl: string | null;
  propagationMs: number;
  batchSize: number;
  now(): Date;
  /** Test hook: called before each step with its name (a fault test kills the process here). */
  beforeStep?: (name: string) => Promise<void> | void;
}

async function pending(deps: OpsDeps) {
  return {
    migrations: (await deps.migrator.pending()).map((m) => m.name),
    consolidation: (await deps.consolidator.pending()).map((m) => m.name),
  };
}

export async function dryRun(deps: OpsDeps): Promise<number> {
  const report = await runPreflight(deps.sequelize, await pending(deps));
  formatPreflight(report).forEach((line) => deps.print(line));
  printPlan(deps, report);
  return report.blockers.length > 0 ? OPS_EXIT.blocked : OPS_EXIT.ok;
}

function printPlan(deps: OpsDeps, report: PreflightReport): void {
  deps.print(
    'plan: preflight → snapshot → consolidate → verify → switch user_store → smoke → done',
  );
  report.pendingConsolidation.forEach((name) => deps.print(`  consolidate: ${name}`));
  deps.print(`  smoke tests: ${deps.smokeUrl ?? 'skipped (--skip-smoke)'}`);
}

function locked(deps: OpsDeps, label: string, work: () => Promise<number>): Promise<number> {
  return withAdvisoryLock(deps.databaseUrl, LOCK_KEYS.cutover, work, { wait: false }).catch(
    (error: unknown) => {
      if (error instanceof LockBusyError) {
        deps.print(
          `[${label}] another cutover or rollback is running (lock ${error.key}); nothing done`,
        );
        return OPS_EXIT.busy;
      }
      if (isDatabaseUnreachable(error)) {
        deps.print(
          `[${label}] database unreachable: ${(error as Error).message}; re-run once it is back`,
        );
        return OPS_EXIT.interrupted;
      }
      throw error;
    },
  );
}

const consolidated = async (deps: OpsDeps) => (await deps.consolidator.executed()).length > 0;

function withStepHook(deps: OpsDeps, steps: Step[]): Step[] {
  return steps.map((s) => ({
    name: s.name,
    run: async () => {
      await deps.beforeStep?.(s.name);
      return s.run();
    },
  }));
}

export function executeCutover(deps: OpsDeps): Promise<number> {
  return locked(deps, 'cutover', async () => {
    const state = createRunState(deps.sequelize);
    const run = await state.resumeOrStart('cutover');
    if (run.resumed) deps.print(`[cutover] resuming run #${run.id}`);
    const label = (run.state.snapshot as string | undefined) ?? `pre-cutover-${run.id}`;
    run.state.snapshot = label;
    const steps: Step[] = [
      {
        name: 'preflight',
        run: async () => {
          const report = await runPreflight(deps.sequelize, await pending(deps));
          formatPreflight(report).forEach((line) => deps.print(`  ${line}`));
          if (report.blockers.length > 0) throw new PreflightBlocked(report.blockers);
          return `no blockers; ${report.pendingConsolidation.length} consolidation step(s) to run`;
        },
      },
      {
        name: 'snapshot',
        run: async () => {
          if (await deps.snapshotExists(label)) return `snapshot ${label} already taken`;
          await deps.snapshot(label);
          return `snapshot ${label}`;
        },
      },
      {
        name: 'consolidate',
        run: async () => `${(await deps.consolidator.up()).length} step(s) applied`,
      },
      {
        name: 'verify',
        run: async () => {
          const report = await verifyConsolidation(deps.sequelize, 'cutover');
          if (report.problems.length > 0) throw new Error(report.problems.join('; '));
          return `users=${report.counts.users} fu_users=${report.counts.fu_users} paired=${report.counts.paired}; ${report.columns.length} column checksums agree`;
        },
      },
      {
        name: 'switch',
        run: async () => {
          await setReverseSync(deps.sequelize, true);
          await switchUserStore(deps.sequelize, 'users', 'npm run cutover', deps.propagationMs);
          await setReverseSync(deps.sequelize, false);
          return `user_store = users (waited ${deps.propagationMs} ms for every instance)`;
        },
      },
      {
        name: 'smoke',
        run: async () =>
          deps.smokeUrl ? runSmokeTests(deps.smokeUrl, deps.sequelize) : 'skipped (--skip-smoke)',
      },
    ];
    try {
      await runSteps(withStepHook(deps, steps), {
        run,
        state,
        print: deps.print,
        label: 'cutover',
      });
      await state.finish(run, 'done');
      await state.abandon('rollback');
      deps.print(`[cutover] done: the new engine reads and writes the consolidated users table`);
      return OPS_EXIT.ok;
    } catch (error) {
      return handleCutoverFailure(deps, run, error);
    }
  });
}

class PreflightBlocked extends Error {
  constructor(readonly blockers: string[]) {
    super(`${blockers.length} blocker(s): ${blockers.join('; ')}`);
    this.name = 'PreflightBlocked';
  }
}

async function handleCutoverFailure(deps: OpsDeps, run: Run, error: unknown): Promise<number> {
  const state = createRunState(deps.sequelize);
  const cause = error instanceof StepFailure ? error.original : error;
  const step = error instanceof StepFailure ? error.step : 'unknown';
  if (isDatabaseUnreachable(cause)) {
    deps.print(
      `[cutover] interrupted at step ${step}: the database is unreachable (${(cause as Error).message}). Nothing was rolled back; re-run npm run cutover -- --execute once it is back to continue, or npm run rollback.`,
    );
    await state.finish(run, 'interrupted', String((cause as Error).message)).catch(() => undefined);
    return OPS_EXIT.interrupted;
  }
  if (cause instanceof PreflightBlocked) {
    await state.finish(run, 'failed', cause.message);
    deps.print(`[cutover] stopped by preflight before any change: ${cause.message}`);
    return OPS_EXIT.blocked;
  }
  deps.print(
    `[cutover] step ${step} failed: ${(cause as Error).message ?? String(cause)}; rolling back`,
  );
  await state.finish(run, 'failed', `step ${step}: ${(cause as Error).message ?? String(cause)}`);
  const code = await rollbackSteps(deps, `automatic rollback: cutover step ${step} failed`);
  if (code === OPS_EXIT.ok) {
    await state.finish(run, 'rolled_back');
    deps.print(`[cutover] rolled back to the conservative path after step ${step} failed`);
    return OPS_EXIT.failed;
  }
  return code;
}

export function executeRollback(deps: OpsDeps, reason = 'npm run rollback'): Promise<number> {
  return locked(deps, 'rollback', () => rollbackSteps(deps, reason));
}

/** The rollback state machine; runs inside the cutover lock (held by the caller). */
async function rollbackSteps(deps: OpsDeps, reason: string): Promise<number> {
  const state = createRunState(deps.sequelize);
  const run = await state.resumeOrStart('rollback');
  if (run.resumed) deps.print(`[rollback] resuming run #${run.id}`);
  const steps: Step[] = [
    { name: 'proxy', run: () => proxyToLegacy(deps.sequelize, reason) },
    {
      name: 'prepare',
      run: async () => {
        if (!(await consolidated(deps))) return 'not consolidated: nothing to copy back';
        await setReverseSync(deps.sequelize, true);
        const progress = await syncBackToFuUsers(deps.sequelize, deps.batchSize, (p) =>
          deps.print(`  ${p.job}: ${p.done}/${p.total}`),
        );
        const [row] = await deps.sequelize.query<{ n: string }>('SELECT count(*) AS n FROM users', {
          type: QueryTypes.SELECT,
        });
        run.state.usersBefore = Number(row?.n ?? 0);
        return `fu_users brought up to date (${progress.done} users scanned); users=${run.state.usersBefore}`;
      },
    },
    {
      name: 'switch',
      run: async () => {
        await switchUserStore(deps.sequelize, 'fu_users', reason, deps.propagationMs);
        return `user_store = fu_users (waited ${deps.propagationMs} ms for every instance)`;
      },
    },
    {
      name: 'verify',
      run: async () => {
        if (!(await consolidated(deps))) return 'not consolidated: nothing to compare';
        const report = await verifyConsolidation(deps.sequelize, 'rollback');
        if (report.problems.length > 0) throw new Error(report.problems.join('; '));
        return `linked=${report.counts.linked} fu_users=${report.counts.fu_users}; ${report.columns.length} column checksums agree`;
      },
    },
    {
      name: 'unconsolidate',
      run: async () =>
        `${(await deps.consolidator.down({ to: 0 })).length} consolidation step(s) reverted`,
    },
    {
      name: 'check',
      run: async () => {
        const [row] = await deps.sequelize.query<{ users: string; fu: string; orphans: string }>(
          `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM fu_users) AS fu,
                  (SELECT count(*) FROM fu_users WHERE legacy_user_id IS NULL) AS orphans`,
          { type: QueryTypes.SELECT },
        );
        const users = Number(row?.users ?? 0);
        const before = run.state.usersBefore as number | undefined;
        // Live traffic may add accounts while this runs; none may disappear.
        if (before !== undefined && users < before)
          throw new Error(`users went from ${before} to ${users}: accounts were lost`);
        return `users=${users} (before: ${before ?? 'n/a'}) fu_users=${row?.fu}`;
      },
    },
  ];
  try {
    await runSteps(withStepHook(deps, steps), { run, state, print: deps.print, label: 'rollback' });
    await state.finish(run, 'done');
    // A cutover cut short before this rollback must start over, not resume past its switch.
    await state.abandon('cutover');
    deps.print(
      '[rollback] done: conservative path (legacy arm, user_store = fu_users, tables of phase 1)',
    );
    return OPS_EXIT.ok;
  } catch (error) {
    const cause = error instanceof StepFailure ? error.original : error;
    const step = error instanceof StepFailure ? error.step : 'unknown';
    if (isDatabaseUnreachable(cause)) {
      deps.print(
        `[rollback] interrupted at step ${step}: the database is unreachable; re-run npm run rollback once it is back`,
      );
      await state
        .finish(run, 'interrupted', String((cause as Error).message))
        .catch(() => undefined);
      return OPS_EXIT.interrupted;
    }
    await state.finish(run, 'failed', `step ${step}: ${(cause as Error).message ?? String(cause)}`);
    deps.print(
      `[rollback] step ${step} failed: ${(cause as Error).message}; fix the cause and re-run npm run rollback (it resumes); the outer safety net is npm run snapshot -- restore`,
    );
    return OPS_EXIT.failed;
  }
}

/** The proxy's kill switch through its control plane (branch `proxy`), when this database has one. */
async function proxyToLegacy(sequelize: Sequelize, reason: string): Promise<string> {
  const [exists] = await sequelize.query<{ t: string | null }>(
    `SELECT to_regclass('rollout_policy')::text AS t`,
    { type: QueryTypes.SELECT },
  );
  if (!exists?.t) return 'no rollout control plane in this database: nothing to switch';
  const [policy] = await sequelize.query<{ killed: boolean }>(
    'SELECT killed FROM rollout_policy WHERE id = 1',
    { type: QueryTypes.SELECT },
  );
  if (policy?.killed) return 'kill switch already on: everyone is on the legacy arm';
  const [row] = await sequelize.query<{ version: string }>(
    'SELECT authshift_rollout_kill(:actor, :reason) AS version',
    { replacements: { actor: 'npm run rollback', reason }, type: QueryTypes.SELECT },
  );
  return `kill switch on (policy version ${row?.version}): every proxy sends everyone to legacy within a second`;
}
