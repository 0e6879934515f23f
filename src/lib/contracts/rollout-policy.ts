/**
 * The `rollout_policy` row (one row: the proxy's control plane), which the proxy reads and writes
 * and the cutover records and restores: one declaration of the row and of its routing part for
 * both (test/integration/db/database-contract compares the columns with the live table).
 */
import { rowColumns } from './row-columns.js';

export const ROLLOUT_POLICY_TABLE = 'rollout_policy';

/**
 * A `rollout_policy` row as pg returns it (bigint and numeric as strings). The audit log's JSON
 * copies carry numbers and leave out `id` and the update fields.
 */
export interface RolloutPolicyRow {
  id: number;
  version: string | number;
  killed: boolean;
  percent: string | number;
  allow_emails: string[];
  deny_emails: string[];
  cohort_domains: string[];
  gate_fu_auth: boolean;
  salt: string;
  updated_at: Date | string;
  updated_by: string;
  reason: string | null;
}

/** Every column of `rollout_policy`. */
export const ROLLOUT_POLICY_COLUMNS = rowColumns<RolloutPolicyRow>()([
  'id',
  'version',
  'killed',
  'percent',
  'allow_emails',
  'deny_emails',
  'cohort_domains',
  'gate_fu_auth',
  'salt',
  'updated_at',
  'updated_by',
  'reason',
]);

/** The columns that decide who goes where (what a cutover records and a rollback restores). */
export type RoutingColumns = Pick<
  RolloutPolicyRow,
  | 'version'
  | 'killed'
  | 'percent'
  | 'allow_emails'
  | 'deny_emails'
  | 'cohort_domains'
  | 'gate_fu_auth'
>;
export const ROUTING_COLUMNS_SQL =
  'version, killed, percent, allow_emails, deny_emails, cohort_domains, gate_fu_auth';

export interface RolloutRouting {
  version: number;
  killed: boolean;
  percent: number;
  allow: string[];
  deny: string[];
  domains: string[];
  gateFuAuth: boolean;
}

export function routingFromRow(row: RoutingColumns): RolloutRouting {
  return {
    version: Number(row.version),
    killed: row.killed,
    percent: Number(row.percent),
    allow: row.allow_emails,
    deny: row.deny_emails,
    domains: row.cohort_domains,
    gateFuAuth: row.gate_fu_auth,
  };
}
