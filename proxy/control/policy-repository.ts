/**
 * The control plane's data access, shared by the CLI, the admin API and the guard: read the
 * current policy, change it (one transaction, row lock, triggers version + audit + notify), and
 * page through the audit log. Plain `pg`: the proxy has no ORM.
 */
import type pg from 'pg';
import {
  ROLLOUT_POLICY_TABLE,
  ROUTING_COLUMNS_SQL,
  routingFromRow,
  type RolloutPolicyRow,
  type RoutingColumns,
} from '../../src/lib/contracts/rollout-policy.js';
import { randomToken } from '../../src/lib/random.js';
import type { RolloutPolicy } from '../policy/rollout-policy.js';
import { applyChange, samePolicy, type PolicyChange } from './policy-change.js';

export const POLICY_CHANNEL = 'authshift_rollout_policy';

/** The full row, or the audit log's JSON copy of it (no update fields). */
type PolicyRow = RoutingColumns &
  Pick<RolloutPolicyRow, 'salt'> &
  Partial<Pick<RolloutPolicyRow, 'updated_at' | 'updated_by' | 'reason'>>;

const SELECT_POLICY = `SELECT ${ROUTING_COLUMNS_SQL}, salt, updated_at, updated_by, reason
  FROM ${ROLLOUT_POLICY_TABLE} WHERE id = 1`;

export function rowToPolicy(row: PolicyRow): RolloutPolicy {
  return {
    ...routingFromRow(row),
    salt: row.salt,
    updatedAt: row.updated_at ? new Date(row.updated_at).toISOString() : '',
    updatedBy: row.updated_by ?? '',
    reason: row.reason ?? null,
  };
}

export interface ChangeMeta {
  actor: string;
  reason: string | null;
  /** Optimistic concurrency: refuse when the live version differs. */
  expectedVersion?: number;
}

export type ChangeResult =
  | { outcome: 'changed' | 'unchanged'; policy: RolloutPolicy }
  | { outcome: 'conflict'; policy: RolloutPolicy };

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  reason: string | null;
  version: number;
  old: RolloutPolicy | null;
  new: RolloutPolicy;
}

export function createPolicyRepository(pool: pg.Pool) {
  async function read(client: pg.Pool | pg.PoolClient = pool): Promise<RolloutPolicy> {
    const { rows } = await client.query<PolicyRow>(SELECT_POLICY);
    if (!rows[0]) throw new Error('rollout_policy has no row: run the migrations');
    return rowToPolicy(rows[0]);
  }

  async function change(change: PolicyChange, meta: ChangeMeta): Promise<ChangeResult> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const current = await readLocked(client);
      if (meta.expectedVersion !== undefined && meta.expectedVersion !== current.version) {
        await client.query('ROLLBACK');
        return { outcome: 'conflict', policy: current };
      }
      const next = applyChange(current, change, { salt: () => randomToken(16) });
      if (samePolicy(current, next)) {
        await client.query('ROLLBACK');
        return { outcome: 'unchanged', policy: current };
      }
      const { rows } = await client.query<PolicyRow>(
        `UPDATE rollout_policy SET killed = $1, percent = $2, allow_emails = $3,
           deny_emails = $4, cohort_domains = $5, gate_fu_auth = $6, salt = $7,
           updated_by = $8, reason = $9
         WHERE id = 1 RETURNING *`,
        [
          next.killed,
          next.percent,
          next.allow,
          next.deny,
          next.domains,
          next.gateFuAuth,
          next.salt,
          meta.actor,
          meta.reason,
        ],
      );
      await client.query('COMMIT');
      return { outcome: 'changed', policy: rowToPolicy(rows[0]!) };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async function readLocked(client: pg.PoolClient): Promise<RolloutPolicy> {
    const { rows } = await client.query<PolicyRow>(`${SELECT_POLICY} FOR UPDATE`);
    if (!rows[0]) throw new Error('rollout_policy has no row: run the migrations');
    return rowToPolicy(rows[0]);
  }

  async function history(page: { limit: number; offset: number }) {
    const [{ rows }, total] = await Promise.all([
      pool.query<{
        id: string;
        at: Date;
        actor: string;
        reason: string | null;
        version: string;
        old_policy: PolicyRow | null;
        new_policy: PolicyRow;
      }>(
        `SELECT id, at, actor, reason, version, old_policy, new_policy FROM rollout_audit
         ORDER BY id DESC LIMIT $1 OFFSET $2`,
        [page.limit, page.offset],
      ),
      pool.query<{ n: string }>('SELECT count(*) AS n FROM rollout_audit'),
    ]);
    const entries: AuditEntry[] = rows.map((r) => ({
      id: Number(r.id),
      at: r.at.toISOString(),
      actor: r.actor,
      reason: r.reason,
      version: Number(r.version),
      old: r.old_policy ? rowToPolicy(r.old_policy) : null,
      new: rowToPolicy(r.new_policy),
    }));
    return { entries, total: Number(total.rows[0]?.n ?? 0) };
  }

  return { read: () => read(), change, history };
}

export type PolicyRepository = ReturnType<typeof createPolicyRepository>;
