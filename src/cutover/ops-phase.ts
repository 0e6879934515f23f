import { createSettingsRepository, type UserStoreKind } from '../settings/settings-repository.js';
import type { OpsDeps } from './ops-deps.js';
import type { Run, RunState } from './run-state.js';

/** Where the cutover stands, read before a command decides whether it has anything to do. */
export interface OpsPhase {
  userStore: UserStoreKind;
  /** Consolidation steps applied, and those still to apply. */
  consolidated: string[];
  pending: string[];
  openCutover: Run<'cutover'> | null;
  openRollback: Run<'rollback'> | null;
}

export async function readOpsPhase(deps: OpsDeps, state: RunState): Promise<OpsPhase> {
  const [userStore, consolidated, pending, openCutover, openRollback] = await Promise.all([
    createSettingsRepository(deps.sequelize).readUserStore(),
    deps.consolidator.executed(),
    deps.consolidator.pending(),
    state.open('cutover'),
    state.open('rollback'),
  ]);
  return {
    userStore,
    consolidated: consolidated.map((m) => m.name),
    pending: pending.map((m) => m.name),
    openCutover,
    openRollback,
  };
}

/** Consolidated, switched, and no run in between: a cutover has nothing left to do. */
export function isCutOver(phase: OpsPhase): boolean {
  return (
    phase.consolidated.length > 0 &&
    phase.pending.length === 0 &&
    phase.userStore === 'users' &&
    !phase.openCutover &&
    !phase.openRollback
  );
}

const BEFORE_ANY_CHANGE = new Set(['preflight', 'snapshot']);

/**
 * Phase 1 tables, the phase-1 store, no rollback cut short and no cutover cut short after it
 * began changing things: a rollback has nothing to do.
 */
export function isConservative(phase: OpsPhase): boolean {
  const cutoverChanged = phase.openCutover?.steps.some((s) => !BEFORE_ANY_CHANGE.has(s.name));
  return (
    phase.consolidated.length === 0 &&
    phase.userStore === 'fu_users' &&
    !phase.openRollback &&
    !cutoverChanged
  );
}
