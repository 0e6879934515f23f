import type { Migration } from '../../src/db/migrator.js';

/**
 * True for every account the new engine knows: those merged from `fu_users`, and those it
 * registers, updates or logs in after cutover. A rollback gives exactly these a `fu_users` row
 * again (same UUID), so no credential the new engine issued loses its user and legacy-only
 * accounts stay legacy-only, as they were in phase 1.
 */
export const up: Migration = async ({ context: { query } }) => {
  await query(`ALTER TABLE users ADD COLUMN fu_linked BOOLEAN NOT NULL DEFAULT false`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`ALTER TABLE users DROP COLUMN fu_linked`);
};
