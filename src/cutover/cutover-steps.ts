/**
 * The cutover's steps, each a named function over one typed context:
 * preflight → snapshot → consolidate → verify → switch → smoke.
 */
import type { OpsDeps } from './ops-deps.js';
import { PreflightBlocked } from './ops-failure.js';
import { formatPreflight, runPreflight } from './preflight.js';
import type { Run, RunState } from './run-state.js';
import { proveSameDatabase } from './smoke-target.js';
import { removeSmokeAccount, runSmokeTests } from './smoke-tests.js';
import type { Step } from './step-runner.js';
import { setReverseSync, switchUserStore } from './store-switch.js';
import { verifyConsolidation } from './verify-consolidation.js';

export interface CutoverContext {
  deps: OpsDeps;
  state: RunState;
  run: Run<'cutover'>;
}

export async function pendingWork(deps: OpsDeps) {
  return {
    migrations: (await deps.migrator.pending()).map((m) => m.name),
    consolidation: (await deps.consolidator.pending()).map((m) => m.name),
  };
}

/** Read-only checks; blockers, or a smoke target on another database, stop before any change. */
async function preflight({ deps }: CutoverContext): Promise<string> {
  const report = await runPreflight(deps.sequelize, await pendingWork(deps));
  formatPreflight(report).forEach((line) => deps.print(`  ${line}`));
  if (report.blockers.length > 0) throw new PreflightBlocked(report.blockers);
  const target = deps.smokeUrl
    ? `smoke target ${deps.smokeUrl} serves this database (${await proveSameDatabase(deps.smokeUrl, deps.sequelize)})`
    : 'smoke tests skipped';
  return `no blockers; ${report.pendingConsolidation.length} consolidation step(s) to run; ${target}`;
}

async function snapshot({ deps, run }: CutoverContext): Promise<string> {
  const label = run.state.snapshot!;
  if (await deps.snapshotExists(label)) return `snapshot ${label} already taken`;
  return deps.snapshot(label);
}

async function consolidate({ deps }: CutoverContext): Promise<string> {
  return `${(await deps.consolidator.up()).length} step(s) applied`;
}

async function verify({ deps }: CutoverContext): Promise<string> {
  const report = await verifyConsolidation(deps.sequelize, 'cutover');
  if (report.problems.length > 0) throw new Error(report.problems.join('; '));
  const { users, fu_users: fu, paired } = report.counts;
  return `users=${users} fu_users=${fu} paired=${paired}; ${report.columns.length} column checksums agree`;
}

async function switchStore({ deps }: CutoverContext): Promise<string> {
  await setReverseSync(deps.sequelize, true);
  await switchUserStore(deps.sequelize, 'users', 'npm run cutover', deps.propagationMs);
  await setReverseSync(deps.sequelize, false);
  return `user_store = users (waited ${deps.propagationMs} ms for every instance)`;
}

/** Smoke tests through the stack; a throw-away account left by an interrupted attempt goes first. */
async function smoke({ deps, state, run }: CutoverContext): Promise<string> {
  if (!deps.smokeUrl) return 'skipped (--skip-smoke)';
  const leftover = run.state.smokeAccount;
  if (leftover)
    await removeSmokeAccount(deps.sequelize, leftover).catch((error: unknown) =>
      deps.warn('removing the smoke account of an earlier attempt', error),
    );
  return runSmokeTests({
    baseUrl: deps.smokeUrl,
    sequelize: deps.sequelize,
    remember: async (email) => {
      run.state.smokeAccount = email;
      await state.save(run);
    },
  });
}

export const CUTOVER_STEPS: readonly Step<CutoverContext>[] = [
  { name: 'preflight', run: preflight },
  { name: 'snapshot', run: snapshot },
  { name: 'consolidate', run: consolidate },
  { name: 'verify', run: verify },
  { name: 'switch', run: switchStore },
  { name: 'smoke', run: smoke },
];
