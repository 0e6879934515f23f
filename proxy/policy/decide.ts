/**
 * The split decision, a pure function of (request facts, policy). Order:
 * kill switch → signed override → session affinity (only when the request names no e-mail:
 * a fresh login or registration follows the current policy) → deny-list → allow-list →
 * domain cohorts → percentage. Requests with neither an e-mail nor a session stay on legacy.
 */
import { bucketOf } from './bucket.js';
import { canonicalDomain, canonicalEmail } from '../../src/lib/identity/canonical-email.js';
import { percentThreshold, type Arm, type RolloutPolicy } from './rollout-policy.js';

export interface RequestFacts {
  /** E-mail read from a login/register/forgot-password body, as sent. */
  email?: string;
  /** The engine that issued the session or credential the request carries. */
  session?: Arm;
  /** A correctly signed, unexpired `x-authshift-force-arm`. */
  override?: Arm;
}

export const DECISION_REASONS = [
  'kill_switch',
  'override',
  'affinity',
  'deny_list',
  'allow_list',
  'domain_cohort',
  'percentage',
  'anonymous',
] as const;

export type DecisionReason = (typeof DECISION_REASONS)[number];

export interface Decision {
  arm: Arm;
  reason: DecisionReason;
  /** Set when the percentage rule was evaluated. */
  bucket?: number;
}

export function decide(facts: RequestFacts, policy: RolloutPolicy): Decision {
  if (policy.killed) return { arm: 'legacy', reason: 'kill_switch' };
  if (facts.override) return { arm: facts.override, reason: 'override' };
  if (facts.email === undefined) {
    if (facts.session) return { arm: facts.session, reason: 'affinity' };
    return { arm: 'legacy', reason: 'anonymous' };
  }
  return decideForEmail(facts.email, policy);
}

/** The per-user part of the decision; what `rollout_assignments` computes in SQL. */
export function decideForEmail(email: string, policy: RolloutPolicy): Decision {
  const normalised = canonicalEmail(email);
  if (policy.killed) return { arm: 'legacy', reason: 'kill_switch' };
  if (policy.deny.includes(normalised)) return { arm: 'legacy', reason: 'deny_list' };
  if (policy.allow.includes(normalised)) return { arm: 'new', reason: 'allow_list' };
  if (policy.domains.includes(canonicalDomain(normalised)))
    return { arm: 'new', reason: 'domain_cohort' };
  const bucket = bucketOf(policy.salt, normalised);
  const arm = bucket < percentThreshold(policy.percent) ? 'new' : 'legacy';
  return { arm, reason: 'percentage', bucket };
}
