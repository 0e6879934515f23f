import type { DriftedTwin, TwinSide } from './twin-drift.js';
import type { TwinField } from './twin-fields.js';

/**
 * The reconcile rule (docs/runbook.md, `npm run users -- help reconcile`): what both twins hold
 * once they agree. It never grants anything one side did not already have:
 * - e-mail: the fu_users address (e-mail changes are made on the new engine; the legacy engine
 *   has none), unless another account holds it (then the pair is left for an operator);
 * - active: inactive if either side is inactive (a deactivation is never undone);
 * - superuser / role: superuser (admin) only if both sides say so;
 * - verified: the kept address counts as confirmed if fu_users confirmed it, or if both sides
 *   hold the same address and either confirmed it;
 * - password: the users hash is copied to fu_users (the new engine only ever holds a legacy hash
 *   as a copy of its twin's, so the copy is the stale one).
 */
export interface ReconciledTwin {
  email: string;
  active: boolean;
  superuser: boolean;
  verified: boolean;
  /** The hash fu_users takes from users ('' for none); undefined: the hashes stay as they are. */
  hash?: string;
}

export function reconcileTwin(twin: DriftedTwin): ReconciledTwin {
  const { legacy, fu } = twin;
  const sameAddress = legacy.email === fu.email;
  return {
    email: fu.email,
    active: legacy.active && fu.active,
    superuser: legacy.superuser && fu.superuser,
    verified: fu.verified || (sameAddress && legacy.verified),
    ...(twin.differs.includes('password') ? { hash: legacy.hash ?? '' } : {}),
  };
}

/** What reconciling changes on each side, e.g. `users.active true→false`. */
export function reconcileChanges(twin: DriftedTwin, target: ReconciledTwin): string[] {
  const changes: string[] = [];
  const compare = (table: string, side: TwinSide, field: Exclude<TwinField, 'password'>) => {
    if (side[field] !== target[field])
      changes.push(`${table}.${field} ${side[field]}→${target[field]}`);
  };
  for (const field of ['email', 'active', 'superuser', 'verified'] as const) {
    compare('users', twin.legacy, field);
    compare('fu_users', twin.fu, field);
  }
  if (target.hash !== undefined && (twin.fu.hash ?? '') !== target.hash)
    changes.push('fu_users.password ← users (the legacy hash)');
  return changes;
}
