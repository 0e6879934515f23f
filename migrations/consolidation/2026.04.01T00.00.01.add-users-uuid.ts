import type { Migration } from '../../src/db/migrator.js';

/**
 * The fastapi-users id on the legacy table. Added without a default first (no table rewrite),
 * then the default applies to rows inserted from now on; existing rows are filled by the
 * `fill-users-new-columns` and `merge-fu-users` data steps (the latter with the UUID the user
 * already has in `fu_users`: one identity, invariant 1).
 */
export const up: Migration = async ({ context: { query } }) => {
  await query(`ALTER TABLE users ADD COLUMN uuid UUID NULL`);
  await query(`ALTER TABLE users ALTER COLUMN uuid SET DEFAULT gen_random_uuid()`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`ALTER TABLE users DROP COLUMN uuid`);
};
