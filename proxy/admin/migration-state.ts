/**
 * The migration state the dashboard shows, read-only from what the monolith owns in the
 * database. Row types, table names and the SQL functions come from src/lib/contracts/ (the one
 * declaration both processes share), so the proxy re-derives nothing:
 * - `user_store` from `app_settings` (which table the new engine uses);
 * - the phase and account counts from `authshift_account_counts()`, and the accounts linked to an
 *   OAuth provider;
 * - the last cutover or rollback run (`cutover_runs`) with each step's result and duration;
 * - the snapshots (`authshift_snapshots.manifest`) with their row counts — counts only, never rows.
 */
import type pg from 'pg';
import type { Clock } from '../../src/lib/clock.js';
import {
  APP_SETTINGS_TABLE,
  USER_STORE_SETTING,
  type AppSettingRow,
} from '../../src/lib/contracts/app-settings.js';
import { CUTOVER_RUNS_TABLE, type CutoverRunRow } from '../../src/lib/contracts/cutover-runs.js';
import {
  ACCOUNT_COUNTS_SQL,
  type AccountCountsRow,
  type Phase,
} from '../../src/lib/contracts/migration-state.js';
import {
  SNAPSHOT_MANIFEST_TABLE,
  type SnapshotManifestRow,
} from '../../src/lib/contracts/snapshot-manifest.js';

type LastRunRow = Omit<CutoverRunRow, 'state'>;
type SnapshotRow = Pick<SnapshotManifestRow, 'label' | 'taken_at' | 'restored_at' | 'tables'>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function runToJson(row: LastRunRow) {
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
  phase: Phase;
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
    const { rows } = await pool.query<AccountCountsRow>(ACCOUNT_COUNTS_SQL);
    const c = rows[0]!;
    return {
      phase: c.phase,
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
        pool.query<Omit<AppSettingRow, 'key'>>(
          `SELECT value, updated_at, updated_by FROM ${APP_SETTINGS_TABLE} WHERE key = $1`,
          [USER_STORE_SETTING],
        ),
        counts(),
        pool.query<LastRunRow>(
          `SELECT id, kind, status, current_step, steps, error, started_at, finished_at
             FROM ${CUTOVER_RUNS_TABLE} ORDER BY id DESC LIMIT 1`,
        ),
        pool.query<SnapshotRow>(
          `SELECT label, taken_at, restored_at, tables FROM ${SNAPSHOT_MANIFEST_TABLE}
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
