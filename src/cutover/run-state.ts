import { QueryTypes, type Sequelize } from 'sequelize';
import { z } from 'zod';
import type {
  CutoverRunRow,
  RunKind,
  RunStatus,
  StepRecord,
} from '../lib/contracts/cutover-runs.js';

/**
 * One cutover or rollback run as kept in `cutover_runs` (its row: src/lib/contracts/cutover-runs.ts): where it is, what each step did, and the
 * command's own state — a typed record per command, parsed (not cast) when read back, so a
 * renamed field fails here and not three steps later.
 */
export type { RunKind, RunStatus, StepRecord };

/** The routing part of the rollout policy, as the cutover found it (restored by the rollback). */
export const policyRecordSchema = z.object({
  version: z.number(),
  killed: z.boolean(),
  percent: z.number(),
  allow: z.array(z.string()),
  deny: z.array(z.string()),
  domains: z.array(z.string()),
  gateFuAuth: z.boolean(),
});
export type PolicyRecord = z.infer<typeof policyRecordSchema>;

const STATE_SCHEMAS = {
  cutover: z.object({
    /** Label of the snapshot this run takes (kept across resumes). */
    snapshot: z.string().optional(),
    /** The rollout policy in force when the run started; null without a control plane. */
    policyBefore: policyRecordSchema.nullable().optional(),
    /** The smoke test's throw-away account, recorded before it exists so a resume removes it. */
    smokeAccount: z.string().optional(),
  }),
  rollback: z.object({
    /** `users` rows before the rollback: none may disappear. */
    usersBefore: z.number().optional(),
    /** The cutover run being rolled back, whose recorded policy is restored at the end. */
    cutoverRun: z.number().optional(),
  }),
};

export type RunStateOf<K extends RunKind> = z.infer<(typeof STATE_SCHEMAS)[K]>;

export interface Run<K extends RunKind> {
  id: number;
  kind: K;
  status: RunStatus;
  steps: StepRecord[];
  state: RunStateOf<K>;
  resumed: boolean;
}

type RunRow = Pick<CutoverRunRow, 'id' | 'kind' | 'status' | 'steps' | 'state'>;

function toRun<K extends RunKind>(kind: K, row: RunRow, resumed: boolean): Run<K> {
  const state = STATE_SCHEMAS[kind].parse(row.state ?? {}) as RunStateOf<K>;
  return { id: row.id, kind, status: row.status, steps: row.steps, state, resumed };
}

const COLUMNS = 'id, kind, status, steps, state';
const OPEN = `status IN ('running', 'interrupted')`;

export function createRunState(sequelize: Sequelize) {
  const select = (sql: string, replacements: Record<string, unknown>) =>
    sequelize.query<RunRow>(sql, { replacements, type: QueryTypes.SELECT });

  async function save(
    run: Run<RunKind>,
    patch: { status?: RunStatus; error?: string | null; current?: string | null } = {},
  ): Promise<void> {
    await sequelize.query(
      `UPDATE cutover_runs SET steps = :steps::jsonb, state = :state::jsonb,
              status = COALESCE(:status, status), current_step = :current,
              error = CASE WHEN :hasError THEN :error ELSE error END,
              finished_at = CASE WHEN :status IN ('done', 'failed', 'rolled_back') THEN now() ELSE finished_at END
        WHERE id = :id`,
      {
        replacements: {
          id: run.id,
          steps: JSON.stringify(run.steps),
          state: JSON.stringify(run.state),
          status: patch.status ?? null,
          current: patch.current ?? null,
          hasError: patch.error !== undefined,
          error: patch.error ?? null,
        },
      },
    );
    if (patch.status) run.status = patch.status;
  }

  return {
    save,

    /** The unfinished run of this kind (a crash, a kill, a lost database), if there is one. */
    async open<K extends RunKind>(kind: K): Promise<Run<K> | null> {
      const [row] = await select(
        `SELECT ${COLUMNS} FROM cutover_runs WHERE kind = :kind AND ${OPEN} ORDER BY id DESC LIMIT 1`,
        { kind },
      );
      return row ? toRun(kind, row, true) : null;
    },

    /** The open run of this kind, marked running again, or a new one. */
    async resumeOrStart<K extends RunKind>(kind: K): Promise<Run<K>> {
      const open = await this.open(kind);
      if (open) {
        await sequelize.query(`UPDATE cutover_runs SET status = 'running' WHERE id = :id`, {
          replacements: { id: open.id },
        });
        return { ...open, status: 'running' };
      }
      const [row] = await select(
        `INSERT INTO cutover_runs (kind, status) VALUES (:kind, 'running') RETURNING ${COLUMNS}`,
        { kind },
      );
      return toRun(kind, row!, false);
    },

    /** Closes every open run of this kind (it must start over, not resume). */
    async abandon(kind: RunKind, why = 'superseded'): Promise<number> {
      const closed = await select(
        `UPDATE cutover_runs SET status = 'failed', error = COALESCE(error, :why), finished_at = now()
          WHERE kind = :kind AND ${OPEN} RETURNING ${COLUMNS}`,
        { kind, why },
      );
      return closed.length;
    },

    async stepStarted(run: Run<RunKind>, name: string): Promise<void> {
      run.steps = run.steps.filter((s) => s.name !== name || s.status === 'done');
      run.steps.push({ name, status: 'running', startedAt: new Date().toISOString() });
      await save(run, { current: name });
    },

    async stepFinished(
      run: Run<RunKind>,
      name: string,
      outcome: Omit<StepRecord, 'name' | 'startedAt'>,
    ): Promise<void> {
      const step = run.steps.find((s) => s.name === name && s.status === 'running');
      if (step) Object.assign(step, outcome);
      await save(run, { current: name });
    },

    finish: (run: Run<RunKind>, status: RunStatus, error?: string) =>
      save(run, { status, error: error ?? null }),

    /** Recent runs of this kind, newest first. */
    async recent<K extends RunKind>(kind: K, limit = 20): Promise<Run<K>[]> {
      const rows = await select(
        `SELECT ${COLUMNS} FROM cutover_runs WHERE kind = :kind ORDER BY id DESC LIMIT :limit`,
        { kind, limit },
      );
      return rows.map((row) => toRun(kind, row, false));
    },
  };
}

export type RunState = ReturnType<typeof createRunState>;
