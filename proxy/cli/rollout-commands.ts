/**
 * `npm run rollout -- <verb>` (verbs and options: rollout-cli.ts): the ops CLI over the control
 * plane. Every argument is checked with the admin API's own schema; a refusal is one line in
 * plain words (a UsageError, exit 2), nothing is written.
 */
import type pg from 'pg';
import { UsageError } from '../../src/lib/cli/cli-error.js';
import { EXIT, type ExitCode } from '../../src/lib/cli/exit-codes.js';
import {
  parseCommandLine,
  type ArgValues,
  type OptionValues,
} from '../../src/lib/cli/parse-command-line.js';
import { auditEntryToJson } from '../admin/admin-routes.js';
import type { PolicyChange } from '../control/policy-change.js';
import { policyChangeSchema } from '../control/policy-change.js';
import type { PolicyRepository } from '../control/policy-repository.js';
import { FORCE_ARM_HEADER, SIGNATURE_HEADER, signOverride } from '../policy/override.js';
import { percentThreshold, policyToJson, type RolloutPolicy } from '../policy/rollout-policy.js';
import { ROLLOUT_CLI } from './rollout-cli.js';
import { explain } from './rollout-explain.js';

export interface RolloutCliDeps {
  repository: PolicyRepository;
  pool: pg.Pool;
  overrideSecret: string;
  defaultActor: string;
  nowSeconds(): number;
  out(line: string): void;
}

const text = (v: string | string[] | boolean | undefined) =>
  typeof v === 'string' ? v : undefined;

/** The change a verb asks for, before validation (undefined: the verb is not a change). */
function rawChange(
  verb: string,
  args: ArgValues,
  options: OptionValues,
): Record<string, unknown> | undefined {
  const email = text(args.EMAIL);
  switch (verb) {
    case 'set': {
      const given = text(options.percent) ?? text(args.PERCENT);
      if (given === undefined)
        throw new UsageError('set needs the percentage: set 25 (or set --percent 25)');
      return { op: 'set_percent', percent: given.trim() === '' ? Number.NaN : Number(given) };
    }
    case 'allow':
    case 'deny':
      return { op: `${verb}_add`, email };
    case 'unallow':
    case 'undeny':
      return { op: `${verb.slice(2)}_remove`, email };
    case 'domain':
      return { op: `domain_${text(args.ACTION)}`, domain: text(args.DOMAIN) };
    case 'kill':
    case 'unkill':
      return { op: verb };
    case 'gate':
      return { op: `gate_${text(args.STATE)}` };
    case 'salt':
      return { op: 'salt_rotate' };
    default:
      return undefined;
  }
}

/** Validates with the shared schema; its messages are plain ("must be an e-mail address"). */
export function validChange(verb: string, raw: Record<string, unknown>): PolicyChange {
  const parsed = policyChangeSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const given = Object.entries(raw)
    .filter(([k]) => k !== 'op')
    .map(([, v]) => (typeof v === 'number' && Number.isNaN(v) ? 'that' : `"${String(v)}"`))
    .join(' ');
  const reasons = [...new Set(parsed.error.issues.map((i) => i.message))].join('; ');
  throw new UsageError(`${verb} ${given}: ${reasons}`.replace(/\s+:/, ':'));
}

function describe(p: RolloutPolicy): string[] {
  const list = (xs: readonly string[]) => (xs.length ? xs.join(', ') : '—');
  const threshold = percentThreshold(p.percent);
  const buckets =
    threshold === 0
      ? 'no bucket on new'
      : threshold >= 10_000
        ? 'all 10000 buckets on new'
        : `buckets 0–${threshold - 1} of 10000 on new`;
  return [
    `policy v${p.version}  (changed ${p.updatedAt} by ${p.updatedBy}${p.reason ? `: ${p.reason}` : ''})`,
    `  kill switch   ${p.killed ? 'ON (everyone on legacy)' : 'off'}`,
    `  percentage    ${p.percent.toFixed(2)}%  (${buckets})`,
    `  allow-list    ${list(p.allow)}`,
    `  deny-list     ${list(p.deny)}`,
    `  domains       ${list(p.domains)}`,
    `  gate_fu_auth  ${p.gateFuAuth ? 'on' : 'off'}`,
  ];
}

export async function runRollout(argv: string[], deps: RolloutCliDeps): Promise<ExitCode> {
  const parsed = parseCommandLine(ROLLOUT_CLI, argv);
  if (parsed.kind === 'help') {
    deps.out(parsed.text);
    return parsed.exitCode;
  }
  const { args, options } = parsed;
  const verb = parsed.verb ?? 'status';
  const json = options.json === true;
  const raw = rawChange(verb, args, options);
  if (raw) return applyChangeVerb(deps, validChange(verb, raw), options, json);
  switch (verb) {
    case 'history':
      return history(deps, options, json);
    case 'explain':
      for (const email of (args.EMAIL as string[] | undefined) ?? [])
        validChange('explain', { op: 'allow_add', email });
      return explain(deps, (args.EMAIL as string[] | undefined) ?? [], json);
    case 'sign-override':
      return signHeaders(deps, text(args.ARM)!, options);
    default: {
      const policy = await deps.repository.read();
      if (json) deps.out(JSON.stringify(policyToJson(policy)));
      else describe(policy).forEach((l) => deps.out(l));
      return EXIT.ok;
    }
  }
}

async function applyChangeVerb(
  deps: RolloutCliDeps,
  change: PolicyChange,
  options: OptionValues,
  json: boolean,
): Promise<ExitCode> {
  const result = await deps.repository.change(change, {
    actor: text(options.actor) ?? deps.defaultActor,
    reason: text(options.reason) ?? null,
  });
  if (json)
    deps.out(JSON.stringify({ outcome: result.outcome, policy: policyToJson(result.policy) }));
  else {
    deps.out(
      result.outcome === 'changed'
        ? `changed (${change.op})`
        : 'unchanged: the policy already says so',
    );
    describe(result.policy).forEach((l) => deps.out(l));
  }
  return EXIT.ok;
}

function whole(
  value: string | boolean | undefined,
  name: string,
  fallback: number,
  min: number,
  max = Infinity,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < min || n > max)
    throw new UsageError(
      `--${name} must be a whole number from ${min}${max < Infinity ? ` to ${max}` : ' up'}, got "${String(value)}"`,
    );
  return n;
}

async function history(
  deps: RolloutCliDeps,
  options: OptionValues,
  json: boolean,
): Promise<ExitCode> {
  const limit = whole(options.limit, 'limit', 20, 1);
  const offset = whole(options.offset, 'offset', 0, 0);
  const { entries, total } = await deps.repository.history({ limit, offset });
  if (json) {
    deps.out(JSON.stringify({ entries: entries.map(auditEntryToJson), total, limit, offset }));
    return EXIT.ok;
  }
  for (const e of entries) {
    deps.out(`v${e.version}  ${e.at}  ${e.actor}  ${e.reason ?? '(no reason given)'}`);
    deps.out(`      ${e.old ? summary(e.old) : '(created)'}  →  ${summary(e.new)}`);
  }
  deps.out(`${entries.length} of ${total} entries (offset ${offset})`);
  return EXIT.ok;
}

function summary(p: RolloutPolicy): string {
  return `${p.killed ? 'KILLED ' : ''}${p.percent}% allow=${p.allow.length} deny=${p.deny.length} domains=[${p.domains.join(',')}] gate=${p.gateFuAuth ? 'on' : 'off'} salt=${p.salt.slice(0, 6)}…`;
}

function signHeaders(deps: RolloutCliDeps, arm: string, options: OptionValues): ExitCode {
  const ttl = whole(options.ttl, 'ttl', 3600, 1, 24 * 3600);
  deps.out(`${FORCE_ARM_HEADER}: ${arm}`);
  deps.out(
    `${SIGNATURE_HEADER}: ${signOverride(deps.overrideSecret, arm as 'legacy' | 'new', deps.nowSeconds() + ttl)}`,
  );
  return EXIT.ok;
}
