/**
 * The split decision, a pure function of (request facts, policy), in the order docs/proxy.md
 * ("Decision") gives:
 *   kill switch → signed override → the e-mail read from the body (identity routes) → the e-mail
 *   of a verified routing claim → a verified new-engine credential (gated /fu_auth only: an
 *   access or reset token → new; a verification token → the policy for its e-mail) → anonymous.
 * Every e-mail goes through the per-user rules: deny-list → allow-list → domain cohorts →
 * percentage. Only verified facts get here: a session cookie's look decides nothing, so kill,
 * deny and percentage changes apply to a logged-in user's next request.
 */
import { bucketOf } from './bucket.js';
import { canonicalDomain, canonicalEmail } from '../../src/lib/identity/canonical-email.js';
import { percentThreshold, type Arm, type RolloutPolicy } from './rollout-policy.js';

export interface RequestFacts {
  /** A correctly signed, unexpired `x-authshift-force-arm`. */
  override?: Arm;
  /** E-mail read from a login/register/forgot-password/request-verify-token body, as sent. */
  email?: string;
  /** E-mail of a verified, unexpired routing claim (`authshift_route`). */
  claimEmail?: string;
  /** A verified new-engine credential (gated /fu_auth only). */
  credential?: { kind: 'access' | 'reset' } | { kind: 'verify'; email: string };
}

export const DECISION_REASONS = [
  'kill_switch',
  'override',
  'deny_list',
  'allow_list',
  'domain_cohort',
  'percentage',
  'credential',
  'anonymous',
] as const;

export type DecisionReason = (typeof DECISION_REASONS)[number];

/** Where the user the decision is about came from (absent: no user, e.g. anonymous or kill). */
export type IdentitySource = 'body' | 'claim' | 'credential';

export interface Decision {
  arm: Arm;
  reason: DecisionReason;
  /** Set when the percentage rule was evaluated. */
  bucket?: number;
  /** Set when the policy decided for an identified user (the guard counts only those). */
  identifiedBy?: IdentitySource;
}

export function decide(facts: RequestFacts, policy: RolloutPolicy): Decision {
  if (policy.killed) return { arm: 'legacy', reason: 'kill_switch' };
  if (facts.override) return { arm: facts.override, reason: 'override' };
  if (facts.email !== undefined)
    return { ...decideForEmail(facts.email, policy), identifiedBy: 'body' };
  if (facts.claimEmail !== undefined)
    return { ...decideForEmail(facts.claimEmail, policy), identifiedBy: 'claim' };
  const credential = facts.credential;
  if (credential?.kind === 'verify')
    return { ...decideForEmail(credential.email, policy), identifiedBy: 'credential' };
  if (credential) return { arm: 'new', reason: 'credential', identifiedBy: 'credential' };
  return { arm: 'legacy', reason: 'anonymous' };
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
