/**
 * The rollback's steps, each a named function over one typed context:
 * proxy → prepare → switch → verify → unconsolidate → check → policy.
 */
import { QueryTypes } from 'sequelize';
import { syncBackToFuUsers } from '../consolidation/sync-back.js';
import type { OpsDeps } from './ops-deps.js';
import {
  describePolicy,
  readRolloutPolicy,
  restoreRouting,
  routingChangesSince,
  turnKillSwitchOn,
} from './rollout-policy-record.js';
import type { Run, RunState } from './run-state.js';
import type { Step } from './step-runner.js';
import { setReverseSync, switchUserStore } from './store-switch.js';
import { verifyConsolidation } from './verify-consolidation.js';

export interface RollbackContext {
  deps: OpsDeps;
  state: RunState;
  run: Run<'rollback'>;
  reason: string;
}

const ACTOR = 'npm run rollback';
const consolidated = async (deps: OpsDeps) => (await deps.consolidator.executed()).length > 0;

async function count(deps: OpsDeps, sql: string): Promise<number> {
  const [row] = await deps.sequelize.query<{ n: string }>(sql, { type: QueryTypes.SELECT });
  return Number(row?.n ?? 0);
}

/** Everyone, sessions included, to the legacy arm while the tables move. */
function proxy({ deps, reason }: RollbackContext): Promise<string> {
  return turnKillSwitchOn(deps.sequelize, ACTOR, reason);
}

async function prepare({ deps, state, run }: RollbackContext): Promise<string> {
  if (!(await consolidated(deps))) return 'not consolidated: nothing to copy back';
  await setReverseSync(deps.sequelize, true);
  const progress = await syncBackToFuUsers(deps.sequelize, deps.batchSize, (p) =>
    deps.print(`  ${p.job}: ${p.done}/${p.total}`),
  );
  run.state.usersBefore = await count(deps, 'SELECT count(*) AS n FROM users');
  await state.save(run);
  return `fu_users brought up to date (${progress.done} users scanned); users=${run.state.usersBefore}`;
}

async function switchStore({ deps, reason }: RollbackContext): Promise<string> {
  await switchUserStore(deps.sequelize, 'fu_users', reason, deps.propagationMs);
  return `user_store = fu_users (waited ${deps.propagationMs} ms for every instance)`;
}

async function verify({ deps }: RollbackContext): Promise<string> {
  if (!(await consolidated(deps))) return 'not consolidated: nothing to compare';
  const report = await verifyConsolidation(deps.sequelize, 'rollback');
  if (report.problems.length > 0) throw new Error(report.problems.join('; '));
  return `linked=${report.counts.linked} fu_users=${report.counts.fu_users}; ${report.columns.length} column checksums agree`;
}

async function unconsolidate({ deps }: RollbackContext): Promise<string> {
  return `${(await deps.consolidator.down({ to: 0 })).length} consolidation step(s) reverted`;
}

/** Live traffic may add accounts while this runs; none may disappear. */
async function check({ deps, run }: RollbackContext): Promise<string> {
  const users = await count(deps, 'SELECT count(*) AS n FROM users');
  const fu = await count(deps, 'SELECT count(*) AS n FROM fu_users');
  const before = run.state.usersBefore;
  if (before !== undefined && users < before)
    throw new Error(`users went from ${before} to ${users}: accounts were lost`);
  return `users=${users} (before: ${before ?? 'n/a'}) fu_users=${fu}`;
}

/**
 * The rollout policy the rolled-back cutover recorded when it started, back in force, unless
 * someone (an operator, the dashboard, the guard) changed the routing after the cutover started:
 * putting the old policy back would then undo a later decision, such as a kill during an incident,
 * so the policy is left as it is, kill switch on, and the later changes are named.
 */
async function policy({ deps, state, run, reason }: RollbackContext): Promise<string> {
  const cutover = run.state.cutoverRun;
  const recorded = cutover
    ? (await state.recent('cutover', 50)).find((r) => r.id === cutover)?.state.policyBefore
    : undefined;
  if (!recorded)
    return 'no rollout policy recorded by a cutover: kill switch left ON; re-open traffic with npm run rollout -- unkill';
  const seen = await readRolloutPolicy(deps.sequelize);
  const later = await routingChangesSince(deps.sequelize, recorded.version, ACTOR);
  if (later.length > 0) {
    const now = seen;
    const who = later
      .map((c) => `${c.actor} (v${c.version}${c.reason ? `: ${c.reason}` : ''})`)
      .join(', ');
    return `not restored: the rollout policy was changed since the cutover by ${who}; left as it is so that no later decision is undone: ${now ? describePolicy(now) : 'no policy'}; re-open traffic with npm run rollout -- unkill once the policy is what you want`;
  }
  const result = await restoreRouting(deps.sequelize, recorded, {
    actor: ACTOR,
    reason: `${reason}: policy of before cutover #${cutover} (v${recorded.version})`,
    ...(seen ? { expectedVersion: seen.version } : {}),
  });
  if (result.conflict)
    return `not restored: the rollout policy changed while the rollback ran (now v${result.policy?.version}); left as it is: ${result.policy ? describePolicy(result.policy) : 'no policy'}; re-open traffic with npm run rollout -- unkill once the policy is what you want`;
  const now = result.policy ?? recorded;
  return `${result.changed ? 'restored' : 'already'} as before cutover #${cutover} (v${recorded.version}): ${describePolicy(now)}`;
}

export const ROLLBACK_STEPS: readonly Step<RollbackContext>[] = [
  { name: 'proxy', run: proxy },
  { name: 'prepare', run: prepare },
  { name: 'switch', run: switchStore },
  { name: 'verify', run: verify },
  { name: 'unconsolidate', run: unconsolidate },
  { name: 'check', run: check },
  { name: 'policy', run: policy },
];
