/**
 * Every change ops can make to the policy, as data: one zod schema shared by the CLI and the
 * admin API, and a pure `applyChange(policy, change)`. Lists stay sorted and duplicate-free so
 * the audit log shows real differences only.
 */
import { z } from 'zod';
import { canonicalCohortDomain, canonicalEmail } from '../../src/lib/identity/canonical-email.js';
import type { RolloutPolicy } from '../policy/rollout-policy.js';

const email = z
  .string()
  .transform(canonicalEmail)
  .pipe(z.string().regex(/^[^@\s]+@[^@\s]+$/, 'must be an e-mail address'));
const domain = z
  .string()
  .transform(canonicalCohortDomain)
  .pipe(z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)*$/, 'must be a domain such as example.com'));
const percent = z
  .number({ error: 'must be a number from 0 to 100' })
  .min(0, 'must be from 0 to 100')
  .max(100, 'must be from 0 to 100')
  .refine((p) => Math.abs(p * 100 - Math.round(p * 100)) < 1e-6, 'at most two decimals');

export const policyChangeSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('set_percent'), percent }),
  z.object({ op: z.literal('allow_add'), email }),
  z.object({ op: z.literal('allow_remove'), email }),
  z.object({ op: z.literal('deny_add'), email }),
  z.object({ op: z.literal('deny_remove'), email }),
  z.object({ op: z.literal('domain_add'), domain }),
  z.object({ op: z.literal('domain_remove'), domain }),
  z.object({ op: z.literal('kill') }),
  z.object({ op: z.literal('unkill') }),
  z.object({ op: z.literal('gate_on') }),
  z.object({ op: z.literal('gate_off') }),
  z.object({ op: z.literal('salt_rotate') }),
]);

export type PolicyChange = z.output<typeof policyChangeSchema>;

const add = (list: readonly string[], item: string) => [...new Set([...list, item])].sort();
const remove = (list: readonly string[], item: string) => list.filter((x) => x !== item);

/** Lists are normalised here too, so callers that skip the schema cannot store raw spellings. */
export function applyChange(
  policy: RolloutPolicy,
  change: PolicyChange,
  fresh: { salt(): string },
): RolloutPolicy {
  switch (change.op) {
    case 'set_percent':
      return { ...policy, percent: Math.round(change.percent * 100) / 100 };
    case 'allow_add':
      return { ...policy, allow: add(policy.allow, canonicalEmail(change.email)) };
    case 'allow_remove':
      return { ...policy, allow: remove(policy.allow, canonicalEmail(change.email)) };
    case 'deny_add':
      return { ...policy, deny: add(policy.deny, canonicalEmail(change.email)) };
    case 'deny_remove':
      return { ...policy, deny: remove(policy.deny, canonicalEmail(change.email)) };
    case 'domain_add':
      return { ...policy, domains: add(policy.domains, canonicalCohortDomain(change.domain)) };
    case 'domain_remove':
      return { ...policy, domains: remove(policy.domains, canonicalCohortDomain(change.domain)) };
    case 'kill':
      return { ...policy, killed: true };
    case 'unkill':
      return { ...policy, killed: false };
    case 'gate_on':
      return { ...policy, gateFuAuth: true };
    case 'gate_off':
      return { ...policy, gateFuAuth: false };
    case 'salt_rotate':
      return { ...policy, salt: fresh.salt() };
  }
}

/** True when two policies route every request the same way (metadata ignored). */
export function samePolicy(a: RolloutPolicy, b: RolloutPolicy): boolean {
  const key = (p: RolloutPolicy) =>
    JSON.stringify([p.killed, p.percent, p.allow, p.deny, p.domains, p.gateFuAuth, p.salt]);
  return key(a) === key(b);
}
