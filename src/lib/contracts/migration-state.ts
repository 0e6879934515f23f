/**
 * The SQL the monolith's migrations define for reading where the migration stands
 * (migrations/…migration-state-functions.ts), named once for every reader: preflight, the split
 * user store and the proxy's dashboard.
 */

/** View: the ids of legacy accounts with no `fu_users` twin (phase 1's "legacy-only"). */
export const LEGACY_ONLY_USERS_VIEW = 'authshift_legacy_only_users';

export const PHASES = ['conservative', 'consolidated'] as const;
export type Phase = (typeof PHASES)[number];

/** A row of `SELECT * FROM authshift_account_counts()` (counts are bigint: pg returns strings). */
export interface AccountCountsRow {
  phase: Phase;
  legacy_only: string;
  migrated: string;
  new_only: string;
  /** Accounts linked to at least one OAuth provider (`oauth_accounts`, the same in both phases). */
  oauth_linked: string;
}

export const ACCOUNT_COUNTS_SQL = `SELECT c.phase, c.legacy_only, c.migrated, c.new_only,
    (SELECT count(DISTINCT o.user_id) FROM oauth_accounts o) AS oauth_linked
  FROM authshift_account_counts() c`;
