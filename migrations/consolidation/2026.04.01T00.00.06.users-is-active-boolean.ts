import type { Migration } from '../../src/db/migrator.js';

/**
 * `is_active` SMALLINT (1/0) → BOOLEAN, and back. Both engines write '1'/'0' literals, which
 * PostgreSQL accepts for either type, so nothing running has to change at the switch. The
 * rewrite holds an exclusive lock for its duration (requests wait, none fail).
 */
export const up: Migration = async ({ context: { query } }) => {
  await query(`
    ALTER TABLE users
      ALTER COLUMN is_active DROP DEFAULT,
      ALTER COLUMN is_active TYPE BOOLEAN USING is_active <> 0,
      ALTER COLUMN is_active SET DEFAULT true`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`
    ALTER TABLE users
      ALTER COLUMN is_active DROP DEFAULT,
      ALTER COLUMN is_active TYPE SMALLINT USING CASE WHEN is_active THEN 1 ELSE 0 END,
      ALTER COLUMN is_active SET DEFAULT 1`);
};
