import { QueryTypes, type Sequelize } from 'sequelize';

/** One cutover or rollback run as kept in `cutover_runs`: where it is, and what each step did. */
export type RunKind = 'cutover' | 'rollback';
export type RunStatus = 'running' | 'done' | 'failed' | 'rolled_back' | 'interrupted';

export interface StepRecord {
  name: string;
  status: 'running' | 'done' | 'failed';
  startedAt: string;
  durationMs?: number;
  detail?: string;
  error?: string;
}

export interface Run {
  id: number;
  kind: RunKind;
  status: RunStatus;
  steps: StepRecord[];
  state: Record<string, unknown>;
  resumed: boolean;
}

interface RunRow {
  id: number;
  kind: RunKind;
  status: RunStatus;
  steps: StepRecord[];
  state: Record<string, unknown>;
}

export function createRunState(sequelize: Sequelize) {
  async function save(
    run: Run,
    patch: { status?: RunStatus; error?: string | null; current?: string | null },
  ) {
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
    /** The unfinished run of this kind if there is one (a crash, a kill, a lost database), else a new one. */
    async resumeOrStart(kind: RunKind): Promise<Run> {
      const [open] = await sequelize.query<RunRow>(
        `SELECT id, kind, status, steps, state FROM cutover_runs
          WHERE kind = :kind AND status IN ('running', 'interrupted') ORDER BY id DESC LIMIT 1`,
        { replacements: { kind }, type: QueryTypes.SELECT },
      );
      if (open) {
        await sequelize.query(`UPDATE cutover_runs SET status = 'running' WHERE id = :id`, {
          replacements: { id: open.id },
        });
        return { ...open, status: 'running', resumed: true };
      }
      const [row] = await sequelize.query<RunRow>(
        `INSERT INTO cutover_runs (kind, status) VALUES (:kind, 'running')
         RETURNING id, kind, status, steps, state`,
        { replacements: { kind }, type: QueryTypes.SELECT },
      );
      return { ...row!, resumed: false };
    },

    async abandon(kind: RunKind): Promise<void> {
      await sequelize.query(
        `UPDATE cutover_runs SET status = 'failed', error = COALESCE(error, 'superseded'), finished_at = now()
          WHERE kind = :kind AND status IN ('running', 'interrupted')`,
        { replacements: { kind } },
      );
    },

    async stepStarted(run: Run, name: string): Promise<void> {
      run.steps = run.steps.filter((s) => s.name !== name || s.status === 'done');
      run.steps.push({ name, status: 'running', startedAt: new Date().toISOString() });
      await save(run, { current: name });
    },

    async stepFinished(
      run: Run,
      name: string,
      outcome: Omit<StepRecord, 'name' | 'startedAt'>,
    ): Promise<void> {
      const step = run.steps.find((s) => s.name === name && s.status === 'running');
      if (step) Object.assign(step, outcome);
      await save(run, { current: name });
    },

    finish: (run: Run, status: RunStatus, error?: string) =>
      save(run, { status, error: error ?? null }),

    async latest(kind: RunKind): Promise<RunRow | null> {
      const [row] = await sequelize.query<RunRow>(
        `SELECT id, kind, status, steps, state FROM cutover_runs WHERE kind = :kind ORDER BY id DESC LIMIT 1`,
        { replacements: { kind }, type: QueryTypes.SELECT },
      );
      return row ?? null;
    },
  };
}

export type RunState = ReturnType<typeof createRunState>;
