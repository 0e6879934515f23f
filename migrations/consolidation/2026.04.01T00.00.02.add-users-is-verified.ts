import type { Migration } from '../../src/db/migrator.js';

/** fastapi-users' `is_verified`; a constant default is metadata only (no rewrite). Filled later. */
export const up: Migration = async ({ context: { query } }) => {
  await query(`ALTER TABLE users ADD COLUMN is_verified BOOLEAN NOT NULL DEFAULT false`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`ALTER TABLE users DROP COLUMN is_verified`);
};
