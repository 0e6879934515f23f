/**
 * `npm run rollout -- <verb>`: the ops CLI over the control plane. Changes go through the same
 * repository call (and the same audit triggers) as the admin API.
 *
 *   status [--json]                    the live policy
 *   set --percent N                    0–100, two decimals
 *   allow EMAIL | unallow EMAIL        allow-list
 *   deny EMAIL | undeny EMAIL          deny-list
 *   domain add|remove DOMAIN           e-mail domain cohorts
 *   kill | unkill                      kill switch (everyone, sessions included, to legacy)
 *   gate on|off                        gate_fu_auth
 *   salt rotate                        new salt: reshuffles every user's bucket
 *   history [--limit N] [--offset N] [--json]
 *   explain EMAIL… [--json]            arm and deciding rule, checked against the SQL function
 *   sign-override legacy|new [--ttl S] the two headers that pin a request (QA)
 * Common flags: --reason TEXT, --actor NAME.
 */
import type pg from 'pg';
import type { PolicyChange } from '../control/policy-change.js';
import { policyChangeSchema } from '../control/policy-change.js';
import type { PolicyRepository } from '../control/policy-repository.js';
import { auditEntryToJson } from '../admin/admin-routes.js';
import { decideForEmail } from '../policy/decide.js';
import { FORCE_ARM_HEADER, SIGNATURE_HEADER, signOverride } from '../policy/override.js';
import { percentThreshold, policyToJson, type RolloutPolicy } from '../policy/rollout-policy.js';
import { UsageError } from './run-entry.js';

export interface RolloutCliDeps {
  repository: PolicyRepository;
  pool: pg.Pool;
  overrideSecret: string;
  defaultActor: string;
  nowSeconds(): number;
  out(line: string): void;
}

interface Parsed {
  words: string[];
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set(['--percent', '--reason', '--actor', '--limit', '--offset', '--ttl']);

export function parseArgs(argv: string[]): Parsed {
  const words: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) words.push(arg);
    else if (arg.includes('='))
      flags.set(arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1));
    else if (VALUE_FLAGS.has(arg)) {
      const value = argv[++i];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      flags.set(arg, value);
    } else flags.set(arg, true);
  }
  return { words, flags };
}

function changeFor(words: string[], flags: Parsed['flags']): PolicyChange | undefined {
  const [verb, a, b] = words;
  const raw: Record<string, unknown> | undefined = (() => {
    switch (verb) {
      case 'set':
        return { op: 'set_percent', percent: Number(flags.get('--percent') ?? a) };
      case 'allow':
        return { op: 'allow_add', email: a };
      case 'unallow':
        return { op: 'allow_remove', email: a };
      case 'deny':
        return { op: 'deny_add', email: a };
      case 'undeny':
        return { op: 'deny_remove', email: a };
      case 'domain':
        return a === 'add' || a === 'remove' ? { op: `domain_${a}`, domain: b } : { op: 'domain' };
      case 'kill':
      case 'unkill':
        return { op: verb };
      case 'gate':
        return a === 'on' || a === 'off' ? { op: `gate_${a}` } : { op: 'gate' };
      case 'salt':
        return a === 'rotate' ? { op: 'salt_rotate' } : { op: 'salt' };
      default:
        return undefined;
    }
  })();
  if (!raw) return undefined;
  const parsed = policyChangeSchema.safeParse(raw);
  if (!parsed.success)
    throw new UsageError(
      `${words.join(' ')}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'usage'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

function describe(p: RolloutPolicy): string[] {
  const list = (xs: readonly string[]) => (xs.length ? xs.join(', ') : '—');
  return [
    `policy v${p.version}  (changed ${p.updatedAt} by ${p.updatedBy}${p.reason ? `: ${p.reason}` : ''})`,
    `  kill switch   ${p.killed ? 'ON (everyone on legacy)' : 'off'}`,
    `  percentage    ${p.percent.toFixed(2)}%  (buckets 0–${percentThreshold(p.percent) - 1} of 10000 on new)`,
    `  allow-list    ${list(p.allow)}`,
    `  deny-list     ${list(p.deny)}`,
    `  domains       ${list(p.domains)}`,
    `  gate_fu_auth  ${p.gateFuAuth ? 'on' : 'off'}`,
  ];
}

export async function runRollout(argv: string[], deps: RolloutCliDeps): Promise<number> {
  const { words, flags } = parseArgs(argv);
  const json = flags.has('--json');
  const verb = words[0] ?? 'status';
  const change = changeFor(words, flags);
  if (change) {
    const reason = flags.get('--reason');
    const actor = flags.get('--actor');
    const result = await deps.repository.change(change, {
      actor: typeof actor === 'string' ? actor : deps.defaultActor,
      reason: typeof reason === 'string' ? reason : null,
    });
    if (json)
      deps.out(JSON.stringify({ outcome: result.outcome, policy: policyToJson(result.policy) }));
    else {
      deps.out(
        result.outcome === 'changed'
          ? `changed (${change.op})`
          : `unchanged: the policy already says so`,
      );
      describe(result.policy).forEach((l) => deps.out(l));
    }
    return 0;
  }
  switch (verb) {
    case 'status': {
      const policy = await deps.repository.read();
      if (json) deps.out(JSON.stringify(policyToJson(policy)));
      else describe(policy).forEach((l) => deps.out(l));
      return 0;
    }
    case 'history':
      return history(deps, flags, json);
    case 'explain':
      return explain(deps, words.slice(1), json);
    case 'sign-override':
      return signHeaders(deps, words[1], flags);
    default:
      throw new UsageError(
        `unknown command "${words.join(' ')}"; see proxy/README.md (rollout CLI)`,
      );
  }
}

async function history(
  deps: RolloutCliDeps,
  flags: Parsed['flags'],
  json: boolean,
): Promise<number> {
  const limit = Number(flags.get('--limit') ?? 20);
  const offset = Number(flags.get('--offset') ?? 0);
  if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0)
    throw new UsageError('--limit must be ≥ 1 and --offset ≥ 0 (integers)');
  const { entries, total } = await deps.repository.history({ limit, offset });
  if (json) {
    deps.out(JSON.stringify({ entries: entries.map(auditEntryToJson), total, limit, offset }));
    return 0;
  }
  for (const e of entries) {
    deps.out(`v${e.version}  ${e.at}  ${e.actor}  ${e.reason ?? '(no reason given)'}`);
    deps.out(`      ${e.old ? summary(e.old) : '(created)'}  →  ${summary(e.new)}`);
  }
  deps.out(`${entries.length} of ${total} entries (offset ${offset})`);
  return 0;
}

function summary(p: RolloutPolicy): string {
  return `${p.killed ? 'KILLED ' : ''}${p.percent}% allow=${p.allow.length} deny=${p.deny.length} domains=[${p.domains.join(',')}] gate=${p.gateFuAuth ? 'on' : 'off'} salt=${p.salt.slice(0, 6)}…`;
}

async function explain(deps: RolloutCliDeps, emails: string[], json: boolean): Promise<number> {
  if (emails.length === 0) throw new UsageError('explain needs at least one e-mail');
  const policy = await deps.repository.read();
  const { rows } = await deps.pool.query<{
    email: string;
    arm: string;
    reason: string;
    bucket: number;
  }>(
    `SELECT e.email, d.arm, d.reason, d.bucket
       FROM unnest($1::text[]) WITH ORDINALITY AS e(email, n)
       CROSS JOIN rollout_policy p
       CROSS JOIN LATERAL authshift_rollout_decide(e.email, p) d
      WHERE p.id = 1 ORDER BY e.n`,
    [emails],
  );
  let disagreements = 0;
  const answers = emails.map((email, i) => {
    const mine = decideForEmail(email, policy);
    const sql = rows[i]!;
    const agree = sql.arm === mine.arm && sql.reason === mine.reason;
    if (!agree) disagreements++;
    return {
      email,
      arm: mine.arm,
      reason: mine.reason,
      bucket: mine.bucket ?? sql.bucket,
      threshold: percentThreshold(policy.percent),
      policy_version: policy.version,
      sql: { arm: sql.arm, reason: sql.reason },
      agree,
    };
  });
  if (json) deps.out(JSON.stringify(answers));
  else
    for (const a of answers)
      deps.out(
        `${a.email}  →  ${a.arm}  (${a.reason}; bucket ${a.bucket} vs threshold ${a.threshold}; policy v${a.policy_version})${a.agree ? '' : `  MISMATCH: SQL says ${a.sql.arm}/${a.sql.reason}`}`,
      );
  return disagreements === 0 ? 0 : 3;
}

function signHeaders(
  deps: RolloutCliDeps,
  arm: string | undefined,
  flags: Parsed['flags'],
): number {
  if (arm !== 'legacy' && arm !== 'new') throw new UsageError('sign-override needs legacy or new');
  const ttl = Number(flags.get('--ttl') ?? 3600);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 24 * 3600)
    throw new UsageError('--ttl must be 1–86400 seconds');
  deps.out(`${FORCE_ARM_HEADER}: ${arm}`);
  deps.out(
    `${SIGNATURE_HEADER}: ${signOverride(deps.overrideSecret, arm, deps.nowSeconds() + ttl)}`,
  );
  return 0;
}
