import type { Migration } from '../src/db/migrator.js';

/**
 * Where the snapshot seeder keeps its copies of the user tables (design invariant 5): a schema
 * of its own, outside `public`, that no route, model or repository reads. `down` refuses while
 * snapshots exist (no CASCADE): dropping a safety net must be deliberate (`snapshot drop`).
 */
export const up: Migration = async ({ context: { query } }) => {
  await query(`CREATE SCHEMA authshift_snapshots`);
  await query(`
    CREATE TABLE authshift_snapshots.manifest (
      label       VARCHAR(64) PRIMARY KEY,
      taken_at    TIMESTAMPTZ NOT NULL,
      tables      JSONB NOT NULL,
      restored_at TIMESTAMPTZ NULL
    )`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`DROP TABLE authshift_snapshots.manifest`);
  await query(`DROP SCHEMA authshift_snapshots`);
};
