/**
 * The migration state the dashboard shows, read straight from the tables the cutover commands
 * keep (the proxy may not import src/, so the SQL lives here, read-only):
 * - `user_store` from `app_settings` (which table the new engine uses);
 * - account counts: legacy-only (the new engine does not know the account yet), migrated (both
 *   engines know it: a `fu_users` twin in phase 1, `users.fu_linked` once consolidated) and
 *   new-only (a `fu_users` row with no legacy twin), and the accounts linked to an OAuth provider
 *   (`oauth_accounts`, by user: the same in both phases);
 * - the last cutover or rollback run (`cutover_runs`) with each step's result and duration;
 * - the snapshots (`authshift_snapshots.manifest`) with their row counts — counts only, never rows.
 */
import type pg from 'pg';
import type { Clock } from '../../src/lib/clock.js';

interface StepRow {
  name: string;
  status: string;
  startedAt?: string;
  durationMs?: number;
  detail?: string;
  error?: string;
}

interface RunRow {
  id: number;
  kind: string;
  status: string;
  current_step: string | null;
  steps: StepRow[];
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

interface SnapshotRow {
  label: string;
  taken_at: Date;
  restored_at: Date | null;
  tables: Record<string, { rows: number }>;
}

const PHASE_SQL = `SELECT EXISTS (SELECT 1 FROM information_schema.columns
  WHERE table_schema = current_schema() AND table_name = 'users' AND column_name = 'fu_linked') AS consolidated`;

const COUNTS_SQL = {
  conservative: `SELECT
      (SELECT count(*) FROM users u
        WHERE NOT EXISTS (SELECT 1 FROM fu_users f WHERE f.legacy_user_id = u.id)) AS legacy_only,
      (SELECT count(*) FROM fu_users WHERE legacy_user_id IS NOT NULL) AS migrated,
      (SELECT count(*) FROM fu_users WHERE legacy_user_id IS NULL) AS new_only,
      (SELECT count(DISTINCT user_id) FROM oauth_accounts) AS oauth_linked`,
  consolidated: `SELECT
      (SELECT count(*) FROM users WHERE NOT fu_linked) AS legacy_only,
      (SELECT count(*) FROM users WHERE fu_linked) AS migrated,
      (SELECT count(*) FROM fu_users WHERE legacy_user_id IS NULL) AS new_only,
      (SELECT count(DISTINCT user_id) FROM oauth_accounts) AS oauth_linked`,
} as const;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function runToJson(row: RunRow) {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    current_step: row.current_step,
    error: row.error,
    started_at: iso(row.started_at),
    finished_at: iso(row.finished_at),
    steps: row.steps.map((s) => ({
      name: s.name,
      status: s.status,
      duration_ms: s.durationMs ?? null,
      detail: s.detail ?? null,
      error: s.error ?? null,
    })),
  };
}

/**
 * PERF: the counts scan the user tables (an anti-join over every legacy row before
 * consolidation), and every open dashboard page asks every 15 s. They are computed at most once
 * per `COUNTS_MAX_AGE_MS` per proxy process, concurrent readers share one computation, and a
 * failure is not remembered; `counted_at` says how old the figures are.
 */
export const COUNTS_MAX_AGE_MS = 10_000;

interface Counts {
  phase: keyof typeof COUNTS_SQL;
  users: Record<'legacy_only' | 'migrated' | 'new_only', number>;
  oauth_linked: number;
  counted_at: string;
}

export function createMigrationState(pool: pg.Pool, clock: Clock) {
  let cached: { atMs: number; counts: Promise<Counts> } | undefined;

  function counts(): Promise<Counts> {
    const nowMs = clock.now().getTime();
    if (cached && nowMs - cached.atMs < COUNTS_MAX_AGE_MS) return cached.counts;
    const fresh = countUsers(new Date(nowMs));
    const entry = { atMs: nowMs, counts: fresh };
    cached = entry;
    fresh.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return fresh;
  }

  async function countUsers(at: Date): Promise<Counts> {
    const { rows } = await pool.query<{ consolidated: boolean }>(PHASE_SQL);
    const phase = rows[0]?.consolidated ? 'consolidated' : 'conservative';
    const counted = await pool.query<
      Record<'legacy_only' | 'migrated' | 'new_only' | 'oauth_linked', string>
    >(COUNTS_SQL[phase]);
    const c = counted.rows[0]!;
    return {
      phase,
      users: {
        legacy_only: Number(c.legacy_only),
        migrated: Number(c.migrated),
        new_only: Number(c.new_only),
      },
      oauth_linked: Number(c.oauth_linked),
      counted_at: at.toISOString(),
    };
  }

  return {
    async read() {
      const [store, counted, run, snapshots] = await Promise.all([
        pool.query<{ value: string; updated_at: Date; updated_by: string }>(
          `SELECT value, updated_at, updated_by FROM app_settings WHERE key = 'user_store'`,
        ),
        counts(),
        pool.query<RunRow>(
          `SELECT id, kind, status, current_step, steps, error, started_at, finished_at
             FROM cutover_runs ORDER BY id DESC LIMIT 1`,
        ),
        pool.query<SnapshotRow>(
          `SELECT label, taken_at, restored_at, tables FROM authshift_snapshots.manifest
            ORDER BY taken_at DESC, label`,
        ),
      ]);
      const setting = store.rows[0];
      return {
        user_store: setting
          ? {
              value: setting.value,
              updated_at: iso(setting.updated_at),
              updated_by: setting.updated_by,
            }
          : null,
        ...counted,
        last_run: run.rows[0] ? runToJson(run.rows[0]) : null,
        snapshots: snapshots.rows.map((s) => ({
          label: s.label,
          taken_at: iso(s.taken_at),
          restored_at: iso(s.restored_at),
          rows: Object.fromEntries(Object.entries(s.tables).map(([name, t]) => [name, t.rows])),
        })),
      };
    },
  };
}

export type MigrationState = ReturnType<typeof createMigrationState>;
export type MigrationStateJson = Awaited<ReturnType<MigrationState['read']>>;
