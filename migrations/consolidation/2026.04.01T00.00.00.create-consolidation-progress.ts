import type { Migration } from '../../src/db/migrator.js';

/** Where batched data steps record how far they got, so an interrupted run resumes. */
export const up: Migration = async ({ context: { query } }) => {
  await query(`
    CREATE TABLE consolidation_progress (
      job        VARCHAR(100) PRIMARY KEY,
      last_key   BIGINT NOT NULL,
      done       BIGINT NOT NULL,
      total      BIGINT NOT NULL,
      finished   BOOLEAN NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL
    )`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`DROP TABLE consolidation_progress`);
};
