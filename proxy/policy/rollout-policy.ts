/**
 * The rollout policy as the proxy, the CLI and the admin API see it: one current row of
 * `rollout_policy` (see migrations/…create-rollout-policy.ts). Lists hold normalised e-mails
 * and lower-case domains.
 */
export type Arm = 'legacy' | 'new';

export const ARMS: readonly Arm[] = ['legacy', 'new'];

export interface RolloutPolicy {
  version: number;
  killed: boolean;
  /** 0–100 with two decimals (0.01% steps). */
  percent: number;
  allow: readonly string[];
  deny: readonly string[];
  domains: readonly string[];
  gateFuAuth: boolean;
  salt: string;
  updatedAt: string;
  updatedBy: string;
  reason: string | null;
}

/**
 * Used only until the first successful read from PostgreSQL: nobody is moved to the new engine
 * by a proxy that has never seen a policy.
 */
export const FAIL_SAFE_POLICY: RolloutPolicy = Object.freeze({
  version: 0,
  killed: false,
  percent: 0,
  allow: [],
  deny: [],
  domains: [],
  gateFuAuth: false,
  salt: 'unloaded',
  updatedAt: new Date(0).toISOString(),
  updatedBy: 'proxy',
  reason: 'no policy loaded yet',
});

/** Percent → number of buckets (of 10 000) on the new arm; exact for two decimals. */
export function percentThreshold(percent: number): number {
  return Math.round(percent * 100);
}

/** The policy as JSON for the admin API and `rollout status --json` (snake_case, stable). */
export function policyToJson(policy: RolloutPolicy) {
  return {
    version: policy.version,
    killed: policy.killed,
    percent: policy.percent,
    allow: [...policy.allow],
    deny: [...policy.deny],
    domains: [...policy.domains],
    gate_fu_auth: policy.gateFuAuth,
    salt: policy.salt,
    updated_at: policy.updatedAt,
    updated_by: policy.updatedBy,
    reason: policy.reason,
  };
}
