import type { Migration } from '../src/db/migrator.js';

/**
 * The state of `npm run cutover` and `npm run rollback` runs: which step each is at and what each
 * step did, so a run killed half-way continues where it stopped, and ops (and the dashboard) can
 * see the last cutover or rollback and the result of each step.
 */
export const up: Migration = async ({ context: { query } }) => {
  await query(`
    CREATE TABLE cutover_runs (
      id           SERIAL PRIMARY KEY,
      kind         VARCHAR(16) NOT NULL CHECK (kind IN ('cutover', 'rollback')),
      status       VARCHAR(16) NOT NULL
                   CHECK (status IN ('running', 'done', 'failed', 'rolled_back', 'interrupted')),
      current_step VARCHAR(32) NULL,
      steps        JSONB NOT NULL DEFAULT '[]',
      state        JSONB NOT NULL DEFAULT '{}',
      error        TEXT NULL,
      started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
      finished_at  TIMESTAMPTZ NULL
    )`);
  await query(`CREATE INDEX cutover_runs_kind_idx ON cutover_runs (kind, id DESC)`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`DROP TABLE cutover_runs`);
};
