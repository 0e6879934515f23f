/**
 * The rollout policy as the cutover and rollback see it: read (to record it before a cutover),
 * the kill switch (first step of a rollback), and the restore of what was in force before the
 * cutover (last step of a rollback). Plain SQL through the audited triggers, like every writer.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import {
  ROLLOUT_POLICY_TABLE,
  ROUTING_COLUMNS_SQL,
  routingFromRow,
  type RoutingColumns,
} from '../lib/contracts/rollout-policy.js';
import type { PolicyRecord } from './run-state.js';

async function hasControlPlane(sequelize: Sequelize): Promise<boolean> {
  const [row] = await sequelize.query<{ t: string | null }>(
    `SELECT to_regclass('rollout_policy')::text AS t`,
    { type: QueryTypes.SELECT },
  );
  return Boolean(row?.t);
}

/** The routing part of the live policy; null when this database has no control plane. */
export async function readRolloutPolicy(sequelize: Sequelize): Promise<PolicyRecord | null> {
  if (!(await hasControlPlane(sequelize))) return null;
  const [row] = await sequelize.query<RoutingColumns>(
    `SELECT ${ROUTING_COLUMNS_SQL} FROM ${ROLLOUT_POLICY_TABLE} WHERE id = 1`,
    { type: QueryTypes.SELECT },
  );
  return row ? routingFromRow(row) : null;
}

/** Rows an UPDATE through sequelize.query touched (pg reports a result object or a count). */
function rowCount(result: unknown): number {
  if (typeof result === 'number') return result;
  const count = (result as { rowCount?: number } | null)?.rowCount;
  return typeof count === 'number' ? count : 0;
}

export function describePolicy(p: PolicyRecord): string {
  const list = (xs: string[]) => (xs.length ? xs.join(', ') : 'none');
  return `kill switch ${p.killed ? 'ON (everyone on legacy)' : 'off'}, ${p.percent.toFixed(2)} % on the new engine, allow-list ${list(p.allow)}, deny-list ${list(p.deny)}, domains ${list(p.domains)}, gate_fu_auth ${p.gateFuAuth ? 'on' : 'off'}`;
}

const routing = (p: PolicyRecord) =>
  JSON.stringify([p.killed, p.percent, p.allow, p.deny, p.domains, p.gateFuAuth]);

export function sameRouting(a: PolicyRecord, b: PolicyRecord): boolean {
  return routing(a) === routing(b);
}

/** Everyone (sessions included) to the legacy arm; a no-op when the switch is already on. */
export async function turnKillSwitchOn(
  sequelize: Sequelize,
  actor: string,
  reason: string,
): Promise<string> {
  const policy = await readRolloutPolicy(sequelize);
  if (!policy) return 'no rollout control plane in this database: nothing to switch';
  if (policy.killed) return 'kill switch already on: everyone is on the legacy arm';
  const [row] = await sequelize.query<{ version: string }>(
    'SELECT authshift_rollout_kill(:actor, :reason) AS version',
    { replacements: { actor, reason }, type: QueryTypes.SELECT },
  );
  return `kill switch on (policy version ${row?.version}): every proxy sends everyone to legacy within a second`;
}

export interface PolicyChange {
  version: number;
  actor: string;
  reason: string | null;
}

/**
 * Audited changes to the routing part of the policy (not the salt) made after `version` by anyone
 * but `ownActor`, oldest first: a kill, deny or guard trip decided after the cutover started, which
 * putting back the cutover's recorded policy would silently undo.
 */
export async function routingChangesSince(
  sequelize: Sequelize,
  version: number,
  ownActor: string,
): Promise<PolicyChange[]> {
  if (!(await hasControlPlane(sequelize))) return [];
  const rows = await sequelize.query<{ version: string; actor: string; reason: string | null }>(
    `SELECT version, actor, reason FROM rollout_audit
      WHERE version > :version AND actor <> :ownActor
        AND (old_policy IS NULL
             OR jsonb_build_array(old_policy->'killed', old_policy->'percent',
                                  old_policy->'allow_emails', old_policy->'deny_emails',
                                  old_policy->'cohort_domains', old_policy->'gate_fu_auth')
                IS DISTINCT FROM
                jsonb_build_array(new_policy->'killed', new_policy->'percent',
                                  new_policy->'allow_emails', new_policy->'deny_emails',
                                  new_policy->'cohort_domains', new_policy->'gate_fu_auth'))
      ORDER BY version`,
    { replacements: { version, ownActor }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({ version: Number(r.version), actor: r.actor, reason: r.reason }));
}

/**
 * Puts back the routing of `wanted` (kill switch, percentage, lists, domains, gate; the salt is
 * never touched), audited as `actor`, only over `expectedVersion` when given and only over the
 * version it read (else `conflict`). Returns the policy in force afterwards.
 */
export async function restoreRouting(
  sequelize: Sequelize,
  wanted: PolicyRecord,
  meta: { actor: string; reason: string; expectedVersion?: number },
): Promise<{ changed: boolean; conflict?: true; policy: PolicyRecord | null }> {
  const current = await readRolloutPolicy(sequelize);
  if (!current || sameRouting(current, wanted)) return { changed: false, policy: current };
  if (meta.expectedVersion !== undefined && current.version !== meta.expectedVersion)
    return { changed: false, conflict: true, policy: current };
  const [, updated] = await sequelize.query(
    `UPDATE rollout_policy SET killed = :killed, percent = :percent,
            allow_emails = ARRAY(SELECT jsonb_array_elements_text(:allow::jsonb)),
            deny_emails = ARRAY(SELECT jsonb_array_elements_text(:deny::jsonb)),
            cohort_domains = ARRAY(SELECT jsonb_array_elements_text(:domains::jsonb)),
            gate_fu_auth = :gate,
            updated_by = :actor, reason = :reason
      WHERE id = 1 AND version = :version`,
    {
      replacements: {
        version: current.version,
        killed: wanted.killed,
        percent: wanted.percent,
        allow: JSON.stringify(wanted.allow),
        deny: JSON.stringify(wanted.deny),
        domains: JSON.stringify(wanted.domains),
        gate: wanted.gateFuAuth,
        ...meta,
      },
    },
  );
  // Written only over the version read, so a change committed in between is never overwritten.
  const changed = rowCount(updated) === 1;
  return {
    changed,
    ...(changed ? {} : { conflict: true }),
    policy: await readRolloutPolicy(sequelize),
  };
}
